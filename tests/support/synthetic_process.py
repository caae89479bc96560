"""Deterministic synthetic processes of any size, shaped like the default one (valid, with prose)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

_PROSE = (
    "The customer has shown, in writing, that the work of this stage is done. "
    "Each outcome below names the record a manager can open to check it."
)


def _milestone(stage: int, number: int) -> dict[str, Any]:
    ident = f"s{stage}-outcome-{number}"
    return {
        "id": ident,
        "question": f"Has the customer confirmed outcome {number} of stage {stage} in writing?",
        "customer_action": f"The customer replies to our recap and confirms outcome {number} of stage {stage}.",
        "evidence": f"The customer's reply email about outcome {number}, linked in the CRM.",
        "max_age_days": 30 + number,
        "guidance": f"Send a recap of outcome {number} and ask *Did I get this right?*\n\n{_PROSE}",
    }


def _stage(index: int, stages: int, milestones: int) -> dict[str, Any]:
    last = index == stages - 1
    return {
        "id": f"stage-{index + 1}",
        "name": f"Stage {index + 1}",
        "probability": 100 if last else index * 100 // stages,
        "summary": f"Step {index + 1} of {stages} on the way to a signed contract.",
        "description": f"{_PROSE}\n\n{_PROSE}",
        "rep_activities": [f"Prepare step {index + 1} with the customer's own words.", "Send a written recap."],
        "pitfalls": ["Counting a friendly call as a commitment.", "Skipping the recap email."],
        "milestones": [] if last else [_milestone(index + 1, m + 1) for m in range(milestones)],
    }


def process_document(stages: int, milestones_per_stage: int) -> dict[str, Any]:
    """A valid process: `stages` stages, each but the last with `milestones_per_stage` milestones."""
    return {
        "name": f"Synthetic {stages}x{milestones_per_stage}",
        "version": "1",
        "description": _PROSE,
        "stages": [_stage(i, stages, milestones_per_stage) for i in range(stages)],
    }


def write_process(path: Path, stages: int, milestones_per_stage: int) -> Path:
    """Write the synthetic process as YAML; return the path."""
    path.write_text(yaml.safe_dump(process_document(stages, milestones_per_stage), sort_keys=False), encoding="utf-8")
    return path


def with_buyer_confirmation(document: dict[str, Any], stages: tuple[int, ...]) -> dict[str, Any]:
    """The document with the first milestone of each of `stages` (0-based) counting only once the buyer confirms it."""
    for index in stages:
        milestone = document["stages"][index]["milestones"][0]
        milestone["buyer_statement"] = f"We have done outcome 1 of stage {index + 1}."
        milestone["confirmation"] = "required"
    return document
