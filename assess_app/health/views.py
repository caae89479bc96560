"""The health checks: cheap, unauthenticated, plain text, and left out of the access log when all is well.

`/healthz` never touches the database: a load balancer restarting a process because its
database is away would only add restarts to an outage. `/readyz` asks the database for its
schema version, so an instance is taken out of rotation while the database is away or behind.
"""

from __future__ import annotations

import functools
import logging

from flask import Response
from sqlalchemy.exc import SQLAlchemyError

from assess_app.health import bp
from assess_app.records import records
from deal_records.database import driver_message
from deal_records.schema import UPGRADE_COMMAND, SchemaNewer, head_revision, known_revision

HEALTH_PATHS = ("/healthz", "/readyz")
log = logging.getLogger("assess_app")
_last_reason: list[str | None] = [None]  # per process: a failing check is logged when it starts and ends, not per call


@functools.cache
def _head() -> str:
    return head_revision()


def _plain(text: str, status: int) -> Response:
    response = Response(text + "\n", status=status, mimetype="text/plain")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
def healthz() -> Response:
    """200 while the process answers requests."""
    return _plain("ok", 200)


def not_ready_reason() -> str | None:
    """Why this instance should get no traffic (one line), or None when the database answers at the current schema."""
    try:
        current = known_revision(records().engine)
    except SQLAlchemyError as error:
        return f"the database does not answer: {driver_message(error)}"
    except SchemaNewer as error:
        return str(error)
    if current != _head():
        return (
            f"the database is at schema {current or '(empty)'}, this version needs {_head()}: run `{UPGRADE_COMMAND}`"
        )
    return None


@bp.get("/readyz")
def readyz() -> Response:
    """200 when the database answers and its schema is current; 503 with the reason otherwise."""
    reason = not_ready_reason()
    if reason != _last_reason[0]:
        if reason is None:
            log.warning("ready again: the database answers at the current schema")
        else:
            log.warning("not ready: %s", reason)
        _last_reason[0] = reason
    return _plain("ok" if reason is None else f"not ready: {reason}", 200 if reason is None else 503)


class QuietHealthChecks(logging.Filter):
    """Drop the access-log line of a successful health check (a load balancer asks every few seconds)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep every record except a 200 for /healthz or /readyz."""
        message = record.getMessage()
        return not (any(f" {path} " in message for path in HEALTH_PATHS) and " 200 " in message)


_QUIET = QuietHealthChecks()


def quiet_health_logs() -> None:
    """Install the filter on the request loggers (once, however many apps are created)."""
    for name in ("werkzeug", "gunicorn.access"):
        logger = logging.getLogger(name)
        if _QUIET not in logger.filters:
            logger.addFilter(_QUIET)
