"""/pipeline: the team's live verified forecast, the audit's report computed from the saved deals."""

from __future__ import annotations

from flask import Blueprint

from assess_app.query import refuse_unknown_page_query

bp = Blueprint("pipeline", __name__, template_folder="templates")
bp.before_request(refuse_unknown_page_query)  # a typo (?asof=) is told, never ignored

from assess_app.pipeline import views  # noqa: E402,F401  (registers the routes on bp)
