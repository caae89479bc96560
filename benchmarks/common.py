"""What every benchmark shares: timing, medians with spread, one table row per figure, the machine."""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PROCESS = ROOT / "process.yaml"
# Every subprocess sees this: mkdocs-material's end-of-life banner is noise in a timing.
QUIET_ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


@dataclass(frozen=True)
class Spread:
    """The median of several runs, and the smallest and largest."""

    median: float
    low: float
    high: float
    runs: int

    @classmethod
    def of(cls, samples: list[float]) -> Spread:
        """Summarise samples (at least one)."""
        return cls(statistics.median(samples), min(samples), max(samples), len(samples))


@dataclass(frozen=True)
class Row:
    """One line of the table: a figure measured against its baseline in the same run."""

    figure: str
    measured: str  # what was timed, e.g. "playbook build"
    baseline: str  # what it is compared with, on the same machine, in the same run
    unit: str  # "s", "ms", "req/s", "1/s"
    value: Spread  # the measured figure
    base: Spread | None  # the baseline figure (None: no baseline for this row)
    ratio: float | None
    goal: str  # e.g. "< 1.2x"; "" when the issue sets none
    goal_met: bool | None

    def as_json(self) -> dict[str, Any]:
        """The row for results.json."""
        return asdict(self)


def ratio_row(
    figure: str,
    measured: str,
    baseline: str,
    unit: str,
    value: list[float],
    base: list[float],
    goal: float | None,
    lower_is_better: bool = True,
) -> Row:
    """A row whose ratio is median(value) / median(base); the goal is a bound on that ratio."""
    value_spread, base_spread = Spread.of(value), Spread.of(base)
    ratio = value_spread.median / base_spread.median if base_spread.median else None
    met: bool | None = None
    goal_text = ""
    if goal is not None and ratio is not None:
        met = ratio < goal if lower_is_better else ratio >= goal
        goal_text = f"{'<' if lower_is_better else '>='} {goal:g}x"
    return Row(figure, measured, baseline, unit, value_spread, base_spread, ratio, goal_text, met)


def seconds(action: Callable[[], object]) -> float:
    """Wall-clock seconds one call of `action` takes."""
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def machine() -> dict[str, Any]:
    """The machine the numbers belong to."""
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
    }
