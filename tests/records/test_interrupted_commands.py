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

from deal_records.schema import head_revision
from tests.conftest import ROOT

ADD_REP = [sys.executable, "-m", "playbook_cli", "users", "add", "rep@example.com", "--role", "rep"]
CTRL_D = b"\x04"
CTRL_C = b"\x03"


def _as_from_a_shell() -> None:
    # In the child, before playbook starts: Ctrl-C interrupts, as in an operator's shell. A test run started in
    # the background (`cmd &` in a script) ignores SIGINT, and its children would inherit that.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _take_terminal() -> None:
    # In the child, before playbook starts: a session of its own whose controlling terminal is the pty.
    _as_from_a_shell()
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
    child = subprocess.Popen(
        [*ADD_REP, "--database", f"sqlite:///{database}"],
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


def _reading_its_input(pid: int, seconds: float = 30) -> bool:
    """Whether the process is blocked reading its standard input (Linux's /proc names its system call: read, fd 0)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if Path(f"/proc/{pid}/syscall").read_text().startswith("0 0x0 "):
            return True
        time.sleep(0.05)
    return False


def test_ctrl_c_during_any_command_says_it_was_interrupted(tmp_path: Path) -> None:
    # Waiting for a password piped in that never comes, past its imports and its database, inside its run.
    with subprocess.Popen(
        [*ADD_REP, "--database", f"sqlite:///{tmp_path / 'playbook.db'}"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        preexec_fn=_as_from_a_shell,
    ) as child:
        try:
            assert _reading_its_input(child.pid)
            child.send_signal(signal.SIGINT)
            out, err = child.communicate(timeout=30)
        finally:
            child.kill()
    assert (child.returncode, out) == (130, "")
    assert err.endswith(f"created at schema {head_revision()}\n\nplaybook users: interrupted\n"), err
    assert "Traceback" not in err
