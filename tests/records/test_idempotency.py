"""Idempotency keys on SQLite and PostgreSQL: a repeated write answers as the first and records nothing."""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from assess_app.errors import api_errors
from deal_records.database import writing
from deal_records.idempotency import KeyedRequest, keep_answer, seal, sealed_for, unseal, while_answering
from deal_records.models import Check, ConfirmationRequest, Deal, IdempotencyKey, OutcomeEvent, User
from tests.records.conftest import new_deal, page_token

DAY = (dt.date.today() - dt.timedelta(days=3)).isoformat()
PAIN = {"pain-confirmed": {"met": True, "evidence": "Reply from the CFO", "date": DAY}}
BOTH = {**PAIN, "next-meeting-accepted": {"met": True, "evidence": "Invite accepted", "date": DAY}}


def _count(
    sessions: sessionmaker[Session], table: type[Check] | type[Deal] | type[ConfirmationRequest] | type[OutcomeEvent]
) -> int:
    with sessions() as db:
        return db.scalar(select(func.count()).select_from(table)) or 0


def _deal(client: FlaskClient, headers: dict[str, str]) -> int:
    response = client.post("/api/deals", headers=headers, json={"name": "Northwind", "claimed_stage": "proposing"})
    assert response.status_code == 201
    deal_id: int = response.get_json()["id"]
    return deal_id


def test_a_repeated_check_answers_as_the_first_and_records_once(
    records_app: Flask, tokens: dict[str, dict[str, str]], sessions: sessionmaker[Session]
) -> None:
    client = records_app.test_client()
    deal_id = _deal(client, tokens["ana"])
    headers = {**tokens["ana"], "Idempotency-Key": "check-1"}
    first = client.post(f"/api/deals/{deal_id}/checks", headers=headers, json={"milestones": PAIN})
    again = client.post(f"/api/deals/{deal_id}/checks", headers=headers, json={"milestones": PAIN})
    assert first.status_code == again.status_code == 201
    assert again.get_data() == first.get_data()
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first.headers
    assert _count(sessions, Check) == 1


def test_the_same_key_with_another_body_is_422_and_records_nothing(
    records_app: Flask, tokens: dict[str, dict[str, str]], sessions: sessionmaker[Session]
) -> None:
    client = records_app.test_client()
    deal_id = _deal(client, tokens["ana"])
    headers = {**tokens["ana"], "Idempotency-Key": "check-1"}
    assert client.post(f"/api/deals/{deal_id}/checks", headers=headers, json={"milestones": PAIN}).status_code == 201
    other = client.post(f"/api/deals/{deal_id}/checks", headers=headers, json={"milestones": BOTH})
    assert other.status_code == 422
    assert other.get_json()["errors"][0]["loc"] == "Idempotency-Key"
    assert "use a new key" in other.get_json()["errors"][0]["message"]
    assert _count(sessions, Check) == 1


def test_keys_belong_to_their_user_and_last_24_hours(
    records_app: Flask, tokens: dict[str, dict[str, str]], sessions: sessionmaker[Session]
) -> None:
    client = records_app.test_client()
    for name in ("ana", "bo"):
        response = client.post("/api/deals", headers={**tokens[name], "Idempotency-Key": "k"}, json={"name": "Same"})
        assert response.status_code == 201
    assert _count(sessions, Deal) == 2
    with writing(sessions) as db:
        db.execute(update(IdempotencyKey).values(created_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=25)))
    later = client.post("/api/deals", headers={**tokens["ana"], "Idempotency-Key": "k"}, json={"name": "Same"})
    assert later.status_code == 201 and "Idempotent-Replayed" not in later.headers
    assert _count(sessions, Deal) == 3


