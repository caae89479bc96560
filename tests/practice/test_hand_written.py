"""Hand-written scenarios under `practice:`: checked against the engine, every problem at its line."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from playbook_cli.main import main
from tests.foundation.processes import VALID

HAPPY_EARS = """\
practice:
  scenarios:
    - id: happy-ears
      story: The customer *loved* the demo.
      deal:
        deal: Contoso
        claimed_stage: won
        as_of: 2027-03-01
        milestones:
          pain-confirmed: {met: true, evidence: TBD, date: 2027-02-20}
      answer:
        verified_stage: won
        next_milestones: []
"""


def _validate(
    write_file: Callable[[str, str], Path], capsys: pytest.CaptureFixture[str], text: str
) -> tuple[int, str, str]:
    path = write_file("process.yaml", text)
    status = main(["validate", "--process", str(path)])
    out, err = capsys.readouterr()
    return status, out, err.replace(str(path), "process.yaml")


def test_a_stated_answer_the_engine_disagrees_with_is_an_error_at_its_line(
    write_file: Callable[[str, str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = _validate(write_file, capsys, VALID + HAPPY_EARS)
    assert (status, out) == (1, "")
    assert err == (
        "process.yaml:26:25: error: scenario 'happy-ears' states verified stage 'won', but the engine places its deal in 'talking': "
        "A deal leaves Talking only when all its milestones are verified, and \u201cHas the customer confirmed the problem in writing?\u201d "
        "is not: \u201cTBD\u201d is not evidence; name the record: The customer's reply email. Correct the answer or the deal.\n"
        "process.yaml:27:26: error: scenario 'happy-ears' states next milestones [], but the engine says the customer must next achieve: "
        "pain-confirmed. Correct the answer or the deal.\n"
        "2 errors found.\n"
    )


def test_the_corrected_scenario_is_valid_and_listed_after_the_generated_ones(
    write_file: Callable[[str, str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    fixed = HAPPY_EARS.replace("verified_stage: won", "verified_stage: talking").replace(
        "next_milestones: []", "next_milestones: [pain-confirmed]"
    )
    path = write_file("process.yaml", VALID + fixed)
    assert main(["validate", "--process", str(path)]) == 0
    assert capsys.readouterr().out == f"{path}: valid: 2 stages, 1 milestone.\n"
    assert main(["practice", "--json", "--process", str(path)]) == 0
    scenarios = json.loads(capsys.readouterr().out)
    mine = scenarios[-1]
    assert [s["source"] for s in scenarios].count("process.yaml") == 1
    assert mine["id"] == "happy-ears" and mine["story"] == "The customer *loved* the demo."
    assert mine["deal"] == {
        "deal": "Contoso",
        "claimed_stage": "won",
        "as_of": "2027-03-01",
        "milestones": {"pain-confirmed": {"met": True, "evidence": "TBD", "date": "2027-02-20"}},
    }
    assert mine["answer"]["verified_stage"] == "talking"
    assert mine["answer"]["next_milestones"] == ["pain-confirmed"]


def test_a_deal_is_written_as_in_a_deal_file_stage_by_name_and_amount_as_the_crm_shows_it(
    write_file: Callable[[str, str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    # The same values `playbook assess` reads: a stage's name, "$120,000"; the same errors for what it refuses.
    text = VALID + HAPPY_EARS.replace("claimed_stage: won", 'claimed_stage: Won\n        amount: "$120,000"').replace(
        "verified_stage: won", "verified_stage: talking"
    ).replace("next_milestones: []", "next_milestones: [pain-confirmed]")
    path = write_file("process.yaml", text)
    assert main(["validate", "--process", str(path)]) == 0, capsys.readouterr().err
    capsys.readouterr()
    assert main(["practice", "--answer-key", "--process", str(path)]) == 0
    assert " 6. Contoso, in the CRM as Won  [happy-ears]" in capsys.readouterr().out.splitlines()
    status, _, err = _validate(write_file, capsys, text.replace("$120,000", "74.000,00"))
    assert (status, err.splitlines()[0]) == (
        1,
        "process.yaml:22:17: error: 'amount': '74.000,00' looks like an amount with a decimal comma; write it like 74000.00",
    )


def test_generated_false_keeps_only_the_hand_written_scenarios(
    write_file: Callable[[str, str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    text = VALID + HAPPY_EARS.replace("practice:\n", "practice:\n  generated: false\n").replace(
        "verified_stage: won", "verified_stage: talking"
    ).replace("    next_milestones: []\n", "")
    path = write_file("process.yaml", text)
    assert main(["practice", "--answer-key", "--process", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[2:] == [
        " 1. Contoso, in the CRM as Won  [happy-ears]",
        "    Stage: Talking (60%)  -> /stages/talking/#pain-confirmed",
        "    Next:  pain-confirmed",
    ]


def test_bad_scenarios_report_every_problem_at_its_line(
    write_file: Callable[[str, str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        VALID
        + """\
