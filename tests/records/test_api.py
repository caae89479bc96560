"""The deals API with a token: create, check, read the history; 401, 404 and 400 as documented."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
import time
from typing import Any

import pytest
from flask import Flask

from assess_app.query import taken_by
from sales_process.wording import UNKNOWN_KEYS_NAMED
from tests.support.openapi import answer_problems

DAY = (dt.date.today() - dt.timedelta(days=3)).isoformat()
PAIN = {"pain-confirmed": {"met": True, "evidence": "Reply email from the CFO", "date": DAY}}
BOTH = {**PAIN, "next-meeting-accepted": {"met": True, "evidence": "Calendar invite accepted", "date": DAY}}


def test_a_rep_creates_a_deal_checks_it_twice_and_reads_its_history(
    records_app: Flask, tokens: dict[str, dict[str, str]]
) -> None:
    client = records_app.test_client()
    created = client.post(
        "/api/deals",
        headers=tokens["ana"],
        json={"name": "Northwind", "crm_id": "0061", "amount": 120000, "claimed_stage": "proposing"},
    )
    assert created.status_code == 201
    deal = created.get_json()
    assert (
        deal["owner"] == "ana@example.com"
        and deal["crm_id"] == "0061"
        and created.headers["Location"] == f"/api/deals/{deal['id']}"
    )
    first = client.post(f"/api/deals/{deal['id']}/checks", headers=tokens["ana"], json={"milestones": PAIN})
    assert first.status_code == 201
    assert first.get_json()["check"]["verified_stage"] == "discovery"
    second = client.post(
        f"/api/deals/{deal['id']}/checks", headers=tokens["ana"], json={"milestones": BOTH, "amount": 150000}
    )
    assert second.status_code == 201
    body = second.get_json()
    assert body["verdict"]["verified_stage"]["id"] == "qualifying"
    assert body["verdict"]["weighted_amount"] == {
        "claimed": 90000.0,
        "verified": 30000.0,
        "currency": None,
    }  # the CRM stage is kept
    shown = client.get(f"/api/deals/{deal['id']}", headers=tokens["ana"]).get_json()
    assert [check["verified_stage"] for check in shown["checks"]] == ["discovery", "qualifying"]
    assert all(
        check["checked_by"] == "ana@example.com" and check["checked_at"].endswith("Z") for check in shown["checks"]
    )
    assert shown["checks"][0]["process_sha256"] == shown["verdict"]["process"]["sha256"]
    assert set(shown["verdict"]) >= {"process", "verified_stage", "milestones", "next", "weighted_amount"}
    later = client.get(
        f"/api/deals/{deal['id']}?as_of={(dt.date.today() + dt.timedelta(days=400)).isoformat()}", headers=tokens["ana"]
    ).get_json()
    assert (
        later["verdict"]["verified_stage"]["id"] == "discovery"
    )  # the evidence went stale: re-assessed as of that day


def test_the_manager_lists_every_deal_and_filters_them(records_app: Flask, tokens: dict[str, dict[str, str]]) -> None:
    client = records_app.test_client()
    client.post("/api/deals", headers=tokens["ana"], json={"name": "A1", "claimed_stage": "proposing"})
    client.post("/api/deals", headers=tokens["bo"], json={"name": "B1", "claimed_stage": "discovery"})
    client.post("/api/deals", headers=tokens["lee"], json={"name": "For Bo", "owner": "bo@example.com"})
    every = client.get("/api/deals", headers=tokens["lee"]).get_json()
    assert every["total"] == 3 and {deal["name"] for deal in every["deals"]} == {"A1", "B1", "For Bo"}
    assert [
        d["name"] for d in client.get("/api/deals?owner=ana@example.com", headers=tokens["lee"]).get_json()["deals"]
    ] == ["A1"]
    assert [d["name"] for d in client.get("/api/deals?stage=discovery", headers=tokens["lee"]).get_json()["deals"]] == [
        "B1"
    ]
    mine = client.get("/api/deals", headers=tokens["bo"]).get_json()
    assert {deal["name"] for deal in mine["deals"]} == {"B1", "For Bo"}
    assert client.get("/api/deals?owner=ana@example.com", headers=tokens["bo"]).get_json()["deals"] == []


@pytest.mark.parametrize(
    ("owner", "message"),
    [
        ("b0@example.com", "'b0@example.com' is no user's email; did you mean 'bo@example.com'?"),
        ("nobody@elsewhere.org", "'nobody@elsewhere.org' is no user's email."),
    ],
)
def test_a_managers_owner_filter_naming_no_user_is_400_with_the_pages_did_you_mean(
    records_app: Flask, tokens: dict[str, dict[str, str]], owner: str, message: str
) -> None:
    """GET /api/deals?owner=b0@example.com answered 200 with total 0 and no hint, where the /deals page names the
    mistyped owner: the API refuses it at `owner` with the page's words."""
    client = records_app.test_client()
    refused = client.get(f"/api/deals?owner={owner}", headers=tokens["lee"])
    assert refused.status_code == 400
    assert refused.get_json()["errors"] == [{"loc": "owner", "message": message}]
    assert client.get("/api/deals?owner=BO@example.com", headers=tokens["lee"]).status_code == 200


