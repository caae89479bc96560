"""What the result page shows: the assessment grouped for reading, the summary and the link."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from flask_wtf import FlaskForm

from sales_process.engine import Assessment, MilestoneResult
from sales_process.loader import LoadedProcess
from sales_process.model import Stage
from sales_process.report import assessment_text
from sales_process.vocabulary import money

__all__ = ["StageResults", "Weighted", "by_stage", "money", "playbook_link", "prefill_query", "summary_text", "weighted"]

@dataclass(frozen=True)
class StageResults:
    """One stage with its milestones' results, for the result page's list."""

    stage: Stage
    results: tuple[MilestoneResult, ...]


@dataclass(frozen=True)
class Weighted:
    """The amount weighted by the verified and the claimed stage's probability."""

    verified: float
    claimed: float | None

    @property
    def difference(self) -> float | None:
        """How much the CRM's stage overstates (positive) or understates the forecast."""
        return None if self.claimed is None else self.claimed - self.verified


def prefill_query(form: FlaskForm) -> str:
    """The query string that opens the form filled in exactly as submitted."""
    pairs: list[tuple[str, str]] = []
    for field in form:
        if field.name.endswith(".met"):
            if field.data:
                pairs.append((field.name, "yes"))
        elif str(field.data or "").strip():
            pairs.append((field.name, str(field.data).strip()))
    return urlencode(pairs)


def playbook_link(result: MilestoneResult) -> str:
    """Where the playbook explains this milestone."""
    return f"/stages/{result.stage.id}/#{result.milestone.id}"


def by_stage(assessment: Assessment) -> list[StageResults]:
    """The milestone results of each stage that has milestones, in process order."""
    return [
        StageResults(stage, tuple(r for r in assessment.milestones if r.stage.id == stage.id))
        for stage in assessment.process.stages
        if stage.milestones
    ]


def weighted(assessment: Assessment) -> Weighted | None:
    """The weighted amounts, when the rep gave an amount."""
    verified = assessment.weighted(assessment.verified_stage)
    if verified is None:
        return None
    return Weighted(verified, assessment.weighted(assessment.claimed_stage))


def summary_text(loaded: LoadedProcess, assessment: Assessment) -> str:
    """The plain-text summary for the CRM's notes (the link to these answers is shown beside it)."""
    return assessment_text(loaded, assessment)

