"""The audit on DuckDB: the CSV read, assessed, written and summed by DuckDB, in-process.

DuckDB reads the file and runs the generated statement of `playbook sql`, which reads every cell as
the audit's parsers do, into a table of the file's rows, each with its position in the file (FILE_ROW;
beyond its memory limit the tables go to a temporary directory). Each row it assesses has its audit.csv line
spelled in SQL (sql_lines) and the figures the totals sum, and so has each closed deal (an outcome,
summed with its close date). Python reads only the rows it has more to say about, through the Python
engine's audit_row: a row the SQL does not assess (its `not_assessed` names the cells; Python words the
reasons), a row with a filled unnamed column or a buyer's cell, and a row in another currency than the
file's first. Their lines take their rows' places, DuckDB writes audit.csv sorted by position (COPY), its GROUP BY sums and
the deals most ahead are added to the same Totals, from which Python renders the report. The CRM's
column and stage names are read through the same CrmMapping.

Line numbers are the row's position plus one, which holds only when every row is one line; a file
with blank lines or quoted line breaks is left to the Python engine (NotForDuckDB), as is any file
DuckDB's CSV reader refuses.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline_audit import sql_lines
from pipeline_audit.audit import (
    AuditCsv,
    AuditOptions,
    Progress,
    audit_pipeline,
    audit_plan,
    audit_row,
    keep_what_the_rows_said,
    new_result,
    refuse_if_nothing_read,
)
from pipeline_audit.columns import ColumnPlan, sql_columns
from pipeline_audit.data_rows import (
    MAYBE_GROUPED,
    REPEATED_HEADER,
    ends_with_footer,
    grouped_report_line,
    refuse_if_empty,
)
from pipeline_audit.pipeline_csv import LONGEST_CELL, is_plain_utf8_csv, open_pipeline, read_header, restored
from pipeline_audit.repeated_ids import (
    LISTED_IDS,
    LISTED_LINES,
    Found,
    Repeated,
    repeated_ids_warning,
    repeated_names,
)
from pipeline_audit.rows import RowReader
from pipeline_report.result import AuditResult
from sales_process.crm import CrmMapping, resolve_mapping
from sales_process.deal_verdict import Blocking, KnownVerdicts, StaleSince
from sales_process.evidence import WHITESPACE
from sales_process.extras import DUCKDB as DUCKDB_EXTRA
from sales_process.extras import install_hint, installed, require
from sales_process.loader import LoadedProcess
from sales_process.model import Process, Stage
from sales_process.outcome import Outcome
from sales_process.spreadsheet import safe_writer
from sales_process.totals import (
    HELD_NAMED,
    LISTED_PROBLEMS,
    TOP_AHEAD,
    DealGroup,
    OutcomeTotals,
    Period,
    Totals,
    not_weighted_reason,
)
from sales_process.vocabulary import DOUBLE_DIGITS, Status
from verdict_sql.cells import AMOUNT_CENTS, AMOUNT_DIGITS, BLANK, SKIPPED, deal_name
from verdict_sql.columns import InputColumns
from verdict_sql.dialects import DIALECTS
from verdict_sql.generate import CLOSED_ON, TWO_DIGIT_YEARS, stale_since_columns, status_column, verdict_sql
from verdict_sql.writer import character_class

if TYPE_CHECKING:
    import duckdb

ENGINES = ("auto", "python", "duckdb")
# `auto` picks DuckDB from this file size on: below it, starting DuckDB costs more than it saves. Measured
# on two cores (median of 3): 5,000 deals 0.39 s in Python, 0.56 s on DuckDB; 10,000 0.75 s and 0.71 s;
# 20,000 1.44 s and 0.92 s; 30,000 2.15 s and 1.04 s.
AUTO_DUCKDB_BYTES = 4_000_000  # about 12,000 deals of the default process
BATCH = 1_000  # the Python rows fetched at a time (~6 KB of Python objects each: their cells as text)
FILE_ROW = "file_row"  # a row's position in the file, from 0 after the header
LEFT_OUT = "left_out"  # the kind of a row in another pipeline than those listed: not in audit.csv, not counted
OTHER_PIPELINE = "pipeline"  # the kind of a row whose pipeline is not spelled as listed, until _other_pipelines decides
PIPELINE_CELL = "pipeline_cell"  # that row's pipeline cell
DUCKDB = DIALECTS["duckdb"]
# DuckDB's memory_limit (memory_limit()): its tables of the file's rows go to a temporary directory beyond
# it, so that the audit takes as much memory for a hundred thousand deals as for millions. What DuckDB
# cannot spill grows with the file's width and its threads: each thread fills a block (256 KiB) per column
# of the copy of the file. Measured on two threads, 52 columns (the default process) audit a million
# deals within 96 MB, and 232 columns 300,000 deals within 112 MB but not 64 MB; the base and two blocks
# per column and thread (116 MB and 296 MB) leave room above both.
# More (--memory-limit) is faster: DuckDB then copies the file on every thread too (see the manual's benchmarks).
MEMORY_BASE_MB = 64
BLOCK_KB = 256
COPY_ROW_GROUP = 16_384  # rows per row group of the copy of the file (_copy_of_the_file)
LEAST_MEMORY_MB = 32  # below it DuckDB cannot hold a block per column of even a narrow file
# Below this size DuckDB takes longer to optimise the statement (~270 KB of SQL for the default process)
# than to run it: it plans it without the three optimisers that cost most on so much SQL, which gain
# nothing on so few rows. Measured on two cores (median of 7): 3 deals 0.39 s with them, 0.31 s without;
# 2,000 deals (0.65 MB) 0.63 s and 0.52 s; 6,000 deals (2 MB) 0.68 s and 0.67 s; 20,000 deals 0.94 s and 1.00 s.
# It runs them on one thread too, whose start-up a second would not repay: median of 3 runs of 7, the 300 deals
# of examples/pipeline.csv 0.51 s on two threads, 0.45 s on one; 2,500 deals (0.82 MB) 0.68 s and 0.58 s.
LIGHT_PLAN_BYTES = 1_000_000
LIGHT_PLAN_OPTIMIZERS = ("expression_rewriter", "common_subexpressions", "statistics_propagation")


def _white_space_alone() -> str:
    """An RE2 pattern of a cell of the engine's white space alone."""
    spell = DUCKDB.regex_character
    assert spell is not None  # DuckDB's regular expressions are RE2's, which spell a character by its code point
    return f"^{character_class((ord(c) for c in WHITESPACE), spell)}*$"


