"""Geometry of the claimed-versus-verified bar chart, drawn as inline SVG by the report."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline_report.totals import Totals
from sales_process.vocabulary import money_cents as money

WIDTH = 640
LABEL_WIDTH = 130
VALUE_ROOM = 110  # room right of the longest bar for its value
BAR_HEIGHT = 16
GROUP_HEIGHT = 48
TOP = 36  # below the legend


@dataclass(frozen=True)
class Bar:
    """One bar: which series, where, and the value printed next to it."""

    series: str
    y: int
    width: float
    label: str


@dataclass(frozen=True)
class StageGroup:
    """A stage's name and its two bars (claimed, verified)."""

    name: str
    y: int
    bars: tuple[Bar, Bar]


@dataclass(frozen=True)
class Chart:
    """Everything the SVG needs."""

    width: int
    height: int
    label_width: int
    bar_height: int
    groups: tuple[StageGroup, ...]


def stage_chart(totals: Totals) -> Chart:
    """Claimed and verified weighted pipeline per stage, scaled to the largest value."""
    largest = max([1] + [max(s.claimed_cents, s.verified_cents) for s in totals.stages])
    room = WIDTH - LABEL_WIDTH - VALUE_ROOM
    groups = []
    for index, (stage, sums) in enumerate(zip(totals.process.stages, totals.stages, strict=True)):
        y = TOP + index * GROUP_HEIGHT
        groups.append(
            StageGroup(
                stage.name,
                y,
                (
                    Bar("claimed", y, room * sums.claimed_cents / largest, money(sums.claimed_cents)),
                    Bar(
                        "verified", y + BAR_HEIGHT + 2, room * sums.verified_cents / largest, money(sums.verified_cents)
                    ),
                ),
            )
        )
    height = TOP + len(groups) * GROUP_HEIGHT
    return Chart(WIDTH, height, LABEL_WIDTH, BAR_HEIGHT, tuple(groups))