@pytest.mark.parametrize(
    ("key", "why"), [("", "empty"), ("x" * 256, "too long"), ("two words", "a space"), ("clé", "not ASCII")]
)
def test_a_key_that_cannot_be_used_is_400(
    records_app: Flask, tokens: dict[str, dict[str, str]], sessions: sessionmaker[Session], key: str, why: str
) -> None:
    response = records_app.test_client().post(
        "/api/deals", headers={**tokens["ana"], "Idempotency-Key": key}, json={"name": "Northwind"}
    )
    assert response.status_code == 400, why
    assert response.get_json()["errors"][0]["loc"] == "Idempotency-Key"
    assert "UUID" in response.get_json()["errors"][0]["message"]
    assert _count(sessions, Deal) == 0


ASK = {"milestones": ["pain-confirmed"], "buyer_name": "Dana Buyer", "buyer_email": "dana@fabrikam.example"}


def test_a_repeated_confirmation_request_creates_one_answers_the_same_link_and_never_stores_it_in_clear(
    records_app: Flask, tokens: dict[str, dict[str, str]], sessions: sessionmaker[Session]
) -> None:
    """A client retrying after a timeout got url and email null: the link was lost, as its token is stored hashed."""
    client = records_app.test_client()
    deal_id = _deal(client, tokens["ana"])
    headers = {**tokens["ana"], "Idempotency-Key": "ask-1"}
    first = client.post(f"/api/deals/{deal_id}/confirmations", headers=headers, json=ASK)
    again = client.post(f"/api/deals/{deal_id}/confirmations", headers=headers, json=ASK)
    assert first.status_code == again.status_code == 201
    assert again.get_data() == first.get_data() and again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    url = first.get_json()["url"]
    assert url and first.get_json()["email"]["body"].count(url) == 1
    assert _count(sessions, ConfirmationRequest) == 1
    token = url.rsplit("/", 1)[-1]
    with sessions() as db:
        kept = "".join(db.scalars(select(IdempotencyKey.body)))
    assert token not in kept and "Dana Buyer" not in kept  # the whole answer is sealed, the link in it
    assert client.get(urlsplit(url).path).status_code == 200  # the buyer's link works


