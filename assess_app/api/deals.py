"""The deal records API: list and create deals, read one with its verdict, history and confirmation requests, add a check.

Every route needs a token (Authorization: Bearer; a session cookie is not read here, so a
page on another site cannot call the API as a signed-in browser); a deal the caller may not
see is 404, exactly like a deal that does not exist.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from flask import Response, current_app, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from assess_app.api import bp
from assess_app.api.body import BadBody, Body, day_error, dump_json, encoding_refused, read_json
from assess_app.api.paging import cursor_after, next_link, read_cursor
from assess_app.asking import request_summary
from assess_app.compress import names_representation
from assess_app.current import current_process
from assess_app.deals.verdicts import Verdict, buyer_view, deal_verdict
from assess_app.errors import api_errors
from assess_app.idempotent import idempotent_api, keep
from assess_app.query import needs_token, takes_query
from assess_app.records import records, retry_after
from assess_app.signed_in import current_user, signed_in_user, token_wait
from deal_records.confirmations import BUYER_SOURCE, deal_requests
from deal_records.details import change_details, deal_changes, parse_details_change
from deal_records.models import Check, Deal, DealChange, OutcomeEvent, User
from deal_records.outcomes import (
    closed_check_refusal,
    current_outcome,
    current_outcomes,
    is_closed,
    outcome_events,
    parse_outcome_change,
    record_outcome,
)
from deal_records.people import unknown_owner
from deal_records.records import (
    CrmIdTaken,
    RecordError,
    buyer_answered,
    create_deal,
    deal_checks,
    deal_page,
    find_deal,
    may_check,
    page_problem,
    parse_new_deal,
    record_check,
    standing_buyer_answers,
    whole_number_problem,
)
from sales_process import clock
from sales_process.deal import BuyerAnswer, parse_deal, parse_iso_date
from sales_process.loader import LoadedProcess
from sales_process.problems import InvalidInput
from sales_process.report import assessment_json

P = ParamSpec("P")
R = TypeVar("R")
ApiAnswer = Response | tuple[Response, int]
MAX_PER_PAGE = 500
LIST_PARAMETERS = ("owner", "stage", "closed", "crm_id", "cursor", "page", "per_page")
log = logging.getLogger("assess_app")


def api_login_required(view: Callable[P, ApiAnswer]) -> Callable[P, ApiAnswer]:
    """401 with the errors body unless a valid token comes with the request."""

    @needs_token
    @wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> ApiAnswer:
        if current_user() is None:
            wait = token_wait()
            if wait is not None:
                response, status = api_errors(429, [{"loc": "", "message": too_many_tokens(wait)}])
                response.headers["Retry-After"] = retry_after(wait)
                return response, status
            response, status = api_errors(401, [{"loc": "", "message": _unauthorized()}])
            response.headers["WWW-Authenticate"] = 'Bearer realm="playbook"'
            return response, status
        return view(*args, **kwargs)

    return wrapped


def too_many_tokens(wait: float) -> str:
    """Why a request's token was not even looked up: its address sent too many that open nothing."""
    limit, window = current_app.config["TOKEN_FAILURE_LIMIT"]
    return (
        f"too many requests from this address sent tokens that open nothing ({limit} within {window // 60} minutes): "
        f"no token from it is read for {retry_after(wait)} seconds; check the token your client sends "
        "(Authorization: Bearer TOKEN), then retry after that"
    )


def _unauthorized() -> str:
    """Why the request has no user: no token sent, or one that opens nothing (which of revoked, mistyped or a
    disabled user's is not said: the answer must not tell a guesser which tokens were once real)."""
    make_one = "make one with `playbook tokens create EMAIL`"
    if "Authorization" not in request.headers:
        return f"send your API token: Authorization: Bearer TOKEN ({make_one}); the API reads no session cookie"
    return (
        "the token sent opens nothing: it is mistyped, revoked, or its user is disabled; send a valid one as "
        f"Authorization: Bearer TOKEN ({make_one})"
    )


