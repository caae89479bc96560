"""The security test's findings (issue 23), each sent again as it was found: refused or answered as expected,
on SQLite and on PostgreSQL."""

from __future__ import annotations

import contextlib
import datetime as dt
import http.client
import io
import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.serving import make_server

from deal_records.database import writing
from deal_records.models import ConfirmationRequest, Deal, UserSession, utc_now
from deal_records.people import MAX_ADDRESS_FAILURES, MAX_FAILURES, SESSION_LIFETIME
from sales_process.deal import MAX_EVIDENCE
from tests.conftest import DEFAULT_PROCESS
from tests.mail_server import MailServer
from tests.records.conftest import PASSWORDS, Run, page_token, sign_in

ATTACKER = "203.0.113.9"
REP_ADDRESS = "198.51.100.7"
BIG_ID = 2**31
DAY = "2026-11-20"
ASK = {"milestones": ["pain-confirmed"], "buyer_name": "Dana Buyer", "buyer_email": "dana@fabrikam.example"}


def _deal(client: FlaskClient, headers: dict[str, str], name: str = "Fabrikam rollout") -> int:
    created = client.post("/api/deals", headers=headers, json={"name": name})
    assert created.status_code == 201, created.get_data(as_text=True)
    deal_id: int = created.get_json()["id"]
    return deal_id


def _post_login(client: FlaskClient, email: str, password: str, address: str, **extra: str) -> Any:
    token = page_token(client, "/login")
    return client.post(
        "/login",
        data={"csrf_token": token, "email": email, "password": password, **extra},
        environ_base={"REMOTE_ADDR": address},
    )


# 2. Open redirect after sign-in


@pytest.mark.parametrize(
    "target",
    [
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\n/evil.example",
        "//evil.example",
        "/\\evil.example",
        "\\/evil.example",
        " //evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "/\x00/evil.example",
    ],
)
def test_no_redirect_leaves_the_site_after_sign_in(signed_in: Callable[[str], FlaskClient], target: str) -> None:
    rep = signed_in("ana@example.com")
    response = rep.get("/login", query_string={"next": target})
    assert response.status_code in (302, 400)  # a NUL is refused outright
    assert response.headers.get("Location", "/deals") == "/deals"


def test_signing_in_with_a_bad_next_goes_to_the_deals(records_app: Flask, add_person: Callable[..., str]) -> None:
    add_person("ana@example.com")
    client = records_app.test_client()
    response = _post_login(client, "ana@example.com", PASSWORDS["rep"], REP_ADDRESS, next="/\t/evil.example")
    assert (response.status_code, response.headers["Location"]) == (303, "/deals")
    kept = _post_login(records_app.test_client(), "ana@example.com", PASSWORDS["rep"], REP_ADDRESS, next="/pipeline")
    assert kept.headers["Location"] == "/pipeline"


# 3. Sessions end on the server


def test_a_cookie_saved_before_signing_out_opens_nothing(signed_in: Callable[[str], FlaskClient]) -> None:
    rep = signed_in("ana@example.com")
    saved = rep.get_cookie("session")
    assert saved is not None
    assert rep.post("/logout", data={"csrf_token": page_token(rep, "/deals")}).status_code == 303
    rep.set_cookie("session", saved.value)  # the copy an attacker kept
    assert rep.get("/deals").status_code == 302
    assert rep.get("/api/deals").status_code == 401


def test_the_cookie_holds_no_user_id_or_password_material(records_app: Flask, add_person: Callable[..., str]) -> None:
    add_person("ana@example.com")
    client = records_app.test_client()
    assert sign_in(client, "ana@example.com").status_code == 303
    cookie = client.get_cookie("session")
    assert cookie is not None
    interface = records_app.session_interface
    assert isinstance(interface, SecureCookieSessionInterface)
    serializer = interface.get_signing_serializer(records_app)
    assert serializer is not None
    data = serializer.loads(cookie.value)
    assert set(data) <= {"session", "csrf_token"}
    assert "user_id" not in data and "password" not in data


@pytest.mark.parametrize("how", ["disable", "password"])
def test_disabling_a_user_or_changing_the_password_ends_their_sessions_at_once(
    signed_in: Callable[[str], FlaskClient], run: Run, how: str
) -> None:
    rep = signed_in("ana@example.com")
    assert rep.get("/deals").status_code == 200
    if how == "disable":
        assert run("users", "disable", "ana@example.com")[0] == 0
    else:
        assert run("users", "password", "ana@example.com", stdin="a-new-password\n")[0] == 0
    assert rep.get("/deals").status_code == 302


def test_signing_out_deletes_the_session_row(
    signed_in: Callable[[str], FlaskClient], sessions: sessionmaker[Session]
) -> None:
    rep = signed_in("ana@example.com")
    with sessions() as db:
        assert db.scalar(select(func.count(UserSession.id))) == 1
    rep.post("/logout", data={"csrf_token": page_token(rep, "/deals")})
    with sessions() as db:
        assert db.scalar(select(func.count(UserSession.id))) == 0


