"""Buyer confirmation requests: the link's token, what the buyer sees and answers, and the storage they need.

Pure: no I/O and no clock (times are passed in). The web app's `/confirm/<token>` page reads
and writes requests only through :class:`ConfirmationStore`, which the deal records implement;
the token itself is never stored, only its sha256.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac
import re
import secrets
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Protocol

from sales_process.deal import Answer, BuyerAnswer
from sales_process.model import Process

TOKEN_BYTES = 32  # 256 random bits; the issue asks for at least 128
DEFAULT_EXPIRY_DAYS = 14
# token_urlsafe(32) gives 43 characters of the URL-safe base64 alphabet, without padding.
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{43}$")


def new_token() -> tuple[str, str]:
    """A fresh token for a confirmation link and the hash to store in its place."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    """The sha256 (hex) of a token: what is stored and looked up, never the token itself."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def looks_like_token(text: str) -> bool:
    """Whether the text has the shape of a token (anything else is unknown without a look-up)."""
    return bool(_TOKEN_SHAPE.match(text))


def same_hash(stored: str, computed: str) -> bool:
    """Compare two token hashes in constant time."""
    return hmac.compare_digest(stored.encode("ascii", "replace"), computed.encode("ascii", "replace"))


class RequestState(enum.StrEnum):
    """A confirmation request's state as stored; `expired` is worked out from the time."""

    PENDING = "pending"
    CONFIRMED = "confirmed"  # the buyer answered "Yes, this is right" to every statement
    DECLINED = "declined"  # the buyer answered "Not quite" to at least one statement
    REVOKED = "revoked"  # the rep withdrew the link
    EXPIRED = "expired"


@dataclass(frozen=True)
class Statement:
    """One milestone's buyer statement, as the request shows it to the buyer."""

    milestone_id: str
    text: str


@dataclass(frozen=True)
class ConfirmationRequest:
    """What a confirmation link stands for: only what the buyer may see, and its state."""

    token_hash: str
    company: str  # the selling company, shown to the buyer
    deal_name: str
    statements: tuple[Statement, ...]
    expires_at: dt.datetime  # aware, UTC
    state: RequestState = RequestState.PENDING

    def state_at(self, now: dt.datetime) -> RequestState:
        """The state at `now`: a pending request past its expiry is expired."""
        if self.state is RequestState.PENDING and now >= self.expires_at:
            return RequestState.EXPIRED
        return self.state


@dataclass(frozen=True)
class StatementAnswer:
    """The buyer's answer to one statement."""

    milestone_id: str
    agreed: bool
    comment: str | None = None


@dataclass(frozen=True)
class BuyerReply:
    """Everything the buyer sent from the confirmation page."""

    buyer_name: str
    answered_at: dt.datetime  # aware, UTC
    answers: tuple[StatementAnswer, ...]

    @property
    def state(self) -> RequestState:
        """The request's state after this reply: confirmed only when every statement got a "yes"."""
        if all(answer.agreed for answer in self.answers):
            return RequestState.CONFIRMED
        return RequestState.DECLINED

    def buyer_answers(self, email: str) -> dict[str, BuyerAnswer]:
        """Each milestone's answer for the verdict; `email` is the address the link was sent to."""
        day = self.answered_at.astimezone(dt.UTC).date()
        return {
            answer.milestone_id: BuyerAnswer(self.buyer_name, email, day, answer.agreed, answer.comment)
            for answer in self.answers
        }


class ConfirmationStore(Protocol):
    """The storage the confirmation page needs (the deal records implement it)."""

    def find(self, token_hash: str) -> ConfirmationRequest | None:
        """The request whose token has this hash, in any state; None when there is none."""
        ...

    def record(self, token_hash: str, reply: BuyerReply) -> bool:
        """Store the reply and set the request's state, atomically and only while it is pending
        and not expired at `reply.answered_at`; False when it no longer is (used, revoked, expired)."""
        ...


def buyer_confirmed_ids(answers: Mapping[str, Answer]) -> frozenset[str]:
    """The milestones whose standing answer is the buyer's "Yes, this is right"."""
    return frozenset(milestone_id for milestone_id, answer in answers.items() if answer.buyer_confirmed)


def gate_confirmed_by_buyer(process: Process, verified_index: int, confirmed: Collection[str]) -> bool:
    """Whether the buyer confirmed the outcomes that put a deal at its verified stage.

    Those are the milestones of the stage the deal last left (the stage before its verified
    one) that a buyer can confirm (they have a `buyer_statement`): every one of them must be
    among `confirmed`, and there must be at least one. A deal still in the first stage has
    left none, so nothing of its verified stage rests on the buyer's word.
    """
    if verified_index <= 0:
        return False
    gate = [milestone.id for milestone in process.stages[verified_index - 1].milestones if milestone.buyer_statement]
    return bool(gate) and all(milestone_id in confirmed for milestone_id in gate)
