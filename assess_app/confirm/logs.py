"""Keep tokens and emails out of request logs (werkzeug's and gunicorn's access lines): a confirmation link's token,
a secret a client put in a query string (`?access_token=…`: refused with 401, since the API reads only the
Authorization header, but a log line must not keep a live token all the same), and an email in a query string
(`GET /api/deals?owner=…`: logs name user ids, not people)."""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote_plus

# Any path segment after /confirm/, whatever its shape: a tampered token is still someone's token.
_TOKEN_IN_PATH = re.compile(r"(/confirm/)[^\s/?\"']+")
# A query parameter: its name (read percent-decoded: `access%5Ftoken` is access_token) and its value.
_QUERY_PARAMETER = re.compile(r"([?&])([^=&\s\"'?]+)=([^&\s\"']+)")
# The names clients give a credential, exactly, and the endings that name one (refresh_token, client_secret …).
SECRET_NAMES = frozenset(
    {"token", "key", "api_key", "apikey", "password", "passwd", "pass", "secret", "auth", "session"}
)
SECRET_ENDINGS = ("token", "secret", "password", "_key", "session")
# The query parameters whose value is a person's email (GET /api/deals?owner=), whatever it holds.
EMAIL_NAMES = frozenset({"owner", "email"})
REQUEST_LOGGERS = ("werkzeug", "gunicorn.access")


def _decoded(text: str) -> str:
    """Query text percent-decoded however many times (up to three) it was encoded."""
    for _ in range(3):
        decoded = unquote_plus(text)
        if decoded == text:
            break
        text = decoded
    return text


def is_secret_name(name: str) -> bool:
    """Whether a query parameter's name, percent-decoded (however many times it was encoded), names a credential."""
    name = _decoded(name).strip().lower().replace("-", "_")
    return name in SECRET_NAMES or name.endswith(SECRET_ENDINGS)


def _is_hidden(name: str, value: str) -> bool:
    """A credential, and a person's email (?owner=, or any value with an @), which logs never hold: they name user ids."""
    return is_secret_name(name) or _decoded(name).strip().lower() in EMAIL_NAMES or "@" in _decoded(value)


def _hide_secret(match: re.Match[str]) -> str:
    start, name, value = match.groups()
    return f"{start}{name}={'…' if _is_hidden(name, value) else value}"


def redact(text: str) -> str:
    """The text with every token of a confirmation link, and every credential and email in a query string, replaced
    by '…'."""
    return _QUERY_PARAMETER.sub(_hide_secret, _TOKEN_IN_PATH.sub(r"\1…", text))


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
