"""Keep tokens, credentials and emails out of request logs (werkzeug's and gunicorn's access lines): a confirmation
link's token, however its path is written (`/confirm%2F<token>` opens the page too; `/confirm/./<token>` does once a
proxy normalises it), and the value of every query parameter but the app's own harmless ones (`?access_token=`,
`?jwt=`, `?code=`, `?t=` … are credentials a client put where the API does not read them, `?owner=` an email: logs
name user ids, not people)."""

from __future__ import annotations

import logging
import re
from urllib.parse import quote, unquote

# A word of a log line: a request target (`/confirm/x?a=1`, `http://host/…` in an absolute request line or a
# Referer), or anything else, which is left as it is.
_WORD = re.compile(r"[^\s\"']+")
# Where a confirmation link's token starts, in a path percent-decoded (any case: a token in a 404 is still a token).
_CONFIRM = re.compile(r"/confirm/", re.IGNORECASE)
# The query parameters the app reads whose values are harmless in a log: paging, filters by stage or state, days.
# Every other value is '…' (a name alone, without '=', too): a credential has no fixed name. `owner` is an email.
HARMLESS_PARAMETERS = frozenset(
    {
        "page",
        "per_page",
        "cursor",
        "stage",
        "closed",
        "crm_id",
        "as_of",
        "details",
        "outcome",
        "saved",
        "withdrawn",
        "since",
    }
)
REQUEST_LOGGERS = ("werkzeug", "gunicorn.access")


def _decoded(text: str) -> str:
    """Text percent-decoded however many times (up to three) it was encoded; '+' as a space, as a query reads it."""
    for _ in range(3):
        decoded = unquote(text.replace("+", " "))
        if decoded == text:
            break
        text = decoded
    return text


def _path(path: str) -> str:
    """The path, or its start and '…' when, once decoded, it holds a token (after `/confirm/`) or a query (after a
    '?' written `%3F`). The start is re-encoded, so that a decoded line break or quote cannot forge a log line."""
    decoded = _decoded(path).replace("\\", "/")
    token = _CONFIRM.search(decoded)
    ends = [token.end()] if token is not None and token.end() < len(decoded) else []
    if "?" in decoded:
        ends.append(decoded.index("?") + 1)
    if not ends:
        return path
    return quote(decoded[: min(ends)], safe="/:?") + "…"


def _parameter(parameter: str) -> str:
    name, equals, value = parameter.partition("=")
    plain = _decoded(name).strip().lower()
    if plain in HARMLESS_PARAMETERS and "@" not in _decoded(value):
        return parameter
    if not equals or "@" in _decoded(name):
        return "…" if parameter else parameter
    return f"{name}=…"


def _target(word: str) -> str:
    path, mark, query = word.partition("?")
    if not mark:
        return _path(path)
    return f"{_path(path)}?{'&'.join(_parameter(parameter) for parameter in query.split('&'))}"


def redact(text: str) -> str:
    """The text with the token of every confirmation link, and every query value but the harmless ones, as '…'."""
    return _WORD.sub(lambda word: _target(word.group()), text)


class RedactTokens(logging.Filter):
    """Rewrite a request log record before any handler sees it."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Always keep the record; only its text changes."""
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


_FILTER = RedactTokens()


def redact_request_logs() -> None:
    """Install the filter on the request loggers (once, however many apps are created)."""
    for name in REQUEST_LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
