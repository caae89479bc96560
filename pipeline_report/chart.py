"""Geometry of the claimed-versus-verified bar chart, drawn as inline SVG by the report."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from sales_process.totals import Totals
from sales_process.vocabulary import money_cents as money

WIDTH = 640
# SVG text cannot be measured before a browser draws it: stage names are laid out for the largest size the
# report's stylesheet gives chart text (15 units, a phone's), at generous glyph widths, so a label never
# runs past the left edge of the viewBox.
LABEL_FONT = 15
LINE_HEIGHT = 18
ASCENT = 13.5  # from a line's top to its baseline
GAP = 8  # between a label and its bars
MAX_LABEL_WIDTH = 200  # a longer name wraps onto more lines; the bars keep the rest
VALUE_ROOM = 110  # room right of the longest bar for its value
BAR_HEIGHT = 16
BARS_HEIGHT = 2 * BAR_HEIGHT + 2
GROUP_GAP = 14  # between one stage's bars and the next's
TOP = 36  # below the legend
_NARROW = set("iljtfr.,;:'!|()[] ")


@dataclass(frozen=True)
class Bar:
    """One bar: which series, where, and the value printed next to it."""

    series: str
    y: float
    width: float
    label: str


@dataclass(frozen=True)
class StageGroup:
    """A stage's name (in lines, the first line's baseline at label_y) and its two bars (claimed, verified)."""

    name: str
    lines: tuple[str, ...]
    label_y: float
    bars: tuple[Bar, Bar]


@dataclass(frozen=True)
class Chart:
    """Everything the SVG needs."""

    width: int
    height: float
    label_width: int
    bar_height: int
    line_height: int
    groups: tuple[StageGroup, ...]


def text_width(text: str, font: float = LABEL_FONT) -> float:
    """The width of the text in chart units at a font size (LABEL_FONT), estimated on the wide side."""
    return font * sum(_em(char) for char in text)


def _em(char: str) -> float:
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.0
    if char in _NARROW:
        return 0.4
    return 0.9 if char.isupper() or char in "mwMW@%&" else 0.62


def label_lines(name: str, room: float = MAX_LABEL_WIDTH - GAP, font: float = LABEL_FONT) -> tuple[str, ...]:
    """The name on lines no wider than `room`: broken between words, and inside a word only when it alone is wider."""
    lines: list[str] = []
    line = ""
    for word in name.split():
        joined = f"{line} {word}" if line else word
        if text_width(joined, font) <= room:
            line = joined
            continue
        if line:
            lines.append(line)
        line = ""
        for char in word:
            if line and text_width(line + char, font) > room:
                lines.append(line)
                line = ""
            line += char
    return (*lines, line) if line or not lines else tuple(lines)


def stage_chart(totals: Totals) -> Chart:
    """Claimed and verified weighted pipeline per stage, scaled to the largest value; each stage's name whole."""
    names = [label_lines(stage.name) for stage in totals.process.stages]
    label_width = round(max([0.0] + [text_width(line) for lines in names for line in lines]) + GAP)
    largest = max([1] + [max(s.claimed_cents, s.verified_cents) for s in totals.stages])
    room = WIDTH - label_width - VALUE_ROOM
    groups = []
    top: float = TOP
    for stage, sums, lines in zip(totals.process.stages, totals.stages, names, strict=True):
        block = max(BARS_HEIGHT, len(lines) * LINE_HEIGHT)
        y = top + (block - BARS_HEIGHT) / 2
        claimed = Bar("claimed", y, room * sums.claimed_cents / largest, money(sums.claimed_cents))
        verified = Bar("verified", y + BAR_HEIGHT + 2, room * sums.verified_cents / largest, money(sums.verified_cents))
        label_y = top + (block - len(lines) * LINE_HEIGHT) / 2 + ASCENT
        groups.append(StageGroup(stage.name, lines, label_y, (claimed, verified)))
        top += block + GROUP_GAP
    return Chart(WIDTH, top, label_width, BAR_HEIGHT, LINE_HEIGHT, tuple(groups))


# The phone's chart: as wide in units as a phone's screen is in pixels (390 px less the page's margins), so its
# text, 16 units, is drawn at about the body's 16 px; each stage's name on its own lines above its two bars.
NARROW_WIDTH = 356
NARROW_FONT = 16
NARROW_LINE_HEIGHT = 20
NARROW_ASCENT = 15
NARROW_BAR_HEIGHT = 18
NARROW_VALUE_ROOM = 8 + round(NARROW_FONT * 0.62 * len("1,234,567.00"))  # a value of millions beside its bar
NARROW_TOP = 56  # below the legend's two lines


def narrow_chart(totals: Totals) -> Chart:
    """The stage chart for a narrow screen: names above the bars, the bars the whole width less their values."""
    largest = max([1] + [max(s.claimed_cents, s.verified_cents) for s in totals.stages])
    room = NARROW_WIDTH - NARROW_VALUE_ROOM
    groups = []
    top: float = NARROW_TOP
    for stage, sums in zip(totals.process.stages, totals.stages, strict=True):
        lines = label_lines(stage.name, NARROW_WIDTH, NARROW_FONT)
        label_y = top + NARROW_ASCENT
        y = top + len(lines) * NARROW_LINE_HEIGHT + 2
        claimed = Bar("claimed", y, room * sums.claimed_cents / largest, money(sums.claimed_cents))
        second = y + NARROW_BAR_HEIGHT + 2
        verified = Bar("verified", second, room * sums.verified_cents / largest, money(sums.verified_cents))
        groups.append(StageGroup(stage.name, lines, label_y, (claimed, verified)))
        top = second + NARROW_BAR_HEIGHT + GROUP_GAP + 4
    return Chart(NARROW_WIDTH, top, 0, NARROW_BAR_HEIGHT, NARROW_LINE_HEIGHT, tuple(groups))
