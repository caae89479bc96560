"""Idempotency keys: a write repeated with the same key answers as the first time and records nothing.

A client (or a form) names a write with a key. The first write stores the key, a
fingerprint of the request and the answer in the same transaction as the record it made;
a repeat from the same user within `KEY_LIFETIME` gets that answer back; the same key with
a different request is refused. Two workers getting the same new key at once both try to
insert it: the database's unique (user, key) constraint lets one commit, the other rolls
back (with its record) and answers as the first.

An answer that holds a secret (a buyer's link, whose token is otherwise stored hashed only) is
kept sealed: encrypted and authenticated with a key derived from the app's secret key, so the
database alone never gives the link away; a repeat within KEY_LIFETIME opens it again.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import Session

from deal_records.models import IdempotencyKey, utc_now

KEY_LIFETIME = dt.timedelta(hours=24)
MAX_KEY_LENGTH = 255
SEALED_PREFIX = "sealed-v1:"
PENDING_PREFIX = "answering-v1:"  # never a JSON answer's start, nor a sealed one's
_NONCE_BYTES = 16
_TAG_BYTES = 32


class BadKey(ValueError):
    """The key cannot be used; the message says what a key looks like."""


@dataclass(frozen=True)
class KeyedRequest:
    """A write named by a key: who sent it, the key, and the fingerprint of what was sent."""

    user_id: int
    key: str
    fingerprint: str


@dataclass(frozen=True)
class StoredAnswer:
    """The answer the first request with a key got."""

    status: int
    body: str
    location: str | None
    fingerprint: str
    created_at: dt.datetime


def check_key(key: str) -> str:
    """The key as given, or BadKey when it is empty, too long or not printable ASCII."""
    if not key or len(key) > MAX_KEY_LENGTH or not all(" " < c <= "~" for c in key):
        raise BadKey(
            f"an Idempotency-Key is 1 to {MAX_KEY_LENGTH} printable ASCII characters without spaces, "
            "for example a UUID such as 3f2b8c1e-9a4d-4c7b-8e21-5d6f0a9b1c23"
        )
    return key


def fingerprint(method: str, path: str, body: bytes) -> str:
    """The sha256 of the request's method, path and body (the caller gives a JSON body in its canonical form)."""
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


# Asked once or twice by every request that sends a key: built once.
_KEPT = select(IdempotencyKey).where(
    IdempotencyKey.user_id == bindparam("user_id"), IdempotencyKey.key == bindparam("key")
)


def stored_answer(db: Session, user_id: int, key: str, now: dt.datetime | None = None) -> StoredAnswer | None:
    """The answer kept for this user's key, if the key was used within KEY_LIFETIME."""
    row = db.scalars(_KEPT, {"user_id": user_id, "key": key}).first()
    if row is None or row.created_at < (now or utc_now()) - KEY_LIFETIME:
        return None
    return StoredAnswer(row.status, row.body, row.location, row.fingerprint, row.created_at)


def forget_expired(db: Session, now: dt.datetime | None = None) -> None:
    """Delete every key older than KEY_LIFETIME, anyone's: so that a key may name a new write, and so that no kept
    answer (a sealed buyer's link least of all) stays in the database beyond its lifetime."""
    cutoff = (now or utc_now()) - KEY_LIFETIME
    db.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < cutoff))


def keep_answer(db: Session, keyed: KeyedRequest, status: int, body: str, location: str | None) -> None:
    """Store the key with its answer in the write's transaction; flushed now so a key used at once by another worker fails here."""
    db.add(
        IdempotencyKey(
            user_id=keyed.user_id,
            key=keyed.key,
            fingerprint=keyed.fingerprint,
            status=status,
            body=body,
            location=location,
            created_at=utc_now(),
        )
    )
    db.flush()


def replace_answer(db: Session, keyed: KeyedRequest, status: int, body: str, location: str | None) -> None:
    """Put the final answer in place of the one kept with the key (the write was answered after its transaction)."""
    db.execute(
        update(IdempotencyKey)
        .where(IdempotencyKey.user_id == keyed.user_id, IdempotencyKey.key == keyed.key)
        .values(status=status, body=body, location=location)
    )


