"""The test suite's PostgreSQL is a real server: it answers SQL, gives each test its own database or empties the one the records tests share."""

from __future__ import annotations

import psycopg

from tests.postgres import PostgresServer, ReusedDatabase


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


def _migrated_template(server: PostgresServer) -> str:
    """A small stand-in for a migrated database: a revision and a table with an identity id."""
    url = server.database()
    with server.connect(url.rsplit("/", 1)[1]) as connection:
        connection.execute("CREATE TABLE alembic_version (version_num text PRIMARY KEY)")
        connection.execute("INSERT INTO alembic_version VALUES ('0009')")
        connection.execute("CREATE TABLE deals (id serial PRIMARY KEY, name text)")
    return url.rsplit("/", 1)[1]


def test_the_reused_database_is_emptied_for_each_test_and_ids_start_again(postgres_server: PostgresServer) -> None:
    reused = ReusedDatabase(postgres_server, _migrated_template(postgres_server))
    first = reused.fresh()
    name = first.rsplit("/", 1)[1]
    with postgres_server.connect(name) as connection:
        connection.execute("INSERT INTO deals (name) VALUES ('Northwind'), ('Contoso')")
    left_open = postgres_server.connect(name)
    left_open.autocommit = False
    left_open.execute("SELECT count(*) FROM deals")  # a transaction never ended holds a lock TRUNCATE needs
    assert reused.fresh() == first, "the same database, emptied, not a new copy"
    assert _is_terminated(left_open), "the connection the last test left open was ended"
    left_open.close()
    with postgres_server.connect(name) as connection:
        assert connection.execute("SELECT count(*) FROM deals").fetchone() == (0,)
        assert connection.execute("INSERT INTO deals (name) VALUES ('Litware') RETURNING id").fetchone() == (1,)
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [("0009",)]


def test_a_database_left_at_another_revision_or_with_other_tables_is_replaced(postgres_server: PostgresServer) -> None:
    reused = ReusedDatabase(postgres_server, _migrated_template(postgres_server))
    for change in ("UPDATE alembic_version SET version_num = '0002'", "CREATE TABLE leftover (id integer)"):
        before = reused.fresh()
        with postgres_server.connect(before.rsplit("/", 1)[1]) as connection:
            connection.execute(change.encode())
        after = reused.fresh()
        assert after != before
        with postgres_server.connect(after.rsplit("/", 1)[1]) as connection:
            assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [("0009",)]
            assert connection.execute("SELECT count(*) FROM pg_tables WHERE tablename = 'leftover'").fetchone() == (0,)


def _is_terminated(connection: psycopg.Connection[tuple[object, ...]]) -> bool:
    try:
        connection.execute("SELECT 1")
    except psycopg.OperationalError:
        return True
    return False
