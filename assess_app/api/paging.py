"""Keyset paging of GET /api/deals: a cursor names where the last page ended, not how many deals came before it.

An offset walk (?page=N) moves every deal after one created or closed during the walk across a page's
edge, so it is read twice or never. A cursor walk goes on below the last id it was given: a deal that
existed when the walk began and still matches its filters is read exactly once.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlencode

from deal_records.records import MAX_DEAL_ID

CURSOR_REFUSED = "is not a cursor this API gave; start the walk again without cursor and follow next_cursor"


def cursor_after(last_id: int) -> str:
    """The cursor of the page that follows the deal `last_id`: its id, which a client sends back as it was given."""
    return str(last_id)


def read_cursor(text: str) -> int:
    """The id a cursor walk goes on below; ValueError when `text` is no cursor `cursor_after` could have written."""
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_DEAL_ID:
        raise ValueError(f"{text[:40]!r} {CURSOR_REFUSED}")
    return int(text)


def next_link(path: str, args: Iterable[tuple[str, str]], cursor: str) -> str:
    """The RFC 8288 Link header value pointing at the next page: the same filters and per_page, with the cursor."""
    kept = [(name, value) for name, value in args if name not in ("page", "cursor")]
    return f'<{path}?{urlencode([*kept, ("cursor", cursor)])}>; rel="next"'
