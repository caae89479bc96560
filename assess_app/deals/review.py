"""What a manager reviews on a deal: every answer with its evidence, status and author, and what changed between checks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from deal_records.answers import assess_saved, last_valid_day, read_answers, read_stored, rep_answer_before
from deal_records.models import Check, Deal
from sales_process.deal import Answer
from sales_process.engine import Assessment, MilestoneResult, Status
from sales_process.loader import LoadedProcess
from sales_process.vocabulary import counts_until, money_in

# A "yes" that does not count: the statuses a rep fixes in the answer itself (or hears from the buyer).
_PROBLEMS = frozenset({Status.NO_EVIDENCE, Status.FUTURE_DATE, Status.UNDATED, Status.STALE, Status.AWAITING_BUYER})


@dataclass(frozen=True)
class AnswerRow:
    """One milestone of the process with its answer as recorded, its status now and who recorded it."""

    result: MilestoneResult
    recorded: Check | None
    last_day: dt.date | None  # of a stale answer: the last day it counted
    rep_answer: tuple[Answer, Check] | None = None  # under the buyer's word: the rep's own answer before it

    @property
    def validity(self) -> str | None:
        """A stale answer's "counted until D" (None for any other)."""
        return None if self.last_day is None else counts_until(self.last_day, self.result.as_of)

    @property
    def answer(self) -> Answer | None:
        """The answer as stored (None: never answered)."""
        return self.result.answer

    @property
    def is_problem(self) -> bool:
        """An answer that says "met" but does not count, or that the buyer declined."""
        answer = self.result.answer
        if answer is not None and answer.buyer_declined:
            return True
        return self.result.status in _PROBLEMS


def _stored_item(check: Check, milestone_id: str) -> object:
    return check.answers.get(milestone_id) if isinstance(check.answers, Mapping) else None


def _recorded_by(checks: Sequence[Check], milestone_id: str) -> Check | None:
    """The check that gave the last check's answer to this milestone (the earliest of the run that keeps it)."""
    if not checks:
        return None
    current = _stored_item(checks[-1], milestone_id)
    if current is None:
        return None
    origin = checks[-1]
    for check in reversed(checks[:-1]):
        if _stored_item(check, milestone_id) != current:
            break
        origin = check
    return origin


def _rep_answer(checks: Sequence[Check], milestone_id: str) -> tuple[Answer, Check] | None:
    """The rep's own answer under the buyer's word, and the check that first recorded it."""
    found = rep_answer_before([check.answers for check in checks], milestone_id)
    if found is None:
        return None
    index, answer = found
    return answer, _recorded_by(checks[: index + 1], milestone_id) or checks[index]


def assessed_check(loaded: LoadedProcess, deal: Deal, check: Check | None, as_of: dt.date) -> Assessment:
    """A check's answers assessed as of a date (no check: nothing answered)."""
    saved = read_answers(check.answers if check is not None else {}, loaded.process)
    claimed = check.claimed_stage if check is not None else deal.claimed_stage
    amount = check.amount if check is not None else deal.amount
    return assess_saved(loaded.process, deal.name, claimed, amount, saved, as_of)


def answer_rows(assessment: Assessment, checks: Sequence[Check]) -> list[AnswerRow]:
    """Every milestone in stage order, with the answer of the last of `checks`, its status and its author."""
    return [
        AnswerRow(
            result,
            _recorded_by(checks, result.milestone.id),
            last_valid_day(result) if result.status is Status.STALE else None,
            _rep_answer(checks, result.milestone.id) if result.answer is not None and result.answer.buyer else None,
        )
        for result in assessment.milestones
    ]


@dataclass(frozen=True)
class ValueChange:
    """An answer's evidence or date that a check changed: the question, what it was and what it became."""

    question: str
    before: str
    after: str


@dataclass(frozen=True)
class Changes:
    """What one check changed from the one before, as the process's questions."""

    newly_met: list[str]
    no_longer_met: list[str]
    evidence_changed: list[ValueChange]
    date_changed: list[ValueChange]
    buyer_answered: list[str]
    claimed_stage: tuple[str, str] | None
    amount: tuple[str, str] | None = None  # as read, with its currency: ("EUR 12,500", "USD 15,000")

    @property
    def any(self) -> bool:
        """Whether anything changed."""
        return bool(
            self.newly_met
            or self.no_longer_met
            or self.evidence_changed
            or self.date_changed
            or self.buyer_answered
            or self.claimed_stage
            or self.amount
        )


def _stage_name(loaded: LoadedProcess, stage_id: str | None) -> str:
    if not stage_id:
        return "none"
    index = loaded.process.stage_index(stage_id)
    return loaded.process.stages[index].name if index is not None else stage_id


def changes(loaded: LoadedProcess, before: Check | None, after: Check) -> Changes:
    """The difference between two checks' answers, named by question (an id only for a milestone now gone)."""
    old = read_stored(before.answers) if before is not None else {}
    new = read_stored(after.answers)
    asked = loaded.process.questions
    order = list(asked) + sorted((set(old) | set(new)) - set(asked))
    found: dict[str, list[str]] = {"met": [], "unmet": [], "buyer": []}
    edited: dict[str, list[ValueChange]] = {"evidence": [], "date": []}
    for milestone_id in order:
        was, now = old.get(milestone_id), new.get(milestone_id)
        was_met, now_met = was is not None and was.met, now is not None and now.met
        name = asked.get(milestone_id, milestone_id)
        if (was.buyer if was else None) != (now.buyer if now else None) and now is not None and now.buyer:
            found["buyer"].append(name)
        elif now_met and not was_met:
            found["met"].append(name)
        elif was_met and not now_met:
            found["unmet"].append(name)
        elif was is not None and now is not None:
            if (was.evidence or "").strip() != (now.evidence or "").strip():
                edited["evidence"].append(ValueChange(name, (was.evidence or "").strip(), (now.evidence or "").strip()))
            if was.date != now.date:
                edited["date"].append(ValueChange(name, _day(was.date), _day(now.date)))
    stage_before = before.claimed_stage if before is not None else None
    stage_moved = before is not None and stage_before != after.claimed_stage
    amount_moved = before is not None and (before.amount, before.currency) != (after.amount, after.currency)
    return Changes(
        found["met"],
        found["unmet"],
        edited["evidence"],
        edited["date"],
        found["buyer"],
        (_stage_name(loaded, stage_before), _stage_name(loaded, after.claimed_stage)) if stage_moved else None,
        (_amount(before), _amount(after)) if before is not None and amount_moved else None,
    )


def _day(day: dt.date | None) -> str:
    return day.isoformat() if day is not None else ""


def _amount(check: Check) -> str:
    """A check's amount to read, with its currency; "none" when it had none."""
    return "none" if check.amount is None else money_in(check.amount, check.currency)
