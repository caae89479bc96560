"""One CSV row to the engine's Deal, or the reasons it cannot be assessed.

Cells are read with the core's deal vocabulary (sales_process.vocabulary), the same
parsers the form, the API and deal files use; only the hints name the audit's options.
"""

from __future__ import annotations

import datetime as dt
import shlex
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from pipeline_audit.columns import ColumnPlan, MilestoneColumns, pipeline_names
from pipeline_audit.pipeline_csv import restored
from pipeline_report.result import RefusedDates
from pipeline_report.summary import PIPELINES_LISTED, names_counted
from sales_process.crm import CrmMapping, parse_confirmed_by
from sales_process.crm_names import (
    FLAG_FIELDS,
    IS_ACTIVE,
    IS_CLOSED,
    IS_DELETED,
    IS_WON,
    ONE_OFF_PERIODS,
    PERIOD_COLUMNS,
)
from sales_process.deal import Answer, BuyerAnswer, Deal, parse_segment
from sales_process.model import Process, segment_key
from sales_process.outcome import Outcome, closed_flag, outcome_rule
from sales_process.pipeline_columns import AMOUNT, CLOSE_DATE, CURRENCY, LOST_DATE, STATUS
from sales_process.problems import Problem
from sales_process.requirement import misspelt_segment, process_segments
from sales_process.totals import other_currency_reason, summed_in_total
from sales_process.vocabulary import (
    ANSWERS_AS_TYPED,
    AmbiguousAmountError,
    AmbiguousDateError,
    DateOrder,
    DecimalCommaError,
    LostStageError,
    Money,
    MonthFirstDateError,
    OtherOrderDateError,
    has_two_digit_year,
    label_key,
    looks_lost,
    name_key,
    parse_currency,
    parse_date,
    parse_money,
    parse_yes_no,
    plural,
    shown,
    whole_value_hint,
)
from sales_process.wording import quoted

DATE_CACHE_SIZE = 50_000


class RowProblem(Exception):
    """A row that cannot be assessed: `reason` names every problem, `short` the first one."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems
        self.reason = "; ".join(problems)

    @property
    def short(self) -> str:
        """One short line: the first problem, and how many more (all of them are in audit.csv)."""
        more = len(self.problems) - 1
        return self.problems[0] + (f" (and {more} more on this row)" if more else "")


# Salesforce's export of a multi-currency org: every amount again in the corporate currency, and that currency.
CONVERTED_AMOUNT = ("Amount (converted)", "Amount (converted) Currency")


def _one_currency_fix(ignored: Sequence[str]) -> str:
    """How to audit a file whose amounts are in several currencies: its converted amounts when it has them."""
    names = {name_key(name): name for name in ignored}
    amount, currency = (names.get(name_key(name)) for name in CONVERTED_AMOUNT)
    if amount is None or currency is None:
        return "convert it, or audit each currency separately (filter the export on its currency, one file each)"
    return (
        f"read the export's converted amounts instead: --column {shlex.quote(amount + '=amount')} "
        f"--column {shlex.quote(currency + '=currency')}"
    )


@dataclass(frozen=True)
class ClosedDeal:
    """A row whose deal has closed (won, lost or disqualified): an outcome, never assessed nor weighted."""

    name: str
    outcome: Outcome
    amount: float | None
    currency: str | None
    close_date: dt.date | None
    claimed_stage: str | None  # the stage id the CRM names, when it is one of the process's
    # Why the amount (or its currency) could not be read, when RowReader.deal was asked to keep the outcome (the
    # audit's): the deal then counts without an amount, as its outcome does not depend on it.
    unread_amount: tuple[str, ...] = ()
    # Its answers and segment, when RowReader.deal was asked for them (a backtest measures a closed deal's evidence).
    answers: Mapping[str, Answer] = dataclass_field(default_factory=dict)
    segment: str | None = None
    # The currency of an amount left out of the sums for not being the file's (RowReader.currency): the audit's
    # "in EUR, but the file's amounts are in USD"; None otherwise.
    other_currency: str | None = None


@dataclass(frozen=True)
class RowText:
    """What the row says about the deal, as typed (kept for rows that are not assessed)."""

    deal: str
    owner: str
    stage: str
    amount: str
    crm_id: str = ""
    name: str = ""  # the deal cell alone: "" when blank (`deal` then holds the CRM id)


UNKNOWN_STAGES_KEPT = 1000  # distinct unknown stage names counted one by one


def _status_fix(plan: ColumnPlan, mapping: CrmMapping) -> str:
    """The other fix of a status the audit does not know: the column may be no deal's status at all (monday.com's
    Status says 'Working on it'), and left out, each deal's outcome is read from its stage."""
    if plan.status is None or not plan.header:
        return ""
    name = plan.header[plan.status].strip()
    if name_key(name) in mapping.mapped:
        return (
            f"; or, if {name!r} is not the deal's status, drop its mapping (crm.columns.status or --column), and each "
            "deal's outcome is read from its stage"
        )
    return (
        f"; or, if {name!r} is not the deal's status, leave it out with --ignore-column {shlex.quote(name)} "
        "(crm.ignore_columns), and each deal's outcome is read from its stage"
    )


