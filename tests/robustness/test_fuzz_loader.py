"""Fuzz the process loader: any input gives a valid process or FILE:LINE:COL errors, quickly."""

from __future__ import annotations

import copy
import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sales_process.loader import LoadedProcess, parse_process
from sales_process.problems import InvalidFile

pytestmark = pytest.mark.slow  # fuzzing: ./scripts/test --quick leaves it out

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = yaml.safe_load((ROOT / "process.yaml").read_text(encoding="utf-8"))
LOCATED = re.compile(r"^p\.yaml:\d+:\d+: (error|warning): \S")  # the warnings on how YAML read it come too
FUZZ = settings(max_examples=150, deadline=dt.timedelta(seconds=3), suppress_health_check=[HealthCheck.too_slow])


def _outcome(raw: bytes) -> LoadedProcess | list[str]:
    try:
        return parse_process(raw, "p.yaml")
    except InvalidFile as invalid:
        lines = [str(d) for d in invalid.diagnostics]
        assert any(d.severity == "error" for d in invalid.diagnostics), "an invalid file must report an error"
        for line in lines:
            assert LOCATED.match(line), line
        return lines


# What text pasted from a word processor brings: dashes and bullets for '- ', non-breaking and zero-width spaces.
PASTED = "–—•·▪◦\u00a0\u202f\u200b\u200c\u200d\u2060\ufeff"
YAML_ALPHABET = st.sampled_from(list("abc:- \n\t'\"[]{},&*!|>#%@`?0123456789é\u202e\x00" + PASTED))
DEFAULT_TEXT = (ROOT / "process.yaml").read_text(encoding="utf-8")


@FUZZ
@given(
    st.lists(
        st.tuples(st.integers(0, len(DEFAULT_TEXT)), st.sampled_from(list(PASTED + "- :")), st.booleans()), max_size=4
    )
)
def test_pasted_characters_in_the_default_process(edits: list[tuple[int, str, bool]]) -> None:
    """The default process with characters from a word processor put in or put in place of its own."""
    text = DEFAULT_TEXT
    for at, char, replaces in edits:
        text = text[:at] + char + text[at + replaces :]
    _outcome(text.encode("utf-8"))


@FUZZ
@given(st.text(YAML_ALPHABET, max_size=200))
@example("0:\n\n0")  # a line lined up with a block key with only blank lines between: the explainer raised
@example("00")  # a whole document YAML reads as another number than its digits: the check read its key
def test_arbitrary_text(text: str) -> None:
    _outcome(text.encode("utf-8", "surrogatepass"))


@FUZZ
@given(st.binary(max_size=200))
def test_arbitrary_bytes(raw: bytes) -> None:
    _outcome(raw)


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.text(min_size=5000, max_size=6000, alphabet="ab💥"),
    st.dates(),
)
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=30,
)


@FUZZ
@given(documents)
def test_arbitrary_yaml_documents(document: Any) -> None:
    _outcome(yaml.safe_dump(document, allow_unicode=True).encode())


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*path, index))
    return found


def _parent(document: Any, path: tuple[Any, ...]) -> Any:
    for part in path[:-1]:
        document = document[part]
    return document


@st.composite
def mutated_processes(draw: st.DrawFn) -> str:
    document = copy.deepcopy(DEFAULT)
    for _ in range(draw(st.integers(1, 4))):
        paths = [p for p in _paths(document) if p]
        path = draw(st.sampled_from(paths))
        parent = _parent(document, path)
        action = draw(st.sampled_from(["delete", "replace", "duplicate"]))
        if action == "delete":
            del parent[path[-1]]
        elif action == "replace":
            parent[path[-1]] = draw(documents)
        elif isinstance(parent, list):
            parent.append(copy.deepcopy(parent[path[-1]]))
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    if draw(st.booleans()):
        lines = text.splitlines(keepends=True)
        index = draw(st.integers(0, len(lines) - 1))
        lines.insert(index, lines[index])  # duplicate a line: duplicate keys, broken indentation
        text = "".join(lines)
    return text


@FUZZ
@given(mutated_processes())
def test_mutated_valid_processes(text: str) -> None:
    _outcome(text.encode())


def test_the_default_process_survives_a_round_trip() -> None:
    outcome = _outcome(yaml.safe_dump(DEFAULT, allow_unicode=True, sort_keys=False).encode())
    assert isinstance(outcome, LoadedProcess)
