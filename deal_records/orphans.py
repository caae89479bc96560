"""Saved deals that name ids the process no longer has: a stage or milestone id changed in process.yaml
without `renamed_from`. `playbook validate` and `playbook serve` report them with the fix; the deal page
names such a stage instead of hiding it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from deal_records.answers import with_current_ids
from deal_records.models import Check, Deal
from sales_process.model import Process
from sales_process.problems import Problem
from sales_process.suggest import is_typo_of
from sales_process.vocabulary import plural


@dataclass(frozen=True)
class Orphans:
    """How many saved deals name each unknown stage id (as their CRM stage) and each unknown milestone id
    (in their latest check's answers)."""

    stages: dict[str, int]
    milestones: dict[str, int]

    def __bool__(self) -> bool:
        return bool(self.stages or self.milestones)


def find_orphans(session: Session, process: Process) -> Orphans:
    """Count the saved deals whose CRM stage or latest answers name ids `process` does not have (nor was renamed from)."""
    stage_rows = session.execute(
        select(Deal.claimed_stage, func.count()).where(Deal.claimed_stage.is_not(None)).group_by(Deal.claimed_stage)
    ).all()
    stages = {
        stage_id: count for stage_id, count in stage_rows if stage_id and process.current_stage_id(stage_id) is None
    }
    milestones: Counter[str] = Counter()
    known = process.milestone_ids
    answers = session.scalars(select(Check.answers).join(Deal, Deal.latest_check_id == Check.id))
    for stored in answers:
        milestones.update(key for key in with_current_ids(stored or {}, process) if key not in known)
    return Orphans(dict(sorted(stages.items())), dict(sorted(milestones.items())))


def unknown_stage_text(stage_id: str) -> str:
    """What a deal page says of a CRM stage the process no longer has."""
    return (
        f"The CRM stage '{stage_id}' is not a stage of this process: it was removed or renamed in process.yaml. "
        f"Choose the deal's stage below, or ask whoever edits process.yaml to add 'renamed_from: [{stage_id}]' "
        "to the stage that replaced it."
    )


def orphan_lines(orphans: Orphans) -> list[str]:
    """One line per unknown id, with the number of saved deals naming it and the fix."""
    lines = [
        f"{plural(count, 'saved deal')} {'is' if count == 1 else 'are'} at stage '{stage_id}', which this process "
        f"no longer has: their CRM stage counts as unknown and is not weighted. If a stage was renamed, add "
        f"'renamed_from: [{stage_id}]' to it; otherwise move the deals to a stage of this process"
        for stage_id, count in orphans.stages.items()
    ]
    lines += [
        f"{plural(count, 'saved deal')} {'has' if count == 1 else 'have'} answers to milestone '{milestone_id}', which "
        f"this process no longer has: they no longer count. If a milestone was renamed, add "
        f"'renamed_from: [{milestone_id}]' to it"
        for milestone_id, count in orphans.milestones.items()
    ]
    return lines


def misspelt_renames(orphans: Orphans, process: Process) -> list[Problem]:
    """`renamed_from` entries that no saved deal names but that are a letter or two from an id saved deals do name
    (one letter changed or two swapped is one, however short the id: 'pgl' for 'pql'): the old id mistyped, which leaves those deals orphaned (warned at the entry, with the id to write)."""
    problems = []
    for i, stage in enumerate(process.stages):
        wrong = _mistyped(stage.renamed_from, orphans.stages)
        problems += [
            _misspelt(("stages", i, "renamed_from", k), f"stage '{stage.id}'", old, meant, orphans.stages[meant])
            for k, old, meant in wrong
        ]
        for j, milestone in enumerate(stage.milestones):
            wrong = _mistyped(milestone.renamed_from, orphans.milestones)
            problems += [
                _misspelt(
                    ("stages", i, "milestones", j, "renamed_from", k),
                    f"milestone '{milestone.id}'",
                    old,
                    meant,
                    orphans.milestones[meant],
                )
                for k, old, meant in wrong
            ]
    return problems


def _mistyped(renamed_from: list[str], orphaned: dict[str, int]) -> list[tuple[int, str, str]]:
    """(index, entry, the orphaned id it mistypes) for each entry of `renamed_from` that mistypes one."""
    return [
        (k, old, meant)
        for k, old in enumerate(renamed_from)
        for meant in [next((orphan for orphan in orphaned if is_typo_of(old, orphan, one_letter=True)), None)]
        if meant is not None
    ]


def _misspelt(loc: tuple[str | int, ...], whose: str, old: str, meant: str, count: int) -> Problem:
    return Problem(
        loc,
        f"{whose}: 'renamed_from' names '{old}', a letter or two from '{meant}', which {plural(count, 'saved deal')} "
        f"{'names' if count == 1 else 'name'} and this process no longer has; if '{meant}' is the id it was renamed "
        f"from, write '{meant}' here",
        severity="warning",
    )
