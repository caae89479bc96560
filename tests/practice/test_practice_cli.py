"""`playbook practice`: the readable list, the answer key, usage errors; the manual's example is real output."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from playbook_cli.main import main
from tests.foundation.processes import VALID

PRACTICE_PAGE = Path(__file__).resolve().parents[2] / "docs" / "enablement" / "practice.md"


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(argv)
    out, err = capsys.readouterr()
    return status, out, err


def test_the_answer_key_in_the_manual_is_the_real_output(
    write_file: Callable[[str, str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_file("process.yaml", VALID)
    status, out, _ = _run(["practice", "--answer-key", "--process", str(path)], capsys)
    assert status == 0
    readme = PRACTICE_PAGE.read_text(encoding="utf-8")
    start = readme.index("```text\nAnswer key: Tiny process") + len("```text\n")
    shown = readme[start : readme.index("\n...\n```", start)]
    assert out.startswith(shown + "\n")
    assert out.endswith(
        " 5. Adventure Works, in the CRM as Talking  [cautious-rep]\n"
        "    Stage: Won (100%)  -> /stages/talking/#pain-confirmed\n"
        "    Next:  nothing\n"
    )


def test_the_readable_list_shows_story_records_questions_and_answers(
    write_file: Callable[[str, str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_file("process.yaml", VALID)
    status, out, err = _run(["practice", "--process", str(path)], capsys)
    assert (status, err) == (0, "")
    first = out.split("\n\n")[0]
    assert first == (
        "1. Contoso, in the CRM as Won  [placeholder-evidence-in-talking]\n"
        "   Contoso is in the CRM as Won. The rep moved it there on the outcomes below. One answer was typed in a hurry.\n"
        "   Recorded as of 2027-03-01:\n"
        "     - pain-confirmed (Talking): yes, evidence \u201cTBD\u201d, dated 2027-02-27\n"
        "   Which stage is this deal verifiably in?\n"
        "     Talking (60%)\n"
        "     A deal leaves Talking only when all its milestones are verified, and \u201cHas the customer confirmed the problem in writing?\u201d "
        "is not: \u201cTBD\u201d is not evidence; name the record: The customer's reply email. "
        "Your CRM says Won (100%); the evidence supports Talking (60%): 1 stage ahead of the evidence.\n"
        "     Rule: /stages/talking/#pain-confirmed\n"
        "   What must the customer do next?\n"
        "     - The customer replies to our recap and confirms the problem. [pain-confirmed]\n"
        "   For \u201cHas the customer confirmed the problem in writing?\u201d the rep recorded: yes, evidence \u201cTBD\u201d, dated 2027-02-27. "
        "Does this count as evidence?\n"
        "     No: \u201cTBD\u201d is not evidence; name the record: The customer's reply email.\n"
        "     Rule: /stages/talking/#pain-confirmed"
    )
    assert out.count("Which stage is this deal verifiably in?") == 5


def test_texts_written_as_fragments_still_end_each_sentence(
    write_file: Callable[[str, str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    fragments = VALID.replace(
        "The customer replies to our recap and confirms the problem.", "Customer replies to recap"
    )
    path = write_file("process.yaml", fragments.replace("The customer's reply email.", "Reply email"))
    status, out, err = _run(["practice", "--process", str(path)], capsys)
    assert (status, err) == (0, "")
    assert "name the record: Reply email. Your CRM says Won (100%)" in out  # before: "Reply email Your CRM says"
    assert "No: \u201cTBD\u201d is not evidence; name the record: Reply email.\n" in out


def test_an_invalid_process_is_reported_not_practised(
    write_file: Callable[[str, str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_file("process.yaml", VALID.replace("probability: 60", "probability: 160"))
    status, out, err = _run(["practice", "--process", str(path)], capsys)
    assert (status, out) == (1, "")
    assert err == (
        f"{path}:6:18: error: 'probability' must be between 0 and 100, got 160; write the stage's win probability as "
        "a whole percent from 0 to 100\n1 error found.\n"
    )


def test_json_and_answer_key_do_not_mix(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = _run(["practice", "--json", "--answer-key"], capsys)
    assert (status, out) == (2, "")
    assert "argument --answer-key: not allowed with argument --json" in err


def test_the_answer_key_says_one_of_for_a_groups_alternatives(
    write_file: Callable[[str, str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    demo = (
        "      - id: demo-attended\n        question: Did they attend the demo?\n"
        "        customer_action: The buyer attends the demo.\n        evidence: The invitation.\n"
        "        group: product-proof\n"
    )
    text = VALID.replace("  - id: won\n", demo.replace("demo-attended", "sandbox-used") + demo + "  - id: won\n")
    text += (
        "practice:\n  generated: false\n  scenarios:\n    - id: nothing-yet\n      story: A first call.\n"
        "      deal: {deal: Litware, as_of: 2027-03-01}\n      answer: {verified_stage: Talking}\n"
    )
    path = write_file("process.yaml", text)
    status, out, _ = _run(["practice", "--answer-key", "--process", str(path)], capsys)
    assert status == 0
    assert "    Next:  pain-confirmed, one of: sandbox-used or demo-attended\n" in out
    status, out, _ = _run(["practice", "--process", str(path)], capsys)
    assert (
        "   What must the customer do next?\n"
        "     - The customer replies to our recap and confirms the problem. [pain-confirmed]\n"
        "     - one of: The buyer attends the demo. [sandbox-used]; or The buyer attends the demo. [demo-attended]\n"
    ) in out
