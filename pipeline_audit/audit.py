"""The pipeline audit: every CSV row through the assessment engine, streamed.

Rows are read, assessed and written to audit.csv one at a time; only the totals
(and the few deals the report lists) stay in memory.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline_audit.columns import ColumnError, ColumnPlan, plan_columns
from pipeline_audit.reading import decoding_error, file_error, open_pipeline, read_header
from pipeline_audit.rows import RowProblem, RowReader, RowText
from pipeline_audit.totals import Totals, Verdict, money_text
from sales_process.engine import assess
from sales_process.loader import LoadedProcess
from sales_process.model import Process
from sales_process.problems import Diagnostic, InvalidFile

if TYPE_CHECKING:
    from _csv import Reader, Writer

AUDIT_COLUMNS = (
    "line", "deal", "owner", "claimed_stage", "verified_stage", "stages_ahead",
    "amount", "claimed_weighted", "verified_weighted", "next_milestones", "not_assessed",
    # Stages by id too, for programs joining the audit with `playbook assess --json` or the API.
    "claimed_stage_id", "verified_stage_id",
)
PROGRESS_EVERY = 1024  # rows between progress callbacks

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class AuditOptions:
    """How to read the file and the date to assess on."""

    as_of: dt.date
    day_first: bool = False
    ignored: tuple[str, ...] = ()


@dataclass
class AuditResult:
    """The totals of a finished audit, and warnings about the options."""

    totals: Totals
    source: Path
    as_of: dt.date
    blank_rows: int = 0
    warnings: list[str] = field(default_factory=list)


def audit_pipeline(source: Path, loaded: LoadedProcess, options: AuditOptions, csv_out: Path,
                   progress: Progress | None = None) -> AuditResult:
    """Assess every row of `source` into `csv_out`; raise InvalidFile for an unreadable file."""
    partial = csv_out.with_name(csv_out.name + ".partial")
    try:
        with open_pipeline(source) as handle:
            header, reader = read_header(handle, source)
            plan = plan_header(header, loaded, options, source)
            result = AuditResult(Totals(loaded.process), source, options.as_of, warnings=list(plan.warnings))
            total_bytes = os.fstat(handle.fileno()).st_size
            with partial.open("w", encoding="utf-8", newline="") as out:
                writer = csv.writer(out)
                writer.writerow(AUDIT_COLUMNS)
                def tick() -> None:
                    if progress is not None:
                        progress(handle.buffer.tell(), total_bytes)

                _audit_rows(reader, RowReader(plan, loaded.process, options.day_first), loaded, options, writer, result, tick)
    except UnicodeDecodeError:
        partial.unlink(missing_ok=True)
        raise decoding_error(source) from None
    except csv.Error as error:
        partial.unlink(missing_ok=True)
        raise file_error(source, f"not a readable CSV file ({error}); check the quotes near this line", reader.line_num) from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(csv_out)
    return result


def plan_header(header: list[str], loaded: LoadedProcess, options: AuditOptions, source: Path) -> ColumnPlan:
    """The column plan of the header; raise InvalidFile listing every bad column."""
    try:
        return plan_columns(header, loaded.process, options.ignored)
    except ColumnError as error:
        raise InvalidFile([Diagnostic(str(source), 1, None, "error", problem) for problem in error.problems]) from None


def _audit_rows(reader: Reader, rows: RowReader, loaded: LoadedProcess, options: AuditOptions,
                writer: Writer, result: AuditResult, tick: Callable[[], None]) -> None:
    process, as_of, totals = loaded.process, options.as_of, result.totals
    line = reader.line_num
    count = 0
    for cells in reader:
        start, line = line + 1, reader.line_num  # a quoted cell can span lines: a row starts after the previous one
        if not any(cells):
            result.blank_rows += 1
            continue
        count += 1
        if count % PROGRESS_EVERY == 0:
            tick()
        audit_row(rows, process, as_of, writer, totals, start, cells)
    tick()


def audit_row(rows: RowReader, process: Process, as_of: dt.date, writer: Writer, totals: Totals,
              line: int, cells: Sequence[str]) -> None:
    """Assess one row with the Python engine, or word why it cannot be assessed; write and count it."""
    text = rows.text(cells)
    try:
        deal = rows.deal(cells)
    except RowProblem as problem:
        totals.add_problem(line, text.deal, problem.reason)
        writer.writerow((line, text.deal, text.owner, text.stage, "", "", text.amount, "", "", "", problem.reason, "", ""))
        return
    record(writer, totals, line, text, Verdict.of(assess(process, deal, as_of)))


def record(writer: Writer, totals: Totals, line: int, text: RowText, verdict: Verdict) -> None:
    """Write an assessed row to audit.csv and count it (both engines write through here)."""
    stages = totals.process.stages
    claimed_stage = None if verdict.claimed_index is None else stages[verdict.claimed_index]
    verified_stage = stages[verdict.verified_index]
    amount, claimed_value, verified_value = verdict.amount, verdict.claimed_weighted, verdict.verified_weighted
    claimed = "" if claimed_value is None else money_text(claimed_value)
    verified = "" if verified_value is None else money_text(verified_value)
    totals.add(line, text.owner, verdict, claimed, verified)
    writer.writerow((
        line, text.deal, text.owner, claimed_stage.name if claimed_stage else "", verified_stage.name,
        "" if verdict.stages_ahead is None else verdict.stages_ahead,
        "" if amount is None else money_text(amount), claimed, verified,
        " ".join(milestone_id for milestone_id, _ in verdict.blocking), "",
        claimed_stage.id if claimed_stage else "", verified_stage.id,
    ))