def test_a_session_older_than_its_lifetime_opens_nothing(
    signed_in: Callable[[str], FlaskClient], sessions: sessionmaker[Session]
) -> None:
    rep = signed_in("ana@example.com")
    with writing(sessions) as db:
        row = db.scalars(select(UserSession)).one()
        row.created_at = utc_now() - SESSION_LIFETIME - dt.timedelta(minutes=1)
    assert rep.get("/deals").status_code == 302


# 4. Lock-out cannot be used against someone else; one address is slowed across accounts


def test_failures_from_another_address_do_not_lock_the_user_out(
    records_app: Flask, add_person: Callable[..., str]
) -> None:
    add_person("ana@example.com")
    attacker = records_app.test_client()
    for attempt in range(MAX_FAILURES + 2):
        _post_login(attacker, "ana@example.com", f"wrong-{attempt}", ATTACKER)
    paused = _post_login(attacker, "ana@example.com", PASSWORDS["rep"], ATTACKER)
    assert paused.status_code == 429
    assert 14 * 60 < int(paused.headers["Retry-After"]) <= 15 * 60  # the pause's end, as of the last failure
    real = _post_login(records_app.test_client(), "ana@example.com", PASSWORDS["rep"], REP_ADDRESS)
    assert real.status_code == 303


def test_one_address_trying_many_accounts_is_slowed(records_app: Flask, add_person: Callable[..., str]) -> None:
    add_person("ana@example.com")
    attacker = records_app.test_client()
    token = page_token(attacker, "/login")
    for number in range(MAX_ADDRESS_FAILURES):
        answer = attacker.post(
            "/login",
            data={"csrf_token": token, "email": f"user{number}@example.com", "password": "Summer2026!"},
            environ_base={"REMOTE_ADDR": ATTACKER},
        )
        assert answer.status_code == 401
    paused = attacker.post(
        "/login",
        data={"csrf_token": token, "email": "ana@example.com", "password": PASSWORDS["rep"]},
        environ_base={"REMOTE_ADDR": ATTACKER},
    )
    assert paused.status_code == 429
    assert _post_login(records_app.test_client(), "ana@example.com", PASSWORDS["rep"], REP_ADDRESS).status_code == 303


# 5. PostgreSQL: NUL characters and ids beyond its integers


def test_a_nul_in_the_sign_in_email_is_refused_naming_the_field(records_app: Flask) -> None:
    response = _post_login(records_app.test_client(), "ana\x00@example.com", "whatever-1", REP_ADDRESS)
    assert response.status_code == 400
    assert "email" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("path", "form"),
    [
        ("/deals/new", {"name": "Fabri\x00kam", "crm_id": "OPP-7"}),
        ("/deals/{deal_id}/details", {"name": "Fabri\x00kam", "crm_id": "OPP-7"}),
        ("/deals/{deal_id}/checks", {"pain-confirmed.met": "yes", "pain-confirmed.evidence": "Reply\x00 to it"}),
        ("/deals/{deal_id}/confirmations", {"milestones": "pain-confirmed", "buyer_name": "Dana\x00 Buyer"}),
    ],
    ids=["new", "details", "checks", "confirmations"],
)
def test_a_nul_in_a_deal_form_is_refused_at_its_field_with_the_form_again(
    signed_in: Callable[[str], FlaskClient], path: str, form: dict[str, str]
) -> None:
    """It was a page of its own (400) that lost the form, where a U+202E or an ESC re-show it at the field."""
    rep = signed_in("ana@example.com")
    made = rep.post("/deals/new", data={"csrf_token": page_token(rep, "/deals/new"), "name": "Contoso"})
    page_path = path if path.endswith("new") else made.headers["Location"]
    path = path.format(deal_id=made.headers["Location"].rsplit("/", 1)[-1])
    token = page_token(rep, page_path)
    refused = rep.post(path, data={"csrf_token": token, **form})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "contains a NUL character (U+0000) at character" in page, page
    assert "What the form held" not in page  # the form again, not the page that lost it


def _form_body(form: dict[str, str]) -> str:
    """A urlencoded body as a client sends it, its values given already percent-encoded (bytes a str cannot hold)."""
    return "&".join(f"{name}={value}" for name, value in form.items())


URLENCODED = "application/x-www-form-urlencoded"


