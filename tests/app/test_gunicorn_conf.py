"""The shipped gunicorn settings leave forwarded headers to the app, which believes them only from as many proxies as
PLAYBOOK_TRUSTED_PROXIES says: gunicorn's own default believes a forwarded scheme from 127.0.0.1 (and from any
UNIX socket), so a local client could make the app write https:// links with no proxy trusted."""

from __future__ import annotations

import time
import urllib.request
from collections.abc import Callable, Iterable
from pathlib import Path

from gunicorn.config import Config

from assess_app import gunicorn_conf
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


def test_gunicorn_opens_no_control_socket_another_instance_would_take_over(tmp_path: Path) -> None:
    """gunicorn 25.1 and later open a control socket at one path per user ($XDG_RUNTIME_DIR/gunicorn.ctl, else
    ~/.gunicorn/gunicorn.ctl): each new gunicorn of that user took it over, and one stopping removed it, so
    `gunicornc` reached the wrong server. The shipped settings open none (serving.md says how to open one)."""
    runtime, home = tmp_path / "run", tmp_path / "home"
    runtime.mkdir()
    home.mkdir()
    with gunicorn("tests.app.test_gunicorn_conf:scheme_app", {"XDG_RUNTIME_DIR": str(runtime), "HOME": str(home)}):
        # While it serves (a stopping gunicorn removes its socket); the master opens it after the workers answer.
        deadline = time.monotonic() + 2
        while not (opened := [*runtime.rglob("*"), *home.rglob("*")]) and time.monotonic() < deadline:
            time.sleep(0.1)
    assert opened == []
    settings = Config()
    for name, value in vars(gunicorn_conf).items():
        if name in settings.settings:
            settings.set(name, value)
    assert settings.control_socket_disable is True
