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
from sales_process.email_address import MAX_EMAIL, email_problem
from sales_process.model import Process
from sales_process.problems import InvalidInput, Problem
from sales_process.text import text_problem
from sales_process.vocabulary import shown
from sales_process.wording import kind_of, object_with_keys

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
    buyer_name: str = ""  # as the rep typed it: the page fills it in, the buyer may correct it

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


def buyer_declined_ids(answers: Mapping[str, Answer]) -> frozenset[str]:
    """The milestones whose standing answer is the buyer's "Not quite"."""
    return frozenset(milestone_id for milestone_id, answer in answers.items() if answer.buyer_declined)


def gate_confirmed_by_buyer(process: Process, verified_index: int, confirmed: Collection[str]) -> bool:
    """Whether the buyer confirmed the outcomes that put a deal at its verified stage.

    Those are the milestones of the stage the deal last left (the stage before its verified
    one) that a buyer can confirm (they have a `buyer_statement`), but those that help without
    being required (`required: false`): every one of them must be among `confirmed`, and there
    must be at least one. A deal still in the first stage has
    left none, so nothing of its verified stage rests on the buyer's word.
    """
    if verified_index <= 0:
        return False
    left = process.stages[verified_index - 1].milestones
    gate = [milestone.id for milestone in left if milestone.buyer_statement and milestone.required]
    return bool(gate) and all(milestone_id in confirmed for milestone_id in gate)


NEW_REQUEST_KEYS = ("milestones", "buyer_name", "buyer_email", "expires_in_days")
MAX_EXPIRY_DAYS = 90
MAX_BUYER_NAME = 200


@dataclass(frozen=True)
class NewRequest:
    """A validated request to ask the buyer to confirm some outcomes of a deal."""

    milestone_ids: tuple[str, ...]
    buyer_name: str
    buyer_email: str
    expires_in_days: int = DEFAULT_EXPIRY_DAYS


def confirmable(process: Process) -> list[tuple[str, str]]:
    """The milestones a buyer can confirm (they have a buyer statement): (id, statement), in process order."""
    return [
        (milestone.id, milestone.buyer_statement) for _, milestone in process.milestones() if milestone.buyer_statement
    ]


def _milestone_ids(value: object, process: Process, problems: list[Problem]) -> tuple[str, ...]:
    if value is None or value == [] or value == "":
        problems.append(
            Problem(("milestones",), "'milestones' is required: choose at least one outcome for the buyer to confirm")
        )
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        problems.append(Problem(("milestones",), f"'milestones' must be a list of milestone ids, got {kind_of(value)}"))
        return ()
    statements = dict(confirmable(process))
    known = {milestone.id for _, milestone in process.milestones()}
    chosen: list[str] = []
    for index, item in enumerate(value):
        loc: tuple[str | int, ...] = ("milestones", index)
        if not isinstance(item, str):
            problems.append(Problem(loc, f"a milestone id must be text, got {kind_of(item)}"))
        elif item in chosen:
            problems.append(Problem(loc, f"'{item}' is listed twice; list each milestone once"))
        elif item not in known:
            problems.append(Problem(loc, f"'{item}' is not a milestone of the process; {_choices(statements)}"))
        elif item not in statements:
            problems.append(
                Problem(
                    loc,
                    f"milestone '{item}' has no buyer statement, so a buyer cannot confirm it; {_choices(statements)}",
                )
            )
        else:
            chosen.append(item)
    order = list(statements)
    return tuple(sorted(chosen, key=order.index))


def _choices(statements: Mapping[str, str]) -> str:
    if not statements:
        return "no milestone of this process has a buyer statement yet (add 'buyer_statement' to milestones in process.yaml)"
    return f"a buyer can confirm: {', '.join(statements)}"


def _buyer_text(data: Mapping[str, object], key: str, limit: int, problems: list[Problem]) -> str:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        what = "the buyer's name, as you would greet them" if key == "buyer_name" else "the buyer's email address"
        problems.append(Problem((key,), f"'{key}' is required: type {what}"))
        return ""
    if not isinstance(value, str):
        problems.append(Problem((key,), f"'{key}' must be text, got {kind_of(value)}"))
        return ""
    problem = text_problem(value, single_line=True)
    if problem is not None:
        problems.append(Problem((key,), f"'{key}' {problem}"))
        return ""
    text = " ".join(value.split())
    if len(text) > limit:
        problems.append(Problem((key,), f"'{key}' is {len(text)} characters long; at most {limit}"))
    return text


def _expiry(value: object, problems: list[Problem]) -> int:
    if value is None or value == "":
        return DEFAULT_EXPIRY_DAYS
    if (
        isinstance(value, str) and value.strip().isascii() and value.strip().isdigit()
    ):  # "²".isdigit(), but int() refuses it
        if len(value.strip()) > len(str(MAX_EXPIRY_DAYS)) + 6:  # past any count of days (and int()'s digit limit)
            problems.append(
                Problem(
                    ("expires_in_days",),
                    f"'expires_in_days' is {shown(value.strip())}; give 1 to {MAX_EXPIRY_DAYS} days "
                    f"(default {DEFAULT_EXPIRY_DAYS})",
                )
            )
            return DEFAULT_EXPIRY_DAYS
        value = int(value.strip())
    if isinstance(value, float) and value.is_integer():  # JSON Schema's integer: 14.0 is 14
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        # What was typed, not its kind: the form's number box sends '1e1' as text ("got text" said nothing).
        problems.append(
            Problem(
                ("expires_in_days",),
                f"'expires_in_days': {shown(value)} is not a whole number of days; write e.g. {DEFAULT_EXPIRY_DAYS}",
            )
        )
        return DEFAULT_EXPIRY_DAYS
    if not 1 <= value <= MAX_EXPIRY_DAYS:
        problems.append(
            Problem(
                ("expires_in_days",),
                f"'expires_in_days' is {value}; give 1 to {MAX_EXPIRY_DAYS} days (default {DEFAULT_EXPIRY_DAYS})",
            )
        )
    return value


def parse_new_request(data: object, process: Process) -> NewRequest:
    """Validate {milestones, buyer_name, buyer_email, expires_in_days?}; raise InvalidInput with every problem."""
    data, problems = object_with_keys(data, "a confirmation request", NEW_REQUEST_KEYS)
    milestone_ids = _milestone_ids(data.get("milestones"), process, problems)
    name = _buyer_text(data, "buyer_name", MAX_BUYER_NAME, problems)
    email = _buyer_text(data, "buyer_email", MAX_EMAIL, problems)
    if email and len(email) <= MAX_EMAIL:
        problem = email_problem(email)
        if problem:
            problems.append(Problem(("buyer_email",), f"'buyer_email' {problem}"))
    days = _expiry(data.get("expires_in_days"), problems)
    if problems:
        raise InvalidInput(problems)
    return NewRequest(milestone_ids, name, email, days)
