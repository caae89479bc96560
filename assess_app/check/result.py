"""What the result page shows: the assessment grouped for reading, the summary and the link."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote_plus

from markupsafe import Markup, escape

from assess_app.check.form import is_yes
from sales_process.engine import Assessment, MilestoneResult, Status
from sales_process.loader import LoadedProcess
from sales_process.model import Stage
from sales_process.report import assessment_text

STATUS_LABELS = {
    Status.UNANSWERED: "Not answered",
    Status.NOT_MET: "Not met",
    Status.NO_EVIDENCE: "No evidence",
    Status.FUTURE_DATE: "Date in the future",
    Status.UNDATED: "Needs a date",
    Status.STALE: "Too old",
    Status.VERIFIED: "Verified",
}


@dataclass(frozen=True)
class StageResults:
    """One stage with its milestones' results, for the result page's list, and their list items."""

    stage: Stage
    results: tuple[MilestoneResult, ...]
    items: Markup  # one <li> per result: the fixed fragment and the reason, escaped


@dataclass(frozen=True)
class Weighted:
    """The amount weighted by the verified and the claimed stage's probability."""

    verified: float
    claimed: float | None

    @property
    def difference(self) -> float | None:
        """How much the CRM's stage overstates (positive) or understates the forecast."""
        return None if self.claimed is None else self.claimed - self.verified


def prefill_query(answers: Mapping[str, str]) -> str:
    """The query string that opens the form filled in exactly as submitted (a ticked box as "yes")."""
    pairs: list[str] = []
    for name, value in answers.items():
        # Field names are slugs and dots (deal, amount, <milestone-id>.date): nothing to quote in them.
        if name.endswith(".met"):
            if is_yes(value):
                pairs.append(f"{name}=yes")
        elif value.strip():
            pairs.append(f"{name}={quote_plus(value.strip())}")
    return "&".join(pairs)


def milestone_link(stage_id: str, milestone_id: str) -> str:
    """Where the playbook explains a milestone."""
    return f"/stages/{stage_id}/#{milestone_id}"


def playbook_link(result: MilestoneResult) -> str:
    """Where the playbook explains this result's milestone."""
    return milestone_link(result.stage.id, result.milestone.id)


@dataclass(frozen=True)
class Fragments:
    """The parts of the result page that depend only on a milestone and its status, escaped once per process version.

    A result lists every milestone; rendering these few thousand bytes afresh for each deal was
    most of the page's cost. What the deal adds (the reasons) is still escaped per request.
    """

    row: dict[tuple[str, Status], Markup]  # "Every milestone": the status and the question, linked
    next: dict[tuple[str, Status], Markup]  # "Next": the customer action, linked, and the status


_ROW = Markup('<span class="status status--{status}">{label}</span>\n        <a href="{link}">{question}</a>')
_NEXT = Markup('<a href="{link}">{action}</a>\n        <span class="status status--{status}">{label}</span>')
_fragments: dict[str, Fragments] = {}


def fragments(loaded: LoadedProcess) -> Fragments:
    """The result page's fixed parts for this process version (built at its first result)."""
    found = _fragments.get(loaded.sha256)
    if found is None:
        row, next_ = {}, {}
        for stage, milestone in loaded.process.milestones():
            link = milestone_link(stage.id, milestone.id)
            for status, label in STATUS_LABELS.items():
                row[milestone.id, status] = _ROW.format(status=status.value, label=label, link=link, question=milestone.question)
                next_[milestone.id, status] = _NEXT.format(status=status.value, label=label, link=link, action=milestone.customer_action)
        found = Fragments(row, next_)
        _fragments.clear()  # only the version being served matters
        _fragments[loaded.sha256] = found
    return found




def by_stage(assessment: Assessment, parts: Fragments) -> list[StageResults]:
    """The milestone results of each stage that has milestones, in process order."""
    groups = []
    for stage in assessment.process.stages:
        if stage.milestones:
            results = tuple(r for r in assessment.milestones if r.stage.id == stage.id)
            # Plain string building: Markup.format goes through string.Formatter, many times slower.
            items = Markup("".join(f"<li>\n        {parts.row[r.milestone.id, r.status]}\n        <p>{escape(r.reason)}</p>\n      </li>\n      " for r in results))
            groups.append(StageResults(stage, results, items))
    return groups


def weighted(assessment: Assessment) -> Weighted | None:
    """The weighted amounts, when the rep gave an amount."""
    verified = assessment.weighted(assessment.verified_stage)
    if verified is None:
        return None
    return Weighted(verified, assessment.weighted(assessment.claimed_stage))


def money(value: float) -> str:
    """An amount for reading: thousands separated, cents only when there are any."""
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"


def summary_text(loaded: LoadedProcess, assessment: Assessment, link: str) -> str:
    """The plain-text summary for the CRM's notes, ending with the link to these answers."""
    return f"{assessment_text(loaded, assessment)}\nSelf-check: {link}"