def test_the_answers_of_the_deal_endpoints_hold_every_key_their_openapi_schema_requires(
    records_app: Flask, tokens: dict[str, dict[str, str]]
) -> None:
    """An integrator validated real answers against /api/openapi.json: without `required` lists no schema could
    catch a missing key. Each answer of a deal's life must validate, and one without a key it always has must not."""
    client = records_app.test_client()
    document = client.get("/api/openapi.json").get_json()
    ana, lee = tokens["ana"], tokens["lee"]
    deal = "/api/deals/{deal_id}"
    created = client.post("/api/deals", headers=ana, json={"name": "Northwind", "amount": "EUR 80,000"})
    deal_id = created.get_json()["id"]
    at = f"/api/deals/{deal_id}"
    ask = {"milestones": ["pain-confirmed"], "buyer_name": "Dana Buyer", "buyer_email": "dana@fabrikam.example"}
    asked = client.post(f"{at}/confirmations", headers=ana, json=ask)
    request_id = asked.get_json()["id"]
    answers = [
        ("POST", "/api/deals", created),
        ("POST", f"{deal}/checks", client.post(f"{at}/checks", headers=ana, json={"milestones": BOTH})),
        ("PATCH", deal, client.patch(at, headers=ana, json={"crm_id": "0061"})),
        ("POST", f"{deal}/confirmations", asked),
        ("GET", f"{deal}/confirmations", client.get(f"{at}/confirmations", headers=ana)),
        ("GET", f"{deal}/confirmations/{{request_id}}", client.get(f"{at}/confirmations/{request_id}", headers=ana)),
        (
            "POST",
            f"{deal}/confirmations/{{request_id}}/revoke",
            client.post(f"{at}/confirmations/{request_id}/revoke", headers=ana),
        ),
        ("GET", deal, client.get(at, headers=lee)),
        ("GET", "/api/deals", client.get("/api/deals", headers=lee)),
        ("POST", f"{deal}/outcome", client.post(f"{at}/outcome", headers=ana, json={"outcome": "won", "date": DAY})),
        ("GET", deal, client.get(at, headers=ana)),
        ("GET", "/api/deals", client.get("/api/deals?closed=true", headers=ana)),
        ("GET", deal, client.get("/api/deals/999999", headers=ana)),
        ("GET", "/api/deals", client.get("/api/deals?owner=b0@example.com", headers=lee)),
    ]
    for method, path, answer in answers:
        assert answer_problems(document, method, path, answer.status_code, answer.get_json()) == [], (method, path)
    saved = {key: value for key, value in created.get_json().items() if key != "last_checked_at"}
    assert answer_problems(document, "POST", "/api/deals", 201, saved) == [": 'last_checked_at' is a required property"]


def test_another_reps_deal_is_404_and_the_manager_cannot_check_it(
    records_app: Flask, tokens: dict[str, dict[str, str]]
) -> None:
    client = records_app.test_client()
    deal_id = client.post("/api/deals", headers=tokens["ana"], json={"name": "Northwind"}).get_json()["id"]
    assert client.get(f"/api/deals/{deal_id}", headers=tokens["bo"]).status_code == 404
    assert (
        client.post(f"/api/deals/{deal_id}/checks", headers=tokens["bo"], json={"milestones": PAIN}).status_code == 404
    )
    assert client.get(f"/api/deals/{deal_id}", headers=tokens["lee"]).status_code == 200
    assert (
        client.post(f"/api/deals/{deal_id}/checks", headers=tokens["lee"], json={"milestones": PAIN}).status_code == 403
    )
    assert client.get(f"/api/deals/{deal_id}", headers=tokens["ana"]).get_json()["checks"] == []


@pytest.mark.parametrize("path", ["/api/deals", "/api/deals/1"])
def test_no_token_is_401(records_app: Flask, path: str) -> None:
    response = records_app.test_client().get(path)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.get_json()["errors"][0]["message"].startswith("send your API token: Authorization: Bearer TOKEN")
    assert records_app.test_client().post("/api/deals", json={"name": "x"}).status_code == 401
    # A token that opens nothing is told apart from none sent, without saying which tokens were once real.
    wrong = records_app.test_client().get(path, headers={"Authorization": "Bearer not-a-token"})
    assert wrong.status_code == 401
    assert wrong.get_json()["errors"][0]["message"].startswith(
        "the token sent opens nothing: it is mistyped, revoked, or its user is disabled"
    )


@pytest.mark.parametrize(
    ("body", "loc", "message"),
    [
        ({}, "name", "'name' is required"),
        ({"name": "X", "amount": "12k"}, "amount", "'12k' is not an amount"),
        ({"name": "X", "claimed_stage": "proposng"}, "claimed_stage", "did you mean 'proposing'?"),
        ({"name": "X", "color": "red"}, "color", "unknown key 'color'"),
        ({"name": "X", "crm": "0061"}, "crm", "unknown key 'crm'; did you mean 'crm_id'?"),
        (
            {"name": "X", "milestones": {}},
            "milestones",
            "unknown key 'milestones'; answers are saved as a check of the deal once it exists: "
            'POST /api/deals/<id>/checks {"milestones": …}',
        ),
        ({"name": "X", "outcome": "won"}, "outcome", "a deal is closed won or lost once it exists: POST /api/deals/"),
        ({"deal": "X"}, "deal", "unknown key 'deal'; a new deal's name goes in 'name'"),
        ({"name": "X", "stage": "proposing"}, "stage", "the stage the CRM gives the deal goes in 'claimed_stage'"),
        ({"name": 5}, "name", "'name' must be text"),
        ([], "", "a deal must be an object"),
    ],
)
def test_bad_new_deals_are_400_with_every_error(
    records_app: Flask, tokens: dict[str, dict[str, str]], body: object, loc: str, message: str
) -> None:
    response = records_app.test_client().post("/api/deals", headers=tokens["ana"], json=body)
    assert response.status_code == 400
    errors = response.get_json()["errors"]
    assert any(error["loc"] == loc and message in error["message"] for error in errors), errors


