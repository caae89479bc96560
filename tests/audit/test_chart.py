"""The chart's stage labels: laid out on lines no wider than their room, broken between words."""

from __future__ import annotations

import pytest

from pipeline_report.chart import GAP, MAX_LABEL_WIDTH, label_lines, text_width

ROOM = MAX_LABEL_WIDTH - GAP


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
