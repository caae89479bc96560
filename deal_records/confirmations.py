"""Buyer confirmation requests of saved deals: ask, list, revoke, and record the buyer's reply.

A request keeps only its token's sha256. The reply is recorded at most once: one UPDATE
that matches only a pending, unexpired request decides it, in the same transaction as the
check that puts the buyer's answers on the deal. That check is authored by the buyer
(source "buyer", no user) and starts from the deal's latest answers, so what the rep said
about the other milestones stands.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import CursorResult, Update, select, update
from sqlalchemy.orm import Session, sessionmaker

from deal_records.answers import answers_json, read_stored
from deal_records.database import writing
from deal_records.models import Check, Deal, User, utc_now
from deal_records.models import ConfirmationRequest as RequestRow
from deal_records.records import RecordError, may_check, record_check
from sales_process.confirmation import (
    BuyerReply,
    ConfirmationRequest,
    NewRequest,
    RequestState,
    Statement,
    new_token,
)
from sales_process.deal import Deal as DealInput
from sales_process.loader import LoadedProcess

BUYER_SOURCE = "buyer"


@dataclass(frozen=True)
class CreatedRequest:
    """A new request and its token: the token exists only here, to put in the link once."""

    row: RequestRow
    token: str


def create_request(
    session: Session, caller: User, deal: Deal, loaded: LoadedProcess, new: NewRequest, now: dt.datetime | None = None
) -> CreatedRequest:
    """Ask the buyer to confirm outcomes of the deal; only its owner may (a manager reads)."""
    if not may_check(caller, deal):
        raise RecordError("deal", "only the deal's owner asks its buyer to confirm outcomes; a manager reads them")
    company = loaded.process.company
    if company is None:
        raise RecordError(
            "company",
            "the process names no company, and a buyer is only asked by a company they know; "
            "ask whoever edits process.yaml to add 'company: Your Company' at its top",
        )
    statements = {milestone.id: milestone.buyer_statement for _, milestone in loaded.process.milestones()}
    now = now or utc_now()
    token, hashed = new_token()
    row = RequestRow(
        deal_id=deal.id,
        token_sha256=hashed,
        company=company,
        statements=[{"milestone_id": m, "text": statements[m] or ""} for m in new.milestone_ids],
        buyer_name=new.buyer_name,
        buyer_email=new.buyer_email,
        created_by_id=caller.id,
        created_at=now,
        expires_at=now + dt.timedelta(days=new.expires_in_days),
        state=RequestState.PENDING.value,
    )
    session.add(row)
    session.flush()
    return CreatedRequest(row, token)


def state_of(row: RequestRow, now: dt.datetime | None = None) -> RequestState:
    """The request's state now: a pending one past its expiry is expired."""
    state = RequestState(row.state)
    if state is RequestState.PENDING and (now or utc_now()) >= row.expires_at:
        return RequestState.EXPIRED
    return state


def deal_requests(session: Session, deal: Deal) -> list[RequestRow]:
    """The deal's confirmation requests, newest first."""
    query = select(RequestRow).where(RequestRow.deal_id == deal.id).order_by(RequestRow.id.desc())
    return list(session.scalars(query))


def revoke_request(
    session: Session, caller: User, deal: Deal, request_id: int, now: dt.datetime | None = None
) -> RequestRow | None:
    """Withdraw a pending link of the deal (the owner only); None when the deal has no such request."""
    row = session.scalar(select(RequestRow).where(RequestRow.id == request_id, RequestRow.deal_id == deal.id))
    if row is None:
        return None
    if not may_check(caller, deal):
        raise RecordError("deal", "only the deal's owner withdraws its confirmation links")
    now = now or utc_now()
    state = state_of(row, now)
    if state is not RequestState.PENDING:
        raise RecordError("state", f"this link is {state.value} already; only a pending link can be withdrawn")
    done = _changed(
        session,
        update(RequestRow)
        .where(RequestRow.id == row.id, RequestRow.state == RequestState.PENDING.value)
        .values(state=RequestState.REVOKED.value, revoked_at=now)
        .execution_options(synchronize_session=False),
    )
    if done != 1:
        raise RecordError("state", "the buyer answered this link a moment ago; it can no longer be withdrawn")
    session.refresh(row)
    return row