@pytest.mark.parametrize(
    ("path", "form", "field"),
    [
        ("/deals/new", {"name": "a%ff%fe", "crm_id": "OPP-7"}, "name"),
        ("/deals/new", {"name": "Contoso", "crm_id": "OPP\xff7"}, "crm_id"),  # a raw byte, not percent-encoded
        ("/deals/{deal_id}/details", {"name": "a%ff%fe"}, "name"),
        (
            "/deals/{deal_id}/checks",
            {"pain-confirmed.met": "yes", "pain-confirmed.evidence": "Reply%c3 to it"},
            "pain-confirmed.evidence",
        ),
        ("/deals/{deal_id}/confirmations", {"milestones": "pain-confirmed", "buyer_name": "Dana%e9"}, "buyer_name"),
    ],
    ids=["new", "new-raw-byte", "details", "checks", "confirmations"],
)
def test_bytes_that_are_not_utf8_in_a_deal_form_are_refused_at_their_field_with_the_form_again(
    signed_in: Callable[[str], FlaskClient],
    sessions: sessionmaker[Session],
    path: str,
    form: dict[str, str],
    field: str,
) -> None:
    """Werkzeug read them as "%FF" text: the name 'a%FF%FE' was saved, where the API refuses the same bytes."""
    rep = signed_in("ana@example.com")
    made = rep.post("/deals/new", data={"csrf_token": page_token(rep, "/deals/new"), "name": "Contoso"})
    page_path = path if path.endswith("new") else made.headers["Location"]
    path = path.format(deal_id=made.headers["Location"].rsplit("/", 1)[-1])
    body = _form_body({"csrf_token": page_token(rep, page_path), **form}).encode("latin-1")
    refused = rep.post(path, data=body, content_type=URLENCODED)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422, page
    assert "holds bytes that are not UTF-8 text" in page  # under the field, by its label ("Deal name holds…")
    assert "What the form held" not in page and f'name="{field}"' in page  # the form again, its bad bytes as �
    assert "\ufffd" in page.replace("(each shown as \ufffd)", "")
    with sessions() as db:
        assert db.scalars(select(Deal.name)).all() == ["Contoso"]


def test_bytes_that_are_not_utf8_in_a_multipart_form_are_refused_too(
    signed_in: Callable[[str], FlaskClient], sessions: sessionmaker[Session]
) -> None:
    """Werkzeug read them as U+FFFD without a word: the name 'a\ufffd' was saved."""
    rep = signed_in("ana@example.com")
    parts = {"csrf_token": page_token(rep, "/deals/new").encode(), "name": b"a\xff", "crm_id": b"OPP-7"}
    body = b"".join(
        b'--XyZ\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n' % (name.encode(), value)
        for name, value in parts.items()
    )
    refused = rep.post("/deals/new", data=body + b"--XyZ--\r\n", content_type="multipart/form-data; boundary=XyZ")
    assert refused.status_code == 422 and "holds bytes that are not UTF-8 text" in refused.get_data(as_text=True)
    with sessions() as db:
        assert db.scalars(select(Deal.name)).all() == []


@pytest.mark.parametrize("name", ["Café Crème", "Launch 🚀 deal", "صفقة الرياض"])
def test_a_utf8_name_from_the_form_is_saved_as_typed(
    signed_in: Callable[[str], FlaskClient], sessions: sessionmaker[Session], name: str
) -> None:
    rep = signed_in("ana@example.com")
    body = _form_body({"csrf_token": page_token(rep, "/deals/new"), "name": quote(name)})
    made = rep.post("/deals/new", data=body, content_type=URLENCODED)
    assert made.status_code == 303, made.get_data(as_text=True)
    with sessions() as db:
        assert db.scalars(select(Deal.name)).all() == [name]


def test_bytes_that_are_not_utf8_in_the_check_and_confirmation_forms_are_refused(
    records_app: Flask, tokens: dict[str, dict[str, str]]
) -> None:
    client = records_app.test_client()
    checked = client.post(
        "/check", data=_form_body({"csrf_token": page_token(client, "/check"), "deal": "a%ff"}), content_type=URLENCODED
    )
    assert checked.status_code == 400 and "&#39;deal&#39; holds bytes that are not UTF-8" in checked.get_data(
        as_text=True
    )
    asked = client.post(f"/api/deals/{_deal(client, tokens['ana'])}/confirmations", headers=tokens["ana"], json=ASK)
    link = "/confirm/" + asked.get_json()["url"].rsplit("/confirm/", 1)[1]
    confirmed = client.post(link, data=_form_body({"comment": "fine%ff"}), content_type=URLENCODED)
    assert confirmed.status_code == 400, confirmed.get_data(as_text=True)
    assert "&#39;comment&#39; holds bytes that are not UTF-8" in confirmed.get_data(as_text=True)


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"name": "Fabrikam\x00"}, "name"),
        ({"name": "Fabrikam", "crm_id": "OPP\x00-1"}, "crm_id"),
        ({"name": "Fabrikam", "owner": "ana\x00@example.com"}, "owner"),
        # JSON's escape of half a character: no UTF-8 page, row or file can hold it
        ({"name": "Fabri\ud800kam"}, "name"),
        ({"name": "Fabrikam", "crm_id": "\udfff"}, "crm_id"),
    ],
)
def test_a_nul_in_a_new_deal_is_refused_at_its_field(
    records_app: Flask, tokens: dict[str, dict[str, str]], body: dict[str, str], loc: str
) -> None:
    response = records_app.test_client().post("/api/deals", headers=tokens["ana"], json=body)
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["loc"] == loc


