"""Streaming aggregation of deals' verdicts: the one definition of a pipeline's totals.

The CSV audit's summary and report, the /pipeline page and the weekly digest all sum through it,
so that their figures agree. Fed one `DealVerdict` at a time (a CRM export's rows) or a group of
alike ones at a time (saved deals). Money is summed in whole cents, rounded once per deal (vocabulary.to_cents);
audit.csv writes the same cents, so the totals printed and reported are the sums of its columns.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from sales_process.deal_verdict import Blocking, DealVerdict, report_words
from sales_process.model import Process
from sales_process.outcome import CLOSED_OUTCOMES, Outcome
from sales_process.pipeline_columns import AMOUNT
from sales_process.vocabulary import Status, to_cents

TOP_AHEAD = 100  # the report lists the deals with the biggest inflation; audit.csv has them all
LISTED_PROBLEMS = 200  # rows not assessed, listed one by one; all of them are in audit.csv
HELD_NAMED = 20  # the deals only evidence too old holds back, named (the first by line); the others counted
NO_OWNER = "(no owner)"
WITHOUT_AMOUNT = "without an amount"  # why an assessed deal is not weighted, in the summary's and report's words
WITHOUT_CLAIM = "without a claimed stage"


def summed_in_total(currency: str | None, summed_in: str | None) -> bool:
    """Whether an amount in `currency` is added to totals in `summed_in` (None: no amount names one): a total never
    adds two currencies, and an amount that names none is taken to be in the totals' currency.

    The one rule of both doors: the audit of a CRM export (pipeline_audit.rows, whose totals are in the file's
    first currency) and the saved deals' pipeline (deal_records.pipeline, in the currency of most open deals).
    """
    return currency is None or summed_in is None or currency == summed_in


def other_currency_reason(currency: str, summed_in: str, whose: str, fix: str) -> str:
    """Why an open deal whose amount is in another currency than the totals' is not assessed, in both doors' words:
    its verdict would be counted beside amounts its own cannot be added to (`whose`: "the file's", "the
    pipeline's"; `fix`: how to include it there)."""
    return f"{AMOUNT}: in {currency}, but {whose} amounts are in {summed_in}; an audit sums one currency, so {fix}"


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
    next_actions: tuple[str, ...]  # what the customer must do next, in the process's words (deal_verdict.report_words)


@dataclass(frozen=True)
class NotAssessed:
    """A row that could not be assessed, with its CSV line number and why; or, counted with the closed deals, one whose
    amount is not summed (Totals.add_outcome)."""

    line: int
    deal: str
    reason: str


@dataclass
class Listed:
    """Rows counted with why, each with its CSV line: the first LISTED_PROBLEMS listed (all are in audit.csv), and
    of the others those whose reason is one listed counted with it, for the summary to say once."""

    rows: list[NotAssessed] = field(default_factory=list)
    # Rows beyond LISTED_PROBLEMS whose reason is one of those listed: the summary counts them with it.
    unlisted_alike: Counter[str] = field(default_factory=Counter)
    _reasons: set[str] = field(default_factory=set)

    def add(self, line: int, deal: str, reason: str) -> None:
        """List a row (or, beyond LISTED_PROBLEMS, count it with the listed rows of its reason)."""
        if len(self.rows) < LISTED_PROBLEMS:
            self.rows.append(NotAssessed(line, deal, reason))
            self._reasons.add(reason)
        elif reason in self._reasons:
            self.unlisted_alike[reason] += 1


@dataclass
class OutcomeTotals:
    """Closed deals of one kind (won, lost, disqualified): how many, for how much, and those left out by the period.

    A deal in the period without its amount summed is counted either `without_amount` (its amount cell is blank) or
    `not_summed` (its amount cannot be read, or is in another currency), these listed with their lines and why."""

    deals: int = 0
    cents: int = 0
    without_amount: int = 0
    outside_period: int = 0  # closed before --from or after --to (or undated, when a period is given)
    after_as_of: int = 0  # closed after the date the audit is as of: the export's word, from the audit's future
    not_summed: int = 0
    not_summed_rows: Listed = field(default_factory=Listed)


@dataclass(frozen=True)
class Period:
    """The close dates counted as outcomes (--from/--to); None on a side leaves it open."""

    start: dt.date | None = None
    end: dt.date | None = None

    @property
    def given(self) -> bool:
        """Whether the audit was given a period at all."""
        return self.start is not None or self.end is not None

    def holds(self, date: dt.date | None) -> bool:
        """Whether a deal closed on `date` counts (an undated deal counts only when no period is given)."""
        if not self.given:
            return True
        if date is None:
            return False
        return (self.start is None or date >= self.start) and (self.end is None or date <= self.end)

    def holds_sql(self, date: str) -> str:
        """`holds` as a SQL condition on the DATE column (or expression) `date`."""
        if not self.given:
            return "TRUE"
        bounds = [f"{date} IS NOT NULL"]
        if self.start is not None:
            bounds.append(f"{date} >= DATE '{self.start.isoformat()}'")
        if self.end is not None:
            bounds.append(f"{date} <= DATE '{self.end.isoformat()}'")
        return " AND ".join(bounds)


@dataclass
class StageTotals:
    """Deals claimed in (every assessed deal with a claimed stage) and verified in (every assessed deal) one stage,
    with an amount or not, and their weighted cents (those with an amount and a claimed stage)."""

    claimed_deals: int = 0
    claimed_cents: int = 0
    verified_deals: int = 0
    verified_cents: int = 0
    claimed_weighted: int = 0  # of the deals claimed, those weighted: 0 with deals claimed is "not weighted", not 0.00
    verified_weighted: int = 0  # of the deals verified, those weighted (with an amount and a claimed stage)


@dataclass
class OwnerTotals:
    """One rep's pipeline: deals, deals ahead of evidence and weighted cents."""

    deals: int = 0
    ahead: int = 0
    claimed_cents: int = 0
    verified_cents: int = 0
    weighted: int = 0  # the deals with an amount and a claimed stage: none is "not weighted", not 0.00

    @property
    def inflation_cents(self) -> int:
        """Claimed minus verified weighted cents."""
        return self.claimed_cents - self.verified_cents


@dataclass(frozen=True)
class DealGroup:
    """Assessed deals counted at once: they share an owner, both stages, what holds them back and the buyer's word."""

    owner: str  # as written ("" when none)
    claimed_stage_id: str | None
    verified_stage_id: str
    blocking: Blocking
    deals: int
    without_amount: int  # deals without an amount: never weighted
    compared: tuple[int, int, int]  # deals with both weighted amounts, and their claimed and verified weighted cents
    verified_by_buyer: bool = False
    buyer_declined: bool = False  # the buyer said "Not quite" to another outcome
    amount_cents: int = 0  # the unweighted amounts of the deals with one (those not `without_amount`), summed


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
    open_cents: int = 0  # the open pipeline, unweighted: the amounts of the assessed deals that have one
    claimed_cents: int = 0
    verified_cents: int = 0
    buyer_confirmed: int = 0  # deals whose verified stage rests on the buyer's word
    buyer_confirmed_cents: int = 0  # their part of verified_cents
    buyer_confirmed_declined: int = 0  # of those deals, the ones whose buyer said "Not quite" to another outcome
    held_by_age: int = 0  # deals only milestones too old hold at their verified stage (held_by_age)
    unnamed_currency: int = 0  # deals assessed whose amount names no currency: summed as if in the totals' currency
    # Of those deals, how many each milestone too old holds back: the ones to confirm again (most_often_too_old).
    too_old_holding: Counter[str] = field(default_factory=Counter)
    # The first HELD_NAMED of those deals by line, (line, deal): the ones to open (held_named).
    _held: list[tuple[int, str]] = field(default_factory=list)
    # The first LISTED_PROBLEMS by line of the deals in no weighted total, (line, deal, what it lacks): to fill in.
    _not_weighted: list[tuple[int, str, str]] = field(default_factory=list)
    unassessed: Listed = field(default_factory=Listed)  # the rows not assessed, with why
    outcomes: dict[Outcome, OutcomeTotals] = field(default_factory=dict)  # closed deals: never assessed nor weighted
    stages: list[StageTotals] = field(default_factory=list)
    owners: dict[str, OwnerTotals] = field(default_factory=dict)
    blocking: dict[str, Counter[str]] = field(default_factory=dict)
    _top: list[tuple[int, int, AheadDeal]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.outcomes = {outcome: OutcomeTotals() for outcome in CLOSED_OUTCOMES}
        self.stages = [StageTotals() for _ in self.process.stages]
        self.blocking = {milestone.id: Counter() for _, milestone in self.process.milestones()}
        self.too_old_holding = Counter(dict.fromkeys(self.blocking, 0))  # in file order, for ties
        self._index = {stage.id: index for index, stage in enumerate(self.process.stages)}
        self._names = {stage.id: stage.name for stage in self.process.stages}
        self._milestones = {milestone.id: milestone for _, milestone in self.process.milestones()}

    @property
    def problems(self) -> list[NotAssessed]:
        """The rows not assessed listed (the first LISTED_PROBLEMS)."""
        return self.unassessed.rows

    @property
    def unlisted_alike(self) -> Counter[str]:
        """Rows not assessed beyond LISTED_PROBLEMS whose reason is one of those listed, by reason."""
        return self.unassessed.unlisted_alike

    @property
    def inflation_cents(self) -> int:
        """Claimed minus verified weighted pipeline, in cents."""
        return self.claimed_cents - self.verified_cents

    @property
    def buyers_can_confirm(self) -> bool:
        """Whether any milestone has a buyer_statement: without one, no deal can rest on the buyer's word."""
        return any(milestone.buyer_statement for _, milestone in self.process.milestones())

    def add(self, verdict: DealVerdict) -> None:
        """Count one deal's verdict (a deal not assessed is listed, up to LISTED_PROBLEMS)."""
        if verdict.assessed:
            self.add_alike((verdict,))
        else:
            self.add_problem(verdict.number, verdict.name, verdict.not_assessed)

    @property
    def with_amount(self) -> int:
        """Assessed (open) deals with an amount: those summed in open_cents."""
        return self.assessed - self.without_amount

    @property
    def closed(self) -> int:
        """Rows of closed deals (won, lost, disqualified), in the period or not."""
        return sum(totals.deals + totals.outside_period for totals in self.outcomes.values())

    def add_outcome(
        self,
        outcome: Outcome,
        cents: int | None,
        close_date: dt.date | None,
        period: Period,
        as_of: dt.date | None = None,
        not_summed: NotAssessed | None = None,
    ) -> bool:
        """Count a closed deal as an outcome (not pipeline); return whether it falls in the period. One closed after
        `as_of` is counted as closed too (the export says so) and counted apart, for the summary to say.
        `not_summed`: why its amount (`cents` None) is not summed, at its line, when the cell holds one."""
        self.rows += 1
        totals = self.outcomes[outcome]
        if as_of is not None and close_date is not None and close_date > as_of:
            totals.after_as_of += 1
        if not period.holds(close_date):
            totals.outside_period += 1
            return False
        totals.deals += 1
        if cents is None and not_summed is not None:
            totals.not_summed += 1
            totals.not_summed_rows.add(not_summed.line, not_summed.deal, not_summed.reason)
        elif cents is None:
            totals.without_amount += 1
        else:
            totals.cents += cents
        return True

    def add_outcomes(self, outcome: Outcome, counted: OutcomeTotals) -> None:
        """Count closed deals of one outcome at once, as add_outcome counts each (the DuckDB engine sums them)."""
        self.rows += counted.deals + counted.outside_period
        totals = self.outcomes[outcome]
        totals.deals += counted.deals
        totals.cents += counted.cents
        totals.without_amount += counted.without_amount
        totals.not_summed += counted.not_summed
        totals.outside_period += counted.outside_period
        totals.after_as_of += counted.after_as_of

    def add_problem(self, line: int, deal: str, reason: str) -> None:
        """Count a deal that cannot be assessed (listed up to LISTED_PROBLEMS)."""
        self.rows += 1
        self.not_assessed += 1
        self.unassessed.add(line, deal, reason)

    def add_alike(self, verdicts: Sequence[DealVerdict]) -> None:
        """Count assessed deals that share an owner, both stages, what holds them back and the buyer's word.

        Only their ids, names and money may differ: what they share is counted once (a pipeline of
        saved deals comes in such groups); their money is summed deal by deal, in cents. Deals not assessed (a
        saved deal in another currency than the pipeline's) come one to a group and are listed as `add` lists them.
        """
        first = verdicts[0]
        if not first.assessed:
            for verdict in verdicts:
                self.add(verdict)
            return
        compared = [
            (verdict.claimed_weighted_cents, verdict.verified_weighted_cents)
            for verdict in verdicts
            if verdict.claimed_weighted_cents is not None and verdict.verified_weighted_cents is not None
        ]
        claimed_index, verified_index = self.add_group(
            DealGroup(
                first.owner,
                first.claimed_stage_id,
                first.verified_stage_id or "",
                first.blocking,
                len(verdicts),
                sum(verdict.verified_weighted_cents is None for verdict in verdicts),
                (len(compared), sum(cents for cents, _ in compared), sum(cents for _, cents in compared)),
                first.verified_by_buyer,
                bool(first.buyer_declined),
                sum(to_cents(verdict.amount) for verdict in verdicts if verdict.amount is not None),
            )
        )
        if claimed_index is not None and claimed_index > verified_index:
            for verdict in verdicts:
                self.offer_ahead(verdict)
        if held_by_age(first.blocking):
            for verdict in verdicts:
                self.name_held(verdict.number, verdict.name)
        if len(compared) < len(verdicts):  # some lack an amount or all a claimed stage: name them with what they lack
            for verdict in verdicts:
                has_claim = first.claimed_stage_id is not None
                if lacks := not_weighted_reason(verdict.verified_weighted_cents is not None, has_claim):
                    self.name_not_weighted(verdict.number, verdict.name, lacks)
        self.unnamed_currency += sum(verdict.amount is not None and verdict.currency is None for verdict in verdicts)

    def add_group(self, group: DealGroup) -> tuple[int | None, int]:
        """Count a group of assessed deals summed elsewhere (add_alike, or the SQL of the DuckDB engine).

        Return the positions of their claimed (None: not given) and verified stages; the deals ahead
        of their evidence are listed by offering each to `offer_ahead`.
        """
        deals = group.deals
        claimed_index = self._index.get(group.claimed_stage_id) if group.claimed_stage_id else None
        verified_index = self._index[group.verified_stage_id]
        self.rows += deals
        self.assessed += deals
        owner = group.owner or NO_OWNER
        owner_totals = self.owners.get(owner)
        if owner_totals is None:
            owner_totals = self.owners[owner] = OwnerTotals()
        owner_totals.deals += deals
        for milestone_id, status in group.blocking:
            self.blocking[milestone_id][status] += deals
        if held_by_age(group.blocking):
            self.held_by_age += deals
            for milestone_id, _ in group.blocking:
                self.too_old_holding[milestone_id] += deals
        # Every deal assessed has a verified stage, so the column of deals verified adds up to the deals assessed;
        # one without a claimed stage is in no column of deals claimed.
        self.stages[verified_index].verified_deals += deals
        if claimed_index is None:
            self.without_claim += deals
        else:
            self.stages[claimed_index].claimed_deals += deals
        self.without_amount += group.without_amount
        self.open_cents += group.amount_cents
        compared, _, verified = group.compared
        if compared and claimed_index is not None:
            self._add_weighted(claimed_index, verified_index, owner_totals, group.compared)
        if group.verified_by_buyer:
            self.buyer_confirmed += deals
            self.buyer_confirmed_cents += verified
            if group.buyer_declined:
                self.buyer_confirmed_declined += deals
        if claimed_index is not None and claimed_index > verified_index:
            self.ahead += deals
            owner_totals.ahead += deals
        return claimed_index, verified_index

    def name_held(self, line: int, deal: str) -> None:
        """Name a deal only evidence too old holds back (counted already in held_by_age) if it is among the first
        HELD_NAMED by line: the deals to confirm again, whatever order they are counted in."""
        heapq.heappush(self._held, (-line, deal))
        if len(self._held) > HELD_NAMED:
            heapq.heappop(self._held)

    @property
    def not_weighted(self) -> int:
        """Assessed (open) deals in no weighted total: those without an amount, a claimed stage or both."""
        return self.assessed - self.compared

    def name_not_weighted(self, line: int, deal: str, lacks: str) -> None:
        """Name a deal in no weighted total (counted already in not_weighted; `lacks`: not_weighted_reason's words) if
        it is among the first LISTED_PROBLEMS by line, whatever order they are counted in: the ones to fill in."""
        heapq.heappush(self._not_weighted, (-line, deal, lacks))
        if len(self._not_weighted) > LISTED_PROBLEMS:
            heapq.heappop(self._not_weighted)

    def not_weighted_named(self) -> list[NotAssessed]:
        """The deals assessed but not weighted that are named, by line, each with what it lacks as its reason."""
        return [NotAssessed(-line, deal, lacks) for line, deal, lacks in sorted(self._not_weighted, reverse=True)]

    def held_named(self) -> list[tuple[int, str]]:
        """The deals only evidence too old holds back that are named, (line, deal), by line."""
        return sorted((-line, deal) for line, deal in self._held)

    def offer_ahead(self, verdict: DealVerdict) -> None:
        """List a deal ahead of its evidence (counted already) if it is among the TOP_AHEAD with the biggest inflation."""
        claimed_cents, verified_cents = verdict.claimed_weighted_cents, verdict.verified_weighted_cents
        inflation = claimed_cents - verified_cents if claimed_cents is not None and verified_cents is not None else None
        key = (inflation if inflation is not None else -1, -verdict.number)
        if len(self._top) >= TOP_AHEAD and key <= self._top[0][:2]:
            return  # most deals are not listed: spare them the AheadDeal
        self._keep_top(
            AheadDeal(
                verdict.number,
                verdict.name,
                verdict.owner,
                self._names[verdict.claimed_stage_id or ""],
                self._names[verdict.verified_stage_id or ""],
                self._index[verdict.claimed_stage_id or ""] - self._index[verdict.verified_stage_id or ""],
                inflation,
                self._report_words(verdict),
            )
        )

    def _report_words(self, verdict: DealVerdict) -> tuple[str, ...]:
        """What the customer must do next for the deal, in report.html's words (with the date of what is too old)."""
        since = dict(verdict.stale_since)
        return tuple(
            report_words(self._milestones[milestone_id], status, since.get(milestone_id))
            for milestone_id, status in verdict.blocking
        )

    def _add_weighted(
        self, claimed_index: int, verified_index: int, owner: OwnerTotals, amounts: tuple[int, int, int]
    ) -> None:
        """Add `amounts` (deals compared, their claimed and verified weighted cents) to the stages' and the owner's sums."""
        compared, claimed, verified = amounts
        self.compared += compared
        self.claimed_cents += claimed
        self.verified_cents += verified
        owner.claimed_cents += claimed
        owner.verified_cents += verified
        owner.weighted += compared
        self.stages[claimed_index].claimed_cents += claimed
        self.stages[claimed_index].claimed_weighted += compared
        self.stages[verified_index].verified_cents += verified
        self.stages[verified_index].verified_weighted += compared

    def _keep_top(self, deal: AheadDeal) -> None:
        key = (deal.inflation_cents if deal.inflation_cents is not None else -1, -deal.line, deal)
        if len(self._top) < TOP_AHEAD:
            heapq.heappush(self._top, key)
        elif key[:2] > self._top[0][:2]:
            heapq.heapreplace(self._top, key)

    def top_ahead(self) -> list[AheadDeal]:
        """The deals ahead of their evidence with the biggest inflation first (then by line)."""
        return [deal for _, _, deal in sorted(self._top, key=lambda item: item[:2], reverse=True)]

    def owners_by_drift(self) -> list[tuple[str, OwnerTotals]]:
        """Reps whose pipelines drift most first, either way: by the size of the claimed minus the verified (a rep
        whose evidence verifies far more than the claim drifts as much as one who claims as much too many)."""
        return sorted(self.owners.items(), key=lambda item: (-abs(item[1].inflation_cents), -item[1].ahead, item[0]))

    def most_often_too_old(self) -> list[tuple[str, int]]:
        """The milestones too old on the deals held back only by age (held_by_age), with how many of those deals each
        holds back, most first (ties in file order): the ones to confirm again. A deal that also misses another
        milestone is not counted, as in held_by_age: counted, pain-confirmed (86) beside "held back only by evidence
        too old: 118" was said of deals not among the 118 (a user counted 76 among them)."""
        counted = [(key, deals) for key, deals in self.too_old_holding.items() if deals]
        return sorted(counted, key=lambda item: -item[1])

    def most_blocking(self) -> list[tuple[str, Counter[str]]]:
        """Milestones that most often hold a deal at its verified stage, most first."""
        counted = [(key, _by_count(counts)) for key, counts in self.blocking.items() if counts]
        return sorted(counted, key=lambda item: -item[1].total())


def not_weighted_reason(has_amount: bool, has_claim: bool) -> str:
    """Why an assessed deal is in no weighted total ("" when it is in them): without an amount (nothing to weigh), a
    claimed stage (no probability to weigh it by), or both; the words the summary counts them by."""
    return ", ".join(
        reason for reason, lacks in ((WITHOUT_AMOUNT, not has_amount), (WITHOUT_CLAIM, not has_claim)) if lacks
    )


def held_by_age(blocking: Blocking) -> bool:
    """Whether only evidence too old holds a deal back: every milestone keeping it from the next stage was answered
    yes, with evidence, dated longer ago than the milestone's max_age_days (the status "stale"), so the customer
    confirming them again would move it up. A deal that also misses another milestone is not counted: re-confirming
    would not move it (a RevOps review: 25 deals said held back, 19 of them held by age alone)."""
    return bool(blocking) and all(status == Status.STALE for _, status in blocking)


def _by_count(counts: Counter[str]) -> Counter[str]:
    """The statuses most counted first, ties in the engine's order of statuses: the same whatever order the
    deals were counted in (the DuckDB engine adds its sums after the rows Python reads)."""
    order = {status.value: index for index, status in enumerate(Status)}
    return Counter(dict(sorted(counts.items(), key=lambda item: (-item[1], order.get(item[0], len(order))))))
