"""Routes of sign-in and sign-out."""

from __future__ import annotations

import logging

from flask import make_response, redirect, render_template, request
from werkzeug.wrappers import Response as BaseResponse

from assess_app.auth import bp
from assess_app.client import request_address
from assess_app.records import records
from assess_app.signed_in import current_user, end_session, safe_next, start_session
from deal_records.people import FAILURE_WINDOW, LOCKED_FOR, MAX_ADDRESS_FAILURES, MAX_FAILURES, sign_in

TOO_MANY = 429
UNAUTHORIZED = 401
MAX_FIELD = 1000
log = logging.getLogger("assess_app")
WRONG = "The email or the password is wrong."
LOCKED = (
    f"Too many failed sign-ins: after {MAX_FAILURES} to this account from this network within "
    f"{FAILURE_WINDOW.seconds // 60} minutes, signing in to it from here is paused for {LOCKED_FOR.seconds // 60} "
    f"minutes after the last one (after {MAX_ADDRESS_FAILURES} to any accounts, every sign-in from here is). "
    "Try again later, or ask your administrator to reset your password."
)


def _page(status: int = 200, error: str | None = None, email: str = "") -> tuple[str, int]:
    return render_template(
        "auth/login.html", error=error, email=email, next=safe_next(request.values.get("next"))
    ), status


@bp.get("/login")
def login_form() -> tuple[str, int] | BaseResponse:
    """The sign-in form (a signed-in user goes straight on)."""
    if current_user() is not None:
        return redirect(safe_next(request.args.get("next")))
    return _page()


@bp.post("/login")
def login() -> tuple[str, int] | BaseResponse:
    """Check the email and password; the answer never says whether the account exists."""
    email = request.form.get("email", "")[:MAX_FIELD].strip()
    password = request.form.get("password", "")[:MAX_FIELD]
    if not email or not password:
        return _page(400, "Enter your email and your password.", email)
    with records().writing() as db:
        outcome = sign_in(db, email, password, request_address())
    if outcome.locked:
        log.warning("sign-in refused: too many failures from one client address")
        page, status = _page(TOO_MANY, LOCKED, email)
        return make_response(page, status, {"Retry-After": str(outcome.retry_after)})
    if outcome.user is None:
        log.info("sign-in failed")
        return _page(UNAUTHORIZED, WRONG, email)
    start_session(outcome.user)
    log.info("signed in: user %s", outcome.user.id)
    return redirect(safe_next(request.form.get("next")), 303)


@bp.get("/logout")
def logout_form() -> str:
    """The sign-out button on a page of its own, for an address typed or bookmarked (a GET signs nobody out: a
    link or an image on another site could)."""
    return render_template("auth/logout.html", user=current_user())


@bp.post("/logout")
def logout() -> BaseResponse:
    """Sign out (POST only, with the CSRF token: a link cannot sign anyone out)."""
    end_session()
    return redirect("/login", 303)
