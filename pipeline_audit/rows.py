"""One CSV row to the engine's Deal, or the reasons it cannot be assessed.

Cells are read with the core's deal vocabulary (sales_process.vocabulary), the same
parsers the form, the API and deal files use; only the hints name the audit's options.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline_audit.columns import AMOUNT, ColumnPlan, MilestoneColumns
from sales_process.crm import CrmMapping, parse_confirmed_by
from sales_process.deal import Answer, BuyerAnswer, Deal
from sales_process.model import Process
from sales_process.vocabulary import (
    ANSWERS_AS_TYPED,
    AmbiguousAmountError,
    AmbiguousDateError,
    DateOrder,
    DecimalCommaError,
    LostStageError,
    Money,
    MonthFirstDateError,
    StageLookup,
    currency_code,
    parse_date,
    parse_money,
    parse_yes_no,
    plural,
    shown,
)

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
        return self.problems[0] + (f" (and {more} more)" if more else "")


@dataclass(frozen=True)
class RowText:
    """What the row says about the deal, as typed (kept for rows that are not assessed)."""

    deal: str
    owner: str
    stage: str
    amount: str
    crm_id: str = ""


class RowReader:
    """Reads rows laid out by one ColumnPlan; built once per file for speed."""

    def __init__(self, plan: ColumnPlan, process: Process, mapping: CrmMapping, one_currency: bool = True) -> None:
        self.plan = plan
        self.mapping = mapping
        # An audit sums one currency; an import saves each deal's own (False: rows may differ).
        self.one_currency = one_currency
        self.stages = StageLookup(((stage.id, stage.name) for stage in process.stages), mapping.stage_names)
        self.currency: str | None = None  # the first currency named in the file: every amount must be in it
        self.lost_deals = 0  # rows whose stage marks a lost deal (not assessed: the process has no lost stage)
        self._dates: dict[str, dt.date] = {}  # exports repeat the same few thousand dates

    def text(self, cells: Sequence[str]) -> RowText:
        """The deal, owner, stage, amount and CRM id cells as typed ("" when absent)."""
        plan = self.plan
        return RowText(
            _cell(cells, plan.deal),
            _cell(cells, plan.owner),
            _cell(cells, plan.stage),
            _cell(cells, plan.amount),
            _cell(cells, plan.crm_id),
        )

    def deal(self, cells: Sequence[str]) -> Deal:
        """Build the Deal of a row; raise RowProblem listing everything wrong with it."""
        plan = self.plan
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
        name = cells[plan.deal].strip()
        if not name:
            problems.append("the deal cell is blank; name the deal")
        claimed = self._claimed_stage(cells, problems)
        amount = self._amount(cells, problems)
        answers: dict[str, Answer] = {}
        for columns in plan.milestones:
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
        if problems:
            raise RowProblem(problems)
        return Deal(
            name=name,
            claimed_stage=claimed,
            amount=amount.value if amount else None,
            answers=answers,
            currency=amount.currency if amount else None,
        )

    def _claimed_stage(self, cells: Sequence[str], problems: list[str]) -> str | None:
        if self.plan.stage is None:
            return None
        try:
            return self.stages.find(cells[self.plan.stage])
        except LostStageError as error:
            # Exports usually hold lost deals too: say what they are and the two ways out, and count them.
            self.lost_deals += 1
            typed = cells[self.plan.stage].strip()
            problems.append(
                f"{error}; only open deals can be checked: filter lost deals out of the CRM report, "
                f'or map the stage under crm.stage_names or with --stage-name "{typed}=stage-id"'
            )
            return None
        except ValueError as error:
            problems.append(
                f'{error}; map the CRM\'s stage names under crm.stage_names or with --stage-name "NAME=stage-id"'
            )
            return None

    def _amount(self, cells: Sequence[str], problems: list[str]) -> Money | None:
        if self.plan.amount is None:
            return None
        try:
            money = parse_money(cells[self.plan.amount], self.mapping.decimal_comma)
        except AmbiguousAmountError as error:
            flag = (
                "without --decimal-comma (and crm.decimal_comma)"
                if self.mapping.decimal_comma
                else "with --decimal-comma"
            )
            problems.append(f"{AMOUNT}: {error}, or run the audit {flag} if that is how the file writes thousands")
            return None
        except DecimalCommaError:
            problems.append(
                f"{AMOUNT}: {shown(cells[self.plan.amount].strip())} looks like a decimal comma; pass --decimal-comma (or set crm.decimal_comma)"
            )
            return None
        except ValueError as error:
            problems.append(f"{AMOUNT}: {error}")
            return None
        if money is None:
            return None
        currency = money.currency
        if self.plan.currency is not None and cells[self.plan.currency].strip():
            currency = currency_code(cells[self.plan.currency])
            if money.currency is not None and money.currency != currency:
                problems.append(
                    f"{AMOUNT}: {shown(cells[self.plan.amount].strip())} is written in {money.currency}, "
                    f"but its currency column says {currency}; correct one of them"
                )
                return None
        if currency is not None and self.one_currency:
            if self.currency is None:
                self.currency = currency
            elif currency != self.currency:
                problems.append(
                    f"{AMOUNT}: in {currency}, but the file's amounts are in {self.currency}; "
                    "an audit sums one currency, so convert it or audit each currency separately"
                )
                return None
        return Money(money.value, currency)

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
            problems.append(f"{key}.date: {error}{_date_hint(error)}")
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

    def _date(self, text: str) -> dt.date | None:
        date = self._dates.get(text)
        if date is None:
            date = parse_date(text, self.mapping.date_order)
            if date is not None and len(self._dates) < DATE_CACHE_SIZE:
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


def _date_hint(error: ValueError) -> str:
    if isinstance(error, AmbiguousDateError):
        return "; or pass --day-first or --month-first (crm.dates) if every date in the file is written so"
    if isinstance(error, MonthFirstDateError):
        return "; or pass --month-first (crm.dates: month-first) if every date in the file is written so"
    return ""


def _cell(cells: Sequence[str], index: int | None) -> str:
    return cells[index].strip() if index is not None and index < len(cells) else ""


__all__ = ["DateOrder", "RowProblem", "RowReader", "RowText"]
