"""The buyer's confirmation page at /confirm/<token>: no account, its own CSRF protection, rate-limited."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint(
    "confirm", __name__, template_folder="templates", static_folder="static", static_url_path="/confirm-static"
)

from assess_app.confirm import views  # noqa: E402,F401  (registers the routes on bp)
