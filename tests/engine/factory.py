"""Processes and answers built in code for the engine tests (no process file needed)."""

from __future__ import annotations

import datetime as dt

from sales_process.deal import Answer
from sales_process.model import Milestone, Process, Stage

AS_OF = dt.date(2027, 3, 1)
EVIDENCE = "Email from the CFO, 3 Feb"


def milestone(milestone_id: str, *, max_age_days: int | None = None, evidence_required: bool = True) -> Milestone:
    """A milestone with readable filler text and the given rules."""
    return Milestone(
        id=milestone_id,
        question=f"Has the customer done {milestone_id}?",
        customer_action=f"The customer does {milestone_id}.",
        evidence=f"The record of {milestone_id}.",
        max_age_days=max_age_days,
        evidence_required=evidence_required,
    )


def stage(stage_id: str, probability: int, *milestones: Milestone) -> Stage:
    """A stage named after its id."""
    return Stage(id=stage_id, name=stage_id.title(), probability=probability, milestones=list(milestones))


def process(*stages: Stage) -> Process:
    """A process of the given stages."""
    return Process(name="Test process", version="1", stages=list(stages))


def verified(date: dt.date | None = None) -> Answer:
    """An answer that verifies any milestone dated `date` (AS_OF when not given)."""
    return Answer(met=True, evidence=EVIDENCE, date=date or AS_OF)


# Three gated stages and a last one without milestones:
#   one (10%): a, b   two (40%): c (max 30 days)   three (70%): d, e (evidence optional)   won (100%)
THREE_GATES = process(
    stage("one", 10, milestone("a"), milestone("b")),
    stage("two", 40, milestone("c", max_age_days=30)),
    stage("three", 70, milestone("d"), milestone("e", evidence_required=False)),
    stage("won", 100),
)
