"""Who is asking: the signed-in user of the session cookie on pages, of an API token under /api/.

The session cookie holds only a random key of a session kept in the database (no user id, no
password material): signing out, changing the password or disabling the user deletes it, and
the cookie then opens nothing, wherever it was copied. The API reads no cookie at all, so a
page on another site cannot make a signed-in browser call it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar
from urllib.parse import urlencode, urlsplit

from flask import abort, g, redirect, request, session
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import BadRequest
from werkzeug.wrappers import Response as BaseResponse

from assess_app.client import request_address
from assess_app.paths import is_api_path
from assess_app.records import records, token_limiter
from deal_records.models import User
from deal_records.people import close_session, open_session, user_for_session, user_for_token

P = ParamSpec("P")
R = TypeVar("R")
_UNSET = object()
DEFAULT_NEXT = "/deals"
SESSION_KEY = "session"  # the only thing the session cookie holds about who is signed in


def start_session(user: User) -> None:
    """Sign the user in (a new session: nothing from before sign-in carries over)."""
    with records().writing() as db:
        key = open_session(db, user)
    session.clear()
    session[SESSION_KEY] = key
    g.signed_in = user


def end_session() -> None:
    """Sign out: the session ends on the server, so a copy of the cookie opens nothing either."""
    key = session.get(SESSION_KEY)
    if isinstance(key, str):
        with records().writing() as db:
            close_session(db, key)
    session.clear()
    g.signed_in = None


def _session_user() -> User | None:
    key = session.get(SESSION_KEY)
    if not isinstance(key, str):
        return None  # anonymous: no user to look up (the self-check reads no record; only its count is kept)
    with records().reading() as db:
        user = user_for_session(db, key)
    if user is None:
        session.clear()
    return user


def _token_user() -> User | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    address = request_address()
    # One reading session for both (each session costs a connection and a transaction: most API requests pay this).
    with records().reading() as db:
        # Asked before the token is looked up: from an address over the limit, even a right guess opens nothing.
        wait = token_limiter().waiting(address, db)
        if wait is not None:
            g.token_wait = wait
            return None
        user = user_for_token(db, token.strip())
    if user is None:
        token_limiter().hit(address)
    return user


def token_wait() -> float | None:
    """The seconds this request's address must wait before its tokens are looked up again (None: no wait): set
    when too many of its tokens opened nothing (TOKEN_FAILURE_LIMIT)."""
    wait: float | None = g.get("token_wait")
    return wait


def current_user() -> User | None:
    """The user of this request (the API's: by token; a page's: by session), or None; looked up once per request."""
    found = g.get("signed_in", _UNSET)
    if found is _UNSET:
        if is_api_path(request.path):
            found = _token_user() if "Authorization" in request.headers else None
        else:
            found = _session_user()
        g.signed_in = found
    return found if isinstance(found, User) else None


def safe_next(target: str | None) -> str:
    """A path on this site to go back to after signing in; anything else goes to /deals.

    Checked as a browser reads a URL: browsers drop tabs and line breaks anywhere in it, trim
    control characters and spaces, and read a backslash as a slash, so "/%09/evil.example"
    is "//evil.example", another site. Such a target is refused rather than repaired.
    """
    if not target or any(char < " " or char in "\\\x7f" for char in target) or target != target.strip():
        return DEFAULT_NEXT
    if not target.startswith("/") or target.startswith("//"):
        return DEFAULT_NEXT
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return DEFAULT_NEXT
    return target


class SessionEnded(BadRequest):
    """A form sent with a valid token from a session that has ended on the server (`playbook users sign-out`, a
    new password, a disabled user): answered as a form refused for its token is (errors.handle_http_error), with
    what it held to copy, not by a redirect that would drop it."""

    description = "the session the form was sent in has ended on the server"


_READING = frozenset({"GET", "HEAD", "OPTIONS"})


def login_required(view: Callable[P, R]) -> Callable[P, R | BaseResponse]:
    """Send anonymous visitors to the sign-in page, then back here; a form sent from a session that has ended
    is refused instead (SessionEnded), keeping what it held."""

    @wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R | BaseResponse:
        if current_user() is None:
            if request.method not in _READING:
                raise SessionEnded()
            return redirect("/login?" + urlencode({"next": request.full_path.rstrip("?")}))
        return view(*args, **kwargs)

    return wrapped


def signed_in_user() -> User:
    """The user of a view behind login_required."""
    user = current_user()
    if user is None:
        abort(401)
    return user


def user_for_page() -> User | None:
    """The user for the page header; None when the database is down (the error page must still render)."""
    try:
        return current_user()
    except SQLAlchemyError:
        g.signed_in = None
        return None
