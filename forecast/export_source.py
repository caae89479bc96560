"""A CRM export plus its stage-history file as a backtest's source.

The export is read as the audit reads it (the same column mapping, row reader and outcome
rule): each row closed won or lost, with its close date, amount and answers. The history file
(Salesforce's Opportunity History) has one row per deal and stage
change; its columns are `deal`, `stage` and `date` unless `crm.history` names others. A field-history
report (Salesforce's Opportunity Field History) has a row per change of any field: its stage rows are
read, by its field column, and the others counted in a note. Without a history file, the export's own
date-entered columns (HubSpot's, forecast.entered_dates) are the history. `deal`
joins the export's CRM id, or the deal's name when the export has no id column. A row that moves
the deal to a lost stage or to the last stage (won) is its closing, not a claim: the outcome
comes from the export, and the deal is closed from the closing's date on when that is before the
export's close date (an export with the expected close date alone).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from forecast.change_order import StageChange, file_direction, ordered_changes
from forecast.entered_dates import EnteredColumn, entered_columns, entered_dates
from forecast.history import AnswersSince, ClaimedSince, DealHistory, FileOrderDay, StageNames
from pipeline_audit.audit import refuse_if_nothing_read
from pipeline_audit.columns import ColumnError, plan_columns
from pipeline_audit.data_rows import DataRows, RowShape
from pipeline_audit.pipeline_csv import (
    Export,
    Rows,
    decoding_error,
    open_export,
    unreadable_csv,
    with_note,
)
from pipeline_audit.repeated_ids import RepeatedIds
from pipeline_audit.rows import ClosedDeal, RowProblem, RowReader, date_hint
from pipeline_report.summary import other_pipelines_text
from sales_process.crm import CrmMapping
from sales_process.crm_names import (
    CHANGED_FROM_NAMES,
    CHANGED_VALUE_NAMES,
    CREATED_DATE_NAMES,
    CREATED_FIELD_NAMES,
    FROM_STAGE_NAMES,
    HISTORY_NAMES,
    STAGE_FIELD_NAMES,
    standard_names,
)
from sales_process.model import CrmHistory, Process
from sales_process.outcome import Outcome
from sales_process.problems import Diagnostic, InvalidFile, grouped_by_message
from sales_process.suggest import did_you_mean
from sales_process.vocabulary import DateOrder, date_and_time, name_key, parse_date, plural, shown


@dataclass(frozen=True)
class ClosedRow:
    """A row of the export closed won or lost."""

    key: str  # the CRM id, else the deal's name
    outcome: Outcome
    closed_on: dt.date
    amount: float | None
    answers: AnswersSince
    claims: tuple[ClaimedSince, ...] = ()  # from the export's date-entered columns, when it is the history
    closing: dt.date | None = None  # the latest day those columns say it entered a closing (won, lost)
    segment: str | None = None  # the deal's segment, when the process has milestones for some segments
    name: str = ""  # the deal's name
    crm_id: str = ""  # the CRM's id, when the export has one
    created_on: dt.date | None = None  # the day the deal was created, when the export has the column
    other_currency: str | None = None  # the currency of an amount not summed: not the export's (ClosedDeal's)


@dataclass(frozen=True)
class ExportDeals:
    """The closed deals an export (and its history) gives a backtest, the notes on how they were read, and the
    currency its amounts are summed in (the audit's: the first one the export names; None when none names one)."""

    deals: list[DealHistory]
    notes: list[str]
    currency: str | None = None


def _error(path: Path, line: int | None, message: str) -> Diagnostic:
    return Diagnostic(str(path), line, None, "error", message)


# An export without milestone columns, as a backtest words it: the audit's way round it is not one here.
NO_MILESTONE_COLUMNS = (
    "this export has no milestone columns, so no deal would ever be verified beyond the first stage; a backtest "
    "measures the verified stage against the outcomes, so add the CRM fields from `playbook crm-template` "
    "(or map them under crm.milestones) and export the closed deals with them; to measure the stages the CRM "
    "claimed alone, run the backtest with --no-evidence"
)


# An export with no column the close date is read from, as a backtest words it: the names it looked for.
NO_CLOSE_DATE = (
    "the export has no close date column: none is named close_date or as a CRM names it "
    f"({', '.join(map(repr, standard_names('close_date')))}), nor a lost date "
    f"({', '.join(map(repr, standard_names('lost_date')))}); add the CRM's close date to the report (Pipedrive's: "
    'Deal - Won time and Deal - Lost time), or map the column that holds it with --column "NAME=close_date" '
    "(crm.columns.close_date)"
)
# A lost row without a close date, when no column is read as the lost date: where the day may be instead.
LOST_DATE_HINT = (
    ", or, if the export has the day it was lost in a column of its own (Pipedrive's Deal - Lost time), map it "
    'with --column "NAME=lost_date"'
)


def closed_rows(
    path: Path, process: Process, mapping: CrmMapping, no_evidence: bool = False, entered: bool = False
) -> tuple[list[ClosedRow], list[str], str | None]:
    """The export's rows closed won or lost, read as the audit reads them (`no_evidence`: it may have no milestone
    column; `entered`: its date-entered columns are the stage history, forecast.entered_dates), and the notes on what
    was left out: the rows in another pipeline (crm.pipelines, --pipeline), and the rows repeating a deal an earlier
    row has, by its CRM id or, without one, its name (each deal is read once, from its first row, with the audit's
    warning); and the currency the amounts are summed in, as the audit sums them (RowReader.currency: an amount in
    another one is not summed); raise InvalidFile listing every bad row."""
    errors: list[Diagnostic] = []
    found: list[ClosedRow] = []
    encoding = mapping.encoding or "utf-8"
    opened: Export | None = None
    repeated = (
        RepeatedIds()
    )  # a deal on several rows (a report joined with its products) is read once, as the audit warns
    try:
        with open_export(path, mapping.encoding, mapping.sheet, decimal_comma=mapping.decimal_comma) as export:
            encoding, opened = export.encoding, export
            try:
                plan = plan_columns(
                    export.header, process, mapping, no_evidence=no_evidence, no_milestones=NO_MILESTONE_COLUMNS
                )
            except ColumnError as error:
                problems = with_note(error.problems, export.sheet_note)
                raise InvalidFile([_error(path, export.header_line, problem) for problem in problems]) from None
            if plan.close_date is None and plan.lost_date is None:
                raise InvalidFile(
                    [
                        _error(
                            path,
                            export.header_line,
                            NO_CLOSE_DATE,
                        )
                    ]
                )
            rows = RowReader(plan, process, mapping)  # one currency summed, as in the audit
            history = _entered_columns(export.header, process, mapping, path, export.header_line) if entered else []
            created_at = _first_column(export.header, CREATED_DATE_NAMES)
            data = DataRows(export.rows, plan, path, mapping)
            for line, cells in data:
                if rows.in_another_pipeline(cells):
                    continue
                if repeated.add(rows.text(cells), line):
                    continue
                row = _closed_row(rows, cells, path, line, errors)
                if row is not None and history:
                    dates = entered_dates(cells, history, mapping)
                    errors.extend(_error(path, line, problem) for problem in dates.problems)
                    row = replace(row, claims=tuple(dates.claims), closing=dates.closing)
                if row is not None and created_at is not None and created_at < len(cells):
                    try:
                        row = replace(row, created_on=parse_date(cells[created_at].strip(), mapping.date_order))
                    except ValueError as error:
                        hint = date_hint(error, file="the export")
                        errors.append(_error(path, line, f"{export.header[created_at].strip()}: {error}{hint}"))
                if row is not None:
                    found.append(row)
            data.refuse_if_empty(path)
            refuse_if_nothing_read(path, rows, data.rows)
    except UnicodeDecodeError:
        raise decoding_error(path, encoding) from None
    except csv.Error as error:
        raise unreadable_csv(path, error, opened) from None
    if errors:
        raise InvalidFile(grouped_by_message(errors))
    left_out = other_pipelines_text(rows.pipelines_left_out(), rows.other_pipeline_rows)
    notes = [f"{path}: {note}" for note in (left_out, repeated.warning(first_rows_only=True)) if note]
    return found, notes, rows.currency


# What a history file's first row names (history_columns reads them by these or the CRM's names).
HISTORY_HEADER = "deal, stage and date: the deal's id, the stage it moved to, and when"
NO_HISTORY = (
    "the export has no stage history: give its history file with --history HISTORY.csv (one row per deal and "
    "stage change, such as Salesforce's Opportunity History report), or export the deals with the date each entered "
    'each stage (HubSpot\'s "Date entered" properties, one column per stage)'
)


def _entered_columns(
    header: list[str], process: Process, mapping: CrmMapping, path: Path, line: int
) -> list[EnteredColumn]:
    """The export's date-entered columns; InvalidFile when it has none (then there is no history at all)."""
    columns = entered_columns(header, process, mapping)
    if not columns:
        raise InvalidFile([_error(path, line, NO_HISTORY)])
    return columns


# A row whose stage alone would tell its outcome, at a stage the process does not know (a misspelt 'Closed Wonn').
OUTCOME_FROM_UNKNOWN_STAGE = (
    "no status or flag of the row says whether the deal was won, lost or is still open, so its stage does, and the "
    "process does not know that stage"
)


def _closed_row(rows: RowReader, cells: list[str], path: Path, line: int, errors: list[Diagnostic]) -> ClosedRow | None:
    """The row if it closed won or lost (None for an open or disqualified deal, whatever its cells hold: it is left
    out unread; but a row open only for want of a stage the process knows is an error: it may be won or lost),
    read as the audit reads a closed row (RowReader.deal: a lost row's unknown stage is no matter), with its answers;
    its amount None where the audit counts the deal without an amount (`$125,000 monthly`)."""
    try:
        # The audit's own reading of a closed row (its outcome, amount, close date), with its answers.
        read = rows.deal(cells, outcome_without_amount=True, closed_answers=True)
    except RowProblem as problem:
        # An open or disqualified row has no outcome to measure: what its cells hold (`12k`, a stage unknown where the
        # status or the stage's own words tell the outcome) is moot.
        outcome = rows.outcome_of(cells)
        if outcome not in (Outcome.OPEN, Outcome.DISQUALIFIED):
            errors.append(_error(path, line, problem.reason))
        elif outcome is Outcome.OPEN and (unknown := rows.unknown_stage(cells)) is not None:
            # Open only for want of a stage the process knows: left out, it would take deals out by their outcome.
            errors.append(_error(path, line, f"{OUTCOME_FROM_UNKNOWN_STAGE}: {unknown}"))
        return None
    if not isinstance(read, ClosedDeal) or read.outcome not in (Outcome.WON, Outcome.LOST):
        return None  # open or disqualified: no outcome to measure a probability against
    if read.close_date is None:
        hint = LOST_DATE_HINT if read.outcome is Outcome.LOST and rows.plan.lost_date is None else ""
        word = "lost" if read.outcome is Outcome.LOST else "won"
        errors.append(_error(path, line, f"the deal is {word} but its close date is blank; fill it in the CRM{hint}"))
        return None
    crm_id = rows.text(cells).crm_id
    since = AnswersSince(dt.date.min, read.answers)
    return ClosedRow(
        crm_id or read.name,
        read.outcome,
        read.close_date,
        read.amount,
        since,
        segment=read.segment,
        name=read.name,
        crm_id=crm_id,
        other_currency=read.other_currency,
    )


@dataclass(frozen=True)
class HistoryColumns:
    """Where a history file holds each thing a backtest reads (`field`: None unless it is a field-history report;
    `moved_from`: the stage a row moved from, None when the history has no such column)."""

    deal: int
    stage: int
    date: int
    field: int | None
    stage_fields: tuple[str, ...]  # the field column's names of a stage change
    header: list[str]
    moved_from: int | None = None

    @cached_property
    def _stage_field_keys(self) -> frozenset[str]:
        return frozenset(name_key(name) for name in self.stage_fields)

    def is_stage_change(self, field: str) -> bool:
        """Whether the field column's name is a stage change's (compared as name_key compares names)."""
        return name_key(field) in self._stage_field_keys

    def name(self, index: int) -> str:
        """The header's name of a column."""
        return self.header[index]


@dataclass
class StageHistory:
    """The history file's stage changes per deal, by date, the date of each deal's latest closing row (won,
    lost), and the rows of other fields a field-history report has (by field name), left out."""

    changes: dict[str, list[ClaimedSince]]
    other_fields: Counter[str]
    closings: dict[str, dt.date] = field(default_factory=dict)
    # Per deal, the days whose last change only the file's order chose (change_order.ordered_changes).
    file_order_days: dict[str, tuple[FileOrderDay, ...]] = field(default_factory=dict)
    # Per deal, the day of its created row (a field-history report's), and the stage its first change (or closing)
    # moved it from: claimed from the day it was created (created_claims); with a From Stage the process does not
    # know, the error to raise if that day is known.
    created: dict[str, dt.date] = field(default_factory=dict)
    before_first: dict[str, str] = field(default_factory=dict)
    first_change: dict[str, dt.date] = field(default_factory=dict)  # the day of that first change (or closing)
    before_first_errors: dict[str, Diagnostic] = field(default_factory=dict)
    created_rows: int = 0
    # Per deal, its first change whose From Stage is not the stage the change before it moved to, with that change.
    contradicted: dict[str, tuple[StageChange, StageChange]] = field(default_factory=dict)

    def created_claims(
        self, deal: str, claims: list[ClaimedSince], created_on: dt.date | None
    ) -> tuple[list[ClaimedSince], Diagnostic | None]:
        """The deal's claims, from the day it was created (`created_on`, the export's, else the history's created
        row) at the stage its first change (or closing) moved it from (None: the history does not say which); and the
        error of a From Stage the process does not know, if so claimed. Without a created date, or with one after the
        first change, the claims are as the history gives them; a deal whose only stage row is its closing, from a
        stage, is then not in the CRM before that row (nothing says since when it was at that stage)."""
        created = created_on or self.created.get(deal)
        if created is None and not claims and deal in self.first_change:
            return [ClaimedSince(self.first_change[deal], None)], None
        if created is None or (claims and created > claims[0].date):
            return claims, None
        if deal in self.before_first_errors:
            return claims, self.before_first_errors[deal]
        return [ClaimedSince(created, self.before_first.get(deal)), *claims], None

    def closed_on(self, deal: str, export_close: dt.date) -> dt.date:
        """The day the deal closed: the export's close date, or its latest closing row's date when earlier (the
        export may give the close date the CRM expected, Bitrix24's; the history says when it did close)."""
        closing = self.closings.get(deal)
        return export_close if closing is None else min(export_close, closing)

    def contradiction_note(self, path: Path) -> str | None:
        """The deals whose From Stage contradicts the change before it, said once with the first; None when none."""
        if not self.contradicted:
            return None
        deal, (before, change) = min(self.contradicted.items(), key=lambda item: item[1][1].line)
        count = len(self.contradicted)
        return (
            f"{path}: {plural(count, 'deal')} {'has' if count == 1 else 'have'} a stage change whose From Stage is not "
            f"the stage the change before it moved to (the first: deal {deal}, line {change.line}: from "
            f"{shown(change.from_text)}, where line {before.line} moved it to {shown(before.to_text)}); each change "
            "is read as moving the deal to its To Stage, in the order the times (or the file) give: check the "
            "history report's filters and sort"
        )

    def note(self, path: Path) -> str | None:
        """What was left out of a field-history report, said once; None when nothing was."""
        if not self.other_fields:
            return None
        fields = ", ".join(f"{name} ({count})" for name, count in self.other_fields.most_common())
        rows = sum(self.other_fields.values())
        created = " and the deals' created rows" if self.created_rows else ""
        return (
            f"{path}: a field-history report: read its stage changes{created}, left out {plural(rows, 'row')} of other "
            f"fields: {fields}"
        )


def history_columns(header: list[str], names: CrmHistory, path: Path, line: int) -> HistoryColumns:
    """The history's columns: those crm.history names, else the reports' standard names
    (crm_names.HISTORY_NAMES); raise InvalidFile naming every one missing, a name crm.history gives with a
    did-you-mean when a column of the header is close (as a mapped column an export lacks is, plan_columns)."""

    def tried(field: str, also: tuple[str, ...] = ()) -> tuple[str, ...]:
        named = getattr(names, field)
        return (named,) if mapped(field) else HISTORY_NAMES[field] + also

    def mapped(field: str) -> bool:
        return field in names.model_fields_set and getattr(names, field) is not None

    def hint(field: str, taken: tuple[int | None, ...] = ()) -> str:
        """A did-you-mean among the header's columns, but those read as another field (`taken`)."""
        others = [name.strip() for index, name in enumerate(header) if index not in taken]
        return did_you_mean(getattr(names, field), others) if mapped(field) else ""

    field_at = _first_column(header, tried("field"))
    candidates = {
        "deal": tried("deal"),
        # A field-history report holds the stage a row moved to in its new-value column.
        "stage": tried("stage", CHANGED_VALUE_NAMES if field_at is not None else ()),
        "date": tried("date"),
    }
    where = {field: _first_column(header, names_tried) for field, names_tried in candidates.items()}
    missing = [
        f"{field} ({' or '.join(map(repr, candidates[field]))}{hint(field)})"
        for field, index in where.items()
        if index is None
    ]
    if mapped("field") and field_at is None:
        missing.append(f"field ({names.field!r}{hint('field')})")
    from_names = FROM_STAGE_NAMES + (CHANGED_FROM_NAMES if field_at is not None else ())
    moved_from = _first_column(header, (names.from_stage,) if names.from_stage is not None else from_names)
    if names.from_stage is not None and moved_from is None:
        taken = (field_at, *where.values())
        missing.append(f"from_stage ({names.from_stage!r}{hint('from_stage', taken)})")
    if missing:
        raise InvalidFile(
            [
                _error(
                    path,
                    line,
                    f"the history has no column for {', '.join(missing)}; its header is {', '.join(map(repr, header))}. "
                    "Name the columns deal, stage and date, or map them under crm.history: {deal: …, stage: …, date: …}",
                )
            ]
        )
    deal_at, stage_at, date_at = where["deal"], where["stage"], where["date"]
    assert deal_at is not None and stage_at is not None and date_at is not None
    stage_fields = (names.stage_field,) if names.stage_field is not None else STAGE_FIELD_NAMES
    return HistoryColumns(deal_at, stage_at, date_at, field_at, stage_fields, header, moved_from)


def stage_history(path: Path, process: Process, mapping: CrmMapping) -> StageHistory:
    """The history file's stage changes per deal, by date (a CSV in any encoding the export may have, or an .xlsx
    workbook's first sheet); raise InvalidFile listing every bad row."""
    names = process.crm.history if process.crm and process.crm.history else CrmHistory()
    encoding = mapping.encoding or "utf-8"
    history_export: Export | None = None
    try:
        with open_export(path, mapping.encoding, expected=HISTORY_HEADER) as history:
            encoding, history_export = history.encoding, history
            columns = history_columns(history.header, names, path, history.header_line)
            return _stage_changes(path, history.rows, columns, process, mapping)
    except UnicodeDecodeError:
        raise decoding_error(path, encoding) from None
    except csv.Error as error:
        raise unreadable_csv(path, error, history_export) from None


def _stage_changes(
    path: Path, rows: Rows, columns: HistoryColumns, process: Process, mapping: CrmMapping
) -> StageHistory:
    """Read every row of the history: the deal's claims, by date; raise InvalidFile listing every bad row."""
    names = StageNames.of(process, mapping)
    errors: list[Diagnostic] = []
    # Per line, the cause of a date error: its column and kind (ambiguous, month first …), whatever date it quotes.
    date_causes: dict[int, str] = {}
    found: dict[str, list[StageChange]] = defaultdict(list)
    closings: dict[str, dt.date] = {}
    first_closings: dict[str, StageChange] = {}
    created: dict[str, dt.date] = {}
    created_rows: Counter[str] = Counter()  # by the field column's name
    when: dict[str, list[tuple[dt.date, dt.datetime | None]]] = defaultdict(list)  # each deal's rows, file order
    created_fields = frozenset(name_key(name) for name in CREATED_FIELD_NAMES)
    other_fields: Counter[str] = Counter()
    # Blank rows, a report's footer and a grouped report's lines are told apart as in an export (DataRows).
    data = DataRows(
        rows,
        RowShape(len(columns.header), columns.deal, (columns.stage, columns.date), tuple(columns.header)),
        path,
        mapping,
    )
    for line, cells in data:
        if len(cells) != len(columns.header):
            errors.append(
                _error(
                    path,
                    line,
                    f"the row has {plural(len(cells), 'cell')} but the header has "
                    f"{plural(len(columns.header), 'column')}; check for a stray delimiter or quote",
                )
            )
            continue
        deal, stage_text, date_text = (cells[at].strip() for at in (columns.deal, columns.stage, columns.date))
        is_created = False
        if columns.field is not None:
            changed = cells[columns.field].strip()
            is_created = name_key(changed) in created_fields
            if not columns.is_stage_change(changed) and not is_created:
                other_fields[changed or "(blank)"] += 1
                continue
        if not deal:
            errors.append(
                _error(path, line, f"the {columns.name(columns.deal)} cell is blank; name the deal as the export does")
            )
            continue
        try:
            day = parse_date(date_text, mapping.date_order)
        except ValueError as error:
            hint = date_hint(error, "--history-{}", "the history", None)
            errors.append(_error(path, line, f"{columns.name(columns.date)}: {error}{hint}"))
            if hint:  # a date of one order on every row: one cause, told once with its lines
                date_causes[line] = f"{columns.date} {type(error).__name__}"
            continue
        if day is None:
            errors.append(
                _error(path, line, f"the {columns.name(columns.date)} cell is blank; every stage change has a date")
            )
            continue
        moment = date_and_time(date_text, day)
        when[deal].append((day, moment))
        if is_created:
            created_rows[changed] += 1
            created[deal] = min(day, created.get(deal, day))
            continue
        from_text = "" if columns.moved_from is None else cells[columns.moved_from].strip()
        moved_from = None if columns.moved_from is None else name_key(from_text)
        try:
            stage = names.claim(stage_text)
        except ValueError as error:
            errors.append(
                _error(
                    path,
                    line,
                    f"{columns.name(columns.stage)} {shown(stage_text)}: {error}; map it under crm.stage_names or with "
                    '--stage-name "NAME=stage-id"',
                )
            )
            continue
        change = StageChange(
            ClaimedSince(day, stage), moment, moved_from, name_key(stage_text), from_text, line, stage_text
        )
        if stage is None and stage_text:
            # The deal's closing (won, lost): its outcome comes from the export, its date from the latest closing.
            closings[deal] = max(day, closings.get(deal, day))
            earliest = first_closings.get(deal)
            if earliest is None or _when(change) < _when(earliest):
                first_closings[deal] = change
            continue
        found[deal].append(change)
    if errors:
        raise InvalidFile(grouped_by_message(errors, causes=date_causes))
    if data.rows == 0:
        raise InvalidFile([_error(path, 2, "the history has no rows after its header")])
    if columns.field is not None and data.rows == other_fields.total() + created_rows.total():
        fields = ", ".join(map(repr, [*created_rows, *other_fields]))
        accepted = ", ".join(map(repr, columns.stage_fields))
        raise InvalidFile(
            [
                _error(
                    path,
                    2,
                    f"the field-history report has no stage change: its {columns.name(columns.field)} column names "
                    f"{fields}, none of them the stage ({accepted}); name the stage's field under "
                    "crm.history.stage_field",
                )
            ]
        )
    newest_first = file_direction(list(when.values()))
    ordered = {deal: ordered_changes(changes, newest_first) for deal, changes in found.items()}
    before_first: dict[str, str] = {}
    first_change: dict[str, dt.date] = {}
    before_first_errors: dict[str, Diagnostic] = {}
    for deal in found.keys() | first_closings.keys():
        first = ordered[deal].first if deal in ordered else None
        closing = first_closings.get(deal)
        if first is None or (closing is not None and _when(closing) < _when(first)):
            first = closing
        if first is None or not first.from_text:
            continue
        first_change[deal] = first.claim.date
        try:
            stage = names.claim(first.from_text)
        except ValueError as error:
            before_first_errors[deal] = _error(
                path,
                first.line,
                f"{columns.name(columns.moved_from or 0)} {shown(first.from_text)}: {error}; map it under "
                'crm.stage_names or with --stage-name "NAME=stage-id"',
            )
            continue
        if stage is not None:
            before_first[deal] = stage
    return StageHistory(
        {deal: order.claims for deal, order in ordered.items()},
        other_fields,
        closings,
        {deal: order.file_order_days for deal, order in ordered.items() if order.file_order_days},
        created,
        before_first,
        first_change,
        before_first_errors,
        created_rows.total(),
        {deal: order.contradicted for deal, order in ordered.items() if order.contradicted is not None},
    )


def _when(change: StageChange) -> tuple[dt.date, dt.datetime]:
    """When a change was made, for comparing: its day, then its time (a change without one: its day's start)."""
    return change.claim.date, change.moment or dt.datetime.combine(change.claim.date, dt.time.min)


def _first_column(header: list[str], candidates: tuple[str, ...]) -> int | None:
    """The header's column of the first candidate it has (names compared as name_key compares them)."""
    keys = [name_key(name) for name in header]
    for candidate in candidates:
        if name_key(candidate) in keys:
            return keys.index(name_key(candidate))
    return None


def export_histories(
    export: Path,
    history: Path | None,
    process: Process,
    mapping: CrmMapping,
    no_evidence: bool = False,
    history_dates: DateOrder | None = None,
) -> ExportDeals:
    """Each deal the export has closed won or lost, with its stage changes from the history file (None: from the
    export's date-entered columns), its dates read in `history_dates` order (None: the export's); and the notes to
    show with the results (what a field-history report had besides stage changes), and the amounts' currency."""
    if history is None:
        rows, left_out, currency = closed_rows(export, process, mapping, no_evidence, entered=True)
        # The columns are the history: read by the history file's rules (its closings, its deals' created dates).
        read = StageHistory(
            {row.key: list(row.claims) for row in rows},
            Counter(),
            {row.key: row.closing for row in rows if row.closing is not None},
        )
        entered = f"{export}: the stage history is the date each deal entered each stage, from its columns"
        left_out = [entered, *left_out]
    else:
        read = stage_history(
            history, process, mapping if history_dates is None else replace(mapping, date_order=history_dates)
        )
        rows, left_out, currency = closed_rows(export, process, mapping, no_evidence)
    deals, errors, undated_first = [], [], 0
    for row in rows:
        claims, error = read.created_claims(row.key, read.changes.get(row.key, []), row.created_on)
        if error is not None:
            errors.append(error)
        undated_first += row.created_on is None and row.key not in read.created and row.key in read.first_change
        deals.append(
            DealHistory(
                row.key,
                row.outcome,
                read.closed_on(row.key, row.closed_on),
                row.amount,
                claims,
                [row.answers],
                row.segment,
                row.name,
                row.crm_id,
                file_order_days=read.file_order_days.get(row.key, ()),
                other_currency=row.other_currency,
            )
        )
    if errors:
        raise InvalidFile(grouped_by_message(sorted(errors, key=lambda error: error.line or 0)))
    notes = (
        []
        if history is None
        else [read.note(history), read.contradiction_note(history), _undated_first_note(history, export, undated_first)]
    )
    return ExportDeals(deals, [note for note in notes if note] + left_out, currency)


def _undated_first_note(history: Path, export: Path, deals: int) -> str | None:
    """The deals whose stage before their first change (its From Stage) is not measured, for want of the day they
    were created; None when there are none."""
    if not deals:
        return None
    their = "its" if deals == 1 else "their"
    return (
        f"{history}: {plural(deals, 'closed deal')} had a stage before {their} first stage change (its From Stage) that "
        f"no snapshot counts: neither {export} (a Created Date column) nor the history (a created row) says when "
        f"{'it was' if deals == 1 else 'they were'} created, so {their} time before that change is left out; export "
        "the deals with their Created Date to measure it"
    )
