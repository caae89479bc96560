"""The engine's one rule for which milestones gate a deal, and how the verdict words it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sales_process.deal import Deal, parse_deal
from sales_process.deal_file import parse_deal_file
from sales_process.engine import assess
from sales_process.loader import LoadedProcess, load_process
from sales_process.model import Milestone, RequiredWhen
from sales_process.problems import InvalidFile, InvalidInput
from sales_process.report import assessment_json, assessment_text
from sales_process.requirement import milestone_note, milestone_required, misspelt_segment, requirement_note
from tests.conftest import DEFAULT_PROCESS
from tests.requirements.posthog import PROCESS, SMALL_DEAL_ANSWERS, write_process

AS_OF = dt.date(2027, 3, 1)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> LoadedProcess:
    """The PostHog-like process."""
    return load_process(write_process(tmp_path_factory.mktemp("posthog")))


def _milestone(**keys: object) -> Milestone:
    return Milestone.model_validate({"id": "m", "question": "Q?", "customer_action": "A.", "evidence": "E.", **keys})


# A security review of deals of 50,000 or more, or of segment Enterprise.
ANY_OF = [{"amount_at_least": 50000}, {"segment": ["Enterprise"]}]
REQUIRED = [
    ("plain", {}, 10.0, None, True),
    ("optional", {"required": False}, 10.0, None, False),
    ("at-least-below", {"required_when": {"amount_at_least": 25000}}, 24999.99, None, False),
    ("at-least-equal", {"required_when": {"amount_at_least": 25000}}, 25000.0, None, True),
    ("at-least-unknown-amount", {"required_when": {"amount_at_least": 25000}}, None, None, True),
    ("below-under", {"required_when": {"amount_below": 25000}}, 24999.0, None, True),
    ("below-equal", {"required_when": {"amount_below": 25000}}, 25000.0, None, False),
    ("segment-in-any-case", {"required_when": {"segment": ["Enterprise"]}}, None, "  enterprise ", True),
    ("segment-out", {"required_when": {"segment": ["Enterprise"]}}, None, "SMB", False),
    ("segment-unknown", {"required_when": {"segment": ["Enterprise"]}}, None, None, True),
    ("all-conditions", {"required_when": {"amount_at_least": 1000, "segment": ["SMB"]}}, 5000.0, "Enterprise", False),
    ("any-of-none-met", {"required_when": ANY_OF}, 20000.0, "SMB", False),
    ("any-of-amount-met", {"required_when": ANY_OF}, 50000.0, "SMB", True),
    ("any-of-segment-met", {"required_when": ANY_OF}, 20000.0, "enterprise", True),
    ("any-of-both-met", {"required_when": ANY_OF}, 90000.0, "Enterprise", True),
    ("any-of-unknown-amount", {"required_when": ANY_OF}, None, "SMB", True),
    ("any-of-no-segment", {"required_when": ANY_OF}, 20000.0, None, True),
    ("any-of-one", {"required_when": [{"amount_at_least": 1000, "segment": ["SMB"]}]}, 5000.0, "Enterprise", False),
]


@pytest.mark.parametrize(
    ("keys", "amount", "segment", "required"),
    [row[1:] for row in REQUIRED],
    ids=[row[0] for row in REQUIRED],
)
def test_the_one_rule_decides_whether_a_milestone_gates_a_deal(
    keys: dict[str, object], amount: float | None, segment: str | None, required: bool
) -> None:
    assert milestone_required(_milestone(**keys), amount, segment) is required


NOTES = [
    ({"required": False}, "helps, not required"),
    ({"required_when": {"amount_at_least": 25000}}, "required only for deals of 25k or more"),
    ({"required_when": {"amount_below": 1500000}}, "required only for deals under 1.5M"),
    ({"required_when": {"amount_at_least": 2500}}, "required only for deals of 2.5k or more"),
    ({"required_when": {"amount_at_least": 1234}}, "required only for deals of 1,234 or more"),
    ({"required_when": {"amount_at_least": 1250000}}, "required only for deals of 1.25M or more"),
    (
        {"required_when": {"segment": ["Enterprise", "Mid-Market"]}},
        "required only for deals in segment Enterprise or Mid-Market",
    ),
    (
        {"required_when": {"amount_at_least": 25000, "amount_below": 100000}},
        "required only for deals from 25k to under 100k",
    ),
    ({"required_when": ANY_OF}, "required only for deals of 50k or more, or in segment Enterprise"),
    (
        {"required_when": [{"amount_below": 10000, "segment": ["SMB"]}, {"amount_at_least": 1000000}]},
        "required only for deals under 10k in segment SMB, or of 1M or more",
    ),
    ({}, None),
]


@pytest.mark.parametrize(("keys", "note"), NOTES, ids=[str(note) for _, note in NOTES])
def test_a_milestone_not_every_deal_needs_is_worded_for_the_playbook(keys: dict[str, object], note: str | None) -> None:
    assert requirement_note(_milestone(**keys)) == note


def test_a_required_when_is_a_condition_on_the_deal() -> None:
    assert RequiredWhen(segment=["SMB"]).holds(None, "smb")


def test_a_small_deal_needs_only_the_small_deal_criteria(loaded: LoadedProcess) -> None:
    small = Deal(
        name="Small", amount=12000, answers=parse_deal({"milestones": SMALL_DEAL_ANSWERS}, loaded.process).answers
    )
    assessment = assess(loaded.process, small, AS_OF)
    assert assessment.verified_stage.id == "contracting"
    by_id = {r.milestone.id: r for r in assessment.milestones}
    assert by_id["decision-maker-named"].requirement == (
        "not required for this deal: required only for deals of 25k or more"
    )
    assert by_id["demo-attended"].requirement == "helps, not required"
    assert by_id["trial-completed"].requirement == (
        "one of: “Is the customer's team actively using the product?” or this question "
        "(met by “Is the customer's team actively using the product?”)"
    )
    assert by_id["actively-using"].requirement == (
        "one of: this question or “Has the customer completed a trial against agreed success criteria?” "
        "(met by this one)"
    )
    assert assessment.met_by == {"evaluation/product-proof": "actively-using"}
    # No segment given: the deal is in every segment, Enterprise too, which needs the agreement.
    assert [r.milestone.id for r in assessment.next] == ["contract-signed", "dpa-signed"]


@pytest.mark.parametrize(
    ("amount", "segment", "needed"),
    [
        pytest.param(12000, "SMB", False, id="neither"),
        pytest.param(50000, "SMB", True, id="large"),
        pytest.param(12000, "enterprise", True, id="enterprise"),
        pytest.param(90000, "Enterprise", True, id="both"),
        pytest.param(None, "SMB", True, id="unknown-amount"),
        pytest.param(12000, None, True, id="no-segment"),
    ],
)
def test_the_agreement_is_needed_of_a_large_deal_or_an_enterprise_one(
    loaded: LoadedProcess, amount: float | None, segment: str | None, needed: bool
) -> None:
    answers = parse_deal({"milestones": SMALL_DEAL_ANSWERS}, loaded.process).answers
    assessment = assess(loaded.process, Deal(amount=amount, segment=segment, answers=answers), AS_OF)
    (agreement,) = [r for r in assessment.milestones if r.milestone.id == "dpa-signed"]
    assert agreement.required is needed
    assert agreement.requirement == (
        None
        if needed
        else "not required for this deal: required only for deals of 50k or more, or in segment Enterprise"
    )


def test_a_large_deal_with_the_same_answers_is_held_by_what_large_deals_need(loaded: LoadedProcess) -> None:
    answers = parse_deal({"milestones": SMALL_DEAL_ANSWERS}, loaded.process).answers
    assessment = assess(loaded.process, Deal(amount=90000, answers=answers), AS_OF)
    assert assessment.verified_stage.id == "qualification"
    assert [r.milestone.id for r in assessment.next] == ["decision-maker-named"]


def test_an_unmet_group_holds_the_deal_with_each_alternative(loaded: LoadedProcess) -> None:
    answers = {key: value for key, value in SMALL_DEAL_ANSWERS.items() if key != "actively-using"}
    deal = parse_deal({"amount": 100, "milestones": answers}, loaded.process)
    assessment = assess(loaded.process, deal, AS_OF)
    assert assessment.verified_stage.id == "evaluation"
    assert [r.milestone.id for r in assessment.next] == ["actively-using", "trial-completed"]


def test_a_segment_outside_the_condition_lifts_the_gate(loaded: LoadedProcess) -> None:
    answers = {
        **SMALL_DEAL_ANSWERS,
        "decision-maker-named": {"met": True, "evidence": "Email naming the approver"},
        "success-criteria-agreed": {"met": True, "evidence": "Reply email agreeing the criteria"},
    }
    enterprise = parse_deal({"amount": 90000, "segment": "Enterprise", "milestones": answers}, loaded.process)
    smb = parse_deal({"amount": 90000, "segment": "SMB", "milestones": answers}, loaded.process)
    assert assess(loaded.process, enterprise, AS_OF).verified_stage.id == "commercial"
    assert assess(loaded.process, smb, AS_OF).verified_stage.id == "contracting"


def test_the_json_and_the_text_say_how_each_milestone_stands(loaded: LoadedProcess) -> None:
    deal = parse_deal({"amount": 12000, "segment": "SMB", "milestones": SMALL_DEAL_ANSWERS}, loaded.process)
    assessment = assess(loaded.process, deal, AS_OF)
    answer = assessment_json(loaded, assessment)
    assert answer["segment"] == "SMB"
    items = {item["id"]: item for item in answer["milestones"]}
    assert items["pain-confirmed"].keys() == {"id", "stage", "question", "status", "reason"}
    assert items["decision-maker-named"]["required"] is False
    assert items["decision-maker-named"]["requirement"] == (
        "not required for this deal: required only for deals of 25k or more"
    )
    assert answer["conditions"] == [UNNAMED_SMB]
    assert items["trial-completed"]["met_by"] == "actively-using"
    assert items["trial-completed"]["required"] is True
    text = assessment_text(loaded, assessment)
    assert (
        "Alternatives met:\n  - The customer's team sends events from production to their project. "
        "(one of 2 alternatives)\n"
    ) in text
    assert (
        "  - The customer names the person who approves the budget. (not required for this deal: required only for "
        "deals of 25k or more)\n"
    ) in text
    assert f"\n\n{UNNAMED_SMB}\n" in text
    assert "  - The customer's team attends a product demo. (helps, not required)\n" in text


UNNAMED_SMB = (
    "The segment “SMB” is none the process names (Enterprise, Mid-Market), so no milestone required only in those "
    "segments is asked of this deal: check that it is the segment meant."
)
NO_AMOUNT = (
    "No amount is given, so every milestone required only for some amounts is asked of this deal: give the amount "
    "to see which it needs."
)
NO_SEGMENT = (
    "No segment is given, so every milestone required only in some segments is asked of this deal: give the segment "
    "to see which it needs."
)


@pytest.mark.parametrize(
    ("deal", "notes"),
    [
        ({"amount": 12000, "segment": "SMB"}, [UNNAMED_SMB]),
        ({"amount": 12000, "segment": " mid-market "}, []),
        ({"amount": 12000}, [NO_SEGMENT]),
        ({"segment": "Enterprise"}, [NO_AMOUNT]),
        ({}, [NO_AMOUNT, NO_SEGMENT]),
    ],
)
def test_a_rep_is_told_how_the_conditions_read_a_blank_or_unnamed_amount_and_segment(
    loaded: LoadedProcess, deal: dict[str, object], notes: list[str]
) -> None:
    assessment = assess(loaded.process, parse_deal(deal, loaded.process), AS_OF)
    assert list(assessment.condition_notes) == notes
    assert assessment_json(loaded, assessment).get("conditions", []) == notes


def test_a_process_without_conditions_has_no_notes_on_them() -> None:
    loaded = load_process(DEFAULT_PROCESS)
    assessment = assess(loaded.process, parse_deal({}, loaded.process), AS_OF)
    assert assessment.condition_notes == () and "conditions" not in assessment_json(loaded, assessment)


SEGMENT_ERRORS = [
    (42, "'segment' must be text such as \"Enterprise\", got a number"),
    ("x" * 101, "'segment' is 101 characters long; at most 100"),
    ("Enter\nprise", "'segment' contains a line break (U+000A) at character 6; keep it on one line"),
    (
        "Enterprse",
        "'segment' 'Enterprse' is not a segment the process names; did you mean 'Enterprise'? (a segment it does not "
        "name is fine: its deals need none of the milestones required only in 'Enterprise' or 'Mid-Market')",
    ),
    ("mid market", "'segment' 'mid market' is not a segment the process names; did you mean 'Mid-Market'?"),
]


@pytest.mark.parametrize(
    ("value", "message"), SEGMENT_ERRORS, ids=["number", "too-long", "two-lines", "misspelt", "without-its-hyphen"]
)
def test_a_bad_segment_is_refused(loaded: LoadedProcess, value: object, message: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_deal({"segment": value}, loaded.process)
    assert [p.loc for p in raised.value.problems] == [("segment",)]
    assert raised.value.problems[0].message.startswith(message)


HOSPITALS = ["IDN", "Academic Medical Center"]


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("IND", "IDN"),  # two letters swapped: a typo however short the word
        ("ind", "IDN"),
        ("IDNs", "IDN"),
        ("Acadmic Medical Center", "Academic Medical Center"),
        ("Acadmeic Medical Center", "Academic Medical Center"),
        ("idn", None),  # the segment itself, in another case
        ("IDX", None),  # a short word a letter off is another word (SMB, SME)
        ("Community", None),
    ],
)
def test_a_segment_a_typo_of_one_the_process_names_is_told_as_such(typed: str, meant: str | None) -> None:
    assert misspelt_segment(typed, HOSPITALS) == meant


def test_a_short_segment_with_two_letters_swapped_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "process.yaml"
    path.write_text(PROCESS.replace("[Enterprise, Mid-Market]", "[IDN, Enterprise]"), encoding="utf-8")
    process = load_process(path).process
    with pytest.raises(InvalidInput) as raised:
        parse_deal({"segment": "IND", "amount": 100000}, process)
    assert raised.value.problems[0].message.startswith(
        "'segment' 'IND' is not a segment the process names; did you mean 'IDN'?"
    )


@pytest.mark.parametrize("segment", ["ENTERPRISE", " mid-market ", "SMB", "Ent"])
def test_a_segment_the_process_names_in_any_case_or_one_it_does_not_name_is_taken(
    loaded: LoadedProcess, segment: str
) -> None:
    assert parse_deal({"segment": segment}, loaded.process).segment == segment.strip()


def test_a_blank_segment_is_none(loaded: LoadedProcess) -> None:
    assert parse_deal({"segment": "  "}, loaded.process).segment is None


def test_the_playbook_note_names_the_alternatives(loaded: LoadedProcess) -> None:
    stage = loaded.process.stages[1]
    notes = {m.id: milestone_note(stage, m) for m in stage.milestones}
    assert notes == {
        "actively-using": "one of: this question or “Has the customer completed a trial against agreed success criteria?”",
        "trial-completed": "one of: “Is the customer's team actively using the product?” or this question",
        "demo-attended": "helps, not required",
        "success-criteria-agreed": "required only for deals of 25k or more",
    }


def test_a_deal_files_bad_segment_is_reported_at_its_line(loaded: LoadedProcess) -> None:
    text = "deal: Contoso\namount: 12000\nsegment: [Enterprise]\n"
    with pytest.raises(InvalidFile) as raised:
        parse_deal_file(text.encode(), "deal.yaml", loaded.process)
    assert [str(d) for d in raised.value.diagnostics] == [
        "deal.yaml:3:10: error: 'segment' must be text such as \"Enterprise\", got a list"
    ]


def test_a_deal_files_segment_decides_what_the_deal_needs(loaded: LoadedProcess) -> None:
    deal = parse_deal_file(b"amount: 90000\nsegment: smb\n", "deal.yaml", loaded.process)
    assessment = assess(loaded.process, deal, AS_OF)
    by_id = {r.milestone.id: r for r in assessment.milestones}
    assert (deal.segment, by_id["security-review-passed"].required) == ("smb", False)


def test_a_groups_alternatives_are_one_next_step_any_one_of_which_is_enough(loaded: LoadedProcess) -> None:
    answers = {
        key: value for key, value in SMALL_DEAL_ANSWERS.items() if key not in ("actively-using", "trial-completed")
    }
    deal = parse_deal({"amount": 12000, "segment": "SMB", "milestones": answers}, loaded.process)
    assessment = assess(loaded.process, deal, AS_OF)
    assert assessment.verified_stage.id == "evaluation"
    steps = [[result.milestone.id for result in step] for step in assessment.next_steps]
    assert ["actively-using", "trial-completed"] in steps
    assert sum(len(step) for step in steps) == len(assessment.next)
    text = assessment_text(loaded, assessment)
    assert (
        "  - One of these 2 is enough:\n"
        "    - The customer's team sends events from production to their project.\n"
        "      Status: not answered\n"
    ) in text
    assert "    - The customer confirms the trial met their success criteria.\n" in text
