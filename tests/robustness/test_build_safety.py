"""Build safety: while `playbook serve` runs, an invalid process.yaml never reaches the pages or the form.

The invalid version adds a milestone and breaks another stage; it is saved as editors do
(a new file renamed over the old one) and as a slow in-place write (truncate, then write
in pieces). The last good playbook and form stay online, the errors are logged at their
FILE:LINE:COL, and fixing the file brings the new version to both.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest

from tests.conftest import DEFAULT_PROCESS

WAIT = 20.0
ADDED = """      - id: {ident}
        question: Has the customer signed the {marker} clause?
        customer_action: The customer signs the {marker} clause.
        evidence: The signed {marker} clause in the CRM files.
"""


@dataclass
class Served:
    """A running `playbook serve` and what it logged so far."""

    url: str
    process: Path
    server: subprocess.Popen[str]
    log: IO[str]

    def page(self, path: str) -> str:
        """The body of a GET, which must succeed."""
        with urllib.request.urlopen(self.url + path, timeout=10) as response:
            assert response.status == 200
            text: str = response.read().decode("utf-8")
            return text

    def logged(self) -> str:
        """Everything the server wrote on standard error so far."""
        self.log.seek(0)
        return self.log.read()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """`playbook serve` on a temporary copy of the default process, on a free port."""
    process = tmp_path / "process.yaml"
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
    with (
        tempfile.TemporaryFile("w+", encoding="utf-8") as log,
        subprocess.Popen(
            command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=log, text=True, env=environment
        ) as server,
    ):
        assert server.stdout is not None
        match = re.search(r"http://127\.0\.0\.1:\d+/", server.stdout.readline())
        try:
            assert match, "playbook serve printed no address"
            yield Served(match.group(0), process, server, log)
        finally:
            server.send_signal(signal.SIGTERM)  # SIGINT is ignored in children of a background shell
            server.wait(timeout=30)


def with_milestone(text: str, marker: str, *, break_it: bool) -> str:
    """The process with one more milestone in its first stage; with break_it, also invalid elsewhere."""
    added = ADDED.format(ident=f"{marker.lower()}-signed", marker=marker)
    text = text.replace("    milestones:\n", "    milestones:\n" + added, 1)
    if break_it:
        text = text.replace("probability: 60", "probability: sixty", 1)
    return text


def rename_over(path: Path, text: str) -> None:
    """Save as most editors do: write a new file beside, then rename it over the old one."""
    fresh = path.with_name(f".{path.name}.swp")
    fresh.write_text(text, encoding="utf-8")
    os.replace(fresh, path)


def write_in_place(path: Path, text: str) -> None:
    """Save slowly in place: truncate, write half, pause, write the rest."""
    with path.open("w", encoding="utf-8") as handle:
        handle.write(text[: len(text) // 2])
        handle.flush()
        time.sleep(0.4)
        handle.write(text[len(text) // 2 :])


def _until(check: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.slow
@pytest.mark.parametrize("save", [rename_over, write_in_place], ids=["atomic-rename", "in-place-write"])
def test_an_invalid_save_keeps_the_last_good_version_and_a_fix_brings_the_new_one(
    served: Served, save: Callable[[Path, str], None]
) -> None:
    good = served.process.read_text(encoding="utf-8")
    good_sha = served.page("api/process")
    assert "Discovery" in served.page("stages/discovery/")

    save(served.process, with_milestone(good, "BROKEN", break_it=True))
    assert _until(lambda: "still serving the last good version" in served.logged()), served.logged()
    assert re.search(rf"{re.escape(str(served.process))}:\d+:\d+: error: ", served.logged()), served.logged()
    assert "BROKEN" not in served.page("stages/discovery/"), "a page of the invalid version was served"
    assert "BROKEN" not in served.page("check"), "the form served a process that failed validation"
    assert served.page("api/process") == good_sha
    assert "Discovery" in served.page("stages/discovery/") and served.server.poll() is None

    save(served.process, with_milestone(good, "FIXED", break_it=False))
    assert _until(lambda: "FIXED" in served.page("stages/discovery/")), "the fixed version never reached the playbook"
    assert _until(lambda: "FIXED" in served.page("check")), "the fixed version never reached the form"
    assert served.server.poll() is None, "the server died"
