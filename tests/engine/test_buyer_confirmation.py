"""`confirmation: required`: the status `awaiting_buyer`, the buyer's answer in the verdict and in its JSON."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from playbook_cli.main import main
from sales_process.deal import Answer, BuyerAnswer, Deal, parse_deal
from sales_process.engine import Status, assess, milestone_status
from sales_process.loader import parse_process
from sales_process.model import Milestone
from sales_process.problems import InvalidInput
from sales_process.report import assessment_json
from tests.engine.factory import AS_OF, EVIDENCE, milestone, process, stage

DAY = dt.timedelta(days=1)
STATEMENT = "We have agreed that a proposal is the next step."


def buyer_milestone(milestone_id: str = "next-step", *, confirmation: str = "required", **rules: object) -> Milestone:
    """A milestone the buyer confirms (`confirmation` required unless told)."""
    base = milestone(milestone_id)
    return base.model_copy(update={"buyer_statement": STATEMENT, "confirmation": confirmation, **rules})


REQUIRED = buyer_milestone()
REQUIRED_DATED = buyer_milestone(max_age_days=30)
OPTIONAL = buyer_milestone(confirmation="optional")
REP_YES = Answer(met=True, evidence=EVIDENCE, date=AS_OF - 2 * DAY)


def yes(date: dt.date = AS_OF, **changes: Any) -> BuyerAnswer:
    """The buyer's "Yes, this is right" on `date`."""
    return dataclasses.replace(
        BuyerAnswer(name="Dana Buyer", email="dana@fabrikam.example", date=date, agreed=True), **changes
    )


def not_quite(comment: str | None = "We still need legal's view.") -> BuyerAnswer:
    """The buyer's "Not quite" with a comment."""
    return yes(agreed=False, comment=comment)


@pytest.mark.parametrize(
    ("rule", "answer", "expected"),
    [
        pytest.param(REQUIRED, None, Status.UNANSWERED, id="unanswered"),
        pytest.param(REQUIRED, Answer(met=False), Status.NOT_MET, id="rep-says-not-met"),
        pytest.param(REQUIRED, Answer(met=True), Status.NO_EVIDENCE, id="no-evidence-beats-awaiting"),
        pytest.param(REQUIRED, REP_YES, Status.AWAITING_BUYER, id="rep-yes-with-evidence-awaits-the-buyer"),
        pytest.param(
            REQUIRED,
            dataclasses.replace(REP_YES, date=AS_OF + DAY),
            Status.AWAITING_BUYER,
            id="awaiting-beats-future-date",
        ),
        pytest.param(
            REQUIRED_DATED, Answer(met=True, evidence=EVIDENCE), Status.AWAITING_BUYER, id="awaiting-beats-undated"
        ),
        pytest.param(
            REQUIRED_DATED,
            dataclasses.replace(REP_YES, date=AS_OF - 99 * DAY),
            Status.AWAITING_BUYER,
            id="awaiting-beats-stale",
        ),
        pytest.param(REQUIRED, yes().as_answer(), Status.VERIFIED, id="buyer-yes-verifies"),
        pytest.param(REQUIRED, not_quite().as_answer(), Status.NOT_MET, id="buyer-not-quite"),
        pytest.param(
            REQUIRED,
            Answer(met=True, evidence=EVIDENCE, buyer=not_quite()),
            Status.NOT_MET,
            id="not-quite-outweighs-rep-yes",
        ),
        pytest.param(REQUIRED, Answer(met=True, buyer=yes()), Status.VERIFIED, id="buyer-yes-is-the-evidence"),
        pytest.param(
            REQUIRED_DATED, yes(AS_OF - 30 * DAY).as_answer(), Status.VERIFIED, id="confirmed-exactly-max-age-ago"
        ),
        pytest.param(REQUIRED_DATED, yes(AS_OF - 31 * DAY).as_answer(), Status.STALE, id="confirmed-too-long-ago"),
        pytest.param(
            REQUIRED_DATED,
            Answer(met=True, evidence=EVIDENCE, date=AS_OF, buyer=yes(AS_OF - 31 * DAY)),
            Status.STALE,
            id="age-counts-from-the-confirmation",
        ),
        pytest.param(REQUIRED, yes(AS_OF + DAY).as_answer(), Status.FUTURE_DATE, id="confirmed-after-as-of"),
        pytest.param(OPTIONAL, REP_YES, Status.VERIFIED, id="optional-rep-yes-is-enough"),
        pytest.param(OPTIONAL, yes().as_answer(), Status.VERIFIED, id="optional-buyer-yes"),
        pytest.param(OPTIONAL, not_quite().as_answer(), Status.NOT_MET, id="optional-buyer-not-quite"),
    ],
)
def test_status(rule: Milestone, answer: Answer | None, expected: Status) -> None:
    assert milestone_status(rule, answer, AS_OF)[0] is expected


