"""`playbook serve`: build, serve at one address, rebuild on edits, keep the last good version."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import BaseWSGIServer

from assess_app.store import ProcessStore
from assess_app.watch import FileWatcher
from deal_records.mail import is_loopback
from playbook_cli.main import main
from playbook_cli.serve import rebuild
from sales_process.loader import load_process
from tests.conftest import DEFAULT_PROCESS


def _fetch(url: str, data: bytes | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"} if data else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _until(check: object, timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(check) and check():
            return True
        time.sleep(0.1)
    return False


def test_the_watcher_calls_back_once_the_file_holds_still(tmp_path: Path) -> None:
    path = tmp_path / "process.yaml"
    path.write_text("one", encoding="utf-8")
    changed = threading.Event()
    watcher = FileWatcher(path, changed.set, interval=0.05)
    watcher.start()
    try:
        assert not changed.wait(0.3)
        path.write_text("two, longer", encoding="utf-8")
        assert changed.wait(5)
    finally:
        watcher.stop()


@pytest.mark.parametrize("use_events", [True, False])
def test_a_save_before_the_watch_began_is_one_more_save(tmp_path: Path, use_events: bool) -> None:
    # `playbook serve` loads the file, then starts watching: a save in between (same size: 35 -> 40) was lost.
    path = tmp_path / "process.yaml"
    path.write_text("probability: 35", encoding="utf-8")
    loaded = hashlib.sha256(path.read_bytes()).hexdigest()
    path.write_text("probability: 40", encoding="utf-8")
    changed = threading.Event()
    watcher = FileWatcher(path, changed.set, interval=0.05, use_events=use_events, loaded_sha256=loaded)
    watcher.start()
    try:
        assert changed.wait(5), "the save made before the watch began was missed"
    finally:
        watcher.stop()


def test_the_version_loaded_is_no_change_when_the_watch_begins(tmp_path: Path) -> None:
    path = tmp_path / "process.yaml"
    path.write_text("probability: 35", encoding="utf-8")
    changed = threading.Event()
    loaded = hashlib.sha256(path.read_bytes()).hexdigest()
    watcher = FileWatcher(path, changed.set, interval=0.05, loaded_sha256=loaded)
    watcher.start()
    try:
        assert not changed.wait(0.3)
    finally:
        watcher.stop()


@pytest.mark.parametrize(
    ("edit", "served"),
    [
        pytest.param(("probability: 10", "probability: 15"), "15%", id="valid"),
        pytest.param(("stages:", "stages: 3\nnot:"), "10%", id="invalid"),
    ],
)
def test_a_save_while_serve_starts_is_handled_as_any_later_save(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: tuple[str, str], served: str
) -> None:
    # Saved between serve's first load and its watch: lost without a word, or (invalid) the server exited.
    import playbook_cli.serve as serve

    process = tmp_path / "process.yaml"
    shutil.copy(DEFAULT_PROCESS, process)
    servers: list[BaseWSGIServer] = []
    listen = serve._listen

    def listen_then_save(*args: Any) -> BaseWSGIServer | None:
        server = listen(*args)
        assert server is not None
        servers.append(server)
        process.write_text(process.read_text(encoding="utf-8").replace(*edit, 1), encoding="utf-8")
        return server

    monkeypatch.setattr(serve, "_listen", listen_then_save)
    status: list[int] = []
    command = ["serve", "--process", str(process), "--site-dir", str(tmp_path / "site"), "--port", "0"]
    command += ["--database", f"sqlite:///{tmp_path / 'playbook.db'}"]
    thread = threading.Thread(target=lambda: status.append(main(command)))
    thread.start()
    try:
        assert _until(lambda: bool(servers) or bool(status)) and servers, status
        url = f"http://127.0.0.1:{servers[0].server_port}/"
        assert _until(lambda: not status and json.loads(_fetch(f"{url}_live/changes")[1])["version"] >= 2), status
        errors = json.loads(_fetch(f"{url}_live/changes")[1])["errors"]
        assert bool(errors) is (edit[0] == "stages:"), errors
        assert served in _fetch(f"{url}stages/discovery/")[1].decode()
    finally:
        if servers:
            servers[0].shutdown()
        thread.join(timeout=30)
    assert status == [0]


def test_an_invalid_edit_keeps_the_last_good_process(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    process = tmp_path / "process.yaml"
    shutil.copy(DEFAULT_PROCESS, process)
    store = ProcessStore(load_process(process))
    good = store.current.sha256
    process.write_text("name: Broken\nstages:\n  - id: Not A Slug\n", encoding="utf-8")
    rebuild(process, tmp_path / "site", store)
    err = capsys.readouterr().err
    assert re.search(rf"{re.escape(str(process))}:3:\d+: error:", err)
    assert "still serving the last good version" in err
    assert store.current.sha256 == good
    assert not (tmp_path / "site").exists(), "an invalid process never reaches the site folder"


def test_a_rebuild_prints_the_lints_warnings_as_build_does(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # An editor previewing with `playbook serve` never saw a warning that `playbook build` prints.
    process = tmp_path / "process.yaml"
    shutil.copy(DEFAULT_PROCESS, process)
    store = ProcessStore(load_process(process))
    text = process.read_text(encoding="utf-8")
    process.write_text(
        text.replace("Has the prospect confirmed, in writing,", "Did you send the recap of", 1), encoding="utf-8"
    )
    rebuild(process, tmp_path / "site", store)
    warnings = [line for line in capsys.readouterr().err.splitlines() if ": warning: " in line]
    assert warnings == [str(warning) for warning in load_process(process).warnings] and warnings


def test_a_port_in_use_is_a_clean_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        status = main(
            ["serve", "--process", str(DEFAULT_PROCESS), "--site-dir", str(tmp_path / "site"), "--port", str(port)]
        )
    assert status == 1
    assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err


@pytest.mark.slow
def test_serve_runs_everything_at_one_address_and_rebuilds_on_edits(
    served: tuple[str, Path, subprocess.Popen[str]],
) -> None:
    url, process, server = served
    for stage in load_process(process).process.stages:
        assert _fetch(f"{url}stages/{stage.id}/")[0] == 200
    with urllib.request.urlopen(url, timeout=10) as response:  # no software versions told to every client
        assert response.headers["Server"] == "playbook"  # no trailing space
    assert _fetch(url)[0] == 200 and _fetch(f"{url}check")[0] == 200
    status, body = _fetch(f"{url}api/assess", json.dumps({"claimed_stage": "proposing"}).encode())
    assert status == 200 and json.loads(body)["claimed_stage"]["id"] == "proposing"

    process.write_text(
        process.read_text(encoding="utf-8").replace("name: Discovery", "name: Exploring"), encoding="utf-8"
    )
    assert _until(lambda: b"Exploring" in _fetch(f"{url}stages/discovery/")[1]), "the playbook was not rebuilt"
    # The site is swapped in a moment before the form's process: both follow.
    assert _until(lambda: b"Exploring" in _fetch(f"{url}check")[1]), "the form did not follow the edit"

    process.write_text("name: Broken\nstages: 3\n", encoding="utf-8")
    assert _until(lambda: json.loads(_fetch(f"{url}_live/changes")[1])["errors"]), "the broken save was not read"
    assert b"Exploring" in _fetch(f"{url}stages/discovery/")[1], "the last good version stays online"
    server.send_signal(signal.SIGTERM)  # SIGINT is ignored in children of a background shell
    assert server.wait(timeout=20) == 0
    assert server.stderr is not None
    assert f"{process}:2:" in server.stderr.read()


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("localhost", True), ("::1", True), ("[::1]", True), ("0.0.0.0", False), ("::", False)],
)
def test_an_address_is_this_machine_alone_only_on_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


@pytest.mark.parametrize(("host", "warned"), [("127.0.0.1", False), ("0.0.0.0", True)])
def test_serving_beyond_this_machine_warns_that_it_is_a_development_server(
    tmp_path: Path, host: str, warned: bool
) -> None:
    command = [sys.executable, "-m", "playbook_cli", "serve", "--host", host, "--port", "0"]
    command += ["--process", str(DEFAULT_PROCESS), "--site-dir", str(tmp_path / "site")]
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PLAYBOOK_SECRET_KEY": "k"}
    with subprocess.Popen(
        command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment
    ) as server:
        assert server.stdout is not None and server.stderr is not None
        assert "Serving" in server.stdout.readline()
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=20) == 0
        said = server.stderr.read()
    assert ("warning: listening on 0.0.0.0, beyond this machine" in said) is warned, said


def test_serve_in_a_folder_without_a_process_file_leaves_no_database_behind(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PLAYBOOK_PROCESS", raising=False)
    monkeypatch.delenv("PLAYBOOK_DATABASE_URL", raising=False)
    assert main(["serve", "--port", "0"]) == 1
    err = capsys.readouterr().err
    assert "process.yaml: error: no such file; run `playbook init`" in err and "created at schema" not in err
    assert list(tmp_path.iterdir()) == []