# A row DuckDB leaves to Python (which tells, grouped_report_line): its first cell that is not empty may start a
# grouped report's line, or is white space alone, which Python passes over for the next cell.
MAYBE_GROUPED_ROW = f"{MAYBE_GROUPED}|{_white_space_alone()}"
_SIZE = re.compile(r"(?P<number>[0-9]+(?:[.][0-9]+)?) ?(?P<unit>[KMGT]i?B)", re.IGNORECASE)


def memory_limit(width: int, threads: int) -> str:
    """DuckDB's memory_limit for the audit of a file `width` columns wide on `threads` threads."""
    return f"{MEMORY_BASE_MB + width * threads * 2 * BLOCK_KB // 1024}MB"


def memory_size(text: str) -> str:
    """A memory limit as DuckDB reads it (e.g. 512MB, 2GB, 1.5GiB); raise ValueError, saying why, for another text."""
    size = _SIZE.fullmatch(text.strip())
    if size is None:
        raise ValueError(f"{text!r} is not a size: write a number and a unit (KB, MB, GB, TB), e.g. 512MB or 2GB")
    unit = size["unit"].upper().replace("IB", "iB")
    power = "KMGT".index(unit[0]) + 1
    megabytes = float(size["number"]) * (1024 if "i" in unit else 1000) ** power / 1000**2
    if megabytes < LEAST_MEMORY_MB:
        raise ValueError(f"{text} is too little for DuckDB to audit a file: give it at least {LEAST_MEMORY_MB}MB")
    return f"{size['number']}{unit}"


class NotForDuckDB(Exception):
    """The file needs the Python engine; the message says why and, when the user can change that in the file, how
    (`fix`): the warning of a fallback should let them have DuckDB audit it next time."""

    def __init__(self, reason: str, fix: str = "", aside: str = "") -> None:
        told = f"{reason}; {fix} to audit it on DuckDB" if fix else reason
        super().__init__(f"{told} ({aside})" if aside else told)


def run_audit(
    engine: str,
    source: Path,
    loaded: LoadedProcess,
    options: AuditOptions,
    csv_out: Path,
    progress: Progress | None = None,
    memory: str | None = None,
) -> AuditResult:
    """Audit with the chosen engine ("auto": DuckDB for files of AUTO_DUCKDB_BYTES or more, when installed).

    `memory` is DuckDB's memory limit (memory_size; None: memory_limit() from the file's width).
    Raises MissingExtra when "duckdb" is asked for and the duckdb package is not installed.
    """
    why = None  # why the Python engine audits a file DuckDB might have: a warning
    if engine == "auto":
        try:
            large = source.stat().st_size >= AUTO_DUCKDB_BYTES
        except OSError:
            large = False  # the Python engine words the error
        if large and not installed(DUCKDB_EXTRA):
            why = (
                "audited with the Python engine: DuckDB is not installed; "
                f"{install_hint(DUCKDB_EXTRA)} audits exports this large faster"
            )
        elif not large and memory is not None:
            why = (
                f"--memory-limit was not used: the file is under {AUTO_DUCKDB_BYTES // 1_000_000} MB, so the "
                "Python engine audited it; --engine duckdb audits it on DuckDB"
            )
        engine = "duckdb" if large and why is None else "python"
    mapping = options.mapping or resolve_mapping(loaded.process)
    if engine == "duckdb" and not is_plain_utf8_csv(source, mapping.encoding):
        engine, why = (
            "python",
            (
                f"audited with the Python engine: "
                f"{NotForDuckDB('DuckDB reads only CSV files in UTF-8', 'save the file as CSV in UTF-8')}"
            ),
        )
    if engine == "duckdb":
        require(DUCKDB_EXTRA)
        try:
            return audit_with_duckdb(source, loaded, options, csv_out, progress, memory)
        except NotForDuckDB as reason:
            why = f"audited with the Python engine: {reason}"
    result = audit_pipeline(source, loaded, options, csv_out, progress)
    if why is not None:
        result.warnings.append(why)
    return result