def test_a_rep_may_only_create_deals_they_own(records_app: Flask, tokens: dict[str, dict[str, str]]) -> None:
    response = records_app.test_client().post(
        "/api/deals", headers=tokens["ana"], json={"name": "X", "owner": "bo@example.com"}
    )
    assert response.status_code == 403
    assert response.get_json()["errors"][0]["loc"] == "owner"


def test_a_duplicate_crm_id_is_refused(records_app: Flask, tokens: dict[str, dict[str, str]]) -> None:
    client = records_app.test_client()
    created = client.post("/api/deals", headers=tokens["ana"], json={"name": "X", "crm_id": "7"})
    assert created.status_code == 201
    again = client.post("/api/deals", headers=tokens["ana"], json={"name": "Y", "crm_id": "7"})
    assert again.status_code == 409 and again.get_json()["errors"] == [
        {
            "loc": "crm_id",
            "message": "a deal with crm_id '7' exists already; check that one instead",
            "deal_id": created.get_json()["id"],
        }
    ]
    # Another rep is not sent to a deal they cannot open (it answers them 404).
    other = client.post("/api/deals", headers=tokens["bo"], json={"name": "Z", "crm_id": "7"})
    assert (
        other.status_code == 409
        and "Location" not in other.headers
        and other.get_json()["errors"]
        == [
            {
                "loc": "crm_id",
                "message": "crm_id '7' is taken by a deal you may not see; check the id in the CRM, or ask a manager",
            }
        ]
    )


def test_a_bad_check_is_400_like_the_assess_endpoint_and_saves_nothing(
    records_app: Flask, tokens: dict[str, dict[str, str]]
) -> None:
    client = records_app.test_client()
    deal_id = client.post("/api/deals", headers=tokens["ana"], json={"name": "N"}).get_json()["id"]
    body = {"milestones": {"pain-confirmd": True, "next-meeting-accepted": {"met": True, "date": "2027-02-30"}}}
    refused = client.post(f"/api/deals/{deal_id}/checks", headers=tokens["ana"], json=body)
    assert refused.status_code == 400
    assert refused.get_json() == client.post("/api/assess", json=body).get_json()
    assert (
        client.post(
            f"/api/deals/{deal_id}/checks", headers=tokens["ana"], data="{", content_type="application/json"
        ).status_code
        == 400
    )
    assert client.post(f"/api/deals/{deal_id}/checks", headers=tokens["ana"], data="x=1").status_code == 415
    assert client.get(f"/api/deals/{deal_id}", headers=tokens["ana"]).get_json()["checks"] == []
    assert client.get(f"/api/deals/{deal_id}?as_of=2027-02-30", headers=tokens["ana"]).status_code == 400


def test_a_check_of_many_unknown_milestones_names_a_limited_few_quickly_and_saves_nothing(
    records_app: Flask, tokens: dict[str, dict[str, str]]
) -> None:
    client = records_app.test_client()
    deal_id = client.post("/api/deals", headers=tokens["ana"], json={"name": "N"}).get_json()["id"]
    body = {"milestones": {f"m{i}": True for i in range(40_000)}}
    started = time.perf_counter()
    refused = client.post(f"/api/deals/{deal_id}/checks", headers=tokens["ana"], json=body)
    assert time.perf_counter() - started < 5
    assert refused.status_code == 400
    errors = refused.get_json()["errors"]
    assert len(errors) == UNKNOWN_KEYS_NAMED + 1 and errors[-1]["loc"] == "milestones"
    assert errors[-1]["message"].startswith("'milestones' has 40,000 unknown keys")
    assert client.get(f"/api/deals/{deal_id}", headers=tokens["ana"]).get_json()["checks"] == []


@pytest.mark.parametrize(
    ("body", "loc", "message"),
    [
        ({"milestones": {}, "as_of": "2026-06-01"}, "as_of", "a check is recorded as of today; to read the verdict"),
        ({"milestones": {}, "date": "2026-06-01"}, "date", "a check is recorded as of today"),
        (
            {"milestones": {}, "deal": "Renamed Société"},
            "deal",
            'a check does not rename the deal: rename it with PATCH /api/deals/{id} {"name": "…"}',
        ),
        ({"milestones": {}, "name": "Renamed"}, "name", "a check does not rename the deal"),
    ],
)
def test_a_check_saying_another_day_or_name_is_refused_not_ignored(
    records_app: Flask, tokens: dict[str, dict[str, str]], body: object, loc: str, message: str
) -> None:
    client = records_app.test_client()
    deal_id = client.post("/api/deals", headers=tokens["ana"], json={"name": "N"}).get_json()["id"]
    refused = client.post(f"/api/deals/{deal_id}/checks", headers=tokens["ana"], json=body)
    assert refused.status_code == 400
    assert [error["loc"] for error in refused.get_json()["errors"]] == [loc]
    assert message in refused.get_json()["errors"][0]["message"]
    assert client.get(f"/api/deals/{deal_id}", headers=tokens["ana"]).get_json()["checks"] == []
    schema = client.get("/api/openapi.json").get_json()["components"]["schemas"]["NewCheck"]
    assert not {"as_of", "deal"} & set(schema["properties"])


