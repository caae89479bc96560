"""The one rule for free text (sales_process.text): what it refuses, and that its JSON Schema pattern agrees."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from sales_process.deal import parse_deal
from sales_process.loader import load_process
from sales_process.problems import InvalidInput
from sales_process.text import text_pattern, text_problem
from tests.conftest import DEFAULT_PROCESS


@pytest.mark.parametrize(
    ("text", "single_line", "said"),
    [
        ("Fabrikam\x00", True, "contains a NUL character (U+0000) at character 9; remove it"),
        ("Fab\x03rikam", True, "contains a control character (U+0003) at character 4"),
        ("Fab\x93rikam", False, "contains a control character (U+0093) at character 4"),
        (
            "Deal \u202eevil",
            False,
            "contains a text-direction control (right-to-left override) (U+202E) at character 6",
        ),
        ("Deal \u2066x", True, "contains a text-direction control (left-to-right isolate) (U+2066)"),
        ("Fabrikam\nrollout", True, "contains a line break (U+000A) at character 9; keep it on one line"),
        ("Fabrikam\u2028rollout", True, "contains a line break (U+2028) at character 9; keep it on one line"),
        ("Fabrikam\x0brollout", False, "contains a line break (U+000B) at character 9; remove it"),
    ],
)
def test_what_the_rule_refuses_and_says(text: str, single_line: bool, said: str) -> None:
    problem = text_problem(text, single_line=single_line)
    assert problem is not None and problem.startswith(said)


@pytest.mark.parametrize(
    ("text", "single_line"),
    [
        ("Fabrikam rollout\tQ3", True),
        ("שלום Fabrikam", True),  # right-to-left letters are text, not controls
        ("Reply to the recap\r\nlinked in the CRM", False),
        ("Ünïcödé — “quotes” €", True),
    ],
)
def test_what_the_rule_keeps(text: str, single_line: bool) -> None:
    assert text_problem(text, single_line=single_line) is None


@example("Fabrikam\n", True)
@given(st.text(max_size=12), st.booleans())
def test_the_published_pattern_refuses_exactly_what_the_rule_refuses(text: str, single_line: bool) -> None:
    matches = re.search(text_pattern(single_line=single_line), text) is not None
    assert matches == (text_problem(text, single_line=single_line) is None)


def test_every_door_of_the_core_uses_it() -> None:
    process = load_process(DEFAULT_PROCESS).process
    with pytest.raises(InvalidInput) as refused:
        parse_deal({"deal": "A\u202eB", "milestones": {"pain-confirmed": {"met": True, "evidence": "x\x00y"}}}, process)
    assert [problem.loc_text() for problem in refused.value.problems] == ["deal", "milestones.pain-confirmed.evidence"]
