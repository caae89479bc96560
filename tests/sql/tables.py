"""Generated deal tables for the SQL tests: typed columns for DuckDB and PostgreSQL, text cells for the audit.

A table is what a warehouse holds: some columns may be missing, answers may be
BOOLEAN or yes/no words, dates DATE or ISO text, amounts NUMERIC or text. The same
rows as CSV text cells go through the audit's own parser, the reference.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from pipeline_audit import columns as audit_columns
from pipeline_audit.columns import plan_columns
from pipeline_audit.rows import ClosedDeal, RowProblem, RowReader
from sales_process.confirmation import buyer_confirmed_ids, gate_confirmed_by_buyer
from sales_process.crm import resolve_mapping
from sales_process.engine import assess
from sales_process.model import Process, Stage
from sales_process.outcome import Outcome
from sales_process.vocabulary import weighted_cents
from verdict_sql.columns import InputColumns
from verdict_sql.generate import OUTPUT_COLUMNS, status_column

Value = str | bool | dt.date | Decimal | None

# An export whose columns and stage names are the CRM's own, mapped on the command line as `playbook audit` maps them.
CRM_EXPORT = """\
Opportunity Title,Phase,Deal Value,Pain found,Pain proof,Pain on
Acme,Qualifying,"12,000",yes,Email from the CFO,04/11/2026
Beta,Discovery,5000,no,,
Gamma,Selling,7000,yes,Call notes,13/11/2026
Delta,Selling,9000,yes,Call notes,13/10/2025
"""
MAPPING = [
    *("--column", "Opportunity Title=deal", "--column", "Phase=stage", "--column", "Deal Value=amount"),
    *("--column", "Pain found=pain-confirmed", "--column", "Pain proof=pain-confirmed.evidence"),
    *("--column", "Pain on=pain-confirmed.date", "--stage-name", "Selling=proposing", "--day-first"),
]

# The audit's own names of a milestone's columns.
EVIDENCE_SUFFIX, DATE_SUFFIX, CONFIRMED_BY_SUFFIX = ".evidence", ".date", ".confirmed_by"


@dataclass(frozen=True)
class Column:
    """One column of the table: its name, its SQL type ("text", "boolean", "date", "timestamp", "timestamptz" or
    "numeric") and
    cells."""

    name: str
    kind: str
    cells: tuple[Value, ...]


SQL_TYPES = {
    "duckdb": {
        "text": "VARCHAR",
        "boolean": "BOOLEAN",
        "date": "DATE",
        "timestamp": "TIMESTAMP",
        "timestamptz": "TIMESTAMPTZ",
        "numeric": "DECIMAL(14, 2)",
    },
    "postgres": {
        "text": "TEXT",
        "boolean": "BOOLEAN",
        "date": "DATE",
        "timestamp": "TIMESTAMP",
        "timestamptz": "TIMESTAMPTZ",
        "numeric": "NUMERIC(14, 2)",
    },
}


def as_text(value: Value) -> str:
    """The cell as a CSV export writes it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def input_columns(process: Process, columns: Sequence[Column]) -> InputColumns:
    """Where the generator finds each field: each column as the audit reads its name (the crm: block's or
    its own), None for the missing ones."""
    header = [column.name for column in columns]
    return audit_columns.sql_columns(
        plan_columns(header, process, resolve_mapping(process), no_evidence=True), header.__getitem__
    )


def create_table(dialect: str, relation: str, columns: Sequence[Column]) -> tuple[str, str, list[tuple[Value, ...]]]:
    """The CREATE TABLE and INSERT statements (with %s or ? parameters) and the rows."""
    quoted = ", ".join(f'"{c.name}" {SQL_TYPES[dialect][c.kind]}' for c in columns)
    marker = "%s" if dialect == "postgres" else "?"
    values = ", ".join(f"CAST({marker} AS {SQL_TYPES[dialect][c.kind]})" for c in columns)
    insert = f'INSERT INTO "{relation}" VALUES ({values})'
    rows = list(zip(*(column.cells for column in columns), strict=True))
    return f'CREATE TABLE "{relation}" ({quoted})', insert, rows


def _money(amount: float | None, stage: Stage | None) -> Decimal | None:
    """A weighted amount as the audit rounds it, to the cent (the SQL's DECIMAL)."""
    cents = None if stage is None else weighted_cents(amount, stage.probability)
    return None if cents is None else Decimal(cents) / 100


def cell_named(problem: str) -> str:
    """The cell an audit reason names, as the SQL's `not_assessed` names it: its first word (amount,
    pain.date …), or the deal, stage or segment."""
    if problem.startswith("the deal cell is blank"):
        return "deal"
    if problem.startswith(("unknown stage", "stage ")):
        return "stage"
    if problem.startswith("'segment'"):
        return "segment"
    return re.split(r"[: ]", problem, maxsplit=1)[0]


def refused_cells(problem: RowProblem) -> str:
    """The cells of a row the audit refuses, in its order, each once, as `not_assessed` lists them."""
    return ", ".join(dict.fromkeys(cell_named(text) for text in problem.problems))


def python_verdicts(process: Process, columns: Sequence[Column], as_of: dt.date) -> dict[str, tuple[object, ...]]:
    """The engine's verdict on every row, read by the audit's parser from the text cells, by deal.

    A row the audit refuses has no verdict, only the cells it names; a closed deal is an outcome: its
    claimed stage, amount, currency and close date, no verdict and no weighted amounts (an amount it cannot
    read is named, and the outcome kept).
    """
    header = [column.name for column in columns]
    mapping = resolve_mapping(process)
    reader = RowReader(plan_columns(header, process, mapping), process, mapping)
    verdicts: dict[str, tuple[object, ...]] = {}
    for cells in zip(*(column.cells for column in columns), strict=True):
        texts = [as_text(cell) for cell in cells]
        name = "" if reader.plan.deal is None else str(cells[reader.plan.deal])
        try:
            read = reader.deal(texts, outcome_without_amount=True)
        except RowProblem as problem:
            verdicts[name] = (name, *[None] * 12, refused_cells(problem), None, *[None] * len(process.milestones()))
            continue
        currency = read.currency if read.amount is not None else None
        if isinstance(read, ClosedDeal):  # by the status, IsClosed/IsWon or the stage, as the audit reads it
            verdicts[name] = (name, read.claimed_stage, *[None] * 3, read.amount, *[None] * 5)
            refused = ", ".join(dict.fromkeys(cell_named(text) for text in read.unread_amount))
            verdicts[name] += (
                read.outcome.value,
                read.close_date,
                refused,
                currency,
                *[None] * len(process.milestones()),
            )
            continue
        deal = read
        result = assess(process, deal, as_of)
        claimed = result.claimed_stage
        confirmed = buyer_confirmed_ids(deal.answers)
        verdicts[name] = (
            name,
            claimed.id if claimed else None,
            result.verified_stage.id,
            result.verified_stage.name,
            result.stages_ahead,
            deal.amount,
            _money(deal.amount, claimed),
            _money(deal.amount, result.verified_stage),
            ",".join(r.milestone.id for r in result.next),
            ",".join(m.id for _, m in process.milestones() if m.id in confirmed),
            gate_confirmed_by_buyer(process, result.verified_index, confirmed),
            Outcome.OPEN.value,
            None,
            "",
            currency,
            *(r.status.value for r in result.milestones),
        )
    return verdicts


def sql_columns(process: Process) -> list[str]:
    """Every output column of the statement, in order."""
    return [*OUTPUT_COLUMNS, *(status_column(milestone.id) for _, milestone in process.milestones())]
