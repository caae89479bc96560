"""Hostile YAML is refused quickly, never executed, never allowed to eat memory."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml

from sales_process.loader import parse_process
from sales_process.problems import InvalidFile
from tests.conftest import ROOT


def _errors(text: str) -> list[str]:
    with pytest.raises(InvalidFile) as caught:
        parse_process(text.encode(), "p.yaml")
    return [str(d) for d in caught.value.diagnostics]


BILLION_LAUGHS = "\n".join(
    [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        *(f"{c}: &{c} [{', '.join(['*' + p] * 9)}]" for p, c in zip("abcdefgh", "bcdefghi", strict=True)),
    ]
)


def test_alias_bomb_is_refused_in_bounded_time() -> None:
    started = time.perf_counter()
    errors = _errors(BILLION_LAUGHS)
    assert time.perf_counter() - started < 5
    assert errors == [
        "p.yaml:1:38: error: the file expands to more than 100,000 values (aliases repeating aliases?); "
        "write the values out instead of using aliases"
    ]


def test_text_after_a_bracket_and_a_long_run_of_spaces_is_told_in_bounded_time() -> None:
    started = time.perf_counter()
    errors = _errors("name: x\nx_bad: [a] only" + " " * 60_000 + "y\n")
    assert time.perf_counter() - started < 1  # was 5 s: `\\s+#` tried at every space of the run
    assert errors[0].startswith("p.yaml:2:12: error: the list in brackets ends at the ']' just before this")


def test_recursive_alias_is_refused() -> None:
    assert _errors("a: &a [*a]\n") == [
        "p.yaml:1:4: error: values are nested more than 64 levels deep (a recursive alias?); flatten the file"
    ]


def test_deep_nesting_is_refused_without_a_traceback() -> None:
    errors = _errors("a: " + "[" * 5000 + "]" * 5000 + "\n")
    assert len(errors) == 1
    assert errors[0].startswith("p.yaml:1:")


@pytest.mark.parametrize(
    "tag",
    ["!!python/object/apply:os.system", "!!python/name:os.system", "!!binary", "!custom"],
)
def test_unsafe_or_unknown_tags_are_refused_not_constructed(tag: str, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    errors = _errors(f"name: {tag} ['touch {marker}']\nstages: []\n")
    assert not marker.exists()
    assert errors[0].startswith("p.yaml:1:7: error: the tag '")
    assert "is not allowed" in errors[0]


def test_merge_keys_are_refused_with_a_fix() -> None:
    errors = _errors("base: &b {x: 1}\nname:\n  <<: *b\nstages: []\n")
    assert "p.yaml:3:3: error: merge keys ('<<') are not supported; write the keys out in full" in errors


def test_aliases_of_plain_text_are_fine() -> None:
    text = (
        "name: &n Shared name\nstages:\n  - id: a\n    name: *n\n    probability: 60\n    milestones:\n"
        "      - id: m\n        question: Has the customer agreed?\n        customer_action: The customer agrees.\n"
        "        evidence: Their email.\n  - id: b\n    name: B\n    probability: 100\n"
    )
    assert parse_process(text.encode(), "p.yaml").process.stages[0].name == "Shared name"


def _same_nodes(pure: yaml.Node, fast: yaml.Node) -> None:
    assert (type(fast), fast.tag) == (type(pure), pure.tag)
    assert (fast.start_mark.line, fast.start_mark.column) == (pure.start_mark.line, pure.start_mark.column)
    if isinstance(pure.value, list):
        assert len(fast.value) == len(pure.value)
        for ours, theirs in zip(pure.value, fast.value, strict=True):
            pairs = zip(ours, theirs, strict=True) if isinstance(ours, tuple) else [(ours, theirs)]
            for pure_node, fast_node in pairs:
                _same_nodes(pure_node, fast_node)
    else:
        assert fast.value == pure.value


PROCESS_FILES = sorted(
    path.relative_to(ROOT).as_posix()
    for folder in ("", "tests", "examples", "playbook_cli")
    for path in (ROOT / folder).glob("*.yaml" if not folder else "**/*.yaml")
)
ODD_TEXT = 'name: "Ünïcödé 😀"\nstages: [ {id: ä😀, x: 1}, {id: b} ]\nmap:\n  "😀😀": {k: v}\n  key: |\n    😀 text\n'


@pytest.mark.parametrize("text_of", [*PROCESS_FILES, "odd text"])
def test_libyaml_composes_the_nodes_the_pure_parser_does(text_of: str) -> None:
    """The loader reads with libyaml (2 ms for process.yaml where the pure-Python parser takes 38): the same node
    tree, with every node at the same line and column, so every message points where it did."""
    assert yaml.__with_libyaml__, "PyYAML without libyaml: reinstall it from its wheel"
    text = ODD_TEXT if text_of == "odd text" else (ROOT / text_of).read_text(encoding="utf-8")
    pure = yaml.compose(text, Loader=yaml.SafeLoader)
    fast = yaml.compose(text, Loader=yaml.CSafeLoader)
    assert pure is not None and fast is not None
    _same_nodes(pure, fast)