class RowReader:
    """Reads rows laid out by one ColumnPlan; built once per file for speed."""

    def __init__(self, plan: ColumnPlan, process: Process, mapping: CrmMapping, one_currency: bool = True) -> None:
        self.plan = plan
        self.mapping = mapping
        # An audit sums one currency; an import saves each deal's own (False: rows may differ).
        self.one_currency = one_currency
        # The segment column counts only where a milestone is required of some segments alone.
        self._named_segments = process_segments(process.milestones())
        self.segment_column = plan.segment if self._named_segments else None
        # The open deals' segments that are a typo of one the process names (requirement.misspelt_segment), which
        # leave out that segment's milestones: segment_key -> (the least spelling, the segment meant, deals, first
        # line); and each segment judged so far (at most UNKNOWN_STAGES_KEPT kept, as a file of garbage keeps memory).
        self.misspelt_segments: dict[str, tuple[str, str, int, int]] = {}
        self._segments_judged: dict[str, str | None] = {}
        self.stages = mapping.stage_lookup(process)
        self.currency: str | None = None  # the first currency named in the file: every amount must be in it
        self.currency_line: int | None = None  # the line of the amount that named it (audit_row notes it)
        self.named: Counter[str] = Counter()  # amounts read naming each currency, the file's and others
        self.unnamed = 0  # amounts read naming no currency: summed in the file's, and the summary says so
        self._one_currency_fix = _one_currency_fix(plan.ignored)
        self._status_fix = _status_fix(plan, mapping)
        # The flag columns the export has, in the order they are read (most exports have none): read on every row.
        self._flags = [(field, index) for field in FLAG_FIELDS if (index := getattr(plan, field)) is not None]
        self.two_digit_years = 0  # date cells written with a two-digit year, read by the spreadsheet rule
        self.refused_dates = RefusedDates()  # the date cells refused, and which order reads them
        # Open rows' stage names the process does not know: name_key -> (a spelling of it, rows). The spelling
        # is the least in sort order, whatever order the rows are read in (the DuckDB engine's is its own).
        self.unknown_stages: dict[str, tuple[str, int]] = {}
        self.other_unknown_stages = 0  # rows with unknown stage names beyond the UNKNOWN_STAGES_KEPT kept
        self.closed_unknown_stages = 0  # rows among them that their flags say are closed (archived, IsClosed)
        self.unknown_stage_pipelines: Counter[str] = Counter()  # those rows' pipelines (ColumnPlan.pipeline)
        # The pipelines the rows name: name_key -> (a spelling of it, rows), the spelling the least in sort order
        # whatever order the rows are read in (as unknown_stages); a blank cell names none.
        self.pipelines: dict[str, tuple[str, int]] = {}
        # Rows left out for being in a pipeline not listed (crm.pipelines, --pipeline), by their pipeline.
        self.other_pipelines: Counter[str] = Counter()
        self.other_pipeline_rows = 0
        self.outcomes = mapping.outcomes or outcome_rule(process.stages[-1].id)
        self._dates: dict[
            str, dt.date
        ] = {}  # exports repeat the same few thousand dates (two-digit years are not kept)

    def text(self, cells: list[str]) -> RowText:
        """The deal (else the CRM id), owner, stage, amount and CRM id cells as typed ("" when absent)."""
        plan = self.plan
        cells = restored(cells)
        crm_id = _cell(cells, plan.crm_id)
        name = _cell(cells, plan.deal)
        return RowText(
            name or crm_id,
            _cell(cells, plan.owner),
            _cell(cells, plan.stage),
            _cell(cells, plan.amount),
            crm_id,
            name,
        )

    def note_pipelines(self, cells: Sequence[str]) -> None:
        """Note the row's pipeline (note_pipeline), when the export has a pipeline column."""
        if self.plan.pipeline is not None:
            self.note_pipeline(_cell(cells, self.plan.pipeline))

    def note_pipeline(self, cell: str, rows: int = 1) -> None:
        """Count `rows` rows in the pipeline `cell` names (UNKNOWN_STAGES_KEPT names at most, as a file of garbage
        names keeps the audit's memory bounded); the DuckDB engine counts a spelling's rows at once."""
        key = name_key(cell)
        if not key or (key not in self.pipelines and len(self.pipelines) >= UNKNOWN_STAGES_KEPT):
            return
        spelling = " ".join(cell.split())
        known, counted = self.pipelines.get(key, (spelling, 0))
        self.pipelines[key] = (min(known, spelling), counted + rows)

    def pipelines_named(self) -> list[tuple[str, int]]:
        """The pipelines the rows name, with their rows, most rows first."""
        return sorted(self.pipelines.values(), key=lambda found: (-found[1], found[0]))

    def in_another_pipeline(self, cells: list[str]) -> bool:
        """Whether the row is in a pipeline the process does not govern (crm.pipelines, --pipeline): it is then
        left out of every total, and counted by its pipeline."""
        if self.plan.pipeline is None or not self.mapping.pipelines:
            return False
        return self.left_out(_cell(cells, self.plan.pipeline), 1)

    def left_out(self, pipeline: str, rows: int) -> bool:
        """Whether `rows` rows whose pipeline cell says `pipeline` (stripped) are in another pipeline
        (CrmMapping.in_another_pipeline); if so, they are counted by it. The DuckDB engine counts the rows of
        one spelling at once, spellings in the order of their first rows, which keeps the same names."""
        if not self.mapping.in_another_pipeline(pipeline):
            return False
        self.other_pipeline_rows += rows
        named = " ".join(pipeline.split())
        if named in self.other_pipelines or len(self.other_pipelines) < UNKNOWN_STAGES_KEPT:
            self.other_pipelines[named] += rows  # a file of garbage pipeline names keeps the audit's memory bounded
        return True

    def pipelines_left_out(self) -> list[tuple[str, int]]:
        """The pipelines of the rows left out (in_another_pipeline), most rows first."""
        return sorted(self.other_pipelines.items(), key=lambda found: (-found[1], found[0]))

    def nothing_read(self, rows: int) -> str | None:
        """Why an export whose `rows` are all in other pipelines has no deal to read, or None."""
        if not rows or self.other_pipeline_rows < rows:
            return None
        return (
            f"none of its {plural(rows, 'deal')} is in {pipeline_names(self.mapping)} (crm.pipelines or --pipeline): "
            f"their pipelines are {names_counted(self.pipelines_left_out()[:PIPELINES_LISTED])}; list the pipeline to "
            "read as the export writes it"
        )

    def deal(
        self, cells: list[str], *, outcome_without_amount: bool = False, closed_answers: bool = False
    ) -> Deal | ClosedDeal:
        """The Deal of an open row, or the ClosedDeal of a closed one; raise RowProblem listing everything wrong.
        `outcome_without_amount` keeps a closed deal whose amount alone cannot be read, without its amount and
        with why (ClosedDeal.unread_amount), as the audit counts it; else that is a RowProblem too.
        `closed_answers`: a closed deal's answers and segment are read too (a backtest's), an unreadable one a
        RowProblem; its stage stays what the audit makes of it (a lost row's unknown stage is no claim)."""
        return self._read(
            cells, read_outcome=True, outcome_without_amount=outcome_without_amount, closed_answers=closed_answers
        )

    def open_deal(self, cells: list[str]) -> Deal:
        """The row's Deal with its answers whatever its outcome."""
        deal = self._read(cells, read_outcome=False)
        assert isinstance(deal, Deal)
        return deal

    def outcome_of(self, cells: list[str]) -> Outcome | None:
        """The row's outcome as deal() reads it, whatever its other cells; None when its status or flags cannot be
        read, or the row is not as wide as the header (a backtest leaves open rows out without reading them)."""
        cells = restored(cells)
        if len(cells) != self.plan.width:
            return None
        return self._outcome(cells, self._claimed_stage(cells, []), [])

    def _read(
        self, cells: list[str], read_outcome: bool, outcome_without_amount: bool = False, closed_answers: bool = False
    ) -> Deal | ClosedDeal:
        plan = self.plan
        cells = restored(cells)
        if len(cells) != plan.width:
            raise RowProblem(
                [
                    f"the row has {plural(len(cells), 'cell')} but the header has {plural(plan.width, 'column')}; check for a stray delimiter or quote"
                ]
            )
        problems: list[str] = []
        for index in plan.unnamed:
            if cells[index].strip():
                problems.append(
                    f"column {index + 1} has no name in the header but holds {shown(cells[index])}; name the column or empty it"
                )
        name = _cell(cells, plan.deal) or _cell(cells, plan.crm_id)
        if not name:
            problems.append(
                "the deal cell is blank; name the deal" + (" (or give its CRM id)" if plan.crm_id is not None else "")
            )
        stage_problems: list[str] = []
        claimed = self._claimed_stage(cells, stage_problems, lost_is_open=read_outcome)
        outcome = self._outcome(cells, claimed, problems) if read_outcome else Outcome.OPEN
        closed_by = self._closed_by_flag(cells) if stage_problems and read_outcome and outcome is Outcome.OPEN else None
        if closed_by is not None:
            # Closed at a stage the process does not know (OutcomeRule.outcome): won or lost is the editor's to say.
            stage_problems[-1] += (
                f"; its {closed_by}: list a lost stage under crm.lost_stages, or map a won one to the last stage"
            )
        if outcome is not None and outcome.is_closed:
            before = len(problems)
            money = self._money(cells, problems)
            amount = self._summed(money, problems)
            other_currency = money.currency if money is not None and amount is None else None
            unread_amount = tuple(problems[before:])
            close_date = self._close_date(cells, problems)
            answers, segment = self._evidence(cells, problems) if closed_answers else ({}, None)
            if len(problems) > len(unread_amount) or (unread_amount and not outcome_without_amount):
                raise RowProblem(problems)
            return ClosedDeal(
                name,
                outcome,
                amount.value if amount else None,
                amount.currency if amount else None,
                close_date,
                claimed,
                unread_amount,
                answers,
                segment,
                other_currency,
            )
        if (
            stage_problems
            and not read_outcome
            and self.outcomes.stage_outcome(_cell(cells, plan.stage), None).is_closed
        ):
            stage_problems = []  # a row read for its answers alone (open_deal): its closing stage ('Won') is no claim
        if stage_problems and read_outcome and plan.stage is not None and not looks_lost(cells[plan.stage]):
            self._count_unknown(cells[plan.stage], _cell(cells, plan.pipeline), closed=closed_by is not None)
        problems += stage_problems
        amount = self._amount(cells, problems)
        answers, segment = self._evidence(cells, problems)
        if problems:
            raise RowProblem(problems)
        return Deal(
            name=name,
            claimed_stage=claimed,
            amount=amount.value if amount else None,
            answers=answers,
            currency=amount.currency if amount else None,
            segment=segment,
        )

    def _evidence(self, cells: Sequence[str], problems: list[str]) -> tuple[dict[str, Answer], str | None]:
        """The row's answers and its segment (None: none given), problems added to `problems`."""
        answers: dict[str, Answer] = {}
        for columns in self.plan.milestones:
            answer_text = cells[columns.answer]
            evidence = cells[columns.evidence] if columns.evidence is not None else ""
            date_text = cells[columns.date] if columns.date is not None else ""
            buyer = cells[columns.confirmed_by] if columns.confirmed_by is not None else ""
            if not (answer_text or evidence or date_text or buyer):
                continue  # unanswered: the common case, kept cheap
            met = ANSWERS_AS_TYPED.get(answer_text)
            if met is not None and not buyer and (not date_text or date_text in self._dates):
                answers[columns.milestone_id] = Answer(met, evidence or None, self._dates.get(date_text))
                continue
            answer = self._answer(cells, columns, problems)
            if answer is not None:
                answers[columns.milestone_id] = answer
        segment = None
        if self.segment_column is not None and cells[self.segment_column]:
            segment_problems: list[Problem] = []
            segment = parse_segment(cells[self.segment_column], segment_problems)
            problems += [problem.message for problem in segment_problems]
        return answers, segment

    def note_segment(self, segment: str, line: int, rows: int = 1) -> None:
        """Count `rows` open deals (the first on `line`) in `segment` (as read: stripped) when it is a typo of a
        segment the process names; the DuckDB engine counts a spelling's rows at once."""
        key = segment_key(segment)
        meant = self._segments_judged.get(key, "")
        if meant == "":
            meant = misspelt_segment(segment, self._named_segments)
            if len(self._segments_judged) < UNKNOWN_STAGES_KEPT:
                self._segments_judged[key] = meant
        if meant is None:
            return
        spelling, _, deals, first = self.misspelt_segments.get(key, (segment, meant, 0, line))
        self.misspelt_segments[key] = (min(spelling, segment), meant, deals + rows, min(first, line))

    def segment_warnings(self) -> list[str]:
        """A warning per misspelt segment (note_segment), most deals first: the deals it left out milestones of."""
        named = " or ".join(quoted(name) for name in self._named_segments)
        warnings = []
        for spelling, meant, deals, first in sorted(
            self.misspelt_segments.values(), key=lambda found: (-found[2], found[0])
        ):
            where = f"the first on line {first}" if deals > 1 else f"on line {first}"
            warnings.append(
                f"segment {shown(spelling)} ({plural(deals, 'open deal')}, {where}) is not a segment the process "
                f"names; did you mean {quoted(meant)}? Its deals were assessed without the milestones required only in "
                f"{named}: correct the segment in the CRM and export again"
            )
        return warnings

    def unknown_stage(self, cells: list[str]) -> str | None:
        """Why the row's stage is none of the process's, when that stage alone would tell the row's outcome (no status
        or flag tells it): the deal may then be won, lost or open. None for a known stage, or an outcome told (or a
        status or flag that cannot be read, which deal() says)."""
        cells = restored(cells)
        if len(cells) != self.plan.width:
            return None
        problems: list[str] = []
        self._claimed_stage(cells, problems)
        if not problems or self._outcome(cells, None, [], by_stage=False) is not None:
            return None
        return problems[-1]

    def _outcome(
        self, cells: Sequence[str], claimed: str | None, problems: list[str], by_stage: bool = True
    ) -> Outcome | None:
        """The row's outcome by the one rule (sales_process.outcome); None and a problem when a cell cannot be read.
        Without `by_stage`, the outcome its status and flags tell (None: they leave it to the stage, or one cannot
        be read)."""
        plan = self.plan
        flags: dict[str, bool | Outcome | None] = dict.fromkeys(FLAG_FIELDS)
        for field, index in self._flags:
            try:
                flags[field] = self.outcomes.flag_reading(cells[index], field)
            except ValueError as error:
                problems.append(f"{field}: {error}")
                return None
        try:
            told = self.outcomes.told_outcome(
                status=_cell(cells, plan.status),
                is_closed=flags[IS_CLOSED],
                is_won=flags[IS_WON],
                is_active=flags[IS_ACTIVE],
                is_deleted=flags[IS_DELETED],
            )
        except ValueError as error:
            problems.append(f"{STATUS}: {error}{self._status_fix}")
            return None
        if told is not None or not by_stage:
            return told
        closed = closed_flag(flags[IS_CLOSED], flags[IS_ACTIVE])
        return self.outcomes.outcome_by_stage(_cell(cells, plan.stage), claimed, closed)

    def _close_date(self, cells: Sequence[str], problems: list[str]) -> dt.date | None:
        """The close date's cell, or where it is blank the lost date's (a CRM that keeps them apart)."""
        for field_name, index in ((CLOSE_DATE, self.plan.close_date), (LOST_DATE, self.plan.lost_date)):
            if index is None or not cells[index].strip():
                continue
            try:
                return self._date(cells[index])
            except ValueError as error:
                problems.append(f"{field_name}: {error}{date_hint(error)}")
                self._refused_date(index, cells[index])
                return None
        return None

    def _count_unknown(self, name: str, pipeline: str, closed: bool) -> None:
        """Count a row whose stage name the process does not know (for the mapping the summary offers), whether its
        flags say it is closed, and its pipeline when the export names one (said with them: another pipeline's
        stages are not to be mapped)."""
        self.closed_unknown_stages += closed
        named = " ".join(pipeline.split())
        if named and (named in self.unknown_stage_pipelines or len(self.unknown_stage_pipelines) < UNKNOWN_STAGES_KEPT):
            self.unknown_stage_pipelines[named] += 1
        key, typed = name_key(name), " ".join(name.split())
        if key not in self.unknown_stages and len(self.unknown_stages) >= UNKNOWN_STAGES_KEPT:
            self.other_unknown_stages += 1  # a file of garbage stage names keeps the audit's memory bounded
            return
        spelling, rows = self.unknown_stages.get(key, (typed, 0))
        self.unknown_stages[key] = (min(spelling, typed), rows + 1)

    def _closed_by_flag(self, cells: Sequence[str]) -> str | None:
        """How the row's flags say it is closed (IsClosed, Bitrix24's Closed; else Odoo's Active saying no), or None."""
        try:
            is_closed, is_active = (self._flag(cells, field) for field in (IS_CLOSED, IS_ACTIVE))
        except ValueError:
            return None  # said by _outcome
        if closed_flag(is_closed, is_active) is not True:
            return None
        return (
            "closed column says the deal is closed" if is_closed is True else "active column says the deal is archived"
        )

    def _flag(self, cells: Sequence[str], field: str) -> bool | Outcome | None:
        index = getattr(self.plan, field)
        return self.outcomes.flag_reading(cells[index], field) if index is not None else None

    def _claimed_stage(self, cells: Sequence[str], problems: list[str], lost_is_open: bool = True) -> str | None:
        if self.plan.stage is None:
            return None
        try:
            return self.stages.find(cells[self.plan.stage])
        except LostStageError as error:
            if not lost_is_open:  # a row read for its answers alone (open_deal): its lost stage is no claim
                return None
            # Only an open row gets here with a lost stage: its status (or IsClosed) says open, its stage lost.
            problems.append(f"{error}, but the row's status says the deal is open; correct the status or the stage")
            return None
        except ValueError as error:
            problems.append(
                f'{error}; map the CRM\'s stage names under crm.stage_names or with --stage-name "NAME=stage-id"'
            )
            return None

    def _amount(self, cells: Sequence[str], problems: list[str]) -> Money | None:
        return self._summed(self._money(cells, problems), problems)

    def _money(self, cells: Sequence[str], problems: list[str]) -> Money | None:
        """The row's amount and its currency (None: blank, or a problem added), whatever the file's currency."""
        if self.plan.amount is None:
            return None
        # The currency column, read once: it says which currency an amount in kr is in; a bad one is said below.
        currency_cell = cells[self.plan.currency] if self.plan.currency is not None else ""
        try:
            column_currency, currency_error = parse_currency(currency_cell), None
        except ValueError as error:
            column_currency, currency_error = None, error
        try:
            money = parse_money(cells[self.plan.amount], self.mapping.decimal_comma, column_currency)
        except AmbiguousAmountError as error:
            flag = (
                "without --decimal-comma (and crm.decimal_comma)"
                if self.mapping.decimal_comma
                else "with --decimal-comma"
            )
            problems.append(f"{AMOUNT}: {error}, or run the audit {flag} if that is how the file writes thousands")
            return None
        except DecimalCommaError:
            typed = cells[self.plan.amount].strip()
            written = "has points between its thousands" if "," not in typed else "looks like a decimal comma"
            problems.append(f"{AMOUNT}: {shown(typed)} {written}; pass --decimal-comma (or set crm.decimal_comma)")
            return None
        except ValueError as error:
            problems.append(f"{AMOUNT}: {error}")
            return None
        if money is None:
            return None
        per_period = self._per_period(cells)
        if per_period:
            problems.append(f"{AMOUNT}: {shown(cells[self.plan.amount].strip())} {per_period}")
            return None
        currency = money.currency
        if currency_cell.strip():
            if currency_error is not None:
                problems.append(f"{CURRENCY}: {currency_error}")
                return None
            currency = column_currency
            if money.currency is not None and money.currency != currency:
                problems.append(
                    f"{AMOUNT}: {shown(cells[self.plan.amount].strip())} is written in {money.currency}, "
                    f"but its currency column says {currency}; correct one of them"
                )
                return None
        return Money(money.value, currency)

    def _summed(self, money: Money | None, problems: list[str]) -> Money | None:
        """The amount if it is summed: in the file's one currency (the first named) or naming none; None and a problem
        for one in another currency (an audit sums one currency)."""
        if money is None:
            return None
        if money.currency is not None and self.one_currency:
            self.named[money.currency] += 1
            if self.currency is None:
                self.currency = money.currency
            elif not summed_in_total(money.currency, self.currency):
                reason = other_currency_reason(money.currency, self.currency, "the file's", self._one_currency_fix)
                problems.append(reason)
                return None
        if money.currency is None and self.one_currency:
            self.unnamed += 1
        return money

    def _per_period(self, cells: Sequence[str]) -> str:
        """Why the amount is not the deal's whole value: its period column (Close's value_period, Insightly's Bid
        Type) says it is per period; "" when it says one-off, is blank or the export has none."""
        period = _cell(cells, self.plan.period)
        if self.plan.period is None or not period or label_key(period) in ONE_OFF_PERIODS:
            return ""
        name = self.plan.header[self.plan.period].strip()
        column = PERIOD_COLUMNS[name_key(name)]
        whole = (
            f"its whole value is {column.whole_value}: write that instead"
            if column.whole_value
            else whole_value_hint(label_key(period))
        )
        return (
            f"is a value per period ({name} says {shown(period)}), not the deal's whole value; {whole}, "
            f"with {column.one_off!r} as its {name}"
        )

    def _answer(self, cells: Sequence[str], columns: MilestoneColumns, problems: list[str]) -> Answer | None:
        key = columns.milestone_id
        before = len(problems)
        try:
            met = parse_yes_no(cells[columns.answer])
        except ValueError as error:
            problems.append(f"{key}: {error}")
            met = None
        evidence = cells[columns.evidence] if columns.evidence is not None else ""
        date_text = cells[columns.date] if columns.date is not None else ""
        try:
            date = self._date(date_text) if date_text else None
        except ValueError as error:
            problems.append(f"{key}.date: {error}{date_hint(error)}")
            if columns.date is not None:
                self._refused_date(columns.date, date_text)
            date = None
        buyer = cells[columns.confirmed_by].strip() if columns.confirmed_by is not None else ""
        if met is None:
            if len(problems) == before:
                for part, typed in (("evidence", evidence), ("date", date_text), ("confirmed_by", buyer)):
                    if typed.strip():
                        problems.append(f"{key}.{part} is filled in but {key} is blank; answer yes or no")
            return None
        if buyer:
            return _buyer_answer(key, buyer, met, evidence, date, date_text, problems)
        return Answer(met=met, evidence=evidence or None, date=date)

    def _refused_date(self, index: int, text: str) -> None:
        """Count a date cell refused, by its column's name in the header (RefusedDates: the order most read in)."""
        self.refused_dates.add(self.plan.header[index].strip() if index < len(self.plan.header) else str(index), text)

    def _date(self, text: str) -> dt.date | None:
        date = self._dates.get(text)
        if date is None:
            date = parse_date(text, self.mapping.date_order)
            if has_two_digit_year(text):
                self.two_digit_years += 1  # counted on every cell: never cached
            elif date is not None and len(self._dates) < DATE_CACHE_SIZE:
                self._dates[text] = date
        return date


