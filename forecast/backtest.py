"""The backtest's definitions, computed once for every source and door (CLI, /pipeline).

At each snapshot date D, every deal with a known outcome whose close date is after D and whose
claimed stage at D is known is one deal-snapshot. Its claimed stage is the CRM's at D; its
verified stage is the engine's verdict as of D on the answers dated on or before D. Per basis
(claimed, verified; the claimed alone for an export without evidence) and per stage: n, the deals at that stage in
one snapshot or more (each deal once, however many snapshots hold it: a deal's outcome is one observation), won,
the win rate and its Wilson 95% interval; per basis: the Brier score of the stage probabilities over the
deal-snapshots; per snapshot: the expected won amount against the actual one.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from forecast.history import DealHistory, FileOrderDay
from sales_process.deal import Deal
from sales_process.deal_verdict import assessed_verdict
from sales_process.engine import Assessment, assess
from sales_process.model import Process
from sales_process.outcome import Outcome
from sales_process.totals import held_by_age
from sales_process.vocabulary import to_cents, weighted_cents

Z = 1.96  # 95%
TOO_FEW = 20  # below this many deals at a stage, its win rate is "too few deals to tell"
BASES = ("claimed", "verified")


@dataclass(frozen=True)
class DealSnapshot:
    """One deal at one snapshot date: what the CRM claimed, what the evidence verified, how it ended."""

    snapshot: dt.date
    deal: str
    claimed_stage: str
    verified_stage: str
    outcome: Outcome
    amount: float | None
    name: str = ""  # the deal's name, as backtest.csv gives it ("" when none: `deal` names it)
    crm_id: str = ""  # the CRM's id, its own column of backtest.csv
    # The day the deal changed stage more than once with nothing but the history file's order to say which change
    # was the last, when that change is the claimed stage (DealHistory.file_order_day); None otherwise.
    file_order_day: FileOrderDay | None = None
    # Whether only evidence too old held the verified stage back (the audit's totals.held_by_age), as of the snapshot.
    held_by_age: bool = False

    @property
    def won(self) -> bool:
        """Whether the deal was won."""
        return self.outcome is Outcome.WON

    def stage(self, which: str) -> str:
        """The stage on one basis: claimed or verified."""
        return self.claimed_stage if which == "claimed" else self.verified_stage


@dataclass(frozen=True)
class StageRate:
    """How often the deals at one stage (in one snapshot or more) were won, against the stage's probability."""

    stage: str
    name: str
    probability: int
    n: int
    won: int

    @property
    def win_rate(self) -> float:
        """won / n (0 when n is 0)."""
        return self.won / self.n if self.n else 0.0

    @property
    def interval(self) -> tuple[float, float]:
        """The Wilson score interval at 95% (0, 0 when n is 0)."""
        return wilson(self.won, self.n)

    @property
    def too_few(self) -> bool:
        """Whether n is too small to tell."""
        return self.n < TOO_FEW

    @property
    def probability_outside(self) -> bool:
        """Whether the file's probability lies outside the interval (never said with too few deals)."""
        low, high = self.interval
        return not self.too_few and not low <= self.probability / 100 <= high


@dataclass(frozen=True)
class Basis:
    """One basis's results: its stages in process order and its Brier score (None without deal-snapshots)."""

    stages: list[StageRate]
    brier: float | None


@dataclass(frozen=True)
class SnapshotForecast:
    """At one snapshot: the expected won amount per basis and the amount actually won, of the same deals."""

    snapshot: dt.date
    deals: int
    expected: dict[str, float]
    actual: float


