"""The JSON API: the same answer as `playbook assess --json`, and a clear 4xx for anything else."""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from playbook_cli.main import main
from sales_process.wording import UNKNOWN_KEYS_NAMED
from tests.conftest import DEFAULT_PROCESS
from tests.support.deals import deal_answers
from tests.support.openapi import answer_problems

DEALS = [
    {},
    {"deal": "Contoso", "claimed_stage": "proposing", "amount": 120000, "as_of": "2027-03-01"},
    {
        "deal": "Fabrikam",
        "claimed_stage": "discovery",
        "amount": 5000.5,
        "as_of": "2027-03-01",
        "milestones": {
            "pain-confirmed": {"met": True, "evidence": "Reply to recap", "date": "2027-02-20"},
            "next-meeting-accepted": {"met": True, "evidence": "Accepted invite", "date": "2027-01-01"},
            "contract-signed": {"met": True, "evidence": "Signed order form"},
        },
    },
    {
        "as_of": "2027-03-01",
        "milestones": {
            "pain-confirmed": True,
            "next-meeting-accepted": False,
            "demo-attended": {"met": True, "evidence": "tbd"},
        },
    },
    {
        "deal": "Ünïcode ✓",
        "as_of": "2027-03-01",
        "milestones": {"pain-confirmed": {"met": True, "evidence": "Mail", "date": "2027-04-01"}},
    },
]


