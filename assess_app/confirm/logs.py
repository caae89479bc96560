"""Keep tokens out of request logs (werkzeug's and gunicorn's access lines): a confirmation link's, and a secret a
client put in a query string (`?access_token=…`: refused with 401, since the API reads only the Authorization
header, but a log line must not keep a live token all the same)."""

from __future__ import annotations

import logging
import re

# Any path segment after /confirm/, whatever its shape: a tampered token is still someone's token.
_TOKEN_IN_PATH = re.compile(r"(/confirm/)[^\s/?\"']+")
# The value of a query parameter named as clients name a credential.
_SECRET_IN_QUERY = re.compile(
    r"([?&](?:access_token|token|api_key|apikey|key|password|passwd|secret|auth)=)[^&\s\"']+", re.IGNORECASE
)
REQUEST_LOGGERS = ("werkzeug", "gunicorn.access")


def redact(text: str) -> str:
    """The text with every token of a confirmation link, and every credential in a query string, replaced by '…'."""
    return _SECRET_IN_QUERY.sub(r"\1…", _TOKEN_IN_PATH.sub(r"\1…", text))


class RedactTokens(logging.Filter):
    """Rewrite a record whose message holds a confirmation link, before any handler sees it."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Always keep the record; only its text changes."""
        message = record.getMessage()
        if "/confirm/" in message or "=" in message:
            record.msg, record.args = redact(message), None
        return True


_FILTER = RedactTokens()


def redact_request_logs() -> None:
    """Install the filter on the request loggers (once, however many apps are created)."""
    for name in REQUEST_LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
