"""The manual's worked example of `playbook sql`: the shipped example export in DuckDB, next to the audit's totals.

Generated, so the figures the manual shows are the statement's on the file it names, and a test
fails when a change to the rules moves them without the manual.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from decimal import Decimal
from pathlib import Path

import duckdb

from pipeline_audit.audit import AuditOptions, audit_pipeline
from pipeline_audit.table_columns import export_columns
from sales_process.crm import resolve_mapping
from sales_process.loader import load_process
from sales_process.vocabulary import plain_cents
from verdict_sql.dialects import DIALECTS
from verdict_sql.generate import verdict_sql

ROOT = Path(__file__).resolve().parent.parent
EXPORT = ROOT / "examples" / "pipeline.csv"
AS_OF = dt.date(2027, 3, 1)
BY_STAGE = """SELECT coalesce(outcome, 'not assessed') AS outcome, verified_stage, count(*) AS deals,
  sum(claimed_weighted) AS claimed, sum(verified_weighted) AS verified
FROM verdict GROUP BY ALL ORDER BY outcome, list_position({stage_ids}, any_value(verified_stage_id))"""


def sql_example() -> str:
    """The example's Markdown: the query, its result in DuckDB, and the audit's totals for the same file."""
    loaded = load_process(ROOT / "process.yaml")
    process = loaded.process
    columns, _ = export_columns(EXPORT, loaded, resolve_mapping(process))  # the example file has every column
    statement = verdict_sql(process, DIALECTS["duckdb"], "deals", columns, AS_OF)
    with duckdb.connect() as connection:
        connection.execute("CREATE TABLE deals AS SELECT * FROM read_csv(?, all_varchar = true)", [str(EXPORT)])
        connection.execute(f"CREATE VIEW verdict AS {statement.rstrip().removesuffix(';')}")
        query = BY_STAGE.format(stage_ids="[" + ", ".join(f"'{stage.id}'" for stage in process.stages) + "]")
        rows = connection.execute(query).fetchall()
        claimed, verified = connection.execute(
            "SELECT sum(claimed_weighted), sum(verified_weighted) FROM verdict WHERE claimed_weighted IS NOT NULL"
        ).fetchone() or (None, None)
    with tempfile.TemporaryDirectory() as folder:
        totals = audit_pipeline(EXPORT, loaded, AuditOptions(as_of=AS_OF), Path(folder) / "audit.csv").totals
    table = _table(
        ["outcome", "verified_stage", "deals", "claimed", "verified"],
        [[_cell(value) for value in row] for row in rows],
    )
    return "\n".join(
        [
            "```sql",
            query,
            "```",
            "",
            "```text",
            table,
            "```",
            "",
            f"On the same file (`examples/pipeline.csv`, as of {AS_OF.isoformat()}), `SUM()` over the rows "
            f"with a claimed stage gives {_money(claimed)} claimed and {_money(verified)} verified; "
            f"`playbook audit`'s report says {plain_cents(totals.claimed_cents)} and "
            f"{plain_cents(totals.verified_cents)}.",
        ]
    )


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def _money(value: object) -> str:
    return "nothing" if value is None else f"{Decimal(str(value)):.2f}"


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(text) for text in column) for column in zip(header, *rows, strict=True)]

    def line(cells: list[str]) -> str:
        return " | ".join(
            cell.rjust(width) if index >= 2 else cell.ljust(width)
            for index, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return "\n".join([line(header), "-+-".join("-" * width for width in widths), *(line(row) for row in rows)])