def test_a_confirmation_request_repeated_while_its_email_is_sent_is_told_to_retry_then_gets_the_link(
    records_app: Flask, tokens: dict[str, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    client = records_app.test_client()
    deal_id = _deal(client, tokens["ana"])
    headers = {**tokens["ana"], "Idempotency-Key": "ask-1"}
    meanwhile = []

    def slow_mail(*args: object) -> tuple[bool, str | None]:
        meanwhile.append(client.post(f"/api/deals/{deal_id}/confirmations", headers=headers, json=ASK))
        return False, None

    monkeypatch.setattr("assess_app.asking._send", slow_mail)
    first = client.post(f"/api/deals/{deal_id}/confirmations", headers=headers, json=ASK)
    [retried] = meanwhile
    assert retried.status_code == 409 and retried.headers["Location"] == first.headers["Location"]
    assert retried.get_json()["errors"][0]["message"].startswith(
        "the first request with this Idempotency-Key is still being answered (its link made, its email sent)"
    )
    # Not the first request's answer, so not a replay of it; written as every other error is.
    assert "Idempotent-Replayed" not in retried.headers
    with records_app.test_request_context():
        assert retried.get_data() == api_errors(409, retried.get_json()["errors"])[0].get_data()
    later = client.post(f"/api/deals/{deal_id}/confirmations", headers=headers, json=ASK)
    assert later.get_data() == first.get_data() and first.get_json()["url"]
    assert later.headers["Idempotent-Replayed"] == "true"


def test_a_repeated_confirmation_request_after_the_secret_key_changed_says_where_the_request_is(
    make_app: Callable[..., Flask], tokens: dict[str, dict[str, str]], sessions: sessionmaker[Session]
) -> None:
    before = make_app().test_client()
    deal_id = _deal(before, tokens["ana"])
    headers = {**tokens["ana"], "Idempotency-Key": "ask-1"}
    first = before.post(f"/api/deals/{deal_id}/confirmations", headers=headers, json=ASK)
    after = make_app(SECRET_KEY="another-secret-key").test_client()
    again = after.post(f"/api/deals/{deal_id}/confirmations", headers=headers, json=ASK)
    assert again.status_code == 409 and again.headers["Location"] == first.headers["Location"]
    assert again.get_json() == {
        "errors": [
            {
                "loc": "Idempotency-Key",
                "message": "this request was made (the confirmation request at Location), but its link cannot be given again: the app's secret key (PLAYBOOK_SECRET_KEY) changed since; "
                "withdraw that request (POST its address + /revoke) and ask again with a new Idempotency-Key",
            }
        ]
    }
    assert _count(sessions, ConfirmationRequest) == 1
    rotated = make_app(SECRET_KEY="another-secret-key", SECRET_KEY_FALLBACKS=["records-test"]).test_client()
    assert rotated.post(f"/api/deals/{deal_id}/confirmations", headers=headers, json=ASK).get_data() == first.get_data()


@pytest.mark.parametrize(
    ("path", "body"),
    [("confirmations", ASK), ("checks", {"milestones": PAIN})],
    ids=["buyers-link", "check"],
)
def test_a_repeat_after_the_deal_moved_to_another_rep_is_404_as_the_deal_is(
    records_app: Flask, tokens: dict[str, dict[str, str]], path: str, body: dict[str, object]
) -> None:
    """A retried buyer's request still gave its live link (and a check its data) once the deal was another rep's."""
    client = records_app.test_client()
    deal_id = _deal(client, tokens["ana"])
    headers = {**tokens["ana"], "Idempotency-Key": "made-1"}
    assert client.post(f"/api/deals/{deal_id}/{path}", headers=headers, json=body).status_code == 201
    moved = client.patch(f"/api/deals/{deal_id}", headers=tokens["lee"], json={"owner": "bo@example.com"})
    assert moved.status_code == 200
    again = client.post(f"/api/deals/{deal_id}/{path}", headers=headers, json=body)
    assert again.status_code == 404 and "Idempotent-Replayed" not in again.headers
    assert "url" not in again.get_data(as_text=True)
    assert again.get_json() == client.get(f"/api/deals/{deal_id}", headers=tokens["ana"]).get_json()


def test_a_repeated_buyers_request_withdrawn_since_is_409_without_its_link(
    records_app: Flask, tokens: dict[str, dict[str, str]]
) -> None:
    """The replay gave "pending" and the link of a request withdrawn since: the link no longer works."""
    client = records_app.test_client()
    deal_id = _deal(client, tokens["ana"])
    headers = {**tokens["ana"], "Idempotency-Key": "ask-1"}
    first = client.post(f"/api/deals/{deal_id}/confirmations", headers=headers, json=ASK)
    assert client.post(first.headers["Location"] + "/revoke", headers=tokens["ana"]).status_code == 200
    again = client.post(f"/api/deals/{deal_id}/confirmations", headers=headers, json=ASK)
    assert again.status_code == 409 and again.headers["Location"] == first.headers["Location"]
    [error] = again.get_json()["errors"]
    assert error["message"].startswith("the buyer's request this key made is revoked, so its link no longer works:")
    assert first.get_json()["url"] not in again.get_data(as_text=True)


def test_a_buyers_request_whose_first_answer_never_finished_is_told_so_not_to_retry_for_ever(
    records_app: Flask, tokens: dict[str, dict[str, str]], sessions: sessionmaker[Session]
) -> None:
    """A worker killed while mailing the link left "still being answered" for 24 hours."""
    client = records_app.test_client()
    deal_id = _deal(client, tokens["ana"])
    headers = {**tokens["ana"], "Idempotency-Key": "ask-1"}
    first = client.post(f"/api/deals/{deal_id}/confirmations", headers=headers, json=ASK)
    with writing(sessions) as db:  # as the answer was before the link was made and mailed
        waiting = while_answering('{"errors":[{"loc":"Idempotency-Key","message":"still being answered"}]}')
        db.execute(update(IdempotencyKey).values(status=409, body=waiting))
        db.execute(update(IdempotencyKey).values(created_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=6)))
    again = client.post(f"/api/deals/{deal_id}/confirmations", headers=headers, json=ASK)
    assert again.status_code == 409 and again.headers["Location"] == first.headers["Location"]
    assert again.get_json()["errors"][0]["message"].startswith(
        "the first request with this key did not finish answering (its link was never given): read it at Location"
    )


def test_no_kept_answer_outlives_its_24_hours_whoever_writes_next(
    records_app: Flask, tokens: dict[str, dict[str, str]], sessions: sessionmaker[Session]
) -> None:
    """Keys were deleted only when their own user used the same key again: a sealed link stayed in the database."""
    client = records_app.test_client()
    deal_id = _deal(client, tokens["ana"])
    ask = client.post(
        f"/api/deals/{deal_id}/confirmations", headers={**tokens["ana"], "Idempotency-Key": "a"}, json=ASK
    )
    assert ask.status_code == 201
    with writing(sessions) as db:
        db.execute(update(IdempotencyKey).values(created_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=25)))
    assert (
        client.post("/api/deals", headers={**tokens["bo"], "Idempotency-Key": "b"}, json={"name": "X"}).status_code
        == 201
    )
    with sessions() as db:
        assert list(db.scalars(select(IdempotencyKey.key))) == ["b"]


