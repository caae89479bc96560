"""Live reload: from saving process.yaml to the served stage page showing the change.

`playbook serve` runs on a copy of the default process; each round rewrites one stage's
summary and polls the stage page until the new text is there. The baseline is the same
poll loop looking for text the page already shows: the cost of polling itself.
"""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from benchmarks.common import DEFAULT_PROCESS, QUIET_ENV, Row, ratio_row
from sales_process.loader import load_process
from tests.support.servers import free_port

GOAL_SECONDS = 1.0
TIMEOUT = 30.0
POLL_PAUSE = 0.005


def fetch(url: str) -> bytes:
    """The body of a GET (any status)."""
    with urllib.request.urlopen(url, timeout=10) as response:
        body: bytes = response.read()
        return body


def poll_until(url: str, text: bytes, started: float) -> float:
    """Poll `url` until its body holds `text`; return the seconds since `started`."""
    while time.perf_counter() - started < TIMEOUT:
        if text in fetch(url):
            return time.perf_counter() - started
        time.sleep(POLL_PAUSE)
    raise TimeoutError(f"{url} did not show {text!r} within {TIMEOUT:g} s")


@contextmanager
def serving(process: Path, site: Path) -> Iterator[str]:
    """`playbook serve` on `process` in a subprocess; yield its base URL."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "playbook_cli",
        "serve",
        "--process",
        str(process),
        "--site-dir",
        str(site),
        "--port",
        str(port),
    ]
    with subprocess.Popen(
        command, env=QUIET_ENV, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ) as server:
        assert server.stdout is not None
        line = server.stdout.readline()
        try:
            if not re.search(r"http://\S+/", line):
                raise RuntimeError(f"playbook serve did not start: {line!r}")
            yield f"http://127.0.0.1:{port}/"
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=30)


def run(repeats: int) -> list[Row]:
    """Time `repeats` edits, each followed by a poll of an unchanged page for the baseline."""
    with tempfile.TemporaryDirectory(prefix="bench-reload-") as folder:
        process = Path(folder) / "process.yaml"
        shutil.copy(DEFAULT_PROCESS, process)
        stage = load_process(process).process.stages[1]
        assert stage.summary, "the benchmark edits a stage's summary"
        original = process.read_text(encoding="utf-8")
        reloads, polls = [], []
        with serving(process, Path(folder) / "site") as url:
            page = f"{url}stages/{stage.id}/"
            fetch(page)
            for round_ in range(repeats):
                marker = f"Benchmark edit {round_} of the summary."
                text = original.replace(f"summary: {stage.summary}", f"summary: {marker}", 1)
                started = time.perf_counter()
                process.write_text(text, encoding="utf-8")
                reloads.append(poll_until(page, marker.encode(), started))
                polls.append(poll_until(page, marker.encode(), time.perf_counter()))
    row = ratio_row(
        "3. live reload", "save -> stage page shows it", "poll of an unchanged page", "s", reloads, polls, None
    )
    # The goal is absolute (under 1 s); the ratio shows how little of it is polling.
    return [replace(row, goal=f"< {GOAL_SECONDS:g} s", goal_met=row.value.median < GOAL_SECONDS)]
