"""Saved deals keep their segment: the new-deal form, the check form on the deal's page, the export and the import."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from assess_app import create_app
from deal_records.database import make_engine, session_factory, writing
from deal_records.models import Check, Deal
from deal_records.people import add_user
from playbook_cli.main import main
from site_builder.build import build_site
from tests.app.conftest import BufferedClient
from tests.requirements.posthog import SMALL_DEAL_ANSWERS, write_process

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = "rep-password-1"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The PostHog-like process and its built playbook."""
    folder = tmp_path_factory.mktemp("posthog")
    process = write_process(folder)
    build_site(process, folder / "site")
    return process, folder / "site"


@pytest.fixture
def app(built: tuple[Path, Path], tmp_path: Path) -> Flask:
    """The app on that process, with a rep who can sign in."""
    process, site = built
    url = f"sqlite:///{tmp_path / 'records.db'}"
    app = create_app(
        {"TESTING": True, "PROCESS_PATH": str(process), "SITE_DIR": str(site), "SECRET_KEY": "r", "DATABASE_URL": url}
    )
    engine = make_engine(url)
    with writing(session_factory(engine)) as db:
        add_user(db, "ana@example.com", "rep", PASSWORD)
    engine.dispose()
    return app


def _token(client: FlaskClient, path: str) -> str:
    match = _TOKEN.search(client.get(path).get_data(as_text=True))
    assert match is not None, path
    return match.group(1)


def _signed_in(app: Flask) -> FlaskClient:
    app.test_client_class = BufferedClient
    client = app.test_client()
    response = client.post(
        "/login", data={"csrf_token": _token(client, "/login"), "email": "ana@example.com", "password": PASSWORD}
    )
    assert response.status_code in (302, 303), response.get_data(as_text=True)
    return client


def test_a_deal_saved_by_the_forms_keeps_its_segment_and_its_verdict(app: Flask, tmp_path: Path) -> None:
    client = _signed_in(app)
    form = {"csrf_token": _token(client, "/deals/new"), "name": "Small", "amount": "90000", "segment": " SMB "}
    created = client.post("/deals/new", data=form)
    assert created.status_code in (302, 303), created.get_data(as_text=True)
    page = created.headers["Location"]
    answers: dict[str, str] = {"csrf_token": _token(client, page), "amount": "90000", "segment": "SMB"}
    for milestone_id, answer in {
        **SMALL_DEAL_ANSWERS,
        "decision-maker-named": {"met": True, "evidence": "Email naming the approver"},
        "success-criteria-agreed": {"met": True, "evidence": "Reply email agreeing the criteria"},
    }.items():
        answers[f"{milestone_id}.met"] = "yes"
        answers[f"{milestone_id}.evidence"] = str(answer["evidence"])
    checked = client.post(page.rstrip("/") + "/checks", data=answers)
    assert checked.status_code in (200, 302, 303), checked.get_data(as_text=True)
    engine = make_engine(app.config["DATABASE_URL"])
    with writing(session_factory(engine)) as db:
        deal = db.query(Deal).one()
        check = db.query(Check).one()
        assert (deal.segment, check.segment, check.verified_stage) == ("SMB", "SMB", "contracting")
    engine.dispose()
    shown = client.get(page).get_data(as_text=True)
    assert 'name="segment" value="SMB"' in shown
    assert "not required for this deal" in shown.lower()


def test_the_export_writes_the_segment_and_the_import_reads_it_back(
    app: Flask, built: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    client = _signed_in(app)
    form = {"csrf_token": _token(client, "/deals/new"), "name": "Northwind", "crm_id": "N-1", "segment": "Enterprise"}
    assert client.post("/deals/new", data=form).status_code in (302, 303)
    url = app.config["DATABASE_URL"]
    exported = tmp_path / "deals.csv"
    assert main(["deals", "export", "--database", url, "--process", str(built[0]), "--output", str(exported)]) == 0
    rows = list(csv.DictReader(io.StringIO(exported.read_text(encoding="utf-8"))))
    assert rows[0]["segment"] == "Enterprise"
    other = f"sqlite:///{tmp_path / 'other.db'}"
    capsys.readouterr()
    assert main(["db", "upgrade", "--database", other]) == 0
    engine = make_engine(other)
    with writing(session_factory(engine)) as db:
        add_user(db, "ana@example.com", "rep", PASSWORD)
    args = ["import", str(exported), "--database", other, "--process", str(built[0]), "--owner", "ana@example.com"]
    assert main(args) == 0, capsys.readouterr()
    with writing(session_factory(engine)) as db:
        assert db.query(Deal).one().segment == "Enterprise"
    engine.dispose()
