"""Saved answers: stored as the API's JSON, read back against whichever process is served now.

An answer to a milestone the process no longer has is kept in the record, shown as
"no longer in the process" and left out of the verdict; a new milestone is unanswered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sales_process.deal import Answer, BuyerAnswer, Deal
from sales_process.engine import Assessment, MilestoneResult, Status, assess
from sales_process.model import Process
from sales_process.status_rules import status_changes, turning_day

# How many days ahead the deal pages and the weekly digest warn that a verified outcome's evidence goes stale.
WARN_DAYS = 14


def answers_json(answers: Mapping[str, Answer]) -> dict[str, object]:
    """The answers as stored (the `milestones` object of the API's body)."""
    stored: dict[str, object] = {}
    for milestone_id, answer in answers.items():
        item: dict[str, object] = {"met": answer.met}
        if answer.evidence is not None:
            item["evidence"] = answer.evidence
        if answer.date is not None:
            item["date"] = answer.date.isoformat()
        if answer.buyer is not None:
            item["buyer"] = buyer_json(answer.buyer)
        stored[milestone_id] = item
    return stored


def buyer_json(buyer: BuyerAnswer) -> dict[str, object]:
    """The buyer's answer as stored inside the milestone's answer (only a confirmation link writes one)."""
    return {
        "name": buyer.name,
        "email": buyer.email,
        "date": buyer.date.isoformat(),
        "agreed": buyer.agreed,
        "comment": buyer.comment,
    }


def _buyer(item: object) -> BuyerAnswer | None:
    if not isinstance(item, Mapping):
        return None
    comment = item.get("comment")
    return BuyerAnswer(
        name=str(item.get("name", "")),
        email=str(item.get("email", "")),
        date=dt.date.fromisoformat(str(item["date"])),
        agreed=item.get("agreed") is True,
        comment=comment if isinstance(comment, str) else None,
    )


@dataclass(frozen=True)
class SavedAnswers:
    """Stored answers read against a process: those it asks, and those it no longer does."""

    answers: dict[str, Answer]
    gone: dict[str, Answer]


def _answer(item: object) -> Answer:
    if isinstance(item, bool):
        return Answer(met=item)
    # Read for every milestone of every saved deal (/pipeline, the digest, the backtest): a stored answer is a
    # dict, tested before the slower Mapping (an abstract class).
    data = item if isinstance(item, (dict, Mapping)) else {}
    if data.get("buyer") is not None:
        buyer = _buyer(data["buyer"])
        if buyer is not None:
            return buyer.as_answer()
    date = data.get("date")
    evidence = data.get("evidence")
    return Answer(
        bool(data.get("met")),
        evidence if isinstance(evidence, str) else None,
        dt.date.fromisoformat(date) if isinstance(date, str) else None,
    )


def read_stored(stored: Mapping[str, object]) -> dict[str, Answer]:
    """Every stored answer, whether or not the process still asks it."""
    return {milestone_id: _answer(item) for milestone_id, item in stored.items()}


def rep_answer_before(history: Sequence[object], milestone_id: str) -> tuple[int, Answer] | None:
    """The rep's own answer to a milestone that the buyer has answered since, and where in `history` (a deal's
    stored answers, oldest first) it is: the evidence the buyer's word stands beside, never replaced by it (None:
    the rep gave none)."""
    for index in range(len(history) - 1, -1, -1):
        stored = history[index]
        item = stored.get(milestone_id) if isinstance(stored, Mapping) else None
        if isinstance(item, Mapping) and item.get("buyer") is not None:
            continue
        if item is None:
            return None
        answer = _answer(item)
        return (index, answer) if answer.met or answer.evidence or answer.date else None
    return None


def with_current_ids(stored: Mapping[str, object], process: Process) -> dict[str, object]:
    """Stored answers keyed by the ids their milestones have now: an answer under an id a milestone was
    `renamed_from` becomes that milestone's (unless the same check answered the new id, which then stands)."""
    renamed = process.renamed_milestones
    if not renamed:
        return dict(stored)
    return {
        renamed[key] if key in renamed and renamed[key] not in stored else key: item for key, item in stored.items()
    }


def read_answers(stored: Mapping[str, object], process: Process) -> SavedAnswers:
    """Split stored answers into the process's milestones (by their ids now) and those it no longer has."""
    known = process.milestone_ids
    answers: dict[str, Answer] = {}
    gone: dict[str, Answer] = {}
    for milestone_id, item in (with_current_ids(stored, process) if process.renamed_milestones else stored).items():
        if milestone_id in known:
            answers[milestone_id] = _answer(item)
        else:
            gone[milestone_id] = _answer(item)
    return SavedAnswers(answers, gone)


def verdict_window(
    process: Process, answers: Mapping[str, Answer], as_of: dt.date
) -> tuple[dt.date | None, dt.date | None]:
    """The as-of dates [from, until) over which every milestone's status stays what it is on `as_of`.

    A status changes with the date only on the day a status rule that depends on it starts or
    stops holding (sales_process.status_rules: a dated outcome stops being in the future on its
    date, and goes stale the day after max_age_days): those days bound the window.
    """
    start: dt.date | None = None
    end: dt.date | None = None
    for _, milestone in process.milestones():
        for day in status_changes(milestone, answers.get(milestone.id), as_of):
            if day <= as_of:
                start = day if start is None or day > start else start
            elif end is None or day < end:
                end = day
    return start, end


def blocking_text(assessment: Assessment) -> str:
    """What holds the deal at its verified stage, as stored: "milestone-id:status ..." in order."""
    return " ".join(f"{result.milestone.id}:{result.status.value}" for result in assessment.next)


def read_blocking(text: str) -> tuple[tuple[str, str], ...]:
    """The (milestone id, status) pairs of a stored blocking text."""
    return tuple((pair[0], pair[2]) for pair in (item.partition(":") for item in text.split()))


def last_valid_day(result: MilestoneResult) -> dt.date | None:
    """The last day a dated outcome counts (its date plus max_age_days: the day before it goes stale); None
    when it never expires or has no date."""
    stale_from = turning_day(Status.STALE, result.milestone, result.answer)
    return None if stale_from is None else stale_from - dt.timedelta(days=1)


def expiring(assessment: Assessment, within_days: int) -> list[tuple[str, dt.date]]:
    """Verified outcomes that go stale within `within_days` of the as-of date: (milestone id, last valid day)."""
    soon: list[tuple[str, dt.date]] = []
    for result in assessment.milestones:
        last_day = last_valid_day(result) if result.status is Status.VERIFIED else None
        if last_day is not None and (last_day - assessment.as_of).days <= within_days:
            soon.append((result.milestone.id, last_day))
    return sorted(soon, key=lambda item: item[1])


def stale(assessment: Assessment) -> list[str]:
    """Milestones whose outcome has gone stale."""
    return [result.milestone.id for result in assessment.milestones if result.status is Status.STALE]


def assess_saved(
    process: Process,
    name: str,
    claimed_stage: str | None,
    amount: float | None,
    saved: SavedAnswers,
    as_of: dt.date,
    segment: str | None = None,
    currency: str | None = None,
) -> Assessment:
    """Assess saved answers as of a date; a CRM stage the process no longer has counts as unset, one it
    was `renamed_from` as the stage it is now. `currency` is the amount's, which the verdict's weighted amounts are in."""
    claimed = process.current_stage_id(claimed_stage) if claimed_stage else None
    deal = Deal(
        name=name, claimed_stage=claimed, amount=amount, answers=saved.answers, segment=segment, currency=currency
    )
    return assess(process, deal, as_of)
