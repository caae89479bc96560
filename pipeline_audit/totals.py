"""Streaming aggregation of an audit: only what the summary and the report need.

Money is summed in whole cents taken from the exact text written to audit.csv, so
the totals printed, written and reported are the sums of the CSV's own column.
"""

from __future__ import annotations

import heapq
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from sales_process.engine import Assessment
from sales_process.model import Process

TOP_AHEAD = 100  # the report lists the deals with the biggest inflation; audit.csv has them all
LISTED_PROBLEMS = 200  # rows not assessed, listed one by one; all of them are in audit.csv
NO_OWNER = "(no owner)"


def money_text(value: float) -> str:
    """An amount as written to audit.csv: two decimals, no separators."""
    return f"{value:.2f}"


def cents(text: str) -> int:
    """Whole cents of a money_text value."""
    return int(text.replace(".", ""))


class Verdict(NamedTuple):
    """One assessed row as audit.csv and the totals need it, from either engine (Python or SQL)."""

    deal: str
    claimed_index: int | None
    verified_index: int
    amount: float | None
    claimed_weighted: float | None
    verified_weighted: float | None
    blocking: tuple[tuple[str, str], ...]  # (milestone id, status) of the verified stage's unverified milestones

    @classmethod
    def of(cls, assessment: Assessment) -> Verdict:
        """The verdict of the Python engine's assessment."""
        return cls(
            assessment.deal.name or "", assessment.claimed_index, assessment.verified_index, assessment.deal.amount,
            assessment.weighted(assessment.claimed_stage), assessment.weighted(assessment.verified_stage),
            tuple((r.milestone.id, r.status.value) for r in assessment.next),
        )

    @property
    def stages_ahead(self) -> int | None:
        """Claimed index minus verified index (None without a claim)."""
        return None if self.claimed_index is None else self.claimed_index - self.verified_index


@dataclass(frozen=True)
class AheadDeal:
    """A deal whose CRM stage is ahead of its evidence."""

    line: int
    deal: str
    owner: str
    claimed_stage: str
    verified_stage: str
    stages_ahead: int
    inflation_cents: int | None
    next_milestones: tuple[str, ...]


@dataclass(frozen=True)
class NotAssessed:
    """A row that could not be assessed, with its CSV line number."""

    line: int
    deal: str
    reason: str


@dataclass
class StageTotals:
    """Deals and weighted cents claimed in, and verified in, one stage."""

    claimed_deals: int = 0
    claimed_cents: int = 0
    verified_deals: int = 0
    verified_cents: int = 0


@dataclass
class OwnerTotals:
    """One rep's pipeline: deals, deals ahead of evidence and weighted cents."""

    deals: int = 0
    ahead: int = 0
    claimed_cents: int = 0
    verified_cents: int = 0

    @property
    def inflation_cents(self) -> int:
        """Claimed minus verified weighted cents."""
        return self.claimed_cents - self.verified_cents


@dataclass
class Totals:
    """Everything the summary and the report say, accumulated one row at a time."""

    process: Process
    rows: int = 0
    assessed: int = 0
    not_assessed: int = 0
    ahead: int = 0
    compared: int = 0
    without_amount: int = 0
    without_claim: int = 0
    claimed_cents: int = 0
    verified_cents: int = 0
    problems: list[NotAssessed] = field(default_factory=list)
    stages: list[StageTotals] = field(default_factory=list)
    owners: dict[str, OwnerTotals] = field(default_factory=dict)
    blocking: dict[str, Counter[str]] = field(default_factory=dict)
    _top: list[tuple[int, int, AheadDeal]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.stages = [StageTotals() for _ in self.process.stages]
        self.blocking = {milestone.id: Counter() for _, milestone in self.process.milestones()}

    @property
    def inflation_cents(self) -> int:
        """Claimed minus verified weighted pipeline, in cents."""
        return self.claimed_cents - self.verified_cents

    def add_problem(self, line: int, deal: str, reason: str) -> None:
        """Count a row that cannot be assessed (listed up to LISTED_PROBLEMS)."""
        self.rows += 1
        self.not_assessed += 1
        if len(self.problems) < LISTED_PROBLEMS:
            self.problems.append(NotAssessed(line, deal, reason))

    def add(self, line: int, owner: str, verdict: Verdict, claimed: str, verified: str) -> None:
        """Count an assessed row: `claimed`/`verified` are its weighted amounts as written."""
        self.rows += 1
        self.assessed += 1
        owner_totals = self.owners.get(owner or NO_OWNER)
        if owner_totals is None:
            owner_totals = self.owners[owner or NO_OWNER] = OwnerTotals()
        owner_totals.deals += 1
        for milestone_id, status in verdict.blocking:
            self.blocking[milestone_id][status] += 1
        if verdict.claimed_index is None:
            self.without_claim += 1
        if not verified:
            self.without_amount += 1
        if claimed and verified:
            self._add_weighted(verdict, owner_totals, cents(claimed), cents(verified))
        ahead = verdict.stages_ahead
        if ahead is not None and ahead > 0:
            self.ahead += 1
            owner_totals.ahead += 1
            inflation = cents(claimed) - cents(verified) if claimed and verified else None
            stages = self.process.stages
            self._keep_top(AheadDeal(
                line, verdict.deal, owner, stages[verdict.claimed_index or 0].name,
                stages[verdict.verified_index].name, ahead, inflation, tuple(milestone_id for milestone_id, _ in verdict.blocking),
            ))

    def _add_weighted(self, verdict: Verdict, owner: OwnerTotals, claimed: int, verified: int) -> None:
        self.compared += 1
        self.claimed_cents += claimed
        self.verified_cents += verified
        owner.claimed_cents += claimed
        owner.verified_cents += verified
        claimed_stage = self.stages[verdict.claimed_index or 0]
        claimed_stage.claimed_deals += 1
        claimed_stage.claimed_cents += claimed
        verified_stage = self.stages[verdict.verified_index]
        verified_stage.verified_deals += 1
        verified_stage.verified_cents += verified

    def _keep_top(self, deal: AheadDeal) -> None:
        key = (deal.inflation_cents if deal.inflation_cents is not None else -1, -deal.line, deal)
        if len(self._top) < TOP_AHEAD:
            heapq.heappush(self._top, key)
        elif key[:2] > self._top[0][:2]:
            heapq.heapreplace(self._top, key)

    def top_ahead(self) -> list[AheadDeal]:
        """The deals ahead of their evidence with the biggest inflation first (then by line)."""
        return [deal for _, _, deal in sorted(self._top, key=lambda item: item[:2], reverse=True)]

    def owners_by_inflation(self) -> list[tuple[str, OwnerTotals]]:
        """Reps whose pipelines drift most first."""
        return sorted(self.owners.items(), key=lambda item: (-item[1].inflation_cents, -item[1].ahead, item[0]))

    def most_blocking(self) -> list[tuple[str, Counter[str]]]:
        """Milestones that most often hold a deal at its verified stage, most first."""
        counted = [(key, counts) for key, counts in self.blocking.items() if counts]
        return sorted(counted, key=lambda item: -item[1].total())
