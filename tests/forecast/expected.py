"""The backtest's definitions computed plainly, apart from the forecast package, to check it against."""

from __future__ import annotations

import calendar
import datetime as dt
import math
from typing import Any

from sales_process.deal import Answer, Deal
from sales_process.engine import assess
from sales_process.loader import load_process
from sales_process.vocabulary import Status
from tests.forecast.made_history import EVIDENCE, PROCESS, MadeDeal

YEAR = 2025
MONTH_ENDS = [dt.date(YEAR, month, calendar.monthrange(YEAR, month)[1]) for month in range(1, 13)]


def wilson_interval(won: int, n: int) -> tuple[float, float]:
    """The Wilson score interval at 95%, from its textbook formula."""
    if n == 0:
        return 0.0, 0.0
    z = 1.96
    p = won / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    margin = (z / (1 + z**2 / n)) * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    return centre - margin, centre + margin


def expected_backtest(deals: list[MadeDeal], dates: list[dt.date]) -> dict[str, Any]:
    """What `playbook backtest --json` should print for these deals at these snapshot dates."""
    process = load_process(PROCESS).process
    probability = {stage.id: stage.probability for stage in process.stages}
    claimed_stages: list[str] = []  # per deal-snapshot
    verified_stages: list[str] = []
    outcomes: list[int] = []  # 1 won, 0 lost
    deal_ids: list[str] = []
    in_backtest: set[str] = set()
    no_claim = 0
    held = 0  # deal-snapshots whose next stage only milestones answered, but stale, keep out
    for day in dates:
        for deal in deals:
            if deal.closed_on <= day:
                continue  # closed already: not in this snapshot
            claims = [stage for when, stage in deal.claims if when <= day]
            if not claims:
                if not deal.claims:
                    no_claim += 1  # never named by the history
                continue  # else: not in the CRM yet
            answers = {
                milestone: Answer(True, EVIDENCE, when)
                for milestone, when in deal.answers.items()
                if when is not None and when <= day
            }
            assessment = assess(process, Deal(claimed_stage=claims[-1], answers=answers), day)
            verified = assessment.verified_stage.id
            next_statuses = [result.status for result in assessment.next]
            held += bool(next_statuses) and all(status is Status.STALE for status in next_statuses)
            claimed_stages.append(claims[-1])
            verified_stages.append(verified)
            outcomes.append(1 if deal.won else 0)
            deal_ids.append(deal.crm_id)
            in_backtest.add(deal.crm_id)
    result: dict[str, Any] = {"snapshots": [day.isoformat() for day in dates], "currency": None}
    for basis, stage_of in (("claimed", claimed_stages), ("verified", verified_stages)):
        stages = []
        for stage in process.stages:
            # Each deal once per stage, however many snapshots saw it there.
            at_stage = {
                deal: outcome for deal, at, outcome in zip(deal_ids, stage_of, outcomes, strict=True) if at == stage.id
            }
            n, won = len(at_stage), sum(at_stage.values())
            low, high = wilson_interval(won, n)
            stages.append(
                {
                    "stage": stage.id,
                    "probability": stage.probability,
                    "n": n,
                    "won": won,
                    "win_rate": won / n if n else 0.0,
                    "ci_low": low,
                    "ci_high": high,
                }
            )
        squares = [(probability[at] / 100 - outcome) ** 2 for at, outcome in zip(stage_of, outcomes, strict=True)]
        brier = sum(squares) / len(squares)
        result[basis] = {"brier": brier, "stages": stages}
    undated = sum(1 for deal in deals if deal.crm_id in in_backtest for when in deal.answers.values() if when is None)
    result["left_out"] = {"undated_answers": undated, "no_claimed_stage": no_claim, "other_currency": {}}
    result["file_order_snapshots"] = 0  # no deal changes stage twice on one day
    result["held_by_age_snapshots"] = held
    return result


def assert_same(got: dict[str, Any], want: dict[str, Any]) -> None:
    """Equal keys and counts, and numbers equal to 1e-12."""
    assert got.keys() == want.keys()
    assert got["snapshots"] == want["snapshots"] and got["left_out"] == want["left_out"]
    assert got["file_order_snapshots"] == want["file_order_snapshots"] and got["currency"] == want["currency"]
    assert got["held_by_age_snapshots"] == want["held_by_age_snapshots"]
    for basis in ("claimed", "verified"):
        assert math.isclose(got[basis]["brier"], want[basis]["brier"], abs_tol=1e-12)
        assert [stage.keys() for stage in got[basis]["stages"]] == [stage.keys() for stage in want[basis]["stages"]]
        for mine, theirs in zip(got[basis]["stages"], want[basis]["stages"], strict=True):
            for key, value in theirs.items():
                assert (
                    mine[key] == value
                    if isinstance(value, (str, int))
                    else math.isclose(mine[key], value, abs_tol=1e-12)
                ), (basis, key, mine, theirs)
