"""The JSON API: assess a deal, read the process, and the OpenAPI description."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api")

from assess_app.api import confirmations, deals, views  # noqa: E402,F401  (registers the routes on bp)
from assess_app.api.query import refuse_unknown_query  # noqa: E402

bp.before_request(refuse_unknown_query)
