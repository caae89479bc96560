"""Users, passwords, API tokens and sign-in with a rate limit that every worker shares.

Passwords are kept only as Werkzeug's scrypt hashes; tokens are random
(secrets.token_urlsafe(32)) and only their sha256 is stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import secrets
from dataclasses import dataclass
from functools import cache

from sqlalchemy import ColumnElement, bindparam, delete, select
from sqlalchemy.orm import Session, joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from deal_records.limits import key_digest
from deal_records.models import ApiToken, Role, SignInFailure, TeamMember, User, UserSession, utc_now
from sales_process.email_address import email_problem
from sales_process.suggest import did_you_mean
from sales_process.text import text_problem
from sales_process.wording import quoted

MIN_PASSWORD = 8
# Wrong passwords for one account from one client address before signing in from there pauses;
# another address is not affected, so nobody can lock someone else out.
MAX_FAILURES = 5
# Wrong passwords from one client address, whatever the accounts, before that address pauses.
MAX_ADDRESS_FAILURES = 20
FAILURE_WINDOW = dt.timedelta(minutes=15)
LOCKED_FOR = dt.timedelta(minutes=15)
_ADDRESS_SCOPE = "sign-in"
# A session lasts this long at most, however it is used: then the user signs in again.
SESSION_LIFETIME = dt.timedelta(days=30)
PASSWORD_ALGORITHM = "scrypt"
# Werkzeug's scrypt at its full work factor (N=2**15, r=8, p=1), written out: a new Werkzeug default changes
# nothing here. (The tests hash at N=1024, as Django advises: tests/conftest.py's fast_password_hashes.)
PASSWORD_METHOD = f"{PASSWORD_ALGORITHM}:32768:8:1"


class PeopleError(ValueError):
    """A user or token request that cannot be done; the message says why and what to do."""


def normal_email(email: str) -> str:
    """Emails are matched without case and surrounding spaces."""
    return email.strip().lower()


def unknown_owner(session: Session, owner: str) -> str | None:
    """Why a filter by `owner` matches no deal because it names nobody ("'b0@example.com' is no user's email; did
    you mean 'bo@example.com'?"), or None when it is a user's email: the /deals page and GET /api/deals say it alike."""
    email = normal_email(owner)
    emails = list(session.scalars(select(User.email).order_by(User.email)))
    if email in emails:
        return None
    return f"{quoted(email)} is no user's email{did_you_mean(email, emails) or '.'}"


def check_password(password: str) -> None:
    """Refuse a password that is too short."""
    if len(password) < MIN_PASSWORD:
        raise PeopleError(f"the password is {len(password)} characters long; use at least {MIN_PASSWORD}")


def hash_password(password: str) -> str:
    """A slow salted hash of the password."""
    check_password(password)
    return generate_password_hash(password, method=PASSWORD_METHOD)


@cache
def _unknown_user_hash(method: str) -> str:
    """A hash to check a password against when the account does not exist, so both cases take as long.

    Made when an app starts (prepare_sign_in), not when the module is imported: every command imports
    it, and would spend the tenth of a second for nothing.
    """
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


def prepare_sign_in() -> None:
    """Make what sign_in compares an unknown account's password against, so that even the first sign-in
    with an unknown email takes as long as one with a known email (the app calls it when it starts)."""
    _unknown_user_hash(PASSWORD_METHOD)


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
    address, shown_name = _new_user(session, email, role, name)
    return _added(session, User(email=address, name=shown_name, role=role, password_hash=hash_password(password)))


# The password hash of a user added without a password (`playbook import --create-users` makes the CRM's
# owners reps): no password matches it, `playbook users list` says so, `playbook users password` gives one.
NO_PASSWORD = "!"


def add_user_without_password(session: Session, email: str, role: str, name: str | None = None) -> User:
    """Add a user who cannot sign in until given a password; the same checks as add_user but the password's."""
    address, shown_name = _new_user(session, email, role, name)
    return _added(session, User(email=address, name=shown_name, role=role, password_hash=NO_PASSWORD))


def has_password(user: User) -> bool:
    """Whether the user was given a password (one added by an import was not)."""
    return user.password_hash != NO_PASSWORD


def add_user_with_hash(session: Session, email: str, role: str, password_hash: str, name: str | None = None) -> User:
    """Add a user whose password `hash_password` hashed already; the same checks as add_user but the password's.

    The tests add their many users with a few known passwords, each hashed once: the scrypt of
    every new user was a tenth of a second each.
    """
    if not password_hash.startswith(f"{PASSWORD_ALGORITHM}:"):
        raise PeopleError(f"the password hash is not a {PASSWORD_ALGORITHM} hash made by hash_password")
    address, shown_name = _new_user(session, email, role, name)
    return _added(session, User(email=address, name=shown_name, role=role, password_hash=password_hash))


def check_new_user(session: Session, email: str, role: str, name: str | None = None) -> None:
    """PeopleError for a malformed or taken email, an unknown role or a bad name: what add_user refuses but the
    password, asked before the password is (`playbook users add`)."""
    _new_user(session, email, role, name)


def _new_user(session: Session, email: str, role: str, name: str | None) -> tuple[str, str | None]:
    """A new user's normalised email and name; PeopleError for a malformed or taken email, an unknown role, a bad name."""
    address = normal_email(email)
    # The rule of every address (a buyer's too): a user's address is mailed (the weekly digest, a Reply-To).
    problem = email_problem(address, like="rep@example.com")
    if problem is not None:
        raise PeopleError(f"the email {problem}")
    if role not in tuple(Role):
        raise PeopleError(f"unknown role {role!r}; use rep or manager")
    name_problem = text_problem(name or "", single_line=True)
    if name_problem is not None:
        raise PeopleError(f"the name {name_problem}")
    if find_user(session, address) is not None:
        raise PeopleError(f"{address} is already a user; change the password with `playbook users password {address}`")
    return address, (name or "").strip() or None


def _added(session: Session, user: User) -> User:
    session.add(user)
    session.flush()
    return user


@dataclass(frozen=True)
class PasswordChanged:
    """A password replaced: the user, how many sessions ended and API tokens were revoked with it, and how many
    failed sign-ins to the account were forgotten."""

    user: User
    sessions_ended: int
    tokens_revoked: int
    failures_forgotten: int = 0


def set_password(session: Session, email: str, password: str) -> PasswordChanged:
    """Replace a user's password; their sessions end and their API tokens are revoked (whoever knew the old one is out).

    The account's failed sign-ins are forgotten: they were guesses at the old password, and a user locked out
    by them is told to ask for a reset, which must let them in."""
    user = require_user(session, email)
    user.password_hash = hash_password(password)
    forgotten = session.execute(delete(SignInFailure).where(SignInFailure.email == user.email))
    return PasswordChanged(
        user, end_sessions(session, user), revoke_tokens(session, user.email), int(getattr(forgotten, "rowcount", 0))
    )


def disable_user(session: Session, email: str) -> User:
    """Stop a user from signing in or using tokens (their sessions end now); their deals and checks stay."""
    user = require_user(session, email)
    user.active = False
    end_sessions(session, user)
    return user


def enable_user(session: Session, email: str) -> tuple[User, int]:
    """Let a disabled user sign in again with their password; the API tokens made before stay unusable (revoked
    now: whoever kept one while they were disabled is not let back in). Returns the user and the tokens revoked."""
    user = require_user(session, email)
    if user.active:
        raise PeopleError(f"{user.email} is not disabled; nothing to do")
    user.active = True
    return user, revoke_tokens(session, user.email)


def list_users(session: Session) -> list[User]:
    """Every user, by email."""
    return list(session.scalars(select(User).order_by(User.email)))


def set_manager(session: Session, rep_email: str, manager_email: str | None) -> User | None:
    """Name the manager whose weekly digest covers the rep (None: no one's, so every manager's); the manager, or None.

    PeopleError for an unknown user, a rep named as the manager, a disabled manager, or a manager named as the rep.
    """
    rep = require_user(session, rep_email)
    if rep.role != Role.REP:
        raise PeopleError(f"{rep.email} is a {rep.role}, not a rep; only a rep has a manager")
    manager = require_user(session, manager_email) if manager_email is not None else None
    if manager is not None and manager.role != Role.MANAGER:
        raise PeopleError(
            f"{manager.email} is a {manager.role}, not a manager; add a manager with "
            "`playbook users add EMAIL --role manager`"
        )
    if manager is not None and not manager.active:
        raise PeopleError(f"{manager.email} is disabled, so gets no digest; name an active manager")
    member = session.get(TeamMember, rep.id)
    if manager is None:
        if member is not None:
            session.delete(member)
    elif member is None:
        session.add(TeamMember(rep_id=rep.id, manager_id=manager.id))
    else:
        member.manager_id = manager.id
    session.flush()
    return manager


def managers_of_reps(session: Session) -> dict[int, User]:
    """Each rep's manager, by the rep's id (a rep without one is not in it)."""
    rows = session.execute(select(TeamMember.rep_id, User).join(User, User.id == TeamMember.manager_id))
    return {rep_id: manager for rep_id, manager in rows}


def open_session(session: Session, user: User) -> str:
    """Start a session for the user: the key for the cookie (random; only its sha256 is stored).
    The user's sessions older than SESSION_LIFETIME go (browsers closed without signing out)."""
    now = utc_now()
    session.execute(
        delete(UserSession).where(UserSession.user_id == user.id, UserSession.created_at < now - SESSION_LIFETIME)
    )
    key = secrets.token_urlsafe(32)
    session.add(UserSession(user_id=user.id, key_sha256=token_digest(key), created_at=now))
    session.flush()
    return key


def user_for_session(session: Session, key: str) -> User | None:
    """The active user of an open session younger than SESSION_LIFETIME, else None."""
    row = session.scalar(
        select(UserSession).options(joinedload(UserSession.user)).where(UserSession.key_sha256 == token_digest(key))
    )
    if row is None or not row.user.active or row.created_at < utc_now() - SESSION_LIFETIME:
        return None
    return row.user


def close_session(session: Session, key: str) -> None:
    """End one session (signing out): its cookie opens nothing any more, wherever it was copied."""
    session.execute(delete(UserSession).where(UserSession.key_sha256 == token_digest(key)))


def end_sessions(session: Session, user: User) -> int:
    """End every session of the user; return how many there were."""
    ended = session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    return int(getattr(ended, "rowcount", 0) or 0)


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in attempt: the user, or locked, or neither (wrong email or password)."""

    user: User | None
    locked: bool = False
    retry_after: int = 0  # when locked: the seconds until the pause ends (HTTP's Retry-After)


def address_digest(client_address: str) -> str:
    """How a client address is kept with its failures (its sha256: the address itself is not stored)."""
    return key_digest(_ADDRESS_SCOPE, client_address)


def _paused_until(
    session: Session, where: list[ColumnElement[bool]], limit: int, now: dt.datetime
) -> dt.datetime | None:
    """When the pause ends, if the latest `limit` failures matching `where` came within FAILURE_WINDOW;
    every further failure moves the end on (the back-off)."""
    recent = list(
        session.scalars(
            select(SignInFailure.failed_at).where(*where).order_by(SignInFailure.failed_at.desc()).limit(limit)
        )
    )
    if len(recent) < limit or recent[0] - recent[-1] > FAILURE_WINDOW:
        return None
    until: dt.datetime = recent[0] + LOCKED_FOR
    return until if now < until else None


def locked_until(session: Session, email: str, client_address: str, now: dt.datetime) -> dt.datetime | None:
    """When signing in to this account from this address may go on: MAX_FAILURES failures for the
    pair, or MAX_ADDRESS_FAILURES from the address for any accounts, pause it (None: not paused)."""
    address = address_digest(client_address)
    pair = [SignInFailure.email == normal_email(email), SignInFailure.address_sha256 == address]
    ends = [
        _paused_until(session, pair, MAX_FAILURES, now),
        _paused_until(session, [SignInFailure.address_sha256 == address], MAX_ADDRESS_FAILURES, now),
    ]
    paused = [end for end in ends if end is not None]
    return max(paused) if paused else None


def sign_in(session: Session, email: str, password: str, client_address: str) -> SignIn:
    """Check the password; count a failure for the (email, client address) whether or not the account exists."""
    now = utc_now()
    address = normal_email(email)[:254]
    until = locked_until(session, address, client_address, now)
    if until is not None:
        # Refused without a look at the password, so not a failure: the pause ends when it said it would.
        return SignIn(None, locked=True, retry_after=math.ceil((until - now).total_seconds()))
    user = find_user(session, address)
    digest = address_digest(client_address)
    if user is None or not has_password(user):
        # As long as checking a real password: the time of the answer does not tell which emails are users.
        check_password_hash(_unknown_user_hash(PASSWORD_METHOD), password)
    elif check_password_hash(user.password_hash, password) and user.active:
        session.execute(
            delete(SignInFailure).where(SignInFailure.email == address, SignInFailure.address_sha256 == digest)
        )
        return SignIn(user)
    session.add(SignInFailure(email=address, address_sha256=digest, failed_at=now))
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


# Every API request asks this: built once (building and keying a statement cost SQLAlchemy more than running it),
# and the user alone, joined to the token (loading the token's row too doubled the time).
_USER_OF_TOKEN = (
    select(User)
    .join(ApiToken, ApiToken.user_id == User.id)
    .where(ApiToken.token_sha256 == bindparam("digest"), ApiToken.revoked_at.is_(None))
)


def user_for_token(session: Session, token: str) -> User | None:
    """The active user an unrevoked token belongs to, else None."""
    user = session.scalar(_USER_OF_TOKEN, {"digest": token_digest(token)})
    if user is None or not user.active:
        return None
    return user