def _buyer_answer(
    key: str, cell: str, met: bool, evidence: str, date: dt.date | None, date_text: str, problems: list[str]
) -> Answer | None:
    """The buyer's answer a `.confirmed_by` cell stands for (as `playbook deals export` writes it), or None and a problem."""
    try:
        name, email = parse_confirmed_by(cell)
    except ValueError as error:
        problems.append(
            f"{key}.confirmed_by: {error}; write the buyer as `playbook deals export` does, or empty the cell"
        )
        return None
    if date is None:
        if not date_text.strip():
            problems.append(
                f"{key}.confirmed_by names the buyer {shown(cell)}, but {key}.date is blank; a buyer's answer "
                f"counts from the day they gave it: fill in {key}.date (YYYY-MM-DD) or empty {key}.confirmed_by"
            )
        return None
    # A "yes" is its own evidence; a "not quite" keeps the buyer's comment in the evidence column.
    return BuyerAnswer(name, email, date, met, None if met else (evidence.strip() or None)).as_answer()


def date_hint(
    error: ValueError, option: str = "--{}", file: str = "the file", setting: str | None = "crm.dates"
) -> str:
    """How to read a date its file's order (DateOrder) does not: pass the option for the order it fits, `option` with
    day-first or month-first in it (the export's --day-first, a backtest's history's --history-day-first), or set
    `setting` in process.yaml (None: none); "" when the order is not the matter."""

    def given(order: str) -> str:
        return option.format(order) + (f" ({setting}: {order})" if setting else "")

    if isinstance(error, AmbiguousDateError):
        either = f"{option.format('day-first')} or {option.format('month-first')}" + (
            f" ({setting})" if setting else ""
        )
        return f"; or pass {either} if every date in {file} is written so"
    if isinstance(error, MonthFirstDateError):
        return f"; or pass {given('month-first')} if every date in {file} is written so"
    if isinstance(error, OtherOrderDateError):
        fits = error.fits.value
        return f"; if {file} writes its dates {fits.replace('-', ' ')}, pass {given(fits)} instead"
    return ""


def _cell(cells: Sequence[str], index: int | None) -> str:
    return cells[index].strip() if index is not None and index < len(cells) else ""


__all__ = ["ClosedDeal", "DateOrder", "RowProblem", "RowReader", "RowText"]
