"""The Nu HTML Checker (the W3C's validator: vnu-jar from npm, run with java), which ./scripts/test installs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT

# A run checks a few pages and exits: the JIT's first tier alone halves its CPU (2.7 s -> 1.25 s, same
# messages); the checker's schema then needs a deeper thread stack than the default.
JAVA_OPTIONS = ("-XX:TieredStopAtLevel=1", "-Xss4m")
VNU_JAR = Path(os.environ.get("PLAYBOOK_VNU_JAR") or ROOT / ".venv/vnu/node_modules/vnu-jar/build/dist/vnu.jar")


def nu_errors(pages: dict[str, str], folder: Path) -> list[str]:
    """Every error the checker finds in the pages (name -> HTML), as "name.html:LINE: message -> extract"."""
    if not VNU_JAR.is_file() or shutil.which("java") is None:
        pytest.fail(f"the Nu HTML Checker is missing ({VNU_JAR}, java): run ./scripts/test, which installs it")
    folder.mkdir()
    for name, html in pages.items():
        (folder / f"{name}.html").write_text(html, encoding="utf-8")
    run = subprocess.run(
        [
            "java",
            *JAVA_OPTIONS,
            "-jar",
            str(VNU_JAR),
            "--errors-only",
            "--format",
            "json",
            *sorted(str(p) for p in folder.iterdir()),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    messages = json.loads(run.stderr or run.stdout or '{"messages": []}')["messages"]
    found = [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['message']} -> {m.get('extract', '')!r}"
        for m in messages
    ]
    assert found or run.returncode == 0, run.stderr[-2000:]
    return found
