"""The buyer confirmation API on SQLite and PostgreSQL: ask, list, withdraw, the buyer's reply in the verdict, the email."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from assess_app.mail import mailto_link
from deal_records.database import writing
from deal_records.mail import MailText
from deal_records.models import ConfirmationRequest as RequestRow
from tests.conftest import DEFAULT_PROCESS
from tests.mail_server import MailServer

DAY = (dt.date.today() - dt.timedelta(days=3)).isoformat()
REP_ANSWERS = {
    "pain-confirmed": {"met": True, "evidence": "Reply to the recap email", "date": DAY},
    "next-meeting-accepted": {"met": True, "evidence": "Invitation accepted", "date": DAY},
}
PAIN = "The problem we want to solve is the one described in your recap."
TIMELINE = "We are working towards the agreed date because of the business event behind it."
ASK = {
    "milestones": ["timeline-agreed", "pain-confirmed"],
    "buyer_name": "Dana Buyer",
    "buyer_email": "dana@fabrikam.example",
}
_TOKEN_URL = re.compile(r"^http://localhost/confirm/([A-Za-z0-9_-]{43})$")
_FORM_KEY = re.compile(r'name="form_key" value="([^"]+)"')


def _deal(client: FlaskClient, headers: dict[str, str], answers: dict[str, Any] | None = REP_ANSWERS) -> int:
    created = client.post(
        "/api/deals", headers=headers, json={"name": "Fabrikam rollout", "amount": 120000, "claimed_stage": "proposing"}
    )
    assert created.status_code == 201
    deal_id: int = created.get_json()["id"]
    if answers:
        assert (
            client.post(f"/api/deals/{deal_id}/checks", headers=headers, json={"milestones": answers}).status_code
            == 201
        )
    return deal_id


def _ask(client: FlaskClient, headers: dict[str, str], deal_id: int, body: dict[str, Any] = ASK) -> dict[str, Any]:
    response = client.post(f"/api/deals/{deal_id}/confirmations", headers=headers, json=body)
    assert response.status_code == 201, response.get_data(as_text=True)
    answer: dict[str, Any] = response.get_json()
    return answer


def _expected_mail(link: str, expires_at: dt.datetime) -> MailText:
    expires = expires_at.strftime("%d %B %Y, %H:%M UTC").lstrip("0")
    body = (
        "Hello Dana Buyer,\n\n"
        "To make sure we at Contoso understand where Fabrikam rollout stands, could you tell us whether these points are right?\n\n"
        f"  - {PAIN}\n  - {TIMELINE}\n\n"
        "Please open this link and answer each point with “Yes, this is right” or “Not quite” (a comment is welcome):\n"
        f"{link}\n\n"
        f"You need no account. The link works once and expires on {expires}. It is meant for you alone, so please do not forward it.\n\n"
        "Thank you,\nAna Lopez\n"
    )
    return MailText("Please confirm where we stand: Fabrikam rollout", body)


def _time(text: str) -> dt.datetime:
    assert text.endswith("Z"), text
    return dt.datetime.fromisoformat(text)


def test_asking_answers_201_with_the_link_the_email_and_the_request(
    records_app: Flask, tokens: dict[str, dict[str, str]]
) -> None:
    client = records_app.test_client()
    deal_id = _deal(client, tokens["ana"])
    before = dt.datetime.now(dt.UTC)
    response = client.post(f"/api/deals/{deal_id}/confirmations", headers=tokens["ana"], json=ASK)
    after = dt.datetime.now(dt.UTC)
    assert response.status_code == 201
    body = response.get_json()
    request_id = body["id"]
    assert response.headers["Location"] == f"/api/deals/{deal_id}/confirmations/{request_id}"
    created_at, expires_at = _time(body["created_at"]), _time(body["expires_at"])
    assert before - dt.timedelta(seconds=1) <= created_at <= after and expires_at == created_at + dt.timedelta(days=14)
    assert _TOKEN_URL.match(body["url"])
    mail = _expected_mail(body["url"], expires_at)
    assert body == {
        "id": request_id,
        "state": "pending",
        "buyer_name": "Dana Buyer",
        "buyer_email": "dana@fabrikam.example",
        "created_at": body["created_at"],
        "expires_at": body["expires_at"],
        "revoked_at": None,
        "answered_at": None,
        "answered_by": None,
        "statements": [  # in the order of the process, whatever the order asked
            {"milestone_id": "pain-confirmed", "text": PAIN, "answer": None, "comment": None},
            {"milestone_id": "timeline-agreed", "text": TIMELINE, "answer": None, "comment": None},
        ],
        "pending": True,
        "url": body["url"],
        "email": {
            "to": "dana@fabrikam.example",
            "subject": mail.subject,
            "body": mail.body,
            "mailto": mailto_link("dana@fabrikam.example", mail),
            "sent": False,
            "not_sent_because": "the app sends no mail (PLAYBOOK_SMTP_URL is not set): send this email from your own mail program, or open `mailto`",
        },
    }
    shown = client.get(response.headers["Location"], headers=tokens["ana"]).get_json()
    assert shown == {key: value for key, value in body.items() if key not in ("url", "email")}  # the link is shown once
    assert body["url"] not in client.get(f"/api/deals/{deal_id}", headers=tokens["ana"]).get_data(as_text=True)


def test_expiry_in_days_and_a_single_milestone_as_text(records_app: Flask, tokens: dict[str, dict[str, str]]) -> None:
    client = records_app.test_client()
    deal_id = _deal(client, tokens["ana"])
    for given, days in ((3, 3), (7.0, 7), (" 30 ", 30), ("", 14), (None, 14)):
        body = _ask(client, tokens["ana"], deal_id, {**ASK, "milestones": "pain-confirmed", "expires_in_days": given})
        assert _time(body["expires_at"]) - _time(body["created_at"]) == dt.timedelta(days=days), given
        assert [s["milestone_id"] for s in body["statements"]] == ["pain-confirmed"]


def _post(client: FlaskClient, path: str, headers: dict[str, str], body: object) -> Any:
    if isinstance(body, str):
        return client.post(
            path,
            headers=headers,
            data=body,
            content_type="application/json" if body.startswith("{") else "application/x-www-form-urlencoded",
        )
    return client.post(path, headers=headers, json=body)


@pytest.mark.parametrize(
    ("who", "deal", "body", "status", "loc", "message"),
    [
        ("bo", "ana's", ASK, 404, "", "no deal with this id that you may see"),
        ("ana", "unknown", ASK, 404, "", "no deal with this id that you may see"),
        ("ana", "9223372036854775808", ASK, 404, "", "no deal with this id that you may see"),
        ("ana", "0", ASK, 404, "", "no deal with this id that you may see"),
        ("lee", "ana's", ASK, 403, "deal", "only the deal's owner asks its buyer to confirm outcomes"),
        ("lee", "ana's", {}, 403, "deal", "only the deal's owner asks"),  # who may ask is said before what is wrong
        ("ana", "ana's", "milestones=pain-confirmed", 415, "", "send JSON with Content-Type: application/json"),
        ("ana", "ana's", "{", 400, "", "malformed JSON at line 1, column 2"),
        ("ana", "ana's", [], 400, "", "a confirmation request must be an object"),
        ("ana", "ana's", {}, 400, "milestones", "'milestones' is required"),
        ("ana", "ana's", {}, 400, "buyer_name", "'buyer_name' is required"),
        ("ana", "ana's", {}, 400, "buyer_email", "'buyer_email' is required"),
        (
            "ana",
            "ana's",
            {**ASK, "milestones": ["pain-confirmd"]},
            400,
            "milestones.0",
            "'pain-confirmd' is not a milestone of the process",
        ),
        (
            "ana",
            "ana's",
            {**ASK, "milestones": ["next-meeting-accepted"]},
            400,
            "milestones.0",
            "has no buyer statement, so a buyer cannot confirm it",
        ),
        (
            "ana",
            "ana's",
            {**ASK, "milestones": ["pain-confirmed", "pain-confirmed"]},
            400,
            "milestones.1",
            "listed twice",
        ),
        ("ana", "ana's", {**ASK, "buyer_email": "dana"}, 400, "buyer_email", "'dana' is not an email address"),
        (
            "ana",
            "ana's",
            {**ASK, "buyer_email": "Dana <dana@fabrikam.example>"},
            400,
            "buyer_email",
            "is not one email address; type the address alone (no name, no brackets)",
        ),
        ("ana", "ana's", {**ASK, "buyer_name": "  "}, 400, "buyer_name", "'buyer_name' is required"),
        ("ana", "ana's", {**ASK, "expires_in_days": 0}, 400, "expires_in_days", "give 1 to 90 days (default 14)"),
        ("ana", "ana's", {**ASK, "expires_in_days": 91}, 400, "expires_in_days", "'expires_in_days' is 91"),
        (
            "ana",
            "ana's",
            {**ASK, "expires_in_days": 1.5},
            400,
            "expires_in_days",
            "'expires_in_days': 1.5 is not a whole number of days; write e.g. 14",
        ),
        ("ana", "ana's", {**ASK, "expires_in_days": "²"}, 400, "expires_in_days", "'²' is not a whole number of days"),
        (  # past Python's 4,300 digits: int() answered with sys.set_int_max_str_digits()
            "ana",
            "ana's",
            {**ASK, "expires_in_days": "9" * 5000},
            400,
            "expires_in_days",
            "'expires_in_days' is '9999",
        ),
        (
            "ana",
            "ana's",
            {**ASK, "expires_in_days": True},
            400,
            "expires_in_days",
            "true is not a whole number of days",
        ),
        ("ana", "ana's", {**ASK, "cc": "boss@fabrikam.example"}, 400, "cc", "unknown key 'cc'"),
    ],
)
def test_a_request_that_must_be_refused(
    records_app: Flask,
    tokens: dict[str, dict[str, str]],
    who: str,
    deal: str,
    body: object,
    status: int,
    loc: str,
    message: str,
) -> None:
    client = records_app.test_client()
    deal_id = _deal(client, tokens["ana"], answers=None)
    target = {"ana's": str(deal_id), "unknown": str(deal_id + 1000)}.get(deal, deal)
    response = _post(client, f"/api/deals/{target}/confirmations", tokens[who], body)
    assert response.status_code == status
    errors = response.get_json()["errors"]
    assert any(error["loc"] == loc and message in error["message"] for error in errors), errors
    assert client.get(f"/api/deals/{deal_id}/confirmations", headers=tokens["ana"]).get_json() == {"confirmations": []}


def test_every_problem_of_a_request_is_listed_at_once(records_app: Flask, tokens: dict[str, dict[str, str]]) -> None:
    client = records_app.test_client()
    deal_id = _deal(client, tokens["ana"], answers=None)
    response = client.post(
        f"/api/deals/{deal_id}/confirmations",
        headers=tokens["ana"],
        json={"milestones": ["demo-attended"], "buyer_name": 5, "buyer_email": "dana@", "expires_in_days": -1},
    )
    assert response.status_code == 400
    assert [error["loc"] for error in response.get_json()["errors"]] == [
        "milestones.0",
        "buyer_name",
        "buyer_email",
        "expires_in_days",
    ]


def test_no_token_is_401(records_app: Flask) -> None:
    client = records_app.test_client()
    assert client.post("/api/deals/1/confirmations", json=ASK).status_code == 401
    assert client.get("/api/deals/1/confirmations").status_code == 401
    assert client.post("/api/deals/1/confirmations/1/revoke").status_code == 401


def test_a_process_without_a_company_cannot_ask_a_buyer(
    make_app: Callable[..., Flask], tokens: dict[str, dict[str, str]], tmp_path: Path
) -> None:
    text = DEFAULT_PROCESS.read_text(encoding="utf-8")
    assert "\ncompany: Contoso\n" in text
    process = tmp_path / "process.yaml"
    process.write_text(text.replace("\ncompany: Contoso\n", "\n"), encoding="utf-8")
    client = make_app(PROCESS_PATH=str(process)).test_client()
    deal_id = _deal(client, tokens["ana"], answers=None)
    response = client.post(f"/api/deals/{deal_id}/confirmations", headers=tokens["ana"], json=ASK)
    assert response.status_code == 409
    assert response.get_json()["errors"] == [
        {
            "loc": "company",
            "message": "the process names no company, and a buyer is only asked by a company they know; "
            "ask whoever edits process.yaml to add 'company: Your Company' at its top",
        }
    ]


def test_withdrawing_a_link(records_app: Flask, tokens: dict[str, dict[str, str]]) -> None:
    client = records_app.test_client()
    deal_id = _deal(client, tokens["ana"])
    other_deal = _deal(client, tokens["ana"], answers=None)
    request_id = _ask(client, tokens["ana"], deal_id)["id"]
    path = f"/api/deals/{deal_id}/confirmations/{request_id}/revoke"
    refused = [
        (client.post(path, headers=tokens["bo"]), 404),
        (client.post(path, headers=tokens["lee"]), 403),
        (client.post(f"/api/deals/{other_deal}/confirmations/{request_id}/revoke", headers=tokens["ana"]), 404),
        (client.post(f"/api/deals/{deal_id}/confirmations/9223372036854775808/revoke", headers=tokens["ana"]), 404),
        (client.post(f"/api/deals/{deal_id}/confirmations/{request_id + 1}/revoke", headers=tokens["ana"]), 404),
    ]
    assert [response.status_code for response, _ in refused] == [status for _, status in refused]
    assert (
        client.get(f"/api/deals/{deal_id}/confirmations/{request_id}", headers=tokens["ana"]).get_json()["state"]
        == "pending"
    )
    revoked = client.post(path, headers=tokens["ana"])
    assert revoked.status_code == 200
    body = revoked.get_json()
    assert (body["state"], body["pending"], body["id"]) == ("revoked", False, request_id) and body[
        "revoked_at"
    ].endswith("Z")
    again = client.post(path, headers=tokens["ana"])
    assert again.status_code == 409
    assert again.get_json()["errors"] == [
        {"loc": "state", "message": "this link is revoked already; only a pending link can be withdrawn"}
    ]


def _reply(client: FlaskClient, url: str, answers: dict[str, str]) -> str:
    path = urlsplit(url).path
    page = client.get(path)
    assert page.status_code == 200
    key = _FORM_KEY.search(page.get_data(as_text=True))
    assert key, "the confirmation form has no form_key"
    response = client.post(path, data={"form_key": key.group(1), **answers})
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def test_the_buyers_reply_shows_in_the_deal_its_verdict_and_its_history(
    records_app: Flask, tokens: dict[str, dict[str, str]], sessions: sessionmaker[Session]
) -> None:
    api = records_app.test_client()
    deal_id = _deal(api, tokens["ana"])
    before = api.get(f"/api/deals/{deal_id}", headers=tokens["ana"]).get_json()
    assert (before["buyer_confirmed"], before["buyer_confirmed_milestones"], before["confirmations"]) == (False, [], [])
    assert before["verdict"]["verified_stage"]["id"] == "qualifying"
    answered = _ask(api, tokens["ana"], deal_id)
    expired = _ask(api, tokens["ana"], deal_id, {**ASK, "milestones": ["pain-confirmed"], "expires_in_days": 1})
    revoked = _ask(api, tokens["ana"], deal_id, {**ASK, "milestones": ["pain-confirmed"]})
    pending = _ask(api, tokens["ana"], deal_id, {**ASK, "milestones": ["pricing-agreeable"]})
    assert (
        api.post(f"/api/deals/{deal_id}/confirmations/{revoked['id']}/revoke", headers=tokens["ana"]).status_code == 200
    )
    with writing(sessions) as db:  # a day has passed for that link
        db.execute(
            update(RequestRow)
            .where(RequestRow.id == expired["id"])
            .values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
        )

    buyer = records_app.test_client()  # the buyer has no session and no token
    thanks = _reply(
        buyer,
        answered["url"],
        {
            "answer-pain-confirmed": "yes",
            "answer-timeline-agreed": "no",
            "comment-timeline-agreed": "The date moved to Q3.",
            "buyer_name": "Dana B. Buyer",
        },
    )
    assert "Thank you, <bdi>Dana B. Buyer</bdi>" in thanks
    assert buyer.get(urlsplit(answered["url"]).path).status_code == 410  # once only
    today = dt.datetime.now(dt.UTC).date().isoformat()

    shown = api.get(f"/api/deals/{deal_id}", headers=tokens["ana"]).get_json()
    assert [(c["id"], c["state"]) for c in shown["confirmations"]] == [
        (pending["id"], "pending"),
        (revoked["id"], "revoked"),
        (expired["id"], "expired"),
        (answered["id"], "declined"),
    ]
    reply = shown["confirmations"][-1]
    assert (reply["answered_by"], reply["pending"]) == ("Dana B. Buyer", False) and reply["answered_at"].endswith("Z")
    assert reply["statements"] == [
        {"milestone_id": "pain-confirmed", "text": PAIN, "answer": "confirmed", "comment": None},
        {"milestone_id": "timeline-agreed", "text": TIMELINE, "answer": "declined", "comment": "The date moved to Q3."},
    ]
    milestones = {item["id"]: item for item in shown["verdict"]["milestones"]}
    assert milestones["pain-confirmed"]["status"] == "verified"
    assert milestones["pain-confirmed"]["buyer"] == {
        "answer": "confirmed",
        "name": "Dana B. Buyer",
        "email": "dana@fabrikam.example",
        "date": today,
        "comment": None,
    }
    assert milestones["timeline-agreed"]["status"] == "not_met"
    assert milestones["timeline-agreed"]["buyer"]["answer"] == "declined"
    assert "buyer" not in milestones["next-meeting-accepted"]
    assert (shown["buyer_confirmed"], shown["buyer_confirmed_milestones"]) == (True, ["pain-confirmed"])
    assert shown["verdict"]["verified_stage"]["id"] == "qualifying"
    last = shown["checks"][-1]
    assert (last["source"], last["checked_by"], last["buyer"]) == (
        "buyer",
        None,
        {"name": "Dana B. Buyer", "email": "dana@fabrikam.example"},
    )
    assert last["note"] == f"answered confirmation link #{answered['id']}: 1 of 2 confirmed"
    listed = api.get("/api/deals", headers=tokens["ana"]).get_json()["deals"]
    assert [(d["id"], d["buyer_confirmed"], d["buyer_confirmed_milestones"]) for d in listed if d["id"] == deal_id] == [
        (deal_id, True, ["pain-confirmed"])
    ]
    as_manager = api.get(f"/api/deals/{deal_id}/confirmations", headers=tokens["lee"])
    assert as_manager.status_code == 200 and as_manager.get_json()["confirmations"] == shown["confirmations"]
    assert api.get(f"/api/deals/{deal_id}/confirmations", headers=tokens["bo"]).status_code == 404


def test_a_check_may_not_answer_what_the_buyer_answered(records_app: Flask, tokens: dict[str, dict[str, str]]) -> None:
    api = records_app.test_client()
    deal_id = _deal(api, tokens["ana"])
    asked = _ask(api, tokens["ana"], deal_id)
    _reply(
        records_app.test_client(),
        asked["url"],
        {
            "answer-pain-confirmed": "yes",
            "answer-timeline-agreed": "no",
            "comment-timeline-agreed": "Not before Q3.",
            "buyer_name": "Dana Buyer",
        },
    )
    today = dt.datetime.now(dt.UTC).date().isoformat()
    checks = f"/api/deals/{deal_id}/checks"
    overriding = {**REP_ANSWERS, "timeline-agreed": {"met": True, "evidence": "Call with Dana", "date": DAY}}
    refused = api.post(checks, headers=tokens["ana"], json={"milestones": overriding})
    assert refused.status_code == 409
    fix = (
        f"through a confirmation link; only the buyer changes it, through a new link "
        f"(POST /api/deals/{deal_id}/confirmations): leave it out"
    )
    assert refused.get_json()["errors"] == [
        {
            "loc": "milestones.pain-confirmed",
            "message": f"'pain-confirmed' was answered by the buyer, Dana Buyer (dana@fabrikam.example), who confirmed it on {today} {fix}",
        },
        {
            "loc": "milestones.timeline-agreed",
            "message": f"'timeline-agreed' was answered by the buyer, Dana Buyer (dana@fabrikam.example), who answered \"Not quite\" (Not before Q3.) on {today} {fix}",
        },
    ]
    history = api.get(f"/api/deals/{deal_id}", headers=tokens["ana"]).get_json()["checks"]
    assert [check["source"] for check in history] == ["api", "buyer"]  # nothing saved
    assert (
        api.post(
            checks,
            headers=tokens["ana"],
            json={"milestones": {**overriding, "pain-confirmed": None, "timeline-agreed": None}},
        ).status_code
        == 201
    )
    kept = api.post(
        checks,
        headers=tokens["ana"],
        json={"milestones": {"next-meeting-accepted": REP_ANSWERS["next-meeting-accepted"]}},
    )
    assert kept.status_code == 201
    body = kept.get_json()
    assert (body["buyer_confirmed"], body["buyer_confirmed_milestones"]) == (True, ["pain-confirmed"])
    assert body["check"]["milestones"]["pain-confirmed"]["buyer"]["agreed"] is True  # the buyer's word stands


def test_the_email_goes_out_through_a_real_mail_server_and_its_link_works(
    make_app: Callable[..., Flask],
    tokens: dict[str, dict[str, str]],
    mail_server: MailServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    app = make_app(
        SMTP_URL=f"smtp://127.0.0.1:{mail_server.port}",
        MAIL_FROM="Contoso Sales <sales@contoso.example>",
        BASE_URL="http://localhost",
    )
    client = app.test_client()
    deal_id = _deal(client, tokens["ana"])
    body = _ask(client, tokens["ana"], deal_id)
    assert (body["email"]["sent"], body["email"]["not_sent_because"]) == (True, None)
    [received] = mail_server.received
    message = received.message
    assert (received.sender, received.recipients) == ("sales@contoso.example", ["dana@fabrikam.example"])
    assert (message["Subject"], message["To"], message["Reply-To"]) == (
        "Please confirm where we stand: Fabrikam rollout",
        "Dana Buyer <dana@fabrikam.example>",
        "ana@example.com",
    )
    text = message.get_content().replace("\r\n", "\n")
    assert text == body["email"]["body"]
    [link] = [line for line in text.splitlines() if line.startswith("http")]
    token = _TOKEN_URL.match(link)
    assert token and link == body["url"]
    page = client.get(urlsplit(link).path)
    assert page.status_code == 200 and PAIN in page.get_data(as_text=True)
    app_lines = [
        record.getMessage() for record in caplog.records if record.name != "mail.log"
    ]  # mail.log: the test's SMTP server
    assert any("sent 'Please confirm where we stand: Fabrikam rollout'" in line for line in app_lines)
    assert not [line for line in app_lines if token.group(1) in line]
    assert any(f"confirmation request {body['id']} of deal {deal_id} created by user" in line for line in app_lines)


@pytest.mark.parametrize(
    ("email", "said"),
    [
        (
            "d@exämple.com",
            "write the domain in its ASCII form (IDNA, xn--...), as DNS and mail servers know it: d@xn--exmple-cua.com",
        ),
        ("a@b.example\u200b", "zero-width space (U+200B) at character 12"),
        ("josé@fabrikam.example", "this server mails only addresses whose part before the @ is plain ASCII"),
    ],
)
def test_an_address_the_mail_cannot_carry_is_a_400_with_mail_set_up(
    make_app: Callable[..., Flask], tokens: dict[str, dict[str, str]], mail_server: MailServer, email: str, said: str
) -> None:
    """Each was a 500 (formataddr's UnicodeEncodeError) with mail set up, and saved (201) without."""
    client = make_app(
        SMTP_URL=f"smtp://127.0.0.1:{mail_server.port}", MAIL_FROM="sales@contoso.example", BASE_URL="http://localhost"
    ).test_client()
    deal_id = _deal(client, tokens["ana"])
    response = client.post(
        f"/api/deals/{deal_id}/confirmations", headers=tokens["ana"], json={**ASK, "buyer_email": email}
    )
    assert response.status_code == 400
    [error] = response.get_json()["errors"]
    assert error["loc"] == "buyer_email" and said in error["message"], error
    assert mail_server.received == []
    assert client.get(f"/api/deals/{deal_id}/confirmations", headers=tokens["ana"]).get_json() == {"confirmations": []}


def test_a_buyer_name_holding_an_address_stays_the_name_of_the_one_recipient(
    make_app: Callable[..., Flask], tokens: dict[str, dict[str, str]], mail_server: MailServer
) -> None:
    """'Dana <ceo@evil.example> é' was sent as To: Dana <ceo@evil.example> =?utf-8?q?=C3=A9?= <buyer5@example.com>:
    mail programs read ceo@evil.example as the recipient, and reply-all went there."""
    client = make_app(
        SMTP_URL=f"smtp://127.0.0.1:{mail_server.port}", MAIL_FROM="sales@contoso.example", BASE_URL="http://localhost"
    ).test_client()
    deal_id = _deal(client, tokens["ana"])
    body = _ask(client, tokens["ana"], deal_id, {**ASK, "buyer_name": "Dana <ceo@evil.example> é"})
    assert body["email"]["sent"] is True
    [received] = mail_server.received
    [to] = received.message["To"].addresses
    assert (received.recipients, to.addr_spec, to.display_name) == (
        ["dana@fabrikam.example"],
        "dana@fabrikam.example",
        "Dana <ceo@evil.example> é",
    )


def test_a_mail_server_that_is_down_leaves_the_link_and_says_why(
    make_app: Callable[..., Flask], tokens: dict[str, dict[str, str]]
) -> None:
    server = MailServer().start()
    port = server.port
    server.stop()  # nothing listens there now
    client = make_app(
        SMTP_URL=f"smtp://127.0.0.1:{port}", MAIL_FROM="sales@contoso.example", BASE_URL="http://localhost"
    ).test_client()
    deal_id = _deal(client, tokens["ana"])
    body = _ask(client, tokens["ana"], deal_id)
    assert body["email"]["sent"] is False
    assert body["email"]["not_sent_because"].startswith(
        f"the mail server did not take it (could not send the email through smtp://127.0.0.1:{port}: "
    )
    assert body["state"] == "pending" and _TOKEN_URL.match(body["url"])


def test_the_openapi_document_describes_the_confirmation_endpoints(records_app: Flask) -> None:
    document = records_app.test_client().get("/api/openapi.json").get_json()
    paths = document["paths"]
    assert set(paths["/api/deals/{deal_id}/confirmations"]["post"]["responses"]) == {
        "201",
        "400",
        "401",
        "403",
        "404",
        "409",
        "413",
        "415",
        "422",  # the Idempotency-Key was used for another request
        "429",  # too many tokens that open nothing from this address
        "503",
    }
    # 400: a query parameter the address does not take
    assert set(paths["/api/deals/{deal_id}/confirmations"]["get"]["responses"]) == {
        "200",
        "400",
        "401",
        "404",
        "429",
        "503",
    }
    assert set(paths["/api/deals/{deal_id}/confirmations/{request_id}/revoke"]["post"]["responses"]) == {
        "200",
        "400",
        "401",
        "403",
        "404",
        "409",
        "429",
        "503",
    }
    assert "409" in paths["/api/deals/{deal_id}/checks"]["post"]["responses"]
    schemas = document["components"]["schemas"]
    assert schemas["NewConfirmation"]["properties"]["milestones"]["anyOf"][1] == {
        "enum": [
            "pain-confirmed",
            "timeline-agreed",
            "success-criteria-agreed",
            "pricing-agreeable",
            "proposal-agreed-next-step",
            "vendor-of-choice",
            "terms-agreed",
        ],
    }
    assert schemas["ConfirmationRequest"]["properties"]["state"]["enum"] == [
        "pending",
        "confirmed",
        "declined",
        "expired",
        "revoked",
    ]


def _manual_curls() -> list[tuple[str, str, object]]:
    """The curl commands of the manual's deals API section, in order: (method, path, JSON body or None)."""
    guide = (Path(__file__).parents[2] / "docs" / "reference" / "api-guide.md").read_text(encoding="utf-8")
    section = guide.split("## The deals API", 1)[1].split("\n## Currencies", 1)[0]
    commands = re.sub(r"\\\n\s*", " ", "\n".join(re.findall(r"```sh\n(.*?)```", section, re.S)))
    found: list[tuple[str, str, object]] = []
    for line in commands.splitlines():
        if not line.startswith("curl "):
            continue
        words = shlex.split(line)
        url = next(word for word in words if word.startswith("http://"))
        data = words[words.index("-d") + 1] if "-d" in words else None
        found.append(("POST" if "POST" in words else "GET", urlsplit(url).path, json.loads(data) if data else None))
    return found


def test_the_manuals_curl_examples_work_as_shown(records_app: Flask, tokens: dict[str, dict[str, str]]) -> None:
    client = records_app.test_client()
    curls = _manual_curls()
    assert [path for _, path, _ in curls][-3:] == [
        "/api/deals/1/confirmations",
        "/api/deals/1/confirmations",
        "/api/deals/1/confirmations/1/revoke",
    ]
    statuses = []
    for method, path, body in curls:
        response = (
            client.open(path, method=method, headers=tokens["ana"], json=body)
            if body is not None
            else client.open(path, method=method, headers=tokens["ana"])
        )
        statuses.append(response.status_code)
    assert statuses == [201, 201, 200, 201, 200, 200]
    assert client.get("/api/deals/1/confirmations/1", headers=tokens["ana"]).get_json()["state"] == "revoked"


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        ('{"reason": "sent to wrong person", "notify": true}', "application/json", 400),
        ("{}", "application/json", 400),
        ("reason=wrong", "application/x-www-form-urlencoded", 400),
        ("", None, 200),
        ("  \n", "application/json", 200),
    ],
)
def test_withdrawing_a_link_takes_no_body_rather_than_dropping_one(
    records_app: Flask, tokens: dict[str, dict[str, str]], body: str, content_type: str | None, status: int
) -> None:
    client = records_app.test_client()
    deal_id = _deal(client, tokens["ana"])
    request_id = _ask(client, tokens["ana"], deal_id)["id"]
    headers = {**tokens["ana"], **({"Content-Type": content_type} if content_type else {})}
    answer = client.post(f"/api/deals/{deal_id}/confirmations/{request_id}/revoke", headers=headers, data=body)
    assert answer.status_code == status
    state = client.get(f"/api/deals/{deal_id}/confirmations/{request_id}", headers=tokens["ana"]).get_json()["state"]
    assert state == ("pending" if status == 400 else "revoked")
    if status == 400:
        assert answer.get_json()["errors"][0]["message"].startswith("withdrawing a link takes no body")