def test_a_nul_in_a_buyer_name_or_a_filter_is_refused_at_its_field(
    records_app: Flask, tokens: dict[str, dict[str, str]], signed_in: Callable[[str], FlaskClient]
) -> None:
    client = records_app.test_client()
    deal_id = _deal(client, tokens["ana"])
    asked = client.post(
        f"/api/deals/{deal_id}/confirmations", headers=tokens["ana"], json={**ASK, "buyer_name": "Dana\x00"}
    )
    assert (asked.status_code, asked.get_json()["errors"][0]["loc"]) == (400, "buyer_name")
    half = client.post(
        f"/api/deals/{deal_id}/confirmations", headers=tokens["ana"], json={**ASK, "buyer_name": "D\udfffana"}
    )
    assert (half.status_code, half.get_json()["errors"][0]["loc"]) == (400, "buyer_name")
    assert "unpaired surrogate escape (\\udfff) at character 2" in half.get_json()["errors"][0]["message"]
    listed = client.get("/api/deals", headers=tokens["lee"], query_string={"owner": "a\x00"})
    assert (listed.status_code, listed.get_json()["errors"][0]["loc"]) == (400, "owner")
    manager = signed_in("manager@example.com")
    for query in ({"stage": "\x00"}, {"owner": "\x00"}):
        page = manager.get("/deals", query_string=query)
        assert page.status_code == 400 and next(iter(query)) in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/deals/{big}"),
        ("POST", "/api/deals/{big}/checks"),
        ("GET", "/api/deals/{big}/confirmations"),
        ("POST", "/api/deals/{big}/confirmations"),
        ("GET", "/api/deals/{deal}/confirmations/{big}"),
        ("POST", "/api/deals/{deal}/confirmations/{big}/revoke"),
        ("GET", "/api/deals/{big}/confirmations/1"),
    ],
)
def test_ids_beyond_the_database_integers_are_not_found_in_the_api(
    records_app: Flask, tokens: dict[str, dict[str, str]], method: str, path: str
) -> None:
    client = records_app.test_client()
    deal_id = _deal(client, tokens["ana"])
    url = path.format(big=BIG_ID, deal=deal_id)
    body: dict[str, object] | None = (
        None if url.endswith("/revoke") else {"milestones": {}}
    )  # withdrawing takes no body
    response = client.open(url, method=method, headers=tokens["ana"], json=body)
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/deals/{big}"),
        ("POST", "/deals/{big}/checks"),
        ("POST", "/deals/{big}/confirmations"),
        ("POST", "/deals/1/confirmations/{big}/revoke"),
    ],
)
def test_ids_beyond_the_database_integers_are_not_found_on_pages(
    signed_in: Callable[[str], FlaskClient], method: str, path: str
) -> None:
    rep = signed_in("ana@example.com")
    form = {"csrf_token": page_token(rep, "/deals")} if method == "POST" else None
    assert rep.open(path.format(big=BIG_ID), method=method, data=form).status_code == 404


# 6. Nothing that depends on who is signed in is cached


@pytest.mark.parametrize(
    "path",
    [
        "/deals",
        "/deals/{deal}",
        "/deals/new",
        "/deals/export.csv",
        "/pipeline",
        "/api/deals",
        "/api/deals/{deal}",
        "/login",
        "/api/openapi.json",
    ],
)
def test_signed_in_answers_are_never_stored(
    signed_in: Callable[[str], FlaskClient], token_for: Callable[[str], dict[str, str]], path: str
) -> None:
    manager = signed_in("manager@example.com")
    headers = token_for("manager@example.com")
    deal_id = _deal(manager, headers)
    response = manager.get(path.format(deal=deal_id), headers=headers if path.startswith("/api/") else {})
    assert response.status_code == (302 if path == "/login" else 200)  # signed in: /login goes on
    assert response.headers["Cache-Control"] == "no-store"
    signed_out = manager.application.test_client().get(path.format(deal=deal_id))
    assert signed_out.headers["Cache-Control"] == "no-store"


# 7. Rate limits behind a proxy


def _confirm_statuses(app: Flask, forwarded_for: list[str]) -> list[int]:
    client = app.test_client()
    return [
        client.get("/confirm/not-a-token", headers={"X-Forwarded-For": address}).status_code
        for address in forwarded_for
    ]


def test_behind_trusted_proxies_each_buyer_has_their_own_allowance(make_app: Callable[..., Flask]) -> None:
    behind = make_app(CONFIRM_RATE_LIMIT=(2, 600), TRUSTED_PROXIES="1")
    assert _confirm_statuses(behind, ["192.0.2.1", "192.0.2.1", "192.0.2.1", "192.0.2.2"]) == [404, 404, 429, 404]


def test_without_trusted_proxies_the_forwarded_header_is_not_believed(make_app: Callable[..., Flask]) -> None:
    direct = make_app(CONFIRM_RATE_LIMIT=(2, 600))
    assert _confirm_statuses(direct, ["192.0.2.1", "192.0.2.2", "192.0.2.3"]) == [404, 404, 429]


