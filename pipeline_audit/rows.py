"""One CSV row to the engine's Deal, or the reasons it cannot be assessed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline_audit.cells import NO, YES, parse_amount, parse_date, parse_yes_no, show
from pipeline_audit.columns import AMOUNT, DATE_SUFFIX, EVIDENCE_SUFFIX, ColumnPlan, MilestoneColumns
from sales_process.deal import Answer, Deal
from sales_process.model import Process
from sales_process.suggest import did_you_mean

DATE_CACHE_SIZE = 50_000
# The spellings most exports use, looked up as typed; anything else goes through parse_yes_no.
_EXACT_WORDS = {word: value for words, value in ((YES, True), (NO, False)) for word in words}
_EXACT_WORDS.update({word.capitalize(): value for word, value in list(_EXACT_WORDS.items())})
_EXACT_WORDS.update({word.upper(): value for word, value in list(_EXACT_WORDS.items())})


class RowProblem(Exception):
    """A row that cannot be assessed; `reason` names every problem in it."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.reason = "; ".join(problems)


@dataclass(frozen=True)
class RowText:
    """What the row says about the deal, as typed (kept for rows that are not assessed)."""

    deal: str
    owner: str
    stage: str
    amount: str


class RowReader:
    """Reads rows laid out by one ColumnPlan; built once per file for speed."""

    def __init__(self, plan: ColumnPlan, process: Process, day_first: bool = False) -> None:
        self.plan = plan
        self.day_first = day_first
        self._stage_names = [stage.name for stage in process.stages] + [stage.id for stage in process.stages]
        self._stage_list = ", ".join(stage.name for stage in process.stages)
        self._stages = process.stage_ids_by_label()
        self._dates: dict[str, dt.date] = {}  # exports repeat the same few thousand dates

    def text(self, cells: Sequence[str]) -> RowText:
        """The deal, owner, stage and amount cells as typed ("" when absent)."""
        plan = self.plan
        return RowText(_cell(cells, plan.deal), _cell(cells, plan.owner), _cell(cells, plan.stage), _cell(cells, plan.amount))

    def deal(self, cells: Sequence[str]) -> Deal:
        """Build the Deal of a row; raise RowProblem listing everything wrong with it."""
        plan = self.plan
        if len(cells) != plan.width:
            raise RowProblem([f"the row has {len(cells)} cells but the header has {plan.width} columns; check for a stray delimiter or quote"])
        problems: list[str] = []
        for index in plan.unnamed:
            if cells[index].strip():
                problems.append(f"column {index + 1} has no name in the header but holds {show(cells[index])}; name the column or empty it")
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
            if not (answer_text or evidence or date_text):
                continue  # unanswered: the common case, kept cheap
            met = _EXACT_WORDS.get(answer_text)
            if met is not None and (not date_text or date_text in self._dates):
                answers[columns.milestone_id] = Answer(met, evidence or None, self._dates.get(date_text))
                continue
            answer = self._answer(cells, columns, problems)
            if answer is not None:
                answers[columns.milestone_id] = answer
        if problems:
            raise RowProblem(problems)
        return Deal(name=name, claimed_stage=claimed, amount=amount, answers=answers)

    def _claimed_stage(self, cells: Sequence[str], problems: list[str]) -> str | None:
        if self.plan.stage is None:
            return None
        typed = cells[self.plan.stage].strip()
        if not typed:
            return None
        stage_id = self._stages.get(typed.lower())
        if stage_id is None:
            problems.append(f"unknown stage {show(typed)}{did_you_mean(typed, self._stage_names)} (stages: {self._stage_list})")
        return stage_id

    def _amount(self, cells: Sequence[str], problems: list[str]) -> float | None:
        if self.plan.amount is None:
            return None
        try:
            return parse_amount(cells[self.plan.amount])
        except ValueError as error:
            problems.append(f"{AMOUNT}: {error}")
            return None

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
            problems.append(f"{key}{DATE_SUFFIX}: {error}")
            date = None
        if met is None:
            if len(problems) == before:
                for suffix, typed in ((EVIDENCE_SUFFIX, evidence), (DATE_SUFFIX, date_text)):
                    if typed.strip():
                        problems.append(f"{key}{suffix} is filled in but {key} is blank; answer yes or no")
            return None
        return Answer(met=met, evidence=evidence or None, date=date)

    def _date(self, text: str) -> dt.date | None:
        date = self._dates.get(text)
        if date is None:
            date = parse_date(text, self.day_first)
            if date is not None and len(self._dates) < DATE_CACHE_SIZE:
                self._dates[text] = date
        return date


def _cell(cells: Sequence[str], index: int | None) -> str:
    return cells[index].strip() if index is not None and index < len(cells) else ""

