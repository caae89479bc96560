"""What the deal pages show: a deal's verdict today, its warnings, and its timeline of checks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from werkzeug.datastructures import MultiDict

from assess_app.deals.review import Changes, changes
from deal_records.answers import WARN_DAYS, SavedAnswers, assess_saved, expiring, read_answers, stale, with_current_ids
from deal_records.models import Check, Deal
from sales_process.confirmation import buyer_confirmed_ids, gate_confirmed_by_buyer
from sales_process.deal import BuyerAnswer
from sales_process.engine import Assessment, Status
from sales_process.loader import LoadedProcess
from sales_process.model import Process
from sales_process.vocabulary import counts_until, status_label


@dataclass(frozen=True)
class Verdict:
    """A saved deal re-assessed on a date, with what is about to expire or has."""

    assessment: Assessment
    saved: SavedAnswers
    expiring: list[tuple[str, dt.date]]
    stale: list[str]


def deal_verdict(loaded: LoadedProcess, deal: Deal, as_of: dt.date) -> Verdict:
    """The deal's latest answers assessed as of `as_of` (a deal never checked has none)."""
    stored = deal.latest_check.answers if deal.latest_check is not None else {}
    saved = read_answers(stored, loaded.process)
    assessment = assess_saved(
        loaded.process, deal.name, deal.claimed_stage, deal.amount, saved, as_of, deal.segment, deal.currency
    )
    return Verdict(assessment, saved, expiring(assessment, WARN_DAYS), stale(assessment))


def warnings(verdict: Verdict, process: Process) -> list[str]:
    """The deals list's notes, one an item: evidence gone stale, or going stale within WARN_DAYS, each named by its
    milestone's question (a rep never sees the ids)."""
    asked = process.questions
    parts = [f"“{asked.get(milestone_id, milestone_id)}” is stale" for milestone_id in verdict.stale]
    parts += [
        f"“{asked.get(milestone_id, milestone_id)}” {counts_until(day, verdict.assessment.as_of)}"
        for milestone_id, day in verdict.expiring
    ]
    return parts


@dataclass(frozen=True)
class TimelineEntry:
    """One check in the timeline and what changed since the one before."""

    number: int
    check: Check
    assessment: Assessment
    changes: Changes
    gained: list[str]
    lost: list[str]
    went_stale: list[str]
    gone: list[str]


def _statuses(assessment: Assessment) -> dict[str, Status]:
    return {result.milestone.id: result.status for result in assessment.milestones}


def timeline(loaded: LoadedProcess, deal: Deal, checks: list[Check]) -> list[TimelineEntry]:
    """Each check assessed on its own day (under the process served now), compared with the previous one."""
    entries: list[TimelineEntry] = []
    before: dict[str, Status] = {}
    previous: Check | None = None
    for number, check in enumerate(checks, start=1):
        saved = read_answers(check.answers, loaded.process)
        assessment = assess_saved(
            loaded.process, deal.name, check.claimed_stage, check.amount, saved, check.checked_at.date(), check.segment
        )
        now = _statuses(assessment)
        was_verified = {key for key, status in before.items() if status is Status.VERIFIED}
        entries.append(
            TimelineEntry(
                number,
                check,
                assessment,
                changes(loaded, previous, check),
                gained=[key for key, status in now.items() if status is Status.VERIFIED and key not in was_verified],
                lost=[key for key in was_verified if now.get(key) not in (Status.VERIFIED, Status.STALE)],
                went_stale=[key for key in was_verified if now.get(key) is Status.STALE],
                gone=sorted(saved.gone),
            )
        )
        before, previous = now, check
    return entries


def prefill(deal: Deal, process: Process) -> MultiDict[str, str]:
    """The check form filled with the deal's latest answers, CRM stage and amount (with its currency),
    by the ids the process has now (see `renamed_from`)."""
    return _filled(process, deal.amount, deal.currency, deal.claimed_stage, deal.segment, deal.latest_check)


