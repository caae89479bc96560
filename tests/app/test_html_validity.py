"""The Nu HTML Checker (the W3C's validator, vnu-jar from npm) finds no error in the HTML our templates write.

Checked: the form (empty, with errors, refused without its token, with the live preview's banner),
a result, the error pages and the audit report. ./scripts/test installs the checker.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from assess_app import create_app
from assess_app.store import ProcessStore
from playbook_cli.main import main
from sales_process.loader import load_process
from tests.app.conftest import BufferedClient, post_form
from tests.conftest import DEFAULT_PROCESS, ROOT

VNU_JAR = Path(os.environ.get("PLAYBOOK_VNU_JAR") or ROOT / ".venv/vnu/node_modules/vnu-jar/build/dist/vnu.jar")


def _client(app: Flask) -> FlaskClient:
    app.test_client_class = BufferedClient
    return app.test_client()


def _pages(client: FlaskClient, site_dir: Path, tmp_path: Path) -> dict[str, str]:
    answers = {"deal": "Contoso", "claimed_stage": "proposing", "amount": "120000",
               "pain-confirmed.met": "yes", "pain-confirmed.evidence": "Reply to the recap", "pain-confirmed.date": "2027-01-05"}
    config = {"TESTING": True, "PROCESS_PATH": str(DEFAULT_PROCESS), "SECRET_KEY": "t"}
    unbuilt = _client(create_app({**config, "SITE_DIR": str(tmp_path / "not-built")}))
    store = ProcessStore(load_process(DEFAULT_PROCESS))
    store.keep_last_good(["process.yaml:17:18: error: 'probability' must be a whole number, got text 'ten'"])
    live = _client(create_app({**config, "SITE_DIR": str(site_dir), "LIVE_RELOAD": True}, store=store))
    assert main(["audit", str(ROOT / "examples/pipeline.csv"), "--as-of", "2027-03-01", "--out", str(tmp_path / "audit")]) == 0
    return {
        "form": client.get("/check").get_data(as_text=True),
        "form-prefilled": client.get("/check?claimed_stage=nope&pain-confirmed.met=maybe&pain-confirmed.date=yesterday").get_data(as_text=True),
        "form-with-errors": post_form(client, {"amount": "lots", "pain-confirmed.met": "yes", "pain-confirmed.date": "2027-02-30"}).get_data(as_text=True),
        "form-without-token": client.post("/check", data=answers).get_data(as_text=True),
        "result": post_form(client, answers).get_data(as_text=True),
        "error-405": client.put("/check").get_data(as_text=True),
        "site-not-built": unbuilt.get("/").get_data(as_text=True),
        "form-live-preview": live.get("/check").get_data(as_text=True),
        "audit-report": (tmp_path / "audit" / "report.html").read_text(encoding="utf-8"),
    }


def test_the_nu_html_checker_finds_no_error(client: FlaskClient, site_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if not VNU_JAR.is_file() or shutil.which("java") is None:
        pytest.fail(f"the Nu HTML Checker is missing ({VNU_JAR}, java): run ./scripts/test, which installs it")
    pages = _pages(client, site_dir, tmp_path)
    capsys.readouterr()
    folder = tmp_path / "pages"
    folder.mkdir()
    for name, html in pages.items():
        (folder / f"{name}.html").write_text(html, encoding="utf-8")
    run = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *sorted(str(p) for p in folder.iterdir())],
        capture_output=True, text=True, timeout=180, check=False,
    )
    messages = json.loads(run.stderr or run.stdout or '{"messages": []}')["messages"]
    found = [f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['message']} -> {m.get('extract', '')!r}" for m in messages]
    assert not found, "\n".join(found)
    assert run.returncode == 0
