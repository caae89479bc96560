"""Keyset paging of GET /api/deals: a cursor names where the last page ended, not how many deals came before it.

An offset walk (?page=N) moves every deal after one created or closed during the walk across a page's
edge, so it is read twice or never. A cursor walk goes on below the last id it was given: a deal that
existed when the walk began and still matches its filters is read exactly once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlencode

from deal_records.records import MAX_DEAL_ID
from sales_process.text import END

CURSOR_REFUSED = "is not a cursor this API gave; start the walk again without cursor and follow next_cursor"


def whole_numbers_up_to(largest: int) -> str:
    """A regular expression of the whole numbers 1 to `largest` (largest >= 1) as written in decimal, without
    leading zeros: those of fewer digits, then for each digit of `largest` those that are below it there."""
    digits = str(largest)
    shorter = [f"[1-9][0-9]{{0,{len(digits) - 2}}}"] if len(digits) > 1 else []
    below = [
        f"{digits[:at]}[{int(at == 0)}-{int(digit) - 1}][0-9]{{{len(digits) - at - 1}}}"
        for at, digit in enumerate(digits)
        if int(digit) > int(at == 0)
    ]
    return f"^({'|'.join([*shorter, *below, digits])}){END}"


# Every cursor cursor_after writes, and only those: what the OpenAPI document says of `cursor` and `next_cursor`.
CURSOR_PATTERN = whole_numbers_up_to(MAX_DEAL_ID)
_CURSOR = re.compile(CURSOR_PATTERN)  # read with search, as a JSON Schema validator reads it


def cursor_after(last_id: int) -> str:
    """The cursor of the page that follows the deal `last_id`: an opaque string (today the id, written in decimal),
    which a client sends back as it was given."""
    return str(last_id)


def read_cursor(text: str) -> int:
    """The id a cursor walk goes on below; ValueError when `text` is no cursor `cursor_after` could have written."""
    if not _CURSOR.search(text):
        raise ValueError(f"{text[:40]!r} {CURSOR_REFUSED}")
    return int(text)


def next_link(path: str, args: Iterable[tuple[str, str]], cursor: str) -> str:
    """The RFC 8288 Link header value pointing at the next page: the same filters and per_page, with the cursor."""
    kept = [(name, value) for name, value in args if name not in ("page", "cursor")]
    return f'<{path}?{urlencode([*kept, ("cursor", cursor)])}>; rel="next"'
