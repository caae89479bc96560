"""Sign-in, its per-account limit shared by every worker, passwords, tokens and sessions."""

from __future__ import annotations

import hashlib
import logging
import subprocess
import sys
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from deal_records.database import writing
from deal_records.models import ApiToken, User
from deal_records.people import (
    PeopleError,
    add_user,
    add_user_with_hash,
    disable_user,
    hash_password,
    revoke_tokens,
    set_password,
)
from tests.conftest import ROOT
from tests.records.conftest import Run, sign_in

LOCKED = "Too many failed sign-ins: after 5 to this account from this network within 15 minutes"


def test_a_wrong_password_is_refused_without_saying_which_part_is_wrong(
    records_app: Flask, add_person: Callable[..., str]
) -> None:
    add_person("ana@example.com")
    wrong_password = sign_in(records_app.test_client(), "ana@example.com", "not-the-password")
    no_account = sign_in(records_app.test_client(), "nobody@example.com", "not-the-password")
    assert wrong_password.status_code == no_account.status_code == 401
    assert "The email or the password is wrong." in wrong_password.get_data(as_text=True)
    assert "The email or the password is wrong." in no_account.get_data(as_text=True)


@pytest.mark.parametrize("email", ["ana@example.com", "nobody@example.com"])
def test_five_failures_lock_the_account_for_every_worker(
    records_app: Flask, add_person: Callable[..., str], make_app: Callable[..., Flask], email: str
) -> None:
    add_person("ana@example.com")
    first, second = records_app.test_client(), make_app().test_client()  # two workers, one database
    for attempt in range(5):
        worker = first if attempt % 2 else second
        assert sign_in(worker, email, f"wrong-{attempt}").status_code == 401
    for worker in (first, second):
        locked = sign_in(worker, email, "rep-password-1")  # even the right password
        assert locked.status_code == 429
        assert LOCKED in locked.get_data(as_text=True)
    assert (
        sign_in(records_app.test_client(), "bo@example.com", "wrong").status_code == 401
    )  # other accounts are not locked


def test_the_password_reset_a_locked_out_user_is_told_to_ask_for_lets_them_in(
    records_app: Flask, add_person: Callable[..., str], run: Run
) -> None:
    add_person("ana@example.com")
    client = records_app.test_client()
    for attempt in range(5):
        assert sign_in(client, "ana@example.com", f"wrong-{attempt}").status_code == 401
    locked = sign_in(client, "ana@example.com", "rep-password-1")
    assert locked.status_code == 429 and "ask your administrator to reset your password" in locked.get_data(
        as_text=True
    )
    assert run("users", "password", "ana@example.com", stdin="a-new-password\n") == (
        0,
        "password changed for ana@example.com; their open sessions ended (0); 5 failed sign-ins forgotten, so a "
        "pause on signing in to the account is lifted\n",
        "",
    )
    assert sign_in(client, "ana@example.com", "rep-password-1").status_code == 401  # the old one opens nothing
    assert sign_in(client, "ana@example.com", "a-new-password").status_code == 303


def test_a_success_clears_the_failures(records_app: Flask, add_person: Callable[..., str]) -> None:
    add_person("ana@example.com")
    client = records_app.test_client()
    for attempt in range(4):
        sign_in(client, "ana@example.com", f"wrong-{attempt}")
    assert sign_in(client, "ana@example.com").status_code == 303
    for attempt in range(4):
        assert sign_in(records_app.test_client(), "ana@example.com", f"wrong-{attempt}").status_code == 401


def test_the_session_cookie_is_httponly_and_lax(records_app: Flask, add_person: Callable[..., str]) -> None:
    add_person("ana@example.com")
    response = sign_in(records_app.test_client(), "ana@example.com")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


@pytest.mark.parametrize(
    ("value", "secure"), [("1", True), ("True", True), (" on ", True), ("YES", True), ("0", False), ("Off", False)]
)
def test_secure_cookies_by_environment(
    monkeypatch: pytest.MonkeyPatch, make_app: Callable[..., Flask], value: str, secure: bool
) -> None:
    monkeypatch.setenv("PLAYBOOK_SECURE_COOKIES", value)
    assert make_app().config["SESSION_COOKIE_SECURE"] is secure


def test_a_secure_cookies_setting_that_is_no_switch_stops_the_start(
    monkeypatch: pytest.MonkeyPatch, make_app: Callable[..., Flask], capsys: pytest.CaptureFixture[str]
) -> None:
    # `True` and `on` left the cookie sent in clear behind HTTPS, without a word.
    monkeypatch.setenv("PLAYBOOK_SECURE_COOKIES", "sure")
    with pytest.raises(SystemExit) as stopped:
        make_app()
    assert stopped.value.code == 3
    assert "PLAYBOOK_SECURE_COOKIES is 'sure'; give 1 (cookies over HTTPS only" in capsys.readouterr().err