def api_json(data: object, status: int = 200) -> Response:
    """A JSON answer, written as `playbook assess --json` writes it."""
    return Response(dump_json(data), status=status, mimetype="application/json")


NEW_DEAL_EXAMPLE = 'a new deal such as {"name": "Northwind", "amount": "USD 120,000", "claimed_stage": "proposing"}'
DETAILS_EXAMPLE = (
    'a change of the deal\'s details such as {"name": "Northwind — 40 seats"} or {"owner": "rep@example.com"}'
)
OUTCOME_EXAMPLE = 'an outcome such as {"outcome": "won", "date": "YYYY-MM-DD"} or {"outcome": "lost", "date": "YYYY-MM-DD", "reason": "No budget"}'


def check_example(loaded: LoadedProcess) -> str:
    """What an empty check is told to send: an answer to the process's first milestone."""
    first = next((milestone.id for _, milestone in loaded.process.milestones()), "MILESTONE_ID")
    answer = '{"met": true, "evidence": "Reply from the CFO", "date": "YYYY-MM-DD"}'
    return f'a check such as {{"milestones": {{"{first}": {answer}}}}}'


def read_body(example: str) -> tuple[Body, ApiAnswer | None]:
    """The request's JSON body, or the 415/400 answer that refuses it (an empty body is told `example`); the
    problems found reading it are told with its parser's, by `Body.parsed`."""
    compressed = encoding_refused(request.headers.get("Content-Encoding"))
    if compressed is not None:
        return Body(None), api_errors(415, [{"loc": "Content-Encoding", "message": compressed}])
    if not request.is_json:
        got = request.mimetype or "no Content-Type"
        return Body(None), api_errors(
            415, [{"loc": "", "message": f"send JSON with Content-Type: application/json (got {got})"}]
        )
    try:
        return read_json(request.get_data(cache=False), example), None
    except BadBody as bad:
        return Body(None), api_errors(400, [{"loc": "", "message": bad.message}])


def invalid_body(invalid: InvalidInput) -> ApiAnswer:
    """400 listing every problem of the body, each with its location."""
    return api_errors(400, [{"loc": p.loc_text(), "message": p.message} for p in invalid.problems])


def caller_and_deal(db: Session, user_id: int, deal_id: int) -> tuple[User, Deal] | None:
    """The signed-in caller as stored, and the deal if they may see it; None answers 404 (the same for a deal
    that does not exist and one they may not see)."""
    caller = db.get(User, user_id)
    deal = find_deal(db, caller, deal_id) if caller is not None else None
    return (caller, deal) if caller is not None and deal is not None else None


def not_found() -> ApiAnswer:
    """404 for a deal that does not exist or that the caller may not see (the same answer)."""
    return api_errors(404, [{"loc": "", "message": "Not Found: there is no deal with this id that you may see."}])


def _time(value: dt.datetime | None) -> str | None:
    return None if value is None else value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def deal_json(deal: Deal) -> dict[str, Any]:
    """A deal's own fields."""
    return {
        "id": deal.id,
        "name": deal.name,
        "crm_id": deal.crm_id,
        "owner": deal.owner.email,
        "amount": deal.amount,
        "currency": deal.currency,
        "segment": deal.segment,
        "claimed_stage": deal.claimed_stage,
        "created_at": _time(deal.created_at),
        "last_checked_at": _time(deal.last_checked_at),
    }


def check_json(check: Check, checked_by: User | None) -> dict[str, Any]:
    """One check of the history."""
    return {
        "id": check.id,
        "checked_at": _time(check.checked_at),
        "checked_by": checked_by.email if checked_by else None,
        "source": check.source,
        "process_version": check.process_version,
        "process_sha256": check.process_sha256,
        "claimed_stage": check.claimed_stage,
        "amount": check.amount,
        "currency": check.currency,
        "segment": check.segment,
        "verified_stage": check.verified_stage,
        "milestones": check.answers,
        "buyer": {"name": check.buyer_name, "email": check.buyer_email} if check.source == BUYER_SOURCE else None,
        "note": check.note,
    }


