"""The JSON API: assess a deal, read the process, and the OpenAPI description."""

from __future__ import annotations

from flask import Blueprint

from assess_app.query import refuse_unknown_query

bp = Blueprint("api", __name__, url_prefix="/api")
bp.before_request(refuse_unknown_query)

from assess_app.api import confirmations, deals, views  # noqa: E402,F401  (registers the routes on bp)