# One client written several ways in X-Forwarded-For shares one count; a value that is no address counts as the
# proxy's own address (the test client's peer), so garbage of any kind shares that one count.
ONE_CLIENT = [
    ["20.0.0.1", "::ffff:20.0.0.1", "20.0.0.1:1234"],
    ["2001:db8::1", "[2001:DB8:0::1]:443", "2001:0db8::0001"],
    ["garbage<script>", "020.0.0.1", "20.0.0.1:x"],
]


@pytest.mark.parametrize("forwarded_for", ONE_CLIENT, ids=["ipv4", "ipv6", "not-an-address"])
def test_one_client_forwarded_in_other_words_shares_one_limit(
    make_app: Callable[..., Flask], forwarded_for: list[str]
) -> None:
    behind = make_app(CONFIRM_RATE_LIMIT=(2, 600), TRUSTED_PROXIES="1")
    assert _confirm_statuses(behind, forwarded_for) == [404, 404, 429]


@pytest.mark.parametrize(
    ("failing_from", "then_from"),
    [("20.0.0.1", "::ffff:20.0.0.1"), ("garbage<script>", "020.0.0.1")],
    ids=["mapped-ipv6", "not-an-address"],
)
def test_sign_in_failures_limit_one_client_however_its_address_is_forwarded(
    make_app: Callable[..., Flask], add_person: Callable[..., str], failing_from: str, then_from: str
) -> None:
    app = make_app(TRUSTED_PROXIES="1")
    add_person("ana@example.com")
    client = app.test_client()
    for attempt in range(MAX_FAILURES):
        failed = client.post(
            "/login",
            data={"csrf_token": page_token(client, "/login"), "email": "ana@example.com", "password": f"no-{attempt}"},
            headers={"X-Forwarded-For": failing_from},
        )
        assert failed.status_code == 401
    paused = client.post(
        "/login",
        data={"csrf_token": page_token(client, "/login"), "email": "ana@example.com", "password": PASSWORDS["rep"]},
        headers={"X-Forwarded-For": then_from},
    )
    assert paused.status_code == 429


def _token_statuses(app: Flask, sent: list[tuple[str, dict[str, str]]]) -> list[int]:
    client = app.test_client()
    return [
        client.get("/api/deals", headers={**headers, "X-Forwarded-For": address}).status_code
        for address, headers in sent
    ]


def test_tokens_that_open_nothing_are_limited_per_address(
    make_app: Callable[..., Flask], tokens: dict[str, dict[str, str]]
) -> None:
    app = make_app(TOKEN_FAILURE_LIMIT=(3, 600), TRUSTED_PROXIES="1")
    wrong = {"Authorization": "Bearer not-a-real-token"}
    guesses = [("192.0.2.1", wrong)] * 3
    # Over the limit even the right token is not read from that address (a right guess must open nothing);
    # another address is not held back.
    after = [("192.0.2.1", tokens["ana"]), ("192.0.2.2", tokens["ana"]), ("192.0.2.2", wrong)]
    assert _token_statuses(app, guesses + after) == [401, 401, 401, 429, 200, 401]
    refused = app.test_client().get("/api/deals", headers={**tokens["ana"], "X-Forwarded-For": "192.0.2.1"})
    assert 590 <= int(refused.headers["Retry-After"]) <= 600
    message = refused.get_json()["errors"][0]["message"]
    assert message.startswith("too many requests from this address sent tokens that open nothing (3 within 10 minutes)")
    assert "not-a-real-token" not in message and "WWW-Authenticate" not in refused.headers


def test_tokens_that_open_a_user_are_not_counted(
    make_app: Callable[..., Flask], tokens: dict[str, dict[str, str]]
) -> None:
    app = make_app(TOKEN_FAILURE_LIMIT=(2, 600))
    assert _token_statuses(app, [("192.0.2.9", tokens["bo"])] * 5) == [200] * 5


@pytest.mark.parametrize("value", ["-1", "one", "11", "1.5"])
def test_a_bad_number_of_trusted_proxies_stops_the_start(
    make_app: Callable[..., Flask], capsys: pytest.CaptureFixture[str], value: str
) -> None:
    with pytest.raises(SystemExit):
        make_app(TRUSTED_PROXIES=value)
    assert "PLAYBOOK_TRUSTED_PROXIES" in capsys.readouterr().err


# 8. Huge page numbers


@pytest.mark.parametrize("page", ["9223372036854775807", "1000001", "0", "x"])
def test_a_page_number_out_of_range_is_refused(
    records_app: Flask, tokens: dict[str, dict[str, str]], signed_in: Callable[[str], FlaskClient], page: str
) -> None:
    answer = records_app.test_client().get("/api/deals", headers=tokens["ana"], query_string={"page": page})
    assert (answer.status_code, answer.get_json()["errors"][0]["loc"]) == (400, "page")
    assert signed_in("cy@example.com").get("/deals", query_string={"page": page}).status_code == 400


