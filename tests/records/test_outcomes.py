"""Deal outcomes: closed won or lost and reopened through the API and the deal page, as appended events."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from deal_records.models import Check, OutcomeEvent
from playbook_cli.main import main
from tests.conftest import DEFAULT_PROCESS
from tests.records.conftest import new_deal, page_token, sign_in

TODAY = dt.date.today()
YESTERDAY = (TODAY - dt.timedelta(days=1)).isoformat()


def _deal(client: FlaskClient, headers: dict[str, str], name: str = "Northwind", amount: int = 120000) -> int:
    created = client.post(
        "/api/deals", headers=headers, json={"name": name, "amount": amount, "claimed_stage": "proposing"}
    )
    assert created.status_code == 201
    deal_id: int = created.get_json()["id"]
    return deal_id


def _listed(client: FlaskClient, headers: dict[str, str], closed: str = "false") -> list[str]:
    return [deal["name"] for deal in client.get(f"/api/deals?closed={closed}", headers=headers).get_json()["deals"]]


def test_a_rep_closes_a_deal_won_reopens_it_and_closes_it_lost_with_every_event_kept(
    records_app: Flask, tokens: dict[str, dict[str, str]]
) -> None:
    client = records_app.test_client()
    deal_id = _deal(client, tokens["ana"])
    _deal(client, tokens["ana"], "Contoso")
    won = client.post(
        f"/api/deals/{deal_id}/outcome", headers=tokens["ana"], json={"outcome": "won", "date": YESTERDAY}
    )
    assert won.status_code == 201, won.get_json()
    assert won.get_json() | {"id": 0, "recorded_at": ""} == {
        "id": 0,
        "outcome": "won",
        "date": YESTERDAY,
        "amount": 120000.0,  # the deal's own amount: no final amount given
        "currency": None,
        "reason": None,
        "source": "api",
        "recorded_by": "ana@example.com",
        "recorded_at": "",
    }
    assert _listed(client, tokens["ana"]) == ["Contoso"] and _listed(client, tokens["ana"], "true") == ["Northwind"]
    again = client.post(
        f"/api/deals/{deal_id}/outcome",
        headers=tokens["ana"],
        json={"outcome": "lost", "date": YESTERDAY, "reason": "x"},
    )
    assert again.status_code == 409
    assert again.get_json()["errors"][0]["message"].startswith(
        f"the deal was closed won on {YESTERDAY}; reopen it first"
    )
    reopened = client.post(
        f"/api/deals/{deal_id}/outcome", headers=tokens["ana"], json={"outcome": "open", "reason": "Signed by mistake"}
    )
    assert reopened.status_code == 201 and reopened.get_json()["outcome"] == "open"
    assert (
        client.post(f"/api/deals/{deal_id}/outcome", headers=tokens["ana"], json={"outcome": "open"}).status_code == 409
    )
    lost = client.post(
        f"/api/deals/{deal_id}/outcome",
        headers=tokens["ana"],
        json={"outcome": "lost", "date": TODAY.isoformat(), "reason": "  Chose a\ncompetitor "},
    )
    assert lost.status_code == 201 and lost.get_json()["reason"] == "Chose a competitor"
    shown = client.get(f"/api/deals/{deal_id}", headers=tokens["ana"]).get_json()
    assert shown["outcome"] == "lost"
    assert [event["outcome"] for event in shown["outcome_events"]] == ["won", "open", "lost"]


def test_a_closed_deals_verdict_weighs_nothing_and_asks_for_nothing_until_it_is_reopened(
    records_app: Flask, tokens: dict[str, dict[str, str]]
) -> None:
    """A closed deal counts as an outcome, not as pipeline: the API's verdict of it (shown, listed, after a
    check) has no weighted amount and no next milestones, as audit.csv's closed rows and the deal's page."""
    client = records_app.test_client()
    deal_id = _deal(client, tokens["ana"])
    open_verdict = client.get(f"/api/deals/{deal_id}", headers=tokens["ana"]).get_json()["verdict"]
    assert open_verdict["weighted_amount"] == {"claimed": 72000.0, "verified": 12000.0, "currency": None}
    assert open_verdict["next"][:1] == ["pain-confirmed"]
    closed = {"outcome": "lost", "date": YESTERDAY, "reason": "No budget"}
    assert client.post(f"/api/deals/{deal_id}/outcome", headers=tokens["ana"], json=closed).status_code == 201
    shown = client.get(f"/api/deals/{deal_id}", headers=tokens["ana"]).get_json()["verdict"]
    assert (shown["weighted_amount"], shown["next"]) == (None, [])
    assert shown["verified_stage"] == open_verdict["verified_stage"]  # what the evidence supported, kept
    listed = client.get("/api/deals?closed=true", headers=tokens["ana"]).get_json()["deals"]
    assert [(deal["name"], deal["verdict"]["weighted_amount"]) for deal in listed] == [("Northwind", None)]
    checked = client.post(f"/api/deals/{deal_id}/checks", headers=tokens["ana"], json={"milestones": {}})
    assert checked.status_code == 409  # a closed deal is not checked (reopened, it is again)
    reopen = {"outcome": "open", "reason": "Budget found"}
    assert client.post(f"/api/deals/{deal_id}/outcome", headers=tokens["ana"], json=reopen).status_code == 201
    assert client.get(f"/api/deals/{deal_id}", headers=tokens["ana"]).get_json()["verdict"] == open_verdict


def test_a_check_of_a_closed_deal_is_refused_409_saying_when_it_closed_and_how_to_reopen_it(
    records_app: Flask, tokens: dict[str, dict[str, str]]
) -> None:
    """The import refuses it and the deal page offers no check form: the API refuses it too, nothing saved."""
    client = records_app.test_client()
    deal_id = _deal(client, tokens["ana"])
    closed = {"outcome": "lost", "date": YESTERDAY, "reason": "No budget"}
    assert client.post(f"/api/deals/{deal_id}/outcome", headers=tokens["ana"], json=closed).status_code == 201
    before = client.get(f"/api/deals/{deal_id}", headers=tokens["ana"]).get_json()
    refused = client.post(f"/api/deals/{deal_id}/checks", headers=tokens["ana"], json={"claimed_stage": "negotiating"})
    assert refused.status_code == 409
    assert refused.get_json()["errors"] == [
        {
            "loc": "outcome",
            "message": f"the deal was closed lost on {YESTERDAY}, and a closed deal is not checked: its outcome is "
            f'the ground truth now; reopen it first (POST /api/deals/{deal_id}/outcome with {{"outcome": "open"}}), '
            "then record the check",
        }
    ]
    assert client.get(f"/api/deals/{deal_id}", headers=tokens["ana"]).get_json() == before
    reopen = {"outcome": "open", "reason": "Budget found"}
    assert client.post(f"/api/deals/{deal_id}/outcome", headers=tokens["ana"], json=reopen).status_code == 201
    again = client.post(f"/api/deals/{deal_id}/checks", headers=tokens["ana"], json={"claimed_stage": "negotiating"})
    assert again.status_code == 201


def test_the_deal_pages_check_form_sent_after_the_deal_closed_is_refused_409(
    signed_in: Callable[[str], FlaskClient], sessions: sessionmaker[Session]
) -> None:
    """A page opened before the closing (another tab, a manager's close) still holds the check form: sent, the check
    is not saved and the page says why, with no server error."""
    rep = signed_in("ana@example.com")
    deal_id = new_deal(rep)
    token = page_token(rep, f"/deals/{deal_id}")
    with sessions() as db:
        checks = db.scalar(select(func.count(Check.id)))
    close = {"csrf_token": token, "outcome": "won", "date": YESTERDAY, "amount": "120000"}
    assert rep.post(f"/deals/{deal_id}/outcome", data=close).status_code == 303
    form = {"csrf_token": token, "claimed_stage": "negotiating", "amount": "120000"}
    refused = rep.post(f"/deals/{deal_id}/checks", data=form)
    assert refused.status_code == 409
    assert (
        f"The check was not saved: the deal was closed won on {YESTERDAY}, and a closed deal is not checked"
        in refused.get_data(as_text=True)
    )
    with sessions() as db:
        assert db.scalar(select(func.count(Check.id))) == checks


def test_a_check_refused_because_the_deal_closed_keeps_what_the_form_held_typed_fields_first(
    signed_in: Callable[[str], FlaskClient],
) -> None:
    """The closed deal's page has no check form: the evidence typed in the other tab is shown to copy, labelled as
    on the form, what was typed or changed first, and the CRM stage by its name."""
    rep = signed_in("ana@example.com")
    deal_id = new_deal(rep)
    token = page_token(rep, f"/deals/{deal_id}")
    close = {"csrf_token": token, "outcome": "lost", "date": YESTERDAY, "reason": "Went with a rival"}
    assert rep.post(f"/deals/{deal_id}/outcome", data=close).status_code == 303
    form = {
        "csrf_token": token,
        "amount": "120000",
        "claimed_stage": "negotiating",
        "pain-confirmed.met": "yes",
        "pain-confirmed.evidence": "CFO email 5 Dec: late loads cost 40k a month",
        "pain-confirmed.date": YESTERDAY,
    }
    refused = rep.post(f"/deals/{deal_id}/checks", data=form)
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "what the form held is below, to copy" in page
    held = page[page.index("What the form held") :]
    assert "CFO email 5 Dec: late loads cost 40k a month" in held
    assert "(evidence)" in held  # labelled by the milestone's question, as on the form
    assert "<dd>Negotiating</dd>" in held and "<dd>negotiating</dd>" not in held
    assert held.index("late loads") < held.index("<dd>120000</dd>")  # typed first; the amount was as shown


def test_won_with_a_future_date_on_a_deal_without_an_amount_lists_both_mistakes_at_once(
    signed_in: Callable[[str], FlaskClient],
) -> None:
    """The manual says anything missing or mistyped is listed: the amount's mistake came only after the date's
    was fixed. The form's hint says the amount is needed on such a deal."""
    rep = signed_in("ana@example.com")
    deal_id = new_deal(rep, amount="")
    page = rep.get(f"/deals/{deal_id}").get_data(as_text=True)
    assert "(won: needed, the deal has no amount)" in page and "left empty: the deal's amount" not in page
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    form = {"csrf_token": page_token(rep, f"/deals/{deal_id}"), "outcome": "won", "date": tomorrow}
    refused = rep.post(f"/deals/{deal_id}/outcome", data=form)
    assert refused.status_code == 422
    section = refused.get_data(as_text=True)
    section = section[section.index('id="outcome"') :]
    assert "the deal has no amount; give the final amount it was won for" in section
    assert '<li><a href="#outcome-date">' in section and '<li><a href="#outcome-amount">' in section  # both at once
    with_amount = new_deal(rep, "Priced")
    shown = rep.get(f"/deals/{with_amount}").get_data(as_text=True)
    assert "(won; left empty: the deal's amount, 120,000)" in shown, shown[shown.index("outcome-amount") :][:300]


def test_a_manager_closes_a_reps_deal_and_another_rep_gets_404(
    records_app: Flask, tokens: dict[str, dict[str, str]]
) -> None:
    client = records_app.test_client()
    deal_id = _deal(client, tokens["ana"])
    body = {"outcome": "won", "date": YESTERDAY, "amount": "EUR 99,000"}
    assert client.post(f"/api/deals/{deal_id}/outcome", headers=tokens["bo"], json=body).status_code == 404
    other = client.post("/api/deals", headers=tokens["ana"], json={"name": "Contoso", "amount": "JPY 5000"})
    in_yen = {"outcome": "won", "date": YESTERDAY, "currency": "¥"}  # the deal's amount, in its own currency
    won = client.post(f"/api/deals/{other.get_json()['id']}/outcome", headers=tokens["ana"], json=in_yen).get_json()
    assert (won["amount"], won["currency"]) == (5000.0, "JPY")
    assert client.post("/api/deals/999999/outcome", headers=tokens["lee"], json=body).status_code == 404
    assert client.post(f"/api/deals/{deal_id}/outcome", json=body).status_code == 401
    closed = client.post(f"/api/deals/{deal_id}/outcome", headers=tokens["lee"], json=body)
    assert closed.status_code == 201
    assert (closed.get_json()["amount"], closed.get_json()["currency"], closed.get_json()["recorded_by"]) == (
        99000.0,
        "EUR",
        "lee@example.com",
    )


@pytest.mark.parametrize(
    ("body", "loc", "message"),
    [
        ({}, "outcome", "'outcome' is required: one of won, lost, open"),
        ({"outcome": "closed"}, "outcome", "'outcome' is 'closed'; write one of won, lost, open"),
        ({"outcome": "won"}, "date", "'date' is required"),
        ({"outcome": "won", "date": "2025-11-31"}, "date", "'date': '2025-11-31' is not a real calendar date"),
        ({"outcome": "won", "date": "31/11/2025"}, "date", "'date': '31/11/2025' is not written YYYY-MM-DD"),
        ({"outcome": "won", "date": "yesterday"}, "date", "'date': 'yesterday' is not written YYYY-MM-DD"),
        ({"outcome": "won", "date": " 2025-01-01"}, "date", "has spaces around the date"),
        ({"outcome": "Closed", "date": YESTERDAY}, "outcome", "'outcome' is 'Closed'; write one of won, lost, open"),
        ({"outcome": "won", "date": YESTERDAY, "amount": "12k"}, "amount", "'amount': "),
        ({"outcome": "won", "date": YESTERDAY, "reason": "Great fit"}, "reason", "'reason' is not used for a won deal"),
        ({"outcome": "lost", "date": YESTERDAY}, "reason", "'reason' is required for a lost deal"),
        (
            {"outcome": "lost", "date": YESTERDAY, "reason": "No budget", "amount": 5},
            "amount",
            "'amount' is not used for a lost deal",
        ),
        ({"outcome": "lost", "date": YESTERDAY, "reason": 7}, "reason", "'reason' must be text, got a number"),
        ({"outcome": "lost", "date": YESTERDAY, "reason": "x" * 1001}, "reason", "at most 1000"),
        ({"outcome": "open", "date": YESTERDAY}, "date", "'date' is not used to reopen a deal"),
        ({"outcome": "won", "date": YESTERDAY, "note": "x"}, "note", "note"),
        (
            {"outcome": "won", "date": YESTERDAY, "amount": 5, "currency": "EUE"},
            "currency",
            "EUE is not a currency in use (ISO 4217); did you mean EUR?",
        ),
        ({"outcome": "won", "date": YESTERDAY, "amount": "5 GPB"}, "amount", "did you mean GBP?"),
    ],
)
def test_a_bad_outcome_is_refused_with_the_field_at_fault_and_nothing_saved(
    records_app: Flask,
    tokens: dict[str, dict[str, str]],
    sessions: sessionmaker[Session],
    body: dict[str, Any],
    loc: str,
    message: str,
) -> None:
    client = records_app.test_client()
    deal_id = _deal(client, tokens["ana"])
    refused = client.post(f"/api/deals/{deal_id}/outcome", headers=tokens["ana"], json=body)
    assert refused.status_code == 400
    errors = refused.get_json()["errors"]
    assert any(error["loc"] == loc and message in error["message"] for error in errors), errors
    with sessions() as db:
        assert db.scalar(select(func.count(OutcomeEvent.id))) == 0


def test_the_close_dates_the_outcomes_page_says_the_api_refuses_are_refused(
    records_app: Flask, tokens: dict[str, dict[str, str]]
) -> None:
    """The page said the API read a close date as a milestone's (01/03/2026 day first, Mar 1, 2026): it reads
    YYYY-MM-DD only, and every other way the page names is 400 at 'date'."""
    page = (Path(__file__).resolve().parents[2] / "docs" / "managers" / "outcomes.md").read_text(encoding="utf-8")
    section = page.split("## From other programs", 1)[1].split("\n## ", 1)[0]
    sentence = " ".join(
        section.split("The date is written `YYYY-MM-DD` only", 1)[1].split("is `400` at `date`")[0].split()
    )
    refused = re.findall(r"`([^`]+)`", sentence.split(": ", 1)[1])
    assert refused == ["01/03/2026", "Mar 1, 2026"], sentence
    client = records_app.test_client()
    deal_id = _deal(client, tokens["ana"])
    messages = []
    for day in refused:
        body = {"outcome": "lost", "date": day, "reason": "No budget"}
        answer = client.post(f"/api/deals/{deal_id}/outcome", headers=tokens["ana"], json=body)
        assert answer.status_code == 400, day
        [error] = answer.get_json()["errors"]
        assert error["loc"] == "date", error
        messages.append(error["message"])
    quoted = " ".join(section.split('is `400` at `date` ("… ', 1)[1].split('"', 1)[0].split())
    assert messages[1] == f"'date': '{refused[1]}' {quoted}"
    assert messages[0].startswith(f"'date': '{refused[0]}' is not written YYYY-MM-DD, the only way the API reads a day")
    shown = {"outcome": "lost", "date": "2026-03-01", "reason": "No budget"}
    assert client.post(f"/api/deals/{deal_id}/outcome", headers=tokens["ana"], json=shown).status_code == 201


def test_a_close_date_is_read_only_as_yyyy_mm_dd_as_the_openapi_document_says(
    records_app: Flask, tokens: dict[str, dict[str, str]]
) -> None:
    """Day first would pass after the 12th and be refused as ambiguous before it: the API reads no other way."""
    client = records_app.test_client()
    deal_id = _deal(client, tokens["ana"])
    month_first = {"outcome": "lost", "date": "11/13/2025", "reason": "No budget"}
    refused = client.post(f"/api/deals/{deal_id}/outcome", headers=tokens["ana"], json=month_first)
    assert refused.status_code == 400
    assert refused.get_json()["errors"] == [
        {
            "loc": "date",
            "message": "'date': '11/13/2025' is not written YYYY-MM-DD, the only way the API reads a day; write it "
            "as YYYY-MM-DD, e.g. 2026-03-01",
        }
    ]
    document = client.get("/api/openapi.json").get_json()
    variants = document["components"]["schemas"]["NewOutcome"]["oneOf"]
    [described] = {
        variant["properties"]["date"]["description"]
        for variant in variants
        if variant["properties"].get("date", {}).get("format") == "date"  # won and lost; open takes none
    }
    assert "YYYY-MM-DD only" in described and "Also read" not in described
    day_first = {**month_first, "date": "13/11/2025"}
    told = client.post(f"/api/deals/{deal_id}/outcome", headers=tokens["ana"], json=day_first).get_json()
    assert told["errors"][0]["message"].endswith("write it as 2025-11-13")


def test_won_without_any_amount_or_after_today_is_a_conflict(
    records_app: Flask, tokens: dict[str, dict[str, str]]
) -> None:
    client = records_app.test_client()
    created = client.post("/api/deals", headers=tokens["ana"], json={"name": "No amount"}).get_json()
    refused = client.post(
        f"/api/deals/{created['id']}/outcome", headers=tokens["ana"], json={"outcome": "won", "date": YESTERDAY}
    )
    assert refused.status_code == 409 and refused.get_json()["errors"][0]["loc"] == "amount"
    later = client.post(
        f"/api/deals/{created['id']}/outcome",
        headers=tokens["ana"],
        json={"outcome": "lost", "date": "2999-01-01", "reason": "Too early"},
    )
    assert later.status_code == 409
    assert later.get_json()["errors"] == [
        {
            "loc": "date",
            "message": f"the close date 2999-01-01 is after today ({TODAY.isoformat()}); a deal closes on a past day or today",
        }
    ]
    # A year mistyped into the past (1900 for 2026) is no deal the records hold either.
    long_ago = client.post(
        f"/api/deals/{created['id']}/outcome",
        headers=tokens["ana"],
        json={"outcome": "lost", "date": "1900-01-01", "reason": "Too early"},
    )
    assert long_ago.status_code == 409
    assert long_ago.get_json()["errors"] == [
        {
            "loc": "date",
            "message": "the close date 1900-01-01 is more than 20 years ago; check its year (a deal closes on a past "
            "day or today)",
        }
    ]


def _without_token(page: str) -> str:
    """A page without its CSRF tokens' values (each signed with the time it was made)."""
    return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token"', page)


def test_the_deal_page_closes_and_reopens_a_deal_and_the_lists_follow(
    signed_in: Callable[[str], FlaskClient],
) -> None:
    rep = signed_in("ana@example.com")
    deal_id = new_deal(rep)
    new_deal(rep, "Contoso")
    page = rep.get(f"/deals/{deal_id}").get_data(as_text=True)
    assert 'id="outcome-title"' in page and f'value="{TODAY.isoformat()}"' in page
    refused = rep.post(f"/deals/{deal_id}/outcome", data={"outcome": "lost", "date": YESTERDAY})
    assert refused.status_code == 400  # no CSRF token
    token = page_token(rep, f"/deals/{deal_id}")
    mistaken = rep.post(
        f"/deals/{deal_id}/outcome", data={"csrf_token": token, "outcome": "lost", "date": "2999-01-01"}
    )
    assert mistaken.status_code == 422
    told = mistaken.get_data(as_text=True)
    # every mistake in one round, the close date after today among them
    assert "Reason is required for a lost deal" in told and "the close date 2999-01-01 is after today" in told
    # the close date as a milestone's date is read: day first, or with the month as a word
    worded = dt.date.fromisoformat(YESTERDAY).strftime("%b %d, %Y")
    mistaken = rep.post(f"/deals/{deal_id}/outcome", data={"csrf_token": token, "outcome": "lost", "date": worded})
    assert mistaken.status_code == 422 and "&#39;date&#39;" not in mistaken.get_data(as_text=True)
    closed = rep.post(
        f"/deals/{deal_id}/outcome",
        data={"csrf_token": token, "outcome": "lost", "date": YESTERDAY, "reason": "No budget", "amount": ""},
    )
    assert closed.status_code == 303 and closed.headers["Location"].endswith("?outcome=recorded#outcome")
    shown = rep.get(f"/deals/{deal_id}?outcome=recorded").get_data(as_text=True)
    assert "Outcome recorded." in shown and f"<strong>Closed lost</strong> on {YESTERDAY}: No budget." in shown
    # A closed deal is an outcome: its page weighs nothing and asks the customer for nothing more.
    for open_only in ("Weighted by the evidence", "Next: what the customer must do", "stages ahead of the evidence"):
        assert open_only in page and open_only not in shown, open_only
    assert "never checked</span>" in shown  # closed before any check: no verified stage of a latest check
    # Its outcome is the ground truth: no form to record a check or to ask the buyer, until it is reopened.
    assert 'class="check-form"' not in shown and 'class="check-form"' in page
    assert 'name="buyer_email"' not in shown
    assert 'Reopen it in <a href="#outcome">its Outcome section</a> to record a new check.' in shown
    assert "Northwind" not in rep.get("/deals").get_data(as_text=True)
    closed_list = rep.get("/deals?closed=1").get_data(as_text=True)
    assert "Northwind" in closed_list and f"lost on {YESTERDAY}" in closed_list and "Contoso" not in closed_list
    # The API's word for it gives the same page, but for the form's CSRF token, signed with the second it is made.
    assert _without_token(rep.get("/deals?closed=true").get_data(as_text=True)) == _without_token(closed_list)
    assert "Northwind" not in rep.get("/deals?closed=0").get_data(as_text=True)
    other = signed_in("bo@example.com")
    empty = other.get("/deals?closed=1").get_data(as_text=True)
    assert "No closed deals yet. A deal is closed won or lost from the <strong>Outcome</strong> section" in empty
    assert "Add one" not in empty
    refused = rep.get("/deals?closed=yes-please")
    assert refused.status_code == 400
    assert "closed: &#39;yes-please&#39; is neither 1 nor 0; write closed=1 for the closed deals." in refused.get_data(
        as_text=True
    )
    assert "Weighted (CRM)" not in closed_list and "Stages ahead" not in closed_list
    assert (
        other.post(
            f"/deals/{deal_id}/outcome", data={"csrf_token": page_token(other, "/deals"), "outcome": "open"}
        ).status_code
        == 404
    )
    manager = signed_in("manager@example.com")
    reopened = manager.post(
        f"/deals/{deal_id}/outcome", data={"csrf_token": page_token(manager, f"/deals/{deal_id}"), "outcome": "open"}
    )
    assert reopened.status_code == 303
    history = rep.get(f"/deals/{deal_id}").get_data(as_text=True)
    assert "The deal is open." in history and "reopened" in history and f"closed lost on {YESTERDAY}" in history
    said = rep.get(f"/deals/{deal_id}?outcome=recorded").get_data(as_text=True)
    assert "The deal was reopened." in said and "Outcome recorded." not in said
    assert "Weighted by the evidence" in history and "verified stage today" in history
    assert "Northwind" in rep.get("/deals").get_data(as_text=True)


def test_a_closed_deal_leaves_the_open_pipeline(signed_in: Callable[[str], FlaskClient]) -> None:
    rep = signed_in("ana@example.com")
    first, second = new_deal(rep), new_deal(rep, "Contoso")
    manager = signed_in("manager@example.com")
    assert 'data-total="assessed">2<' in manager.get("/pipeline").get_data(as_text=True)
    token = page_token(rep, f"/deals/{first}")
    won = rep.post(f"/deals/{first}/outcome", data={"csrf_token": token, "outcome": "won", "date": YESTERDAY})
    assert won.status_code == 303
    assert 'data-total="assessed">1<' in manager.get("/pipeline").get_data(as_text=True)
    assert second


def test_blank_fields_an_outcome_does_not_use_are_left_out_and_repeated_filters_refused(
    records_app: Flask, tokens: dict[str, dict[str, str]]
) -> None:
    client = records_app.test_client()
    deal_id = _deal(client, tokens["ana"])
    body = {"outcome": "lost", "date": YESTERDAY, "reason": "No budget", "amount": "", "currency": " \u2006"}
    assert client.post(f"/api/deals/{deal_id}/outcome", headers=tokens["ana"], json=body).status_code == 201
    refused = client.get("/api/deals?stage=&stage=proposing", headers=tokens["ana"])
    assert refused.status_code == 400 and refused.get_json()["errors"] == [
        {"loc": "stage", "message": "stage is given 2 times; give stage once"}
    ]


def test_the_export_writes_a_won_deal_at_the_amount_it_was_won_for_and_the_audit_counts_it(
    records_app: Flask,
    tokens: dict[str, dict[str, str]],
    run: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    client = records_app.test_client()
    won, lost = _deal(client, tokens["ana"], "Adatum", 200_000), _deal(client, tokens["ana"], "Tailspin", 50_000)
    for deal_id, body in (
        (won, {"outcome": "won", "date": YESTERDAY, "amount": 195_000}),
        (lost, {"outcome": "lost", "date": YESTERDAY, "reason": "No budget"}),
    ):
        assert client.post(f"/api/deals/{deal_id}/outcome", headers=tokens["ana"], json=body).status_code == 201
    exported = tmp_path / "deals.csv"
    assert run("deals", "export", "--process", str(DEFAULT_PROCESS), "--output", str(exported))[0] == 0
    with exported.open(encoding="utf-8-sig") as lines:
        rows = {row["deal"]: row for row in csv.DictReader(lines)}
    assert (rows["Adatum"]["amount"], rows["Adatum"]["status"]) == ("195000.00", "won")
    assert (rows["Tailspin"]["amount"], rows["Tailspin"]["status"]) == ("50000.00", "lost")
    capsys.readouterr()
    assert main(["audit", str(exported), "--process", str(DEFAULT_PROCESS), "--out", str(tmp_path / "audit")]) == 0
    summary = " ".join(capsys.readouterr().out.split())
    assert "won: 1 deal, 195,000.00 lost: 1 deal, 50,000.00" in summary


@pytest.mark.parametrize(
    ("deal_amount", "body", "status", "saved"),
    [
        ("USD 45,000", {"currency": "EUR"}, 409, None),
        ("USD 45,000", {"currency": "usd"}, 201, (45000.0, "USD")),
        ("USD 45,000", {"amount": "EUR 41,000"}, 201, (41000.0, "EUR")),
        ("USD 45,000", {"amount": 41000, "currency": "EUR"}, 201, (41000.0, "EUR")),
        ("USD 45,000", {}, 201, (45000.0, "USD")),
    ],
)
def test_a_win_in_another_currency_than_the_deals_needs_its_amount(
    records_app: Flask,
    tokens: dict[str, dict[str, str]],
    deal_amount: str,
    body: dict[str, Any],
    status: int,
    saved: tuple[float, str] | None,
) -> None:
    """Nothing converts 45,000 USD into euros: a currency alone would relabel the deal's amount."""
    client = records_app.test_client()
    deal_id = client.post("/api/deals", headers=tokens["ana"], json={"name": "Fabrikam", "amount": deal_amount})
    answer = client.post(
        f"/api/deals/{deal_id.get_json()['id']}/outcome",
        headers=tokens["ana"],
        json={"outcome": "won", "date": YESTERDAY, **body},
    )
    assert answer.status_code == status
    if saved is None:
        assert answer.get_json()["errors"] == [
            {
                "loc": "currency",
                "message": "'currency' is EUR but no 'amount' is given, and the deal's amount is in USD; "
                "send the final amount too (for example 'amount': 'EUR 45,000'), or leave 'currency' out",
            }
        ]
    else:
        assert (answer.get_json()["amount"], answer.get_json()["currency"]) == saved


@pytest.mark.parametrize(
    ("body", "outcome"),
    [
        ({"outcome": "won", "date": YESTERDAY, "amount": "EUR 99,000"}, "won"),
        ({"outcome": "lost", "date": YESTERDAY, "reason": "No budget"}, "lost"),
    ],
)
def test_the_list_shows_each_closed_deals_outcome_as_the_deal_does(
    records_app: Flask, tokens: dict[str, dict[str, str]], body: dict[str, Any], outcome: str
) -> None:
    """Telling won from lost took one GET per deal."""
    client = records_app.test_client()
    closed_id, open_id = _deal(client, tokens["ana"]), _deal(client, tokens["ana"], "Contoso")
    assert client.post(f"/api/deals/{closed_id}/outcome", headers=tokens["ana"], json=body).status_code == 201
    [closed] = client.get("/api/deals?closed=true", headers=tokens["ana"]).get_json()["deals"]
    shown = client.get(f"/api/deals/{closed_id}", headers=tokens["ana"]).get_json()
    assert (closed["outcome"], closed["closing"]) == (outcome, shown["outcome_events"][-1])
    assert shown["closing"] == closed["closing"]  # the deal says it as its list item does
    assert (closed["closing"]["date"], closed["closing"]["outcome"]) == (YESTERDAY, outcome)
    [still_open] = client.get("/api/deals", headers=tokens["ana"]).get_json()["deals"]
    assert (still_open["id"], still_open["outcome"], still_open["closing"]) == (open_id, "open", None)
    assert client.get(f"/api/deals/{open_id}", headers=tokens["ana"]).get_json()["closing"] is None


@pytest.mark.parametrize(
    ("body", "outcome"),
    [
        ({"outcome": "Won", "date": YESTERDAY}, "won"),
        ({"outcome": "LOST", "date": YESTERDAY, "reason": "No budget"}, "lost"),
    ],
)
def test_an_outcome_is_read_ignoring_case_as_a_stage_is(
    records_app: Flask, tokens: dict[str, dict[str, str]], body: dict[str, Any], outcome: str
) -> None:
    client = records_app.test_client()
    deal_id = _deal(client, tokens["ana"])
    recorded = client.post(f"/api/deals/{deal_id}/outcome", headers=tokens["ana"], json=body)
    assert recorded.status_code == 201 and recorded.get_json()["outcome"] == outcome


@pytest.mark.parametrize(
    ("claimed_stage", "heading", "said"),
    [
        (None, "never checked</span>", "No check was recorded before the deal closed"),
        ("proposing", "verified stage of its latest check</span>", "Links sent to the buyer"),
    ],
)
def test_a_closed_deals_page_names_a_verified_stage_only_from_a_check_and_offers_no_confirmation(
    records_app: Flask, tokens: dict[str, dict[str, str]], claimed_stage: str | None, heading: str, said: str
) -> None:
    """A deal closed with no check (as an import saves a closed row) has no verified stage of a latest check, and
    a closed deal's buyer is asked nothing (the app refuses it): links sent before it closed are still listed."""
    api = records_app.test_client()
    deal_id = api.post("/api/deals", headers=tokens["ana"], json={"name": "Northwind", "amount": 120000}).get_json()[
        "id"
    ]
    if claimed_stage:
        check = {"claimed_stage": claimed_stage, "milestones": {}}
        assert api.post(f"/api/deals/{deal_id}/checks", headers=tokens["ana"], json=check).status_code == 201
        asked = {"buyer_name": "Pat Buyer", "buyer_email": "pat@buyer.example", "milestones": ["pain-confirmed"]}
        sent = api.post(f"/api/deals/{deal_id}/confirmations", headers=tokens["ana"], json=asked)
        assert sent.status_code == 201, sent.get_json()
    won = {"outcome": "won", "date": YESTERDAY}
    assert api.post(f"/api/deals/{deal_id}/outcome", headers=tokens["ana"], json=won).status_code == 201
    browser = records_app.test_client()
    sign_in(browser, "ana@example.com")
    page = browser.get(f"/deals/{deal_id}").get_data(as_text=True)
    assert heading in page and said in page
    assert "Ask the buyer to confirm" not in page and 'name="buyer_email"' not in page
    assert "Not checked yet" not in page
    assert ("<title>Northwind: closed won" in page) is (claimed_stage is None)
    # The closed list says it as the page does: a deal closed before any check has no verified stage there either.
    [row] = [
        row
        for row in re.findall(r"<tr>(.*?)</tr>", browser.get("/deals?closed=1").get_data(as_text=True), re.S)
        if "Northwind" in row
    ]
    verified = re.search(r'<td data-label="Verified stage"[^>]*>(.*?)</td>', row, re.S)
    assert verified
    if claimed_stage is None:
        assert verified.group(1) == "None: closed won before any check" and "Discovery" not in row
    else:
        assert verified.group(1) == "Discovery"
