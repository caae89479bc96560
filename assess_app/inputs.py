"""What every request must be before a view sees it: ids a database integer holds, no NUL anywhere, forms of
UTF-8 text, a body within the size limit however it is sent.

The ids and the NUL are dealt with here, once, for every route present and future, because both
made PostgreSQL fail where SQLite did not: its INTEGER ids stop at 2**31 - 1 and its text
cannot hold a NUL character. The body's size likewise, because Werkzeug refuses a body over
MAX_CONTENT_LENGTH only when its Content-Length says so: one sent in chunks was cut at the
limit and read as if whole (a deal saved from its first megabyte).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from flask import Flask, Request, Response, request
from werkzeug.formparser import FormDataParser
from werkzeug.routing import IntegerConverter
from werkzeug.sansio.multipart import Data, Epilogue, Field, File, MultipartDecoder, NeedData

from assess_app.errors import bad_request
from deal_records.records import MAX_DEAL_ID
from sales_process.problems import InvalidInput, Problem

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

NO_RECORD = 0


class RecordId(IntegerConverter):
    """`<int:...>` in every route: a number beyond the largest id the database holds becomes 0,
    an id no record has (ids start at 1), so the route answers 404 as for any unknown id.

    Refusing the match instead (a converter's ValidationError) would turn into 405 wherever
    the same path takes another method.
    """

    def to_python(self, value: str) -> int:
        """The id, or 0 when no database integer holds it."""
        # Counted before read: int() of thousands of digits raises Python's own limit (a 500), not this 404.
        digits = value.lstrip("0")
        if len(digits) > len(str(MAX_DEAL_ID)):
            return NO_RECORD
        number = int(digits or "0")
        return number if number <= MAX_DEAL_ID else NO_RECORD


# The forms whose every text field passes the text rule (sales_process.text) before anything is stored: a NUL
# typed in one of their fields is refused at the field with the form shown again, as a U+202E or an ESC is.
TEXT_CHECKED_FORMS = frozenset({"deals.create", "deals.details", "deals.check", "deals.ask"})


def _nul_field() -> str | None:
    """The first query or form field whose name or value holds a NUL character (a form's values left to the form
    when it checks them itself: TEXT_CHECKED_FORMS)."""
    values_checked = request.endpoint in TEXT_CHECKED_FORMS
    for source in (request.args, request.form):
        for name, value in source.items(multi=True):
            if "\x00" in name or ("\x00" in value and not (values_checked and source is request.form)):
                return name.replace("\x00", "\\0")
    return None


def refuse_nul() -> tuple[Response, int] | tuple[str, int] | None:
    """400 naming the field that holds a NUL character (nobody types one; no database text can hold it)."""
    field = _nul_field()
    if field is None:
        return None
    return bad_request(field, f"'{field}' contains a NUL character (U+0000); remove it")


class TextFormParser(FormDataParser):
    """A urlencoded form read as UTF-8 text, each field that is not UTF-8 noted in `not_utf8` (its bad bytes read
    as U+FFFD, as a browser shows them). Werkzeug turned such bytes into "%FF" text, saved as typed ("a%FF%FE" for a name),
    and a raw byte over 127 emptied the whole form (refused as a form without its CSRF token)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.not_utf8: list[str] = []

    def _parse_urlencoded(
        self, stream: IO[bytes], mimetype: str, content_length: int | None, options: dict[str, str]
    ) -> tuple[IO[bytes], Any, Any]:
        # Latin-1 maps each byte to one character: percent-decoded, each name and value is its bytes again.
        items = []
        for name, value in parse_qsl(stream.read().decode("latin-1"), keep_blank_values=True, encoding="latin-1"):
            text_name, name_ok = _utf8(name)
            text_value, value_ok = _utf8(value)
            if not (name_ok and value_ok):
                self.not_utf8.append(text_name)
            items.append((text_name, text_value))
        return stream, self.cls(items), self.cls()

    def _parse_multipart(
        self, stream: IO[bytes], mimetype: str, content_length: int | None, options: dict[str, str]
    ) -> tuple[IO[bytes], Any, Any]:
        # Werkzeug reads a part's bytes that are not UTF-8 as U+FFFD without a word: read once more to note them.
        body = stream.read()
        self.not_utf8.extend(_multipart_not_utf8(body, options.get("boundary", "").encode("latin-1")))
        return super()._parse_multipart(io.BytesIO(body), mimetype, content_length, options)


def _multipart_not_utf8(body: bytes, boundary: bytes) -> list[str]:
    """The names of a multipart body's fields (not files) whose value is not UTF-8 ([] for a body Werkzeug refuses)."""
    decoder = MultipartDecoder(boundary)
    decoder.receive_data(body)
    decoder.receive_data(None)
    found, name, value = [], None, bytearray()
    try:
        while not isinstance(event := decoder.next_event(), (Epilogue, NeedData)):
            if isinstance(event, (Field, File)):
                name, value = (event.name if isinstance(event, Field) else None), bytearray()
            elif isinstance(event, Data) and name is not None:
                value += event.data
                if not event.more_data and not _utf8(value.decode("latin-1"))[1]:
                    found.append(name)
    except ValueError:
        return []
    return found


def _utf8(latin: str) -> tuple[str, bool]:
    """The text of bytes read as Latin-1, and whether they were UTF-8 (else each bad byte is U+FFFD)."""
    data = latin.encode("latin-1")
    try:
        return data.decode("utf-8"), True
    except UnicodeDecodeError:
        return data.decode("utf-8", "replace"), False


class TextRequest(Request):
    """Flask's request, its urlencoded form read by TextFormParser."""

    form_data_parser_class = TextFormParser
    not_utf8: Sequence[str] = ()  # filled as the form is parsed

    def make_form_data_parser(self) -> FormDataParser:
        """The parser, its list of the fields that are not UTF-8 kept on the request."""
        parser = super().make_form_data_parser()
        if isinstance(parser, TextFormParser):
            self.not_utf8 = parser.not_utf8
        return parser


def _not_utf8_message(field: str) -> str:
    return (
        f"'{field}' holds bytes that are not UTF-8 text (each shown as \ufffd); type the text again, or send the form "
        "encoded as UTF-8"
    )


def refuse_not_utf8() -> tuple[Response, int] | tuple[str, int] | None:
    """400 naming the first form field whose bytes are not UTF-8 text (a page of this app sends only UTF-8); a
    form of TEXT_CHECKED_FORMS refuses it at the field itself (`refuse_not_utf8_fields`)."""
    _ = request.form  # the form is parsed here, whatever the route reads, so that its fields are checked
    if not request_not_utf8() or request.endpoint in TEXT_CHECKED_FORMS:
        return None
    field = request_not_utf8()[0]
    return bad_request(field, _not_utf8_message(field))


def request_not_utf8() -> Sequence[str]:
    """The form fields of this request whose bytes are not UTF-8 text."""
    return getattr(request, "not_utf8", ())


def refuse_not_utf8_fields() -> None:
    """Raise InvalidInput with a problem at each field of the form whose bytes are not UTF-8 text: a form of
    TEXT_CHECKED_FORMS calls this where it checks its fields, to show the form again with the message at the field."""
    if request_not_utf8():
        raise InvalidInput([Problem((name,), _not_utf8_message(name)) for name in request_not_utf8()])


class StreamedBody:
    """WSGI middleware: a body sent without a length (Transfer-Encoding: chunked, which the server dechunks) is
    read up to one byte over MAX_CONTENT_LENGTH and handed on with the length read, so that Werkzeug refuses it
    413 exactly as a body whose Content-Length is over the limit, on every route that reads a body."""

    def __init__(self, wsgi_app: WSGIApplication, config: Mapping[str, Any]) -> None:
        self.wsgi_app = wsgi_app
        self.config = config

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """Give the app the body with its length when the server streamed it without one."""
        limit = self.config.get("MAX_CONTENT_LENGTH")
        if limit is not None and environ.get("wsgi.input_terminated") and not environ.get("CONTENT_LENGTH"):
            body = read_at_most(environ["wsgi.input"], limit + 1)
            environ["wsgi.input"] = io.BytesIO(body)
            # Dechunked and counted, it is a body of known length now: Werkzeug reads a length only without a
            # Transfer-Encoding, and reads a stream the server terminates up to the limit without a word.
            environ["CONTENT_LENGTH"] = str(len(body))
            environ.pop("HTTP_TRANSFER_ENCODING", None)
            del environ["wsgi.input_terminated"]
        return self.wsgi_app(environ, start_response)


def read_at_most(stream: IO[bytes], size: int) -> bytes:
    """The stream's first `size` bytes (fewer when it ends first): a read may return less than asked."""
    parts: list[bytes] = []
    left = size
    while left > 0:
        part = stream.read(min(left, 64 * 1024))
        if not part:
            break
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


def init_inputs(app: Flask) -> None:
    """Bound every `<int:...>` route value and every body's size, and refuse NUL characters and forms that are not
    UTF-8; call before the blueprints are registered."""
    app.url_map.converters["int"] = RecordId
    app.request_class = TextRequest
    # Flask's documented way to add WSGI middleware; mypy sees wsgi_app as a method it may not replace.
    app.wsgi_app = StreamedBody(app.wsgi_app, app.config)  # type: ignore[method-assign]
    app.before_request(refuse_nul)
    app.before_request(refuse_not_utf8)
