"""What every request must be before a view sees it: ids a database integer holds, no NUL anywhere.

Both are dealt with here, once, for every route present and future, because both made
PostgreSQL fail where SQLite did not: its INTEGER ids stop at 2**31 - 1 and its text
cannot hold a NUL character.
"""

from __future__ import annotations

from flask import Flask, Response, request
from werkzeug.routing import IntegerConverter

from assess_app.errors import bad_request
from deal_records.records import MAX_DEAL_ID

NO_RECORD = 0


class RecordId(IntegerConverter):
    """`<int:...>` in every route: a number beyond the largest id the database holds becomes 0,
    an id no record has (ids start at 1), so the route answers 404 as for any unknown id.

    Refusing the match instead (a converter's ValidationError) would turn into 405 wherever
    the same path takes another method.
    """

    def to_python(self, value: str) -> int:
        """The id, or 0 when no database integer holds it."""
        number = int(value)
        return number if number <= MAX_DEAL_ID else NO_RECORD


def _nul_field() -> str | None:
    """The first query or form field whose name or value holds a NUL character."""
    for source in (request.args, request.form):
        for name, value in source.items(multi=True):
            if "\x00" in name or "\x00" in value:
                return name.replace("\x00", "\\0")
    return None


def refuse_nul() -> tuple[Response, int] | tuple[str, int] | None:
    """400 naming the field that holds a NUL character (nobody types one; no database text can hold it)."""
    field = _nul_field()
    if field is None:
        return None
    return bad_request(field, f"'{field}' contains a NUL character (U+0000); remove it")


def init_inputs(app: Flask) -> None:
    """Bound every `<int:...>` route value and refuse NUL characters; call before the blueprints are registered."""
    app.url_map.converters["int"] = RecordId
    app.before_request(refuse_nul)
