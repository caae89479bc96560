"""The anonymous self-check (POST /check and POST /api/assess) is limited per client address, like the other
anonymous doors, but counted in memory in each worker: the self-check reads no database, so SQLite is enough here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from assess_app.check.limit import MemoryLimiter
from assess_app.config import CHECK_RATE_LIMIT, CHECK_RATE_LIMIT_ENV
from tests.conftest import sqlite_copy
from tests.records.conftest import page_token
from tests.records.test_unavailable import locked

DAY = (dt.date.today() - dt.timedelta(days=3)).isoformat()
TYPED = {
    "deal": "Fabrikam — 40 seats",
    "amount": "EUR 99,000",
    "claimed_stage": "Proposing",
    "segment": "Enterprise",
    "pain-confirmed.met": "yes",
    "pain-confirmed.evidence": "Reply from the CFO <on 3 May>",
    "pain-confirmed.date": DAY,
}
LIMITED = {"CHECK_RATE_LIMIT": (2, 600)}


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated SQLite file only: the self-check's limit does not touch the database."""
    return sqlite_copy(request, tmp_path)


def _api(client: FlaskClient, address: str) -> TestResponse:
    return client.post("/api/assess", json={"claimed_stage": "qualifying"}, headers={"X-Forwarded-For": address})


def _form(client: FlaskClient, address: str) -> TestResponse:
    token = page_token(client, "/check")  # reading the form is not a self-check: only sending it counts
    return client.post("/check", data={"csrf_token": token, **TYPED}, headers={"X-Forwarded-For": address})


DOORS: dict[str, Callable[[FlaskClient, str], TestResponse]] = {"api": _api, "form": _form}


def _statuses(app: Flask, sent: list[tuple[str, str]]) -> list[int]:
    client = app.test_client()
    return [DOORS[door](client, address).status_code for door, address in sent]


@pytest.mark.parametrize(
    ("door", "message"),
    [
        ("api", "too many self-checks came from this address (2 within 10 minutes): none is answered for"),
        ("form", "Too many self-checks came from your address (2 within 10 minutes)"),
    ],
)
def test_a_self_check_over_the_limit_gets_429_with_retry_after(
    make_app: Callable[..., Flask], door: str, message: str
) -> None:
    app = make_app(**LIMITED)
    client = app.test_client()
    assert [DOORS[door](client, "192.0.2.1").status_code for _ in range(2)] == [200, 200]
    refused = DOORS[door](client, "192.0.2.1")
    assert refused.status_code == 429
    assert 590 <= int(refused.headers["Retry-After"]) <= 600
    if door == "api":
        assert refused.get_json()["errors"][0]["loc"] == ""
        assert refused.get_json()["errors"][0]["message"].startswith(message)
        assert refused.headers["Cache-Control"] == "no-store"
    else:
        assert message in refused.get_data(as_text=True)
        assert "send the form again in 10 minutes" in refused.get_data(as_text=True)


def test_the_form_over_the_limit_keeps_everything_typed(make_app: Callable[..., Flask]) -> None:
    app = make_app(CHECK_RATE_LIMIT=(1, 600))
    client = app.test_client()
    assert _form(client, "192.0.2.1").status_code == 200
    refused = _form(client, "192.0.2.1")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 429
    for kept in (
        'value="Fabrikam — 40 seats"',
        'value="EUR 99,000"',
        'value="Proposing"',
        'value="Enterprise"',
        f'value="{DAY}"',
        "Reply from the CFO &lt;on 3 May&gt;</textarea>",
    ):
        assert kept in page, kept
    assert 'name="pain-confirmed.met"' in page and "checked" in page
    assert 'name="csrf_token"' in page  # sent again as it is, it is checked