@pytest.mark.parametrize("deal", DEALS, ids=[f"deal-{i}" for i in range(len(DEALS))])
def test_the_api_answers_exactly_like_playbook_assess_json(
    client: FlaskClient,
    deal: dict[str, Any],
    write_file: Callable[[str, str], Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = write_file("deal.json", json.dumps(deal))
    assert main(["assess", str(path), "--json", "--process", str(DEFAULT_PROCESS)]) == 0
    expected = capsys.readouterr().out.rstrip("\n")
    response = client.post("/api/assess", json=deal)
    assert response.status_code == 200
    assert response.content_type == "application/json"
    assert response.get_data(as_text=True) == expected


BAD_DEALS = [
    ({"milestones": {"pain-confirmd": True}}, "milestones.pain-confirmd", "did you mean 'pain-confirmed'?"),
    ({"claimed_stage": "negociating"}, "claimed_stage", "unknown stage"),
    ({"amount": "lots"}, "amount", "'lots' is not an amount"),
    ({"amount": -1}, "amount", "is negative"),
    ({"as_of": "2027-02-30"}, "as_of", "not a real calendar date"),
    # Weighted by a probability, 4e307 overflowed to Infinity, which is not JSON.
    (
        {"amount": 4e307, "claimed_stage": "proposing"},
        "amount",
        "too large to be an amount of money (at most 1,000,000,000,000,000)",
    ),
    # As text, past Python's 4,300 digits: it answered with sys.set_int_max_str_digits()
    ({"amount": "9" * 5000}, "amount", "too large to be an amount of money (at most 1,000,000,000,000,000)"),
    ({"milestones": {"demo-attended": {"met": "maybe"}}}, "milestones.demo-attended.met", "is not yes or no"),
    (
        {"milestones": {"demo-attended": {"met": True, "date": "yesterday"}}},
        "milestones.demo-attended.date",
        "YYYY-MM-DD",
    ),
    ({"milestones": []}, "milestones", "must be an object"),
    ({"stage": "x"}, "stage", "unknown key"),
    ([1, 2], "", "a deal must be an object"),
]


@pytest.mark.parametrize(("body", "loc", "message"), BAD_DEALS, ids=[loc or "top" for _, loc, _ in BAD_DEALS])
def test_an_invalid_deal_gets_400_with_where_and_what(
    client: FlaskClient, body: object, loc: str, message: str
) -> None:
    response = client.post("/api/assess", json=body)
    assert response.status_code == 400
    errors = response.get_json()["errors"]
    assert any(e["loc"] == loc and message in e["message"] for e in errors), errors


def test_every_problem_is_listed_at_once(client: FlaskClient) -> None:
    body = {"claimed_stage": "x", "amount": -1, "milestones": {"nope": True}}
    locs = {e["loc"] for e in client.post("/api/assess", json=body).get_json()["errors"]}
    assert locs == {"claimed_stage", "amount", "milestones.nope"}


# The body limit (1 MB) holds 40,000 short keys: each used to get its own problem and did-you-mean (a millisecond
# each: 78 s), and counting the copies of each key was quadratic. One rule for every object a deal holds.
MANY = 40_000
MANY_UNKNOWN = [
    ({f"m{i}": True for i in range(MANY)}, "milestones", "'milestones' has 40,000 unknown keys"),
    (
        {"pain-confirmed": {"met": True, **{f"k{i}": 1 for i in range(MANY)}}},
        "milestones.pain-confirmed",
        "the answer to 'pain-confirmed' has 40,000 unknown keys",
    ),
]


@pytest.mark.parametrize(("milestones", "loc", "message"), MANY_UNKNOWN, ids=["milestones", "answer"])
def test_many_unknown_keys_are_named_up_to_a_limit_and_counted_quickly(
    client: FlaskClient, milestones: dict[str, object], loc: str, message: str
) -> None:
    started = time.perf_counter()
    response = client.post("/api/assess", json={"milestones": milestones})
    assert time.perf_counter() - started < 5
    assert response.status_code == 400
    errors = response.get_json()["errors"]
    assert len(errors) == UNKNOWN_KEYS_NAMED + 1
    assert errors[0]["loc"] in {"milestones.m0", "milestones.pain-confirmed.k0"}
    assert errors[-1]["loc"] == loc and errors[-1]["message"].startswith(message), errors[-1]
    assert f"the first {UNKNOWN_KEYS_NAMED} are named, 39,980 more are not" in errors[-1]["message"]


def test_many_unknown_deal_keys_are_counted_after_the_first_named(client: FlaskClient) -> None:
    started = time.perf_counter()
    errors = client.post("/api/assess", json={f"d{i}": 1 for i in range(MANY)}).get_json()["errors"]
    assert time.perf_counter() - started < 5
    assert [e["loc"] for e in errors[:2]] == ["d0", "d1"] and errors[-1]["loc"] == ""
    assert (
        errors[-1]["message"].startswith("a deal has 40,000 unknown keys") and "allowed: deal," in errors[-1]["message"]
    )


# 20 keys of 49 KB: each was compared letter by letter with every candidate for a did-you-mean (13 s); a key far
# longer than any candidate is no typo of one, which the two lengths tell.
LONG_KEYS = [("pain-confirmed claimed_stage " * 2000)[:49_000] + str(i) for i in range(UNKNOWN_KEYS_NAMED)]


@pytest.mark.parametrize(
    "body",
    [{"milestones": dict.fromkeys(LONG_KEYS, True)}, dict.fromkeys(LONG_KEYS, 1)],
    ids=["milestones", "deal"],
)
def test_long_unknown_keys_are_refused_quickly_without_a_suggestion(client: FlaskClient, body: object) -> None:
    started = time.perf_counter()
    errors = client.post("/api/assess", json=body).get_json()["errors"]
    assert time.perf_counter() - started < 5
    assert len(errors) == UNKNOWN_KEYS_NAMED and not any("did you mean" in e["message"] for e in errors)


def test_many_days_not_written_yyyy_mm_dd_are_named_up_to_a_limit_and_counted_quickly(client: FlaskClient) -> None:
    body = {"milestones": {f"m{i}": {"date": "1/1/27"} for i in range(30_000)}}
    started = time.perf_counter()
    errors = client.post("/api/assess", json=body).get_json()["errors"]
    assert time.perf_counter() - started < 5
    days = [error for error in errors if "YYYY-MM-DD" in error["message"]]
    assert len(days) == UNKNOWN_KEYS_NAMED + 1
    assert days[0]["loc"] == "milestones.m0.date"
    assert days[0]["message"].startswith("'date': '1/1/27' is not written YYYY-MM-DD")
    assert days[-1]["loc"] == "milestones"
    assert days[-1]["message"].startswith("29,980 more answers' dates are not written YYYY-MM-DD")
    # The unknown milestones are told too, as few: the answer stays small.
    assert len(errors) <= 2 * (UNKNOWN_KEYS_NAMED + 1)


def test_a_key_given_twice_among_many_is_still_found(client: FlaskClient) -> None:
    body = '{"milestones": {' + ", ".join(f'"m{i}": true' for i in range(MANY)) + ', "m7": false}}'
    errors = client.post("/api/assess", data=body, content_type="application/json").get_json()["errors"]
    assert errors[0] == {"loc": "milestones.m7", "message": "'m7' is given twice in the same object; give it once"}
    assert all("unknown" in error["message"] for error in errors[1:])  # the unknown milestones, told with it
    assert len(errors) <= UNKNOWN_KEYS_NAMED + 2


UNREADABLE = [
    ("{", "application/json", 400, "malformed JSON at line 1, column 2"),
    ('{"amount": NaN}', "application/json", 400, "NaN is not a JSON number"),
    ("", "application/json", 400, "the body is empty"),
    (b"\xff\xfe{}", "application/json", 400, "not UTF-8"),
    ("[" * 100_000, "application/json", 400, "nested too deeply"),
    ("{}", "text/plain", 415, "Content-Type: application/json"),
    ("deal=x", "application/x-www-form-urlencoded", 415, "application/json"),
    ("{}", None, 415, "no Content-Type"),
]


@pytest.mark.parametrize(("body", "content_type", "status", "message"), UNREADABLE, ids=[m for *_, m in UNREADABLE])
def test_an_unreadable_body_gets_a_clear_error(
    client: FlaskClient, body: str | bytes, content_type: str | None, status: int, message: str
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.post("/api/assess", data=body, headers=headers)
    assert response.status_code == status
    assert message in response.get_json()["errors"][0]["message"]


def test_a_body_over_one_megabyte_gets_413_as_json(client: FlaskClient) -> None:
    body = json.dumps({"deal": "x" * (3 * 1024 * 1024)})
    response = client.post("/api/assess", data=body, content_type="application/json")
    assert response.status_code == 413
    assert response.get_json()["errors"][0]["loc"] == ""


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [("get", "/api/assess", "POST"), ("post", "/api/process", "GET"), ("delete", "/api/openapi.json", "GET")],
)
def test_a_wrong_method_gets_405_as_json(client: FlaskClient, method: str, path: str, allowed: str) -> None:
    response = getattr(client, method)(path)
    assert response.status_code == 405
    assert allowed in response.headers["Allow"]
    # The body says it too: a client's log shows the body, seldom the headers.
    assert response.get_json()["errors"][0]["message"] == (
        f"Method Not Allowed: This address does not accept {method.upper()}; it accepts {allowed}."
    )


def test_the_openapi_document_describes_the_405_a_wrong_method_gets(client: FlaskClient) -> None:
    document = client.get("/api/openapi.json").get_json()
    answer = document["components"]["responses"]["MethodNotAllowed"]
    assert answer["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Errors"}
    assert "Allow" in answer["headers"] and "405" in document["info"]["description"]
    response = client.get("/api/assess")
    schema = {"$ref": "#/components/schemas/Errors", "components": document["components"]}
    assert not list(Draft202012Validator(schema).iter_errors(response.get_json()))


@pytest.mark.parametrize("path", ["/api/nothing-here", "/api/deals/abc"])  # /api/deals/-1 names no deal: test_api.py
def test_an_unknown_api_address_gets_404_as_json(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.get_json()["errors"][0]["message"] == (
        "Not Found: There is no such address in the API; GET /api/ lists its addresses."
    )


def test_the_process_as_json(client: FlaskClient, default_process: Any) -> None:
    body = client.get("/api/process").get_json()
    assert body["sha256"] == default_process.sha256
    assert body["name"] == default_process.process.name
    assert [stage["id"] for stage in body["stages"]] == [stage.id for stage in default_process.process.stages]


def test_the_api_index_lists_every_endpoint_and_where_the_document_is(client: FlaskClient) -> None:
    # An operator opening /api/ got a 404 where the manual calls it "the JSON API".
    index = client.get("/api/")
    assert index.status_code == 200 and index.get_json()["openapi"] == "/api/openapi.json"
    document = client.get("/api/openapi.json").get_json()
    listed = {(endpoint["method"], endpoint["path"]) for endpoint in index.get_json()["endpoints"]}
    assert listed == {(method.upper(), path) for path, ops in document["paths"].items() for method in ops}
    assert client.get("/api").status_code == 308  # without its slash, sent to it
    assert client.get("/api/?x=1").status_code == 400  # like every endpoint, an unknown parameter is named


@pytest.mark.parametrize(
    ("segment", "amount"), [(None, 120000), ("Enterprise", "EUR 80,000"), (None, None), ("Nowhere", 5000)]
)
def test_an_assessment_holds_every_key_the_openapi_document_requires(
    client: FlaskClient, default_process: Any, segment: str | None, amount: object
) -> None:
    """Assessment listed no `required` keys: a client validating answers could not catch a missing one."""
    document = client.get("/api/openapi.json").get_json()
    body = {**deal_answers(default_process.process, dt.date.today()), "amount": amount, "segment": segment}
    answer = client.post("/api/assess", json=body)
    assert answer_problems(document, "POST", "/api/assess", 200, answer.get_json()) == []
    index = client.get("/api/")
    assert answer_problems(document, "GET", "/api/", 200, index.get_json()) == []
    refused = client.post("/api/assess", json={"as_of": "5 Dec 2026"})
    assert answer_problems(document, "POST", "/api/assess", 400, refused.get_json()) == []
    verdict = {key: value for key, value in answer.get_json().items() if key != "weighted_amount"}
    assert answer_problems(document, "POST", "/api/assess", 200, verdict) == [
        ": 'weighted_amount' is a required property"
    ]


def test_the_openapi_document_describes_the_deal_of_this_process(client: FlaskClient, default_process: Any) -> None:
    document = client.get("/api/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    assert set(document["paths"]) == {
        "/api/",
        "/api/assess",
        "/api/process",
        "/api/openapi.json",
        "/api/deals",
        "/api/deals/{deal_id}",
        "/api/deals/{deal_id}/outcome",
        "/api/deals/{deal_id}/checks",
        "/api/deals/{deal_id}/confirmations",
        "/api/deals/{deal_id}/confirmations/{request_id}",
        "/api/deals/{deal_id}/confirmations/{request_id}/revoke",
    }
    deal = document["components"]["schemas"]["Deal"]
    stages = default_process.process.stages
    assert deal["properties"]["claimed_stage"]["enum"] == [
        *(stage.id for stage in stages),
        *(stage.name for stage in stages),
        None,
    ]
    assert set(deal["properties"]["milestones"]["properties"]) == {
        m.id for _, m in default_process.process.milestones()
    }
    assert set(document["paths"]["/api/assess"]["post"]["responses"]) == {"200", "400", "413", "415", "429"}


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)
DEAL_LIKE = st.fixed_dictionaries(
    {},
    optional={
        "deal": JSON_VALUES,
        "claimed_stage": st.sampled_from(["proposing", "x"]) | JSON_VALUES,
        "amount": JSON_VALUES,
        "as_of": st.sampled_from(["2027-03-01", "2027-02-30"]) | JSON_VALUES,
        "milestones": st.dictionaries(
            st.sampled_from(["pain-confirmed", "demo-attended", "nope"]), JSON_VALUES, max_size=3
        )
        | JSON_VALUES,
    },
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=DEAL_LIKE | JSON_VALUES)
def test_no_json_body_gets_a_server_error(client: FlaskClient, body: object) -> None:
    text = json.dumps(body).replace("NaN", "0").replace("Infinity", "1")
    response = client.post("/api/assess", data=text, content_type="application/json")
    assert response.status_code in (200, 400)
    assert response.get_json() is not None


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=200))
def test_no_bytes_get_a_server_error(client: FlaskClient, raw: bytes) -> None:
    response = client.post("/api/assess", data=raw, content_type="application/json")
    assert response.status_code in (200, 400)


