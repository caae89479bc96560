"""Fixtures for the self-check app: a built playbook, the app on it, and a test client."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine

from assess_app import create_app
from assess_app.store import ProcessStore
from sales_process.loader import LoadedProcess
from site_builder.build import build_site
from tests.conftest import DEFAULT_PROCESS, engine_of

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The playbook of the repository's process.yaml, built once."""
    site = tmp_path_factory.mktemp("playbook") / "site"
    build_site(DEFAULT_PROCESS, site)
    return site


@pytest.fixture
def app(site_dir: Path, default_process: LoadedProcess, default_database: str, engines: dict[str, Engine]) -> Flask:
    """The app on the default process (the session's loaded copy) and its built playbook, on the session's
    throwaway database (through its one engine)."""
    return create_app(
        {"TESTING": True, "PROCESS_PATH": str(DEFAULT_PROCESS), "SITE_DIR": str(site_dir), "SECRET_KEY": "test"},
        store=ProcessStore(default_process),
        engine=engine_of(engines, default_database),
    )


class BufferedClient(FlaskClient):
    """A test client that reads every response whole and closes it (files served are closed)."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("buffered", True)
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of the app."""
    app.test_client_class = BufferedClient
    return app.test_client()


def csrf_token(client: FlaskClient) -> str:
    """Open the form as a browser would and return its CSRF token."""
    match = _TOKEN.search(client.get("/check").get_data(as_text=True))
    assert match, "the form has no csrf_token field"
    return match.group(1)


def post_form(client: FlaskClient, answers: dict[str, Any]) -> Any:
    """Submit the form with a valid token."""
    return client.post("/check", data={"csrf_token": csrf_token(client), **answers})


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path, subprocess.Popen[str]]]:
    """`playbook serve` on a copy of the process outside the repository, on a free port."""
    process = tmp_path / "elsewhere" / "sales.yaml"
    process.parent.mkdir()
    shutil.copy(DEFAULT_PROCESS, process)
    command = [
        sys.executable,
        "-m",
        "playbook_cli",
        "serve",
        "--process",
        str(process),
        "--site-dir",
        str(tmp_path / "site"),
        "--port",
        "0",
    ]
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    with subprocess.Popen(
        command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment
    ) as server:
        assert server.stdout is not None
        line = server.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:\d+/", line)
        try:
            assert match, f"no URL printed: {line!r}"
            yield match.group(0), process, server
        finally:
            if server.poll() is None:
                server.send_signal(signal.SIGTERM)  # SIGINT is ignored in children of a background shell
                server.wait(timeout=20)