def test_a_sealed_answer_opens_only_where_it_was_kept() -> None:
    """The tag covered the body alone: copied to another user's row, or its status or Location changed, it opened."""
    ana = KeyedRequest(1, "k", "f" * 64)
    sealed = seal("secret", '{"url": "https://x/confirm/t"}', sealed_for(ana, 201, "/api/deals/1/confirmations/1"))
    assert (
        unseal(["secret"], sealed, sealed_for(ana, 201, "/api/deals/1/confirmations/1"))
        == '{"url": "https://x/confirm/t"}'
    )
    for other in (
        sealed_for(KeyedRequest(2, "k", "f" * 64), 201, "/api/deals/1/confirmations/1"),
        sealed_for(ana, 200, "/api/deals/1/confirmations/1"),
        sealed_for(ana, 201, "/api/deals/2/confirmations/1"),
        sealed_for(KeyedRequest(1, "k2", "f" * 64), 201, "/api/deals/1/confirmations/1"),
    ):
        assert unseal(["secret"], sealed, other) is None
    assert unseal(["another"], sealed, sealed_for(ana, 201, "/api/deals/1/confirmations/1")) is None


def test_a_repeated_outcome_closes_the_deal_once(
    records_app: Flask, tokens: dict[str, dict[str, str]], sessions: sessionmaker[Session]
) -> None:
    client = records_app.test_client()
    deal_id = _deal(client, tokens["ana"])
    headers = {**tokens["ana"], "Idempotency-Key": "won-1"}
    won = {"outcome": "won", "date": DAY, "amount": 120000}
    first = client.post(f"/api/deals/{deal_id}/outcome", headers=headers, json=won)
    again = client.post(f"/api/deals/{deal_id}/outcome", headers=headers, json=won)
    assert first.status_code == again.status_code == 201  # without the key, the repeat is 409: already won
    assert again.get_data() == first.get_data()
    assert _count(sessions, OutcomeEvent) == 1


def test_the_database_refuses_a_key_stored_twice(
    records_app: Flask, tokens: dict[str, dict[str, str]], sessions: sessionmaker[Session]
) -> None:
    """What stops two workers that got the same new key at once: the second transaction fails and rolls back."""
    with sessions() as db:
        user_id = db.scalars(select(User.id).where(User.email == "ana@example.com")).one()
    keyed = KeyedRequest(user_id, "same", "f" * 64)
    with writing(sessions) as db:
        keep_answer(db, keyed, 201, "{}", None)
    with pytest.raises(IntegrityError), writing(sessions) as db:
        keep_answer(db, keyed, 201, "{}", None)


