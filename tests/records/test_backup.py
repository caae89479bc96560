"""`playbook db backup` under a write load and `playbook db restore`, on SQLite and PostgreSQL."""

from __future__ import annotations

import stat
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select, text

from deal_records.backup import ended_sessions_words
from deal_records.database import make_engine, session_factory
from deal_records.models import Check
from playbook_cli.main import main
from tests.postgres import PostgresServer
from tests.records.conftest import page_token, sign_in

DAY = "2026-11-30"
PAIN = {"pain-confirmed": {"met": True, "evidence": "Reply from the CFO", "date": DAY}}


def _empty_database(database_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'restored.db'}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.database()


def _stored_check_ids(url: str) -> set[int]:
    engine = make_engine(url)
    try:
        with session_factory(engine)() as db:
            return set(db.scalars(select(Check.id)))
    finally:
        engine.dispose()


def test_a_backup_taken_under_load_restores_every_acknowledged_check_and_serves(
    make_app: Callable[..., Flask],
    tokens: dict[str, dict[str, str]],
    database_url: str,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    capsys: pytest.CaptureFixture[str],
) -> None:
    app = make_app()
    client = app.test_client()
    deal_id = client.post("/api/deals", headers=tokens["ana"], json={"name": "Northwind"}).get_json()["id"]
    acknowledged: list[int] = []
    stop = threading.Event()

    def save_checks() -> None:
        writer = app.test_client()
        while not stop.is_set():
            answer = writer.post(f"/api/deals/{deal_id}/checks", headers=tokens["ana"], json={"milestones": PAIN})
            assert answer.status_code == 201
            acknowledged.append(answer.get_json()["check"]["id"])

    writer = threading.Thread(target=save_checks)
    writer.start()
    try:
        while len(acknowledged) < 5:
            threading.Event().wait(0.01)
        before_backup = set(acknowledged)
        backup = tmp_path / "records.backup"
        assert main(["db", "backup", str(backup), "--database", database_url]) == 0
        while len(acknowledged) < len(before_backup) + 3:  # the load went on during the backup
            threading.Event().wait(0.01)
    finally:
        stop.set()
        writer.join()
    said = capsys.readouterr().out
    assert ("pg_dump --format=custom" in said) != database_url.startswith("sqlite")

    restored = _empty_database(database_url, tmp_path, request)
    assert main(["db", "restore", str(backup), "--database", restored]) == 0
    assert before_backup <= _stored_check_ids(restored)
    assert main(["db", "upgrade", "--database", restored]) == 0
    assert "up to date" in capsys.readouterr().out
    served = make_app(DATABASE_URL=restored).test_client()
    assert served.get("/readyz").status_code == 200
    shown = served.get(f"/api/deals/{deal_id}", headers=tokens["ana"])
    assert shown.status_code == 200 and before_backup <= {check["id"] for check in shown.get_json()["checks"]}


def test_a_restore_ends_the_sessions_it_brings_back_and_the_backup_is_private(
    make_app: Callable[..., Flask],
    add_person: Callable[..., str],
    database_url: str,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    capsys: pytest.CaptureFixture[str],
) -> None:
    add_person("ana@example.com")
    browser = make_app().test_client()
    sign_in(browser, "ana@example.com")
    backup = tmp_path / "records.backup"
    assert main(["db", "backup", str(backup), "--database", database_url]) == 0
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600  # it holds password and token hashes
    cookie = browser.get_cookie("session")
    assert cookie is not None and browser.get("/deals").status_code == 200
    browser.post("/logout", data={"csrf_token": page_token(browser, "/deals")})
    restored = _empty_database(database_url, tmp_path, request)
    capsys.readouterr()
    assert main(["db", "restore", str(backup), "--database", restored]) == 0
    said = capsys.readouterr().out
    assert f"; {ended_sessions_words(1)}\n" in said, said
    assert sorted(path.name for path in tmp_path.iterdir() if path.name.startswith("records.backup")) == [
        "records.backup"
    ]  # reading the backup left no -wal or -shm file beside it
    # The cookie of the session signed out after the backup opens nothing on the restored records.
    again = make_app(DATABASE_URL=restored).test_client()
    again.set_cookie("session", cookie.value)
    assert again.get("/deals").status_code == 302


