"""Schemathesis, a fuzzer nobody here wrote, drives the live API from its own OpenAPI document.

`--checks all` includes: no server errors, every answer matches the documented status codes,
content types and schemas, data the schema allows is accepted and data it forbids is refused.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from flask import Flask

from tests.browser import live_wsgi

SCHEMATHESIS = Path(sys.executable).with_name("st")


def test_schemathesis_finds_nothing_in_the_api(app: Flask, tmp_path: Path) -> None:
    with live_wsgi(app) as url:
        run = subprocess.run(
            [str(SCHEMATHESIS), "run", f"{url}/api/openapi.json", "--checks", "all", "--max-examples", "60", "--seed", "1", "--no-color"],
            capture_output=True, text=True, timeout=300, check=False, cwd=tmp_path,  # it keeps a cache folder in its working directory
        )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "No issues found" in run.stdout
