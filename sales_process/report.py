"""An assessment as the JSON of `playbook assess --json` and the API, or as plain text."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sales_process.deal import BuyerAnswer
from sales_process.engine import Assessment, MilestoneResult, Status
from sales_process.model import Stage
from sales_process.vocabulary import money, plural, weighted_cents

if TYPE_CHECKING:  # the loader checks practice scenarios, whose verdicts use gap_sentence
    from sales_process.loader import LoadedProcess

_STATUS_TEXT = {status: status.value for status in Status}  # an Enum's .value is a property: slow in a loop


def _stage_json(assessment: Assessment, index: int | None) -> dict[str, Any] | None:
    if index is None:
        return None
    stage = assessment.process.stages[index]
    return {"id": stage.id, "name": stage.name, "index": index, "probability": stage.probability}


def buyer_json(buyer: BuyerAnswer) -> dict[str, Any]:
    """What the buyer answered through a confirmation link."""
    return {
        "answer": "confirmed" if buyer.agreed else "declined",
        "name": buyer.name,
        "email": buyer.email,
        "date": buyer.date.isoformat(),
        "comment": buyer.comment,
    }


def milestone_json(result: MilestoneResult) -> dict[str, Any]:
    """One milestone's verdict; `buyer` is there only when the buyer answered it through a link."""
    item: dict[str, Any] = {
        "id": result.milestone.id,
        "stage": result.stage.id,
        "question": result.milestone.question,
        "status": _STATUS_TEXT[result.status],
        "reason": result.reason,
    }
    requirement = result.requirement
    if requirement is not None:
        item["required"] = result.required
        item["requirement"] = requirement
        if result.met_by is not None:
            item["met_by"] = result.met_by
    buyer = result.answer.buyer if result.answer else None
    if buyer is not None:
        item["buyer"] = buyer_json(buyer)
    return item


def process_json(loaded: LoadedProcess) -> dict[str, Any]:
    """Which process an answer came from: name, version and the file's sha256."""
    return {"name": loaded.process.name, "version": loaded.process.version, "sha256": loaded.sha256}


def _weighted_json(assessment: Assessment, stage: Stage | None) -> float | None:
    """The amount weighted by the stage's probability, to the cent as the audit rounds it (weighted_cents: once
    per deal, half to even), so that JSON never says 12000.055499999999 where audit.csv says 12000.06."""
    cents = None if stage is None else weighted_cents(assessment.deal.amount, stage.probability)
    return None if cents is None else cents / 100


def assessment_json(loaded: LoadedProcess, assessment: Assessment) -> dict[str, Any]:
    """The assessment as the documented JSON object (key order is part of the contract)."""
    weighted = None
    if assessment.deal.amount is not None:
        weighted = {
            "claimed": _weighted_json(assessment, assessment.claimed_stage),
            "verified": _weighted_json(assessment, assessment.verified_stage),
            "currency": assessment.deal.currency,
        }
    answer = {
        "process": process_json(loaded),
        "deal": assessment.deal.name,
        "as_of": assessment.as_of.isoformat(),
        "verified_stage": _stage_json(assessment, assessment.verified_index),
        "claimed_stage": _stage_json(assessment, assessment.claimed_index),
        "stages_ahead": assessment.stages_ahead,
        "milestones": [milestone_json(r) for r in assessment.milestones],
        "next": [r.milestone.id for r in assessment.next],
        "out_of_order": [r.milestone.id for r in assessment.out_of_order],
        "weighted_amount": weighted,
    }
    if assessment.deal.segment is not None:
        answer["segment"] = assessment.deal.segment
    if assessment.condition_notes:
        answer["conditions"] = list(assessment.condition_notes)
    return answer


def gap_sentence(assessment: Assessment) -> str:
    """One sentence comparing the CRM's stage with the verified one."""
    verified = assessment.verified_stage
    supported = f"the evidence supports {verified.name} ({verified.probability}%)"
    claimed = assessment.claimed_stage
    if claimed is None:
        return supported[0].upper() + supported[1:] + "."
    ahead = assessment.stages_ahead or 0
    sentence = f"Your CRM says {claimed.name} ({claimed.probability}%); {supported}"
    if ahead > 0:
        sentence += f": {plural(ahead, 'stage')} ahead of the evidence"
    elif ahead < 0:
        sentence += f": the CRM is {plural(-ahead, 'stage')} behind the evidence"
    else:
        sentence += ": the claim matches the evidence"
    return sentence + "."


def weighted_gap(claimed: float, verified: float, money: Callable[[float], str] = money) -> str:
    """The weighted amounts' difference with its sign in words: which of the CRM's stage and the evidence weighs more."""
    if claimed > verified:
        return f"the CRM's stage weighs {money(claimed - verified)} more than the evidence"
    if claimed < verified:
        return f"the CRM's stage weighs {money(verified - claimed)} less than the evidence"
    return "the CRM's stage and the evidence weigh the same"


def assessment_text(loaded: LoadedProcess, assessment: Assessment) -> str:
    """A short report for a person: verified stage, gap, next steps, backfill."""
    verified = assessment.verified_stage
    lines = [
        f"Deal: {assessment.deal.name or '(unnamed)'}  (as of {assessment.as_of.isoformat()})",
        f"Verified stage: {verified.name} ({verified.probability}%)",
        gap_sentence(assessment),
    ]
    claimed_value = assessment.weighted(assessment.claimed_stage)
    verified_value = assessment.weighted(verified)
    if verified_value is not None:
        weighted = f"Weighted amount: {money(verified_value)} verified"
        if claimed_value is not None:
            weighted += f", {money(claimed_value)} claimed: {weighted_gap(claimed_value, verified_value)}"
        lines.append(weighted)
    if assessment.next:
        lines += ["", "Next: what the customer must do"]
        for step in assessment.next_steps:
            # Words, not status codes; the rep's own evidence text is not repeated back.
            indent = "    " if len(step) > 1 else "  "
            if len(step) > 1:
                lines.append(f"  - One of these {len(step)} is enough:")
            for result in step:
                lines.append(f"{indent}- {result.milestone.customer_action}")
                lines.append(f"{indent}  Status: {result.label}")
                lines.append(f"{indent}  Evidence: {result.milestone.evidence}")
    else:
        lines += ["", assessment.nothing_next]
    if assessment.condition_notes:
        lines += ["", *assessment.condition_notes]
    met = [r for r in assessment.milestones if r.met_by is not None and r.met_by == r.milestone.id]
    if met:
        lines += ["", "Alternatives met:"]
        for r in met:
            alternatives = sum(1 for m in r.stage.milestones if m.group == r.milestone.group)
            lines.append(f"  - {r.milestone.customer_action} (one of {alternatives} alternatives)")
    spared = [r for r in assessment.milestones if not r.required and r.status is not Status.VERIFIED]
    if spared:
        lines += ["", "Not holding this deal back:"]
        lines += [f"  - {r.milestone.customer_action} ({r.requirement})" for r in spared]
    if assessment.out_of_order:
        lines += ["", "Already verified in later stages (they count once the gates before them are verified):"]
        lines += [f"  - {r.milestone.customer_action}" for r in assessment.out_of_order]
    lines += [
        "",
        f"Process: {loaded.process.name} {loaded.process.version or ''} ({loaded.short_sha})".replace("  ", " "),
    ]
    return "\n".join(lines)
