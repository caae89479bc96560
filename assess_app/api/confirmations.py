"""The buyer confirmation API: ask a deal's buyer to confirm outcomes, list the requests, withdraw one.

Only the deal's owner asks and withdraws (a manager reads: 403); a deal the caller may not see
is 404, like everywhere in the deals API. The link's token is in the 201 answer only: it is
never logged, and the list shows requests without it. A repeat of the request's Idempotency-Key
answers as the first did, link included: that answer is kept sealed with the app's secret key
(assess_app.idempotent.keep_sealed), never in clear.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import request
from sqlalchemy.orm import Session

from assess_app.api import bp
from assess_app.api.deals import (
    ApiAnswer,
    api_json,
    api_login_required,
    caller_and_deal,
    confirmations_json,
    invalid_body,
    not_found,
    read_body,
)
from assess_app.asking import Asked, DealNotFound, ask_buyer, request_summary
from assess_app.current import current_process
from assess_app.errors import api_errors
from assess_app.idempotent import forget_kept, idempotent_api, keep_sealed, keep_while_answering
from assess_app.records import records
from assess_app.signed_in import signed_in_user
from deal_records.confirmations import revoke_request
from deal_records.models import ConfirmationRequest as RequestRow
from deal_records.models import Deal
from deal_records.records import MAX_DEAL_ID, RecordError, find_deal, may_check
from sales_process.confirmation import confirmable, parse_new_request
from sales_process.problems import InvalidInput

NOT_THE_OWNER = "only the deal's owner asks its buyer to confirm outcomes or withdraws a link; a manager reads them"
NO_BODY = (
    "withdrawing a link takes no body: nothing of a reason or a notice would be kept or sent; "
    "send the POST without one (tell the buyer yourself if they should know)"
)
NO_MAIL_SERVER = (
    "the app sends no mail (PLAYBOOK_SMTP_URL is not set): send this email from your own mail program, or open `mailto`"
)


def _request_not_found() -> ApiAnswer:
    return api_errors(404, [{"loc": "", "message": "Not Found: this deal has no confirmation request with this id."}])


def _refused(error: RecordError) -> ApiAnswer:
    """403 for a caller who is not the owner, 409 for a process without a company or a link no longer pending."""
    return api_errors(403 if error.loc == "deal" else 409, [{"loc": error.loc, "message": error.message}])


def _email_json(asked: Asked) -> dict[str, Any]:
    if asked.sent:
        reason = None
    elif asked.send_error is None:
        reason = NO_MAIL_SERVER
    else:
        reason = f"the mail server did not take it ({asked.send_error}): send this email from your own mail program, or open `mailto`"
    return {
        "to": asked.buyer_email,
        "subject": asked.mail.subject,
        "body": asked.mail.body,
        "mailto": asked.mailto,
        "sent": asked.sent,
        "not_sent_because": reason,
    }


def _request_example() -> str:
    """What an empty confirmation request is told to send: the process's first milestone a buyer can confirm."""
    first = next((milestone_id for milestone_id, _ in confirmable(current_process().process)), "MILESTONE_ID")
    return (
        f'a confirmation request such as {{"milestones": ["{first}"], "buyer_name": "Dana Reyes", '
        '"buyer_email": "dana@customer.example"}'
    )


def _location(deal_id: int, request_id: int) -> str:
    return f"/api/deals/{deal_id}/confirmations/{request_id}"


@bp.post("/deals/<int(signed=True):deal_id>/confirmations")
@api_login_required
@idempotent_api
def ask(deal_id: int) -> ApiAnswer:
    """Ask the buyer {milestones, buyer_name, buyer_email, expires_in_days?}: 201 with the link and the email."""
    user = signed_in_user()
    with records().reading() as db:
        deal = find_deal(db, user, deal_id)
    if deal is None:
        return not_found()
    if not may_check(user, deal):
        return _refused(RecordError("deal", NOT_THE_OWNER))
    body, refused = read_body(_request_example())
    if refused is not None:
        return refused
    try:
        body.parsed(lambda data: parse_new_request(data, current_process().process))  # every problem, before asking
        data = body.data
        assert isinstance(data, Mapping)
        asked = ask_buyer(user, deal_id, data, _keep_while_answering)
    except InvalidInput as invalid:
        return invalid_body(invalid)
    except DealNotFound:
        return not_found()
    except RecordError as error:
        return _refused(error)
    except Exception:
        forget_kept()  # the request was undone (its link must not outlive it): a retry asks anew
        raise
    with records().reading() as db:
        row = db.get(RequestRow, asked.request_id)
        assert row is not None
        answer = {**request_summary(row), "url": asked.url, "email": _email_json(asked)}
    response = api_json(answer, 201)
    location = _location(deal_id, asked.request_id)
    response.headers["Location"] = location
    keep_sealed(201, response.get_data(as_text=True), location)
    return response


def _keep_while_answering(db: Session, row: RequestRow) -> None:
    """Keep the Idempotency-Key with the request: a repeat while the link is made and its email sent is told to
    retry (the answer, link included, replaces this one when made)."""
    db.flush()
    message = (
        "the first request with this Idempotency-Key is still being answered (its link made, its email sent): "
        "send it again in a moment to get its answer"
    )
    keep_while_answering(db, [{"loc": "Idempotency-Key", "message": message}], _location(row.deal_id, row.id))


@bp.get("/deals/<int(signed=True):deal_id>/confirmations")
@api_login_required
def list_requests(deal_id: int) -> ApiAnswer:
    """The deal's confirmation requests, newest first, each with its state now."""
    with records().reading() as db:
        deal = find_deal(db, signed_in_user(), deal_id)
        if deal is None:
            return not_found()
        return api_json({"confirmations": confirmations_json(db, deal)})


@bp.get("/deals/<int(signed=True):deal_id>/confirmations/<int(signed=True):request_id>")
@api_login_required
def show_request(deal_id: int, request_id: int) -> ApiAnswer:
    """One confirmation request of the deal."""
    with records().reading() as db:
        deal = find_deal(db, signed_in_user(), deal_id)
        if deal is None:
            return not_found()
        row = _request_of(db, deal, request_id)
        if row is None:
            return _request_not_found()
        return api_json(request_summary(row))


def _request_of(db: Session, deal: Deal, request_id: int) -> RequestRow | None:
    if not 0 < request_id <= MAX_DEAL_ID:  # no database integer holds it
        return None
    row = db.get(RequestRow, request_id)
    return row if row is not None and row.deal_id == deal.id else None


def _has_body() -> bool:
    """Whether the request sent anything but blanks (a form body is read, and so emptied, before the view)."""
    return bool(request.form or request.files or request.get_data(cache=True).strip())


@bp.post("/deals/<int(signed=True):deal_id>/confirmations/<int(signed=True):request_id>/revoke")
@api_login_required
def revoke(deal_id: int, request_id: int) -> ApiAnswer:
    """Withdraw a pending link: 200 with the request, now revoked; the buyer's page then says so (410)."""
    if _has_body():
        return api_errors(400, [{"loc": "", "message": NO_BODY}])
    user = signed_in_user()
    with records().writing() as db:
        found = caller_and_deal(db, user.id, deal_id)
        if found is None:
            return not_found()
        caller, deal = found
        if _request_of(db, deal, request_id) is None:
            return _request_not_found()
        try:
            row = revoke_request(db, caller, deal, request_id)
        except RecordError as error:
            return _refused(error)
        assert row is not None
        body = request_summary(row)
    return api_json(body)
