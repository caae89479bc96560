"""Warnings for outcomes that are valid YAML but not really customer-verifiable."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from playbook_cli.main import main
from tests.foundation.processes import VALID

WARNINGS = [
    pytest.param(
        VALID.replace("Has the customer confirmed the problem in writing?", "Did you send the recap?"),
        "9:19: warning: milestone 'pain-confirmed': the question asks what the rep did, which proves nothing about the deal; ask what the customer did (e.g. 'Has the buyer confirmed …?')",
        id="rep-question",
    ),
    pytest.param(
        VALID.replace("The customer replies to our recap and confirms the problem.", "Send the recap email."),
        "10:26: warning: milestone 'pain-confirmed': the customer action describes the rep's work; describe what the customer does or says (e.g. 'The CFO replies that …')",
        id="rep-action",
    ),
    pytest.param(
        VALID.replace("The customer's reply email.", "The customer is happy."),
        "11:19: warning: milestone 'pain-confirmed': the evidence names no record a manager could open; name the artifact (an email, signed document, calendar invitation, call notes …)",
        id="evidence-without-artifact",
    ),
    pytest.param(
        VALID.replace("probability: 60\n", "probability: 50\n"),
        "14:18: warning: probability jumps by 50 points from 'talking' to 'won'; a jump over 40 means one gate carries most of the forecast, so add a stage in between or revise the numbers",
        id="probability-jump",
    ),
    pytest.param(
        VALID.replace(
            "  - id: won",
            "      - id: pain-again\n        question: Has the customer confirmed the  problem in writing?\n"
            "        customer_action: The customer confirms again.\n        evidence: A second email.\n  - id: won",
        ),
        "13:19: warning: milestone 'pain-again' asks the same question as 'pain-confirmed'; a rep cannot tell them apart, so merge them or make each ask for a different outcome",
        id="same-question",
    ),
    pytest.param(
        VALID.replace(
            "  - id: won",
            "".join(
                f"      - id: m{n}\n        question: Has the customer done thing {n}?\n"
                f"        customer_action: The customer does thing {n}.\n        evidence: Their email about {n}.\n"
                for n in range(7)
            )
            + "  - id: won",
        ),
        "7:5: warning: stage 'talking' has 8 milestones; more than 7 makes reps skim the list, so keep the few outcomes that really gate the stage",
        id="too-many-milestones",
    ),
]


@pytest.mark.parametrize(("text", "warning"), WARNINGS)
def test_warning_says_why_and_how(
    text: str, warning: str, write_file: Callable[[str, str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_file("process.yaml", text)
    assert main(["validate", "--process", str(path)]) == 0
    out, err = capsys.readouterr()
    assert err == f"{path}:{warning}\n"
    assert out.endswith(", 1 warning.\n")
    assert main(["validate", "--strict", "--process", str(path)]) == 1


def test_default_process_is_clean_even_in_strict_mode(capsys: pytest.CaptureFixture[str]) -> None:
    root = Path(__file__).resolve().parents[2]
    assert main(["validate", "--strict", "--process", str(root / "process.yaml")]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.endswith(": valid: 6 stages, 16 milestones.\n")