practice:
  scenarios:
    - id: Bad Id
      story: ""
      deal:
        claimed: won
        as_of: 20270301
        amount: -5
        milestones: [pain-confirmed]
      answer: talking
    - id: two
      deal:
        milestones:
          pain-confirmed: {met: maybe}
      answer:
        verified_stage: talking
"""
    )
    status, _, err = _validate(write_file, capsys, text)
    assert status == 1
    assert err.splitlines() == [
        "process.yaml:17:11: error: 'Bad Id' is not a valid id: use lowercase letters, digits and single hyphens, e.g. 'bad-id'",
        "process.yaml:18:14: error: 'story' must not be empty",
        "process.yaml:20:9: error: unknown key 'claimed' in the deal of practice scenario 1; did you mean 'claimed_stage'?",
        "process.yaml:21:16: error: 'as_of': write the date as YYYY-MM-DD, e.g. 2027-03-01",
        "process.yaml:22:17: error: 'amount': -5 is negative; an amount must be zero or more",
        "process.yaml:23:21: error: 'milestones' must be a mapping of milestone ids to answers (met, evidence, date), got a list",
        "process.yaml:24:15: error: 'answer' must be a mapping of keys (verified_stage, next_milestones), got text; "
        "write each key with its value, e.g. 'answer: {verified_stage: …}'",
        "process.yaml:25:7: error: practice scenario 2 is missing the required key 'story'; add 'story:' with what "
        "happened with the customer, as the rep tells it, in Markdown (e.g. story: The demo went really well, and the "
        "champion says the price is fine.)",
        "process.yaml:27:9: error: the deal of practice scenario 2 is missing the required key 'as_of'; add 'as_of:' "
        "with the date the deal is assessed on, YYYY-MM-DD, so its answer never changes with today's date "
        "(e.g. as_of: 2027-03-01)",
        "process.yaml:28:33: error: 'met' must be true or false, got text 'maybe'",
        "10 errors found.",
    ]


def test_unknown_ids_and_duplicates_are_reported_with_suggestions(
    write_file: Callable[[str, str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        VALID
        + """\
practice:
  scenarios:
    - id: mine
      story: One.
      deal:
        claimed_stage: wonn
        as_of: 2027-03-01
        milestones:
          pain-confirmd: true
      answer:
        verified_stage: talkin
        next_milestones: [pain]
    - id: mine
      story: Two.
      deal: {as_of: 2027-03-01}
      answer: {verified_stage: talking}
    - id: through-talking
      story: Three.
      deal: {as_of: 2027-03-01}
      answer: {verified_stage: talking}
"""
    )
    status, _, err = _validate(write_file, capsys, text)
    assert status == 1
    assert err.splitlines() == [
        "process.yaml:20:24: error: unknown stage 'wonn'; did you mean 'won'? (stages: talking, won)",
        "process.yaml:23:11: error: unknown milestone 'pain-confirmd'; did you mean 'pain-confirmed'?",
        "process.yaml:27:11: error: duplicate scenario id 'mine' (already used by scenario 1); give each scenario its own id",
        "process.yaml:31:11: error: scenario id 'through-talking' is already used by a generated scenario; choose another id",
        "4 errors found.",
    ]


@pytest.mark.parametrize(
    ("stated", "expected"),
    [
        pytest.param("Won", [], id="a-stage-name-as-claimed_stage-takes"),
        pytest.param(" won ", [], id="an-id-with-spaces"),
        pytest.param(
            "Talkng",
            ["process.yaml:26:25: error: unknown stage 'Talkng'; did you mean 'Talking'? (stages: Talking, Won)"],
            id="an-unknown-name-gets-the-names",
        ),
        pytest.param(
            "wn",
            ["process.yaml:26:25: error: unknown stage 'wn'; did you mean 'won'? (stages: talking, won)"],
            id="a-misspelt-id",
        ),
    ],
)
def test_the_stated_stage_is_a_stage_id_or_name_as_the_claimed_stage_is(
    stated: str, expected: list[str], write_file: Callable[[str, str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    fixed = HAPPY_EARS.replace("evidence: TBD", "evidence: The customer's reply email").replace(
        "verified_stage: won", f"verified_stage: {stated!r}"
    )
    status, _, err = _validate(write_file, capsys, VALID + fixed)
    assert (status, err.splitlines()) == ((1, [*expected, "1 error found."]) if expected else (0, []))


def test_a_stage_name_written_as_an_id_gets_the_stage_id(
    write_file: Callable[[str, str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """'Intro Call' was once told 'e.g. intro-call' (a slug of the name), which is no stage id: the id is offered."""
    process = VALID.replace("id: talking", "id: discovery").replace("name: Talking", "name: Intro Call")
    text = process + HAPPY_EARS.replace("claimed_stage: won", "claimed_stage: Won").replace(
        "verified_stage: won", "verified_stage: intro-call"
    )
    status, _, err = _validate(write_file, capsys, text)
    assert (status, err.splitlines()[0]) == (
        1,
        "process.yaml:26:25: error: unknown stage 'intro-call'; write the stage id 'discovery' (Intro Call) (stages: discovery, won)",
    )
