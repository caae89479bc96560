"""Signing in and out (/login, POST /logout), with a per-account limit on failed attempts."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("auth", __name__, template_folder="templates")

from assess_app.auth import views  # noqa: E402,F401  (registers the routes on bp)