@dataclass
class LeftOut:
    """What a backtest could not count: undated answers (per deal and milestone), and deal-snapshots without a
    claimed stage (a deal the history names no stage of, one created before the history says its stage, or whose
    latest check named no CRM stage), not counting the snapshots before a deal's first claim in the history (it was
    not in the CRM yet: its created date, else its first stage change)."""

    undated_answers: int = 0
    no_claimed_stage: int = 0
    no_stage_named: int = 0  # of no_claimed_stage: of a deal whose history names no stage it was at (none, or closing)
    saved_closed: int = 0  # closed deals the records knew only closed (DealHistory.saved_closed): never in a snapshot
    # The other closed deals the records knew only after the last snapshot date (DealHistory.saved_after), made in the
    # app or the API: never in a snapshot, whatever their close date (not saved_closed: they were open in the records).
    saved_after: int = 0
    # Closed deals whose amount is in another currency than the amounts' (Backtest.currency), per currency: left out
    # of the forecast and won amounts, as the audit leaves them out of its sums, but counted in the win rates.
    other_currency: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Backtest:
    """Everything a backtest found."""

    snapshots: list[dt.date]
    rows: list[DealSnapshot]
    bases: dict[str, Basis]
    forecasts: list[SnapshotForecast]
    left_out: LeftOut = field(default_factory=LeftOut)
    closed_deals: int = 0  # every deal closed won or lost that was read, in a snapshot or not
    saved: bool = False  # measured on the deal records (their checks are the history), not on a CRM export
    currency: str | None = None  # the currency of the amounts summed (an export's first named, as the audit's)

    @property
    def evidence(self) -> bool:
        """Whether the verified stage was measured (not for an export without evidence: --no-evidence)."""
        return "verified" in self.bases

    @property
    def judged(self) -> str:
        """The basis whose win rates suggest probabilities: the verified stage, else the claimed one."""
        return "verified" if self.evidence else "claimed"

    @property
    def file_order_rows(self) -> list[DealSnapshot]:
        """The deal-snapshots whose claimed stage only the history file's order chose (DealSnapshot.file_order_day)."""
        return [row for row in self.rows if row.file_order_day is not None]

    @property
    def held_by_age_rows(self) -> list[DealSnapshot]:
        """The deal-snapshots only evidence too old held back (DealSnapshot.held_by_age)."""
        return [row for row in self.rows if row.held_by_age]

    @property
    def deals_in_snapshots(self) -> int:
        """How many deals are in at least one snapshot."""
        return len({row.deal for row in self.rows})