def _sent_at_once(
    workers: list[Flask], path: str, headers: dict[str, str], body: dict[str, object]
) -> list[tuple[int, bytes]]:
    """POST the same request through each app (a worker) at the same moment, from threads; each answer's status and body."""
    start = threading.Barrier(len(workers))
    answers: list[tuple[int, bytes]] = []

    def send(app: Flask) -> None:
        client = app.test_client()
        start.wait()
        response = client.post(path, headers=headers, json=body)
        answers.append((response.status_code, response.get_data()))

    threads = [threading.Thread(target=send, args=(app,)) for app in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_two_workers_given_the_same_key_at_once_record_one_check(
    make_app: Callable[..., Flask], tokens: dict[str, dict[str, str]], sessions: sessionmaker[Session]
) -> None:
    workers = [make_app(), make_app()]
    deal_id = _deal(workers[0].test_client(), tokens["ana"])
    headers = {**tokens["ana"], "Idempotency-Key": "at-once"}
    answers = _sent_at_once(workers, f"/api/deals/{deal_id}/checks", headers, {"milestones": PAIN})
    assert [status for status, _ in answers] == [201, 201]
    assert answers[0][1] == answers[1][1]
    assert _count(sessions, Check) == 1


def _form_key(client: FlaskClient, path: str) -> str:
    """The idempotency key of the (first) form on a page."""
    key = re.search(r'name="idempotency_key" value="([^"]+)"', client.get(path).get_data(as_text=True))
    assert key is not None
    return key.group(1)


def _sent_twice(client: FlaskClient, path: str, form: dict[str, str]) -> None:
    """Post the same form twice (a double click, a reload): both answers go where the first went."""
    first = client.post(path, data=form)
    second = client.post(path, data=form)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]


def test_a_resubmitted_check_form_records_once(
    signed_in: Callable[[str], FlaskClient], sessions: sessionmaker[Session]
) -> None:
    rep = signed_in("ana@example.com")
    deal_id = new_deal(rep)
    key = _form_key(rep, f"/deals/{deal_id}")
    assert _form_key(rep, f"/deals/{deal_id}") != key  # a new key per render
    form = {
        "csrf_token": page_token(rep, f"/deals/{deal_id}"),
        "idempotency_key": key,
        "amount": "120000",
        "claimed_stage": "proposing",
        "pain-confirmed.met": "yes",
        "pain-confirmed.evidence": "Reply from the CFO",
        "pain-confirmed.date": DAY,
    }
    _sent_twice(rep, f"/deals/{deal_id}/checks", form)
    assert _count(sessions, Check) == 1


def _outcome_key(client: FlaskClient, deal_id: int) -> str:
    """The idempotency key of the deal page's outcome form (closing or reopening)."""
    page = client.get(f"/deals/{deal_id}").get_data(as_text=True)
    form = page.split(f'action="/deals/{deal_id}/outcome"', 1)[1].split("</form>", 1)[0]
    key = re.search(r'name="idempotency_key" value="([^"]+)"', form)
    assert key is not None, form
    return key.group(1)


@pytest.mark.parametrize(
    "fields", [{"outcome": "lost", "reason": "No budget"}, {"outcome": "won", "amount": "90000"}], ids=["lost", "won"]
)
def test_a_double_clicked_outcome_form_records_once_and_so_does_its_reopen_form(
    signed_in: Callable[[str], FlaskClient], sessions: sessionmaker[Session], fields: dict[str, str]
) -> None:
    """A double click on "Record the outcome" answered 422 "closed lost … reopen it first" for the second click."""
    rep = signed_in("ana@example.com")
    deal_id = new_deal(rep)
    token = page_token(rep, f"/deals/{deal_id}")
    close = {"csrf_token": token, "idempotency_key": _outcome_key(rep, deal_id), "date": DAY, **fields}
    _sent_twice(rep, f"/deals/{deal_id}/outcome", close)
    reopen = {"csrf_token": token, "idempotency_key": _outcome_key(rep, deal_id), "outcome": "open", "reason": "Back"}
    assert reopen["idempotency_key"] != close["idempotency_key"]
    _sent_twice(rep, f"/deals/{deal_id}/outcome", reopen)
    with sessions() as db:
        assert [event.outcome for event in db.scalars(select(OutcomeEvent).order_by(OutcomeEvent.id))] == [
            fields["outcome"],
            "open",
        ]


