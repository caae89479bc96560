"""Keep confirmation tokens out of request logs (werkzeug's and gunicorn's access lines)."""

from __future__ import annotations

import logging
import re

# Any path segment after /confirm/, whatever its shape: a tampered token is still someone's token.
_TOKEN_IN_PATH = re.compile(r"(/confirm/)[^\s/?\"']+")
REQUEST_LOGGERS = ("werkzeug", "gunicorn.access")


def redact(text: str) -> str:
    """The text with every token of a confirmation link replaced by '…'."""
    return _TOKEN_IN_PATH.sub(r"\1…", text)


class RedactTokens(logging.Filter):
    """Rewrite a record whose message holds a confirmation link, before any handler sees it."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Always keep the record; only its text changes."""
        message = record.getMessage()
        if "/confirm/" in message:
            record.msg, record.args = redact(message), None
        return True


_FILTER = RedactTokens()


def redact_request_logs() -> None:
    """Install the filter on the request loggers (once, however many apps are created)."""
    for name in REQUEST_LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
