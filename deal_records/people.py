"""Users, passwords, API tokens and sign-in with a rate limit that every worker shares.

Passwords are kept only as Werkzeug's scrypt hashes; tokens are random
(secrets.token_urlsafe(32)) and only their sha256 is stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from deal_records.models import ApiToken, Role, SignInFailure, User, utc_now

MIN_PASSWORD = 8
MAX_FAILURES = 5
FAILURE_WINDOW = dt.timedelta(minutes=15)
LOCKED_FOR = dt.timedelta(minutes=15)
PASSWORD_METHOD = "scrypt"
# Compared against when the account does not exist, so both cases take as long.
_UNKNOWN_USER_HASH = generate_password_hash(secrets.token_urlsafe(16), method=PASSWORD_METHOD)


class PeopleError(ValueError):
    """A user or token request that cannot be done; the message says why and what to do."""


def normal_email(email: str) -> str:
    """Emails are matched without case and surrounding spaces."""
    return email.strip().lower()


def check_password(password: str) -> None:
    """Refuse a password that is too short."""
    if len(password) < MIN_PASSWORD:
        raise PeopleError(f"the password is {len(password)} characters long; use at least {MIN_PASSWORD}")


def hash_password(password: str) -> str:
    """A slow salted hash of the password."""
    check_password(password)
    return generate_password_hash(password, method=PASSWORD_METHOD)


def find_user(session: Session, email: str) -> User | None:
    """The user with this email, if any."""
    return session.scalar(select(User).where(User.email == normal_email(email)))


def require_user(session: Session, email: str) -> User:
    """The user with this email, or PeopleError naming the command that lists users."""
    user = find_user(session, email)
    if user is None:
        raise PeopleError(f"no user {normal_email(email)!r}; see `playbook users list`")
    return user


def add_user(session: Session, email: str, role: str, password: str, name: str | None = None) -> User:
    """Add a user; refuse a malformed or taken email, an unknown role, a short password."""
    address = normal_email(email)
    if "@" not in address.strip("@") or any(char.isspace() for char in address):
        raise PeopleError(f"{email!r} is not an email address; write it like rep@example.com")
    if role not in tuple(Role):
        raise PeopleError(f"unknown role {role!r}; use rep or manager")
    if find_user(session, address) is not None:
        raise PeopleError(f"{address} is already a user; change the password with `playbook users password {address}`")
    user = User(email=address, name=(name or "").strip() or None, role=role, password_hash=hash_password(password))
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, email: str, password: str) -> User:
    """Replace a user's password (their open sessions end: the session holds a fingerprint of it)."""
    user = require_user(session, email)
    user.password_hash = hash_password(password)
    return user


def disable_user(session: Session, email: str) -> User:
    """Stop a user from signing in or using tokens; their deals and checks stay."""
    user = require_user(session, email)
    user.active = False
    return user


def list_users(session: Session) -> list[User]:
    """Every user, by email."""
    return list(session.scalars(select(User).order_by(User.email)))


def password_fingerprint(user: User) -> str:
    """A short digest of the password hash: a session made before a password change stops working."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in attempt: the user, or locked, or neither (wrong email or password)."""

    user: User | None
    locked: bool = False


def locked_until(session: Session, email: str, now: dt.datetime) -> dt.datetime | None:
    """When the account's lock ends, if MAX_FAILURES failures came within FAILURE_WINDOW lately."""
    recent = list(
        session.scalars(
            select(SignInFailure.failed_at)
            .where(SignInFailure.email == normal_email(email))
            .order_by(SignInFailure.failed_at.desc())
            .limit(MAX_FAILURES)
        )
    )
    if len(recent) < MAX_FAILURES or recent[0] - recent[-1] > FAILURE_WINDOW:
        return None
    until: dt.datetime = recent[0] + LOCKED_FOR
    return until if now < until else None


def sign_in(session: Session, email: str, password: str) -> SignIn:
    """Check the password; count a failure for the email whether or not the account exists."""
    now = utc_now()
    address = normal_email(email)[:254]
    if locked_until(session, address, now) is not None:
        return SignIn(None, locked=True)
    user = find_user(session, address)
    if user is None:
        check_password_hash(_UNKNOWN_USER_HASH, password)
    elif check_password_hash(user.password_hash, password) and user.active:
        session.execute(delete(SignInFailure).where(SignInFailure.email == address))
        return SignIn(user)
    session.add(SignInFailure(email=address, failed_at=now))
    session.execute(delete(SignInFailure).where(SignInFailure.failed_at < now - FAILURE_WINDOW - LOCKED_FOR))
    return SignIn(None)


def token_digest(token: str) -> str:
    """The sha256 of a token, as stored."""
    return hashlib.sha256(token.encode("utf-8", "surrogateescape")).hexdigest()


def create_token(session: Session, email: str) -> tuple[ApiToken, str]:
    """A new API token for the user: the row (stored hashed) and the token, to show once."""
    user = require_user(session, email)
    if not user.active:
        raise PeopleError(f"{user.email} is disabled; a disabled user gets no token")
    token = secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, token_sha256=token_digest(token))
    session.add(row)
    session.flush()
    return row, token


def revoke_tokens(session: Session, email: str, token_id: int | None = None) -> int:
    """Revoke one of the user's tokens (by id) or all of them; return how many were revoked."""
    user = require_user(session, email)
    query = select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    if token_id is not None:
        query = query.where(ApiToken.id == token_id)
    tokens = list(session.scalars(query))
    if token_id is not None and not tokens:
        raise PeopleError(f"{user.email} has no active token {token_id}; see `playbook tokens list {user.email}`")
    for row in tokens:
        row.revoked_at = utc_now()
    return len(tokens)


def list_tokens(session: Session, email: str) -> list[ApiToken]:
    """The user's tokens, newest first (their hashes only)."""
    user = require_user(session, email)
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())))


def user_for_token(session: Session, token: str) -> User | None:
    """The active user an unrevoked token belongs to, else None."""
    row = session.scalar(
        select(ApiToken).where(ApiToken.token_sha256 == token_digest(token), ApiToken.revoked_at.is_(None))
    )
    if row is None or not row.user.active:
        return None
    return row.user
