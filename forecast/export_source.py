"""A CRM export plus its stage-history file as a backtest's source.

The export is read as the audit reads it (the same column mapping, row reader and outcome
rule): each row closed won or lost, with its close date, amount and answers. The history file
(Salesforce's Opportunity History, HubSpot's deal stage history) has one row per deal and stage
change; its columns are `deal`, `stage` and `date` unless `crm.history` names others. `deal`
joins the export's CRM id, or the deal's name when the export has no id column. A row that moves
the deal to a lost stage or to the last stage (won) is its closing, not a claim: the outcome
comes from the export.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from forecast.history import AnswersSince, ClaimedSince, DealHistory
from pipeline_audit.columns import ColumnError, plan_columns
from pipeline_audit.data_rows import DataRows
from pipeline_audit.pipeline_csv import (
    Rows,
    decoding_error,
    file_error,
    open_export,
    open_pipeline,
    read_header,
    with_note,
)
from pipeline_audit.rows import ClosedDeal, RowProblem, RowReader
from sales_process.crm import CrmMapping
from sales_process.crm_names import HISTORY_NAMES
from sales_process.model import CrmHistory, Process
from sales_process.outcome import Outcome, process_outcome_rule
from sales_process.problems import Diagnostic, InvalidFile, grouped_by_message
from sales_process.vocabulary import name_key, parse_date, shown


@dataclass(frozen=True)
class ClosedRow:
    """A row of the export closed won or lost."""

    key: str  # the CRM id, else the deal's name
    outcome: Outcome
    closed_on: dt.date
    amount: float | None
    answers: AnswersSince


def _error(path: Path, line: int | None, message: str) -> Diagnostic:
    return Diagnostic(str(path), line, None, "error", message)


# An export without milestone columns, as a backtest words it: the audit's way round it is not one here.
NO_MILESTONE_COLUMNS = (
    "this export has no milestone columns, so no deal would ever be verified beyond the first stage; a backtest "
    "measures the verified stage against the outcomes, so add the CRM fields from `playbook crm-template` "
    "(or map them under crm.milestones) and export the closed deals with them; to measure the stages the CRM "
    "claimed alone, run the backtest with --no-evidence"
)


def closed_rows(path: Path, process: Process, mapping: CrmMapping, no_evidence: bool = False) -> list[ClosedRow]:
    """The export's rows closed won or lost, read as the audit reads them (`no_evidence`: it may have no milestone
    column); raise InvalidFile listing every bad row."""
    errors: list[Diagnostic] = []
    found: list[ClosedRow] = []
    encoding = mapping.encoding or "utf-8"
    export_rows: Rows | None = None
    try:
        with open_export(path, mapping.encoding, mapping.sheet) as export:
            encoding, export_rows = export.encoding, export.rows
            try:
                plan = plan_columns(
                    export.header, process, mapping, no_evidence=no_evidence, no_milestones=NO_MILESTONE_COLUMNS
                )
            except ColumnError as error:
                problems = with_note(error.problems, export.sheet_note)
                raise InvalidFile([_error(path, export.header_line, problem) for problem in problems]) from None
            if plan.close_date is None:
                raise InvalidFile(
                    [
                        _error(
                            path,
                            export.header_line,
                            "the export has no close date column; add the CRM's Close Date to the report "
                            "(named close_date, or mapped under crm.columns.close_date)",
                        )
                    ]
                )
            rows = RowReader(plan, process, mapping, one_currency=False)
            data = DataRows(export.rows, plan)
            for line, cells in data:
                row = _closed_row(rows, cells, path, line, errors)
                if row is not None:
                    found.append(row)
            data.refuse_if_empty(path)
    except UnicodeDecodeError:
        raise decoding_error(path, encoding) from None
    except csv.Error as error:
        line = export_rows.line_num if export_rows is not None else 1
        raise file_error(path, f"not a readable CSV file ({error}); check the quotes near this line", line) from None
    if errors:
        raise InvalidFile(grouped_by_message(errors))
    return found


def _closed_row(rows: RowReader, cells: list[str], path: Path, line: int, errors: list[Diagnostic]) -> ClosedRow | None:
    """The row if it closed won or lost (None for an open or disqualified deal), its answers read as for an open one."""
    try:
        read = rows.deal(cells)
        if not isinstance(read, ClosedDeal) or read.outcome not in (Outcome.WON, Outcome.LOST):
            return None  # open or disqualified: no outcome to measure a probability against
        if read.close_date is None:
            errors.append(_error(path, line, "the deal is closed but its close date is blank; fill it in the CRM"))
            return None
        answers = rows.open_deal(cells).answers
    except RowProblem as problem:
        errors.append(_error(path, line, problem.reason))
        return None
    key = rows.text(cells).crm_id or read.name
    return ClosedRow(key, read.outcome, read.close_date, read.amount, AnswersSince(dt.date.min, answers))


def stage_history(path: Path, process: Process, mapping: CrmMapping) -> dict[str, list[ClaimedSince]]:
    """The history file's stage changes per deal, by date; raise InvalidFile listing every bad row."""
    names = process.crm.history if process.crm else CrmHistory()
    tried = {  # a column crm.history names, else the report's standard names (crm_names.HISTORY_NAMES)
        field: (getattr(names, field),) if field in names.model_fields_set else HISTORY_NAMES[field]
        for field in ("deal", "stage", "date")
    }
    stages = mapping.stage_lookup(process)
    won_stage = process.stages[-1].id  # as the outcome rule reads it: the last stage is won
    closings = process_outcome_rule(process)
    errors: list[Diagnostic] = []
    found: dict[str, list[ClaimedSince]] = defaultdict(list)
    with open_pipeline(path) as handle:
        header, reader = read_header(handle, path)
        where = {field: _first_column(header, candidates) for field, candidates in tried.items()}
        missing = [
            f"{field} ({' or '.join(map(repr, tried[field]))})" for field, index in where.items() if index is None
        ]
        if missing:
            raise InvalidFile(
                [
                    _error(
                        path,
                        reader.line_num,
                        f"the history has no column for {', '.join(missing)}; its header is {', '.join(map(repr, header))}. "
                        "Name the columns deal, stage and date, or map them under crm.history: {deal: …, stage: …, date: …}",
                    )
                ]
            )
        deal_at, stage_at, date_at = (where[field] for field in ("deal", "stage", "date"))
        assert deal_at is not None and stage_at is not None and date_at is not None
        wanted = {"deal": header[deal_at], "stage": header[stage_at], "date": header[date_at]}
        rows = 0
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            rows += 1
            if len(cells) != len(header):
                errors.append(
                    _error(path, line, f"the row has {len(cells)} cells but the header has {len(header)} columns")
                )
                continue
            deal, stage_text, date_text = cells[deal_at].strip(), cells[stage_at].strip(), cells[date_at].strip()
            if not deal:
                errors.append(
                    _error(path, line, f"the {wanted['deal']} cell is blank; name the deal as the export does")
                )
                continue
            try:
                day = parse_date(date_text, mapping.date_order)
            except ValueError as error:
                errors.append(_error(path, line, f"{wanted['date']}: {error}"))
                continue
            if day is None:
                errors.append(_error(path, line, f"the {wanted['date']} cell is blank; every stage change has a date"))
                continue
            if closings.stage_outcome(stage_text, None).is_closed:
                continue  # the deal's closing (won, lost), read as the audit reads it: its outcome comes from the export
            try:
                stage = stages.find(stage_text)
            except ValueError as error:
                errors.append(
                    _error(
                        path,
                        line,
                        f"{wanted['stage']} {shown(stage_text)}: {error}; map it under crm.stage_names or with "
                        '--stage-name "NAME=stage-id"',
                    )
                )
                continue
            if stage == won_stage:
                continue  # the deal's closing as won: its outcome comes from the export
            found[deal].append(ClaimedSince(day, stage))
    if errors:
        raise InvalidFile(grouped_by_message(errors))
    if rows == 0:
        raise InvalidFile([_error(path, 2, "the history has no rows after its header")])
    return {deal: sorted(claims, key=lambda claim: claim.date) for deal, claims in found.items()}


def _first_column(header: list[str], candidates: tuple[str, ...]) -> int | None:
    """The header's column of the first candidate it has (names compared as name_key compares them)."""
    keys = [name_key(name) for name in header]
    for candidate in candidates:
        if name_key(candidate) in keys:
            return keys.index(name_key(candidate))
    return None


def export_histories(
    export: Path, history: Path, process: Process, mapping: CrmMapping, no_evidence: bool = False
) -> list[DealHistory]:
    """Each deal the export has closed won or lost, with its stage changes from the history file."""
    changes = stage_history(history, process, mapping)
    return [
        DealHistory(row.key, row.outcome, row.closed_on, row.amount, changes.get(row.key, []), [row.answers])
        for row in closed_rows(export, process, mapping, no_evidence)
    ]
