"""Saved deals, their append-only checks, and the people who make them (SQLAlchemy + Alembic).

Imports only the core (`sales_process`); the web app and the CLI use it.
"""
