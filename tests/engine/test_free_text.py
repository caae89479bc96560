"""The one rule for free text (sales_process.text): what it refuses, and that its JSON Schema pattern agrees."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from sales_process.deal import parse_deal
from sales_process.loader import load_process
from sales_process.problems import InvalidInput
from sales_process.text import BLANK_LOOKING, INVISIBLE, blank_pattern, text_pattern, text_problem
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
        # Invisible format characters: "Acme\u200b" read as "Acme" and was another deal; a name of them alone was 201.
        (
            "Acme\u200b",
            True,
            "contains an invisible zero-width space (U+200B) at character 5; remove it (it does not show",
        ),
        ("\u200e\u200f", True, "contains an invisible left-to-right mark (U+200E) at character 1"),
        ("Deal\u200f", False, "contains an invisible right-to-left mark (U+200F) at character 5"),
        ("\u061c", True, "contains an invisible arabic letter mark (U+061C)"),
        ("A\u2060B", True, "contains an invisible word joiner (U+2060) at character 2"),
        ("\ufeffAcme", False, "contains an invisible zero-width no-break space (a byte-order mark) (U+FEFF)"),
        ("tbd\u2063", False, "contains an invisible separator (U+2063)"),
        # Kept inside text, but a text of nothing else shows nothing: a blank name.
        ("\u200d", True, "shows nothing: it holds only invisible characters (such as a zero-width joiner (U+200D))"),
        (
            " \u200c\t\u00ad ",
            True,
            "shows nothing: it holds only invisible characters (such as a zero-width non-joiner",
        ),
        ("\u3164", False, "shows nothing"),  # the Hangul filler: a letter that draws nothing
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
        # The joiners emoji and Persian or Indic words need, and a variation selector, inside text.
        ("Team 👩\u200d💻 rollout", True),
        ("می\u200cخواهم", True),
        ("Launch ❤\ufe0f", False),
        ("", True),
        ("  ", False),  # white space alone is an empty field, not a problem of the rule
    ],
)
def test_what_the_rule_keeps(text: str, single_line: bool) -> None:
    assert text_problem(text, single_line=single_line) is None


# Text made of the characters the rule treats apart: white space, the invisible ones refused and those kept.
_TRICKY = st.text(alphabet=f"a \t\n\u00a0{INVISIBLE}{BLANK_LOOKING}\u202e", max_size=6)


@example("Fabrikam\n", True)
@example("\u200d", True)
@example(" \n ", False)
@given(st.one_of(st.text(max_size=12), _TRICKY), st.booleans())
def test_the_published_pattern_refuses_exactly_what_the_rule_refuses(text: str, single_line: bool) -> None:
    matches = re.search(text_pattern(single_line=single_line), text) is not None
    assert matches == (text_problem(text, single_line=single_line) is None)


@example("\u200b", True)
@example("\u200d ", True)
@given(st.one_of(st.text(max_size=12), _TRICKY), st.booleans())
def test_the_required_pattern_also_refuses_a_text_that_shows_nothing(text: str, single_line: bool) -> None:
    matches = re.search(text_pattern(single_line=single_line, required=True), text) is not None
    assert matches == (text_problem(text, single_line=single_line) is None and bool(text.strip()))


def test_every_door_of_the_core_uses_it() -> None:
    process = load_process(DEFAULT_PROCESS).process
    with pytest.raises(InvalidInput) as refused:
        parse_deal({"deal": "A\u202eB", "milestones": {"pain-confirmed": {"met": True, "evidence": "x\x00y"}}}, process)
    assert [problem.loc_text() for problem in refused.value.problems] == ["deal", "milestones.pain-confirmed.evidence"]


@example(" \u00a0\t", True)
@example("\n", True)
@given(st.one_of(st.text(max_size=12), _TRICKY), st.booleans())
def test_the_blank_pattern_is_what_an_optional_field_reads_as_empty(text: str, single_line: bool) -> None:
    matches = re.search(blank_pattern(single_line=single_line), text) is not None
    assert matches == (text_problem(text, single_line=single_line) is None and not text.strip())