# 9, 10. One rule for free text; names isolated on the page


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"name": "Fabrikam \u202eevil"}, "name"),
        ({"name": "Fabrikam\x03"}, "name"),
        ({"name": "Fabrikam\x93"}, "name"),
        ({"name": "Fabrikam\nrollout"}, "name"),
        ({"name": "Fabrikam", "crm_id": "OPP-1\r"}, "crm_id"),
        # Invisible characters: a name of them alone was a 201, and "OPP-1\u200b" reads as another deal's id.
        ({"name": "\u200b\u200e\u200f\u061c\u2060\ufeff"}, "name"),
        ({"name": "\u200d\u200c"}, "name"),
        ({"name": "Fabrikam", "crm_id": "OPP-1\u200b"}, "crm_id"),
    ],
)
def test_control_direction_and_line_break_characters_are_refused_in_the_api(
    records_app: Flask, tokens: dict[str, dict[str, str]], body: dict[str, str], loc: str
) -> None:
    response = records_app.test_client().post("/api/deals", headers=tokens["ana"], json=body)
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["loc"] == loc


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("Fabrikam%E2%80%AE+rollout", "contains a text-direction control"),
        # A NUL gave a page of its own (400) that lost the form, where the other characters re-show it at the field
        ("Fabri%00kam", "contains a NUL character (U+0000) at character 6; remove it"),
    ],
)
def test_the_form_refuses_them_at_the_field(signed_in: Callable[[str], FlaskClient], name: str, said: str) -> None:
    rep = signed_in("ana@example.com")
    token = page_token(rep, "/deals/new")
    body = f"csrf_token={token}&name={name}&crm_id=OPP-7"
    response = rep.post("/deals/new", data=body, content_type="application/x-www-form-urlencoded")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and said in page, page
    assert 'value="OPP-7"' in page  # the form again, with what was typed


def test_evidence_and_buyer_names_follow_the_same_rule(records_app: Flask, tokens: dict[str, dict[str, str]]) -> None:
    client = records_app.test_client()
    deal_id = _deal(client, tokens["ana"])
    evidence = {"pain-confirmed": {"met": True, "evidence": "Reply\u202e to the recap", "date": DAY}}
    checked = client.post(f"/api/deals/{deal_id}/checks", headers=tokens["ana"], json={"milestones": evidence})
    assert checked.status_code == 400
    assert checked.get_json()["errors"][0]["loc"] == "milestones.pain-confirmed.evidence"
    lines = {"pain-confirmed": {"met": True, "evidence": "Reply to the recap\nlinked in the CRM", "date": DAY}}
    kept = client.post(f"/api/deals/{deal_id}/checks", headers=tokens["ana"], json={"milestones": lines})
    assert kept.status_code == 201  # evidence may span lines
    asked = client.post(
        f"/api/deals/{deal_id}/confirmations", headers=tokens["ana"], json={**ASK, "buyer_name": "Dana\nBuyer"}
    )
    assert (asked.status_code, asked.get_json()["errors"][0]["loc"]) == (400, "buyer_name")
    half = client.post(
        f"/api/deals/{deal_id}/confirmations", headers=tokens["ana"], json={**ASK, "buyer_name": "D\udfffana"}
    )
    assert (half.status_code, half.get_json()["errors"][0]["loc"]) == (400, "buyer_name")
    assert "unpaired surrogate escape (\\udfff) at character 2" in half.get_json()["errors"][0]["message"]


def test_names_are_shown_isolated(
    signed_in: Callable[[str], FlaskClient], token_for: Callable[[str], dict[str, str]]
) -> None:
    manager = signed_in("manager@example.com")
    deal_id = _deal(manager, token_for("manager@example.com"), name="שלום Fabrikam")
    listing = manager.get("/deals").get_data(as_text=True)
    assert "<bdi>שלום Fabrikam</bdi>" in listing
    assert "<bdi>שלום Fabrikam</bdi>" in manager.get(f"/deals/{deal_id}").get_data(as_text=True)


def test_a_refused_request_makes_no_link_and_an_old_two_line_name_still_mails(
    make_app: Callable[..., Flask],
    tokens: dict[str, dict[str, str]],
    sessions: sessionmaker[Session],
    mail_server: MailServer,
) -> None:
    app = make_app(
        SMTP_URL=f"smtp://127.0.0.1:{mail_server.port}",
        MAIL_FROM="sales@contoso.example",
        BASE_URL="http://localhost",  # the test client's host: with a base URL, the app answers for its host only
    )
    client = app.test_client()
    deal_id = _deal(client, tokens["ana"])
    refused = client.post(
        f"/api/deals/{deal_id}/confirmations", headers=tokens["ana"], json={**ASK, "buyer_name": "Dana\r\nBcc: x"}
    )
    assert refused.status_code == 400
    with writing(sessions) as db:  # a name saved before the rule existed
        deal = db.get(Deal, deal_id)
        assert deal is not None
        deal.name = "Fabrikam\nrollout"
    asked = client.post(f"/api/deals/{deal_id}/confirmations", headers=tokens["ana"], json=ASK)
    assert asked.status_code == 201
    [received] = mail_server.received
    assert received.message["Subject"] == "Please confirm where we stand: Fabrikam rollout"
    with sessions() as db:
        assert db.scalar(select(func.count(ConfirmationRequest.id))) == 1  # the refused request left none