DATE_TIME = "2026-12-01T23:30:00-08:00"
DATE_TIME_REFUSED = f"{DATE_TIME!r} is a date and time; write the day alone, YYYY-MM-DD (such as 2026-12-01, if that is the day you mean)"


@pytest.mark.parametrize(
    ("path", "body", "loc"),
    [
        ("/api/assess", {"as_of": DATE_TIME}, "as_of"),
        (
            "/api/assess",
            {"milestones": {"pain-confirmed": {"met": True, "date": DATE_TIME}}},
            "milestones.pain-confirmed.date",
        ),
        (
            "{deal}/checks",
            {"milestones": {"pain-confirmed": {"met": True, "date": DATE_TIME}}},
            "milestones.pain-confirmed.date",
        ),
        (
            "{deal}/checks",
            {"milestones": {"pain-confirmed": {"met": True, "date": "2026-12-01 09:00"}}},
            "milestones.pain-confirmed.date",
        ),
        ("{deal}/outcome", {"outcome": "lost", "date": DATE_TIME, "reason": "No budget"}, "date"),
    ],
)
def test_a_date_and_time_where_a_day_is_asked_is_refused_at_its_field(
    records_app: Flask, tokens: dict[str, dict[str, str]], path: str, body: dict[str, object], loc: str
) -> None:
    """Its day depends on a time zone: 23:30 at -08:00 is the next day in UTC."""
    client = records_app.test_client()
    deal_id = client.post("/api/deals", headers=tokens["ana"], json={"name": "N"}).get_json()["id"]
    refused = client.post(path.format(deal=f"/api/deals/{deal_id}"), headers=tokens["ana"], json=body)
    assert refused.status_code == 400
    [error] = refused.get_json()["errors"]
    assert error["loc"] == loc
    assert error["message"].endswith(
        DATE_TIME_REFUSED
        if DATE_TIME in str(body)
        else "write the day alone, YYYY-MM-DD (such as 2026-12-01, if that is the day you mean)"
    )


def test_a_date_and_time_in_the_as_of_query_is_refused_as_in_a_body(
    records_app: Flask, tokens: dict[str, dict[str, str]]
) -> None:
    """?as_of= asks for a day as the body's as_of does, and says the day to write the same way."""
    client = records_app.test_client()
    deal_id = client.post("/api/deals", headers=tokens["ana"], json={"name": "N"}).get_json()["id"]
    refused = client.get(f"/api/deals/{deal_id}?as_of=2026-11-21T00:00", headers=tokens["ana"])
    assert refused.status_code == 400
    assert refused.get_json()["errors"] == [
        {
            "loc": "as_of",
            "message": "as_of: '2026-11-21T00:00' is a date and time; write the day alone, YYYY-MM-DD (such as "
            "2026-11-21, if that is the day you mean)",
        }
    ]
    not_a_date = client.get(f"/api/deals/{deal_id}?as_of=21/11/2026", headers=tokens["ana"]).get_json()
    assert (
        not_a_date["errors"][0]["message"]
        == "as_of: '21/11/2026' is not written YYYY-MM-DD, the only way the API reads a day; write it as 2026-11-21"
    )


NOT_ISO = "is not written YYYY-MM-DD, the only way the API reads a day; write it as"


@pytest.mark.parametrize(
    ("written", "fix"),
    [
        ("23/11/2026", "2026-11-23"),
        ("23.11.2026", "2026-11-23"),
        ("5 Dec 2026", "2026-12-05"),
        ("2026/11/23", "2026-11-23"),
        ("2026-11-3", "2026-11-03"),
        ("01/12/2026", "YYYY-MM-DD, e.g. 2026-03-01"),  # day or month first: no one day to name
        ("11/23/2026", "YYYY-MM-DD, e.g. 2026-03-01"),
    ],
)
@pytest.mark.parametrize(
    ("path", "body", "loc"),
    [
        ("/api/assess", {"as_of": "{day}"}, "as_of"),
        (
            "{deal}/checks",
            {"milestones": {"pain-confirmed": {"met": True, "date": "{day}"}}},
            "milestones.pain-confirmed.date",
        ),
        ("{deal}/outcome", {"outcome": "lost", "date": "{day}", "reason": "No budget"}, "date"),
        ("{deal}?as_of={day}", None, "as_of"),
    ],
)
def test_a_day_not_written_yyyy_mm_dd_is_refused_at_its_field_with_the_day_to_write(
    records_app: Flask,
    tokens: dict[str, dict[str, str]],
    written: str,
    fix: str,
    path: str,
    body: dict[str, object] | None,
    loc: str,
) -> None:
    """A CRM writing dd/mm would pass late in the month and be refused as ambiguous from the 1st to the 12th."""
    client = records_app.test_client()
    deal_id = client.post("/api/deals", headers=tokens["ana"], json={"name": "N"}).get_json()["id"]
    url = path.format(deal=f"/api/deals/{deal_id}", day=written)
    if body is None:
        refused = client.get(url, headers=tokens["ana"])
    else:
        sent = json.loads(json.dumps(body).replace("{day}", written))
        refused = client.post(url, headers=tokens["ana"], json=sent)
    assert refused.status_code == 400
    [error] = refused.get_json()["errors"]
    assert error["loc"] == loc
    assert error["message"].endswith(f"{written!r} {NOT_ISO} {fix}"), error
    assert client.get(f"/api/deals/{deal_id}", headers=tokens["ana"]).get_json()["outcome_events"] == []


