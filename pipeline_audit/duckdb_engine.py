"""The audit on DuckDB: the CSV read and assessed by the SQL of `playbook sql`, in-process.

DuckDB reads the file and runs the generated statement, which reads every cell as the
audit's parsers do; Python only writes each row and adds it to the totals, through the
same functions as the Python engine, so the files written are the same. Python reads a
row itself only where it has more to say than the SQL: a row the SQL does not assess
(its `not_assessed` names the cells; Python words the reasons), a closed deal (an
outcome, counted with its close date), and a row with a filled unnamed column. The
file's one currency is checked in Python, in file order. The CRM's column and stage names
are read through the same CrmMapping.

Line numbers are the row's position plus one, which holds only when every row is one
line; a file with blank lines or quoted line breaks is left to the Python engine
(NotForDuckDB), as is any file DuckDB's CSV reader refuses.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline_audit.audit import (
    AuditCsv,
    AuditOptions,
    Progress,
    audit_pipeline,
    audit_row,
    new_result,
    plan_header,
    record,
)
from pipeline_audit.columns import ColumnPlan, sql_columns
from pipeline_audit.data_rows import ends_with_footer, refuse_if_empty
from pipeline_audit.pipeline_csv import is_plain_utf8_csv, open_pipeline, read_header, restored, safe_writer
from pipeline_audit.rows import RowReader, RowText
from pipeline_report.result import AuditResult
from sales_process.crm import CrmMapping, resolve_mapping
from sales_process.deal_verdict import KnownVerdicts
from sales_process.extras import DUCKDB as DUCKDB_EXTRA
from sales_process.extras import installed, require
from sales_process.loader import LoadedProcess
from sales_process.model import Stage
from verdict_sql.dialects import DIALECTS
from verdict_sql.generate import status_column, verdict_sql

if TYPE_CHECKING:
    import duckdb

ENGINES = ("auto", "python", "duckdb")
# `auto` picks DuckDB from this file size on: below it, starting DuckDB costs more than it saves
# (see the audit engines benchmark in the manual).
AUTO_DUCKDB_BYTES = 10_000_000  # about 30,000 deals of the default process
BATCH = 10_000
DUCKDB = DIALECTS["duckdb"]


class NotForDuckDB(Exception):
    """The file needs the Python engine; the message says why."""


def run_audit(
    engine: str,
    source: Path,
    loaded: LoadedProcess,
    options: AuditOptions,
    csv_out: Path,
    progress: Progress | None = None,
) -> AuditResult:
    """Audit with the chosen engine ("auto": DuckDB for files of AUTO_DUCKDB_BYTES or more, when installed).

    Raises MissingExtra when "duckdb" is asked for and the duckdb package is not installed.
    """
    if engine == "auto":
        try:
            large = source.stat().st_size >= AUTO_DUCKDB_BYTES
        except OSError:
            large = False  # the Python engine words the error
        if large and not installed(DUCKDB_EXTRA):
            result = audit_pipeline(source, loaded, options, csv_out, progress)
            result.warnings.append(
                "audited with the Python engine: DuckDB is not installed; "
                "pip install 'cvo-playbook[duckdb]' audits exports this large faster"
            )
            return result
        engine = "duckdb" if large else "python"
    mapping = options.mapping or resolve_mapping(loaded.process)
    if engine == "duckdb" and not is_plain_utf8_csv(source, mapping.encoding):
        result = audit_pipeline(source, loaded, options, csv_out, progress)
        result.warnings.append("audited with the Python engine: DuckDB reads only CSV files in UTF-8")
        return result
    if engine == "duckdb":
        require(DUCKDB_EXTRA)
        try:
            return audit_with_duckdb(source, loaded, options, csv_out, progress)
        except NotForDuckDB as reason:
            result = audit_pipeline(source, loaded, options, csv_out, progress)
            result.warnings.append(f"audited with the Python engine: {reason}")
            return result
    return audit_pipeline(source, loaded, options, csv_out, progress)


def audit_with_duckdb(
    source: Path, loaded: LoadedProcess, options: AuditOptions, csv_out: Path, progress: Progress | None = None
) -> AuditResult:
    """Assess every row of `source` into `csv_out` on DuckDB; raise NotForDuckDB when the Python engine must."""
    import duckdb  # an optional dependency (cvo-playbook[duckdb]): run_audit checks that it is installed

    with open_pipeline(source) as handle:
        try:
            header, reader = read_header(handle, source)
        except (UnicodeDecodeError, csv.Error):
            raise NotForDuckDB("the header row is not readable text") from None  # the Python engine locates the error
        delimiter = reader.dialect.delimiter
    mapping = options.mapping or resolve_mapping(loaded.process)
    plan = plan_header(header, loaded, mapping, source, options.no_evidence)
    if ends_with_footer(source, delimiter, plan):
        raise NotForDuckDB("the file ends with a report footer")
    result = new_result(plan, loaded, options, mapping, source)
    lines = _physical_lines(source)
    partial = csv_out.with_name(csv_out.name + ".partial")
    try:
        with duckdb.connect() as connection, partial.open("w", encoding="utf-8", newline="") as file:
            out = AuditCsv(safe_writer(file), loaded.process)
            cursor = connection.execute(_query(source, delimiter, plan, loaded, options, mapping))
            rows = _write_rows(
                cursor, plan, loaded, options, mapping, out, result, (lines, source.stat().st_size, progress)
            )
        if rows + 1 != lines:
            raise NotForDuckDB("some rows span several lines, or the file has blank lines")
        refuse_if_empty(source, result.totals.rows, result.blank_rows)
    except duckdb.Error as error:
        partial.unlink(missing_ok=True)
        raise NotForDuckDB(f"DuckDB cannot read the file as CSV ({str(error).splitlines()[0]})") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(csv_out)
    return result


def _physical_lines(source: Path) -> int:
    """Lines in the file, counting a last line without a line break."""
    count, last = 0, b"\n"
    with source.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count + (last != b"\n")


def _name(index: int) -> str:
    return f"c{index}"


def _query(
    source: Path, delimiter: str, plan: ColumnPlan, loaded: LoadedProcess, options: AuditOptions, mapping: CrmMapping
) -> str:
    q, s = DUCKDB.quote, DUCKDB.string
    names = [_name(index) for index in range(plan.width)]
    types = "{" + ", ".join(f"{s(name)}: 'VARCHAR'" for name in names) + "}"
    relation = (
        f"read_csv({s(str(source))}, delim={s(delimiter)}, quote='\"', escape='\"', header=false, skip=1, "
        f"columns={types}, auto_detect=false, strict_mode=true, null_padding=false)"
    )
    statement = verdict_sql(
        loaded.process, DUCKDB, "pipeline", sql_columns(plan, _name), options.as_of, keep=names, mapping=mapping
    )
    process = loaded.process
    blocking = (
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
    # The SQL reads every cell as the Python parsers do; Python words the reasons of a row it does not
    # assess, and reads closed deals, rows with a filled unnamed column and rows a buyer answered (the
    # totals count a buyer's "Not quite", which the statement's output does not carry).
    buyers = [m.confirmed_by for m in plan.milestones if m.confirmed_by is not None]
    simple = " AND ".join(
        [
            f"{q('not_assessed')} = ''",
            f"{q('outcome')} = 'open'",
            *(f"COALESCE({q(_name(i))}, '') = ''" for i in (*plan.unnamed, *buyers)),
        ]
    )
    texts = [q(_name(index)) if index is not None else "NULL" for index in (plan.deal, plan.owner, plan.crm_id)]
    return (
        f"WITH {q('pipeline')} AS (SELECT * FROM {relation}),\n"
        f"{q('verdicts')} AS ({statement.rstrip().removesuffix(';')})\n"
        f"SELECT COALESCE({', '.join(q(n) for n in names)}) IS NULL AS {q('blank')}, {simple} AS {q('simple')}, "
        f"{', '.join(texts)}, {q('claimed_stage_id')}, {q('verified_stage_id')}, {q('amount')}, "
        f"{q('next_milestones')}, {blocking}, {q('currency')}, {q('buyer_confirmed_milestones')}, "
        f"CASE WHEN {simple} AND {q('currency')} IS NULL THEN NULL ELSE [{', '.join(q(n) for n in names)}] END\n"
        f"FROM {q('verdicts')}"
    )


def _blocking_statuses(stage: Stage) -> list[str]:
    """The status of each milestone of the stage that holds a deal there, in file order, as next_milestones lists them."""
    q, s = DUCKDB.quote, DUCKDB.string
    if stage.all_required:  # every milestone not verified holds the deal
        return [f"NULLIF({q(status_column(m.id))}, 'verified')" for m in stage.milestones]
    held = f"STRING_SPLIT({q('next_milestones')}, ',')"
    return [f"CASE WHEN LIST_CONTAINS({held}, {s(m.id)}) THEN {q(status_column(m.id))} END" for m in stage.milestones]


def _write_rows(
    cursor: duckdb.DuckDBPyConnection,
    plan: ColumnPlan,
    loaded: LoadedProcess,
    options: AuditOptions,
    mapping: CrmMapping,
    out: AuditCsv,
    result: AuditResult,
    tracking: tuple[int, int, Progress | None],
) -> int:
    """Write and count every row in file order; return how many rows DuckDB read."""
    process, totals = loaded.process, result.totals
    verdicts = KnownVerdicts(process)
    positions = {stage.id: index for index, stage in enumerate(process.stages)}
    reader = RowReader(plan, process, mapping)
    lines, size, progress = tracking
    count = 0
    while batch := cursor.fetchmany(BATCH):
        for (
            blank,
            simple,
            deal,
            owner,
            crm_id,
            claimed,
            verified,
            amount,
            next_ids,
            statuses,
            currency,
            confirmed,
            cells,
        ) in batch:
            count += 1
            line = count + 1
            if blank:
                result.blank_rows += 1
            elif simple and (currency is None or _same_currency(reader, currency)):
                blocking = tuple(zip(next_ids.split(","), statuses.split(","), strict=True)) if next_ids else ()
                deal, owner, crm_id = restored([(deal or "").strip(), (owner or "").strip(), (crm_id or "").strip()])
                text = RowText(deal or crm_id, owner, "", "", crm_id)
                verdict = verdicts.verdict(
                    line,
                    text.deal,
                    claimed,
                    positions[verified],
                    amount,
                    blocking,
                    crm_id=text.crm_id,
                    owner=text.owner,
                    buyer_confirmed=frozenset(confirmed.split(",")) if confirmed else frozenset(),
                )
                record(out, totals, text, verdict)
            else:
                audit_row(reader, process, options.as_of, out, totals, line, _texts(cells), options.period)
        if progress is not None:
            progress(min(size, size * count // max(lines, 1)), size)
    result.currency = reader.currency
    result.two_digit_years = reader.two_digit_years
    return count


def _same_currency(reader: RowReader, currency: str) -> bool:
    """Whether an amount in `currency` fits the file's, as the Python parser checks (the first one named sets it)."""
    if reader.currency is None:
        reader.currency = currency
    return reader.currency == currency


def _texts(cells: Sequence[str | None]) -> list[str]:
    return ["" if cell is None else cell for cell in cells]