def wilson(won: int, n: int, z: float = Z) -> tuple[float, float]:
    """The Wilson score interval of won / n."""
    if n == 0:
        return 0.0, 0.0
    rate = won / n
    denominator = 1 + z * z / n
    centre = (rate + z * z / (2 * n)) / denominator
    half = z * math.sqrt(rate * (1 - rate) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def closed_by(histories: Sequence[DealHistory], day: dt.date) -> tuple[list[DealHistory], int]:
    """The deals closed on or before `day`, and how many closed after it: as of that day those were still open, with
    no outcome to measure (a backtest as of a past day uses only what was known then)."""
    known = [history for history in histories if history.closed_on <= day]
    return known, len(histories) - len(known)


def verified_at(process: Process, history: DealHistory, day: dt.date, claimed: str) -> Assessment:
    """The engine's assessment as of `day`, on the answers dated on or before it."""
    deal = Deal(
        name=history.deal,
        claimed_stage=claimed,
        amount=history.amount,
        answers=history.answers_at(day),
        segment=history.segment,
    )
    return assess(process, deal, day)


def deal_snapshots(
    process: Process, histories: Sequence[DealHistory], dates: Sequence[dt.date], evidence: bool = True
) -> tuple[list[DealSnapshot], LeftOut]:
    """Every deal-snapshot, by date then deal, and what was left out (without `evidence`, no answer is read, so
    none is left out for want of a date)."""
    rows: list[DealSnapshot] = []
    left_out = LeftOut()
    counted: set[str] = set()
    last = max(dates, default=None)
    left_out.saved_closed = sum(history.saved_closed for history in histories)
    left_out.saved_after = sum(history.saved_after(last) and not history.saved_closed for history in histories)
    for day in dates:
        for history in histories:
            if history.outcome not in (Outcome.WON, Outcome.LOST) or history.closed_on <= day:
                continue
            if history.opened_on is not None and day < history.opened_on:
                continue  # not in the records yet: nothing is missing
            claimed = history.claimed_at(day)
            if claimed is None:
                if history.claimed and day < history.claimed[0].date:
                    continue  # not in the CRM yet: nothing is missing
                left_out.no_claimed_stage += 1
                left_out.no_stage_named += not any(claim.stage for claim in history.claimed)
                continue
            if evidence and history.deal not in counted:
                counted.add(history.deal)
                left_out.undated_answers += len(history.undated())
            assessment = verified_at(process, history, day, claimed)
            verified = assessment.verified_stage.id
            # Held back as the audit counts it, from the verdict the audit makes of the same assessment.
            held = evidence and held_by_age(assessed_verdict(assessment, 0).blocking)
            rows.append(
                DealSnapshot(
                    day,
                    history.deal,
                    claimed,
                    verified,
                    history.outcome,
                    history.amount,
                    history.name,
                    history.crm_id,
                    history.file_order_day(day),
                    held,
                )
            )
    return rows, left_out


def _probability(process: Process, stage_id: str) -> int:
    index = process.stage_index(stage_id)
    assert index is not None, f"{stage_id!r} is a stage of the process"  # sources map stages first
    return process.stages[index].probability


def basis(process: Process, rows: Sequence[DealSnapshot], which: str) -> Basis:
    """Per stage, on the claimed or verified stage: the deals at it and how many were won, each deal counted once
    however many snapshots hold it there (its snapshots are one outcome, not independent draws); and the Brier
    score over the deal-snapshots (each snapshot's forecast scored)."""
    won_by_deal: dict[str, dict[str, bool]] = {stage.id: {} for stage in process.stages}
    squared = 0.0
    for row in rows:
        won_by_deal[row.stage(which)][row.deal] = row.won
        squared += (_probability(process, row.stage(which)) / 100 - row.won) ** 2
    stages = [
        StageRate(stage.id, stage.name, stage.probability, len(deals), sum(deals.values()))
        for stage in process.stages
        for deals in [won_by_deal[stage.id]]
    ]
    return Basis(stages, squared / len(rows) if rows else None)


def forecasts(
    process: Process, rows: Sequence[DealSnapshot], dates: Sequence[dt.date], bases: Sequence[str] = BASES
) -> list[SnapshotForecast]:
    """Per snapshot: Σ probability × amount per basis (each deal weighted to the cent as the audit weighs it),
    and the amount of the same deals that was won (summed in cents, as the audit sums)."""
    found = []
    for day in dates:
        at = [row for row in rows if row.snapshot == day]
        expected = {
            which: sum(weighted_cents(row.amount, _probability(process, row.stage(which))) or 0 for row in at) / 100
            for which in bases
        }
        won = sum(to_cents(row.amount) for row in at if row.won and row.amount is not None) / 100
        found.append(SnapshotForecast(day, len(at), expected, won))
    return found


def run_backtest(
    process: Process,
    histories: Sequence[DealHistory],
    dates: Sequence[dt.date],
    evidence: bool = True,
    saved: bool = False,
    currency: str | None = None,
) -> Backtest:
    """The backtest of these closed deals at these snapshot dates; without `evidence`, of the claimed stage alone;
    `saved`: the histories are the deal records' checks; `currency`: the one their amounts are summed in."""
    rows, left_out = deal_snapshots(process, histories, dates, evidence)
    closed = [history for history in histories if history.outcome in (Outcome.WON, Outcome.LOST)]
    left_out.other_currency = dict(Counter(h.other_currency for h in closed if h.other_currency is not None))
    bases = BASES if evidence else ("claimed",)
    return Backtest(
        list(dates),
        rows,
        {which: basis(process, rows, which) for which in bases},
        forecasts(process, rows, dates, bases),
        left_out,
        len(closed),
        saved,
        currency,
    )


def backtest_json(result: Backtest) -> dict[str, object]:
    """The backtest as `playbook backtest --json` prints it."""
    return {
        "snapshots": [day.isoformat() for day in result.snapshots],
        "currency": result.currency,
        **{
            which: {
                "brier": result.bases[which].brier,
                "stages": [
                    {
                        "stage": rate.stage,
                        "probability": rate.probability,
                        "n": rate.n,
                        "won": rate.won,
                        "win_rate": rate.win_rate,
                        "ci_low": rate.interval[0],
                        "ci_high": rate.interval[1],
                    }
                    for rate in result.bases[which].stages
                ],
            }
            for which in result.bases
        },
        "left_out": {
            "undated_answers": result.left_out.undated_answers,
            "no_claimed_stage": result.left_out.no_claimed_stage,
            "other_currency": result.left_out.other_currency,
        },
        "file_order_snapshots": len(result.file_order_rows),
        "held_by_age_snapshots": len(result.held_by_age_rows),
    }