# 11. Links in emails come from the configured base URL


def test_the_emailed_link_ignores_the_host_header_and_another_host_is_refused(
    make_app: Callable[..., Flask], tokens: dict[str, dict[str, str]], mail_server: MailServer
) -> None:
    app = make_app(
        SMTP_URL=f"smtp://127.0.0.1:{mail_server.port}",
        MAIL_FROM="sales@contoso.example",
        BASE_URL="https://playbook.example.com/",
    )
    client = app.test_client()
    own = {**tokens["ana"], "Host": "Playbook.Example.com:8443"}  # the host's name decides, in any case and port
    deal_id = _deal(client, own)
    refused = client.post(
        f"/api/deals/{deal_id}/confirmations", headers={**tokens["ana"], "Host": "evil.example"}, json=ASK
    )
    assert refused.status_code == 400 and refused.get_json()["errors"][0]["loc"] == "Host"
    assert "this server answers for playbook.example.com only" in refused.get_json()["errors"][0]["message"]
    assert mail_server.received == []
    body = client.post(f"/api/deals/{deal_id}/confirmations", headers=own, json=ASK).get_json()
    assert body["url"].startswith("https://playbook.example.com/confirm/")
    [received] = mail_server.received
    text = received.message.get_content()
    assert body["url"] in text and "evil.example" not in text and "8443" not in text


@pytest.mark.parametrize(
    ("base_url", "said"),
    [
        ("", "PLAYBOOK_BASE_URL must be set when PLAYBOOK_SMTP_URL is"),
        ("playbook.example.com", "must start with https://"),
        ("https://playbook.example.com/?x=1", "must not hold a user, a query or a fragment"),
    ],
)
def test_mail_without_a_good_base_url_stops_the_start(
    make_app: Callable[..., Flask], capsys: pytest.CaptureFixture[str], base_url: str, said: str
) -> None:
    with pytest.raises(SystemExit):
        make_app(SMTP_URL="smtp://127.0.0.1:25", MAIL_FROM="sales@contoso.example", BASE_URL=base_url)
    assert said in capsys.readouterr().err


# 12. One evidence limit


def test_one_evidence_limit_for_the_api_and_the_form(records_app: Flask, tokens: dict[str, dict[str, str]]) -> None:
    client = records_app.test_client()
    deal_id = _deal(client, tokens["ana"])

    def check(evidence: str) -> Any:
        answer = {"pain-confirmed": {"met": True, "evidence": evidence, "date": DAY}}
        return client.post(f"/api/deals/{deal_id}/checks", headers=tokens["ana"], json={"milestones": answer})

    too_long = check("x" * (MAX_EVIDENCE + 1))
    assert too_long.status_code == 400
    assert too_long.get_json()["errors"][0]["loc"] == "milestones.pain-confirmed.evidence"
    assert check("x" * MAX_EVIDENCE).status_code == 201
    sign_in(client, "ana@example.com")
    page = client.get(f"/deals/{deal_id}").get_data(as_text=True)
    # No maxlength: the browser would count UTF-16 units and cut an emoji-rich text the server takes. The hint says
    # the limit instead, before anything is sent (a 5,000-character paste was refused with no word of it beforehand).
    assert "maxlength" not in page and "x" * MAX_EVIDENCE in page
    assert f"At most {MAX_EVIDENCE:,} characters; link to a longer record.</span>" in page


# 14. A new password revokes the API tokens


def test_a_new_password_revokes_the_api_tokens(
    records_app: Flask, run: Run, add_person: Callable[..., str], token_for: Callable[[str], dict[str, str]]
) -> None:
    add_person("ana@example.com")
    header = token_for("ana@example.com")
    client = records_app.test_client()
    assert client.get("/api/deals", headers=header).status_code == 200
    status, out, _ = run("users", "password", "ana@example.com", stdin="a-new-password\n")
    assert status == 0 and "1 API token revoked" in out
    assert client.get("/api/deals", headers=header).status_code == 401


# 15. The API takes tokens only


def test_the_api_ignores_a_session_cookie(signed_in: Callable[[str], FlaskClient]) -> None:
    rep = signed_in("ana@example.com")
    assert rep.get("/deals").status_code == 200
    forged = rep.post("/api/deals", json={"name": "From elsewhere"}, headers={"Origin": "http://evil.example"})
    assert forged.status_code == 401
    assert rep.get("/api/deals").status_code == 401


# 16, 17. HSTS over HTTPS; the icon


def test_hsts_only_with_secure_cookies(make_app: Callable[..., Flask]) -> None:
    secure = make_app(SESSION_COOKIE_SECURE=True).test_client().get("/login")
    assert secure.headers["Strict-Transport-Security"] == "max-age=63072000"
    assert "Strict-Transport-Security" not in make_app().test_client().get("/login").headers


