"""Commands stopped by their user: one line, no traceback, nothing half done.

`playbook users add` runs in a real pseudo-terminal (its controlling terminal, which getpass
reads), as an operator's shell runs it; Ctrl-D or Ctrl-C at its password prompt adds nobody.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

CTRL_D = b"\x04"
CTRL_C = b"\x03"


def _take_terminal() -> None:
    # In the child, before playbook starts: a session of its own whose controlling terminal is the pty.
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def _read_until(fd: int, wanted: bytes, seconds: float = 30) -> bytes:
    seen = b""
    deadline = time.monotonic() + seconds
    while wanted not in seen and (left := deadline - time.monotonic()) > 0:
        if not select.select([fd], [], [], left)[0]:
            break
        try:
            seen += os.read(fd, 1024)
        except OSError:  # the child closed the terminal
            break
    return seen


def _at_the_prompt(database: Path, typed: list[tuple[bytes, bytes]]) -> tuple[int, str]:
    """Start `playbook users add` in a pseudo-terminal and type each (prompt, keys) once its prompt is shown
    (getpass discards what was typed before it asks); the command's status and output."""
    leader, follower = pty.openpty()
    command = [sys.executable, "-m", "playbook_cli", "users", "add", "rep@example.com", "--role", "rep"]
    child = subprocess.Popen(
        [*command, "--database", f"sqlite:///{database}"],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        preexec_fn=_take_terminal,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    os.close(follower)
    try:
        seen = b""
        for prompt, keys in typed:
            seen += _read_until(leader, prompt)
            assert prompt in seen, seen
            os.write(leader, keys)
        status = child.wait(timeout=30)
        seen += _read_until(leader, b"\x00", seconds=1)  # the rest of the output, until the terminal closes
    finally:
        child.kill()
        child.wait()
        os.close(leader)
    return status, seen.decode(errors="replace").replace("\r\n", "\n")


@pytest.mark.parametrize(
    "typed",
    [
        [(b"Password: ", CTRL_D)],
        [(b"Password: ", CTRL_C)],
        [(b"Password: ", b"long-password-1\r"), (b"Again: ", CTRL_D)],
    ],
    ids=["ctrl-d", "ctrl-c", "ctrl-d-at-again"],
)
def test_leaving_the_password_prompt_ends_the_command_without_a_traceback(
    tmp_path: Path, typed: list[tuple[bytes, bytes]]
) -> None:
    database = tmp_path / "playbook.db"
    status, output = _at_the_prompt(database, typed)
    assert status == 1, output
    assert "playbook users: error: no password given; nothing was changed" in output
    assert "Traceback" not in output
    listed = subprocess.run(
        [sys.executable, "-m", "playbook_cli", "users", "list", "--database", f"sqlite:///{database}"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert "rep@example.com" not in listed.stdout + listed.stderr


def test_ctrl_c_during_any_command_says_it_was_interrupted(tmp_path: Path) -> None:
    fifo = tmp_path / "export.csv"
    os.mkfifo(fifo)  # the audit waits to read it, as on a slow network share, until the operator presses Ctrl-C
    child = subprocess.Popen(
        [sys.executable, "-m", "playbook_cli", "audit", str(fifo), "--out", str(tmp_path / "out")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    time.sleep(2)  # past the imports, waiting for the file
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=30)
    assert (child.returncode, err) == (130, "\nplaybook audit: interrupted\n"), out
