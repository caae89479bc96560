"""A database that is locked or cannot be reached: a 503 page and a log line; the rep's answers are kept."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from deal_records.database import make_engine
from tests.records.conftest import page_token, sign_in

DAY = (dt.date.today() - dt.timedelta(days=3)).isoformat()
ANSWERS = {
    "amount": "99000",
    "pain-confirmed.met": "yes",
    "pain-confirmed.evidence": "Typed by the rep just now",
    "pain-confirmed.date": DAY,
}


@contextmanager
def locked(database_url: str) -> Iterator[None]:
    """Another program holds SQLite's write lock, or PostgreSQL refuses every new connection."""
    if database_url.startswith("sqlite"):
        holder = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        return
    admin = make_engine(database_url.rsplit("/", 1)[0] + "/postgres")
    name = database_url.rsplit("/", 1)[1]
    with admin.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT")
        connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
        connection.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"), {"name": name}
        )
        try:
            yield
        finally:
            connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
    admin.dispose()


@pytest.fixture
def impatient_app(make_app: Callable[..., Flask]) -> Flask:
    """The app with a short SQLite busy timeout, so a lock shows in a second rather than fifteen."""
    return make_app(DATABASE_BUSY_TIMEOUT_MS=300)


def test_a_failed_save_is_reported_and_the_answers_stay_in_the_form(
    impatient_app: Flask,
    add_person: Callable[..., str],
    token_for: Callable[[str], dict[str, str]],
    database_url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    add_person("ana@example.com")
    api = token_for("ana@example.com")  # the API takes tokens only
    rep: FlaskClient = impatient_app.test_client()
    assert sign_in(rep, "ana@example.com").status_code == 303
    deal = rep.post("/api/deals", json={"name": "Northwind"}, headers=api)
    assert deal.status_code == 201
    deal_id = deal.get_json()["id"]
    token = page_token(rep, f"/deals/{deal_id}")
    rep.get(f"/deals/{deal_id}")  # the page was read; the save is what fails
    with caplog.at_level(logging.ERROR, logger="assess_app"), locked(database_url):
        response = rep.post(f"/deals/{deal_id}/checks", data={"csrf_token": token, **ANSWERS})
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "Traceback" not in page
    assert "not saved" in page  # SQLite: the deal page with the form; PostgreSQL down: the answers to send again
    # The deal page's evidence box holds its text; the page of answers to send again holds it in a hidden field.
    evidence = ('value="Typed by the rep just now"', ">Typed by the rep just now</textarea>")
    assert any(kept in page for kept in evidence) and 'value="99000"' in page and f'value="{DAY}"' in page
    assert "database unavailable" in caplog.text
    resent = rep.post(f"/deals/{deal_id}/checks", data={"csrf_token": token, **ANSWERS})
    assert resent.status_code == 303  # back up: the same answers are saved


def test_a_page_that_needs_the_database_gives_503_and_a_log_line(
    impatient_app: Flask,
    add_person: Callable[..., str],
    token_for: Callable[[str], dict[str, str]],
    database_url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    add_person("ana@example.com")
    api = token_for("ana@example.com")  # the API takes tokens only
    rep = impatient_app.test_client()
    sign_in(rep, "ana@example.com")
    rep.get("/deals")
    with caplog.at_level(logging.ERROR, logger="assess_app"), locked(database_url):
        page = rep.post("/api/deals", json={"name": "X"}, headers=api)
        if database_url.startswith("postgresql"):
            listing = rep.get("/deals")
            assert listing.status_code == 503 and "cannot be reached right now" in listing.get_data(as_text=True)
    assert page.status_code == 503
    assert page.get_json()["errors"][0]["message"].startswith("Service Unavailable")
    assert "database unavailable" in caplog.text
    assert rep.get("/check").status_code == 200  # the self-check needs no database


def test_the_self_check_works_while_the_database_is_down(impatient_app: Flask, database_url: str) -> None:
    client = impatient_app.test_client()
    with locked(database_url):
        assert client.get("/check").status_code == 200


def test_a_failing_statements_error_shows_no_parameter_values(database_url: str) -> None:
    engine = make_engine(database_url)
    with pytest.raises(SQLAlchemyError) as raised, engine.connect() as connection:
        connection.execute(text("SELECT * FROM no_such_table WHERE secret = :secret"), {"secret": "SEKRET-VALUE"})
    engine.dispose()
    assert "SEKRET-VALUE" not in str(raised.value)
    assert "parameters hidden" in str(raised.value)


def test_a_missing_table_mid_restore_is_a_503_and_one_log_line_without_parameters(
    make_app: Callable[..., Flask],
    add_person: Callable[..., str],
    token_for: Callable[[str], dict[str, str]],
    database_url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = make_app()
    add_person("ana@example.com")
    api = token_for("ana@example.com")
    digest = hashlib.sha256(api["Authorization"].removeprefix("Bearer ").encode()).hexdigest()
    client = app.test_client()
    assert client.get("/api/deals", headers=api).status_code == 200
    # What a restore does under a running app: pg_restore --clean drops the tables one by one.
    if database_url.startswith("postgresql"):
        engine = make_engine(database_url)
        with engine.begin() as connection:
            connection.execute(text("DROP TABLE users CASCADE"))
        engine.dispose()
    else:
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as raw:  # foreign keys are off here
            raw.execute("DROP TABLE users")
        raw.close()
    caplog.clear()
    with caplog.at_level(logging.INFO):
        answer = client.get("/api/deals", headers=api)
    assert answer.status_code == 503, answer.get_data(as_text=True)
    assert answer.get_json()["errors"][0]["message"].startswith("Service Unavailable")
    problems = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(problems) == 1 and problems[0].getMessage().startswith("database unavailable (GET /api/deals)")
    assert not problems[0].exc_info
    assert digest not in caplog.text and "[parameters" not in caplog.text and "SELECT" not in caplog.text
