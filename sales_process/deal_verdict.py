"""One deal's verdict, whatever its source: a row of a CRM export (either audit engine) or a saved deal.

Every source produces `DealVerdict`s and the report (`pipeline_report`) reads nothing else:
the deal's ids and name, its owner as people are named, the stage its CRM claims and the stage
its evidence verifies, its amount and both weighted amounts in whole cents, its outcome,
what holds it at its verified stage, and the buyer's word.

A `NamedTuple` rather than a frozen dataclass, and on purpose: it is as immutable and as typed,
and `/pipeline` makes one per saved deal (100,000 a request); a frozen dataclass costs ten
times as much to make (about 8 µs against 0.6 µs here), which alone would double the page's time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import NamedTuple

from sales_process.confirmation import buyer_confirmed_ids, buyer_declined_ids, gate_confirmed_by_buyer
from sales_process.engine import Assessment
from sales_process.evidence import MIN_LENGTH
from sales_process.model import Milestone, Process
from sales_process.outcome import Outcome
from sales_process.status_rules import answered_on
from sales_process.vocabulary import Status, plural, weighted_cents

Blocking = tuple[tuple[str, str], ...]  # (milestone id, status) of each milestone holding a deal back
# (milestone id, its date) of each milestone holding a deal back as too old
StaleSince = tuple[tuple[str, dt.date], ...]
NO_MARKS: frozenset[str] = frozenset()

# A milestone answered yes whose evidence does not count (evidence.evidence_counts): the customer did their part,
# so audit.csv and the report ask the rep for the record rather than the customer for the action again.
UNEVIDENCED = (
    f"Answered yes without evidence that counts (none named, under {MIN_LENGTH} characters, or a placeholder); "
    "name the record: "
)


def next_words(milestone: Milestone, status: str) -> str:
    """What a milestone holding a deal back asks next, in the words of audit.csv (both engines) and the report: the customer's action,
    or, answered yes without evidence that counts, the record to name."""
    return UNEVIDENCED + milestone.evidence if status == Status.NO_EVIDENCE else milestone.customer_action


def report_words(milestone: Milestone, status: str, since: dt.date | None = None) -> str:
    """What a milestone holding a deal back asks next, in report.html's words: next_words, but for an outcome whose
    evidence is too old, which the customer did and must confirm again, the age is the news: "Re-confirm: … (evidence
    from 2026-02-28 is older than 30 days)." (`since`: its date, when known); for one undated or dated after the day
    assessed, the date is ("Date it: …", "Check its date: …"). audit.csv keeps next_words."""
    action = milestone.customer_action.rstrip(".")
    # Answered yes with evidence, held back by its date alone: the rep has what to fix, not the customer.
    if status == Status.UNDATED:
        return f"Date it: {action} (answered yes with evidence, but undated: it counts only with its date)."
    if status == Status.FUTURE_DATE:
        return f"Check its date: {action} (dated after the day assessed: it counts from that day)."
    if status != Status.STALE:
        return next_words(milestone, status)
    dated = f"evidence from {since.isoformat()}" if since is not None else "its evidence"
    age = plural(milestone.max_age_days or 0, "day")
    return f"Re-confirm: {action} ({dated} is older than {age})."


class DealVerdict(NamedTuple):
    """A deal's verdict as of a date: the one record the pipeline report is fed."""

    number: int  # where its source keeps the deal: the line of a CRM export, or the saved deal's id
    crm_id: str
    name: str
    owner: str  # as people are named: a saved deal's owner by name (else email), an export's as written
    claimed_stage_id: str | None  # the CRM's stage; None when none is given
    verified_stage_id: str | None  # the stage the evidence supports; None when the deal was not assessed
    amount: float | None
    currency: str | None
    claimed_weighted_cents: int | None  # amount × the claimed stage's probability; None without either
    verified_weighted_cents: int | None  # amount × the verified stage's probability; None without an amount
    blocking: Blocking = ()  # the verified stage's milestones not verified yet, in file order
    buyer_confirmed: frozenset[str] = NO_MARKS  # milestones whose standing answer is the buyer's "yes"
    buyer_declined: frozenset[str] = NO_MARKS  # milestones the buyer answered "Not quite"
    verified_by_buyer: bool = False  # the buyer confirmed every outcome that put the deal at its verified stage
    outcome: Outcome = Outcome.OPEN
    not_assessed: str = ""  # why the deal could not be assessed, in a few words; "" when it was
    stale_since: StaleSince = ()  # the dates of the milestones in `blocking` too old, when the source knows them

    @property
    def assessed(self) -> bool:
        """Whether the deal has a verified stage (else `not_assessed` says why)."""
        return self.verified_stage_id is not None


