"""/healthz and /readyz on SQLite and PostgreSQL: unauthenticated, cheap, and 503 with the reason when not ready."""

from __future__ import annotations

import logging

import pytest
from flask import Flask
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from assess_app.health.views import QuietHealthChecks
from deal_records.database import writing
from deal_records.schema import head_revision


def test_both_answer_200_without_signing_in(records_app: Flask) -> None:
    client = records_app.test_client()
    for path in ("/healthz", "/readyz"):
        response = client.get(path)
        assert (response.status_code, response.get_data(as_text=True)) == (200, "ok\n"), path
        assert response.headers["Cache-Control"] == "no-store"


def test_readyz_is_503_naming_the_command_while_the_schema_is_behind(
    records_app: Flask, sessions: sessionmaker[Session]
) -> None:
    with writing(sessions) as db:
        db.execute(text("UPDATE alembic_version SET version_num = '0002'"))
    client = records_app.test_client()
    response = client.get("/readyz")
    assert response.status_code == 503
    said = response.get_data(as_text=True)
    assert said.count("\n") == 1 and "schema 0002" in said and head_revision() in said
    assert "playbook db upgrade" in said
    assert client.get("/healthz").status_code == 200  # the process still answers


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        ('127.0.0.1 - - [03/Dec/2026:10:00:00] "GET /healthz HTTP/1.1" 200 3', False),
        ('127.0.0.1 - - [03/Dec/2026:10:00:00] "GET /readyz HTTP/1.1" 200 3', False),
        ('127.0.0.1 - - [03/Dec/2026:10:00:00] "GET /readyz HTTP/1.1" 503 80', True),
        ('127.0.0.1 - - [03/Dec/2026:10:00:00] "GET /deals HTTP/1.1" 200 900', True),
    ],
)
def test_a_passing_health_check_is_left_out_of_the_access_log(line: str, kept: bool) -> None:
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, line, None, None)
    assert QuietHealthChecks().filter(record) is kept