def test_the_icon_is_where_browsers_look(records_app: Flask) -> None:
    response = records_app.test_client().get("/favicon.ico")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert response.get_data(as_text=True).startswith("<svg")


# 18. The owner must be a user


def test_a_deal_owner_must_be_an_existing_user(records_app: Flask, tokens: dict[str, dict[str, str]]) -> None:
    client = records_app.test_client()
    owner = client.get("/api/openapi.json").get_json()["components"]["schemas"]["NewDeal"]["properties"]["owner"]
    assert "must be an existing, active user" in owner["description"]
    response = client.post("/api/deals", headers=tokens["lee"], json={"name": "X", "owner": "nobody@example.com"})
    assert response.status_code == 404
    assert response.get_json()["errors"][0]["loc"] == "owner"


def test_an_import_follows_the_same_rule(run: Run, sessions: sessionmaker[Session], tmp_path: Path) -> None:
    assert run("users", "add", "ana@example.com", "--role", "rep", stdin="rep-password-1\n")[0] == 0
    export = tmp_path / "pipeline.csv"
    export.write_text(
        "deal,owner,stage,amount,crm_id,pain-confirmed,pain-confirmed.evidence,pain-confirmed.date\n"
        f"Fabrikam \u202erollout,ana@example.com,Discovery,1000,OPP-1,yes,Reply to the recap,{DAY}\n"
        f"Contoso,ana@example.com,Discovery,1000,OPP-2,yes,Reply\x03 to the recap,{DAY}\n"
        f"Northwind,ana@example.com,Discovery,1000,OPP-3,yes,{'x' * (MAX_EVIDENCE + 1)},{DAY}\n",
        encoding="utf-8",
    )
    status, _, err = run("import", str(export), "--process", str(DEFAULT_PROCESS))
    assert status == 1
    assert f"{export}:2: name: 'name' contains a text-direction control (right-to-left override) (U+202E)" in err
    assert f"{export}:3: milestones.pain-confirmed.evidence: 'evidence' contains a control character (U+0003)" in err
    assert f"{export}:4: milestones.pain-confirmed.evidence: 'evidence' is {MAX_EVIDENCE + 1} characters long" in err
    with sessions() as db:
        assert db.scalar(select(func.count(Deal.id))) == 0


@contextlib.contextmanager
def _served(app: Flask) -> Iterator[int]:
    """The app on a real HTTP server (Werkzeug's, which dechunks a chunked body as gunicorn does); its port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.port
    finally:
        server.shutdown()
        thread.join()


def _post_chunked(port: int, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    """POST the body with Transfer-Encoding: chunked (no Content-Length), in 64 KiB chunks."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    chunks = (body[start : start + 65536] for start in range(0, len(body), 65536))
    try:
        connection.request("POST", path, body=chunks, headers=headers, encode_chunked=True)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


TOO_LARGE = {"errors": [{"loc": "", "message": "What was sent is larger than the limit of 1 MB."}]}


@pytest.mark.parametrize(
    "body",
    [
        b'{"name":"chunked-trunc"}' + b" " * (1024 * 1024) + b"GARBAGE",  # cut at 1 MB, it was valid JSON
        b'{"name":"' + b"x" * (20 * 1024 * 1024) + b'"}',  # cut, it was malformed JSON (400)
    ],
)
def test_a_chunked_body_over_the_limit_is_413_as_with_a_content_length(
    records_app: Flask, tokens: dict[str, dict[str, str]], sessions: sessionmaker[Session], body: bytes
) -> None:
    headers = {**tokens["ana"], "Content-Type": "application/json"}
    with _served(records_app) as port:
        status, answer = _post_chunked(port, "/api/deals", body, headers)
        small = _post_chunked(port, "/api/deals", b'{"name": "Chunked within the limit"}', headers)
    assert (status, json.loads(answer)) == (413, TOO_LARGE)
    assert records_app.test_client().post("/api/deals", headers=tokens["ana"], data=body).get_json() == TOO_LARGE
    assert small[0] == 201  # a chunked body within the limit is read whole
    with sessions() as db:
        assert list(db.scalars(select(Deal.name))) == ["Chunked within the limit"]


def test_a_chunked_form_over_the_limit_is_413(signed_in: Callable[[str], FlaskClient]) -> None:
    """A form's body streamed without a length is bounded too (the test client sends it as the server hands it on)."""
    rep = signed_in("ana@example.com")
    form = f"csrf_token={page_token(rep, '/deals/new')}&name=Chunked&amount=" + "9" * (2 * 1024 * 1024)
    refused = rep.post(
        "/deals/new",
        input_stream=io.BytesIO(form.encode()),
        content_type="application/x-www-form-urlencoded",
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True, "CONTENT_LENGTH": ""},
    )
    assert refused.status_code == 413
    assert "What was sent is larger than the limit of 1 MB." in refused.get_data(as_text=True)
