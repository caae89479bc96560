"""`/healthz` (the process answers) and `/readyz` (the database answers at the current schema), for load balancers."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("health", __name__)

from assess_app.health import views  # noqa: E402,F401  (registers the routes on bp)
