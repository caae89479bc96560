"""Warnings for outcomes that are valid YAML but not really customer-verifiable."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from playbook_cli.main import main
from tests.foundation.processes import VALID, WITH_A_SECOND_MILESTONE

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
        WITH_A_SECOND_MILESTONE.replace(
            "The customer names the budget holder.", "The customer replies to our recap and confirms the  problem."
        ).replace("The customer's email naming the budget holder.", "The customer's reply email."),
        "14:26: warning: milestone 'budget-named': the customer action and the evidence are the same text as those "
        "of 'pain-confirmed' (line 10): a rep reads one step twice, and Practice shows two identical checkboxes; "
        "merge them, or say how they differ (two ways to meet one requirement: write each, and give both one 'group')",
        id="same-customer-action-and-evidence",  # copied to say "this or that", and neither said
    ),
    pytest.param(
        WITH_A_SECOND_MILESTONE.replace(
            "The customer names the budget holder.", "The customer replies to our recap and confirms the problem."
        ),
        "14:26: warning: milestone 'budget-named': the customer action is the same text as that of 'pain-confirmed' "
        "(line 10): a rep reads one step twice, and Practice shows two identical checkboxes; merge them, or say how "
        "they differ (two ways to meet one requirement: write each, and give both one 'group')",
        id="same-customer-action",
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
    pytest.param(
        VALID.replace("    name: Talking\n", "    name: ‘Talking’\n"),
        "5:11: warning: stage 'talking': the name ‘Talking’ keeps its curly quotes, which YAML does not read as quotes; write Talking (or use straight quotes \")",
        id="stage-name-in-curly-quotes",
    ),
    pytest.param(
        WITH_A_SECOND_MILESTONE.replace(
            "        evidence: The customer's reply email.\n",
            "        evidence: The customer's reply email.\n        required_when:\n          segment: Enterprise, Strategic\n",
        ),
        "13:20: warning: milestone 'pain-confirmed': the segment 'Enterprise, Strategic' is one name with a comma in it, so only a deal whose segment is exactly that needs the milestone; for several segments write [Enterprise, Strategic]",
        id="two-segments-in-one-text",
    ),
    pytest.param(
        WITH_A_SECOND_MILESTONE.replace(
            "        evidence: The customer's reply email.\n",
            '        evidence: The customer\'s reply email.\n        required_when:\n          segment: "[Enterprise, Strategic]"\n',
        ),
        "13:20: warning: milestone 'pain-confirmed': the segment '[Enterprise, Strategic]' is a list written in "
        "quotes, which YAML reads as one name, brackets and all, so no deal's segment matches it; remove the quotes: "
        "[Enterprise, Strategic]",
        id="two-segments-in-a-quoted-list",  # the fix was [[Enterprise, Strategic]]: an error, a list in a list
    ),
    pytest.param(
        WITH_A_SECOND_MILESTONE.replace(
            "        evidence: The customer's reply email.\n",
            "        evidence: The customer's reply email.\n        required_when: {segment: '[Enterprise]'}\n",
        ),
        "12:34: warning: milestone 'pain-confirmed': the segment '[Enterprise]' is a list written in "
        "quotes, which YAML reads as one name, brackets and all, so no deal's segment matches it; remove the quotes: "
        "[Enterprise]",
        id="one-segment-in-a-quoted-list",
    ),
    pytest.param(
        WITH_A_SECOND_MILESTONE.replace(
            "        evidence: The customer's reply email.\n",
            "        evidence: The customer's reply email.\n        required_when: {segment: [“Enterprise”, Mid]}\n",
        ),
        "12:35: warning: milestone 'pain-confirmed': the segment “Enterprise” keeps its curly quotes as part of its name, so a deal in segment Enterprise does not match it; remove them (or use straight quotes \")",
        id="segment-in-curly-quotes",
    ),
    pytest.param(
        VALID.replace(
            "        evidence: The customer's reply email.\n",
            "        evidence: The customer's reply email.\n        max_age_days:\n",
        ),
        "12:9: warning: 'max_age_days' has no value, so it says nothing; write its value after the colon, or remove the line",
        id="key-without-a-value",
    ),
    pytest.param(
        WITH_A_SECOND_MILESTONE.replace(
            "        evidence: The customer's reply email.\n",
            "        evidence: The customer's reply email.\n        required_when: {segment: [Public Sector, public sector]}\n",
        ),
        "12:50: warning: milestone 'pain-confirmed': the segment 'public sector' is listed twice (also as 'Public "
        "Sector'); segments are compared ignoring case, so remove one",
        id="segment-listed-twice",
    ),
    pytest.param(
        WITH_A_SECOND_MILESTONE.replace(
            "        evidence: The customer's reply email.\n",
            "        evidence: The customer's reply email.\n        required_when: {segment: [Public Sector, Public-Sector]}\n",
        ),
        "12:50: warning: milestone 'pain-confirmed': the segment 'Public-Sector' is spelt 'Public Sector' elsewhere; a "
        "deal's segment matches one spelling and not the other, so write one everywhere",
        id="segment-spelt-two-ways",
    ),
    pytest.param(
        WITH_A_SECOND_MILESTONE.replace(
            "        evidence: The customer's reply email.\n",
            "        evidence: The customer's reply email.\n        required_when: {amount_at_least: 0}\n",
        ),
        "12:42: warning: milestone 'pain-confirmed': 'amount_at_least: 0' holds for every deal, so it decides nothing; "
        "remove it, or give the amount from which deals need the milestone",
        id="amount-condition-that-always-holds",
    ),
    pytest.param(
        VALID.replace(
            "Has the customer confirmed the problem in writing?", "Has the customer " + "really " * 30 + "agreed?"
        ),
        "9:19: warning: milestone 'pain-confirmed': the question is 234 characters long, and it is the milestone's "
        "heading and the form's label; keep it to one sentence (at most 200 characters) and put the detail in "
        "'guidance'",
        id="question-too-long",
    ),
    pytest.param(
        VALID.replace(
            "        evidence: The customer's reply email.\n",
            "        evidence: The customer's reply email.\n        required_when: {segment: [Enterprise]}\n",
        ),
        "7:5: warning: stage 'talking' requires each of its milestones only of some deals ('required_when'), so a "
        "deal none of them applies to passes the stage with no evidence at all; make at least one milestone required "
        "of every deal (no 'required_when')",
        id="stage-gating-only-some-deals",
    ),
    pytest.param(
        VALID.replace("    name: Talking\n", "    name: Talking " + "and more talking " * 4 + "\n"),
        "5:11: warning: stage 'talking': the name is 75 characters long, and it is the side menu's entry, the "
        "pipeline chart's label and the form's choice; keep it to a few words (at most 60 characters) and put the "
        "detail in 'summary'",
        id="stage-name-too-long",
    ),
    pytest.param(
        VALID.replace("probability: 100", "probability: 60"),
        "14:18: warning: stage 'won' has the probability of 'talking' (60), so the forecast weighs a deal the same in "
        "either; give 'won' a higher probability than 'talking', or merge the two stages",
        id="equal-probabilities",
    ),
    pytest.param(
        VALID.replace('version: "1"', "version: “2027.1”"),
        "2:10: warning: the process: the version is wrapped in curly quotes, which YAML keeps as part of the text, "
        "so they show on the playbook's pages; remove them (or use straight quotes \")",
        id="version-in-curly-quotes",
    ),
    pytest.param(
        VALID.replace(
            "Has the customer confirmed the problem in writing?", "“Has the customer confirmed the problem in writing?”"
        ),
        "9:19: warning: milestone 'pain-confirmed': the question is wrapped in curly quotes, which YAML keeps as part "
        "of the text, so they show on the playbook's pages; remove them (or use straight quotes \")",
        id="question-in-curly-quotes",
    ),
    pytest.param(
        VALID.replace(
            "Has the customer confirmed the problem in writing?", "‘Has the customer’s CFO confirmed the problem?"
        ),
        "9:19: warning: milestone 'pain-confirmed': the question has an opening curly quote ‘ (character 1) with no "
        "closing one, so it shows on the playbook's pages as a stray mark; close it with ’ where the quotation ends, "
        "or remove it",
        id="opening-curly-quote-never-closed",  # the apostrophe of customer’s closes nothing
    ),
    pytest.param(
        VALID.replace(
            "Has the customer confirmed the problem in writing?", '“Has the customer confirmed the problem in writing?"'
        ),
        "9:19: warning: milestone 'pain-confirmed': the question has an opening curly quote “ (character 1) with no "
        "closing one, so it shows on the playbook's pages as a stray mark; replace the closing \" (character 52) "
        "with ”, or remove both",
        id="curly-quote-closed-with-a-straight-one",  # Word's “ and a typed ": YAML keeps both in the text
    ),
    pytest.param(
        VALID.replace(
            "Has the customer confirmed the problem in writing?",
            '“Has the customer confirmed the problem in writing?”"',
        ),
        "9:19: warning: milestone 'pain-confirmed': the question has a straight quote \" (character 53) after the "
        "closing curly quote ”, so it shows on the playbook's pages as a stray mark; remove it",
        id="straight-quote-left-after-a-closing-curly-one",  # the first fix done, the typed " left behind
    ),
    pytest.param(
        VALID.replace("Has the customer confirmed the problem in writing?", '“Has the customer said "yes"'),
        "9:19: warning: milestone 'pain-confirmed': the question has an opening curly quote “ (character 1) with no "
        "closing one, so it shows on the playbook's pages as a stray mark; close it with ” where the quotation ends, "
        "or remove it",
        id="curly-quote-never-closed-before-a-straight-quotation",  # the last " closes "yes", not the “
    ),
    pytest.param(
        VALID.replace("    name: Talking\n", "    name: Talking”\n"),
        "5:11: warning: stage 'talking': the name has a closing curly quote ” (character 8) with no opening one, so "
        "it shows on the playbook's pages as a stray mark; add the opening “ where the quotation starts, or remove it",
        id="closing-curly-quote-never-opened",
    ),
]


@pytest.mark.parametrize(
    "text",
    [
        "The customer’s reply email to “our recap”.",
        "The customers’ reply email.",
        "Die Antwort des Kunden „per E-Mail“ und ‚kurz‘.",
        "L’email «par écrit» du client.",
        "The rock ‘n’ roll band’s email.",
    ],
)
def test_curly_quotes_that_pair_and_apostrophes_do_not_warn(
    text: str, write_file: Callable[[str, str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_file("process.yaml", VALID.replace("The customer's reply email.", text))
    assert main(["validate", "--strict", "--process", str(path)]) == 0, capsys.readouterr().err


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


# Work on the selling side, written with a sales title, an internal approval or a CRM field (GitLab's
# opportunity stages copied literally have each): each warns, with the rewrite.
SELLER_WORK = [
    "SA/SE has conducted a technical discovery call",
    "Opportunity has a Close Date entered",
    "The AE has identified the Economic Buyer",
    "Deal Desk approval obtained",
    "SDR booked the first meeting",
    "Is the Close Date entered?",
    "Is the Amount field populated?",
    "Has the opportunity been submitted for Finance approval?",
    "Has the account executive sent the proposal?",
    "Our SDR booked a meeting",
    "Has the BDR qualified the lead?",
    "Has the sales engineer run the demo?",
    "Is the opportunity updated in Salesforce?",
    "Has the CSM introduced the onboarding team?",
    "Has our Legal team reviewed the contract?",
    "Has the solutions consultant completed the technical validation?",
]
# The buyer's side doing the same kinds of thing: no warning.
CUSTOMER_WORK = [
    "Has the customer confirmed the problem in writing?",
    "Has the customer's Legal team signed the NDA?",
    "Has their Finance team approved the budget?",
    "Has the customer submitted the PO for approval?",
    "Has the economic buyer agreed to the timeline?",
    "Has the customer named the date they will sign?",
    "Has the champion shared the success criteria?",
    "Has the budget holder confirmed the amount set aside?",  # an idiom, not a CRM field set
]


def _validate(text: str, write_file: Callable[[str, str], Path], capsys: pytest.CaptureFixture[str]) -> str:
    path = write_file("process.yaml", text)
    main(["validate", "--process", str(path)])
    return capsys.readouterr().err


@pytest.mark.parametrize("question", SELLER_WORK)
def test_seller_work_in_a_question_or_customer_action_warns_with_the_rewrite(
    question: str, write_file: Callable[[str, str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    asked = _validate(VALID.replace("Has the customer confirmed the problem in writing?", question), write_file, capsys)
    assert "9:19: warning: milestone 'pain-confirmed': the question" in asked
    assert "ask what the customer did" in asked or "ask for the customer outcome the field records" in asked
    acted = _validate(
        VALID.replace("The customer replies to our recap and confirms the problem.", question), write_file, capsys
    )
    assert "10:26: warning: milestone 'pain-confirmed': the customer action" in acted


@pytest.mark.parametrize("question", CUSTOMER_WORK)
def test_the_customers_own_roles_and_approvals_do_not_warn(
    question: str, write_file: Callable[[str, str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        _validate(VALID.replace("Has the customer confirmed the problem in writing?", question), write_file, capsys)
        == ""
    )


@pytest.mark.parametrize(
    ("evidence", "warns"),
    [
        ("Salesforce contact role", False),  # a record a manager opens in the CRM
        ("Logged call in the opportunity's activity history", False),
        ("The customer's reply email.", False),
        ("Email.", True),  # a kind of record, not a particular one
        ("Spreadsheet.", True),
        ("A document", True),
        ("The customer is happy.", True),
        # records of sales outside software (an industrial-equipment maker's process warned on each)
        ("The tender notice on the public procurement portal, with its reference number", False),
        ("The bank statement line showing the customer's down payment", False),
        ("The site acceptance protocol signed by the plant manager", False),
        ("The customer's letter of intent", False),
        ("A tender.", True),
    ],
)
def test_evidence_names_a_particular_record(
    evidence: str, warns: bool, write_file: Callable[[str, str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    err = _validate(VALID.replace("The customer's reply email.", evidence), write_file, capsys)
    assert ("11:19: warning: milestone 'pain-confirmed': the evidence" in err) is warns