def test_a_redirect_after_sign_in_stays_on_this_site(records_app: Flask, add_person: Callable[..., str]) -> None:
    add_person("ana@example.com")
    client = records_app.test_client()
    token = client.get("/login").get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post(
        "/login",
        data={
            "csrf_token": token,
            "email": "ana@example.com",
            "password": "rep-password-1",
            "next": "//evil.example/steal",
        },
    )
    assert response.headers["Location"] == "/deals"


def test_importing_the_people_module_hashes_no_password() -> None:
    # Every command imports it: the unknown account's hash is made when an app starts (prepare_sign_in).
    code = (
        "import werkzeug.security\n"
        "def refuse(*args, **kwargs):\n"
        "    raise AssertionError('a password was hashed on import')\n"
        "werkzeug.security.generate_password_hash = refuse\n"
        "import deal_records.people\n"
    )
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr


@pytest.mark.product_passwords
def test_passwords_are_stored_as_scrypt_hashes_and_tokens_as_sha256(
    sessions: sessionmaker[Session], token_for: Callable[[str], dict[str, str]]
) -> None:
    # Through add_user itself: the add_person fixture shares one hash of each role's password.
    with writing(sessions) as db:
        add_user(db, "ana@example.com", "rep", "rep-password-1")
    header = token_for("ana@example.com")
    token = header["Authorization"].removeprefix("Bearer ")
    with sessions() as db:
        user = db.scalars(select(User)).one()
        stored = db.scalars(select(ApiToken)).one()
    # Werkzeug's scrypt at its full work factor (N=2**15, r=8, p=1), with a 16-character salt.
    method, salt, digest = user.password_hash.split("$")
    assert method == "scrypt:32768:8:1" and len(salt) == 16 and len(digest) == 128
    assert "rep-password-1" not in user.password_hash
    assert stored.token_sha256 == hashlib.sha256(token.encode()).hexdigest()


def test_a_user_added_with_a_hash_needs_a_scrypt_hash_and_signs_in_with_its_password(
    records_app: Flask, sessions: sessionmaker[Session]
) -> None:
    with writing(sessions) as db:
        with pytest.raises(PeopleError, match="not a scrypt hash"):
            add_user_with_hash(db, "bo@example.com", "rep", "rep-password-1")
        add_user_with_hash(db, "ana@example.com", "rep", hash_password("ana-password-1"))
    assert sign_in(records_app.test_client(), "ana@example.com", "wrong-password-1").status_code == 401
    assert sign_in(records_app.test_client(), "ana@example.com", "ana-password-1").status_code == 303


def test_revoked_tokens_and_disabled_users_are_refused(
    records_app: Flask,
    sessions: sessionmaker[Session],
    add_person: Callable[..., str],
    token_for: Callable[[str], dict[str, str]],
) -> None:
    add_person("ana@example.com")
    add_person("bo@example.com")
    ana, bo = token_for("ana@example.com"), token_for("bo@example.com")
    client = records_app.test_client()
    assert client.get("/api/deals", headers=ana).status_code == 200
    with writing(sessions) as db:
        revoke_tokens(db, "ana@example.com")
        disable_user(db, "bo@example.com")
    assert client.get("/api/deals", headers=ana).status_code == 401
    assert client.get("/api/deals", headers=bo).status_code == 401
    assert client.get("/api/deals", headers={"Authorization": "Bearer not-a-token"}).status_code == 401
    assert sign_in(client, "bo@example.com").status_code == 401


def test_changing_the_password_ends_open_sessions(
    signed_in: Callable[[str], FlaskClient], sessions: sessionmaker[Session]
) -> None:
    rep = signed_in("ana@example.com")
    assert rep.get("/deals").status_code == 200
    with writing(sessions) as db:
        set_password(db, "ana@example.com", "a-new-password")
    assert rep.get("/deals").status_code == 302


def test_no_password_or_token_reaches_the_log(
    records_app: Flask,
    add_person: Callable[..., str],
    token_for: Callable[[str], dict[str, str]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    add_person("ana@example.com")
    header = token_for("ana@example.com")
    client = records_app.test_client()
    with caplog.at_level(logging.DEBUG):
        sign_in(client, "ana@example.com", "wrong-password-typed")
        sign_in(client, "ana@example.com")
        client.post("/api/deals", headers=header, json={"name": "Logged"})
    text = caplog.text
    assert "signed in" in text and "sign-in failed" in text
    for secret in ("wrong-password-typed", "rep-password-1", header["Authorization"].removeprefix("Bearer ")):
        assert secret not in text
