"""The Nu HTML Checker (the W3C's validator, vnu-jar from npm) finds no error in the HTML our templates write.

Checked: the form (empty, with errors, refused without its token, refused over the self-check limit, with the
live preview's banner),
a result, the error pages and the audit report. ./scripts/test installs the checker.
"""

from __future__ import annotations

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
from tests.html_checker import nu_errors


def _client(app: Flask) -> FlaskClient:
    app.test_client_class = BufferedClient
    return app.test_client()


def _pages(client: FlaskClient, site_dir: Path, tmp_path: Path) -> dict[str, str]:
    answers = {
        "deal": "Contoso",
        "claimed_stage": "proposing",
        "amount": "120000",
        "pain-confirmed.met": "yes",
        "pain-confirmed.evidence": "Reply to the recap",
        "pain-confirmed.date": "2027-01-05",
    }
    config = {"TESTING": True, "PROCESS_PATH": str(DEFAULT_PROCESS), "SECRET_KEY": "t"}
    unbuilt = _client(create_app({**config, "SITE_DIR": str(tmp_path / "not-built")}))
    limited = _client(create_app({**config, "SITE_DIR": str(site_dir), "CHECK_RATE_LIMIT": (1, 600)}))
    over_the_limit = [post_form(limited, answers) for _ in range(2)][-1]
    assert over_the_limit.status_code == 429
    store = ProcessStore(load_process(DEFAULT_PROCESS))
    store.keep_last_good(["process.yaml:17:18: error: 'probability' must be a whole number, got text 'ten'"])
    live = _client(create_app({**config, "SITE_DIR": str(site_dir), "LIVE_RELOAD": True}, store=store))
    assert (
        main(["audit", str(ROOT / "examples/pipeline.csv"), "--as-of", "2027-03-01", "--out", str(tmp_path / "audit")])
        == 0
    )
    return {
        "form": client.get("/check").get_data(as_text=True),
        "form-prefilled": client.get(
            "/check?claimed_stage=nope&pain-confirmed.met=maybe&pain-confirmed.date=yesterday"
        ).get_data(as_text=True),
        "form-with-errors": post_form(
            client, {"amount": "lots", "pain-confirmed.met": "yes", "pain-confirmed.date": "2027-02-30"}
        ).get_data(as_text=True),
        "form-without-token": client.post("/check", data=answers).get_data(as_text=True),
        "result": post_form(client, answers).get_data(as_text=True),
        "form-over-the-limit": over_the_limit.get_data(as_text=True),
        "error-405": client.put("/check").get_data(as_text=True),
        "site-not-built": unbuilt.get("/").get_data(as_text=True),
        "form-live-preview": live.get("/check").get_data(as_text=True),
        "audit-report": (tmp_path / "audit" / "report.html").read_text(encoding="utf-8"),
    }


@pytest.mark.slow
def test_the_nu_html_checker_finds_no_error(
    client: FlaskClient, site_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pages = _pages(client, site_dir, tmp_path)
    capsys.readouterr()
    # A page with a known error goes with ours, so a checker that stopped checking fails this test.
    pages["known-error"] = '<!doctype html><html lang="en"><title>t</title><p><li>not in a list</li></html>'
    errors = nu_errors(pages, tmp_path / "pages")
    assert [error for error in errors if not error.startswith("known-error.html:")] == []
    assert any("li" in error for error in errors), errors
