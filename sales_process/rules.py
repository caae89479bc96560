"""Rules that span several stages or milestones, checked on the raw data.

They run even when some values have the wrong type, so that one run reports
every problem in the file; anything malformed is left to the model's checks.
"""

from __future__ import annotations

from collections.abc import Iterator

from sales_process.problems import Problem
from sales_process.suggest import closest


def _stages(data: object) -> list[tuple[int, dict[str, object]]]:
    if not isinstance(data, dict) or not isinstance(data.get("stages"), list):
        return []
    return [(i, stage) for i, stage in enumerate(data["stages"]) if isinstance(stage, dict)]


def _milestones(stage: dict[str, object]) -> list[tuple[int, dict[str, object]]]:
    milestones = stage.get("milestones")
    if not isinstance(milestones, list):
        return []
    return [(j, m) for j, m in enumerate(milestones) if isinstance(m, dict)]


def _unique_ids(data: object) -> Iterator[Problem]:
    stage_ids: dict[str, int] = {}
    milestone_ids: dict[str, str] = {}
    for i, stage in _stages(data):
        stage_id = stage.get("id")
        if isinstance(stage_id, str):
            if stage_id in stage_ids:
                yield Problem(("stages", i, "id"), f"duplicate stage id '{stage_id}' (already used by stage {stage_ids[stage_id] + 1}); every stage needs its own id")
            else:
                stage_ids[stage_id] = i
        for j, milestone in _milestones(stage):
            milestone_id = milestone.get("id")
            if not isinstance(milestone_id, str):
                continue
            here = f"milestone {j + 1} of stage {i + 1}"
            if milestone_id in milestone_ids:
                yield Problem(("stages", i, "milestones", j, "id"), f"duplicate milestone id '{milestone_id}' (already used by {milestone_ids[milestone_id]}); milestone ids must be unique in the whole file")
            else:
                milestone_ids[milestone_id] = here


def _probabilities(data: object) -> Iterator[Problem]:
    previous: tuple[int, object] | None = None
    for i, stage in _stages(data):
        probability = stage.get("probability")
        if not isinstance(probability, int) or isinstance(probability, bool) or not 0 <= probability <= 100:
            continue  # reported by the model's checks; comparing with it would only add noise
        if previous is not None and isinstance(previous[1], int) and probability < previous[1]:
            yield Problem(("stages", i, "probability"), f"probability {probability} is lower than the previous stage's {previous[1]}; probabilities must not decrease along the pipeline")
        previous = (i, probability)


def _misspelt_milestones(stage: dict[str, object]) -> bool:
    return "milestones" not in stage and any(
        isinstance(key, str) and closest(key, ["milestones"]) == "milestones" for key in stage
    )


def _gates(data: object) -> Iterator[Problem]:
    stages = _stages(data)
    if not isinstance(data, dict) or not isinstance(data.get("stages"), list) or not stages:
        return
    last = len(data["stages"]) - 1
    for i, stage in stages:
        milestones = stage.get("milestones")
        if i == last:
            if isinstance(milestones, list) and milestones:
                yield Problem(("stages", i, "milestones"), "the last stage must have no milestones: there is no stage after it to move on to; move them to an earlier stage", at_key=True)
        elif _misspelt_milestones(stage):
            continue  # the unknown-key error already says what to fix
        elif milestones is None or (isinstance(milestones, list) and not milestones):
            name = stage.get("id") if isinstance(stage.get("id"), str) else f"stage {i + 1}"
            yield Problem(("stages", i, "milestones") if "milestones" in stage else ("stages", i), f"stage '{name}' needs at least one milestone: the customer outcomes that let a deal leave it")


def _confirmations(data: object) -> Iterator[Problem]:
    for i, stage in _stages(data):
        for j, milestone in _milestones(stage):
            if milestone.get("confirmation") == "required" and milestone.get("buyer_statement") is None:
                name = milestone.get("id") if isinstance(milestone.get("id"), str) else f"milestone {j + 1} of stage {i + 1}"
                yield Problem(("stages", i, "milestones", j, "confirmation"), f"milestone '{name}' requires the buyer's confirmation but has no 'buyer_statement' for the buyer to confirm; add one in the first person (e.g. 'buyer_statement: We have agreed that …') or set 'confirmation: optional'")


def check_rules(data: object) -> list[Problem]:
    """Every cross-stage rule violation in the raw process data."""
    return [*_unique_ids(data), *_probabilities(data), *_gates(data), *_confirmations(data)]
