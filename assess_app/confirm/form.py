"""The confirmation form: its CSRF key (the buyer has no session) and reading what the buyer sent."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from sales_process.confirmation import BuyerReply, ConfirmationRequest, StatementAnswer
from sales_process.text import text_problem

FORM_MAX_AGE_SECONDS = 24 * 3600  # a buyer may leave the page open over lunch, not for days
MAX_NAME = 200
MAX_COMMENT = 2000
YES, NO = "yes", "no"


def _serializer(secret_key: str, token_hash: str) -> URLSafeTimedSerializer:
    # The salt binds the key to this one request: a key from another link is refused here.
    return URLSafeTimedSerializer(secret_key, salt=f"confirm-form:{token_hash}")


def form_key(secret_key: str, token_hash: str) -> str:
    """A signed, dated key for the form of this request (checked when the form comes back)."""
    return _serializer(secret_key, token_hash).dumps(secrets.token_urlsafe(16))


def form_key_problem(secret_key: str, token_hash: str, key: str | None) -> str | None:
    """Why the form's key is refused (None when it is good)."""
    if not key:
        return "the form came without its key"
    try:
        _serializer(secret_key, token_hash).loads(key, max_age=FORM_MAX_AGE_SECONDS)
    except SignatureExpired:
        return "the page was open for more than a day"
    except BadSignature:
        return "the form was not sent from this page"
    return None


@dataclass
class ReplyForm:
    """What the buyer sent (or nothing yet), and each problem at its field."""

    answers: dict[str, str] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)
    buyer_name: str = ""
    errors: dict[str, str] = field(default_factory=dict)


def answer_field(milestone_id: str) -> str:
    """The name of a statement's radio buttons."""
    return f"answer-{milestone_id}"


def comment_field(milestone_id: str) -> str:
    """The name of a statement's comment box."""
    return f"comment-{milestone_id}"


def _clean(text: str) -> str:
    """Text as typed, with Windows line breaks made plain, and trimmed (the free-text rule is checked after)."""
    return text.replace("\r\n", "\n").strip()


def _refused(text: str, *, single_line: bool) -> str | None:
    """The free-text rule's complaint, worded for the buyer (None: the text is fine)."""
    problem = text_problem(text, single_line=single_line)
    return None if problem is None else f"This text {problem}."


def _at(where: str | None, message: str) -> str:
    """'Statement 2: choose …' when there are several statements, else the message itself."""
    return f"{where}: {message[0].lower()}{message[1:]}" if where else message


def read_reply(request: ConfirmationRequest, values: Mapping[str, str]) -> ReplyForm:
    """The form as sent, every problem found at once."""
    form = ReplyForm(buyer_name=_clean(values.get("buyer_name", "")))
    many = len(request.statements) > 1
    for number, statement in enumerate(request.statements, start=1):
        where = f"Statement {number}" if many else None
        name = answer_field(statement.milestone_id)
        answer = values.get(name, "")
        comment = _clean(values.get(comment_field(statement.milestone_id), ""))
        form.comments[statement.milestone_id] = comment
        if answer in (YES, NO):
            form.answers[statement.milestone_id] = answer
        else:
            form.errors[name] = _at(where, "Choose \u201cYes, this is right\u201d or \u201cNot quite\u201d.")
        refused = _refused(comment, single_line=False)
        if refused is not None:
            form.errors[comment_field(statement.milestone_id)] = _at(where, refused)
        elif len(comment) > MAX_COMMENT:
            form.errors[comment_field(statement.milestone_id)] = _at(
                where, f"Please keep the comment under {MAX_COMMENT} characters (it has {len(comment)})."
            )
    name_refused = _refused(form.buyer_name, single_line=True)
    if not form.buyer_name:
        form.errors["buyer_name"] = "Type your name, so that we know who answered."
    elif name_refused is not None:
        form.errors["buyer_name"] = name_refused
    elif len(form.buyer_name) > MAX_NAME:
        form.errors["buyer_name"] = f"Please keep your name under {MAX_NAME} characters."
    return form


def reply_of(request: ConfirmationRequest, form: ReplyForm, now: dt.datetime) -> BuyerReply:
    """The reply to record, from a form without errors."""
    answers = tuple(
        StatementAnswer(s.milestone_id, form.answers[s.milestone_id] == YES, form.comments[s.milestone_id] or None)
        for s in request.statements
    )
    return BuyerReply(form.buyer_name, now, answers)
