"""Confirmation tokens: random, at least 128 bits, stored only as a hash, compared in constant time."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib

import pytest

from sales_process.confirmation import (
    BuyerReply,
    ConfirmationRequest,
    RequestState,
    StatementAnswer,
    looks_like_token,
    new_token,
    same_hash,
    token_hash,
)

NOW = dt.datetime(2027, 3, 1, 12, 0, tzinfo=dt.UTC)


def test_a_token_carries_256_random_bits_and_its_hash_is_sha256() -> None:
    tokens = [new_token() for _ in range(200)]
    assert len({token for token, _ in tokens}) == 200
    for token, hashed in tokens:
        assert len(base64.urlsafe_b64decode(token + "=")) * 8 == 256
        assert looks_like_token(token)
        assert hashed == hashlib.sha256(token.encode()).hexdigest() == token_hash(token)
        assert token not in hashed


@pytest.mark.parametrize("text", ["", "A" * 42, "A" * 44, "A" * 42 + "=", "A" * 42 + ".", "A" * 42 + "é", "../" * 15])
def test_anything_else_is_not_a_token(text: str) -> None:
    assert not looks_like_token(text)


def test_hashes_are_compared_whole() -> None:
    hashed = token_hash("A" * 43)
    assert same_hash(hashed, token_hash("A" * 43))
    assert not same_hash(hashed, hashed[:-1] + ("0" if hashed[-1] != "0" else "1"))
    assert not same_hash(hashed, hashed[:32])
    assert not same_hash(hashed, "é" * 64)


def test_a_pending_request_expires_at_its_time() -> None:
    request = ConfirmationRequest("h", "Contoso", "Deal", (), NOW)
    assert request.state_at(NOW - dt.timedelta(seconds=1)) is RequestState.PENDING
    assert request.state_at(NOW) is RequestState.EXPIRED
    revoked = ConfirmationRequest("h", "Contoso", "Deal", (), NOW, RequestState.REVOKED)
    assert revoked.state_at(NOW + dt.timedelta(days=1)) is RequestState.REVOKED


def test_a_reply_becomes_the_buyers_answers_dated_in_utc() -> None:
    late_evening = dt.datetime(2027, 3, 1, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))  # 04:30 UTC on 2 March
    reply = BuyerReply("Dana", late_evening, (StatementAnswer("a", True), StatementAnswer("b", False, "Not yet.")))
    answers = reply.buyer_answers("dana@fabrikam.example")
    assert {key: (a.agreed, a.date, a.comment) for key, a in answers.items()} == {
        "a": (True, dt.date(2027, 3, 2), None),
        "b": (False, dt.date(2027, 3, 2), "Not yet."),
    }
    assert reply.state is RequestState.DECLINED
    assert BuyerReply("Dana", NOW, (StatementAnswer("a", True),)).state is RequestState.CONFIRMED
