"""The shipped gunicorn settings leave forwarded headers to the app, which believes them only from as many proxies as
PLAYBOOK_TRUSTED_PROXIES says: gunicorn's own default believes a forwarded scheme from 127.0.0.1 (and from any
UNIX socket), so a local client could make the app write https:// links with no proxy trusted."""

from __future__ import annotations

import urllib.request
from collections.abc import Callable, Iterable

from tests.support.servers import gunicorn

StartResponse = Callable[[str, list[tuple[str, str]]], object]


def scheme_app(environ: dict[str, object], start_response: StartResponse) -> Iterable[bytes]:
    """A WSGI app answering the scheme gunicorn gave the request."""
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [str(environ["wsgi.url_scheme"]).encode()]


def test_gunicorn_believes_no_forwarded_scheme() -> None:
    forged = {"X-Forwarded-Proto": "https", "X-Forwarded-Ssl": "on", "X-Forwarded-Protocol": "ssl"}
    with gunicorn("tests.app.test_gunicorn_conf:scheme_app", {}) as base:
        for header, value in forged.items():
            with urllib.request.urlopen(urllib.request.Request(base + "/", headers={header: value})) as response:
                assert response.read() == b"http", header
