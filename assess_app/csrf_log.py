"""The log line of a form refused for its CSRF token: one for every form (the session's pages' and /check's)."""

from __future__ import annotations

import logging

from flask import current_app, request
from flask_wtf.csrf import CSRFError

from assess_app.config import SECRET_ENV

log = logging.getLogger("assess_app")

FORM_SENT_NO_TOKEN = "The CSRF token is missing."  # Flask-WTF's words when the form had no csrf_token field


def log_token_refused(error: CSRFError) -> None:
    """Log a form refused for its token, with the likely cause when the key is random: every form's refusal, /check's
    (which re-shows its form) too."""
    reason = error.description or "The CSRF token is invalid."
    hint = ""
    # A form that sent no token at all was not made by this app: the key is not the cause then.
    if current_app.config.get("SECRET_KEY_IS_RANDOM") and reason != FORM_SENT_NO_TOKEN:
        reason = reason.rstrip(".")
        hint = (
            f"; no {SECRET_ENV} is set, so forms rendered before a restart, or by a worker that did not share this "
            f"one's key, fail: set {SECRET_ENV}, and serve with gunicorn -c python:assess_app.gunicorn_conf"
        )
    log.warning("a form's CSRF token did not match (%s %s): %s%s", request.method, request.path, reason, hint)