def test_the_openapi_document_describes_the_deal_endpoints(records_app: Flask) -> None:
    document = records_app.test_client().get("/api/openapi.json").get_json()
    paths = document["paths"]
    assert {"get", "post"} <= set(paths["/api/deals"]) and "get" in paths["/api/deals/{deal_id}"]
    assert "post" in paths["/api/deals/{deal_id}/checks"]
    assert "bearerAuth" in document["components"]["securitySchemes"]
    assert set(paths["/api/deals/{deal_id}"]["get"]["responses"]) >= {"200", "401", "404"}


@pytest.mark.parametrize(
    "deal_id",
    # Thousands of digits: int() would raise Python's own limit (a 500) if the digits were not counted first.
    ["0", "-1", "-9223372036854775809", "9223372036854775808", "202654897481283498357555200", "9" * 5000, "0" * 4999],
)
def test_a_deal_id_no_database_integer_holds_is_404(
    records_app: Flask, tokens: dict[str, dict[str, str]], deal_id: str
) -> None:
    client = records_app.test_client()
    shown = client.get(f"/api/deals/{deal_id}", headers=tokens["ana"])
    assert shown.status_code == 404
    assert shown.get_json()["errors"][0]["message"] == "Not Found: there is no deal with this id that you may see."
    assert client.post(f"/api/deals/{deal_id}/checks", headers=tokens["ana"], json={}).status_code == 404
    request = client.get(f"/api/deals/{deal_id}/confirmations/{deal_id}", headers=tokens["ana"])
    assert request.get_json()["errors"][0]["message"] == shown.get_json()["errors"][0]["message"]


def test_a_check_naming_one_milestone_keeps_the_others_answers(
    records_app: Flask, tokens: dict[str, dict[str, str]]
) -> None:
    client = records_app.test_client()
    deal_id = client.post("/api/deals", headers=tokens["ana"], json={"name": "Northwind"}).get_json()["id"]
    checks = f"/api/deals/{deal_id}/checks"
    assert client.post(checks, headers=tokens["ana"], json={"milestones": BOTH}).status_code == 201
    budget = {"budget-confirmed": {"met": True, "evidence": "Budget line in the board minutes", "date": DAY}}
    later = client.post(checks, headers=tokens["ana"], json={"milestones": {**budget, "pain-confirmed": None}})
    assert later.status_code == 201
    statuses = {m["id"]: m["status"] for m in later.get_json()["verdict"]["milestones"]}
    assert statuses["pain-confirmed"] == statuses["next-meeting-accepted"] == statuses["budget-confirmed"] == "verified"
    no_longer = client.post(checks, headers=tokens["ana"], json={"milestones": {"pain-confirmed": {"met": 0}}})
    statuses = {m["id"]: m["status"] for m in no_longer.get_json()["verdict"]["milestones"]}
    assert (statuses["pain-confirmed"], statuses["budget-confirmed"]) == ("not_met", "verified")


ONCE = "is given {n} times; give {name} once"
BLANK = "{name} is blank; give its value, or leave {name} out"


