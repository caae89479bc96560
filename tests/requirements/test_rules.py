"""`required_when`, `required: false` and `group` in process.yaml: each mistake is one error at its place, with the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from sales_process.loader import load_process
from sales_process.problems import InvalidFile
from tests.requirements.posthog import write_process


def _milestone(milestone_id: str, extra: str = "") -> str:
    lines = [
        f"      - id: {milestone_id}",
        f"        question: Has the customer done {milestone_id}?",
        f"        customer_action: The customer does {milestone_id}.",
        f"        evidence: The customer's email about {milestone_id}.",
    ]
    lines += [f"        {line}" for line in extra.splitlines()]
    return "\n".join(lines) + "\n"


def _process(first: str, second: str = "") -> str:
    """Two gated stages and a last one; `first` and `second` are the milestones of the first two."""
    return (
        "name: Rules\nstages:\n"
        "  - id: one\n    name: One\n    probability: 10\n    milestones:\n" + first + "  - id: two\n    name: Two\n"
        "    probability: 20\n    milestones:\n" + (second or _milestone("z")) + "  - id: won\n    name: Won\n"
        "    probability: 100\n"
    )


ERRORS = [
    (
        "group-of-one",
        _process(_milestone("a", "group: lonely") + _milestone("b")),
        "11:16: error: group 'lonely' has one milestone: a group is alternatives, one of which is enough; give "
        "'group: lonely' to another milestone of stage 'One', or remove it",
    ),
    (
        # Two groups of one a letter apart: one group spelt two ways, told once, naming both lines.
        "group-spelt-two-ways",
        _process(_milestone("a", "group: product-proof") + _milestone("b", "group: product-prof")),
        "11:16: error: group 'product-proof' here and group 'product-prof' (line 16) are spelt differently, so each "
        "is a group of one milestone; alternatives need the same group name: write one spelling in both",
    ),
    (
        "group-across-stages",
        _process(_milestone("a", "group: proof") + _milestone("b", "group: proof"), _milestone("c", "group: proof")),
        "25:16: error: group 'proof' spans stages (stage 'One' and stage 'Two'): alternatives gate one stage; "
        "move the milestone to stage 'One', or give it another group",
    ),
    (
        "group-required-alike",
        _process(
            _milestone("a", "group: proof\nrequired_when: {amount_at_least: 25000}") + _milestone("b", "group: proof")
        ),
        "17:16: error: the milestones of group 'proof' are required of different deals; give each the same "
        "'required_when' as 'a', or none",
    ),
    (
        "optional-and-conditional",
        _process(_milestone("a", "required: false\nrequired_when: {segment: [SMB]}") + _milestone("b")),
        "12:9: error: milestone 'a' has 'required: false' and 'required_when': 'required_when' says which deals "
        "need it, but 'required: false' says none do; remove one of them",
    ),
    (
        "optional-alternative",
        _process(_milestone("a", "required: false\ngroup: proof") + _milestone("b", "group: proof")),
        "12:9: error: milestone 'a' has 'required: false' and 'group': an alternative of a group is needed when the "
        "others are not verified; remove one of them",
    ),
    (
        "group-not-a-slug",
        _process(_milestone("a", "group: Product Proof") + _milestone("b", "group: product-proof")),
        "11:16: error: 'Product Proof' is not a valid group: use lowercase letters, digits and single hyphens, "
        "e.g. 'product-proof'",
    ),
    (
        "amount-as-text",
        _process(_milestone("a", "required_when: {amount_at_least: 25k}")),
        "11:42: error: 'amount_at_least' must be a number, got text '25k'; write digits, e.g. 25000",
    ),
    (
        "amount-below-zero",
        _process(_milestone("a", "required_when: {amount_below: 0}")),
        "11:39: error: 'amount_below' must be more than 0, got 0",
    ),
    (
        "misspelt-condition",
        _process(_milestone("a", "required_when: {segmnt: [SMB]}")),
        "11:25: error: unknown key 'segmnt' in stage 'One', milestone 'a'; did you mean 'segment'?",
    ),
    (
        "no-segment",
        _process(_milestone("a", "required_when: {segment: []}")),
        "11:34: error: 'segment' needs at least 1 item, got 0; list them, or remove 'segment' altogether",
    ),
    (
        "only-optional",
        _process(_milestone("a", "required: false") + _milestone("b", "required: false")),
        "6:5: error: stage 'One' has only milestones with 'required: false', so it holds no deal back; make at "
        "least one of them required (remove its 'required: false')",
    ),
    (
        "no-condition",
        _process(_milestone("a", "required_when: {}")),
        "11:24: error: 'required_when': a condition is needed: amount_at_least, amount_below or segment "
        "(e.g. 'required_when: {amount_at_least: 25000}'); or remove 'required_when' to require the milestone of every deal",
    ),
    (
        "empty-amount-range",
        _process(_milestone("a", "required_when: {amount_at_least: 100000, amount_below: 25000}")),
        "11:24: error: 'required_when': no amount is at least 100000 and below 25000; make amount_at_least lower "
        "than amount_below",
    ),
    (
        "no-alternative",
        _process(_milestone("a", "required_when: []")),
        "11:24: error: 'required_when': the list has no condition; write one per '- ' item (e.g. '- amount_at_least: "
        "50000'), any one of which requires the milestone; or remove 'required_when' to require the milestone of "
        "every deal",
    ),
    (
        "alternative-not-a-mapping",
        _process(_milestone("a", "required_when:\n  - amount_at_least: 50000\n  - Enterprise")),
        "13:13: error: each condition of 'required_when' must be a mapping of keys (amount_at_least, amount_below, "
        "segment), got text; write each key with its value, e.g. '- amount_at_least: …'",
    ),
    (
        "alternative-without-condition",
        _process(_milestone("a", "required_when:\n  - amount_at_least: 50000\n  - {}")),
        "13:13: error: item 2 of 'required_when': a condition is needed: amount_at_least, amount_below or segment "
        "(e.g. '- amount_at_least: 25000'); or remove the item",
    ),
    (
        "misspelt-condition-of-an-alternative",
        _process(_milestone("a", "required_when:\n  - amount_at_least: 50000\n  - segmnt: [Enterprise]")),
        "13:13: error: unknown key 'segmnt' in stage 'One', milestone 'a'; did you mean 'segment'?",
    ),
    (
        "alternatives-in-other-words",
        _process(_milestone("a", "required_when:\n  any_of: [{amount_at_least: 50000}, {segment: [Enterprise]}]")),
        "12:11: error: unknown key 'any_of' in stage 'One', milestone 'a'; for any one of several conditions, list "
        "them under 'required_when:' itself, one '- ' item each (e.g. '- amount_at_least: 50000')",
    ),
    (
        "empty-amount-range-of-an-alternative",
        _process(
            _milestone("a", "required_when:\n  - segment: [SMB]\n  - {amount_at_least: 100000, amount_below: 25000}")
        ),
        "13:13: error: item 2 of 'required_when': no amount is at least 100000 and below 25000; make amount_at_least "
        "lower than amount_below",
    ),
]


@pytest.mark.parametrize(("text", "expected"), [(t, e) for _, t, e in ERRORS], ids=[name for name, _, _ in ERRORS])
def test_each_mistake_is_one_error_at_its_place(text: str, expected: str, tmp_path: Path) -> None:
    path = tmp_path / "process.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidFile) as raised:
        load_process(path)
    assert [str(d) for d in raised.value.diagnostics] == [f"{path}:{expected}"]


def test_a_group_of_one_names_a_like_group_of_another_stage(tmp_path: Path) -> None:
    """In one stage two such groups are one group spelt two ways (group-spelt-two-ways); in two stages they cannot
    be one group, and each says the other's name."""
    path = tmp_path / "process.yaml"
    path.write_text(_process(_milestone("a", "group: eval-proof"), _milestone("b", "group: eval-prof")))
    with pytest.raises(InvalidFile) as raised:
        load_process(path)
    assert [d.message.rsplit("; ", 1)[-1] for d in raised.value.diagnostics] == [
        "did you mean 'eval-prof'?",
        "did you mean 'eval-proof'?",
    ]


