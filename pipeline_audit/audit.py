"""The pipeline audit: every CSV row through the assessment engine, streamed.

Rows are read, assessed and written to audit.csv one at a time; only the totals
(and the few deals the report lists) stay in memory.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from pipeline_audit.columns import ColumnError, ColumnPlan, plan_columns
from pipeline_audit.data_rows import DataRows
from pipeline_audit.pipeline_csv import Rows, SafeWriter, decoding_error, file_error, open_export, safe_writer
from pipeline_audit.rows import ClosedDeal, RowProblem, RowReader, RowText
from pipeline_audit.totals import Period, Totals
from sales_process.confirmation import buyer_confirmed_ids
from sales_process.crm import CrmMapping, resolve_mapping
from sales_process.engine import Assessment, MilestoneResult, assess
from sales_process.loader import LoadedProcess
from sales_process.model import Process
from sales_process.outcome import Outcome
from sales_process.problems import Diagnostic, InvalidFile
from sales_process.vocabulary import plain_cents, to_cents

ALL_TIME = Period()  # no --from/--to: every closed deal counts
NEXT_SEPARATOR = " | "  # between next customer actions: they are sentences, often with commas


class AuditRow(NamedTuple):
    """One row of audit.csv; the field names are its header, in this order."""

    line: int
    deal: str
    crm_id: str
    owner: str
    claimed_stage: str
    verified_stage: str
    stages_ahead: int | str
    amount: str
    claimed_weighted: str
    verified_weighted: str
    next_customer_actions: str  # what the customer must do next, in words
    not_assessed: str  # every reason the row was not assessed
    # Ids too, for programs joining the audit with `playbook assess --json` or the API.
    claimed_stage_id: str
    verified_stage_id: str
    next_milestone_ids: str
    # The buyer's word: "yes" when the buyer confirmed every outcome that put the deal at its verified
    # stage (sales_process.confirmation.gate_confirmed_by_buyer), and the milestones they said "yes" to.
    verified_stage_confirmed_by_buyer: str
    buyer_confirmed_milestone_ids: str
    # open (pipeline: assessed), won, lost or disqualified (outcomes: never assessed nor weighted); blank when unreadable.
    outcome: str = ""
    close_date: str = ""  # YYYY-MM-DD, read on closed deals


AUDIT_COLUMNS = AuditRow._fields
PROGRESS_EVERY = 1024  # rows between progress callbacks

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class AuditOptions:
    """How to read the file and the date to assess on."""

    as_of: dt.date
    mapping: CrmMapping | None = None  # None: the process's crm block as it is
    period: Period = field(
        default_factory=Period
    )  # the close dates whose closed deals are counted as outcomes (--from/--to)
    no_evidence: bool = False  # the export may have no milestone column (--no-evidence)


@dataclass
class AuditResult:
    """The totals of a finished audit, and warnings about the options."""

    totals: Totals
    source: Path
    as_of: dt.date
    blank_rows: int = 0
    footer_lines: int = 0  # the lines of a report's footer at the end of the file (pipeline_audit.data_rows)
    warnings: list[str] = field(default_factory=list)
    missing_milestones: tuple[str, ...] = ()  # milestone ids with no column in the export
    currency: str | None = None  # the currency the amounts are in, when the export says
    # Saved deals in more than one currency: deals per currency (only `currency`'s amounts are summed).
    currencies: Mapping[str, int] = field(default_factory=dict)
    crm_name: str | None = None
    # False when the export has no `.confirmed_by` column: it cannot tell what the buyers confirmed.
    buyer_columns: bool = True
    read_as: tuple[str, ...] = ()  # "read 'StageName' as the stage (Salesforce)", once per column
    ignored_columns: tuple[str, ...] = ()  # columns the audit does not read
    two_digit_years: int = 0  # date cells with a two-digit year, read by the spreadsheet rule
    evidence: bool = True  # False: the export has no milestone column (--no-evidence), nothing can be verified
    period: Period = field(default_factory=Period)

    @property
    def mostly_unassessed(self) -> bool:
        """True when more than half of the rows could not be assessed: the audit proves little."""
        return self.totals.not_assessed * 2 > self.totals.rows


def audit_pipeline(
    source: Path, loaded: LoadedProcess, options: AuditOptions, csv_out: Path, progress: Progress | None = None
) -> AuditResult:
    """Assess every row of `source` into `csv_out`; raise InvalidFile for an unreadable file."""
    partial = csv_out.with_name(csv_out.name + ".partial")
    mapping = options.mapping or resolve_mapping(loaded.process)
    encoding = mapping.encoding or "utf-8"
    rows_read: Rows | None = None
    try:
        with open_export(source, mapping.encoding, mapping.sheet) as export:
            encoding, rows_read = export.encoding, export.rows
            plan = plan_header(export.header, loaded, mapping, source, options.no_evidence)
            result = new_result(plan, loaded, options, mapping, source)
            with partial.open("w", encoding="utf-8", newline="") as out:
                writer = safe_writer(out)
                writer.writerow(AUDIT_COLUMNS)

                def tick() -> None:
                    if progress is not None:
                        progress(*export.progress())

                rows = RowReader(plan, loaded.process, mapping)
                _audit_rows(export.rows, rows, loaded, options, writer, result, tick)
                result.currency = rows.currency
                result.two_digit_years = rows.two_digit_years
    except UnicodeDecodeError:
        partial.unlink(missing_ok=True)
        raise decoding_error(source, encoding) from None
    except csv.Error as error:
        partial.unlink(missing_ok=True)
        line = rows_read.line_num if rows_read is not None else 1
        raise file_error(source, f"not a readable CSV file ({error}); check the quotes near this line", line) from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(csv_out)
    return result


def new_result(
    plan: ColumnPlan, loaded: LoadedProcess, options: AuditOptions, mapping: CrmMapping, source: Path
) -> AuditResult:
    """The empty result of an audit of `source` laid out by `plan` (both engines start from it)."""
    return AuditResult(
        Totals(loaded.process),
        source,
        options.as_of,
        warnings=list(plan.warnings),
        missing_milestones=plan.missing,
        crm_name=mapping.crm_name,
        buyer_columns=any(columns.confirmed_by is not None for columns in plan.milestones),
        read_as=plan.read_as,
        ignored_columns=plan.ignored,
        evidence=plan.has_evidence,
        period=options.period,
    )


def plan_header(
    header: list[str], loaded: LoadedProcess, mapping: CrmMapping, source: Path, no_evidence: bool = False
) -> ColumnPlan:
    """The column plan of the header; raise InvalidFile listing every bad column."""
    try:
        return plan_columns(header, loaded.process, mapping, no_evidence=no_evidence)
    except ColumnError as error:
        raise InvalidFile([Diagnostic(str(source), 1, None, "error", problem) for problem in error.problems]) from None


def _audit_rows(
    reader: Rows,
    rows: RowReader,
    loaded: LoadedProcess,
    options: AuditOptions,
    writer: SafeWriter,
    result: AuditResult,
    tick: Callable[[], None],
) -> None:
    process, as_of, totals = loaded.process, options.as_of, result.totals
    data = DataRows(reader, rows.plan)
    for start, cells in data:
        if data.rows % PROGRESS_EVERY == 0:
            tick()
        audit_row(rows, process, as_of, writer, totals, start, cells, options.period)
    tick()
    result.blank_rows, result.footer_lines = data.blank_rows, data.footer_lines
    data.refuse_if_empty(result.source)


def audit_row(
    rows: RowReader,
    process: Process,
    as_of: dt.date,
    writer: SafeWriter,
    totals: Totals,
    line: int,
    cells: list[str],
    period: Period = ALL_TIME,
) -> None:
    """Assess one open row with the Python engine, count a closed one as an outcome, or word why it cannot be read."""
    text = rows.text(cells)
    try:
        deal = rows.deal(cells)
    except RowProblem as problem:
        totals.add_problem(line, text.deal, problem.short)
        writer.writerow(_unassessed_row(line, text, problem.reason))
        return
    if isinstance(deal, ClosedDeal):
        cents = None if deal.amount is None else to_cents(deal.amount)
        totals.add_outcome(deal.outcome, cents, deal.close_date, period)
        writer.writerow(_closed_row(line, text, deal, cents))
        return
    assessment = assess(process, deal, as_of)
    record(
        writer,
        totals,
        line,
        text,
        assessment,
        assessment.next,
        _cents(assessment, True),
        _cents(assessment, False),
        deal.amount,
        buyer_confirmed_ids(deal.answers),
    )


def record(
    writer: SafeWriter,
    totals: Totals,
    line: int,
    text: RowText,
    assessment: Assessment,
    blocking: tuple[MilestoneResult, ...],
    claimed: int | None,
    verified: int | None,
    amount: float | None,
    buyer_confirmed: Collection[str] = frozenset(),
) -> None:
    """Write an assessed row to audit.csv and count it (both engines write through here).

    `blocking` is what holds the deal at its verified stage, `claimed`/`verified` its weighted amounts in cents,
    `buyer_confirmed` the milestones the buyer said "yes" to.
    """
    by_buyer = totals.add(line, text.owner, assessment, blocking, claimed, verified, buyer_confirmed=buyer_confirmed)
    confirmed_ids = (
        " ".join(m.id for _, m in assessment.process.milestones() if m.id in buyer_confirmed) if buyer_confirmed else ""
    )
    row = _assessed_row(line, text, assessment, blocking, claimed, verified, amount)
    writer.writerow(
        row._replace(
            verified_stage_confirmed_by_buyer="yes" if by_buyer else "no",
            buyer_confirmed_milestone_ids=confirmed_ids,
            outcome=Outcome.OPEN.value,
        )
    )


def _cents(assessment: Assessment, claimed: bool) -> int | None:
    value = assessment.weighted(assessment.claimed_stage if claimed else assessment.verified_stage)
    return None if value is None else to_cents(value)


def _money(cents: int | None) -> str:
    return "" if cents is None else plain_cents(cents)


def _unassessed_row(line: int, text: RowText, reason: str) -> AuditRow:
    return AuditRow(
        line,
        text.deal,
        text.crm_id,
        text.owner,
        text.stage,
        "",
        "",
        text.amount,
        "",
        "",
        "",
        reason,
        "",
        "",
        "",
        "",
        "",
    )


def _closed_row(line: int, text: RowText, deal: ClosedDeal, cents: int | None) -> AuditRow:
    """A closed deal's row: its outcome, amount and close date; never a verdict nor a weighted amount."""
    return _unassessed_row(line, text, "")._replace(
        amount="" if cents is None else plain_cents(cents),
        claimed_stage_id=deal.claimed_stage or "",
        outcome=deal.outcome.value,
        close_date=deal.close_date.isoformat() if deal.close_date else "",
    )


def _assessed_row(
    line: int,
    text: RowText,
    assessment: Assessment,
    blocking: tuple[MilestoneResult, ...],
    claimed: int | None,
    verified: int | None,
    amount: float | None,
) -> AuditRow:
    claimed_stage, verified_stage = assessment.claimed_stage, assessment.verified_stage
    return AuditRow(
        line=line,
        deal=text.deal,
        crm_id=text.crm_id,
        owner=text.owner,
        claimed_stage=claimed_stage.name if claimed_stage else "",
        verified_stage=verified_stage.name,
        stages_ahead="" if assessment.stages_ahead is None else assessment.stages_ahead,
        amount="" if amount is None else plain_cents(to_cents(amount)),
        claimed_weighted=_money(claimed),
        verified_weighted=_money(verified),
        next_customer_actions=NEXT_SEPARATOR.join(r.milestone.customer_action for r in blocking),
        not_assessed="",
        claimed_stage_id=claimed_stage.id if claimed_stage else "",
        verified_stage_id=verified_stage.id,
        next_milestone_ids=" ".join(r.milestone.id for r in blocking),
        verified_stage_confirmed_by_buyer="",
        buyer_confirmed_milestone_ids="",
    )
