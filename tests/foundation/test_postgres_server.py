"""The test suite's PostgreSQL is a real server: it answers SQL and gives each test its own database."""

from __future__ import annotations

import psycopg

from tests.postgres import PostgresServer


def _plain(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def test_a_fresh_database_answers_sql(postgres_url: str) -> None:
    with psycopg.connect(_plain(postgres_url)) as connection:
        row = connection.execute("SELECT current_database(), 6 * 7").fetchone()
    assert row is not None
    assert row[0] == postgres_url.rsplit("/", 1)[1]
    assert row[1] == 42


def test_each_database_starts_empty(postgres_server: PostgresServer) -> None:
    first, second = postgres_server.database(), postgres_server.database()
    assert first != second
    with psycopg.connect(_plain(first)) as connection:
        connection.execute("CREATE TABLE marker (id integer)")
    with psycopg.connect(_plain(second)) as connection:
        tables = connection.execute("SELECT count(*) FROM pg_tables WHERE tablename = 'marker'").fetchone()
    assert tables == (0,)
