"""The deal self-check: the form at /check and the assessment it shows."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("check", __name__, template_folder="templates", static_folder="static", static_url_path="/check/static")

from assess_app.check import views  # noqa: E402,F401  (registers the routes on bp)
