"""The assessment engine: the stage a deal can prove it is in. Pure: no I/O, no clock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

from sales_process.deal import Answer, BuyerAnswer, Deal
from sales_process.evidence import QUOTATION_MARKS, evidence_counts, without_invisible
from sales_process.model import Milestone, Process, Stage
from sales_process.requirement import (
    alternatives_note,
    condition_notes,
    milestone_required,
    requirement_note,
    stage_requirements,
)
from sales_process.status_rules import status_of
from sales_process.vocabulary import Status, plural, status_label, weighted_cents
from sales_process.wording import clipped

NOT_NEEDED = "not_needed"  # a badge's kind for a milestone this deal does not need

__all__ = ["Assessment", "MilestoneResult", "Status", "assess", "milestone_status", "status_of", "status_reason"]


class MilestoneResult(NamedTuple):  # a tuple: the audit builds millions of them
    """One milestone's status; `reason` explains it to the rep (worded only when read)."""

    stage: Stage
    milestone: Milestone
    status: Status
    answer: Answer | None
    as_of: dt.date
    required: bool = True  # whether it gates this deal (sales_process.requirement.milestone_required)
    met_by: str | None = None  # for a member of a group: the member verified, which meets the group

    @property
    def holds_back(self) -> bool:
        """Whether it holds the deal in its stage while not verified: required, and not an alternative already met."""
        return self.required and self.met_by is None and self.status is not Status.VERIFIED

    @property
    def badge(self) -> tuple[str, str]:
        """The status as its badge shows it: (its kind, its words). One that holds nothing back while not verified
        says why it need not be done ("optional", "not required", "met by another"): a rep scanning the badges
        of a deal that moved on must not read four "not done yet"."""
        if self.status is Status.VERIFIED or self.holds_back:
            return self.status.value, self.label
        if not self.milestone.required:
            return NOT_NEEDED, "optional"
        return NOT_NEEDED, "not required" if not self.required else "met by another"

    @property
    def requirement(self) -> str | None:
        """How the milestone stands for this deal when it is not simply required: "not required for this deal:
        required only for deals of 25k or more",
        "helps, not required", "one of: this question or “…” (met by “…”)"; None otherwise."""
        milestone = self.milestone
        if not milestone.required:
            return "helps, not required"
        if not self.required:
            return f"not required for this deal: {requirement_note(milestone)}"
        if milestone.group is not None:
            return alternatives_note(self.stage, milestone, self.met_by)
        return None

    @property
    def label(self) -> str:
        """The status in words for people, with its numbers: "too old (680 days; counts for 90)"."""
        date = self.answer.date if self.answer else None
        age = (self.as_of - date).days if date is not None else None
        return status_label(self.status, age, self.milestone.max_age_days)

    @property
    def reason(self) -> str:
        """One sentence for the rep: why this status, and what would change it."""
        return status_reason(self.status, self.milestone, self.answer, self.as_of)


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

    # Worked out once: a result page and its text summary each read these more than once.
    @cached_property
    def next(self) -> tuple[MilestoneResult, ...]:
        """The verified stage's milestones that hold the deal there, in file order (not those the deal does
        not need, nor the other alternatives of a group already met)."""
        verified_id = self.verified_stage.id
        return tuple(r for r in self.milestones if r.stage.id == verified_id and r.holds_back)

    @cached_property
    def next_steps(self) -> tuple[tuple[MilestoneResult, ...], ...]:
        """`next` as the steps a rep reads: each milestone alone, and the alternatives of a group together (any one of
        them moves the deal), at the place of the group's first."""
        steps: dict[str, list[MilestoneResult]] = {}
        for result in self.next:
            steps.setdefault(
                f"group:{result.milestone.group}" if result.milestone.group else result.milestone.id, []
            ).append(result)
        return tuple(tuple(step) for step in steps.values())

    @property
    def nothing_next(self) -> str:
        """What to say when nothing holds the deal back: every milestone verified, or every one it needs (optional
        ones, ones it does not need and the other alternatives of a group met may stay open)."""
        if all(result.status is Status.VERIFIED for result in self.milestones):
            return "Every milestone is verified."
        return "Every milestone this deal needs is verified."

    @cached_property
    def condition_notes(self) -> tuple[str, ...]:
        """How the conditions read this deal's amount and segment, when a rep should know (requirement.condition_notes):
        a blank amount or segment asks every milestone conditional on it; an unnamed segment none."""
        return tuple(condition_notes(self.process.milestones(), self.deal.amount, self.deal.segment))

    @cached_property
    def met_by(self) -> dict[str, str]:
        """Each group met so far, by name ("<stage id>/<group>"): the member verified that meets it."""
        return {f"{r.stage.id}/{r.milestone.group}": r.met_by for r in self.milestones if r.met_by is not None}

    @cached_property
    def out_of_order(self) -> tuple[MilestoneResult, ...]:
        """Verified milestones of stages after the verified stage (to backfill)."""
        later = {stage.id for stage in self.process.stages[self.verified_index + 1 :]}
        return tuple(r for r in self.milestones if r.stage.id in later and r.status is Status.VERIFIED)

    def weighted(self, stage: Stage | None) -> float | None:
        """The deal's amount weighted by the stage's probability, to the cent as the audit rounds it
        (vocabulary.weighted_cents); None when unknown."""
        cents = None if stage is None else weighted_cents(self.deal.amount, stage.probability)
        return None if cents is None else cents / 100