def test_awaiting_buyer_sits_after_no_evidence_and_before_future_date() -> None:
    order = list(Status)
    assert (
        order.index(Status.NO_EVIDENCE) + 1 == order.index(Status.AWAITING_BUYER) == order.index(Status.FUTURE_DATE) - 1
    )


@pytest.mark.parametrize(
    ("rule", "answer", "reason"),
    [
        pytest.param(
            REQUIRED,
            REP_YES,
            f"Waiting for the buyer: this outcome counts only once the buyer confirms \u201c{STATEMENT}\u201d through a confirmation link.",
            id="awaiting",
        ),
        pytest.param(
            REQUIRED,
            yes().as_answer(),
            "Confirmed by the buyer: Dana Buyer (dana@fabrikam.example) on 2027-03-01 through a confirmation link.",
            id="confirmed",
        ),
        pytest.param(
            REQUIRED,
            not_quite().as_answer(),
            "Dana Buyer (dana@fabrikam.example) answered \u201cNot quite\u201d on 2027-03-01: \u201cWe still need legal's view.\u201d",
            id="declined",
        ),
        pytest.param(
            REQUIRED,
            not_quite(None).as_answer(),
            "Dana Buyer (dana@fabrikam.example) answered \u201cNot quite\u201d on 2027-03-01; ask them what is missing.",
            id="declined-without-comment",
        ),
        pytest.param(
            REQUIRED_DATED,
            yes(AS_OF - 40 * DAY).as_answer(),
            "Confirmed by the buyer on 2027-01-20, 40 days ago; it only counts for 30 days. Ask the buyer to confirm it again.",
            id="stale",
        ),
        pytest.param(
            REQUIRED,
            yes(AS_OF + DAY).as_answer(),
            "Confirmed by the buyer on 2027-03-02, after 2027-03-01: an outcome must already have happened.",
            id="future",
        ),
    ],
)
def test_reason(rule: Milestone, answer: Answer, reason: str) -> None:
    assert milestone_status(rule, answer, AS_OF)[1] == reason


def test_a_yes_becomes_a_dated_answer_with_the_confirmation_as_evidence() -> None:
    answer = yes(dt.date(2027, 2, 27)).as_answer()
    assert (answer.met, answer.date, answer.buyer_confirmed) == (True, dt.date(2027, 2, 27), True)
    assert (
        answer.evidence == "Confirmed by Dana Buyer (dana@fabrikam.example) on 2027-02-27 through a confirmation link"
    )
    declined = not_quite().as_answer()
    assert (declined.met, declined.evidence, declined.buyer_confirmed) == (False, "We still need legal's view.", False)


ANSWERS = st.one_of(
    st.none(),
    st.builds(
        Answer,
        met=st.booleans(),
        evidence=st.one_of(st.none(), st.sampled_from(["", "tbd", EVIDENCE, "n/a"])),
        date=st.one_of(st.none(), st.dates(AS_OF - 60 * DAY, AS_OF + 5 * DAY)),
    ),
)
RULES = st.builds(
    milestone, st.just("m"), max_age_days=st.one_of(st.none(), st.integers(1, 40)), evidence_required=st.booleans()
)


@given(RULES, ANSWERS)
def test_an_optional_confirmation_changes_no_verdict(rule: Milestone, answer: Answer | None) -> None:
    with_statement = rule.model_copy(update={"buyer_statement": STATEMENT, "confirmation": "optional"})
    assert milestone_status(with_statement, answer, AS_OF) == milestone_status(rule, answer, AS_OF)


@given(RULES, ANSWERS)
def test_a_required_confirmation_never_verifies_a_reps_answer(rule: Milestone, answer: Answer | None) -> None:
    required = rule.model_copy(update={"buyer_statement": STATEMENT, "confirmation": "required"})
    status = milestone_status(required, answer, AS_OF)[0]
    plain = milestone_status(rule, answer, AS_OF)[0]
    assert status is not Status.VERIFIED
    assert status is (
        Status.AWAITING_BUYER if list(Status).index(plain) > list(Status).index(Status.NO_EVIDENCE) else plain
    )


PIPELINE = process(
    stage("qualifying", 10, milestone("pain-confirmed")),
    stage("proposing", 40, buyer_milestone("proposal-next-step")),
    stage("won", 100),
)


def test_a_required_confirmation_keeps_the_deal_at_its_stage_until_the_buyer_confirms() -> None:
    answers = {"pain-confirmed": REP_YES, "proposal-next-step": REP_YES}
    waiting = assess(PIPELINE, Deal(claimed_stage="won", answers=answers), AS_OF)
    assert (waiting.verified_stage.id, [r.status for r in waiting.next]) == ("proposing", [Status.AWAITING_BUYER])
    confirmed = assess(PIPELINE, Deal(answers={**answers, "proposal-next-step": yes().as_answer()}), AS_OF)
    assert confirmed.verified_stage.id == "won"


