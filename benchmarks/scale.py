"""Scale: build time of the default process and of synthetic 12x8 and 40x15 processes.

The builds run in this process (`build_site`, after one warm-up), so start-up cost does not
hide how the work grows. Linear growth shows as a flat time per stage page.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from benchmarks.common import DEFAULT_PROCESS, Row, Spread, seconds
from benchmarks.synthetic_process import write_process
from sales_process.loader import load_process
from site_builder.build import build_site

SIZES = ((12, 8), (40, 15))
GOAL = 1.2  # per stage page, the largest process against the 12x8 one


def _build_times(process: Path, site: Path, repeats: int) -> list[float]:
    build_site(process, site)  # warm-up: imports, theme files in the disk cache
    return [seconds(lambda: build_site(process, site)) for _ in range(repeats)]


def _per_page(samples: list[float], stages: int) -> list[float]:
    return [sample / stages for sample in samples]


def run(repeats: int) -> list[Row]:
    """Build each process `repeats` times; one row per size and one for time per stage page."""
    logging.getLogger("mkdocs").setLevel(logging.ERROR)  # the synthetic processes' lint notes
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as folder:
        work = Path(folder)
        processes = {"default": DEFAULT_PROCESS}
        for stages, milestones in SIZES:
            processes[f"{stages}x{milestones}"] = write_process(
                work / f"{stages}x{milestones}.yaml", stages, milestones
            )
        times = {label: _build_times(path, work / f"site-{label}", repeats) for label, path in processes.items()}
        stage_counts = {label: len(load_process(path).process.stages) for label, path in processes.items()}
    default = Spread.of(times["default"])
    rows = []
    for label, samples in times.items():
        value = Spread.of(samples)
        ratio = value.median / default.median
        measured = f"build_site {label} ({stage_counts[label]} stages)"
        rows.append(Row("2. scale", measured, "build_site default", "s", value, default, ratio, "", None))
    small, large = f"{SIZES[0][0]}x{SIZES[0][1]}", f"{SIZES[-1][0]}x{SIZES[-1][1]}"
    per_large = Spread.of(_per_page(times[large], stage_counts[large]))
    per_small = Spread.of(_per_page(times[small], stage_counts[small]))
    ratio = per_large.median / per_small.median
    rows.append(
        Row(
            "2. scale per stage page",
            f"s/stage page, {large}",
            f"s/stage page, {small}",
            "s",
            per_large,
            per_small,
            ratio,
            f"< {GOAL:g}x (flat)",
            ratio < GOAL,
        )
    )
    return rows
