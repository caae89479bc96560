"""Alembic migrations of the deal records, shipped inside the package."""
