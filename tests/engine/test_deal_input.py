"""Reading a deal: the accepted shapes, and every invalid input refused with every problem listed."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from sales_process.deal import Answer, Deal, parse_deal
from sales_process.loader import LoadedProcess
from sales_process.problems import InvalidInput

STAGES = "(stages: Discovery, Qualifying, Demonstrating, Proposing, Negotiating, Closed Won)"
IDS = "(stages: discovery, qualifying, demonstrating, proposing, negotiating, closed-won)"
KEYS = "deal, claimed_stage, amount, segment, as_of, milestones"
TOO_LARGE = "is too large to be an amount of money (at most 1,000,000,000,000,000)"


def test_the_issue_example_is_read(default_process: LoadedProcess) -> None:
    data = {
        "deal": "Contoso platform renewal",
        "claimed_stage": "proposing",
        "amount": 120000,
        "as_of": "2027-03-01",
        "milestones": {
            "pricing-discussed": {
                "met": True,
                "evidence": "Notes of the 3 Feb call with the CFO",
                "date": "2027-02-03",
            },
            "proposal-agreed-next-step": True,
            "budget-confirmed": {"met": False},
        },
    }
    assert parse_deal(data, default_process.process) == Deal(
        name="Contoso platform renewal",
        claimed_stage="proposing",
        amount=120000.0,
        as_of=dt.date(2027, 3, 1),
        answers={
            "pricing-discussed": Answer(True, "Notes of the 3 Feb call with the CFO", dt.date(2027, 2, 3)),
            "proposal-agreed-next-step": Answer(True),
            "budget-confirmed": Answer(False),
        },
    )


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param({}, Deal(), id="every-key-is-optional"),
        pytest.param({"milestones": {}}, Deal(), id="no-answers"),
        pytest.param(
            {"milestones": {"pain-confirmed": False}}, Deal(answers={"pain-confirmed": Answer(False)}), id="bare-false"
        ),
        pytest.param(
            {"milestones": {"pain-confirmed": {"met": True}}},
            Deal(answers={"pain-confirmed": Answer(True)}),
            id="met-only",
        ),
        pytest.param(
            {"milestones": {"pain-confirmed": {"met": 1}, "budget-confirmed": {"met": 0}}},
            Deal(answers={"pain-confirmed": Answer(True), "budget-confirmed": Answer(False)}),
            id="met-as-one-or-zero",
        ),
        pytest.param({"amount": 0}, Deal(amount=0.0), id="zero-amount"),
        pytest.param({"amount": 99.95}, Deal(amount=99.95), id="fractional-amount"),
        pytest.param({"amount": 1e15}, Deal(amount=1e15), id="largest-amount"),
        pytest.param({"as_of": dt.date(2027, 3, 1)}, Deal(as_of=dt.date(2027, 3, 1)), id="date-read-by-yaml"),
        pytest.param({"as_of": " 2027-03-01 "}, Deal(as_of=dt.date(2027, 3, 1)), id="date-with-spaces"),
        pytest.param({"deal": "Größe 😀 GmbH"}, Deal(name="Größe 😀 GmbH"), id="unicode-name"),
    ],
)
def test_valid_shapes(data: object, expected: Deal, default_process: LoadedProcess) -> None:
    assert parse_deal(data, default_process.process) == expected


def _problems(data: object, process: LoadedProcess) -> list[tuple[str, str]]:
    with pytest.raises(InvalidInput) as raised:
        parse_deal(data, process.process)
    return [(problem.loc_text(), problem.message) for problem in raised.value.problems]


INVALID = [
    pytest.param(
        {"milestones": {"pain-confirmd": True}},
        [("milestones.pain-confirmd", "unknown milestone 'pain-confirmd'; did you mean 'pain-confirmed'?")],
        id="unknown-milestone",
    ),
    pytest.param(
        {"milestones": {"zzz": True}},
        [("milestones.zzz", "unknown milestone 'zzz'")],
        id="unknown-milestone-nothing-close",
    ),
    pytest.param(
        {"claimed_stage": "proposin"},
        [("claimed_stage", f"unknown stage 'proposin'; did you mean 'proposing'? {IDS}")],  # typed like an id
        id="unknown-stage",
    ),
    pytest.param(
        {"claimed_stage": "Closed Wonn"},
        [("claimed_stage", f"unknown stage 'Closed Wonn'; did you mean 'Closed Won'? {STAGES}")],
        id="misspelt-stage-name",
    ),
    pytest.param(
        {"claimed_stage": 3},
        [
            (
                "claimed_stage",
                "'claimed_stage' must be a stage's id or name (one of discovery, qualifying, demonstrating, proposing, negotiating, closed-won), got a number",
            )
        ],
        id="stage-as-number",
    ),
    pytest.param(
        {"milestones": {"pain-confirmed": {"met": "maybe"}}},
        [
            (
                "milestones.pain-confirmed.met",
                "'met': 'maybe' is not yes or no; write true or false (yes/no, 1/0, t/f, x, v, ✓/✗, checked/unchecked and on/off are read too, as are yes/no and TRUE/FALSE in German, French, Spanish, Italian, Portuguese, Dutch, Swedish, Danish, Norwegian, Polish and Russian, e.g. ja/nein, oui/non, да/нет, WAHR/FALSCH); to leave 'pain-confirmed' unanswered, give it null in place of the whole answer, or leave it out",
            )
        ],
        id="met-as-other-text",
    ),
    pytest.param(
        {"milestones": {"pain-confirmed": {"met": 2}}},  # 1 and 0 are read as yes and no; 2 is neither
        [
            (
                "milestones.pain-confirmed.met",
                "'met' must be true or false, got a number 2; to leave 'pain-confirmed' unanswered, give it null in place of the whole answer, or leave it out",
            )
        ],
        id="met-as-number",
    ),
    pytest.param(
        {"milestones": {"pain-confirmed": {"evidence": "Reply email"}}},
        [("milestones.pain-confirmed", "the answer to 'pain-confirmed' needs 'met': true or false")],
        id="met-missing",
    ),
    pytest.param(
        {"milestones": {"pain-confirmed": "yes"}},
        [
            (
                "milestones.pain-confirmed",
                "the answer to 'pain-confirmed' must be true, false or an object {met, evidence, date}, got text",
            )
        ],
        id="answer-as-text",
    ),
    pytest.param(
        {"milestones": {"pain-confirmed": {"met": True, "evidence": 42}}},
        [("milestones.pain-confirmed.evidence", "'evidence' must be text, got a number")],
        id="evidence-as-number",
    ),
    pytest.param(
        {"as_of": "2027-02-30"},
        [("as_of", "'as_of': '2027-02-30' is not a real calendar date (read as year 2027, month 2, day 30)")],
        id="impossible-date",
    ),
    pytest.param(
        {"as_of": "03/01/2027"},
        [
            (
                "as_of",
                "'as_of': '03/01/2027' is ambiguous (day or month first?); write it as YYYY-MM-DD, e.g. 2027-03-01",
            )
        ],
        id="ambiguous-date",
    ),
    pytest.param(
        {"as_of": "March 1"},
        [
            (
                "as_of",
                "'as_of': 'March 1' is not a date: with its month written as a word, write the day, the month and "
                "the year, e.g. 5 Dec 2027, 05-Dec-2027 or Dec 5, 2027; or write it as YYYY-MM-DD, e.g. 2027-03-01",
            )
        ],
        id="date-in-words",
    ),
    pytest.param(
        {"milestones": {"pain-confirmed": {"met": True, "date": "2027-13-01"}}},
        [
            (
                "milestones.pain-confirmed.date",
                "'date': '2027-13-01' is not a real calendar date (read as year 2027, month 13, day 1)",
            )
        ],
        id="impossible-answer-date",
    ),
    pytest.param(
        {"milestones": {"pain-confirmed": {"met": True, "date": 20270301}}},
        [("milestones.pain-confirmed.date", "'date': 20270301 is not a date; write it as YYYY-MM-DD, e.g. 2027-03-01")],
        id="date-as-number",
    ),
    pytest.param(
        {"amount": -1}, [("amount", "'amount': -1 is negative; an amount must be zero or more")], id="negative-amount"
    ),
    pytest.param(
        {"amount": "12k"},
        [("amount", "'amount': '12k' is not an amount; write it like 120000, 120,000.50, $120,000 or 120000 EUR")],
        id="amount-as-other-text",
    ),
    pytest.param(
        {"amount": True}, [("amount", "'amount' must be a number, got a boolean true")], id="amount-as-boolean"
    ),
    pytest.param(
        {"amount": float("nan")},
        [("amount", "'amount': NaN is not a number; an amount must be a number")],
        id="nan-amount",
    ),
    pytest.param({"amount": float("inf")}, [("amount", f"'amount': the number {TOO_LARGE}")], id="infinite-amount"),
    pytest.param(
        {"amount": 10**400}, [("amount", f"'amount': the number {TOO_LARGE}")], id="amount-beyond-floating-point"
    ),
    # 4e307 is a finite float, but weighting it by a probability overflowed to Infinity.
    pytest.param(
        {"amount": 4e307}, [("amount", f"'amount': 4e+307 {TOO_LARGE}")], id="amount-whose-weighting-overflows"
    ),
    pytest.param(
        {"amount": 1e15 + 1},
        [("amount", f"'amount': 1000000000000001.0 {TOO_LARGE}")],
        id="amount-just-above-the-limit",
    ),
    pytest.param(
        {"amount": "1000000000000001"},
        [("amount", f"'amount': '1000000000000001' {TOO_LARGE}")],
        id="amount-as-text-above-the-limit",
    ),
    pytest.param(
        {"milestones": {"pain-confirmed": {"met": None}}},
        [
            (
                "milestones.pain-confirmed.met",
                "'met' must be true or false, got null; to leave 'pain-confirmed' unanswered, give it null in place of the whole answer, or leave it out",
            )
        ],
        id="met-null",
    ),
    pytest.param(
        [],
        [("", f"a deal must be an object with keys {KEYS}; got a list")],
        id="top-level-list",
    ),
    pytest.param(
        "Contoso",
        [("", f"a deal must be an object with keys {KEYS}; got text")],
        id="top-level-text",
    ),
    pytest.param(
        42,
        [("", f"a deal must be an object with keys {KEYS}; got a number")],
        id="top-level-number",
    ),
    pytest.param(
        None,
        [("", f"a deal must be an object with keys {KEYS}; got null")],
        id="top-level-null",
    ),
    pytest.param(
        {"milestones": ["pain-confirmed"]},
        [("milestones", "'milestones' must be an object mapping milestone ids to answers, got a list")],
        id="milestones-as-list",
    ),
    pytest.param(
        {"milestones": True},
        [("milestones", "'milestones' must be an object mapping milestone ids to answers, got a boolean")],
        id="milestones-as-boolean",
    ),
    pytest.param(
        {"colour": "red"},
        [("colour", f"unknown key 'colour' (allowed: {KEYS})")],
        id="unknown-top-level-key",
    ),
    pytest.param(
        {"stage": "proposing", "name": "Acme", "answers": {}},
        [
            (
                "stage",
                f"unknown key 'stage'; the stage the CRM gives the deal goes in 'claimed_stage' (allowed: {KEYS})",
            ),
            ("name", f"unknown key 'name'; the deal's name goes in 'deal' (allowed: {KEYS})"),
            (
                "answers",
                "unknown key 'answers'; the answers go in 'milestones': {milestone id: {met, evidence, date}} "
                f"(allowed: {KEYS})",
            ),
        ],
        id="keys-in-other-words",
    ),
    pytest.param(
        {"asof": "2027-03-01"},
        [("asof", f"unknown key 'asof'; did you mean 'as_of'? (allowed: {KEYS})")],
        id="misspelt-top-level-key",
    ),
    pytest.param(
        {"milestones": {"pain-confirmed": {"met": True, "evidense": "Reply email"}}},
        [
            (
                "milestones.pain-confirmed.evidense",
                "unknown key 'evidense'; did you mean 'evidence'? (allowed: met, evidence, date)",
            )
        ],
        id="unknown-key-in-answer",
    ),
    pytest.param(
        {"deal": ["Contoso"]},
        [("deal", "'deal' must be text, got a list")],
        id="deal-name-as-list",
    ),
    pytest.param(
        {"deal": "\ud83d"},
        [("deal", "'deal' contains an unpaired surrogate escape (\\ud83d) at character 1; write the character itself")],
        id="lone-surrogate-in-name",
    ),
    pytest.param(
        {"milestones": {"pain-confirmed": {"met": True, "evidence": "mail \udc00"}}},
        [
            (
                "milestones.pain-confirmed.evidence",
                "'evidence' contains an unpaired surrogate escape (\\udc00) at character 6; write the character itself",
            )
        ],
        id="lone-surrogate-in-evidence",
    ),
]


@pytest.mark.parametrize(("data", "expected"), INVALID)
def test_invalid_input_is_refused(
    data: object, expected: list[tuple[str, str]], default_process: LoadedProcess
) -> None:
    assert _problems(data, default_process) == expected


def test_every_problem_is_reported_at_once(default_process: LoadedProcess) -> None:
    data = {
        "stage": "x",
        "deal": 1.5,
        "claimed_stage": "negociating",
        "amount": -5,
        "as_of": "tomorrow",
        "milestones": {
            "pain-confirmed": {"met": "maybe", "date": "2027-02-29", "why": "?"},
            "demo-atended": True,
            "budget-confirmed": {"met": True, "evidence": "Email from the CFO"},
            "timeline-agreed": 7,
        },
    }
    assert _problems(data, default_process) == [
        ("stage", f"unknown key 'stage'; the stage the CRM gives the deal goes in 'claimed_stage' (allowed: {KEYS})"),
        ("claimed_stage", f"unknown stage 'negociating'; did you mean 'negotiating'? {IDS}"),
        ("amount", "'amount': -5 is negative; an amount must be zero or more"),
        ("as_of", "'as_of': 'tomorrow' is not a date; write it as YYYY-MM-DD, e.g. 2027-03-01"),
        ("milestones.pain-confirmed.why", "unknown key 'why' (allowed: met, evidence, date)"),
        (
            "milestones.pain-confirmed.met",
            "'met': 'maybe' is not yes or no; write true or false (yes/no, 1/0, t/f, x, v, ✓/✗, checked/unchecked and on/off are read too, as are yes/no and TRUE/FALSE in German, French, Spanish, Italian, Portuguese, Dutch, Swedish, Danish, Norwegian, Polish and Russian, e.g. ja/nein, oui/non, да/нет, WAHR/FALSCH); to leave 'pain-confirmed' unanswered, give it null in place of the whole answer, or leave it out",
        ),
        (
            "milestones.pain-confirmed.date",
            "'date': '2027-02-29' is not a real calendar date (read as year 2027, month 2, day 29)",
        ),
        ("milestones.demo-atended", "unknown milestone 'demo-atended'; did you mean 'demo-attended'?"),
        (
            "milestones.timeline-agreed",
            "the answer to 'timeline-agreed' must be true, false or an object {met, evidence, date}, got a number",
        ),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param('{"amount": NaN}', "'amount': NaN is not a number; an amount must be a number", id="NaN"),
        pytest.param('{"amount": Infinity}', f"'amount': the number {TOO_LARGE}", id="Infinity"),
        pytest.param(
            '{"amount": -Infinity}', "'amount': -inf is negative; an amount must be zero or more", id="minus-Infinity"
        ),
        pytest.param('{"amount": 1e400}', f"'amount': the number {TOO_LARGE}", id="overflowing-exponent"),
    ],
)
def test_non_finite_numbers_from_json_are_refused(text: str, message: str, default_process: LoadedProcess) -> None:
    # Python's json module accepts these extensions, so the API can receive them.
    assert _problems(json.loads(text), default_process) == [("amount", message)]
