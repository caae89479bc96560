"""Asking a buyer to confirm outcomes of a saved deal: one way for the deal page and the API.

The link's token exists only in the answer to the rep who asked (and in the email): it is
never logged, stored or put in a redirect.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from flask import Flask, current_app, request, url_for
from sqlalchemy import delete
from sqlalchemy.orm import Session

from assess_app.config import EXIT_INVALID_PROCESS
from assess_app.current import current_process
from assess_app.mail import confirmation_mail, mailto_link
from assess_app.records import records
from deal_records.base_url import BASE_URL_ENV, BaseUrlError, require_base_url
from deal_records.confirmations import create_request, state_of
from deal_records.mail import MAIL_FROM_ENV, SMTP_ENV, MailError, MailSettingsError, MailText, Outbox, outbox_from_env
from deal_records.models import ConfirmationRequest as RequestRow
from deal_records.models import User, utc_now
from deal_records.records import find_deal
from sales_process.confirmation import RequestState, parse_new_request

OUTBOX_KEY = "playbook_outbox"
BASE_URL_KEY = "playbook_base_url"
log = logging.getLogger("assess_app")


class DealNotFound(LookupError):
    """The deal does not exist or the caller may not see it (both are 404)."""


@dataclass(frozen=True)
class Asked:
    """A confirmation request just made: its link (shown once), the email, and whether the app sent it."""

    request_id: int
    url: str
    expires_at: dt.datetime
    buyer_name: str
    buyer_email: str
    mail: MailText
    mailto: str
    sent: bool
    send_error: str | None


def init_outbox(app: Flask) -> None:
    """The mail server from SMTP_URL/MAIL_FROM (PLAYBOOK_SMTP_URL, PLAYBOOK_MAIL_FROM), none when unset,
    and the public base URL links are built from (BASE_URL, PLAYBOOK_BASE_URL; required with mail)."""
    settings = {
        SMTP_ENV: app.config.get("SMTP_URL") or "",
        MAIL_FROM_ENV: app.config.get("MAIL_FROM") or "",
        BASE_URL_ENV: app.config.get("BASE_URL") or "",
    }
    try:
        outbox = outbox_from_env(settings)
        app.extensions[BASE_URL_KEY] = require_base_url(
            app.config.get("BASE_URL") or "", mail_configured=outbox is not None
        )
    except (MailSettingsError, BaseUrlError) as error:
        print(f"assess_app: cannot start: {error}", file=sys.stderr)
        raise SystemExit(EXIT_INVALID_PROCESS) from None
    app.extensions[OUTBOX_KEY] = outbox


def confirmation_link(token: str) -> str:
    """The buyer's link: on the configured public base URL, else (no mail set up) where the rep's browser is."""
    path = url_for("confirm.show", token=token)
    base: str | None = current_app.extensions.get(BASE_URL_KEY)
    return (base or request.url_root.rstrip("/")) + path


def current_outbox() -> Outbox | None:
    """The app's way out for mail, or None when the rep sends the email themselves."""
    outbox: Outbox | None = current_app.extensions.get(OUTBOX_KEY)
    return outbox


def ask_buyer(
    user: User, deal_id: int, data: Mapping[str, object], saved: Callable[[Session, RequestRow], None] | None = None
) -> Asked:
    """Create a confirmation request from {milestones, buyer_name, buyer_email, expires_in_days?} and send its email.

    `saved` runs inside the transaction that creates the request (the API keeps its idempotency key there).

    Raises InvalidInput (every problem of the request), DealNotFound, or RecordError (not the
    owner, or the process names no company). A mail server that refuses the email is not an
    error: the link exists, and the rep sends the email themselves.
    """
    loaded = current_process()
    new = parse_new_request(data, loaded.process)
    with records().writing() as db:
        caller = db.get(User, user.id)
        deal = find_deal(db, caller, deal_id) if caller is not None else None
        if caller is None or deal is None:
            raise DealNotFound(deal_id)
        created = create_request(db, caller, deal, loaded, new)
        row = created.row
        request_id, expires_at, company, deal_name = row.id, row.expires_at, row.company, deal.name
        statements = [item["text"] for item in row.statements]
        if saved is not None:
            saved(db, row)
    try:
        url = confirmation_link(created.token)
        mail = confirmation_mail(
            company=company,
            deal_name=deal_name,
            buyer_name=new.buyer_name,
            statements=statements,
            link=url,
            expires_at=expires_at,
            sender_name=user.label,
        )
        sent, send_error = _send(mail, new.buyer_name, new.buyer_email, user)
    except Exception:
        _forget(request_id)  # the request failed: no link may outlive it
        raise
    log.info(
        "confirmation request %s of deal %s created by user %s%s",
        request_id,
        deal_id,
        user.id,
        " and emailed" if sent else "",
    )
    return Asked(
        request_id,
        url,
        expires_at,
        new.buyer_name,
        new.buyer_email,
        mail,
        mailto_link(new.buyer_email, mail),
        sent,
        send_error,
    )


def _forget(request_id: int) -> None:
    with records().writing() as db:
        db.execute(delete(RequestRow).where(RequestRow.id == request_id))


def _send(mail: MailText, name: str, email: str, user: User) -> tuple[bool, str | None]:
    outbox = current_outbox()
    if outbox is None:
        return False, None
    try:
        outbox.send(mail, to=email, to_name=name, reply_to=user.email)
    except MailError as error:
        log.warning("confirmation email not sent: %s", error)
        return False, str(error)
    return True, None


def request_summary(row: RequestRow, now: dt.datetime | None = None) -> dict[str, object]:
    """A confirmation request as the API returns it and the deal page lists it (never its token)."""
    state = state_of(row, now or utc_now())
    answers = {str(item["milestone_id"]): item for item in row.reply or []}
    return {
        "id": row.id,
        "state": state.value,
        "buyer_name": row.buyer_name,
        "buyer_email": row.buyer_email,
        "created_at": iso_utc(row.created_at),
        "expires_at": iso_utc(row.expires_at),
        "revoked_at": iso_utc(row.revoked_at),
        "answered_at": iso_utc(row.answered_at),
        "answered_by": row.answered_by,
        "statements": [
            {
                "milestone_id": item["milestone_id"],
                "text": item["text"],
                "answer": _answer_word(answers.get(item["milestone_id"])),
                "comment": (answers.get(item["milestone_id"]) or {}).get("comment"),
            }
            for item in row.statements
        ],
        "pending": state is RequestState.PENDING,
    }


def _answer_word(item: Mapping[str, object] | None) -> str | None:
    if item is None:
        return None
    return "confirmed" if item.get("agreed") is True else "declined"


def iso_utc(moment: dt.datetime | None) -> str | None:
    """A time as the API writes it: ISO 8601 in UTC with a Z."""
    return None if moment is None else moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
