"""Routes of the buyer's confirmation page: show the statements, record the answers once."""

from __future__ import annotations

import datetime as dt

from flask import Response, abort, current_app, make_response, render_template, request

from assess_app.client import request_address
from assess_app.confirm import bp
from assess_app.confirm.form import (
    NO,
    YES,
    ReplyForm,
    answer_field,
    comment_field,
    form_key,
    form_key_problem,
    read_reply,
    reply_of,
)
from assess_app.current import confirm_limiter, current_confirmations, current_process
from assess_app.records import retry_after
from sales_process.confirmation import (
    BuyerReply,
    ConfirmationRequest,
    RequestState,
    looks_like_token,
    same_hash,
    token_hash,
)

UNPROCESSABLE = 422
NOT_FOUND = 404
GONE = 410

_GONE_REASONS = {
    RequestState.REVOKED: "The sender has withdrawn it.",
    RequestState.EXPIRED: "It has expired.",
}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _company() -> str:
    """The company the buyer knows, from the process served now: a page for a link that does not open names no deal."""
    return current_process().process.company or "Confirmation"


def _message(title: str, message: str, status: int, sent: str | None = None) -> Response:
    page = render_template("confirm/message.html", title=title, message=message, company=_company(), sent=sent)
    return make_response(page, status)


def _unknown() -> Response:
    # The same page for a link never made and one changed or cut when copied: it says nothing of which.
    return _message("This link does not open", "It may have been cut or changed when it was copied.", NOT_FOUND)


@bp.before_request
def limit_per_address() -> Response | None:
    """Refuse a client address that sent too many requests (guessing tokens, or a stuck script)."""
    if request.endpoint == "confirm.static":
        return None
    wait = confirm_limiter().hit(request_address())
    if wait is None:
        return None
    response = _message(
        "Too many requests",
        "Too many requests came from your address. Please wait a few minutes and open the link again.",
        429,
    )
    response.headers["Retry-After"] = retry_after(wait)
    return response


@bp.after_request
def keep_the_link_private(response: Response) -> Response:
    """The link must not reach other sites (Referer), caches or search engines."""
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _find(token: str) -> tuple[ConfirmationRequest, str]:
    """The request of this token and the token's hash; otherwise 404 with one plain page for unknown and tampered links."""
    store = current_confirmations()
    if store is None or not looks_like_token(token):
        abort(_unknown())
    hashed = token_hash(token)
    found = store.find(hashed)
    if found is None or not same_hash(found.token_hash, hashed):
        abort(_unknown())
    return found, hashed


ANSWERED = frozenset({RequestState.CONFIRMED, RequestState.DECLINED})
ANSWERED_TITLE = "This link has been answered: thank you"
ANSWERED_MESSAGE = (
    "The answers sent first through this link are recorded. It cannot be used again; to change an answer, ask the "
    "person who sent you the link for a new one."
)
# A repeat of an answered link (a reload of the thank-you page, a form sent twice, another tab): most often the very
# answers recorded; when not, what it held is given to copy.
ANSWERED_SENT = (
    "If this form held other answers (sent from another tab or window), those were not recorded; here they are, to "
    "copy into a reply:"
)


def _gone(state: RequestState, sent: str | None = None) -> Response:
    if state in ANSWERED:
        # The first answers were recorded: never "not recorded" to a buyer who reloads the thank-you page.
        page = render_template(
            "confirm/message.html",
            title=ANSWERED_TITLE,
            message=ANSWERED_MESSAGE,
            company=_company(),
            sent=sent,
            sent_intro=ANSWERED_SENT,
            answered=True,
        )
        return make_response(page, GONE)
    reason = _GONE_REASONS.get(state, "It can no longer be used.")
    if sent is None:
        return _message("This link can no longer be used", reason, GONE)
    # Answers sent after the link was used (another tab), withdrawn or expired: not recorded, and not lost either.
    return _message("Your answers were not recorded", f"This link can no longer be used. {reason}", GONE, sent)


def _what_was_sent(found: ConfirmationRequest) -> str:
    """The answers of a form that can no longer be recorded, as text the buyer can copy into a reply: what they
    sent and nothing more (the statements are not repeated to whoever holds a withdrawn link)."""
    lines = []
    for number, statement in enumerate(found.statements, start=1):
        answer = request.form.get(answer_field(statement.milestone_id), "")
        said = {YES: "Yes, this is right", NO: "Not quite"}.get(answer, "(no answer)")
        lines.append(f"Statement {number} of {len(found.statements)}: {said}")
        comment = request.form.get(comment_field(statement.milestone_id), "").strip()
        if comment:
            lines.append(f"  {comment}")
    name = request.form.get("buyer_name", "").strip()
    if name:
        lines.append(f"— {name}")
    return "\n".join(lines)


def _page(found: ConfirmationRequest, form: ReplyForm, status: int = 200, key_problem: str | None = None) -> Response:
    page = render_template(
        "confirm/page.html",
        request_=found,
        form=form,
        key=form_key(current_app.config["SECRET_KEY"], found.token_hash),
        key_problem=key_problem,
        answer_field=answer_field,
        comment_field=comment_field,
        yes=YES,
        no=NO,
    )
    return make_response(page, status)


def _cross_site() -> bool:
    """Whether the browser says the form was sent from another site.

    The page's `Referrer-Policy: no-referrer` makes browsers send `Origin: null` even for our own
    form, so "null" is no sign of another site; Sec-Fetch-Site says it reliably where sent.
    """
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        return True
    origin = request.headers.get("Origin")
    return origin not in (None, "null", request.host_url.rstrip("/"))


@bp.get("/confirm", defaults={"rest": ""})
@bp.get("/confirm/", defaults={"rest": ""})
@bp.get("/confirm/<token>/<path:rest>")
def cut(rest: str, token: str = "") -> Response:
    """A link cut before its token, or with more after it: the same page as for any link that does not open."""
    return _unknown()


@bp.get("/confirm/<token>")
def show(token: str) -> Response:
    """The statements to confirm, or a page saying the link is used, withdrawn or expired."""
    found, _ = _find(token)
    state = found.state_at(_now())
    if state is not RequestState.PENDING:
        return _gone(state)
    return _page(found, ReplyForm(buyer_name=found.buyer_name))  # the name the rep greeted them by


@bp.post("/confirm/<token>")
def answer(token: str) -> Response:
    """Record the buyer's answers once; give the form back with every answer kept when something is missing."""
    found, hashed = _find(token)
    if _cross_site():
        abort(403)
    now = _now()
    state = found.state_at(now)
    if state is not RequestState.PENDING:
        return _gone(state, _what_was_sent(found))
    form = read_reply(found, request.form)
    problem = form_key_problem(current_app.config["SECRET_KEY"], found.token_hash, request.form.get("form_key"))
    if problem:
        return _page(found, form, 400, key_problem=problem)
    if form.errors:
        return _page(found, form, UNPROCESSABLE)
    reply = reply_of(found, form, now)
    store = current_confirmations()
    if store is None or not store.record(hashed, reply):
        latest = store.find(hashed) if store else None
        return _gone(latest.state_at(now) if latest else RequestState.EXPIRED, _what_was_sent(found))
    return _thanks(found, reply)


def _thanks(found: ConfirmationRequest, reply: BuyerReply) -> Response:
    texts = {statement.milestone_id: statement.text for statement in found.statements}
    page = render_template("confirm/thanks.html", request_=found, reply=reply, texts=texts)
    return make_response(page, 200)
