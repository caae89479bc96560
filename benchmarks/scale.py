"""Scale: build time of the default process and of synthetic 12x8, 40x8 and 40x15 processes.

The builds run in this process (`build_site`, after one warm-up), so start-up cost does not
hide how the work grows. Linear growth shows as a flat time per stage page from 12 to 40 stages
of the same size (8 milestones each), and as a flat time per milestone from 12x8 to 40x15: the
Practice and checklist pages grow with the milestones of the whole process, so a stage page of
15 milestones costs more than one of 8 in a linear build too.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from benchmarks.common import DEFAULT_PROCESS, Row, Spread, seconds
from sales_process.loader import load_process
from site_builder.build import build_site
from tests.support.synthetic_process import write_process

SIZES = ((12, 8), (40, 8), (40, 15))
GOAL = 1.2  # per stage page (12x8 to 40x8) and per milestone (12x8 to 40x15)


def _build_times(process: Path, site: Path, repeats: int) -> list[float]:
    build_site(process, site)  # warm-up: imports, theme files in the disk cache
    return [seconds(lambda: build_site(process, site)) for _ in range(repeats)]


def _per_page(samples: list[float], count: int) -> list[float]:
    return [sample / count for sample in samples]


def run(repeats: int) -> list[Row]:
    """Build each process `repeats` times; one row per size, then the time per stage page and per milestone."""
    logging.getLogger("mkdocs").setLevel(logging.ERROR)  # the synthetic processes' lint notes
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as folder:
        work = Path(folder)
        processes = {"default": DEFAULT_PROCESS}
        for stages, milestones in SIZES:
            processes[f"{stages}x{milestones}"] = write_process(
                work / f"{stages}x{milestones}.yaml", stages, milestones
            )
        times = {label: _build_times(path, work / f"site-{label}", repeats) for label, path in processes.items()}
        loaded = {label: load_process(path).process for label, path in processes.items()}
        stage_counts = {label: len(process.stages) for label, process in loaded.items()}
        milestone_counts = {label: len(list(process.milestones())) for label, process in loaded.items()}
    default = Spread.of(times["default"])
    rows = []
    for label, samples in times.items():
        value = Spread.of(samples)
        ratio = value.median / default.median
        measured = f"build_site {label} ({stage_counts[label]} stages)"
        rows.append(Row("2. scale", measured, "build_site default", "s", value, default, ratio, "", None))
    rows.append(_flat_row("2. scale per stage page", "stage page", "12x8", "40x8", times, stage_counts))
    rows.append(_flat_row("2. scale per milestone", "milestone", "12x8", "40x15", times, milestone_counts))
    return rows


def _flat_row(
    figure: str, unit: str, small: str, large: str, times: dict[str, list[float]], counts: dict[str, int]
) -> Row:
    """The build time per `unit` of the large process against the small one: 1x when the build is linear."""
    per_large = Spread.of(_per_page(times[large], counts[large]))
    per_small = Spread.of(_per_page(times[small], counts[small]))
    ratio = per_large.median / per_small.median
    return Row(
        figure,
        f"s/{unit}, {large}",
        f"s/{unit}, {small}",
        "s",
        per_large,
        per_small,
        ratio,
        f"< {GOAL:g}x (flat)",
        ratio < GOAL,
    )
