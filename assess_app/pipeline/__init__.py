"""/pipeline: the team's live verified forecast, the audit's report computed from the saved deals."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("pipeline", __name__, template_folder="templates")

from assess_app.pipeline import views  # noqa: E402,F401  (registers the routes on bp)