@pytest.mark.parametrize(
    ("proxies", "sent", "statuses"),
    [
        # Behind a trusted proxy the forwarded address counts: another client is not held back.
        (
            "1",
            [("api", "192.0.2.1"), ("api", "192.0.2.1"), ("api", "192.0.2.1"), ("api", "192.0.2.2")],
            [200, 200, 429, 200],
        ),
        (
            "1",
            [("form", "192.0.2.1"), ("form", "192.0.2.1"), ("form", "192.0.2.1"), ("form", "192.0.2.2")],
            [200, 200, 429, 200],
        ),
        # The form and the API are one self-check, with one count.
        (
            "1",
            [("form", "192.0.2.1"), ("api", "192.0.2.1"), ("form", "192.0.2.1"), ("api", "192.0.2.1")],
            [200, 200, 429, 429],
        ),
        # One client written another way is the same client.
        ("1", [("api", "20.0.0.1"), ("api", "::ffff:20.0.0.1"), ("api", "20.0.0.1:1234")], [200, 200, 429]),
        # Without trusted proxies anyone can write X-Forwarded-For: the peer's address counts.
        ("0", [("api", "192.0.2.1"), ("api", "192.0.2.2"), ("api", "192.0.2.3")], [200, 200, 429]),
    ],
    ids=["api-per-address", "form-per-address", "one-count-for-both", "one-client-in-other-words", "no-proxy"],
)
def test_each_client_address_has_its_own_count(
    make_app: Callable[..., Flask], proxies: str, sent: list[tuple[str, str]], statuses: list[int]
) -> None:
    app = make_app(TRUSTED_PROXIES=proxies, **LIMITED)
    assert _statuses(app, sent) == statuses


def test_a_form_without_its_token_is_counted_too(make_app: Callable[..., Flask]) -> None:
    client = make_app(**LIMITED).test_client()
    statuses = [client.post("/check", data=TYPED).status_code for _ in range(3)]
    assert statuses == [400, 400, 429]


def test_the_limit_is_read_from_the_environment(
    make_app: Callable[..., Flask], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CHECK_RATE_LIMIT_ENV, " 2 ")
    assert _statuses(make_app(), [("api", "-")] * 3) == [200, 200, 429]


def test_by_default_a_team_behind_one_address_is_not_held_back(
    make_app: Callable[..., Flask], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(CHECK_RATE_LIMIT_ENV, raising=False)
    app = make_app()
    assert app.config["CHECK_RATE_LIMIT"] == (CHECK_RATE_LIMIT, 600)
    # The fuzz test sends ~1,260 self-checks from one address in one run.
    assert CHECK_RATE_LIMIT >= 4 * 1260


def test_a_limit_of_zero_counts_nothing(make_app: Callable[..., Flask]) -> None:
    app = make_app(CHECK_RATE_LIMIT=(0, 600))
    assert _statuses(app, [("api", "-"), ("form", "-")] * 3) == [200] * 6


@pytest.mark.parametrize("value", ["-1", "lots", "1.5", "1e3", "٣"])
def test_a_bad_limit_stops_the_start(
    make_app: Callable[..., Flask], capsys: pytest.CaptureFixture[str], value: Any
) -> None:
    with pytest.raises(SystemExit):
        make_app(CHECK_RATE_LIMIT=(value, 600))
    error = capsys.readouterr().err
    assert f"{CHECK_RATE_LIMIT_ENV} is {value!r}" in error and "0 for no limit" in error


@pytest.mark.parametrize("door", DOORS)
def test_the_self_check_is_answered_and_limited_while_the_database_is_locked(
    make_app: Callable[..., Flask], database_url: str, door: str
) -> None:
    app = make_app(DATABASE_BUSY_TIMEOUT_MS=300, **LIMITED)
    client = app.test_client()
    token = page_token(client, "/check")
    with locked(database_url):
        statuses = [
            (
                _api(client, "-") if door == "api" else client.post("/check", data={"csrf_token": token, **TYPED})
            ).status_code
            for _ in range(3)
        ]
    assert statuses == [200, 200, 429]


class Clock:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_memory_limiter_counts_as_the_database_limiter_does() -> None:
    clock = Clock()
    limiter = MemoryLimiter(2, 600, clock)
    assert [limiter.hit("a"), limiter.hit("a")] == [None, None]
    clock.now += 100
    assert limiter.hit("a") == 500  # until the oldest hit is 600 seconds old
    assert limiter.hit("b") is None  # another key has its own count
    clock.now += 499
    assert limiter.hit("a") == 1  # refused hits are not counted
    clock.now += 1
    assert limiter.hit("a") is None  # hits exactly `window` old no longer count (both went)
    assert limiter.hit("a") is None
    assert limiter.hit("a") == 600


def test_the_memory_limiter_forgets_old_keys_and_keeps_at_most_max_keys() -> None:
    clock = Clock()
    limiter = MemoryLimiter(1, 600, clock, max_keys=100)
    for number in range(1000):
        limiter.hit(f"192.0.2.{number}")
    assert limiter.keys() == 100
    assert limiter.hit("192.0.2.999") is not None  # the newest keys are kept
    clock.now += 600
    limiter.hit("198.51.100.1")
    assert limiter.keys() == 1  # every expired key went