def status_reason(status: Status, milestone: Milestone, answer: Answer | None, as_of: dt.date) -> str:
    """The sentence that explains a status to the rep."""
    buyer = answer.buyer if answer else None
    if buyer is not None:
        return _buyer_reason(status, milestone, buyer, as_of)
    evidence = without_invisible(answer.evidence or "").strip() if answer else ""  # zero-width spaces name nothing
    date = answer.date if answer else None
    if status is Status.UNANSWERED:
        return "Not answered yet."
    if status is Status.NOT_MET:
        return "The customer has not done this yet."
    if status is Status.AWAITING_BUYER:
        statement = f" \u201c{milestone.buyer_statement}\u201d" if milestone.buyer_statement else ""
        return f"Waiting for the buyer: this outcome counts only once the buyer confirms{statement} through a confirmation link."
    if status is Status.NO_EVIDENCE:
        if evidence:
            # Pasted in its own quotes (“see CRM”), it is shown in them alone, not as ““see CRM””.
            quoted = (
                len(evidence) > 1 and evidence[0] in QUOTATION_MARKS + "\"'" and evidence[-1] in QUOTATION_MARKS + "\"'"
            )
            shown = clipped(evidence, 60) if quoted else f"\u201c{clipped(evidence, 60)}\u201d"
            return f"{shown} is not evidence; name the record: {milestone.evidence}"
        return f"Marked as met but no evidence was named; name the record: {milestone.evidence}"
    if status is Status.FUTURE_DATE and date is not None:
        return f"Dated {date.isoformat()}, after {as_of.isoformat()}: an outcome must already have happened."
    if status is Status.UNDATED:
        return f"Needs the date it happened: it only counts for {plural(milestone.max_age_days or 0, 'day')}."
    if status is Status.STALE and date is not None:
        age = (as_of - date).days
        return f"Dated {date.isoformat()}, {plural(age, 'day')} ago; it only counts for {plural(milestone.max_age_days or 0, 'day')}. Confirm it again with the customer."
    if not evidence_counts(evidence):
        return "Verified (no evidence is required for this outcome)."
    return f"Verified by: {clipped(evidence, 120)}"


def _buyer_reason(status: Status, milestone: Milestone, buyer: BuyerAnswer, as_of: dt.date) -> str:
    """The reason for an outcome the buyer answered through a confirmation link."""
    when = buyer.date.isoformat()
    if status is Status.NOT_MET:
        comment = (buyer.comment or "").strip()
        said = f": \u201c{comment}\u201d" if comment else "; ask them what is missing."
        return f"{buyer.name} ({buyer.email}) answered \u201cNot quite\u201d on {when}{said}"
    if status is Status.FUTURE_DATE:
        return f"Confirmed by the buyer on {when}, after {as_of.isoformat()}: an outcome must already have happened."
    if status is Status.STALE:
        age = (as_of - buyer.date).days
        return f"Confirmed by the buyer on {when}, {plural(age, 'day')} ago; it only counts for {plural(milestone.max_age_days or 0, 'day')}. Ask the buyer to confirm it again."
    return f"Confirmed by the buyer: {buyer.name} ({buyer.email}) on {when} through a confirmation link."


def milestone_status(milestone: Milestone, answer: Answer | None, as_of: dt.date) -> tuple[Status, str]:
    """Apply the status rules to one answer; return the status and its reason."""
    status = status_of(milestone, answer, as_of)
    return status, status_reason(status, milestone, answer, as_of)


def assess(process: Process, deal: Deal, as_of: dt.date) -> Assessment:
    """Assess a deal on a date: every milestone's status and the verified stage, the first stage whose gate
    holds the deal (a milestone it needs, or a group none of whose members it has verified)."""
    results: list[MilestoneResult] = []
    answers = deal.answers
    verified_index: int | None = None
    for index, stage in enumerate(process.stages):
        if stage.all_required:  # most stages: every milestone gates every deal
            for milestone in stage.milestones:
                answer = answers.get(milestone.id)
                status = status_of(milestone, answer, as_of)
                results.append(MilestoneResult(stage, milestone, status, answer, as_of))
                if status is not Status.VERIFIED and verified_index is None:
                    verified_index = index
        elif _stage_results(stage, deal, as_of, results) and verified_index is None:
            verified_index = index
    if verified_index is None:
        verified_index = len(process.stages) - 1
    claimed = None if deal.claimed_stage is None else process.stage_index(deal.claimed_stage)
    return Assessment(process, deal, as_of, verified_index, claimed, tuple(results))


def _stage_results(stage: Stage, deal: Deal, as_of: dt.date, results: list[MilestoneResult]) -> bool:
    """Add the results of a stage with optional, conditional or alternative milestones; return whether it holds the deal."""
    answers = deal.answers
    statuses = {m.id: status_of(m, answers.get(m.id), as_of) for m in stage.milestones}
    held = False
    met_by: dict[str, str] = {}
    for requirement in stage_requirements(stage):
        verified = [m.id for m in requirement.milestones if statuses[m.id] is Status.VERIFIED]
        if requirement.group is not None and verified:
            met_by[requirement.group] = verified[0]
        held = held or (not verified and requirement.required(deal.amount, deal.segment))
    for milestone in stage.milestones:
        required = milestone_required(milestone, deal.amount, deal.segment)
        met = met_by.get(milestone.group) if milestone.group is not None else None
        results.append(
            MilestoneResult(stage, milestone, statuses[milestone.id], answers.get(milestone.id), as_of, required, met)
        )
    return held