def test_restore_refuses_a_database_that_is_not_empty_unless_forced(
    records_app: Flask, database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    backup = tmp_path / "records.backup"
    assert main(["db", "backup", str(backup), "--database", database_url]) == 0
    assert main(["db", "backup", str(backup), "--database", database_url]) == 1
    assert "exists already" in capsys.readouterr().err
    assert main(["db", "restore", str(backup), "--database", database_url]) == 1
    err = capsys.readouterr().err
    assert "not empty" in err and "--force" in err and "Traceback" not in err
    assert main(["db", "restore", str(backup), "--database", database_url, "--force"]) == 0


def test_upgrade_says_what_it_will_do_and_backs_up_sqlite_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from alembic import command

    from deal_records.schema import alembic_config

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0003")
    engine.dispose()
    assert main(["db", "upgrade", "--database", url]) == 0
    said = capsys.readouterr().out
    assert "will apply 0006_idempotency: Idempotency keys" in said
    # each description whole, though its docstring wraps: never cut mid-sentence
    assert (
        "will apply 0007_segment: Deal segments: each deal's and check's segment (Enterprise, SMB …), which decides the milestones with `required_when.segment` it needs;"
        in said
    )
    assert "backed up" in said and "migrated from schema 0003" in said
    assert len(list(tmp_path.glob("old.db.before-*.bak"))) == 1


def test_a_sqlite_backup_restored_into_postgresql_is_named_as_such(
    tmp_path: Path, request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str]
) -> None:
    sqlite_url = f"sqlite:///{tmp_path / 'records.db'}"
    assert main(["db", "upgrade", "--database", sqlite_url]) == 0
    assert main(["db", "backup", str(tmp_path / "records.backup"), "--database", sqlite_url]) == 0
    postgresql = _empty_database("postgresql", tmp_path, request)
    capsys.readouterr()
    assert main(["db", "restore", str(tmp_path / "records.backup"), "--database", postgresql]) == 1
    assert f"{tmp_path / 'records.backup'} is a SQLite database, and this database is PostgreSQL" in (
        capsys.readouterr().err
    )


def test_a_postgresql_backup_restored_into_sqlite_is_named_as_such(
    tmp_path: Path, request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str]
) -> None:
    postgresql = _empty_database("postgresql", tmp_path, request)
    assert main(["db", "upgrade", "--database", postgresql]) == 0
    assert main(["db", "backup", str(tmp_path / "records.dump"), "--database", postgresql]) == 0
    capsys.readouterr()
    sqlite_url = f"sqlite:///{tmp_path / 'records.db'}"
    assert main(["db", "restore", str(tmp_path / "records.dump"), "--database", sqlite_url]) == 1
    assert capsys.readouterr().err == (
        f"playbook db: error: {tmp_path / 'records.dump'} is a PostgreSQL backup (pg_dump's custom format), and this "
        "database is SQLite: restore it into PostgreSQL (--database postgresql+psycopg://user:password@host/dbname), "
        "or name a backup that `playbook db backup` made of SQLite\n"
    )
    assert not (tmp_path / "records.db").exists()


def test_a_postgresql_restore_refuses_while_other_sessions_are_connected_unless_told(
    records_app: Flask, database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    backup = tmp_path / "records.backup"
    assert main(["db", "backup", str(backup), "--database", database_url]) == 0
    serving = make_engine(database_url)  # an app server's connection
    with serving.connect() as connection:
        connection.execute(text("SELECT 1"))
        capsys.readouterr()
        status = main(["db", "restore", str(backup), "--database", database_url, "--force"])
        err = capsys.readouterr().err
        if database_url.startswith("postgresql"):
            assert status == 1
            assert "1 other session is connected to" in err and "stop the app servers (every one) first" in err
            assert "--ignore-connected-sessions restores anyway" in err and "Traceback" not in err
            forced = ["--force", "--ignore-connected-sessions"]
            assert main(["db", "restore", str(backup), "--database", database_url, *forced]) == 0
        else:  # SQLite cannot tell: the manual says to stop the app first
            assert status == 0, err
    serving.dispose()


def test_the_restores_words_on_sessions_read_well_for_none_one_and_many_and_the_manual_quotes_them() -> None:
    assert ended_sessions_words(0).startswith("it held no signed-in session: everyone signs in again. API tokens")
    assert ended_sessions_words(1).startswith("ended the 1 signed-in session it held (a session signed out since")
    assert ended_sessions_words(3).startswith("ended the 3 signed-in sessions it held (a session signed out since")
    manual = (Path(__file__).parents[2] / "docs/operations/health-and-backups.md").read_text()
    assert f"into restored.db; {ended_sessions_words(3)}\n" in manual
    assert f"into playbook.db; {ended_sessions_words(0)}\n" in manual