def _verdict(
    loaded: LoadedProcess, deal: Deal, as_of: dt.date, closed: bool = False
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The verdict's JSON (as POST /api/assess) and the deal-level marks of what the buyer confirmed.

    A `closed` deal (won or lost) counts as an outcome, not as pipeline: as in audit.csv and on its page,
    nothing of it is weighted (`weighted_amount` null) and the customer is asked for nothing more (`next` empty).
    """
    verdict = deal_verdict(loaded, deal, as_of)
    answer = assessment_json(loaded, verdict.assessment)
    if closed:
        answer.update(next=[], weighted_amount=None)
    return answer, buyer_marks(loaded, verdict)


def buyer_marks(loaded: LoadedProcess, verdict: Verdict) -> dict[str, Any]:
    """Whether the buyer confirmed the outcomes that put the deal at its verified stage, and which outcomes they confirmed."""
    view = buyer_view(loaded, verdict)  # what the deal page shows of the buyer's word
    confirmed = {word.milestone_id for word in view.confirmed}
    return {
        "buyer_confirmed": view.gate_confirmed,
        "buyer_confirmed_milestones": [
            milestone.id for _, milestone in loaded.process.milestones() if milestone.id in confirmed
        ],
    }


def confirmations_json(db: Session, deal: Deal) -> list[dict[str, object]]:
    """The deal's confirmation requests as the API shows them (never a token), newest first."""
    return [request_summary(row) for row in deal_requests(db, deal)]


@bp.get("/deals")
@api_login_required
@takes_query(*LIST_PARAMETERS)
def list_deals() -> ApiAnswer:
    """The caller's deals (a manager's: all), ?owner=EMAIL&stage=ID&crm_id=ID&closed=BOOL, newest first: a page
    by ?page=N&per_page=N, or, stable while deals are created and closed, by ?cursor= (each answer's next_cursor)."""
    user = signed_in_user()
    loaded = current_process()
    asked = _list_request(loaded)
    if not isinstance(asked, ListRequest):
        return asked
    if asked.owner is not None and not user.is_manager and asked.owner.strip().lower() != user.email:
        return api_json(_list_body([], asked, 0, None))
    today = clock.today()
    with records().reading() as db:
        # A manager's owner naming nobody is a mistyped email, said as the /deals page says it (not an empty list).
        nobody = unknown_owner(db, asked.owner) if asked.owner is not None else None
        if nobody is not None:
            return api_errors(400, [{"loc": "owner", "message": nobody}])
        found = deal_page(
            db,
            user,
            asked.page or 1,
            asked.per_page,
            asked.owner,
            loaded.process.stage_ids(asked.stage) if asked.stage else None,
            closed=asked.closed,
            before=asked.before,
            crm_id=asked.crm_id,
        )
        events = current_outcomes(db, [deal.id for deal in found.deals])
        deals = [_listed(loaded, deal, today, events.get(deal.id)) for deal in found.deals]
    cursor = cursor_after(found.deals[-1].id) if found.more else None
    response = api_json(_list_body(deals, asked, found.total, cursor))
    if cursor is not None:
        response.headers["Link"] = next_link(request.path, request.args.items(multi=True), cursor)
    return response


@dataclass(frozen=True)
class ListRequest:
    """What GET /api/deals was asked: its filters, and a page number (None: a cursor walk) or the id to go on below."""

    per_page: int
    closed: bool
    page: int | None = None
    before: int | None = None
    stage: str | None = None
    owner: str | None = None
    crm_id: str | None = None


def _list_request(loaded: LoadedProcess) -> ListRequest | ApiAnswer:
    """The list's query read, or the 400 naming the first parameter at fault."""
    args = request.args
    refused = page_problem(args.get("page"))
    if refused is not None:
        return api_errors(400, [{"loc": "page", "message": f"page: {refused}"}])
    refused = whole_number_problem(args.get("per_page"), "a number of deals per page", MAX_PER_PAGE)
    if refused is not None:
        return api_errors(400, [{"loc": "per_page", "message": f"per_page: {refused}"}])
    per_page = args.get("per_page", "50")
    closed = args.get("closed", "false")
    if closed not in ("true", "false"):
        return api_errors(400, [{"loc": "closed", "message": f"closed is {closed!r}; write true or false"}])
    try:
        stage = loaded.process.stage_named(args["stage"]) if args.get("stage") else None
    except ValueError as error:
        return api_errors(400, [{"loc": "stage", "message": f"stage: {error}"}])
    crm_id = args.get("crm_id")  # never blank, nor any parameter given twice: assess_app.query refused those
    if "cursor" in args and "page" in args:
        message = "give cursor or page, not both: a cursor walk follows next_cursor from the first page"
        return api_errors(400, [{"loc": "cursor", "message": message}])
    try:
        before = read_cursor(args["cursor"]) if "cursor" in args else None
    except ValueError as error:
        return api_errors(400, [{"loc": "cursor", "message": f"cursor: {error}"}])
    return ListRequest(
        per_page=int(per_page),
        closed=closed == "true",
        page=None if before is not None else int(args.get("page", "1")),
        before=before,
        stage=stage,
        owner=args.get("owner") or None,
        crm_id=crm_id.strip() if crm_id is not None else None,
    )


def _list_body(deals: list[dict[str, Any]], asked: ListRequest, total: int, cursor: str | None) -> dict[str, Any]:
    """The list's answer: the deals, where they are in the list (page null on a cursor walk) and what follows."""
    return {"deals": deals, "page": asked.page, "per_page": asked.per_page, "total": total, "next_cursor": cursor}


def _listed(loaded: LoadedProcess, deal: Deal, today: dt.date, latest: OutcomeEvent | None) -> dict[str, Any]:
    """A deal of the list: its fields, its verdict's summary, its outcome and, when closed, the closing event."""
    closed = is_closed(latest)
    full, marks = _verdict(loaded, deal, today, closed)
    summary = {
        key: full[key] for key in ("as_of", "verified_stage", "claimed_stage", "stages_ahead", "weighted_amount")
    }
    return {
        **deal_json(deal),
        "verdict": summary,
        **marks,
        "outcome": latest.outcome if latest else "open",
        "closing": outcome_event_json(latest) if latest is not None and closed else None,
    }


@bp.post("/deals")
@api_login_required
@idempotent_api
def create() -> ApiAnswer:
    """Create a deal {name, crm_id?, amount?, currency?, segment?, claimed_stage?, owner?}: 201 with the deal."""
    user = signed_in_user()
    loaded = current_process()
    body, refused = read_body(NEW_DEAL_EXAMPLE)
    if refused is not None:
        return refused
    try:
        new = body.parsed(lambda data: parse_new_deal(data, loaded))
        with records().writing() as db:
            caller = db.get(User, user.id)
            assert caller is not None
            deal = create_deal(db, caller, new)
            text = dump_json(deal_json(deal))
            keep(db, 201, text, f"/api/deals/{deal.id}")
    except InvalidInput as invalid:
        return invalid_body(invalid)
    except RecordError as error:
        return _refused(error, user.is_manager)
    log.info("deal %s created by user %s through the API", deal.id, user.id)
    response = Response(text, status=201, mimetype="application/json")
    response.headers["Location"] = f"/api/deals/{deal.id}"
    return response


def _as_of(text: str | None) -> dt.date:
    """?as_of=: a YYYY-MM-DD day, read as a body's days are (day_error); left out, today."""
    if text is None:
        return clock.today()
    refused = day_error(text)
    if refused is not None:
        raise refused
    return parse_iso_date(text)  # blank: told to write a day


def _refused(error: RecordError, is_manager: bool) -> ApiAnswer:
    """The answer refusing a new deal or a change of one; a CRM id the caller's own deal (a manager's: any deal)
    holds points at that deal, with its id in the error and a Location header."""
    item: dict[str, Any] = {"loc": error.loc, "message": error.message}
    held = error.deal_id if isinstance(error, CrmIdTaken) else None
    if held is not None:
        item["deal_id"] = held
    response, status = api_errors(_refusal_status(error, is_manager), [item])
    if held is not None:
        response.headers["Location"] = f"/api/deals/{held}"
    return response, status


def _refusal_status(error: RecordError, is_manager: bool) -> int:
    """403 for a rep naming another owner, 404 for a manager naming nobody who can sign in,
    409 for a CRM id already saved, else 400."""
    if error.loc == "owner":
        return 404 if is_manager else 403
    return 409 if error.loc == "crm_id" else 400


# Ids are read signed: /api/deals/-1 is told "no deal", as /api/deals/0 is, not "no such address".
@bp.get("/deals/<int(signed=True):deal_id>")
@api_login_required
@takes_query("as_of")
def show(deal_id: int) -> ApiAnswer:
    """The deal, its verdict (as of today or ?as_of=), its checks (oldest first) and confirmation requests (newest
    first), with a strong ETag of what it shows: 304 when If-None-Match names it."""
    user = signed_in_user()
    loaded = current_process()
    try:
        as_of = _as_of(request.args.get("as_of"))
    except ValueError as error:
        return api_errors(400, [{"loc": "as_of", "message": f"as_of: {error}"}])
    with records().reading() as db:
        deal = find_deal(db, user, deal_id)
        if deal is None:
            return not_found()
        text = dump_json(deal_answer(db, loaded, deal, as_of))
    tag = etag_of(text)
    if request.if_none_match.contains_weak(tag):
        response = Response(status=304)
    else:
        response = Response(text, mimetype="application/json")
    response.set_etag(tag)
    return response


def deal_answer(db: Session, loaded: LoadedProcess, deal: Deal, as_of: dt.date) -> dict[str, Any]:
    """What GET /api/deals/{id} answers: the deal, its verdict as of `as_of` and everything recorded of it."""
    latest = current_outcome(db, deal.id)
    verdict, marks = _verdict(loaded, deal, as_of, is_closed(latest))
    return {
        **deal_json(deal),
        "verdict": verdict,
        **marks,
        "checks": [check_json(check, check.checked_by) for check in deal_checks(db, deal)],
        "confirmations": confirmations_json(db, deal),
        **outcome_json(db, deal),
        "closing": outcome_event_json(latest) if latest is not None and is_closed(latest) else None,
        "changes": [change_json(change) for change in deal_changes(db, deal.id)],
    }


def etag_of(text: str) -> str:
    """The entity tag of an answer's JSON (unquoted): a digest of exactly what it shows."""
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _changed_since_read(db: Session, loaded: LoadedProcess, deal: Deal) -> ApiAnswer | None:
    """412 when If-Match names no tag of the deal as GET /api/deals/{id} shows it now, plain or compressed (`*`
    names any)."""
    if "If-Match" not in request.headers:
        return None
    tag = etag_of(dump_json(deal_answer(db, loaded, deal, clock.today())))
    if names_representation(request.if_match, tag):
        return None
    weak = (
        " (a weak tag, W/…, never matches: If-Match compares strongly)" if "W/" in request.headers["If-Match"] else ""
    )
    message = (
        f'the deal changed since you read it (If-Match names none of its ETag "{tag}"){weak}; nothing was changed: '
        f"GET /api/deals/{deal.id} again, make your change to what it shows, and send its ETag in If-Match"
    )
    return api_errors(412, [{"loc": "If-Match", "message": message}])


# RFC 9110 §13.1.1: If-Match is "*" or a list of entity tags, [W/]"…" (empty list elements are allowed, §5.6.1.2).
_ENTITY_TAG = '(W/)?"[\x21\x23-\x7e\x80-\xff]*"'
_IF_MATCH = re.compile(f"[ \t]*([*]|(({_ENTITY_TAG})?[ \t]*,[ \t]*)*({_ENTITY_TAG})?)[ \t]*")


def _malformed_if_match(deal_id: int) -> ApiAnswer | None:
    """400 for an If-Match that is no list of entity tags: a client's mistake, not a tag the deal changed from."""
    sent = request.headers.get("If-Match")
    if sent is None or _IF_MATCH.fullmatch(sent):
        return None
    message = (
        f"If-Match {sent[:100]!r} is not a list of entity tags (RFC 9110: * or tags in double quotes, "
        f'"3f2a…"); send the ETag of GET /api/deals/{deal_id} exactly as it was given, quotes included'
    )
    return api_errors(400, [{"loc": "If-Match", "message": message}])


def change_json(change: DealChange) -> dict[str, Any]:
    """One renaming, CRM id change or owner move of a deal."""
    return {
        "field": change.field,
        "before": change.before,
        "after": change.after,
        "source": change.source,
        "changed_by": change.changed_by.email if change.changed_by else None,
        "changed_at": _time(change.changed_at),
    }


@bp.patch("/deals/<int(signed=True):deal_id>")
@api_login_required
def change(deal_id: int) -> ApiAnswer:
    """Rename the deal, change its CRM id or (a manager) move it to another owner: 200 with the deal and the
    changes made ([] when every value was the deal's already)."""
    user = signed_in_user()
    malformed = _malformed_if_match(deal_id)
    if malformed is not None:
        return malformed
    read, refused = read_body(DETAILS_EXAMPLE)
    if refused is not None:
        return refused
    try:
        details = read.parsed(parse_details_change)  # told whether or not the deal exists: a 400 reveals nothing
    except InvalidInput as invalid:
        return invalid_body(invalid)
    with records().writing() as db:
        found = caller_and_deal(db, user.id, deal_id)
        if found is None:
            return not_found()
        caller, deal = found
        # No other change of the deal between the If-Match test, ours and the ETag answered.
        db.execute(select(Deal.id).where(Deal.id == deal.id).with_for_update())
        loaded = current_process()
        changed = _changed_since_read(db, loaded, deal)
        if changed is not None:
            return changed
        try:
            made = change_details(db, caller, deal, details, "api")
        except RecordError as error:
            if error.loc == "deal":
                return not_found()
            return _refused(error, user.is_manager)
        for row in made:
            db.refresh(row, ["changed_by"])
        body = {**deal_json(deal), "changes": [change_json(row) for row in made]}
        tag = etag_of(dump_json(deal_answer(db, loaded, deal, clock.today())))
    if made:
        log.info("deal %s: %s changed by user %s through the API", deal_id, ", ".join(r.field for r in made), user.id)
    response = api_json(body)
    response.set_etag(tag)  # the deal's as GET shows it now: a next PATCH's If-Match needs no GET first
    return response


def outcome_event_json(event: OutcomeEvent) -> dict[str, Any]:
    """One closing or reopening of a deal."""
    return {
        "id": event.id,
        "outcome": event.outcome,
        "date": event.closed_on.isoformat() if event.closed_on else None,
        "amount": event.amount,
        "currency": event.currency,
        "reason": event.reason,
        "source": event.source,
        "recorded_by": event.recorded_by.email if event.recorded_by else None,
        "recorded_at": _time(event.recorded_at),
    }


def outcome_json(db: Session, deal: Deal) -> dict[str, Any]:
    """The deal's outcome now and its closings and reopenings, oldest first."""
    current = current_outcome(db, deal.id)
    return {
        "outcome": current.outcome if current else "open",
        "outcome_events": [outcome_event_json(event) for event in outcome_events(db, deal.id)],
    }


@bp.post("/deals/<int(signed=True):deal_id>/outcome")
@api_login_required
@idempotent_api
def set_outcome(deal_id: int) -> ApiAnswer:
    """Close the deal won or lost, or reopen it: 201 with the event appended."""
    user = signed_in_user()
    body, refused = read_body(OUTCOME_EXAMPLE)
    if refused is not None:
        return refused
    with records().writing() as db:
        found = caller_and_deal(db, user.id, deal_id)
        if found is None:
            return not_found()
        caller, deal = found
        try:
            change = body.parsed(parse_outcome_change)
        except InvalidInput as invalid:
            return invalid_body(invalid)
        try:
            event = record_outcome(db, caller, deal, change, "api")
        except RecordError as error:
            if error.loc == "deal":
                return not_found()  # a rep's view of another rep's deal: it does not exist
            return api_errors(409, [{"loc": error.loc, "message": error.message}])
        db.refresh(event, ["recorded_by"])
        text = dump_json(outcome_event_json(event))
        keep(db, 201, text, f"/api/deals/{deal_id}")
    log.info("deal %s: outcome %s recorded by user %s through the API", deal_id, change.outcome.value, user.id)
    response = Response(text, status=201, mimetype="application/json")
    response.headers["Location"] = f"/api/deals/{deal_id}"
    return response


@bp.post("/deals/<int(signed=True):deal_id>/checks")
@api_login_required
@idempotent_api
def add_check(deal_id: int) -> ApiAnswer:
    """Record a check with the body of POST /api/assess and an optional currency: 201 with the check and the verdict."""
    user = signed_in_user()
    loaded = current_process()
    with records().reading() as db:
        deal = find_deal(db, user, deal_id)
    if deal is None:
        return not_found()
    if not may_check(user, deal):
        return api_errors(
            403, [{"loc": "", "message": "only the deal's owner records its checks; a manager reads them"}]
        )
    body, refused = read_body(check_example(loaded))
    if refused is not None:
        return refused
    try:
        given = body.parsed(lambda data: parse_deal(data, loaded.process, currency_key=True))
    except InvalidInput as invalid:
        return invalid_body(invalid)
    with records().writing() as db:
        stored = db.get(Deal, deal_id)
        assert stored is not None
        closed = closed_check_refusal(db, stored)
        if closed is not None:
            return api_errors(409, [{"loc": "outcome", "message": _reopen_first(deal_id, closed)}])
        answered = {m: standing for m, standing in standing_buyer_answers(db, stored).items() if m in given.answers}
        if answered:
            return api_errors(409, [_buyer_answered(deal_id, m, standing) for m, standing in answered.items()])
        caller = db.get(User, user.id)  # read only for a check that is recorded: most refused ones are of closed deals
        check = record_check(db, stored, loaded, given, "api", caller, keep_left_out=True)
        verdict, marks = _verdict(loaded, stored, clock.today(), is_closed(current_outcome(db, deal_id)))
        text = dump_json({"check": check_json(check, caller), "verdict": verdict, **marks})
        keep(db, 201, text, f"/api/deals/{deal_id}")
    log.info("check %s of deal %s saved by user %s through the API", check.id, deal_id, user.id)
    response = Response(text, status=201, mimetype="application/json")
    response.headers["Location"] = f"/api/deals/{deal_id}"
    return response


def _reopen_first(deal_id: int, closed: str) -> str:
    """Why a check of a closed deal is refused, and how to reopen it first (as POST .../outcome says)."""
    return (
        f'{closed}; reopen it first (POST /api/deals/{deal_id}/outcome with {{"outcome": "open"}}), then '
        "record the check"
    )


def _buyer_answered(deal_id: int, milestone_id: str, buyer: BuyerAnswer) -> dict[str, str]:
    """Why a check may not answer a milestone the buyer answered, and what to do instead."""
    return {
        "loc": f"milestones.{milestone_id}",
        "message": f"{buyer_answered(milestone_id, buyer)} (POST /api/deals/{deal_id}/confirmations): leave it out",
    }