def test_a_resubmitted_new_deal_form_creates_one_deal(
    signed_in: Callable[[str], FlaskClient], sessions: sessionmaker[Session]
) -> None:
    rep = signed_in("ana@example.com")
    form = {"csrf_token": page_token(rep, "/deals/new"), "idempotency_key": _form_key(rep, "/deals/new")}
    _sent_twice(rep, "/deals/new", {**form, "name": "Northwind"})
    assert _count(sessions, Deal) == 1


def test_a_refused_new_deal_form_keeps_its_key_and_another_form_gets_a_new_one(
    signed_in: Callable[[str], FlaskClient], sessions: sessionmaker[Session]
) -> None:
    """The key names a write not yet done until the form is saved; no other form on an answer page may reuse it."""
    rep = signed_in("ana@example.com")
    form = {"csrf_token": page_token(rep, "/deals/new"), "idempotency_key": "new-deal-1", "name": ""}
    refused = rep.post("/deals/new", data=form)
    assert refused.status_code == 422
    assert 'name="idempotency_key" value="new-deal-1"' in refused.get_data(as_text=True)
    assert rep.post("/deals/new", data={**form, "name": "Northwind"}).status_code == 303
    deal_id = new_deal(rep, "Fabrikam")
    asked = rep.post(
        f"/deals/{deal_id}/confirmations",
        data={"csrf_token": form["csrf_token"], "idempotency_key": "ask-1", "milestones": []},
    )
    assert asked.status_code == 422
    assert asked.get_data(as_text=True).count('value="ask-1"') == 1  # the ask form's, not the check form's
    assert _count(sessions, Deal) == 2


RETRIED_AT_ONCE = [
    ("/api/deals", {"name": "Race crm", "crm_id": "RACE-CRM-0", "amount": "USD 5,000"}),
    ("/api/deals/{deal_id}/outcome", {"outcome": "won", "date": DAY, "amount": "USD 5,000"}),
]


@pytest.mark.parametrize(("path", "body"), RETRIED_AT_ONCE)
def test_retries_sent_while_the_first_runs_all_get_its_answer(
    make_app: Callable[..., Flask],
    tokens: dict[str, dict[str, str]],
    sessions: sessionmaker[Session],
    path: str,
    body: dict[str, object],
) -> None:
    """Without the key, the later ones would be refused for what the first created (409: crm_id taken, deal closed)."""
    senders = 6
    workers = [make_app() for _ in range(senders)]
    deal_id = _deal(workers[0].test_client(), tokens["ana"])
    headers = {**tokens["ana"], "Idempotency-Key": "retried-at-once"}
    answers = _sent_at_once(workers, path.format(deal_id=deal_id), headers, body)
    assert [status for status, _ in answers] == [201] * senders
    assert len({text for _, text in answers}) == 1
    assert _count(sessions, Deal) + _count(sessions, OutcomeEvent) == 2


REFORMATTED = [
    ('{"name":"Idem A","crm_id":"IDEM-1"}', '{"crm_id":"IDEM-1",   "name":"Idem A"}'),
    ('{"name": "Idem A", "amount": 5}', '{\n  "amount": 5,\n  "name": "Idem A"\n}\n'),
    ('{"name":"Idem \\u00e9"}', '{"name": "Idem é"}'),
]


@pytest.mark.parametrize(("first", "retry"), REFORMATTED)
def test_a_retry_that_reformats_the_same_json_is_the_same_request(
    records_app: Flask, tokens: dict[str, dict[str, str]], sessions: sessionmaker[Session], first: str, retry: str
) -> None:
    client = records_app.test_client()
    headers = {**tokens["ana"], "Idempotency-Key": "reformatted", "Content-Type": "application/json"}
    answers = [client.post("/api/deals", headers=headers, data=body.encode()) for body in (first, retry)]
    assert [answer.status_code for answer in answers] == [201, 201]
    assert answers[1].headers["Idempotent-Replayed"] == "true"
    assert _count(sessions, Deal) == 1
