"""Upgrading from every earlier schema keeps every record, on SQLite and PostgreSQL.

The test walks the migration chain, whatever it holds when branches are merged: at each
earlier revision it fills every table with a row (values chosen from the column types, in
foreign-key order), upgrades to head, and compares every row of every table that existed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory

from deal_records.database import make_engine
from deal_records.schema import alembic_config, head_revision, upgrade
from tests.postgres import PostgresServer

EARLIER = [
    step.revision
    for step in reversed(list(ScriptDirectory.from_config(alembic_config()).walk_revisions()))
    if step.revision != head_revision()
]


def _value(column: sa.Column[Any], row: int) -> object:
    kind = column.type
    if column.foreign_keys or isinstance(kind, sa.Integer):
        return row
    if isinstance(kind, sa.DateTime):
        return dt.datetime(2026, 11, 1, 9, 30, row)
    if isinstance(kind, sa.Date):
        return dt.date(2026, 11, row)
    if isinstance(kind, sa.Boolean):
        return True
    if isinstance(kind, sa.Float | sa.Numeric):
        return 1000.5 + row
    if isinstance(kind, sa.JSON):
        return [{"milestone_id": "pain-confirmed", "row": row}]
    length = getattr(kind, "length", None) or 40
    if column.name == "role":
        return "rep"
    return f"{column.name[:3]}{row}"[:length].ljust(min(length, 3), "x")


def _insert_order(tables: list[sa.Table]) -> list[sa.Table]:
    """Tables after those their required foreign keys point at (nullable ones, like deals.latest_check_id, are set later)."""
    ordered: list[sa.Table] = []
    while len(ordered) < len(tables):
        done = {t.name for t in ordered}
        for table in tables:
            needs = {fk.column.table.name for c in table.columns if not c.nullable for fk in c.foreign_keys}
            if table.name not in done and needs <= done | {table.name}:
                ordered.append(table)
                break
        else:
            raise AssertionError("required foreign keys form a cycle")
    return ordered


def _fill(engine: sa.Engine, tables: list[sa.Table]) -> None:
    """Two rows in every table; nullable foreign keys filled once every row exists."""
    with engine.begin() as connection:
        for table in _insert_order(tables):
            for row in (1, 2):
                values = {c.name: _value(c, row) for c in table.columns}
                later = {c.name for c in table.columns if c.foreign_keys and c.nullable}
                connection.execute(table.insert().values({k: None if k in later else v for k, v in values.items()}))
        for table in tables:
            later_columns = [c for c in table.columns if c.foreign_keys and c.nullable]
            for row in (1, 2):
                if later_columns:
                    key = next(iter(table.primary_key))
                    connection.execute(
                        table.update().where(key == row).values({c.name: _value(c, row) for c in later_columns})
                    )


def _at(url: str, revision: str) -> sa.Engine:
    engine = make_engine(url)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    return engine


def _rows(engine: sa.Engine, tables: list[sa.Table]) -> dict[str, list[dict[str, object]]]:
    with engine.connect() as connection:
        return {
            table.name: [dict(r._mapping) for r in connection.execute(sa.select(table).order_by(*table.primary_key))]
            for table in tables
        }


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'old.db'}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.database()


@pytest.mark.slow
@pytest.mark.parametrize("revision", EARLIER)
def test_upgrading_from_an_earlier_schema_keeps_every_row_of_every_table(empty_url: str, revision: str) -> None:
    engine = _at(empty_url, revision)
    try:
        metadata = sa.MetaData()
        metadata.reflect(engine)
        tables = [t for name, t in sorted(metadata.tables.items()) if name != "alembic_version"]
        _fill(engine, tables)
        before = _rows(engine, tables)
        assert all(len(rows) == 2 for rows in before.values())
        assert upgrade(engine) == (revision, head_revision())
        after = _rows(engine, tables)  # the tables as they were: columns added since are not compared
    finally:
        engine.dispose()
    assert after == before