def forget_key(db: Session, keyed: KeyedRequest) -> None:
    """Delete the key, whatever its age: the write it named was undone, so a repeat makes it anew."""
    db.execute(delete(IdempotencyKey).where(IdempotencyKey.user_id == keyed.user_id, IdempotencyKey.key == keyed.key))


def _keys(secret: str | bytes) -> tuple[bytes, bytes]:
    """The encryption and authentication keys of a secret: each derived for this use only."""
    raw = secret.encode() if isinstance(secret, str) else secret
    encrypt, authenticate = (
        hmac.new(raw, f"playbook idempotent answer: {use}".encode(), hashlib.sha256).digest()
        for use in ("encrypt", "authenticate")
    )
    return encrypt, authenticate


def _keystream(key: bytes, nonce: bytes, length: int) -> bytes:
    """HMAC-SHA256 in counter mode: a pseudo-random pad as long as the text, never the same for two nonces."""
    blocks = (hmac.new(key, nonce + n.to_bytes(8, "big"), hashlib.sha256).digest() for n in range(length // 32 + 1))
    return b"".join(blocks)[:length]


def sealed_for(keyed: KeyedRequest, status: int, location: str | None) -> bytes:
    """What a sealed answer is bound to besides its text: whose key it is, the request, and how it is answered, so
    that a sealed body copied to another row, or a row's status or Location changed, no longer opens."""
    return "\n".join([str(keyed.user_id), keyed.key, keyed.fingerprint, str(status), location or ""]).encode()


def seal(secret: str | bytes, text: str, bound_to: bytes) -> str:
    """The text encrypted and authenticated (encrypt-then-MAC, the tag also over `bound_to`) with keys derived from
    `secret`, as ASCII."""
    encrypt, authenticate = _keys(secret)
    nonce = secrets.token_bytes(_NONCE_BYTES)
    plain = text.encode()
    cipher = bytes(a ^ b for a, b in zip(plain, _keystream(encrypt, nonce, len(plain)), strict=True))
    tag = _tag(authenticate, bound_to, nonce, cipher)
    return SEALED_PREFIX + base64.urlsafe_b64encode(nonce + cipher + tag).decode()


def is_sealed(body: str) -> bool:
    """Whether a kept answer was sealed."""
    return body.startswith(SEALED_PREFIX)


def while_answering(body: str) -> str:
    """An answer kept only while the request is being answered (to be replaced by its answer when made), marked so:
    a repeat meanwhile gets it, but it is not the first request's answer."""
    return PENDING_PREFIX + body


def answering_body(body: str) -> str | None:
    """The answer a kept `while_answering` body tells a repeat; None for a kept answer of the request itself."""
    return body.removeprefix(PENDING_PREFIX) if body.startswith(PENDING_PREFIX) else None


def _tag(key: bytes, bound_to: bytes, nonce: bytes, cipher: bytes) -> bytes:
    """The MAC over what the answer is bound to (its length first, so no two splits read alike), the nonce and the
    cipher text."""
    return hmac.new(key, len(bound_to).to_bytes(8, "big") + bound_to + nonce + cipher, hashlib.sha256).digest()


def unseal(secrets_to_try: Iterable[str | bytes], sealed: str, bound_to: bytes) -> str | None:
    """The text sealed with one of these secrets (the current one first, then older ones), or None when none of
    them sealed it (the secret changed since) or it was altered."""
    try:
        packed = base64.urlsafe_b64decode(sealed.removeprefix(SEALED_PREFIX))
    except (binascii.Error, ValueError):
        return None
    if len(packed) < _NONCE_BYTES + _TAG_BYTES:
        return None
    nonce, cipher, tag = packed[:_NONCE_BYTES], packed[_NONCE_BYTES:-_TAG_BYTES], packed[-_TAG_BYTES:]
    for secret in secrets_to_try:
        encrypt, authenticate = _keys(secret)
        if hmac.compare_digest(tag, _tag(authenticate, bound_to, nonce, cipher)):
            pad = _keystream(encrypt, nonce, len(cipher))
            return bytes(a ^ b for a, b in zip(cipher, pad, strict=True)).decode()
    return None