def _allows_null(schema: dict[str, Any]) -> bool:
    kinds = schema.get("type")
    return (
        None in schema.get("enum", ())
        or kinds == "null"
        or (isinstance(kinds, list) and "null" in kinds)
        or any(_allows_null(option) for option in [*schema.get("oneOf", []), *schema.get("anyOf", [])])
    )


NULLS = [
    ({"deal": None}, ("deal",)),
    ({"claimed_stage": None}, ("claimed_stage",)),
    ({"amount": None}, ("amount",)),
    ({"as_of": None}, ("as_of",)),
    ({"milestones": None}, ("milestones",)),
    ({"milestones": {"pain-confirmed": None}}, ("milestones", "pain-confirmed")),
    ({"milestones": {"pain-confirmed": {"met": True, "evidence": None}}}, ("milestones", "pain-confirmed", "evidence")),
    ({"milestones": {"pain-confirmed": {"met": True, "date": None}}}, ("milestones", "pain-confirmed", "date")),
    ({"milestones": {"pain-confirmed": {"met": None}}}, ("milestones", "pain-confirmed", "met")),
]


@pytest.mark.parametrize(("body", "path"), NULLS, ids=[".".join(path) for _, path in NULLS])
def test_null_is_accepted_exactly_where_the_openapi_schema_allows_it(
    client: FlaskClient, body: dict[str, Any], path: tuple[str, ...]
) -> None:
    document = client.get("/api/openapi.json").get_json()
    schema = document["components"]["schemas"]["Deal"]
    for part in path:
        schema = schema["properties"][part]
        if "oneOf" in schema and part != path[-1]:
            schema = next(option for option in schema["oneOf"] if option.get("type") == "object")
    response = client.post("/api/assess", json=body)
    assert response.status_code == (200 if _allows_null(schema) else 400), response.get_json()
    if response.status_code == 400:
        assert response.get_json()["errors"][0]["message"] == (
            "'met' must be true or false, got null; to leave 'pain-confirmed' unanswered, give it null in place of "
            "the whole answer, or leave it out"
        )


