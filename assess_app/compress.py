"""gzip for text answers (pages, CSS, JavaScript, JSON, SVG) when the browser accepts it.

The playbook's Material bundle and search index are text that shrinks to a fifth; on a
phone connection that is most of a page's load time. Static files are compressed once per
version (keyed by their ETag); generated answers each time.

A compressed answer is another representation of the same content (RFC 9110 §8.4), so its
strong ETag is another one: the plain tag with `-gzip` added (§8.8.3: different representations
get different strong validators). A weak tag would not do: If-Match compares strongly (§13.1.1),
so a client that sent back the weak tag of a compressed answer could never change what it read.
`representation_tags` gives a content's tags in every coding, for If-Match; a GET whose
If-None-Match names the compressed tag is 304 here, whatever view answered it.
"""

from __future__ import annotations

import gzip

from flask import Flask, Response, request
from werkzeug.datastructures import ETags

COMPRESSIBLE = frozenset(
    {
        "text/html",
        "text/css",
        "text/plain",
        "text/javascript",
        "application/javascript",
        "application/json",
        "application/xml",
        "image/svg+xml",
        "application/manifest+json",
    }
)
MIN_BYTES = 1024  # below this, the gzip header and a round of work gain nothing
LEVEL = 6


CODED_SUFFIX = "-gzip"  # the tag of the gzip representation is the plain one's with this added

_FILES: dict[str, bytes] = {}  # ETag -> compressed bytes; a file's ETag changes with its content
_MAX_FILES = 512


def _compressed_file(etag: str, data: bytes) -> bytes:
    packed = _FILES.get(etag)
    if packed is None:
        if len(_FILES) >= _MAX_FILES:
            _FILES.clear()  # old versions of rebuilt files
        packed = _FILES[etag] = gzip.compress(data, compresslevel=LEVEL, mtime=0)
    return packed


def representation_tags(tag: str) -> tuple[str, str]:
    """The strong tags (unquoted) the app gives one content: sent as it is, and gzip-compressed."""
    return tag, f"{tag}{CODED_SUFFIX}"


def names_representation(tags: ETags, tag: str) -> bool:
    """Whether If-Match's tags name the content of `tag` in any coding, comparing strongly (`*` names any)."""
    return any(tags.contains(each) for each in representation_tags(tag))


def _wants_gzip(response: Response) -> bool:
    return (
        "gzip" in request.headers.get("Accept-Encoding", "")  # the cheap test first: most API clients send none
        and request.accept_encodings["gzip"] > 0
        and response.status_code == 200
        and request.method != "HEAD"
        and "Content-Encoding" not in response.headers
        and (response.direct_passthrough or not response.is_streamed)
    )


def _body(response: Response) -> bytes:
    """The whole body; a file being sent is read and closed."""
    if not response.direct_passthrough:
        return response.get_data()
    source = response.response
    try:
        return b"".join(part if isinstance(part, bytes) else part.encode() for part in source)
    finally:
        close = getattr(source, "close", None)
        if close is not None:
            close()


def compress(response: Response) -> Response:
    """gzip the response when it is text, large enough, and the client accepts gzip."""
    if response.mimetype not in COMPRESSIBLE:
        return response
    response.vary.add("Accept-Encoding")
    if not _wants_gzip(response):
        return response
    a_file = response.direct_passthrough
    data = _body(response)
    response.direct_passthrough = False
    if len(data) < MIN_BYTES:
        response.set_data(data)
        return response
    etag, weak = response.get_etag()
    if etag is not None:
        coded = representation_tags(etag)[1]
        response.set_etag(coded, weak=bool(weak))
        if request.method in ("GET", "HEAD") and request.if_none_match.contains_weak(coded):
            # The view compared If-None-Match with the plain tag; the client holds the compressed one.
            response.set_data(b"")
            response.status_code = 304
            return response
    # Only a file's bytes are kept by its tag: a PATCH answers another body than GET's under GET's tag.
    packed = _compressed_file(etag, data) if etag and a_file else gzip.compress(data, compresslevel=LEVEL, mtime=0)
    response.set_data(packed)
    response.headers["Content-Encoding"] = "gzip"
    return response


def init_compression(app: Flask) -> None:
    """Compress every text answer the app gives."""
    app.after_request(compress)
