"""A real-shaped process with size-dependent, optional and alternative criteria gives one verdict through every door.

A small deal that meets exactly what the process asks of small deals is verified where the source
process puts it; the same answers on a large deal are verified lower: through `playbook assess`,
/api/assess, the deals API (saved deals, their pipeline), `playbook audit` on both engines and the
SQL of `playbook sql` run on DuckDB.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from flask import Flask

from assess_app import create_app
from deal_records.database import make_engine, session_factory, writing
from deal_records.people import add_user, create_token
from deal_records.pipeline import VerdictMemo, saved_verdict_groups
from playbook_cli.main import main
from sales_process.loader import load_process
from site_builder.build import build_site
from tests.requirements.posthog import (
    LARGE_AMOUNT,
    LARGE_DEAL_STAGE,
    SMALL_AMOUNT,
    SMALL_DEAL_ANSWERS,
    SMALL_DEAL_STAGE,
    write_process,
)

AS_OF = "2027-03-01"
DEALS = {"Small": SMALL_AMOUNT, "Large": LARGE_AMOUNT}
EXPECTED = {"Small": SMALL_DEAL_STAGE, "Large": LARGE_DEAL_STAGE}
Door = Callable[[Path, pytest.CaptureFixture[str]], dict[str, str]]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The playbook of the PostHog-like process, built once for the app's doors."""
    folder = tmp_path_factory.mktemp("posthog-site") / "site"
    build_site(write_process(folder.parent), folder)
    return folder


def _deal(name: str) -> dict[str, object]:
    return {"deal": name, "amount": DEALS[name], "as_of": AS_OF, "milestones": SMALL_DEAL_ANSWERS}


def cli_assess(process: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    """`playbook assess --json` of a deal file per deal."""
    stages = {}
    for name in DEALS:
        path = process.parent / f"{name}.json"
        path.write_text(json.dumps(_deal(name)), encoding="utf-8")
        assert main(["assess", str(path), "--json", "--process", str(process)]) == 0
        stages[name] = json.loads(capsys.readouterr().out)["verified_stage"]["id"]
    return stages


def _app(process: Path) -> Flask:
    site = process.parent / "site"  # the built playbook, linked by the test
    database = f"sqlite:///{process.parent / 'records.db'}"
    return create_app(
        {
            "TESTING": True,
            "PROCESS_PATH": str(process),
            "SITE_DIR": str(site),
            "SECRET_KEY": "doors",
            "DATABASE_URL": database,
        }
    )


def api_assess(process: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    """POST /api/assess per deal."""
    client = _app(process).test_client()
    stages = {}
    for name in DEALS:
        response = client.post("/api/assess", json=_deal(name))
        assert response.status_code == 200, response.get_data(as_text=True)
        stages[name] = response.get_json()["verified_stage"]["id"]
    return stages


def _token(database: str) -> dict[str, str]:
    engine = make_engine(database)
    with writing(session_factory(engine)) as db:
        add_user(db, "ana@example.com", "rep", "rep-password-1")
        _, token = create_token(db, "ana@example.com")
    engine.dispose()
    return {"Authorization": f"Bearer {token}"}


def deals_api(process: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    """A saved deal per deal (POST /api/deals, then a check), its verdict read back (GET /api/deals/<id>)."""
    app = _app(process)
    headers = _token(app.config["DATABASE_URL"])
    client = app.test_client()
    stages = {}
    for name, amount in DEALS.items():
        created = client.post("/api/deals", json={"name": name, "amount": amount}, headers=headers)
        assert created.status_code == 201, created.get_data(as_text=True)
        deal_id = created.get_json()["id"]
        body = {"milestones": SMALL_DEAL_ANSWERS}
        checked = client.post(f"/api/deals/{deal_id}/checks", json=body, headers=headers)
        assert checked.status_code == 201, checked.get_data(as_text=True)
        read = client.get(f"/api/deals/{deal_id}?as_of={AS_OF}", headers=headers)
        stages[name] = read.get_json()["verdict"]["verified_stage"]["id"]
    app.extensions["deal_records"].engine.dispose()
    return stages


def saved_pipeline(process: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    """The saved deals' pipeline, assessed again under a changed process file (the stored verdicts do not hold)."""
    deals_api(process, capsys)
    changed = process.parent / "changed.yaml"
    changed.write_text(process.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    loaded = load_process(changed)
    engine = make_engine(f"sqlite:///{process.parent / 'records.db'}")
    with writing(session_factory(engine)) as db:
        groups = saved_verdict_groups(db, loaded, dt.date.fromisoformat(AS_OF), VerdictMemo())
    engine.dispose()
    return {verdict.name: verdict.verified_stage_id or "" for group in groups for verdict in group}


def _export(process: Path) -> Path:
    """A CRM export of both deals, with the audit's own column names."""
    milestones = [milestone.id for _, milestone in load_process(process).process.milestones()]
    path = process.parent / "export.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        header = ["deal", "stage", "amount", "segment"]
        writer.writerow([*header, *(f"{m}{part}" for m in milestones for part in ("", ".evidence", ".date"))])
        for name, amount in DEALS.items():
            cells = []
            for milestone in milestones:
                answer = SMALL_DEAL_ANSWERS.get(milestone)
                cells += ["yes", str(answer["evidence"]), ""] if answer else ["", "", ""]
            writer.writerow([name, "", amount, "", *cells])
    return path


def _audit(process: Path, capsys: pytest.CaptureFixture[str], engine: str) -> dict[str, str]:
    out = process.parent / f"audit-{engine}"
    args = ["audit", str(_export(process)), "--engine", engine, "--as-of", AS_OF, "--process", str(process)]
    assert main([*args, "--out", str(out)]) == 0
    printed = capsys.readouterr()
    assert "audited with the Python engine" not in printed.out + printed.err  # DuckDB assessed every row
    with (out / "audit.csv").open(encoding="utf-8", newline="") as handle:
        return {row["deal"]: row["verified_stage_id"] for row in csv.DictReader(handle)}


def audit_python(process: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    """`playbook audit --engine python` of the export."""
    return _audit(process, capsys, "python")


def audit_duckdb(process: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    """`playbook audit --engine duckdb` of the export."""
    return _audit(process, capsys, "duckdb")


def sql_on_duckdb(process: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    """`playbook sql --dialect duckdb` run with the duckdb module on the export loaded as a table."""
    assert main(["sql", "--dialect", "duckdb", "--as-of", AS_OF, "--process", str(process)]) == 0
    statement = capsys.readouterr().out
    with duckdb.connect() as connection:
        connection.execute(f"CREATE TABLE deals AS SELECT * FROM read_csv('{_export(process)}', all_varchar=true)")
        rows = connection.execute(statement).fetchall()
        names = [column[0] for column in connection.description or ()]
    return {row[names.index("deal")]: row[names.index("verified_stage_id")] for row in rows}


DOORS: list[Door] = [cli_assess, api_assess, deals_api, saved_pipeline, audit_python, audit_duckdb, sql_on_duckdb]


@pytest.mark.parametrize("door", DOORS, ids=[door.__name__ for door in DOORS])
def test_a_small_deal_meeting_the_small_deal_criteria_is_verified_higher_than_a_large_one(
    door: Door, site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    process = write_process(tmp_path)
    (tmp_path / "site").symlink_to(site, target_is_directory=True)
    assert main(["validate", "--strict", "--process", str(process)]) == 0, capsys.readouterr()
    capsys.readouterr()
    assert door(process, capsys) == EXPECTED
