"""gzip for text answers (pages, CSS, JavaScript, JSON, SVG) when the browser accepts it.

The playbook's Material bundle and search index are text that shrinks to a fifth; on a
phone connection that is most of a page's load time. Static files are compressed once per
version (keyed by their ETag); generated answers each time.
"""

from __future__ import annotations

import gzip

from flask import Flask, Response, request

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


_FILES: dict[str, bytes] = {}  # ETag -> compressed bytes; a file's ETag changes with its content
_MAX_FILES = 512


def _compressed_file(etag: str, data: bytes) -> bytes:
    packed = _FILES.get(etag)
    if packed is None:
        if len(_FILES) >= _MAX_FILES:
            _FILES.clear()  # old versions of rebuilt files
        packed = _FILES[etag] = gzip.compress(data, compresslevel=LEVEL, mtime=0)
    return packed


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
    data = _body(response)
    response.direct_passthrough = False
    if len(data) < MIN_BYTES:
        response.set_data(data)
        return response
    etag, weak = response.get_etag()
    packed = _compressed_file(etag, data) if etag else gzip.compress(data, compresslevel=LEVEL, mtime=0)
    response.set_data(packed)
    response.headers["Content-Encoding"] = "gzip"
    if etag and not weak:
        response.set_etag(etag, weak=True)  # the same content in another encoding
    return response


def init_compression(app: Flask) -> None:
    """Compress every text answer the app gives."""
    app.after_request(compress)
