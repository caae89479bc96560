"""Engine: assessments per second of the pure engine, and the pipeline audit against a csv read.

The deals are the synthetic pipeline's rows (the audit benchmark's input), parsed once;
only `assess()` is timed. Its baseline is a loop making one trivial Python call per deal,
so the ratio says how many plain calls one assessment costs.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from benchmarks import audit
from benchmarks.common import DEFAULT_PROCESS, Row, Spread
from sales_process.deal import Deal
from sales_process.engine import assess
from sales_process.loader import load_process
from sales_process.model import Process
from tests.support.deals import sample_deals
from tests.support.synthetic_pipeline import AS_OF

DEALS = 2_000
PASSES = 10  # each sample lasts long enough (~0.4 s) for the clock and the scheduler


def _trivial(process: Process, deal: Deal, as_of: object) -> None:
    """The baseline call: same arguments, no work."""


def _rate(call: Callable[[Process, Deal, Any], object], process: Process, deals: list[Deal]) -> float:
    started = time.perf_counter()
    for _ in range(PASSES):
        for deal in deals:
            call(process, deal, AS_OF)
    return PASSES * len(deals) / (time.perf_counter() - started)


def run(repeats: int, audit_repeats: int, audit_deals: int) -> list[Row]:
    """Assessments/s against trivial calls/s; then the audit benchmark's ratio."""
    process = load_process(DEFAULT_PROCESS).process
    deals = sample_deals(process, DEALS)
    assessed, trivial = [], []
    for _ in range(repeats):
        assessed.append(_rate(assess, process, deals))
        trivial.append(_rate(_trivial, process, deals))
    value, base = Spread.of(assessed), Spread.of(trivial)
    # Read the ratio as: one assessment costs as much time as this many plain calls.
    rows_ = [
        Row(
            "5. engine",
            f"assess() per s ({len(deals):,} deals)",
            "trivial calls per s (ratio: calls/assessment)",
            "1/s",
            value,
            base,
            base.median / value.median,
            "",
            None,
        )
    ]
    result = audit.run(audit_repeats, deals=audit_deals, memory=False)
    audit_s, read_s = result["audit_seconds"], result["csv_read_seconds"]
    rows_.append(
        Row(
            "5. pipeline audit",
            f"playbook audit --engine python, {audit_deals:,} deals",
            "csv.reader of the same file",
            "s",
            Spread(audit_s["median"], audit_s["min"], audit_s["max"], audit_repeats),
            Spread(read_s["median"], read_s["min"], read_s["max"], audit_repeats),
            result["ratio"],
            f"< {audit.GOAL:g}x",
            result["goal_met"],
        )
    )
    return rows_