PROCESS_TEXT = """\
name: Buyer-confirmed
stages:
  - id: qualifying
    name: Qualifying
    probability: 20
    milestones:
      - id: next-step
        question: Has the buyer agreed on the next step?
        customer_action: The buyer agrees that a proposal is the next step.
        evidence: The buyer's email.
        buyer_statement: We have agreed that a proposal is the next step.
        confirmation: required
      - id: budget
        question: Has the buyer confirmed the budget?
        customer_action: The buyer names the budget.
        evidence: The buyer's email.
        buyer_statement: Our budget for this project is approved.
  - id: won
    name: Won
    probability: 100
"""


def _json_of(answers: dict[str, Answer]) -> dict[str, Any]:
    loaded = parse_process(PROCESS_TEXT.encode(), "buyer.yaml")
    return assessment_json(loaded, assess(loaded.process, Deal(name="Fabrikam", answers=answers), AS_OF))


def test_the_json_marks_what_the_buyer_answered_and_nothing_else() -> None:
    result = _json_of({"next-step": yes().as_answer(), "budget": not_quite().as_answer()})
    milestones = {m["id"]: m for m in result["milestones"]}
    assert milestones["next-step"]["status"] == "verified"
    assert milestones["next-step"]["buyer"] == {
        "answer": "confirmed",
        "name": "Dana Buyer",
        "email": "dana@fabrikam.example",
        "date": "2027-03-01",
        "comment": None,
    }
    assert milestones["budget"]["buyer"] == {
        "answer": "declined",
        "name": "Dana Buyer",
        "email": "dana@fabrikam.example",
        "date": "2027-03-01",
        "comment": "We still need legal's view.",
    }
    rep_only = _json_of({"next-step": REP_YES, "budget": REP_YES})
    assert [(m["id"], m["status"], "buyer" in m) for m in rep_only["milestones"]] == [
        ("next-step", "awaiting_buyer", False),
        ("budget", "verified", False),
    ]


@pytest.mark.parametrize("key", ["buyer", "confirmed_by", "confirmed", "buyer_confirmed", "confirmation"])
def test_a_deal_cannot_claim_the_buyers_confirmation(key: str) -> None:
    loaded = parse_process(PROCESS_TEXT.encode(), "buyer.yaml")
    data = {
        "milestones": {"next-step": {"met": True, "evidence": EVIDENCE, key: {"name": "Dana", "email": "d@x.example"}}}
    }
    with pytest.raises(InvalidInput) as raised:
        parse_deal(data, loaded.process)
    assert [(p.loc, p.message) for p in raised.value.problems] == [
        (
            ("milestones", "next-step", key),
            f"'{key}' cannot be set here: only the buyer can confirm an outcome, through a confirmation link the rep sends from the saved deal; give the rep's answer with 'met', 'evidence' and 'date'",
        ),
    ]


def test_playbook_assess_shows_awaiting_buyer(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    process_file = tmp_path / "process.yaml"
    process_file.write_text(PROCESS_TEXT, encoding="utf-8")
    deal = tmp_path / "deal.yaml"
    deal.write_text(
        "deal: Fabrikam\nas_of: 2027-03-01\nmilestones:\n  next-step: {met: true, evidence: Dana's email of 27 Feb}\n",
        encoding="utf-8",
    )
    assert main(["assess", str(deal), "--process", str(process_file), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert [(m["id"], m["status"]) for m in result["milestones"]] == [
        ("next-step", "awaiting_buyer"),
        ("budget", "unanswered"),
    ]
    assert result["verified_stage"]["id"] == "qualifying"
    assert main(["assess", str(deal), "--process", str(process_file)]) == 0
    assert (
        "  - The buyer agrees that a proposal is the next step.\n    Status: awaiting the buyer\n"
        in capsys.readouterr().out
    )


def test_a_deal_file_claiming_the_buyers_confirmation_is_refused_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    process_file = tmp_path / "process.yaml"
    process_file.write_text(PROCESS_TEXT, encoding="utf-8")
    deal = tmp_path / "deal.yaml"
    deal.write_text(
        "milestones:\n  next-step:\n    met: true\n    evidence: Dana's email\n    confirmed_by: Dana\n",
        encoding="utf-8",
    )
    assert main(["assess", str(deal), "--process", str(process_file), "--json"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(
        f"{deal}:5:5: error: 'confirmed_by' cannot be set here: only the buyer can confirm an outcome"
    )


def test_the_openapi_status_list_is_the_engines_in_order() -> None:
    from assess_app.api.openapi import _ASSESSMENT

    item = _ASSESSMENT["properties"]["milestones"]["items"]["properties"]
    assert item["status"]["enum"] == [
        "unanswered",
        "not_met",
        "no_evidence",
        "awaiting_buyer",
        "future_date",
        "undated",
        "stale",
        "verified",
    ]
