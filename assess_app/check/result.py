"""What the result page shows: the assessment grouped for reading, the summary and the link."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from markupsafe import Markup, escape

from assess_app.check.form import is_yes
from sales_process.engine import Assessment, MilestoneResult
from sales_process.loader import LoadedProcess
from sales_process.model import Stage
from sales_process.report import assessment_text, weighted_gap
from sales_process.vocabulary import money

__all__ = [
    "StageResults",
    "Weighted",
    "by_stage",
    "fragments",
    "money",
    "playbook_link",
    "prefill_query",
    "status_badge",
    "summary_text",
    "weighted",
]


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

    def gap(self, money: Callable[[float], str]) -> str:
        """The difference in words, its sign said ("The CRM's stage weighs 6,000 less than the evidence"), as the
        text summary and `playbook assess` say it; empty without a claimed stage."""
        if self.claimed is None:
            return ""
        text = weighted_gap(self.claimed, self.verified, money)
        return text[0].upper() + text[1:]


# What urllib.parse.quote_plus leaves as it is (letters, digits, "_.-~"; a space becomes "+").
_UNQUOTED = re.compile(r"[^A-Za-z0-9_.~ -]+")


def _percent_encoded(match: re.Match[str]) -> str:
    return "".join(f"%{byte:02X}" for byte in match[0].encode("utf-8"))


def quote_value(value: str) -> str:
    """`urllib.parse.quote_plus(value)`, exactly, in a few C-speed passes instead of a Python step per byte."""
    return _UNQUOTED.sub(_percent_encoded, value).replace(" ", "+")


def prefill_query(answers: Mapping[str, str]) -> str:
    """The query string that opens the form filled in exactly as submitted (a ticked box as "yes")."""
    pairs: list[str] = []
    for name, value in answers.items():
        # Field names are slugs and dots (deal, amount, <milestone-id>.date): nothing to quote in them.
        if name.endswith(".met"):
            if is_yes(value):
                pairs.append(f"{name}=yes")
            elif value.strip():
                # A "no" written out stays one: the form opened from the link would refuse its evidence as typed
                # for a box left unticked (see unticked_problems).
                pairs.append(f"{name}=no")
        elif value.strip():
            pairs.append(f"{name}={quote_value(value.strip())}")
    return "&".join(pairs)


def milestone_link(stage_id: str, milestone_id: str) -> str:
    """Where the playbook explains a milestone."""
    return f"/stages/{stage_id}/#{milestone_id}"


def playbook_link(result: MilestoneResult) -> str:
    """Where the playbook explains this result's milestone."""
    return milestone_link(result.stage.id, result.milestone.id)


@dataclass(frozen=True)
class Fragments:
    """The parts of the result page that depend only on a milestone, escaped once per process version.

    A result lists every milestone; rendering these few thousand bytes afresh for each deal was
    most of the page's cost. What the deal adds (statuses and reasons) is still escaped per request.
    """

    row: dict[str, Markup]  # "Every milestone": the question, linked to the playbook
    next: dict[str, Markup]  # "Next": the customer action, linked to the playbook


def _build_fragments(loaded: LoadedProcess) -> Fragments:
    row, next_ = {}, {}
    for stage, milestone in loaded.process.milestones():
        link = escape(milestone_link(stage.id, milestone.id))
        row[milestone.id] = Markup(f'<a href="{link}">{escape(milestone.question)}</a>')
        next_[milestone.id] = Markup(f'<a href="{link}">{escape(milestone.customer_action)}</a>')
    return Fragments(row, next_)


def fragments(loaded: LoadedProcess) -> Fragments:
    """The result page's fixed parts for this process version (built at its first result, kept with it)."""
    return loaded.derived(_build_fragments)


_badges: dict[tuple[str, str], Markup] = {}  # a result page shows a handful of distinct badges


def status_badge(result: MilestoneResult) -> Markup:
    """The milestone's status in words, in its coloured badge."""
    key = result.badge
    badge = _badges.get(key)
    if badge is None:
        if len(_badges) >= 512:  # labels carry ages in days: keep the cache small
            _badges.clear()
        badge = _badges[key] = Markup(f'<span class="status status--{key[0]}">{escape(key[1].capitalize())}</span>')
    return badge


def by_stage(assessment: Assessment, parts: Fragments) -> list[StageResults]:
    """The milestone results of each stage that has milestones, in process order."""
    by_id: dict[str, list[MilestoneResult]] = {}
    for result in assessment.milestones:
        by_id.setdefault(result.stage.id, []).append(result)
    groups = []
    for stage in assessment.process.stages:
        if stage.milestones:
            results = tuple(by_id.get(stage.id, ()))
            # Plain string building: Markup.format goes through string.Formatter, many times slower.
            items = Markup(
                "".join(
                    f"<li>\n        {status_badge(r)}\n        {parts.row[r.milestone.id]}\n        <p>{escape(r.reason)}</p>\n"
                    f"{_requirement(r)}      </li>\n      "
                    for r in results
                )
            )
            groups.append(StageResults(stage, results, items))
    return groups


def _requirement(result: MilestoneResult) -> str:
    """The line saying how a milestone stands for this deal when it is not simply required ("" otherwise)."""
    requirement = result.requirement
    if requirement is None:
        return ""
    return f'        <p class="requirement">{escape(requirement[0].upper() + requirement[1:])}.</p>\n'


def weighted(assessment: Assessment) -> Weighted | None:
    """The weighted amounts, when the rep gave an amount."""
    verified = assessment.weighted(assessment.verified_stage)
    if verified is None:
        return None
    return Weighted(verified, assessment.weighted(assessment.claimed_stage))


def summary_text(loaded: LoadedProcess, assessment: Assessment) -> str:
    """The plain-text summary for the CRM's notes (the link to these answers is shown beside it)."""
    return assessment_text(loaded, assessment)