def _changed(session: Session, statement: Update) -> int:
    """Run an UPDATE; how many rows it changed (what decides a race between two writers)."""
    result = session.execute(statement)
    assert isinstance(result, CursorResult)
    return result.rowcount


def _as_request(row: RequestRow) -> ConfirmationRequest:
    deal_name = row_deal_name(row)
    statements = tuple(Statement(item["milestone_id"], item["text"]) for item in row.statements)
    return ConfirmationRequest(
        row.token_sha256,
        row.company,
        deal_name,
        statements,
        row.expires_at,
        RequestState(row.state),
        row.buyer_name,
    )


def row_deal_name(row: RequestRow) -> str:
    """The name of the request's deal (loaded with the request)."""
    session = Session.object_session(row)
    assert session is not None
    deal = session.get(Deal, row.deal_id)
    assert deal is not None
    return deal.name


def buyer_check(session: Session, row: RequestRow, loaded: LoadedProcess, reply: BuyerReply) -> Check:
    """Append the check the buyer's reply makes: the deal's latest answers with the buyer's put in."""
    deal = session.get(Deal, row.deal_id)
    assert deal is not None
    latest = session.get(Check, deal.latest_check_id) if deal.latest_check_id else None
    stored: dict[str, object] = dict(latest.answers) if latest else {}
    stored.update(answers_json({m: buyer.as_answer() for m, buyer in reply.buyer_answers(row.buyer_email).items()}))
    # Every stored answer goes on, even to a milestone the process dropped since the link was sent:
    # the buyer's reply is kept in the record either way, and the verdict counts only what the process asks.
    given = DealInput(name=deal.name, claimed_stage=None, amount=None, answers=read_stored(stored))
    note = _reply_note(row, reply)
    return record_check(
        session,
        deal,
        loaded,
        given,
        BUYER_SOURCE,
        None,
        today=reply.answered_at.date(),
        note=note,
        buyer=(reply.buyer_name, row.buyer_email),
    )


def _reply_note(row: RequestRow, reply: BuyerReply) -> str:
    agreed = sum(1 for answer in reply.answers if answer.agreed)
    return f"answered confirmation link #{row.id}: {agreed} of {len(reply.answers)} confirmed"


class DatabaseConfirmations:
    """The confirmation page's storage (sales_process.confirmation.ConfirmationStore) on the deal records."""

    def __init__(self, sessions: sessionmaker[Session], process: Callable[[], LoadedProcess]) -> None:
        self._sessions = sessions
        self._process = process

    def find(self, token_hash: str) -> ConfirmationRequest | None:
        """The request whose token has this hash, in any state."""
        with self._sessions() as session:
            row = session.scalar(select(RequestRow).where(RequestRow.token_sha256 == token_hash))
            return _as_request(row) if row is not None else None

    def record(self, token_hash: str, reply: BuyerReply) -> bool:
        """Store the reply and its check once, only while the request is pending and unexpired."""
        loaded = self._process()
        with writing(self._sessions) as session:
            done = _changed(
                session,
                update(RequestRow)
                .where(
                    RequestRow.token_sha256 == token_hash,
                    RequestRow.state == RequestState.PENDING.value,
                    RequestRow.expires_at > reply.answered_at,
                )
                .values(
                    state=reply.state.value,
                    answered_at=reply.answered_at,
                    answered_by=reply.buyer_name,
                    reply=[dataclasses.asdict(answer) for answer in reply.answers],
                )
                .execution_options(synchronize_session=False),
            )
            if done != 1:
                return False
            row = session.scalar(select(RequestRow).where(RequestRow.token_sha256 == token_hash))
            assert row is not None
            row.check_id = buyer_check(session, row, loaded, reply).id
        return True
