"""`buyer_statement` and `confirmation` in process.yaml: validation, schema and the seller-side warning."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
import yaml

from playbook_cli.main import main
from sales_process.lint import buyer_statement_problem
from sales_process.schema import process_json_schema_text
from tests.foundation.processes import VALID

EVIDENCE_LINE = "        evidence: The customer's reply email.\n"


COMPANY_LINE = "company: Fabrikam\n"  # last, so the lines above keep their numbers


def with_milestone_keys(extra: str, company: str = COMPANY_LINE) -> str:
    """VALID with extra keys on its one milestone (after its evidence, line 11), and a company at the end."""
    assert EVIDENCE_LINE in VALID
    return VALID.replace(EVIDENCE_LINE, EVIDENCE_LINE + extra) + company


def test_validate_warns_when_buyers_would_not_know_who_asks(
    write_file: Callable[[str, str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    text = with_milestone_keys("        buyer_statement: We have confirmed the problem in writing.\n", company="")
    status, out, err, path = _validate(text, write_file, capsys)
    assert status == 0 and out.startswith(f"{path}: valid: 2 stages")
    assert err == (
        f"{path}:12:26: warning: milestone 'pain-confirmed' has a buyer statement but the process names no 'company'; "
        "a buyer is only asked to confirm by a company they know, so add 'company: Your Company' at the top of the file "
        "(reps cannot send confirmation links until then)\n"
    )


def _validate(
    text: str, write_file: Callable[[str, str], Path], capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str, Path]:
    path = write_file("process.yaml", text)
    status = main(["validate", "--process", str(path)])
    out, err = capsys.readouterr()
    return status, out, err, path


def test_a_required_confirmation_with_a_statement_is_valid(
    write_file: Callable[[str, str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    text = with_milestone_keys(
        "        buyer_statement: We have confirmed the problem in writing.\n        confirmation: required\n"
    )
    status, out, err, _ = _validate(text, write_file, capsys)
    assert (status, err) == (0, "")
    assert ": valid: 2 stages" in out
    jsonschema.validate(yaml.safe_load(text), json.loads(process_json_schema_text()))


@pytest.mark.parametrize(
    ("extra", "error"),
    [
        pytest.param(
            "        confirmation: required\n",
            "12:23: error: milestone 'pain-confirmed' requires the buyer's confirmation but has no 'buyer_statement' for the buyer to confirm; "
            "add one in the first person (e.g. 'buyer_statement: We have agreed that …') or set 'confirmation: optional'",
            id="required-without-statement",
        ),
        pytest.param(
            "        confirmation: required\n        buyer_statement:\n",
            "12:23: error: milestone 'pain-confirmed' requires the buyer's confirmation but has no 'buyer_statement' for the buyer to confirm; "
            "add one in the first person (e.g. 'buyer_statement: We have agreed that …') or set 'confirmation: optional'",
            id="required-with-empty-statement-key",
        ),
        pytest.param(
            "        confirmation: requried\n",
            "12:23: error: 'confirmation' must be one of 'required' or 'optional', got 'requried'",
            id="misspelt-value",
        ),
        pytest.param(
            "        confirmation: true\n",
            "12:23: error: 'confirmation' must be one of 'required' or 'optional', got true",
            id="boolean-value",
        ),
        pytest.param(
            "        confirmation: yes\n",
            "12:23: error: 'confirmation' must be one of 'required' or 'optional', got 'yes'",
            id="yes-quoted-as-typed",
        ),
        pytest.param(
            "        buyer_statement: ''\n",
            "12:26: error: 'buyer_statement' must not be empty",
            id="empty-statement",
        ),
    ],
)
def test_a_bad_confirmation_is_an_error_at_its_line(
    extra: str, error: str, write_file: Callable[[str, str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err, path = _validate(with_milestone_keys(extra), write_file, capsys)
    assert status == 1
    assert err == f"{path}:{error}\n1 error found.\n"


def test_the_schema_also_refuses_a_required_confirmation_without_a_statement() -> None:
    schema = json.loads(process_json_schema_text())
    data = yaml.safe_load(with_milestone_keys("        confirmation: required\n"))
    with pytest.raises(jsonschema.ValidationError, match="'buyer_statement' is a required property"):
        jsonschema.validate(data, schema)


SELLER_SIDE = [
    pytest.param("We sent the proposal to their CFO.", "\u201cWe sent\u201d", id="we-sent"),
    pytest.param(
        "We have already presented the roadmap.", "\u201cWe have already presented\u201d", id="we-have-presented"
    ),
    pytest.param("I demoed the reporting module.", "\u201cI demoed\u201d", id="i-demoed"),
    pytest.param("Our demo covered every use case.", "\u201cOur demo\u201d", id="our-demo"),
    pytest.param("The pilot is scoped around our platform.", "\u201cour platform\u201d", id="our-platform"),
    pytest.param("The customer has agreed to a pilot.", "\u201cThe customer\u201d", id="the-customer"),
    pytest.param("They signed the NDA.", "\u201cThey\u201d", id="they"),
    pytest.param("We followed up with the buyer after the call.", "\u201cWe followed up\u201d", id="we-followed-up"),
]

BUYER_SIDE = [
    pytest.param("We have agreed that a proposal is the next step.", id="we-have-agreed"),
    pytest.param("We attended your demo and it covered our use case.", id="your-demo"),
    pytest.param("Our CFO has approved the budget for this project.", id="our-cfo"),
    pytest.param("I confirm the price range fits our budget.", id="i-confirm"),
    pytest.param("We have reviewed your proposal and accept it.", id="your-proposal"),
    pytest.param("We sent you our signed order form.", id="we-sent-you"),
    pytest.param("We sent back the signed NDA.", id="we-sent-back"),
    pytest.param("We have scheduled the kickoff with our IT team.", id="we-scheduled"),
    pytest.param("Our customers need this before the summer.", id="our-customers"),
    pytest.param("Nous avons validé le budget, and I agree.", id="mixed-language-first-person"),
]


@pytest.mark.parametrize(("statement", "quoted"), SELLER_SIDE)
def test_a_statement_from_the_sellers_side_is_named(statement: str, quoted: str) -> None:
    assert buyer_statement_problem(statement) == f"reads as the seller's side ({quoted})"


@pytest.mark.parametrize("statement", BUYER_SIDE)
def test_a_statement_in_the_buyers_words_passes(statement: str) -> None:
    assert buyer_statement_problem(statement) is None


@pytest.mark.parametrize("statement", ["A proposal is the next step.", "Budget approved by the CFO."])
def test_a_statement_not_in_the_first_person_is_named(statement: str) -> None:
    assert buyer_statement_problem(statement) == "is not in the first person"


def test_validate_warns_at_the_statement(
    write_file: Callable[[str, str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err, path = _validate(
        with_milestone_keys("        buyer_statement: We sent the recap and our demo.\n"), write_file, capsys
    )
    assert status == 0
    assert err == (
        f"{path}:12:26: warning: milestone 'pain-confirmed': the buyer statement reads as the seller's side (\u201cWe sent\u201d); "
        "the buyer confirms it as their own words, so write what they would say (e.g. 'We have agreed that a proposal is the next step.')\n"
    )
    assert out.endswith(", 1 warning.\n")
    assert main(["validate", "--strict", "--process", str(path)]) == 1


def test_a_buyer_side_statement_gives_no_warning(
    write_file: Callable[[str, str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err, _ = _validate(
        with_milestone_keys("        buyer_statement: We have confirmed the problem in writing.\n"), write_file, capsys
    )
    assert (status, err) == (0, "")
