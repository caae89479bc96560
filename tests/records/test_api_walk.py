"""A CRM integration's nightly walk of GET /api/deals: a cursor walk sees each deal once while deals are
created and closed, a deal is found by its CRM id, and a CRM id taken says which deal took it."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from assess_app.api.deals import MAX_PER_PAGE
from assess_app.api.paging import CURSOR_PATTERN, cursor_after, read_cursor
from deal_records.records import MAX_DEAL_ID, MAX_PAGE
from tests.records.conftest import api_deal

DAY = (dt.date.today() - dt.timedelta(days=3)).isoformat()
CLOSE = {"outcome": "lost", "date": DAY, "reason": "No budget"}


def _close(client: FlaskClient, headers: dict[str, str], deal_id: int) -> None:
    assert client.post(f"/api/deals/{deal_id}/outcome", headers=headers, json=CLOSE).status_code == 201


def test_a_cursor_walk_sees_every_deal_once_while_deals_are_created_and_closed(
    records_app: Flask, tokens: dict[str, dict[str, str]]
) -> None:
    client = records_app.test_client()
    ana = tokens["ana"]
    original = [api_deal(client, ana, f"Deal {number}") for number in range(12)]
    seen: list[int] = []
    path = "/api/deals?per_page=5"
    while path:
        answer = client.get(path, headers=ana)
        assert answer.status_code == 200
        body: dict[str, Any] = answer.get_json()
        page = [deal["id"] for deal in body["deals"]]
        seen += page
        # Between two pages: new deals come in, and deals already read are closed (the default is closed=false).
        api_deal(client, ana, f"New after {len(seen)}")
        for deal_id in page[:2]:
            _close(client, ana, deal_id)
        cursor = body["next_cursor"]
        if cursor is None:
            assert "Link" not in answer.headers
            break
        assert body["page"] is None or body["page"] == 1
        assert answer.headers["Link"] == f'</api/deals?per_page=5&cursor={cursor}>; rel="next"'
        path = f"/api/deals?per_page=5&cursor={cursor}"
    assert sorted(seen) == sorted(original)


def test_a_page_walk_still_answers_by_page_number(records_app: Flask, tokens: dict[str, dict[str, str]]) -> None:
    """Existing clients: page and per_page work as before, newest first; a page with more after it gives a cursor."""
    client = records_app.test_client()
    ids = [api_deal(client, tokens["ana"], f"Deal {number}") for number in range(3)]
    second = client.get("/api/deals?page=2&per_page=2", headers=tokens["ana"]).get_json()
    assert ([d["id"] for d in second["deals"]], second["page"], second["total"]) == ([ids[0]], 2, 3)
    assert second["next_cursor"] is None
    first = client.get("/api/deals?per_page=2", headers=tokens["ana"]).get_json()
    assert first["next_cursor"] == cursor_after(ids[1])


def test_the_cursor_is_one_opaque_string_in_the_query_and_in_the_answer(
    records_app: Flask, tokens: dict[str, dict[str, str]]
) -> None:
    """A typed client sends back the next_cursor it was given: both must be the same type, a string."""
    client = records_app.test_client()
    for number in range(3):
        api_deal(client, tokens["ana"], f"Deal {number}")
    document = client.get("/api/openapi.json").get_json()
    listing = document["paths"]["/api/deals"]["get"]
    [parameter] = [p["schema"] for p in listing["parameters"] if p["name"] == "cursor"]
    answer = listing["responses"]["200"]["content"]["application/json"]["schema"]["properties"]["next_cursor"]
    assert parameter["type"] == "string" and answer["type"] == ["string", "null"]
    cursor = client.get("/api/deals?per_page=1", headers=tokens["ana"]).get_json()["next_cursor"]
    assert isinstance(cursor, str)
    for schema in (parameter, answer):
        assert not list(Draft202012Validator(schema).iter_errors(cursor)), schema
    assert client.get(f"/api/deals?per_page=1&cursor={cursor}", headers=tokens["ana"]).status_code == 200


@given(
    st.integers(min_value=-10, max_value=MAX_DEAL_ID + 10)
    | st.sampled_from(["1", "01", "0", "1999999999", "2147483639", str(MAX_DEAL_ID), "2147483648", "9999999999", "5\n"])
    | st.text(max_size=12)
)
def test_the_cursors_pattern_is_exactly_what_the_server_reads(value: int | str) -> None:
    text = str(value)
    try:
        read_cursor(text)
    except ValueError:
        assert not re.search(CURSOR_PATTERN, text), text
    else:
        assert re.search(CURSOR_PATTERN, text), text


def test_a_deal_is_found_by_its_crm_id_among_those_the_caller_may_see(
    records_app: Flask, tokens: dict[str, dict[str, str]]
) -> None:
    client = records_app.test_client()
    wanted = api_deal(client, tokens["ana"], "Northwind", crm_id="0061")
    api_deal(client, tokens["ana"], "Contoso", crm_id="0062")
    found = client.get("/api/deals?crm_id=0061", headers=tokens["ana"]).get_json()
    assert [deal["id"] for deal in found["deals"]] == [wanted] and found["total"] == 1
    assert [d["id"] for d in client.get("/api/deals?crm_id=0061", headers=tokens["lee"]).get_json()["deals"]] == [
        wanted
    ]
    assert client.get("/api/deals?crm_id=0061", headers=tokens["bo"]).get_json()["deals"] == []
    assert client.get("/api/deals?crm_id=006", headers=tokens["ana"]).get_json()["deals"] == []  # exact, not a prefix
    _close(client, tokens["ana"], wanted)
    closed = client.get("/api/deals?crm_id=0061&closed=true", headers=tokens["ana"]).get_json()
    assert [deal["id"] for deal in closed["deals"]] == [wanted]


def test_a_crm_id_taken_by_the_callers_own_deal_is_409_pointing_at_it(
    records_app: Flask, tokens: dict[str, dict[str, str]]
) -> None:
    client = records_app.test_client()
    held = api_deal(client, tokens["ana"], "Northwind", crm_id="7")
    for caller in ("ana", "lee"):
        again = client.post("/api/deals", headers=tokens[caller], json={"name": "Y", "crm_id": "7"})
        assert again.status_code == 409 and again.headers["Location"] == f"/api/deals/{held}"
        assert again.get_json()["errors"] == [
            {
                "loc": "crm_id",
                "message": "a deal with crm_id '7' exists already; check that one instead",
                "deal_id": held,
            }
        ]


@pytest.mark.parametrize(
    ("query", "loc", "message"),
    [
        ("cursor=bm90LWEtY3Vyc29y", "cursor", "is not a cursor this API gave; start the walk again without cursor"),
        ("cursor=0", "cursor", "is not a cursor this API gave"),
        ("cursor=%EF%BC%95", "cursor", "is not a cursor this API gave"),
        ("cursor=2147483648", "cursor", "is not a cursor this API gave"),
        ("cursor=07", "cursor", "is not a cursor this API gave"),
        (f"cursor={cursor_after(3)}&page=2", "cursor", "give cursor or page, not both"),
        ("crm_id=%20", "crm_id", "crm_id is blank; give its value, or leave crm_id out"),
        *[
            (
                f"per_page={sent}",
                "per_page",
                f"per_page: {shown!r} is not a number of deals per page; give a whole number from 1 to 500",
            )
            for sent, shown in [
                ("0", "0"),
                ("501", "501"),
                ("-5", "-5"),
                ("%EF%BC%95", "\uff15"),
                ("%2B5", "+5"),
                ("x", "x"),
            ]
        ],
        ("page=0", "page", "page: '0' is not a page number; give a whole number from 1 to 1,000,000"),
        ("page=%EF%BC%92", "page", "is not a page number"),
        # Thousands of digits: int() would raise Python's own limit, not this message.
        ("page=" + "9" * 5000, "page", "is not a page number; give a whole number from 1 to 1,000,000"),
        ("per_page=" + "9" * 5000, "per_page", "is not a number of deals per page"),
        ("crm_id=1&crm_id=2", "crm_id", "crm_id is given 2 times; give crm_id once"),
    ],
)
def test_a_bad_list_query_is_400_at_its_parameter(
    records_app: Flask, tokens: dict[str, dict[str, str]], query: str, loc: str, message: str
) -> None:
    refused = records_app.test_client().get(f"/api/deals?{query}", headers=tokens["ana"])
    assert refused.status_code == 400
    [error] = refused.get_json()["errors"]
    assert error["loc"] == loc and message in error["message"], error


def test_the_guide_says_the_bounds_of_page_and_per_page_the_server_keeps() -> None:
    guide = (Path(__file__).parents[2] / "docs" / "reference" / "api-guide.md").read_text(encoding="utf-8")
    assert f"`page=N` (1 to {MAX_PAGE:,})" in guide and f"(default 50, 1 to {MAX_PER_PAGE})" in guide
