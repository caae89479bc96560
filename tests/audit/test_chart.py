"""The chart's stage labels: laid out on lines no wider than their room, broken between words."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline_report.chart import (
    GAP,
    MAX_LABEL_WIDTH,
    NARROW_FONT,
    NARROW_VALUE_ROOM,
    NARROW_WIDTH,
    label_lines,
    narrow_chart,
    text_width,
)
from sales_process.loader import load_process
from sales_process.totals import Totals
from tests.conftest import DEFAULT_PROCESS

ROOM = MAX_LABEL_WIDTH - GAP
LONG_NAME = "Pilot on the plant floor with the client and its engineers"


@pytest.mark.parametrize(
    ("name", "lines"),
    [
        ("Discovery", ("Discovery",)),
        ("Pilot on the plant floor with the client", ("Pilot on the plant floor", "with the client")),
        ("Ångström Åsa Öberg Ülkü", ("Ångström Åsa Öberg", "Ülkü")),
    ],
)
def test_a_name_breaks_between_words(name: str, lines: tuple[str, ...]) -> None:
    assert label_lines(name) == lines


def test_a_word_wider_than_the_room_breaks_inside_it_and_no_line_is_wider() -> None:
    name = "Proof-of-concept_on_the_plant_floor_EMEA_WEST 導入検証フェーズ"
    lines = label_lines(name)
    assert "".join(lines).replace(" ", "") == name.replace(" ", "")
    assert all(text_width(line) <= ROOM for line in lines) and len(lines) > 2


def test_the_phones_chart_puts_each_name_above_its_bars_inside_its_width(tmp_path: Path) -> None:
    """Drawn as wide in units as a phone is in pixels, with names on their own lines: none runs past its edge,
    and a bar of the largest amount leaves room for its value."""
    path = tmp_path / "process.yaml"
    path.write_text(DEFAULT_PROCESS.read_text().replace("name: Demonstrating", f"name: {LONG_NAME}"))
    totals = Totals(load_process(path).process)
    totals.stages[0].claimed_cents = 123_456_789
    chart = narrow_chart(totals)
    assert chart.width == NARROW_WIDTH and chart.label_width == 0
    for group in chart.groups:
        assert all(text_width(line, NARROW_FONT) <= NARROW_WIDTH for line in group.lines)
        top_of_bars = min(bar.y for bar in group.bars)
        assert group.label_y + (len(group.lines) - 1) * chart.line_height <= top_of_bars  # the name above its bars
        assert all(bar.width <= NARROW_WIDTH - NARROW_VALUE_ROOM for bar in group.bars)
    assert chart.groups[2].name == LONG_NAME and len(chart.groups[2].lines) > 1
