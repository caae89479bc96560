"""The pipeline audit: every CSV row through the assessment engine into a DealVerdict, streamed.

Rows are read, assessed and written to audit.csv one at a time; only the totals
(and the few deals the report lists) stay in memory. The report is pipeline_report's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from pipeline_audit.columns import ColumnError, ColumnPlan, plan_columns, without_evidence
from pipeline_audit.data_rows import DataRows
from pipeline_audit.pipeline_csv import Rows, export_into, file_error, with_note
from pipeline_audit.repeated_ids import RepeatedIds
from pipeline_audit.rows import ClosedDeal, RowProblem, RowReader, RowText
from pipeline_report.result import AuditResult
from sales_process.crm import CrmMapping, resolve_mapping
from sales_process.deal_verdict import DealVerdict, assessed_verdict, next_words, stale_dates, unassessed_verdict
from sales_process.engine import assess
from sales_process.loader import LoadedProcess
from sales_process.model import Process
from sales_process.outcome import Outcome
from sales_process.problems import Diagnostic, InvalidFile
from sales_process.spreadsheet import SafeWriter, safe_writer
from sales_process.totals import NotAssessed, Period, Totals
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
    # Every reason the row was not assessed; on a closed deal (never assessed), why its amount could not be read,
    # its outcome counted all the same.
    not_assessed: str
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
    # The close dates whose closed deals are counted as outcomes (--from/--to).
    period: Period = field(default_factory=Period)
    no_evidence: bool = False  # the export may have no milestone column (--no-evidence)


def audit_pipeline(
    source: Path, loaded: LoadedProcess, options: AuditOptions, csv_out: Path, progress: Progress | None = None
) -> AuditResult:
    """Assess every row of `source` into `csv_out`; raise InvalidFile for an unreadable file."""
    mapping = options.mapping or resolve_mapping(loaded.process)
    with export_into(source, mapping.encoding, mapping.sheet, csv_out, mapping.decimal_comma) as (export, partial):
        plan = audit_plan(
            export.header, loaded, mapping, source, options.no_evidence, export.header_line, export.sheet_note
        )
        result = new_result(plan, loaded, options, mapping, source)
        result.title_lines = export.title_lines
        with partial.open("w", encoding="utf-8", newline="") as file:
            out = AuditCsv(safe_writer(file), loaded.process)

            def tick() -> None:
                if progress is not None:
                    progress(*export.progress())

            rows = RowReader(plan, loaded.process, mapping)
            _audit_rows(export.rows, rows, loaded, options, out, (source, result), tick)
            keep_what_the_rows_said(result, rows)
    return result


def keep_what_the_rows_said(result: AuditResult, rows: RowReader) -> None:
    """What reading the rows found, into the result (both engines): the file's currency, the dates with a
    two-digit year, and the stage names the process does not know (with their pipelines, and how many of those rows
    their flags say are closed), most deals first."""
    result.currency = rows.currency
    result.currency_line = rows.currency_line
    result.named_currencies = dict(sorted(rows.named.items(), key=lambda named: (-named[1], named[0])))
    result.unnamed_currency = rows.unnamed if rows.currency else 0
    result.two_digit_years = rows.two_digit_years
    result.refused_dates = rows.refused_dates
    result.unknown_stages = sorted(rows.unknown_stages.values(), key=lambda found: (-found[1], found[0]))
    result.other_unknown_stages = rows.other_unknown_stages
    result.closed_unknown_stages = rows.closed_unknown_stages
    result.unknown_stage_pipelines = sorted(
        rows.unknown_stage_pipelines.items(), key=lambda found: (-found[1], found[0])
    )
    result.other_pipelines = rows.pipelines_left_out()
    result.pipelines = rows.pipelines_named()
    result.other_pipeline_rows = rows.other_pipeline_rows
    result.warnings += rows.segment_warnings()


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
        unevidenced=plan.unevidenced,
        crm_name=mapping.crm_name,
        buyer_columns=any(columns.confirmed_by is not None for columns in plan.milestones),
        read_as=plan.read_as,
        ignored_columns=plan.ignored,
        evidence=plan.has_evidence,
        evidence_left_out=plan.evidence_left_out,
        no_stage=plan.no_stage,
        column_warnings=tuple(warning for warning in plan.warnings if warning != plan.no_stage),
        pipelines_read=mapping.pipelines,
        period=options.period,
    )


def plan_header(
    header: list[str],
    loaded: LoadedProcess,
    mapping: CrmMapping,
    source: Path,
    no_evidence: bool = False,
    line: int = 1,
    note: str | None = None,
) -> ColumnPlan:
    """The column plan of the header (on `line` of `source`); raise InvalidFile listing every bad column,
    the first followed by `note` (Export.sheet_note: the workbook's other sheets)."""
    try:
        return plan_columns(header, loaded.process, mapping, no_evidence=no_evidence)
    except ColumnError as error:
        problems = with_note(error.problems, note)
        raise InvalidFile([Diagnostic(str(source), line, None, "error", problem) for problem in problems]) from None


def audit_plan(
    header: list[str],
    loaded: LoadedProcess,
    mapping: CrmMapping,
    source: Path,
    no_evidence: bool = False,
    line: int = 1,
    note: str | None = None,
) -> ColumnPlan:
    """The column plan an audit reads `source` by (both engines, and the SQL of one): plan_header's, without the
    milestone columns under --no-evidence (columns.without_evidence)."""
    plan = plan_header(header, loaded, mapping, source, no_evidence, line, note)
    return without_evidence(plan, header) if no_evidence else plan


def _audit_rows(
    reader: Rows,
    rows: RowReader,
    loaded: LoadedProcess,
    options: AuditOptions,
    out: AuditCsv,
    into: tuple[Path, AuditResult],
    tick: Callable[[], None],
) -> None:
    source, result = into
    process, as_of, totals = loaded.process, options.as_of, result.totals
    data = DataRows(reader, rows.plan, source, rows.mapping)
    repeated = RepeatedIds()
    for start, cells in data:
        if data.rows % PROGRESS_EVERY == 0:
            tick()
        text = audit_row(rows, process, as_of, out, totals, start, cells, options.period)
        if text is not None:
            repeated.add(text, start)
    tick()
    result.blank_rows, result.footer_lines, result.groups = data.blank_rows, data.footer_lines, data.groups
    result.summary_rows = data.summary_rows
    result.repeated_ids = repeated.warning()
    data.refuse_if_empty(source)
    refuse_if_nothing_read(source, rows, data.rows)


def refuse_if_nothing_read(source: Path, rows: RowReader, read: int) -> None:
    """Raise InvalidFile when every one of the `read` rows is in a pipeline left out (both engines)."""
    why = rows.nothing_read(read)
    if why is not None:
        raise file_error(source, why)


class AuditCsv:
    """audit.csv, written a row at a time: each row's cells as read, and its verdict (both engines write through here)."""

    def __init__(self, writer: SafeWriter, process: Process) -> None:
        self.writer = writer
        self._stages = {stage.id: (index, stage.name) for index, stage in enumerate(process.stages)}
        self._milestones = {milestone.id: milestone for _, milestone in process.milestones()}
        self._order = [milestone.id for _, milestone in process.milestones()]
        writer.writerow(AUDIT_COLUMNS)

    def unassessed(self, line: int, text: RowText, reason: str) -> None:
        """Write a row that could not be assessed, with every reason why."""
        self.writer.writerow(_unassessed_row(line, text, reason))

    def closed(self, line: int, text: RowText, deal: ClosedDeal, cents: int | None) -> None:
        """Write a closed deal's row: its outcome, amount and close date; never a verdict nor a weighted amount.
        Its claimed stage is named as an open deal's is (the process's name) when the stage is one of the
        process's, else as the export wrote it (Closed Won); an amount it could not read is blank, with why."""
        stage = self._stages.get(deal.claimed_stage) if deal.claimed_stage else None
        self.writer.writerow(
            _unassessed_row(line, text, "; ".join(deal.unread_amount))._replace(
                claimed_stage=stage[1] if stage else text.stage,
                amount="" if cents is None else plain_cents(cents),
                claimed_stage_id=deal.claimed_stage or "",
                outcome=deal.outcome.value,
                close_date=deal.close_date.isoformat() if deal.close_date else "",
            )
        )

    def assessed(self, text: RowText, verdict: DealVerdict) -> None:
        """Write an assessed row's verdict."""
        verified_index, verified_name = self._stages[verdict.verified_stage_id or ""]
        claimed = self._stages.get(verdict.claimed_stage_id) if verdict.claimed_stage_id else None
        confirmed = verdict.buyer_confirmed
        self.writer.writerow(
            AuditRow(
                line=verdict.number,
                deal=text.deal,
                crm_id=text.crm_id,
                owner=text.owner,
                claimed_stage=claimed[1] if claimed else "",
                verified_stage=verified_name,
                stages_ahead="" if claimed is None else claimed[0] - verified_index,
                amount="" if verdict.amount is None else plain_cents(to_cents(verdict.amount)),
                claimed_weighted=_money(verdict.claimed_weighted_cents),
                verified_weighted=_money(verdict.verified_weighted_cents),
                next_customer_actions=NEXT_SEPARATOR.join(
                    next_words(self._milestones[milestone_id], status) for milestone_id, status in verdict.blocking
                ),
                not_assessed="",
                claimed_stage_id=verdict.claimed_stage_id or "",
                verified_stage_id=verdict.verified_stage_id or "",
                next_milestone_ids=" ".join(milestone_id for milestone_id, _ in verdict.blocking),
                verified_stage_confirmed_by_buyer="yes" if verdict.verified_by_buyer else "no",
                buyer_confirmed_milestone_ids=" ".join(m for m in self._order if m in confirmed) if confirmed else "",
                outcome=Outcome.OPEN.value,
            )
        )


def audit_row(
    rows: RowReader,
    process: Process,
    as_of: dt.date,
    out: AuditCsv,
    totals: Totals,
    line: int,
    cells: list[str],
    period: Period = ALL_TIME,
) -> RowText | None:
    """Assess one open row with the Python engine, count a closed one as an outcome, or word why it cannot be read;
    return the row's text as read (its deal, owner, stage, amount and CRM id); None for a row left out for being
    in another pipeline (RowReader.in_another_pipeline), which is neither written nor counted."""
    rows.note_pipelines(cells)
    if rows.in_another_pipeline(cells):
        return None
    text = rows.text(cells)
    named = rows.currency is not None
    try:
        deal = rows.deal(cells, outcome_without_amount=True)
    except RowProblem as problem:
        if not named and rows.currency is not None:
            rows.currency_line = line  # the file's currency is the first named, here: the summary says where
        totals.add(unassessed_verdict(line, text.deal, problem.short, crm_id=text.crm_id, owner=text.owner))
        out.unassessed(line, text, problem.reason)
        return text
    if not named and rows.currency is not None:
        rows.currency_line = line
    if isinstance(deal, ClosedDeal):
        cents = None if deal.amount is None else to_cents(deal.amount)
        # An amount it cannot read (12k, another currency) is listed with why, as a row not assessed is.
        unread = (
            NotAssessed(line, text.deal, RowProblem(list(deal.unread_amount)).short) if deal.unread_amount else None
        )
        totals.add_outcome(deal.outcome, cents, deal.close_date, period, as_of, unread)
        out.closed(line, text, deal, cents)
        return text
    if deal.segment is not None:
        rows.note_segment(deal.segment, line)
    assessment = assess(process, deal, as_of)
    verdict = assessed_verdict(
        assessment, line, crm_id=text.crm_id, owner=text.owner, stale_since=stale_dates(assessment)
    )
    record(out, totals, text, verdict)
    return text


def record(out: AuditCsv, totals: Totals, text: RowText, verdict: DealVerdict) -> None:
    """Count an assessed row's verdict and write it to audit.csv."""
    totals.add(verdict)
    out.assessed(text, verdict)


def _unassessed_row(line: int, text: RowText, reason: str) -> AuditRow:
    """A row as read, with why it has no verdict (nothing when it is a closed deal's)."""
    empty = ""
    return AuditRow(
        line,
        text.deal,
        text.crm_id,
        text.owner,
        text.stage,
        empty,
        empty,
        text.amount,
        empty,
        empty,
        empty,
        reason,
        empty,
        empty,
        empty,
        empty,
        empty,
    )


def _money(cents: int | None) -> str:
    return "" if cents is None else plain_cents(cents)
