"""Which milestones hold which deal: the one rule every door applies (engine, SQL, playbook, form).

A milestone gates a deal unless it says `required: false`, or its `required_when` does not
hold for the deal. Milestones of one stage sharing a `group` are alternatives: one verified
member is enough, and (members are required alike) the group gates a deal when its members do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sales_process.model import Milestone, RequiredWhen, Stage, segment_key
from sales_process.suggest import is_typo_of
from sales_process.vocabulary import money

__all__ = [
    "Requirement",
    "alternatives_note",
    "applies_to",
    "condition_notes",
    "milestone_note",
    "milestone_required",
    "misspelt_segment",
    "process_segments",
    "requirement_note",
    "stage_requirements",
]


def milestone_required(milestone: Milestone, amount: float | None, segment: str | None) -> bool:
    """Whether the milestone gates a deal of this amount and segment: THE rule, used everywhere.

    An unknown amount or segment meets the conditions (see RequiredWhen): the milestone is required.
    """
    if not milestone.required:
        return False
    conditions = milestone.required_when
    return conditions is None or any(condition.holds(amount, segment) for condition in conditions)


@dataclass(frozen=True)
class Requirement:
    """One thing a stage's gate needs: a milestone alone, or one verified member of a group."""

    group: str | None
    milestones: tuple[Milestone, ...]

    @property
    def gating(self) -> Milestone:
        """The member whose `required` and `required_when` stand for the requirement's (members share them)."""
        return self.milestones[0]

    def required(self, amount: float | None, segment: str | None) -> bool:
        """Whether the requirement gates a deal of this amount and segment."""
        return milestone_required(self.gating, amount, segment)


def stage_requirements(stage: Stage) -> tuple[Requirement, ...]:
    """The stage's requirements in file order: a group where its first member stands."""
    groups: dict[str, list[Milestone]] = {}
    order: list[tuple[str | None, Milestone]] = []
    for milestone in stage.milestones:
        if milestone.group is None:
            order.append((None, milestone))
        elif milestone.group not in groups:
            groups[milestone.group] = [milestone]
            order.append((milestone.group, milestone))
        else:
            groups[milestone.group].append(milestone)
    return tuple(
        Requirement(group, tuple(groups[group]) if group is not None else (milestone,)) for group, milestone in order
    )


def _amount(value: float) -> str:
    """25000 → "25k", 1500000 → "1.5M", 1250000 → "1.25M": as a playbook says it; other amounts in full."""
    for size, suffix, places in ((1_000_000, "M", 100), (1_000, "k", 10)):
        if value >= size and (value / size * places) == int(value / size * places):
            return f"{value / size:g}{suffix}"
    return money(value)


def applies_to(conditions: Sequence[RequiredWhen]) -> str:
    """The deals any of the conditions holds for, in words: "deals of 25k or more in segment Enterprise",
    "deals of 50k or more, or in segment Enterprise"."""
    first, *others = (_deals_of(condition) for condition in conditions)
    return ", or ".join([first, *(other.removeprefix("deals ") for other in others)])


def _deals_of(condition: RequiredWhen) -> str:
    """The deals one condition holds for, in words: "deals of 25k or more in segment Enterprise"."""
    low, high = condition.amount_at_least, condition.amount_below
    if low is not None and high is not None:
        deals = f"deals from {_amount(low)} to under {_amount(high)}"
    elif low is not None:
        deals = f"deals of {_amount(low)} or more"
    elif high is not None:
        deals = f"deals under {_amount(high)}"
    else:
        deals = "deals"
    if condition.segment:
        segments = " or ".join(condition.segment)
        deals += f" in segment {segments}"
    return deals


def requirement_note(milestone: Milestone) -> str | None:
    """How a playbook words a milestone not required of every deal: "required only for deals of 25k or more",
    "helps, not required"; None for a milestone every deal needs. Every condition is worded the one way, by the
    deals it holds for, so two notes side by side never read in opposite directions."""
    if not milestone.required:
        return "helps, not required"
    conditions = milestone.required_when
    if conditions is None:
        return None
    return f"required only for {applies_to(conditions)}"


def alternatives_note(stage: Stage, milestone: Milestone, met_by: str | None = None) -> str:
    """A group member's alternatives, by their questions: "one of: this question or “Did they attend the demo?”",
    with " (met by this one)" or " (met by “…”)" when `met_by` (a member's id) meets the group."""
    members = [m for m in stage.milestones if m.group == milestone.group]
    named = ["this question" if member is milestone else f"“{member.question}”" for member in members]
    note = "one of: " + " or ".join(named)
    if met_by is not None:
        meeting = (
            "this one"
            if met_by == milestone.id
            else next((f"“{member.question}”" for member in members if member.id == met_by), met_by)
        )
        note += f" (met by {meeting})"
    return note


def milestone_note(stage: Stage, milestone: Milestone) -> str | None:
    """Everything a playbook or the form says about who needs a milestone: "one of: this question or “Did they
    attend the demo?”", "required only for deals of 25k or more", "helps, not required"; None for a milestone every deal
    needs. A group's other members are named by their questions, as the pages show them: ids mean nothing there."""
    notes = []
    if milestone.group is not None:
        notes.append(alternatives_note(stage, milestone))
    note = requirement_note(milestone)
    if note is not None:
        notes.append(note)
    return "; ".join(notes) or None


def process_segments(milestones: list[tuple[Stage, Milestone]]) -> list[str]:
    """The segments the milestones name in `required_when.segment`, each once, in file order."""
    found: dict[str, str] = {}
    for _, milestone in milestones:
        for condition in milestone.required_when or ():
            for segment in condition.segment or ():
                found.setdefault(segment.strip().lower(), segment)
    return list(found.values())


def misspelt_segment(segment: str, named: Sequence[str]) -> str | None:
    """The segment of `named` (process_segments) that a deal's `segment` is a typo of ('Enterprse', 'IND' for IDN),
    which would silently leave out that segment's milestones; None when it is one of them (in any case) or close to
    none (a segment the process does not name is a deal's own, and fine). The one rule of every reader: the form, the
    API and deal files refuse such a segment, the audit warns of it."""
    key = segment_key(segment)
    if not key or key in {segment_key(name) for name in named}:
        return None
    return next((name for name in named if is_typo_of(key, segment_key(name))), None)


def condition_notes(milestones: list[tuple[Stage, Milestone]], amount: float | None, segment: str | None) -> list[str]:
    """What a rep should know of how the conditions read this deal: a blank amount or segment makes every
    milestone conditional on it required (milestone_required), and a segment the process does not name leaves out
    every milestone required only in the segments it names. Empty when neither applies."""
    conditions = [c for _, m in milestones if m.required for c in m.required_when or ()]
    notes = []
    if amount is None and any(c.amount_at_least is not None or c.amount_below is not None for c in conditions):
        notes.append(
            "No amount is given, so every milestone required only for some amounts is asked of this deal: "
            "give the amount to see which it needs."
        )
    named = process_segments(milestones)
    if segment is None and named:
        notes.append(
            "No segment is given, so every milestone required only in some segments is asked of this deal: "
            "give the segment to see which it needs."
        )
    elif segment is not None and named and segment_key(segment) not in {segment_key(name) for name in named}:
        notes.append(
            f"The segment “{segment}” is none the process names ({', '.join(named)}), so no milestone required "
            "only in those segments is asked of this deal: check that it is the segment meant."
        )
    return notes