def audit_with_duckdb(
    source: Path,
    loaded: LoadedProcess,
    options: AuditOptions,
    csv_out: Path,
    progress: Progress | None = None,
    memory: str | None = None,
) -> AuditResult:
    """Assess every row of `source` into `csv_out` on DuckDB; raise NotForDuckDB when the Python engine must."""
    import duckdb  # an optional dependency (cvo-playbook[duckdb]): run_audit checks that it is installed

    with open_pipeline(source) as handle:
        try:
            header, reader = read_header(handle, source)
        except (UnicodeDecodeError, csv.Error):
            raise NotForDuckDB("the header row is not readable text") from None  # the Python engine locates the error
        delimiter = reader.dialect.delimiter
        if reader.line_num > 1:
            raise NotForDuckDB("the file has title lines above its header", "delete the lines above the header")
    mapping = options.mapping or resolve_mapping(loaded.process)
    plan = audit_plan(header, loaded, mapping, source, options.no_evidence)
    if ends_with_footer(source, delimiter, plan):
        raise NotForDuckDB("the file ends with a report footer", "delete the footer lines after the data")
    result = new_result(plan, loaded, options, mapping, source)
    lines = _physical_lines(source)
    partial = csv_out.with_name(csv_out.name + ".partial")
    size = source.stat().st_size
    try:
        with (
            tempfile.TemporaryDirectory(prefix="playbook-duckdb-") as spill,
            duckdb.connect(config=_settings(Path(spill))) as connection,
        ):
            limit = memory or memory_limit(plan.width, _threads(connection))
            connection.execute(f"SET memory_limit = {DUCKDB.string(limit)}")
            if size < LIGHT_PLAN_BYTES:
                connection.execute(f"SET disabled_optimizers = {DUCKDB.string(','.join(LIGHT_PLAN_OPTIMIZERS))}")
                connection.execute("SET threads = 1")
            # DuckDB keeps the file's order through a plain copy of it (its rowid is then the row's position),
            # not through a query of several tables or a join (duckdb.org/docs/stable/sql/dialect/order_preservation):
            # each row carries its position, and audit.csv is written sorted by it.
            _copy_of_the_file(connection, Path(spill), _relation(source, delimiter, plan))
            connection.execute(f"CREATE TEMP TABLE audit AS {_query(plan, loaded, options, mapping)}")
            rows, result.blank_rows = _counted(connection)
            if rows + 1 != lines:
                raise NotForDuckDB(
                    "some rows span several lines, or the file has blank lines",
                    "delete the blank lines",
                    "a cell written over several lines needs the Python engine",
                )
            if progress is not None:
                progress(size // 2, size)
            audit = PythonRows(RowReader(plan, loaded.process, mapping), loaded, options, result.totals)
            audit.read(connection, _cells(plan), from_the_copy=_other_pipelines(connection, audit.reader))
            _note_pipelines(connection, audit.reader)
            _note_segments(connection, audit.reader)
            audit.reader.unnamed += _unnamed_amounts(connection)
            audit.reader.named.update(_named_amounts(connection))
            keep_what_the_rows_said(result, audit.reader)
            result.two_digit_years += _two_digit_years(connection)
            result.repeated_ids = _repeated_ids(connection)
            _write(connection, partial)
            _add_totals(connection, loaded, result.totals)
            _add_outcomes(connection, options.period, options.as_of, result.totals)
        if progress is not None:
            progress(size, size)
        refuse_if_nothing_read(source, audit.reader, rows - result.blank_rows)
        refuse_if_empty(source, result.totals.rows, result.blank_rows)
    except duckdb.Error as error:
        partial.unlink(missing_ok=True)
        detail = str(error).splitlines()[0]
        if isinstance(error, duckdb.OutOfMemoryException):
            raise NotForDuckDB(f"DuckDB ran out of memory ({detail}); give it more with --memory-limit") from None
        if "Maximum line size" in str(error):
            raise NotForDuckDB(
                f"a line is longer than {LONGEST_CELL:,} bytes, the most DuckDB reads ({detail})",
                "shorten that line's longest cells",
            ) from None
        raise NotForDuckDB(f"DuckDB cannot read the file as CSV ({detail})") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(csv_out)
    return result


def _settings(spill: Path) -> dict[str, str | bool | int | float | list[str]]:
    """DuckDB's settings: the tables spilled to `spill` beyond the memory limit (memory_limit()).

    preserve_insertion_order keeps the table's rows, and so audit.csv's lines, in the file's order.
    """
    return {"temp_directory": str(spill), "preserve_insertion_order": True}


def _copy_of_the_file(connection: duckdb.DuckDBPyConnection, spill: Path, relation: str) -> None:
    """Copy the file's rows into the table `pipeline`, in the file's order, in row groups of COPY_ROW_GROUP rows.

    DuckDB gives each thread whole row groups of the table it reads: in smaller ones than its default
    (122,880 rows), a file of a hundred thousand deals is assessed on every thread too, and so with the
    same memory as a million. The audit's rows may then come in any order (preserve_insertion_order off),
    which lets DuckDB assess them on every thread within the memory limit.
    """
    s = DUCKDB.string
    # The copy goes with the temporary directory: writing it to its file when the connection closes (DuckDB's
    # checkpoint) took 3 of the 24 s of a million deals.
    connection.execute("PRAGMA disable_checkpoint_on_shutdown")
    connection.execute(f"ATTACH {s(str(spill / 'copy.duckdb'))} AS copy (ROW_GROUP_SIZE {COPY_ROW_GROUP})")
    connection.execute("USE copy")
    connection.execute(f"CREATE TABLE pipeline AS SELECT * FROM {relation}")
    connection.execute("SET preserve_insertion_order = false")


def _threads(connection: duckdb.DuckDBPyConnection) -> int:
    """The threads DuckDB runs queries on."""
    threads = connection.execute("SELECT current_setting('threads')").fetchone()
    assert threads is not None
    return int(threads[0])


def _physical_lines(source: Path) -> int:
    """Lines in the file as Python's csv reader numbers them (a line ends at "\n", "\r\n" or a lone "\r"),
    counting a last line without a line break."""
    count, last = 0, b"\n"
    with source.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            count += chunk.count(b"\n") - (last == b"\r" and chunk[:1] == b"\n")  # a "\r\n" across chunks
            if b"\r" in chunk:
                count += chunk.count(b"\r") - chunk.count(b"\r\n")
            last = chunk[-1:]
    return count + (last not in (b"\n", b"\r"))


def _name(index: int) -> str:
    return f"c{index}"


def _cells(plan: ColumnPlan) -> str:
    """A row's cells as a list."""
    return "[" + ", ".join(DUCKDB.quote(_name(index)) for index in range(plan.width)) + "]"


def _relation(source: Path, delimiter: str, plan: ColumnPlan) -> str:
    """The CSV's rows after the header, every cell as text (NULL when empty), in columns c0, c1…"""
    s = DUCKDB.string
    types = "{" + ", ".join(f"{s(_name(index))}: 'VARCHAR'" for index in range(plan.width)) + "}"
    return (
        f"read_csv({s(str(source))}, delim={s(delimiter)}, quote='\"', escape='\"', header=false, skip=1, "
        f"columns={types}, auto_detect=false, strict_mode=true, null_padding=false, max_line_size={LONGEST_CELL})"
    )


def _query(plan: ColumnPlan, loaded: LoadedProcess, options: AuditOptions, mapping: CrmMapping) -> str:
    """One row per row of the file, with its position (FILE_ROW): its kind (blank, sql: read here, python:
    Python reads it), the cells of a Python row, and the audit.csv line of a row read here (an assessed deal's
    or a closed one's) and what the totals sum."""
    q = DUCKDB.quote
    process = loaded.process
    names = [_name(index) for index in range(plan.width)]
    columns = sql_columns(plan, _name)
    statement = verdict_sql(
        process,
        DUCKDB,
        "numbered",
        columns,
        options.as_of,
        keep=[*names, FILE_ROW],
        mapping=mapping,
        for_the_audit=True,
    )
    # The SQL reads every cell as the Python parsers do; Python words the reasons of a row it does not
    # assess, and reads rows with a filled unnamed column and rows a buyer answered (the totals count a
    # buyer's "Not quite", which the statement's output does not carry).
    buyers = [m.confirmed_by for m in plan.milestones if m.confirmed_by is not None]
    first = f"COALESCE({', '.join(q(n) for n in names)})"  # the first cell that is not empty
    # Perhaps a grouped report's heading or subtotal: Python tells (PythonRows, _other_pipelines).
    grouped = f"REGEXP_MATCHES({first}, {DUCKDB.string(MAYBE_GROUPED_ROW)})"
    spelled = _pipeline_spelled_as_listed(plan, mapping)
    simple = " AND ".join(
        [
            f"{q('not_assessed')} = ''",
            *spelled,
            *(f"COALESCE({q(_name(i))}, '') = ''" for i in (*plan.unnamed, *buyers)),
            f"NOT {grouped}",
            # The SQL reads every digit of an amount; Python, a double's DOUBLE_DIGITS significant digits (to_cents):
            # past them, Python reads the row, so that both engines write the same cents.
            f"LENGTH(LTRIM(REPLACE({q(AMOUNT_DIGITS)}, '.', ''), '0')) <= {DOUBLE_DIGITS}",
        ]
    )
    # A row naming a pipeline not spelled as listed: _other_pipelines decides, spelling by spelling.
    other, pipeline_cell = "FALSE", "CAST(NULL AS VARCHAR)"
    if spelled and plan.pipeline is not None:
        other, pipeline_cell = f"NOT ({spelled[0]})", q(_name(plan.pipeline))

    def cell(index: int | None) -> str:
        return q(_name(index)) if index is not None else "NULL"

    # The deal, owner, CRM id and stage as RowReader.text reads them, then the texts of the line as safe_writer
    # makes them inert: each a column of its own step, since the next step names it three times.
    restored = {
        "deal_restored": sql_lines.restored_text(cell(plan.deal)),
        "owner_restored": sql_lines.restored_text(cell(plan.owner)),
        "crm_id_restored": sql_lines.restored_text(cell(plan.crm_id)),
        # The stage as typed is written on a closed deal's line only (an open one's names the stage it was read as).
        "stage_restored": f"CASE WHEN {q('outcome')} <> 'open' THEN {sql_lines.restored_text(cell(plan.stage))} END",
    }
    read = {
        FILE_ROW: q(FILE_ROW),
        "kind": f"CASE WHEN {q(SKIPPED)} = {DUCKDB.string(BLANK)} THEN 'blank' "
        f"WHEN {simple} THEN 'sql' WHEN {other} THEN '{OTHER_PIPELINE}' ELSE 'python' END",
        # Kept for the rows Python reads, and for another pipeline's rows Python must look at (grouped).
        "cells": f"CASE WHEN NOT ({simple}) AND (NOT ({other}) OR {grouped}) THEN {_cells(plan)} END",
        PIPELINE_CELL: f"CASE WHEN {other} THEN {pipeline_cell} END",
        "currency": q("currency"),
        **restored,
        "claimed_stage_id": q("claimed_stage_id"),
        "verified_stage_id": q("verified_stage_id"),
        "stages_ahead": q("stages_ahead"),
        "outcome": q("outcome"),
        CLOSED_ON: q(CLOSED_ON),
        "amount": q("amount"),
        "amount_cents": f"CAST({q(AMOUNT_CENTS)} AS BIGINT)",
        "claimed_cents": f"CAST({q('claimed_weighted')} * 100 AS BIGINT)",
        "verified_cents": f"CAST({q('verified_weighted')} * 100 AS BIGINT)",
        "next_milestones": q("next_milestones"),
        "next_actions": sql_lines.next_actions(process, q("next_milestones"), lambda m: q(status_column(m))),
        "statuses": _blocking(process),
        "stale_since": _stale_since(process, columns),
        TWO_DIGIT_YEARS: q(TWO_DIGIT_YEARS),
    }
    typed = ", ".join(f"{sql_lines.stripped(q(name))} AS {q(name.removesuffix('_restored'))}" for name in restored)
    inert = {f"{field}_inert": field for field in ("deal", "owner", "crm_id", "stage", "next_actions")}
    made_inert = ", ".join(f"{sql_lines.inert(q(field))} AS {q(name)}" for name, field in inert.items())
    return (
        f"WITH {q('numbered')} AS (SELECT rowid AS {q(FILE_ROW)}, * FROM {q('pipeline')}),\n"
        f"{q('verdicts')} AS ({statement.rstrip().removesuffix(';')}),\n"
        f"{q('read')} AS (SELECT {', '.join(f'{value} AS {q(name)}' for name, value in read.items())} "
        f"FROM {q('verdicts')}),\n"
        f"{q('typed')} AS (SELECT * EXCLUDE ({', '.join(map(q, restored))}), {typed} FROM {q('read')}),\n"
        f"{q('named')} AS (SELECT * REPLACE ({deal_name(q('deal'), q('crm_id'))} AS {q('deal')}) FROM {q('typed')}),\n"
        f"{q('inert')} AS (SELECT *, {made_inert} FROM {q('named')})\n"
        f"SELECT * EXCLUDE ({', '.join(map(q, inert))}), {_line(process)} AS {q('line')} FROM {q('inert')}"
    )


def _pipeline_spelled_as_listed(plan: ColumnPlan, mapping: CrmMapping) -> list[str]:
    """When pipelines are listed, a row read here names one as listed (or none): Python tells whether another
    spelling is a pipeline read (_other_pipelines)."""
    if plan.pipeline is None or not mapping.pipelines:
        return []
    listed = ", ".join(DUCKDB.string(name) for name in ("", *mapping.pipelines))
    return [f"COALESCE(TRIM({DUCKDB.quote(_name(plan.pipeline))}), '') IN ({listed})"]


def _line(process: Process) -> str:
    """A row's audit.csv line, from the comma after its number, when the SQL read it (kind sql): an open deal's
    verdict (sql_lines.assessed_line) or a closed deal's outcome (sql_lines.closed_line); the texts made inert."""
    q = DUCKDB.quote
    texts = {field: q(f"{field}_inert") for field in ("deal", "owner", "crm_id")}
    assessed = sql_lines.assessed_line(
        process,
        {
            **texts,
            "claimed_stage_id": q("claimed_stage_id"),
            "verified_stage_id": q("verified_stage_id"),
            "stages_ahead": q("stages_ahead"),
            "amount": q("amount_cents"),
            "claimed_weighted": q("claimed_cents"),
            "verified_weighted": q("verified_cents"),
            "next_milestones": q("next_milestones"),
            "next_actions": q("next_actions_inert"),
        },
    )
    closed = sql_lines.closed_line(
        process,
        {
            **texts,
            "stage": q("stage_inert"),
            "amount": q("amount_cents"),
            "claimed_stage_id": q("claimed_stage_id"),
            "outcome": q("outcome"),
            "closed_on": q(CLOSED_ON),
        },
    )
    return f"CASE WHEN {q('kind')} = 'sql' THEN CASE WHEN {q('outcome')} = 'open' THEN {assessed} ELSE {closed} END END"


def _blocking(process: Process) -> str:
    """The status of each milestone in next_milestones, comma between, in its order."""
    q, s = DUCKDB.quote, DUCKDB.string
    return (
        "CASE "
        + q("verified_stage_id")
        + " "
        + " ".join(
            f"WHEN {s(stage.id)} THEN CONCAT_WS(',', " + ", ".join(_blocking_statuses(stage)) + ")"
            for stage in process.stages
            if stage.milestones
        )
        + " ELSE '' END"
    )


def _blocking_statuses(stage: Stage) -> list[str]:
    """The status of each milestone of the stage that holds a deal there, in file order, as next_milestones lists them."""
    q, s = DUCKDB.quote, DUCKDB.string
    if stage.all_required:  # every milestone not verified holds the deal
        return [f"NULLIF({q(status_column(m.id))}, 'verified')" for m in stage.milestones]
    held = f"STRING_SPLIT({q('next_milestones')}, ',')"
    return [f"CASE WHEN LIST_CONTAINS({held}, {s(m.id)}) THEN {q(status_column(m.id))} END" for m in stage.milestones]


def _stale_since(process: Process, columns: InputColumns) -> str:
    """The milestones too old and their dates, "id:YYYY-MM-DD" space between, on a deal ahead of its evidence: the
    report lists only such deals (Totals.offer_ahead), and words what is too old with its date (_stale_since_of)."""
    q = DUCKDB.quote
    dated = [
        f"CASE WHEN {q(column)} IS NOT NULL THEN {DUCKDB.string(milestone_id + ':')} || CAST({q(column)} AS VARCHAR) END"
        for milestone_id, column in stale_since_columns(process, columns)
    ]
    if not dated:
        return "''"
    return f"CASE WHEN {q('stages_ahead')} > 0 THEN CONCAT_WS(' ', {', '.join(dated)}) ELSE '' END"


def _stale_since_of(text: str, blocking: Blocking) -> StaleSince:
    """The dates of the milestones in `blocking` too old, from _stale_since's text."""
    held = {milestone_id for milestone_id, _ in blocking}
    pairs = (item.split(":") for item in text.split())
    return tuple((milestone_id, dt.date.fromisoformat(day)) for milestone_id, day in pairs if milestone_id in held)


def _unnamed_amounts(connection: duckdb.DuckDBPyConnection) -> int:
    """The amounts SQL read that name no currency (RowReader.unnamed counts the rows Python read)."""
    counted = connection.execute(
        "SELECT count(*) FROM audit WHERE kind = 'sql' AND amount IS NOT NULL AND currency IS NULL"
    ).fetchone()
    return int(counted[0]) if counted else 0


def _named_amounts(connection: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """The amounts SQL read naming each currency (RowReader.named counts the rows Python read)."""
    counted = connection.execute(
        "SELECT currency, count(*) FROM audit WHERE kind = 'sql' AND amount IS NOT NULL AND currency IS NOT NULL "
        "GROUP BY currency"
    ).fetchall()
    return {str(currency): int(count) for currency, count in counted}


def _counted(connection: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """The rows DuckDB read, and how many of them are blank."""
    counted = connection.execute("SELECT count(*), count(*) FILTER (kind = 'blank') FROM audit").fetchone()
    assert counted is not None
    return int(counted[0]), int(counted[1])


class PythonRows:
    """The rows Python reads itself, in file order, through the Python engine's audit_row: their lines and counts.

    The file's one currency is the first named (RowReader.currency): the rows assessed in SQL name theirs
    in `currency`, so Python reads the rows before the first of them, then takes its currency if none was
    named yet, and reads every later row of its own and every row in another currency than the file's.
    """

    def __init__(self, reader: RowReader, loaded: LoadedProcess, options: AuditOptions, totals: Totals) -> None:
        self.reader, self.loaded, self.options, self.totals = reader, loaded, options, totals
        self._written = _Lines()
        self._out = AuditCsv(safe_writer(self._written), loaded.process)
        self._written.taken()  # the header: the engine writes it

    def read(self, connection: duckdb.DuckDBPyConnection, cells: str, from_the_copy: bool = False) -> None:
        """Read and count the Python rows into python_lines, and mark the rows SQL assessed in another currency
        as Python's. `from_the_copy`: some Python rows' cells were not kept (moved by _other_pipelines)."""
        connection.execute("CREATE TEMP TABLE python_lines (row BIGINT, line VARCHAR)")
        copied = f"COALESCE(audit.cells, (SELECT {cells} FROM pipeline WHERE pipeline.rowid = audit.file_row))"
        cells_of = copied if from_the_copy else "audit.cells"
        first = connection.execute(
            "SELECT file_row, currency FROM audit WHERE kind = 'sql' AND currency IS NOT NULL ORDER BY file_row LIMIT 1"
        ).fetchone()
        if first is None:
            self._rows(connection, cells_of, -1, None)
            return
        at, currency = first
        self._rows(connection, cells_of, -1, at)
        if self.reader.currency is None:
            self.reader.currency, self.reader.currency_line = currency, at + 2  # the line audit_row is told
        moved = connection.execute(
            "UPDATE audit SET kind = 'python' WHERE kind = 'sql' AND currency IS NOT NULL AND currency <> ?",
            [self.reader.currency],
        ).fetchone()
        if moved is not None and moved[0]:  # their cells were not kept: read from the copy of the file
            cells_of = copied
        self._rows(connection, cells_of, at - 1, None)

    def _rows(self, connection: duckdb.DuckDBPyConnection, cells_of: str, after: int, before: int | None) -> None:
        """Audit the Python rows after row `after` (and before `before`), BATCH at a time, in file order; their
        lines go to python_lines batch by batch, so that memory stays flat however many there are."""
        process, options = self.loaded.process, self.options
        below = "" if before is None else f" AND file_row < {int(before)}"
        while batch := connection.execute(
            f"SELECT file_row, {cells_of} FROM audit WHERE kind = 'python' AND file_row > ?{below} "
            f"ORDER BY file_row LIMIT {BATCH}",
            [after],
        ).fetchall():
            rows, lines, left_out = [], [], []
            for row, cells in batch:
                what = grouped_report_line(_texts(cells), self.reader.plan)
                if what is not None:
                    # The Python engine reads the file through DataRows, which reads a board's groups one after
                    # another (the header again under each group's title) and refuses a grouped report.
                    if what == REPEATED_HEADER:
                        raise NotForDuckDB(
                            "the file holds groups one after another",
                            "delete each group's title line and the header repeated under it",
                        )
                    raise NotForDuckDB("the file is a grouped report")
                text = audit_row(
                    self.reader, process, options.as_of, self._out, self.totals, row + 2, _texts(cells), options.period
                )
                if text is None:  # in another pipeline: neither written nor counted
                    left_out.append(row)
                    continue
                rows.append(row)
                # COPY ends each line with "\n": csv's "\r\n" loses its last character.
                lines.append(self._written.taken().removesuffix("\n"))
            connection.execute("INSERT INTO python_lines SELECT UNNEST(?), UNNEST(?)", [rows, lines])
            if left_out:
                connection.execute(
                    f"UPDATE audit SET kind = '{LEFT_OUT}' WHERE file_row IN (SELECT UNNEST(?))", [left_out]
                )
            after = batch[-1][0]


def _other_pipelines(connection: duckdb.DuckDBPyConnection, reader: RowReader) -> bool:
    """Decide the rows whose pipeline is not spelled as listed (OTHER_PIPELINE), one spelling at a time, as
    RowReader.in_another_pipeline decides a row: another pipeline's are counted and left out (LEFT_OUT), and a
    listed pipeline's spelled otherwise go to Python. Whether any went to Python (their cells were not kept).

    An export of several pipelines is mostly other pipelines' rows: read one by one in Python, half a file
    of them took longer than DuckDB's whole audit of the other half.
    """
    spellings = connection.execute(
        f"SELECT {PIPELINE_CELL}, count(*) FROM audit WHERE kind = '{OTHER_PIPELINE}' "
        f"GROUP BY {PIPELINE_CELL} ORDER BY min(file_row)"
    ).fetchall()
    # In the order of their first rows, as the Python engine meets them; a cell is read stripped, as RowReader reads it.
    read = [cell for cell, rows in spellings if not reader.left_out(cell.strip(), rows)]
    # Another pipeline's row may yet be a grouped report's line, which the Python engine refuses.
    maybe_grouped = connection.execute(
        f"SELECT cells FROM audit WHERE kind = '{OTHER_PIPELINE}' AND cells IS NOT NULL "
        f"AND NOT list_contains(?, {PIPELINE_CELL})",
        [read],
    ).fetchall()
    if any(grouped_report_line(_texts(cells), reader.plan) is not None for (cells,) in maybe_grouped):
        raise NotForDuckDB("the file is a grouped report")
    connection.execute(
        f"UPDATE audit SET kind = CASE WHEN list_contains(?, {PIPELINE_CELL}) THEN 'python' ELSE '{LEFT_OUT}' END "
        f"WHERE kind = '{OTHER_PIPELINE}'",
        [read],
    )
    return bool(read)


def _note_pipelines(connection: duckdb.DuckDBPyConnection, reader: RowReader) -> None:
    """Count the pipelines of the rows Python did not read (assessed in SQL, or left out in another pipeline), as
    the Python engine counts every row's (RowReader.note_pipelines): the rows Python read were counted then."""
    if reader.plan.pipeline is None:
        return
    cell = DUCKDB.quote(_name(reader.plan.pipeline))
    for spelling, rows in connection.execute(
        f"SELECT p.{cell}, count(*) FROM audit JOIN pipeline AS p ON p.rowid = audit.file_row "
        f"WHERE audit.kind IN ('sql', '{LEFT_OUT}') AND p.{cell} IS NOT NULL GROUP BY p.{cell}"
    ).fetchall():
        reader.note_pipeline(spelling, rows)


def _note_segments(connection: duckdb.DuckDBPyConnection, reader: RowReader) -> None:
    """Judge the segments of the open deals assessed in SQL, a spelling at a time with its deals and its first line,
    as the Python engine judges each deal's (RowReader.note_segment): the rows Python read were judged then."""
    if reader.segment_column is None:
        return
    cell = DUCKDB.quote(_name(reader.segment_column))
    for spelling, rows, first in connection.execute(
        f"SELECT p.{cell}, count(*), min(audit.file_row) FROM audit JOIN pipeline AS p ON p.rowid = audit.file_row "
        f"WHERE audit.kind = 'sql' AND audit.outcome = 'open' AND p.{cell} IS NOT NULL GROUP BY p.{cell}"
    ).fetchall():
        segment = restored([spelling])[0].strip()
        if segment:
            reader.note_segment(segment, first + 2, rows)


def _texts(cells: Sequence[str | None]) -> list[str]:
    return ["" if cell is None else cell for cell in cells]


class _Lines(io.StringIO):
    """A text file for csv's writer that hands back what was written since it was last asked."""

    def taken(self) -> str:
        """What was written since the last call."""
        text = self.getvalue()
        self.seek(0)
        self.truncate()
        return text


def _write(connection: duckdb.DuckDBPyConnection, partial: Path) -> None:
    """Write audit.csv from the table, in the file's order: the header, each row's line (Python's where Python read it)."""
    s = DUCKDB.string
    connection.execute("UPDATE audit SET line = p.line FROM python_lines AS p WHERE audit.file_row = p.row")
    first = connection.execute(f"SELECT min(file_row) FROM audit WHERE kind NOT IN ('blank', '{LEFT_OUT}')").fetchone()
    header = s(sql_lines.header_line())
    # On one thread: on several, DuckDB held the lines that came ahead of their turn to keep the order,
    # and below 192 MB a million of them ran out of memory.
    threads = _threads(connection)
    connection.execute("SET threads = 1")
    connection.execute(
        f"COPY (SELECT CASE WHEN file_row = {first[0] if first and first[0] is not None else -1} THEN {header} ELSE '' END "
        "|| CASE WHEN kind = 'sql' THEN CAST(file_row + 2 AS VARCHAR) || line ELSE line END "
        f"FROM audit WHERE kind NOT IN ('blank', '{LEFT_OUT}') ORDER BY file_row) TO {s(str(partial))} "
        "(FORMAT csv, HEADER false, QUOTE '')"
    )
    connection.execute(f"SET threads = {threads}")


def _repeated_ids(connection: duckdb.DuckDBPyConnection) -> str:
    """The warning for the CRM ids on more than one row, and the deal names of rows without one, as RepeatedIds
    words it for the Python engine: the ids grouped in SQL, the first LISTED_IDS in file order; the names keyed by
    name_key in Python (repeated_names), as no SQL function folds case and Unicode form as it does."""
    counted = f"kind NOT IN ('blank', '{LEFT_OUT}')"
    found = connection.execute(
        "WITH repeated AS (SELECT crm_id AS key, count(*) AS rows, min(file_row) AS first, "
        f"list(file_row + 2 ORDER BY file_row)[1:{LISTED_LINES}] AS lines "
        f"FROM audit WHERE crm_id <> '' AND {counted} GROUP BY crm_id HAVING count(*) > 1) "
        "SELECT key, rows, lines, count(*) OVER (), sum(rows - 1) OVER () FROM repeated "
        f"QUALIFY row_number() OVER (ORDER BY first) <= {LISTED_IDS} ORDER BY first"
    ).fetchall()
    listed = [Repeated(key, rows, tuple(lines)) for key, rows, lines, _, _ in found]
    ids = Found(listed, int(found[0][3]), int(found[0][4])) if found else Found()
    names = connection.execute(
        f"SELECT file_row + 2, COALESCE(deal, '') FROM audit WHERE crm_id = '' AND {counted} ORDER BY file_row"
    )
    return repeated_ids_warning(ids, repeated_names(_batches(names)))


def _batches(cursor: duckdb.DuckDBPyConnection) -> Iterator[tuple[int, str]]:
    """The rows of a query, fetched a batch at a time (a file of millions of rows is never held in a list)."""
    while batch := cursor.fetchmany(10_000):
        yield from batch


def _two_digit_years(connection: duckdb.DuckDBPyConnection) -> int:
    """The dates with a two-digit year in the rows assessed in SQL (Python counted those of its own rows)."""
    counted = connection.execute(f"SELECT COALESCE(sum({TWO_DIGIT_YEARS}), 0) FROM audit WHERE kind = 'sql'").fetchone()
    assert counted is not None
    return int(counted[0])


def _add_totals(connection: duckdb.DuckDBPyConnection, loaded: LoadedProcess, totals: Totals) -> None:
    """Add the rows assessed in SQL to the totals: summed by GROUP BY, the deals most ahead by ORDER BY."""
    groups = connection.execute(
        "SELECT owner, claimed_stage_id, verified_stage_id, next_milestones, statuses, count(*), "
        "count(*) FILTER (verified_cents IS NULL), count(*) FILTER (claimed_cents IS NOT NULL AND verified_cents IS NOT NULL), "
        "COALESCE(sum(claimed_cents) FILTER (claimed_cents IS NOT NULL AND verified_cents IS NOT NULL), 0), "
        "COALESCE(sum(verified_cents) FILTER (claimed_cents IS NOT NULL AND verified_cents IS NOT NULL), 0), "
        "COALESCE(sum(amount_cents) FILTER (verified_cents IS NOT NULL), 0) "  # the open pipeline, unweighted
        "FROM audit WHERE kind = 'sql' AND outcome = 'open' GROUP BY ALL"
    ).fetchall()
    for (
        owner,
        claimed,
        verified,
        next_ids,
        statuses,
        deals,
        without_amount,
        compared,
        claimed_cents,
        verified_cents,
        amount_cents,
    ) in groups:
        totals.add_group(
            DealGroup(
                owner,
                claimed,
                verified,
                _blocking_of(next_ids, statuses),
                deals,
                without_amount,
                (compared, int(claimed_cents), int(verified_cents)),
                amount_cents=int(amount_cents),
            )
        )
    verdicts = KnownVerdicts(loaded.process)
    positions = {stage.id: index for index, stage in enumerate(loaded.process.stages)}
    ahead = connection.execute(
        "SELECT file_row + 2, deal, crm_id, owner, claimed_stage_id, verified_stage_id, amount, next_milestones, "
        "statuses, stale_since FROM audit WHERE kind = 'sql' AND stages_ahead > 0 "
        f"ORDER BY COALESCE(claimed_cents - verified_cents, -1) DESC, file_row LIMIT {TOP_AHEAD}"
    ).fetchall()
    for line, deal, crm_id, owner, claimed, verified, amount, next_ids, statuses, stale_since in ahead:
        blocking = _blocking_of(next_ids, statuses)
        totals.offer_ahead(
            verdicts.verdict(
                line,
                deal,
                claimed,
                positions[verified],
                amount,
                blocking,
                crm_id=crm_id,
                owner=owner,
                stale_since=_stale_since_of(stale_since, blocking),
            )
        )
    # The deals only evidence too old holds back (sales_process.totals.held_by_age: every status holding it "stale"),
    # the first by line, named as Totals.add_alike names those Python assessed.
    stale = DUCKDB.string(Status.STALE.value)
    held = connection.execute(
        "SELECT file_row + 2, deal FROM audit WHERE kind = 'sql' AND outcome = 'open' AND statuses <> '' AND "
        f"list_distinct(STRING_SPLIT(statuses, ',')) = [{stale}] ORDER BY file_row LIMIT {HELD_NAMED}"
    ).fetchall()
    for line, deal in held:
        totals.name_held(line, deal or "")
    # The deals in no weighted total, the first by line, named with what they lack as Totals.add_alike names them.
    not_weighted = connection.execute(
        "SELECT file_row + 2, deal, verified_cents IS NOT NULL, COALESCE(claimed_stage_id, '') <> '' FROM audit "
        "WHERE kind = 'sql' AND outcome = 'open' AND (verified_cents IS NULL OR COALESCE(claimed_stage_id, '') = '') "
        f"ORDER BY file_row LIMIT {LISTED_PROBLEMS}"
    ).fetchall()
    for line, deal, has_amount, has_claim in not_weighted:
        totals.name_not_weighted(line, deal or "", not_weighted_reason(has_amount, has_claim))


def _add_outcomes(connection: duckdb.DuckDBPyConnection, period: Period, as_of: dt.date, totals: Totals) -> None:
    """Add the closed deals read in SQL to the totals, as Totals.add_outcome counts each: by outcome, in the period or
    not, and those closed after the as-of date."""
    closed_on = DUCKDB.quote(CLOSED_ON)
    held = period.holds_sql(closed_on)
    for outcome, deals, outside, without_amount, cents, after in connection.execute(
        f"SELECT outcome, count(*) FILTER ({held}), count(*) FILTER (NOT ({held})), "
        f"count(*) FILTER (({held}) AND amount_cents IS NULL), COALESCE(sum(amount_cents) FILTER ({held}), 0), "
        f"count(*) FILTER ({closed_on} > {DUCKDB.date(as_of)}) "
        "FROM audit WHERE kind = 'sql' AND outcome <> 'open' GROUP BY outcome"
    ).fetchall():
        totals.add_outcomes(Outcome(outcome), OutcomeTotals(deals, int(cents), without_amount, outside, after))


def _blocking_of(next_ids: str, statuses: str) -> Blocking:
    """The (milestone, status) pairs of the milestones holding a deal back."""
    return tuple(zip(next_ids.split(","), statuses.split(","), strict=True)) if next_ids else ()
