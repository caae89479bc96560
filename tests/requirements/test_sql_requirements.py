"""The SQL of `playbook sql`, on DuckDB and PostgreSQL, and the DuckDB audit give the engine's verdict for processes
with conditional, optional and alternative milestones, on deals of every amount and segment (known or not)."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import psycopg
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sales_process.model import Milestone, Process, RequiredWhen, Stage
from tests.audit.test_duckdb_engine import assert_same_outputs, both_engines
from tests.sql.tables import Column, Value, create_table, input_columns, python_verdicts, sql_columns
from verdict_sql.dialects import DIALECTS
from verdict_sql.generate import verdict_sql

AS_OF = dt.date(2027, 3, 1)
SEGMENTS = ("Enterprise", "Mid-Market", "SMB")
AGREEMENT = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def condition(draw: st.DrawFn) -> RequiredWhen:
    """One to three keys (amounts around 25,000 and 100,000; some segments)."""
    low = draw(st.none() | st.sampled_from([0, 25000, 25000.5]))
    high = draw(st.none() | st.sampled_from([100000, 25001]))
    segment = draw(st.none() | st.lists(st.sampled_from(SEGMENTS), min_size=1, max_size=2, unique=True))
    if low is None and high is None and segment is None:
        segment = [draw(st.sampled_from(SEGMENTS))]
    if low is not None and high is not None and low >= high:
        high = None
    return RequiredWhen(amount_at_least=low, amount_below=high, segment=segment)


def conditions() -> st.SearchStrategy[tuple[RequiredWhen, ...] | None]:
    """No condition, one, or alternatives of two or three (any one of which requires the milestone)."""
    return st.none() | st.lists(condition(), min_size=1, max_size=3).map(tuple)


@st.composite
def processes(draw: st.DrawFn) -> Process:
    """2-4 stages; each milestone plain, optional or conditional; some runs of milestones are alternatives."""
    count = draw(st.integers(2, 4))
    stages, number = [], 0
    for index in range(count):
        milestones: list[Milestone] = []
        left = 0 if index == count - 1 else draw(st.integers(1, 4))
        while left:
            size = min(left, draw(st.sampled_from([1, 1, 2, 3])))
            condition = draw(conditions())
            # The first milestone of a stage is required: a stage of optional ones alone holds no deal (an error).
            optional = bool(milestones) and size == 1 and condition is None and draw(st.integers(0, 3)) == 0
            group = f"g{number}" if size > 1 else None
            for _ in range(size):
                number += 1
                milestones.append(
                    Milestone(
                        id=f"m{number}",
                        question="Done?",
                        customer_action="It.",
                        buyer_statement=draw(st.sampled_from([None, "We did it."])),
                        evidence="A record.",
                        required=not optional,
                        required_when=condition,
                        group=group,
                    )
                )
            left -= size
        stages.append(Stage(id=f"s{index}", name=f"Stage {index}", probability=10 * index, milestones=milestones))
    return Process(name="Generated", stages=stages)


@st.composite
def tables(draw: st.DrawFn) -> tuple[Process, tuple[Column, ...]]:
    """A process and 1-8 deals: amounts known or not, segments in any case and spacing, or none."""
    process = draw(processes())
    rows = draw(st.integers(1, 8))
    amounts: tuple[Value, ...] = tuple(
        draw(
            st.none()
            | st.sampled_from(
                [Decimal(0), Decimal(24999), Decimal(25000), Decimal("25000.50"), Decimal(99999), Decimal(100000)]
            )
        )
        for _ in range(rows)
    )
    segments: tuple[Value, ...] = tuple(
        draw(st.sampled_from([None, "", " ", "enterprise", " SMB ", "Mid-Market", "MID-MARKET", "Public Sector"]))
        for _ in range(rows)
    )
    columns = [
        Column("deal", "text", tuple(f"deal {n}" for n in range(rows))),
        Column("amount", "numeric", amounts),
        Column("segment", "text", segments),
    ]
    for _, milestone in process.milestones():
        answers = tuple(draw(st.sampled_from([None, True, True, False])) for _ in range(rows))
        columns.append(Column(milestone.id, "boolean", answers))
        evidence = tuple(None if answer is None else "Signed order form" for answer in answers)
        columns.append(Column(f"{milestone.id}.evidence", "text", evidence))
        if milestone.buyer_statement:  # the buyer's "yes" through a link, dated, as `playbook deals export` writes it
            buyers = tuple(
                draw(st.sampled_from([None, "Dana Buyer <dana@customer.example>"])) if a else None for a in answers
            )
            dates = tuple(AS_OF - dt.timedelta(days=3) if a else None for a in answers)
            columns.append(Column(f"{milestone.id}.date", "date", dates))
            columns.append(Column(f"{milestone.id}.confirmed_by", "text", buyers))
    return process, tuple(columns)


def _statement(process: Process, columns: tuple[Column, ...], dialect: str) -> str:
    found = dataclasses.replace(input_columns(process, columns), segment="segment")
    return verdict_sql(process, DIALECTS[dialect], "deals", found, AS_OF)


def _duckdb(process: Process, columns: tuple[Column, ...]) -> dict[str, tuple[Any, ...]]:
    create, insert, rows = create_table("duckdb", "deals", columns)
    with duckdb.connect() as connection:
        connection.execute(create)
        connection.executemany(insert, rows)
        result = connection.execute(_statement(process, columns, "duckdb"))
        assert [d[0] for d in result.description] == sql_columns(process)
        return {row[0]: tuple(row) for row in result.fetchall()}


def _postgres(
    connection: psycopg.Connection[Any], process: Process, columns: tuple[Column, ...]
) -> dict[str, tuple[Any, ...]]:
    create, insert, rows = create_table("postgres", "deals", columns)
    with connection.cursor() as cursor:
        cursor.execute('DROP TABLE IF EXISTS "deals"')
        cursor.execute(create.encode())
        cursor.executemany(insert.encode(), rows)
        cursor.execute(_statement(process, columns, "postgres").encode())
        return {row[0]: tuple(row) for row in cursor.fetchall()}


def _comparable(verdicts: dict[str, tuple[Any, ...]]) -> dict[str, tuple[Any, ...]]:
    """The verdicts with amounts as floats (NUMERIC comes back as Decimal from PostgreSQL)."""
    return {
        name: tuple(float(value) if isinstance(value, Decimal) else value for value in row)
        for name, row in verdicts.items()
    }


@pytest.mark.slow
@AGREEMENT
@given(tables())
def test_the_sql_gives_the_engines_verdict(
    postgres: psycopg.Connection[Any], table: tuple[Process, tuple[Column, ...]]
) -> None:
    process, columns = table
    expected = _comparable(python_verdicts(process, columns, AS_OF))
    assert _comparable(_duckdb(process, columns)) == expected
    assert _comparable(_postgres(postgres, process, columns)) == expected


def _yaml(process: Process) -> str:
    """The process as process.yaml text."""
    return yaml.safe_dump(process.model_dump(mode="json", exclude_defaults=True), sort_keys=False)


def _cell(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


@pytest.mark.slow
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(table=tables())
def test_both_audit_engines_write_the_same_files(
    table: tuple[Process, tuple[Column, ...]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    process, columns = table
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    (folder / "process.yaml").write_text(_yaml(process), encoding="utf-8")
    source = folder / "export.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([column.name for column in columns])
        writer.writerows(zip(*([_cell(cell) for cell in column.cells] for column in columns), strict=True))
    python, duckdb_run = both_engines(capsys, source, folder, process=folder / "process.yaml")
    assert "audited with the Python engine" not in duckdb_run.out + duckdb_run.err
    assert_same_outputs(python, duckdb_run)


def test_an_optional_outcome_is_not_needed_for_the_buyers_word_on_the_stage() -> None:
    def milestone(milestone_id: str, required: bool) -> Milestone:
        return Milestone(
            id=milestone_id,
            question="Done?",
            customer_action="It.",
            evidence="A record.",
            buyer_statement="We did it.",
            required=required,
        )

    process = Process(
        name="Buyer",
        stages=[
            Stage(id="s0", name="One", probability=10, milestones=[milestone("a", True), milestone("b", False)]),
            Stage(id="s1", name="Won", probability=100),
        ],
    )
    columns = (
        Column("deal", "text", ("d",)),
        Column("a", "boolean", (True,)),
        Column("a.date", "date", (AS_OF,)),
        Column("a.confirmed_by", "text", ("Dana Buyer <dana@customer.example>",)),
        Column("b", "boolean", (None,)),
    )
    expected = python_verdicts(process, columns, AS_OF)
    assert expected["d"][2] == "s1" and expected["d"][10] is True  # verified stage, confirmed by the buyer
    assert _duckdb(process, columns) == expected
