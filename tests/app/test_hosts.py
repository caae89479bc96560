"""The host a request names: never in the app's redirects, and refused unless it is PLAYBOOK_BASE_URL's when set."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from assess_app import create_app
from assess_app.store import ProcessStore
from sales_process.loader import LoadedProcess
from tests.conftest import DEFAULT_PROCESS

BASE = "https://playbook.example.com"
NOT_OURS = "this server answers for playbook.example.com only (PLAYBOOK_BASE_URL is https://playbook.example.com)"


def _app(site_dir: Path, process: LoadedProcess, base_url: str) -> Flask:
    config = {"TESTING": True, "PROCESS_PATH": str(DEFAULT_PROCESS), "SITE_DIR": str(site_dir), "SECRET_KEY": "test"}
    return create_app({**config, "BASE_URL": base_url}, store=ProcessStore(process))


# Werkzeug's own redirects (a missing final slash) named the request's host: a cache could keep evil.example's.
REDIRECTS = [("/confirm", "/confirm/"), ("/api", "/api/"), ("/confirm?x=1", "/confirm/?x=1")]


@pytest.mark.parametrize("base_url", ["", BASE], ids=["no-base-url", "base-url"])
@pytest.mark.parametrize(("path", "location"), REDIRECTS, ids=[path for path, _ in REDIRECTS])
def test_the_apps_redirects_name_no_host(
    site_dir: Path, default_process: LoadedProcess, base_url: str, path: str, location: str
) -> None:
    host = "evil.example" if not base_url else "playbook.example.com"
    response = _app(site_dir, default_process, base_url).test_client().get(path, headers={"Host": host})
    assert response.status_code == 308
    assert response.headers["Location"] == location


OTHER_HOSTS = [
    ("/confirm", "evil.example"),
    ("/api", "evil.example"),
    ("/api/process", "evil.example"),
    ("/api/assess", "playbook.example.com.evil.example"),
    ("/check", "127.0.0.1:8000"),
    ("/", "localhost"),
    ("/login", "[::1]:8000"),
    ("/nowhere", "evil.example"),
]


@pytest.mark.parametrize(("path", "host"), OTHER_HOSTS, ids=[f"{path}-{host}" for path, host in OTHER_HOSTS])
def test_with_a_base_url_another_host_is_refused_with_400(
    site_dir: Path, default_process: LoadedProcess, path: str, host: str
) -> None:
    response = _app(site_dir, default_process, BASE).test_client().get(path, headers={"Host": host})
    assert response.status_code == 400
    assert "Location" not in response.headers
    if path.startswith("/api"):
        [error] = response.get_json()["errors"]
        assert error["loc"] == "Host" and NOT_OURS in error["message"]
        assert f"open {BASE}{path}" in error["message"]
    else:
        assert response.mimetype == "text/plain" and NOT_OURS in response.get_data(as_text=True)


OWN_HOSTS = [
    ("/api/process", "playbook.example.com", 200),
    ("/check", "Playbook.Example.COM", 200),
    ("/check", "playbook.example.com.:443", 200),
    # Load balancers and Kubernetes probe a server by its own address.
    ("/healthz", "10.0.0.11:8000", 200),
    ("/readyz", "10.0.0.11:8000", 200),
]


@pytest.mark.parametrize(("path", "host", "status"), OWN_HOSTS, ids=[f"{path}-{host}" for path, host, _ in OWN_HOSTS])
def test_with_a_base_url_its_host_and_the_health_checks_are_answered(
    site_dir: Path, default_process: LoadedProcess, path: str, host: str, status: int
) -> None:
    response = _app(site_dir, default_process, BASE).test_client().get(path, headers={"Host": host})
    assert response.status_code == status, response.get_data(as_text=True)


@pytest.mark.parametrize(("base_url", "status"), [("", 308), (BASE, 400)], ids=["no-base-url", "base-url"])
def test_an_absolute_request_line_names_the_host_too(
    site_dir: Path, default_process: LoadedProcess, base_url: str, status: int
) -> None:
    """`GET http://evil.example/confirm`: Werkzeug's server takes the host from the request line."""
    server = make_server("127.0.0.1", 0, _app(site_dir, default_process, base_url))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with socket.create_connection(("127.0.0.1", server.port)) as connection:
            connection.sendall(b"GET http://evil.example/confirm HTTP/1.0\r\nHost: playbook.example.com\r\n\r\n")
            answer = connection.makefile("rb").read().decode()
    finally:
        server.shutdown()
        thread.join()
    assert answer.split()[1] == str(status)
    assert "evil.example" not in answer.split("\r\n\r\n")[0].replace("named the host 'evil.example'", "")
    if status == 308:
        assert "\r\nLocation: /confirm/\r\n" in answer