@pytest.mark.parametrize(
    ("path", "errors"),
    [
        (
            "/api/deals?sort=amount&limit=5&page=1",
            [
                (
                    "sort",
                    "(this address takes owner, stage, closed, crm_id, cursor, page, per_page); leave it out",
                ),
                (
                    "limit",
                    "unknown query parameter 'limit' (this address takes owner, stage, closed, crm_id, cursor, page, per_page)",
                ),
            ],
        ),
        ("/api/deals?per_pag=5", [("per_pag", "unknown query parameter 'per_pag'; did you mean 'per_page'?")]),
        (
            "{deal}?asof=2026-06-01",
            [("asof", "unknown query parameter 'asof'; did you mean 'as_of'? (this address takes as_of)")],
        ),
        ("{deal}/confirmations?page=2", [("page", "(this address takes no query parameters); leave it out")]),
        ("/api/process?v=2", [("v", "unknown query parameter 'v' (this address takes no query parameters)")]),
        # One rule for every parameter an address takes: a second value or a blank one is refused, never ignored.
        ("/api/deals?page=1&page=2", [("page", ONCE.format(n=2, name="page"))]),
        ("{deal}?as_of=2026-01-05&as_of=2026-01-06", [("as_of", ONCE.format(n=2, name="as_of"))]),
        ("{deal}?as_of=2026-01-05&as_of=2026-01-05&as_of=x", [("as_of", ONCE.format(n=3, name="as_of"))]),
        ("/api/deals?stage=&stage=proposing", [("stage", ONCE.format(n=2, name="stage"))]),
        *[(f"/api/deals?{name}=", [(name, BLANK.format(name=name))]) for name in ("stage", "owner", "crm_id")],
        *[(f"/api/deals?{name}=%20", [(name, BLANK.format(name=name))]) for name in ("closed", "page", "per_page")],
        ("/api/deals?cursor=", [("cursor", BLANK.format(name="cursor"))]),
        ("{deal}?as_of=", [("as_of", BLANK.format(name="as_of"))]),
        (
            "/api/deals?owner=&page=1&page=2&zzz=1",
            [("zzz", "unknown query parameter"), ("owner", BLANK.format(name="owner")), ("page", "give page once")],
        ),
    ],
)
def test_a_query_parameter_the_address_does_not_take_is_refused_not_ignored(
    records_app: Flask, tokens: dict[str, dict[str, str]], path: str, errors: list[tuple[str, str]]
) -> None:
    client = records_app.test_client()
    deal_id = client.post("/api/deals", headers=tokens["ana"], json={"name": "N"}).get_json()["id"]
    refused = client.get(path.format(deal=f"/api/deals/{deal_id}"), headers=tokens["ana"])
    assert refused.status_code == 400
    got = refused.get_json()["errors"]
    assert [error["loc"] for error in got] == [loc for loc, _ in errors]
    assert all(message in error["message"] for error, (_, message) in zip(got, errors, strict=True)), got


def test_without_a_token_an_unknown_query_parameter_is_still_401(records_app: Flask) -> None:
    """A token put in the query string is refused as no token at all (the API reads only the Authorization header)."""
    assert records_app.test_client().get("/api/deals?access_token=abc").status_code == 401


