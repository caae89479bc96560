"""Live preview: `mkdocs serve` rebuilds when process.yaml is saved, and survives a broken save."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from site_builder.build import default_config_file
from tests.site_builder.conftest import ODD_PROCESS
from tests.support.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
OLD_QUESTION = "Has the customer done 2b?"
NEW_QUESTION = "Has the customer signed off 2b?"


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except (urllib.error.URLError, ConnectionError):
        return ""


def _wait_for(condition: Callable[[], bool], seconds: float) -> float:
    """Poll until the condition holds; return how long it took (fail after `seconds`)."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > seconds:
            pytest.fail(f"not within {seconds}s")
        time.sleep(0.05)
    return time.monotonic() - started


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str, Path]]:
    """`mkdocs serve` of a copy of the odd process: (process copy, stage page URL, server log)."""
    process = tmp_path / "process.yaml"
    shutil.copy(ODD_PROCESS, process)
    log = tmp_path / "serve.log"
    port = free_port()
    env = {**os.environ, "PLAYBOOK_PROCESS": str(process), "NO_MKDOCS_2_WARNING": "1"}
    with log.open("w") as log_file:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "mkdocs",
                "serve",
                "-f",
                str(default_config_file()),
                "--dev-addr",
                f"127.0.0.1:{port}",
            ],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/stages/stage-2b/"
    try:
        _wait_for(lambda: OLD_QUESTION in _get(url), 60)
        yield process, url, log
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.slow
def test_saving_the_process_rebuilds_the_page_and_a_broken_save_keeps_the_last_good_site(
    served: tuple[Path, str, Path],
) -> None:
    process, url, log = served
    good = process.read_text(encoding="utf-8").replace(OLD_QUESTION, NEW_QUESTION)
    process.write_text(good, encoding="utf-8")
    seconds = _wait_for(lambda: NEW_QUESTION in _get(url), 10)
    print(f"page rebuilt {seconds:.2f}s after the save")

    broken = good.replace("probability: 50", "probability: fifty")
    line = broken.splitlines().index("    probability: fifty") + 1
    process.write_text(broken, encoding="utf-8")
    error = f"{process}:{line}:18: error:"
    _wait_for(lambda: error in log.read_text(encoding="utf-8"), 10)
    _wait_for(lambda: "this page shows the last good version" in _get(url), 10)
    page = _get(url)
    assert NEW_QUESTION in page and f":{line}:18: error:" in page
    assert "Traceback" not in log.read_text(encoding="utf-8")

    process.write_text(good.replace(NEW_QUESTION, OLD_QUESTION), encoding="utf-8")
    _wait_for(lambda: OLD_QUESTION in _get(url), 10)
    assert "last good version" not in _get(url)