# Amounts as CRMs and spreadsheets write them, each one the API reads.
ACCEPTED_AMOUNTS = [
    120000,
    5000.5,
    "",
    "120000",
    "120000.555",
    "120,000.50",
    "EUR 80,000",
    "USD 120,000",
    "$120,000",
    "¥1,000",
    "1 000 000 €",
    "1\u00a0000\u00a0000 €",
    "CHF 1'000",
    "CHF 1\u2019200\u2019000.50",
    "12,34,56,789.50",
    "US$ 5,000",
    "1,200,000円",
    "120000 EUR",
    "€ 500 EUR",
    "250 zł",
    " 42 ",
]
GUIDE = Path(__file__).parents[2] / "docs" / "reference" / "api-guide.md"


def guide_amounts() -> list[object]:
    """Every amount the API guide shows: in a JSON body ("amount": 120000) and quoted in its section Amounts."""
    text = GUIDE.read_text(encoding="utf-8")
    in_bodies = [json.loads(value) for value in re.findall(r'"amount": ("[^"]*"|[0-9.]+)', text)]
    [paragraph] = re.findall(r"^### Amounts$.*?(?=^#)", text, flags=re.MULTILINE | re.DOTALL)
    return [*in_bodies, *(json.loads(value) for value in re.findall(r'`("[^"`]*")`', paragraph))]


@pytest.mark.parametrize("amount", [*ACCEPTED_AMOUNTS, *guide_amounts()])
def test_every_amount_the_api_reads_is_valid_by_its_openapi_schema(client: FlaskClient, amount: object) -> None:
    """A client validating its body against the published schema must not refuse what the server reads."""
    document = client.get("/api/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    for name in ("Deal", "NewDeal", "NewCheck"):
        schema = {**schemas[name]["properties"]["amount"], "components": document["components"]}
        assert not list(Draft202012Validator(schema).iter_errors(amount)), (name, amount)
    won = next(option for option in schemas["NewOutcome"]["oneOf"] if option["properties"]["outcome"]["const"] == "won")
    schema = {**won["properties"]["amount"], "components": document["components"]}
    assert not list(Draft202012Validator(schema).iter_errors(amount)), ("NewOutcome", amount)
    answered = client.post("/api/assess", json={"amount": amount})
    assert answered.status_code == 200, answered.get_json()