def test_each_route_takes_the_query_parameters_its_openapi_operation_lists(records_app: Flask) -> None:
    document = records_app.test_client().get("/api/openapi.json").get_json()
    documented = {
        (path, method.upper()): {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
    }
    with records_app.test_request_context():
        taken = {
            (re.sub(r"<(?:int(?:\(signed=True\))?:)?([a-z_]+)>", r"{\1}", rule.rule), method): set(
                taken_by(rule.endpoint)
            )
            for rule in records_app.url_map.iter_rules()
            if rule.rule.startswith("/api/")
            for method in rule.methods or ()
            if method not in ("HEAD", "OPTIONS")
        }
    assert taken == documented


@pytest.mark.parametrize(
    ("path", "raw", "loc"),
    [
        ("/api/deals", '{"name": "Dup", "name": "Dup2"}', "name"),
        (
            "/api/assess",
            '{"milestones": {"pain-confirmed": {"met": true, "met": false}}}',
            "milestones.pain-confirmed.met",
        ),
        (
            "{deal}/checks",
            '{"milestones": {"pain-confirmed": true, "pain-confirmed": false}}',
            "milestones.pain-confirmed",
        ),
        ("{deal}/outcome", '{"outcome": "won", "outcome": "lost", "date": "2026-01-05"}', "outcome"),
    ],
)
def test_a_key_given_twice_in_one_object_is_refused_at_the_key(
    records_app: Flask, tokens: dict[str, dict[str, str]], path: str, raw: str, loc: str
) -> None:
    """JSON parsers keep one of the two values silently, and which one the client meant is unknown."""
    errors, _ = _refused_raw(records_app, tokens["ana"], path, raw)
    key = loc.rsplit(".", 1)[-1]
    # Listed first, with the body's other problems (a lost deal's missing reason, if 'lost' was meant).
    assert errors[0] == {
        "loc": loc,
        "message": f"'{key}' is given twice in the same object; give it once",
    }


@pytest.mark.parametrize(
    ("path", "raw", "locs"),
    [
        (
            "/api/assess",
            '{"as_of": "bad", "amount": "x", "claimed_stage": "nope", "milestones": {"zzz": {"met": true}}}',
            ["as_of", "amount", "claimed_stage", "milestones.zzz"],
        ),
        ("/api/assess", '{"as_of": "bad", "zzz": 1}', ["as_of", "zzz"]),
        (
            "/api/assess",
            '{"amount": "x", "milestones": {"pain-confirmed": {"met": true, "date": "bad"}, '
            '"budget-confirmed": {"met": "maybe"}}}',
            ["milestones.pain-confirmed.date", "amount", "milestones.budget-confirmed.met"],
        ),
        (
            "{deal}/checks",
            '{"amount": "x", "milestones": {"pain-confirmed": {"met": true, "date": "03/04/2026"}, "zzz": true}}',
            ["milestones.pain-confirmed.date", "amount", "milestones.zzz"],
        ),
        (
            "{deal}/outcome",
            '{"outcome": "won", "date": "bad", "amount": "x", "zzz": 1}',
            ["date", "amount", "zzz"],
        ),
        ("/api/deals", '{"name": "A", "name": "B", "amount": "x", "zzz": 1}', ["name", "amount", "zzz"]),
        (
            "{deal}/confirmations",
            '{"buyer_name": "D", "buyer_name": "E", "buyer_email": "nope", "milestones": ["pain-confirmed"]}',
            ["buyer_name", "buyer_email"],
        ),
    ],
)
def test_a_bad_day_or_a_key_given_twice_is_listed_with_every_other_problem_of_the_body(
    records_app: Flask, tokens: dict[str, dict[str, str]], path: str, raw: str, locs: list[str]
) -> None:
    """One 400 lists every problem of a body, each at its place: a day written another way hid all the others."""
    errors, deal = _refused_raw(records_app, tokens["ana"], path, raw)
    assert sorted(error["loc"] for error in errors) == sorted(locs), errors
    assert deal["checks"] == deal["confirmations"] == deal["outcome_events"] == []


def _refused_raw(app: Flask, token: dict[str, str], path: str, raw: str) -> tuple[list[dict[str, str]], Any]:
    """The errors of the 400 answering the JSON text `raw` POSTed to `path` ({deal}: a new deal's address), and
    that deal as GET shows it then."""
    client = app.test_client()
    deal_id = client.post("/api/deals", headers=token, json={"name": "N"}).get_json()["id"]
    headers = {**token, "Content-Type": "application/json"}
    refused = client.post(path.format(deal=f"/api/deals/{deal_id}"), headers=headers, data=raw.encode())
    assert refused.status_code == 400
    return refused.get_json()["errors"], client.get(f"/api/deals/{deal_id}", headers=token).get_json()


@pytest.mark.parametrize(
    ("path", "body", "currency"),
    [
        ("/api/assess", {"amount": "EUR 80,000", "claimed_stage": "proposing"}, "EUR"),
        ("/api/assess", {"amount": 80000, "claimed_stage": "proposing"}, None),
        ("{deal}/checks", {"amount": "80000 GBP", "milestones": {}}, "GBP"),
        ("{deal}/checks", {"currency": "jpy", "milestones": {}}, "JPY"),
    ],
)
def test_weighted_amounts_say_their_currency(
    records_app: Flask, tokens: dict[str, dict[str, str]], path: str, body: dict[str, object], currency: str | None
) -> None:
    client = records_app.test_client()
    deal_id = client.post("/api/deals", headers=tokens["ana"], json={"name": "N", "amount": 5000}).get_json()["id"]
    answer = client.post(path.format(deal=f"/api/deals/{deal_id}"), headers=tokens["ana"], json=body).get_json()
    verdict = answer.get("verdict", answer)
    assert verdict["weighted_amount"]["currency"] == currency
    if path != "/api/assess":
        shown = client.get(f"/api/deals/{deal_id}", headers=tokens["ana"]).get_json()["verdict"]
        listed = client.get("/api/deals", headers=tokens["ana"]).get_json()["deals"][0]["verdict"]
        assert shown["weighted_amount"]["currency"] == listed["weighted_amount"]["currency"] == currency


@pytest.mark.parametrize("path", ["/api/assess", "{deal}/checks"])
@pytest.mark.parametrize(
    ("amount", "weighted"),
    [
        pytest.param("120000.555", 12000.06, id="float-error-below-the-cent"),  # 12000.055499999999 unrounded
        pytest.param("1234.565", 123.46, id="float-error-above-the-cent"),
        pytest.param("99999.99", 10000.0, id="rounds-up-to-whole"),
    ],
)
def test_weighted_amounts_are_rounded_to_the_cent_as_the_audit_rounds_them(
    records_app: Flask, tokens: dict[str, dict[str, str]], path: str, amount: str, weighted: float
) -> None:
    client = records_app.test_client()
    deal_id = client.post("/api/deals", headers=tokens["ana"], json={"name": "N"}).get_json()["id"]
    body = {"amount": amount, "claimed_stage": "discovery", "milestones": {}}
    answer = client.post(path.format(deal=f"/api/deals/{deal_id}"), headers=tokens["ana"], json=body).get_json()
    verdict = answer.get("verdict", answer)
    assert (verdict["weighted_amount"]["claimed"], verdict["weighted_amount"]["verified"]) == (weighted, weighted)


@pytest.mark.parametrize(
    ("path", "told"),
    [
        (
            "/api/deals",
            'a new deal such as {"name": "Northwind", "amount": "USD 120,000", "claimed_stage": "proposing"}',
        ),
        ("{deal}/outcome", 'an outcome such as {"outcome": "won", "date": "YYYY-MM-DD"}'),
        (
            "{deal}/checks",
            'a check such as {"milestones": {"pain-confirmed": {"met": true, "evidence": "Reply from the CFO"',
        ),
        ("{deal}/confirmations", 'a confirmation request such as {"milestones": ["pain-confirmed"], "buyer_name": '),
        ("/api/assess", 'a deal object such as {"claimed_stage": "proposing", "milestones": {}}'),
    ],
)
def test_an_empty_body_is_told_an_example_of_its_own_endpoints_body(
    records_app: Flask, tokens: dict[str, dict[str, str]], path: str, told: str
) -> None:
    client = records_app.test_client()
    deal_id = client.post("/api/deals", headers=tokens["ana"], json={"name": "N"}).get_json()["id"]
    headers = {**tokens["ana"], "Content-Type": "application/json"}
    refused = client.post(path.format(deal=f"/api/deals/{deal_id}"), headers=headers, data=b"")
    assert refused.status_code == 400
    [error] = refused.get_json()["errors"]
    assert error["message"].startswith(f"the body is empty; send {told}"), error


@pytest.mark.parametrize(
    "path", ["/api/assess", "/api/deals", "{deal}/checks", "{deal}/outcome", "{deal}/confirmations"]
)
@pytest.mark.parametrize("encoding", ["gzip", "br", "deflate"])
def test_a_compressed_body_is_415_saying_to_send_it_uncompressed(
    records_app: Flask, tokens: dict[str, dict[str, str]], path: str, encoding: str
) -> None:
    """It was read as text and refused as 'not UTF-8 (byte 1)', which sent integrators hunting for a bad character."""
    client = records_app.test_client()
    deal_id = client.post("/api/deals", headers=tokens["ana"], json={"name": "N"}).get_json()["id"]
    headers = {**tokens["ana"], "Content-Type": "application/json", "Content-Encoding": encoding}
    refused = client.post(
        path.format(deal=f"/api/deals/{deal_id}"), headers=headers, data=gzip.compress(b'{"name": "Z"}')
    )
    assert refused.status_code == 415
    assert refused.get_json()["errors"] == [
        {
            "loc": "Content-Encoding",
            "message": f"the body is compressed (Content-Encoding: {encoding}), and the API reads request bodies "
            "uncompressed only; send the JSON as it is, without Content-Encoding",
        }
    ]


def test_content_encoding_identity_is_a_body_as_it_is(records_app: Flask, tokens: dict[str, dict[str, str]]) -> None:
    headers = {**tokens["ana"], "Content-Type": "application/json", "Content-Encoding": "identity"}
    assert records_app.test_client().post("/api/deals", headers=headers, data=b'{"name": "Z"}').status_code == 201


def test_the_openapi_document_says_where_each_201_points_and_what_a_check_stores(
    records_app: Flask, tokens: dict[str, dict[str, str]]
) -> None:
    client = records_app.test_client()
    paths = client.get("/api/openapi.json").get_json()["paths"]
    created = client.post("/api/deals", headers=tokens["ana"], json={"name": "N", "amount": 5})
    deal_id = created.get_json()["id"]
    checked = client.post(f"/api/deals/{deal_id}/checks", headers=tokens["ana"], json={"milestones": {}})
    won = client.post(
        f"/api/deals/{deal_id}/outcome", headers=tokens["ana"], json={"outcome": "won", "date": DAY, "amount": 5}
    )
    for path, answer in [
        ("/api/deals", created),
        ("/api/deals/{deal_id}/checks", checked),
        ("/api/deals/{deal_id}/outcome", won),
    ]:
        documented = paths[path]["post"]["responses"]["201"]["headers"]["Location"]["description"]
        where = documented.split(":")[0].replace("{id}", str(deal_id)).replace("{deal_id}", str(deal_id))
        assert answer.status_code == 201 and answer.headers["Location"] == where
    schemas = client.get("/api/openapi.json").get_json()["components"]["schemas"]
    assert "as read rather than as sent" in schemas["Check"]["properties"]["milestones"]["description"]


@pytest.mark.parametrize("stage", ["proposing", "Proposing", "PROPOSING", "closed won"])
def test_the_stage_filter_reads_a_stage_as_a_body_does(
    records_app: Flask, tokens: dict[str, dict[str, str]], stage: str
) -> None:
    client = records_app.test_client()
    for name, claimed in [("In proposing", "Proposing"), ("Won", "Closed Won"), ("Early", "discovery")]:
        assert (
            client.post("/api/deals", headers=tokens["ana"], json={"name": name, "claimed_stage": claimed}).status_code
            == 201
        )
    listed = client.get("/api/deals", headers=tokens["ana"], query_string={"stage": stage})
    assert listed.status_code == 200
    expected = "Won" if stage == "closed won" else "In proposing"
    assert [deal["name"] for deal in listed.get_json()["deals"]] == [expected]


def test_an_evidence_date_on_the_calendars_last_day_is_saved_and_read_on_any_day(
    records_app: Flask, tokens: dict[str, dict[str, str]]
) -> None:
    """9999-12-31 on pain-confirmed, which counts for 90 days: the day it would go stale is past the last date
    there is (a 500, OverflowError, lost the check); it is saved, in the future, and read as of that very day."""
    client = records_app.test_client()
    deal_id = client.post("/api/deals", headers=tokens["ana"], json={"name": "Northwind"}).get_json()["id"]
    far = {"pain-confirmed": {**PAIN["pain-confirmed"], "date": "9999-12-31"}}
    checked = client.post(f"/api/deals/{deal_id}/checks", headers=tokens["ana"], json={"milestones": far})
    assert checked.status_code == 201, checked.get_json()
    for as_of, status in [("", "future_date"), ("?as_of=9999-12-31", "verified")]:
        read = client.get(f"/api/deals/{deal_id}{as_of}", headers=tokens["ana"])
        assert read.status_code == 200
        [pain] = [m for m in read.get_json()["verdict"]["milestones"] if m["id"] == "pain-confirmed"]
        assert pain["status"] == status
