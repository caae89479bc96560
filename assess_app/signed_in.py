"""Who is asking: the signed-in user of the session cookie, or of an API token.

The session holds the user id and a fingerprint of the password hash, so changing a
password or disabling a user ends their sessions on every server at the next request.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar
from urllib.parse import urlencode

from flask import abort, g, redirect, request, session
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response as BaseResponse

from assess_app.records import records
from deal_records.models import User
from deal_records.people import password_fingerprint, user_for_token

P = ParamSpec("P")
R = TypeVar("R")
_UNSET = object()


def start_session(user: User) -> None:
    """Sign the user in (a new session: nothing from before sign-in carries over)."""
    session.clear()
    session["user_id"] = user.id
    session["password"] = password_fingerprint(user)
    g.signed_in = user


def end_session() -> None:
    """Sign out."""
    session.clear()
    g.signed_in = None


def _session_user() -> User | None:
    user_id = session.get("user_id")
    if not isinstance(user_id, int):
        return None  # anonymous: no database query at all (the self-check stays database-free)
    with records().reading() as db:
        user = db.get(User, user_id)
    if user is None or not user.active or session.get("password") != password_fingerprint(user):
        session.clear()
        return None
    return user


def _token_user() -> User | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    with records().reading() as db:
        return user_for_token(db, token.strip())


def current_user() -> User | None:
    """The user of this request (token first, then session), or None; looked up once per request."""
    found = g.get("signed_in", _UNSET)
    if found is _UNSET:
        found = (_token_user() if "Authorization" in request.headers else None) or _session_user()
        g.signed_in = found
    return found if isinstance(found, User) else None


def safe_next(target: str | None) -> str:
    """A path on this site to go back to after signing in (never another site)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/deals"
    return target


def login_required(view: Callable[P, R]) -> Callable[P, R | BaseResponse]:
    """Send anonymous visitors to the sign-in page, then back here."""

    @wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R | BaseResponse:
        if current_user() is None:
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