def prefill_as_of(deal: Deal, shown: Check | None, process: Process) -> MultiDict[str, str]:
    """The check form as a page filled from check `shown` held it (None: a page that showed no check yet, filled
    with the deal's CRM stage, amount and segment): a check stores those as they were after it."""
    if shown is None:
        return _filled(process, deal.amount, deal.currency, deal.claimed_stage, deal.segment, None)
    return _filled(process, shown.amount, shown.currency, shown.claimed_stage, shown.segment, shown)


def _filled(
    process: Process,
    amount: float | None,
    currency: str | None,
    claimed_stage: str | None,
    segment: str | None,
    check: Check | None,
) -> MultiDict[str, str]:
    pairs: list[tuple[str, str]] = []
    if amount is not None:
        number = str(int(amount)) if amount.is_integer() else str(amount)
        pairs.append(("amount", f"{number} {currency}" if currency else number))
    if claimed_stage:
        pairs.append(("claimed_stage", process.current_stage_id(claimed_stage) or claimed_stage))
    if segment:
        pairs.append(("segment", segment))
    stored = with_current_ids(check.answers, process) if check is not None else {}
    for milestone_id, item in stored.items():
        if not isinstance(item, dict):
            continue
        if item.get("met"):
            pairs.append((f"{milestone_id}.met", "yes"))
        for key in ("evidence", "date"):
            if isinstance(item.get(key), str):
                pairs.append((f"{milestone_id}.{key}", item[key]))
    return MultiDict(pairs)


@dataclass(frozen=True)
class BuyerWord:
    """A milestone's standing answer from the buyer, with the statement they answered and its status now."""

    milestone_id: str
    statement: str
    buyer: BuyerAnswer
    status: str
    status_label: str
    reason: str


@dataclass(frozen=True)
class Confirmable:
    """A milestone the rep may ask the buyer to confirm."""

    id: str
    statement: str
    stage: str
    status_label: str


@dataclass(frozen=True)
class BuyerView:
    """What the deal page shows of the buyer's word and of asking for it."""

    declined: list[BuyerWord]
    confirmed: list[BuyerWord]
    held: dict[str, BuyerAnswer]
    gate_confirmed: bool
    confirmable: list[Confirmable]
    gate_stage: str | None = None  # the stage whose outcomes the buyer confirmed (the one the deal left), by name


def buyer_view(loaded: LoadedProcess, verdict: Verdict) -> BuyerView:
    """The buyer's standing answers on the deal (declined ones first to show), and what may be asked."""
    results = {result.milestone.id: result for result in verdict.assessment.milestones}
    words: list[BuyerWord] = []
    for milestone_id, answer in verdict.saved.answers.items():
        result = results.get(milestone_id)
        if answer.buyer is None or result is None:
            continue
        statement = result.milestone.buyer_statement or result.milestone.question
        words.append(
            BuyerWord(
                milestone_id, statement, answer.buyer, result.status.value, status_label(result.status), result.reason
            )
        )
    confirmable = [
        Confirmable(milestone.id, milestone.buyer_statement, stage.name, status_label(results[milestone.id].status))
        for stage, milestone in loaded.process.milestones()
        if milestone.buyer_statement
    ]
    confirmed_ids = buyer_confirmed_ids(verdict.saved.answers)
    index = verdict.assessment.verified_index
    gate = gate_confirmed_by_buyer(loaded.process, index, confirmed_ids)
    return BuyerView(
        declined=[word for word in words if not word.buyer.agreed],
        confirmed=[word for word in words if word.buyer.agreed],
        held={word.milestone_id: word.buyer for word in words},
        gate_confirmed=gate,
        confirmable=confirmable,
        # The buyer confirmed the outcomes of the stage before the verified one, not the verified stage's own.
        gate_stage=loaded.process.stages[index - 1].name if gate else None,
    )