def assessed_verdict(
    assessment: Assessment,
    number: int,
    *,
    crm_id: str = "",
    owner: str = "",
    currency: str | None = None,
    stale_since: StaleSince = (),
) -> DealVerdict:
    """The verdict of a deal assessed by the engine (`sales_process.engine.assess`); `stale_since`: stale_dates."""
    process, deal = assessment.process, assessment.deal
    claimed, verified = assessment.claimed_stage, assessment.verified_stage
    confirmed = buyer_confirmed_ids(deal.answers)
    return DealVerdict(
        number,
        crm_id,
        deal.name or "",
        owner,
        claimed.id if claimed else None,
        verified.id,
        deal.amount,
        currency,
        weighted_cents(deal.amount, claimed.probability) if claimed else None,
        weighted_cents(deal.amount, verified.probability),
        tuple((result.milestone.id, result.status.value) for result in assessment.next),
        confirmed,
        buyer_declined_ids(deal.answers),
        bool(confirmed) and gate_confirmed_by_buyer(process, assessment.verified_index, confirmed),
        stale_since=stale_since,
    )


def stale_dates(assessment: Assessment) -> StaleSince:
    """The dates of the milestones holding the deal back as too old: a CRM export's audit words them in its report
    (both engines read them); saved deals' stored verdicts keep none, so /pipeline says the age alone."""
    return tuple(
        (result.milestone.id, date)
        for result in assessment.next
        if result.status is Status.STALE and (date := answered_on(result.answer)) is not None
    )


def unassessed_verdict(
    number: int, name: str, reason: str, *, crm_id: str = "", owner: str = "", outcome: Outcome = Outcome.OPEN
) -> DealVerdict:
    """The verdict of a deal that could not be assessed: `reason` says why, in a few words."""
    return DealVerdict(
        number, crm_id, name, owner, None, None, None, None, None, None, outcome=outcome, not_assessed=reason
    )


class KnownVerdicts:
    """Verdicts decided elsewhere (the SQL of the DuckDB engine, the verdicts stored with saved deals) as DealVerdicts.

    What deals share is worked out once: the stage ids and probabilities, and whether a stage rests on the buyer's word.
    """

    def __init__(self, process: Process) -> None:
        self.process = process
        self._gates: dict[tuple[int, frozenset[str]], bool] = {}

    def verified_by_buyer(self, verified_index: int, buyer_confirmed: frozenset[str]) -> bool:
        """Whether the buyer confirmed what put a deal at its verified stage (remembered per stage and answers)."""
        if not buyer_confirmed:  # most deals: the gate needs at least one "yes"
            return False
        key = (verified_index, buyer_confirmed)
        gate = self._gates.get(key)
        if gate is None:
            gate = self._gates[key] = gate_confirmed_by_buyer(self.process, verified_index, buyer_confirmed)
        return gate

    def verdict(
        self,
        number: int,
        name: str,
        claimed_stage_id: str | None,
        verified_index: int,
        amount: float | None,
        blocking: Blocking,
        *,
        crm_id: str = "",
        owner: str = "",
        currency: str | None = None,
        buyer_confirmed: frozenset[str] = NO_MARKS,
        buyer_declined: frozenset[str] = NO_MARKS,
        stale_since: StaleSince = (),
    ) -> DealVerdict:
        """One deal's verdict: its verified stage by position, what holds it there, the buyer's marks, and the dates
        of the milestones holding it back as too old."""
        stages = self.process.stages
        claimed_index = self.process.stage_index(claimed_stage_id) if claimed_stage_id else None
        verified = stages[verified_index]
        return DealVerdict(
            number,
            crm_id,
            name,
            owner,
            None if claimed_index is None else stages[claimed_index].id,
            verified.id,
            amount,
            currency,
            None if claimed_index is None else weighted_cents(amount, stages[claimed_index].probability),
            weighted_cents(amount, verified.probability),
            blocking,
            buyer_confirmed,
            buyer_declined,
            self.verified_by_buyer(verified_index, buyer_confirmed),
            stale_since=stale_since,
        )

    def alike(
        self,
        owner: str,
        claimed_stage_id: str | None,
        verified_index: int,
        blocking: Blocking,
        buyer_confirmed: frozenset[str],
        deals: Iterable[tuple[int, str, str, float | None, str | None]],
        *,
        buyer_declined: frozenset[str] = NO_MARKS,
    ) -> list[DealVerdict]:
        """The verdicts of deals sharing all but their ids, names and money: `deals` are (number, CRM id, name,
        amount, currency).

        What they share is worked out once (a pipeline of saved deals comes in such groups); each
        amount is still weighted alone, to the cent, as `verdict` weighs it (a deal in another currency than
        its pipeline's is not assessed, so never comes here: deal_records.pipeline).
        """
        stages = self.process.stages
        claimed_index = self.process.stage_index(claimed_stage_id) if claimed_stage_id else None
        claimed_id = None if claimed_index is None else stages[claimed_index].id
        verified = stages[verified_index]
        by_buyer = self.verified_by_buyer(verified_index, buyer_confirmed)
        verified_share, claimed_share = (
            verified.probability,
            None if claimed_index is None else stages[claimed_index].probability,
        )
        return [
            DealVerdict(
                number,
                crm_id,
                name,
                owner,
                claimed_id,
                verified.id,
                amount,
                currency,
                None if claimed_share is None else weighted_cents(amount, claimed_share),
                weighted_cents(amount, verified_share),
                blocking,
                buyer_confirmed,
                buyer_declined,
                by_buyer,
            )
            for number, crm_id, name, amount, currency in deals
        ]
