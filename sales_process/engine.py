"""The assessment engine: the stage a deal can prove it is in. Pure: no I/O, no clock."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from sales_process.deal import Answer, Deal
from sales_process.evidence import evidence_counts
from sales_process.model import Milestone, Process, Stage


class Status(enum.StrEnum):
    """A milestone's status; the first that applies wins, in this order."""

    UNANSWERED = "unanswered"
    NOT_MET = "not_met"
    NO_EVIDENCE = "no_evidence"
    FUTURE_DATE = "future_date"
    UNDATED = "undated"
    STALE = "stale"
    VERIFIED = "verified"


@dataclass(frozen=True)
class MilestoneResult:
    """One milestone's status and the sentence that explains it to the rep."""

    stage: Stage
    milestone: Milestone
    status: Status
    reason: str


@dataclass(frozen=True)
class Assessment:
    """The verified stage of one deal, the claim, and what is missing."""

    process: Process
    deal: Deal
    as_of: dt.date
    verified_index: int
    claimed_index: int | None
    milestones: tuple[MilestoneResult, ...]

    @property
    def verified_stage(self) -> Stage:
        """The stage the evidence supports."""
        return self.process.stages[self.verified_index]

    @property
    def claimed_stage(self) -> Stage | None:
        """The stage the CRM claims, if given."""
        return None if self.claimed_index is None else self.process.stages[self.claimed_index]

    @property
    def stages_ahead(self) -> int | None:
        """Claimed index minus verified index (negative when the rep is cautious)."""
        return None if self.claimed_index is None else self.claimed_index - self.verified_index

    @property
    def next(self) -> tuple[MilestoneResult, ...]:
        """The verified stage's milestones that are not verified yet, in file order."""
        return tuple(
            r for r in self.milestones
            if r.stage.id == self.verified_stage.id and r.status is not Status.VERIFIED
        )

    @property
    def out_of_order(self) -> tuple[MilestoneResult, ...]:
        """Verified milestones of stages after the verified stage (to backfill)."""
        later = {stage.id for stage in self.process.stages[self.verified_index + 1 :]}
        return tuple(r for r in self.milestones if r.stage.id in later and r.status is Status.VERIFIED)

    def weighted(self, stage: Stage | None) -> float | None:
        """The deal's amount weighted by the stage's probability (None when unknown)."""
        if self.deal.amount is None or stage is None:
            return None
        return self.deal.amount * stage.probability / 100


def milestone_status(milestone: Milestone, answer: Answer | None, as_of: dt.date) -> tuple[Status, str]:
    """Apply the status rules to one answer; return the status and its reason."""
    if answer is None:
        return Status.UNANSWERED, "Not answered yet."
    if not answer.met:
        return Status.NOT_MET, "The customer has not done this yet."
    if milestone.evidence_required and not evidence_counts(answer.evidence):
        if answer.evidence and answer.evidence.strip():
            return Status.NO_EVIDENCE, f"\u201c{answer.evidence.strip()[:60]}\u201d is not evidence; name the record: {milestone.evidence}"
        return Status.NO_EVIDENCE, f"Marked as met but no evidence was named; name the record: {milestone.evidence}"
    if answer.date is not None and answer.date > as_of:
        return Status.FUTURE_DATE, f"Dated {answer.date.isoformat()}, after {as_of.isoformat()}: an outcome must already have happened."
    if milestone.max_age_days is not None:
        if answer.date is None:
            return Status.UNDATED, f"Needs the date it happened: it only counts for {milestone.max_age_days} days."
        age = (as_of - answer.date).days
        if age > milestone.max_age_days:
            return Status.STALE, f"Dated {answer.date.isoformat()}, {age} days ago; it only counts for {milestone.max_age_days} days. Confirm it again with the customer."
    if not evidence_counts(answer.evidence):
        return Status.VERIFIED, "Verified (no evidence is required for this outcome)."
    return Status.VERIFIED, f"Verified by: {(answer.evidence or '').strip()[:120]}"


def assess(process: Process, deal: Deal, as_of: dt.date) -> Assessment:
    """Assess a deal on a date: every milestone's status and the verified stage."""
    results: list[MilestoneResult] = []
    verified_index: int | None = None
    for index, stage in enumerate(process.stages):
        for milestone in stage.milestones:
            status, reason = milestone_status(milestone, deal.answers.get(milestone.id), as_of)
            results.append(MilestoneResult(stage, milestone, status, reason))
            if status is not Status.VERIFIED and verified_index is None:
                verified_index = index
    if verified_index is None:
        verified_index = len(process.stages) - 1
    claimed = None if deal.claimed_stage is None else process.stage_index(deal.claimed_stage)
    return Assessment(process, deal, as_of, verified_index, claimed, tuple(results))