def test_the_real_shaped_process_is_valid_without_a_warning(tmp_path: Path) -> None:
    loaded = load_process(write_process(tmp_path))
    assert loaded.warnings == []
    milestones = {m.id: m for _, m in loaded.process.milestones()}
    assert milestones["decision-maker-named"].required_when is not None
    assert milestones["demo-attended"].required is False
    assert milestones["trial-completed"].group == "product-proof"


def test_a_segment_may_be_one_text(tmp_path: Path) -> None:
    path = tmp_path / "process.yaml"
    path.write_text(_process(_milestone("a", "required_when: {segment: Enterprise}")), encoding="utf-8")
    condition = load_process(path).process.stages[0].milestones[0].required_when
    assert condition is not None and condition[0].segment == ["Enterprise"]


def test_a_group_may_write_its_one_condition_alone_or_as_a_list(tmp_path: Path) -> None:
    path = tmp_path / "process.yaml"
    alone = "group: proof\nrequired_when: {amount_at_least: 25000}"
    listed = "group: proof\nrequired_when:\n  - amount_at_least: 25000"
    path.write_text(_process(_milestone("a", alone) + _milestone("b", listed)), encoding="utf-8")
    first, second = load_process(path).process.stages[0].milestones
    assert first.required_when == second.required_when
