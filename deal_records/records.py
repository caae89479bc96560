"""Deals and their checks: create, find what a user may see, record a check, list a page.

A rep sees only their own deals; a manager sees all of them. Anything a user may not
see is reported as not found, never as forbidden, so ids reveal nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, bindparam, func, or_, select, update
from sqlalchemy.orm import Session, joinedload

from deal_records.answers import (
    answers_json,
    blocking_text,
    read_answers,
    read_stored,
    verdict_window,
    with_current_ids,
)
from deal_records.models import Check, Deal, Role, User, utc_now
from deal_records.outcome_query import closed_deal_ids
from deal_records.people import find_user, normal_email
from deal_records.pipeline import OpenDeals
from sales_process.confirmation import buyer_confirmed_ids, buyer_declined_ids
from sales_process.deal import BuyerAnswer, parse_deal
from sales_process.deal import Deal as DealInput
from sales_process.email_address import MAX_EMAIL
from sales_process.engine import assess
from sales_process.loader import LoadedProcess
from sales_process.problems import InvalidInput, Problem
from sales_process.text import text_problem
from sales_process.wording import kind_of, object_with_keys

MAX_NAME = 200
NEW_DEAL_KEYS = ("name", "crm_id", "amount", "currency", "segment", "claimed_stage", "owner")
_AS_A_CHECK = 'answers are saved as a check of the deal once it exists: POST /api/deals/<id>/checks {"milestones": …}'
# Keys a new deal does not take: those of the requests that follow its creation, and its keys in other words.
CHECK_KEYS = {
    "milestones": _AS_A_CHECK,
    "answers": _AS_A_CHECK,
    "outcome": "a deal is closed won or lost once it exists: POST /api/deals/<id>/outcome",
    **dict.fromkeys(("deal", "deal_name", "title"), "a new deal's name goes in 'name'"),
    **dict.fromkeys(
        ("stage", "crm_stage", "current_stage"), "the stage the CRM gives the deal goes in 'claimed_stage'"
    ),
    **dict.fromkeys(("value", "deal_value"), "the deal's value goes in 'amount'"),
}


@dataclass(frozen=True)
class NewDeal:
    """A validated request to create a deal."""

    name: str
    crm_id: str | None
    amount: float | None
    claimed_stage: str | None
    owner: str | None  # an email; None: the caller
    currency: str | None = None  # the amount's ISO code, when given
    segment: str | None = None  # which milestones with `required_when.segment` the deal needs


# What a required text of a deal that is missing or blank is told.
_REQUIRED = {"name": "name the deal", "owner": "give the email of the user who owns the deal"}


def deal_text(
    data: Mapping[str, object], key: str, problems: list[Problem], required: bool = False, limit: int = MAX_NAME
) -> str | None:
    """The one-line text `data[key]`, trimmed (None when absent or blank); a problem when it is required and
    missing, not text, not clean (sales_process.text) or longer than `limit`."""
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.append(Problem((key,), f"'{key}' is required: {_REQUIRED.get(key, 'fill it in')}"))
        return None
    if not isinstance(value, str):
        problems.append(Problem((key,), f"'{key}' must be text, got {kind_of(value)}"))
        return None
    problem = text_problem(value, single_line=True)
    if problem is not None:
        problems.append(Problem((key,), f"'{key}' {problem}"))
        return None
    if len(value.strip()) > limit:
        problems.append(Problem((key,), f"'{key}' is {len(value.strip())} characters long; at most {limit}"))
        return None
    return value.strip()


def parse_new_deal(data: object, process: LoadedProcess) -> NewDeal:
    """Validate a new deal ({name, crm_id?, amount?, currency?, segment?, claimed_stage?, owner?}); raise InvalidInput with every problem."""
    data, problems = object_with_keys(data, "a deal", NEW_DEAL_KEYS, CHECK_KEYS)
    name = deal_text(data, "name", problems, required=True)
    crm_id = deal_text(data, "crm_id", problems)
    owner = deal_text(data, "owner", problems, limit=MAX_EMAIL)
    amount: float | None = None
    currency: str | None = None
    claimed: str | None = None
    segment: str | None = None
    try:
        given = {key: data[key] for key in ("amount", "currency", "segment", "claimed_stage") if key in data}
        parsed = parse_deal(given, process.process, currency_key=True)
        amount, currency, claimed, segment = parsed.amount, parsed.currency, parsed.claimed_stage, parsed.segment
    except InvalidInput as invalid:
        problems += invalid.problems
    if problems:
        raise InvalidInput(problems)
    assert name is not None
    return NewDeal(name, crm_id, amount, claimed, owner, currency, segment)


class RecordError(ValueError):
    """A request about deals that cannot be done; `loc` names the field at fault."""

    def __init__(self, loc: str, message: str) -> None:
        super().__init__(message)
        self.loc = loc
        self.message = message


class CrmIdTaken(RecordError):
    """A CRM id another deal holds; `deal_id` is that deal's id when the caller may see it (None: they may not)."""

    def __init__(self, message: str, deal_id: int | None) -> None:
        super().__init__("crm_id", message)
        self.deal_id = deal_id


def taken_crm_id(crm_id: str, sees_holder: bool) -> str:
    """Why a CRM id cannot be used again, with what the caller can do: a deal they cannot open is not sent to,
    nor said to be anyone's in particular."""
    if sees_holder:
        return f"a deal with crm_id {crm_id!r} exists already; check that one instead"
    return f"crm_id {crm_id!r} is taken by a deal you may not see; check the id in the CRM, or ask a manager"


def refuse_taken_crm_id(session: Session, crm_id: str, caller: User | None, other_than: int | None = None) -> None:
    """Raise CrmIdTaken when a deal (other than `other_than`) holds `crm_id`; the caller (None: an import) is
    given its id only when they may see it."""
    query = select(Deal.id, Deal.owner_id).where(Deal.crm_id == crm_id)
    if other_than is not None:
        query = query.where(Deal.id != other_than)
    holder = session.execute(query).first()
    if holder is None:
        return
    sees = caller is None or caller.is_manager or holder.owner_id == caller.id
    raise CrmIdTaken(taken_crm_id(crm_id, sees), holder.id if sees else None)


def create_deal(session: Session, caller: User, new: NewDeal) -> Deal:
    """Create a deal: a rep for themselves, a manager for any active user."""
    owner = caller
    if new.owner is not None and normal_email(new.owner) != caller.email:
        if not caller.is_manager:
            raise RecordError("owner", "a rep creates deals they own; leave 'owner' out or give your own email")
        found = find_user(session, new.owner)
        if found is None or not found.active:
            raise RecordError(
                "owner", f"no active user {normal_email(new.owner)!r}; a deal's owner must be able to sign in"
            )
        owner = found
    if new.crm_id is not None:
        refuse_taken_crm_id(session, new.crm_id, caller)
    deal = Deal(
        owner_id=owner.id,
        owner=owner,
        name=new.name,
        crm_id=new.crm_id,
        amount=new.amount,
        currency=new.currency,
        segment=new.segment,
        claimed_stage=new.claimed_stage,
        created_by_id=caller.id,
    )
    session.add(deal)
    session.flush()
    return deal


def visible(query: Select[Deal], user: User, owner: Any = None) -> Select[Deal]:
    """Restrict a query of deals to those the user may see: a manager's, every deal; a rep's, their own (whose id is
    `owner` when given, a bound parameter of a statement built once, else the user's)."""
    return query if user.role == Role.MANAGER else query.where(Deal.owner_id == (user.id if owner is None else owner))


# The largest id every database holds (PostgreSQL's INTEGER; SQLite's go further): any other number names no record.
MAX_DEAL_ID = 2**31 - 1


# Every request about one deal asks for it: its statement is built once per role (building and keying one cost
# SQLAlchemy twice what running it does), through `visible`, the one rule of who sees which deal.
_DEAL_BY_ID = (
    select(Deal).options(joinedload(Deal.owner), joinedload(Deal.latest_check)).where(Deal.id == bindparam("id"))
)
_DEAL_FOR_ROLE = {role: visible(_DEAL_BY_ID, User(role=role), bindparam("owner_id")) for role in Role}


def find_deal(session: Session, user: User, deal_id: int) -> Deal | None:
    """The deal if the user may see it, else None (the caller answers 404 either way)."""
    if not 0 < deal_id <= MAX_DEAL_ID:
        return None  # the driver would refuse to send it: such a URL names no deal
    return session.scalar(_DEAL_FOR_ROLE[Role(user.role)], {"id": deal_id, "owner_id": user.id})


# The largest check number a URL may name (beyond it the driver would refuse the LIMIT).
MAX_CHECK_NUMBER = 2**31 - 1


def may_check(user: User, deal: Deal) -> bool:
    """Only a deal's owner records checks: a manager reads, and never changes a rep's answers."""
    return deal.owner_id == user.id


# The last page number anyone may ask for (a million pages of deals is more than any team has).
MAX_PAGE = 1_000_000


def page_problem(text: str | None) -> str | None:
    """Why a page number (as written in a URL) cannot be used; None for a good one or none given."""
    return whole_number_problem(text, "a page number", MAX_PAGE)


def whole_number_problem(text: str | None, what: str, largest: int) -> str | None:
    """Why a number of a URL (`what` it is, 1 to `largest`, ASCII digits) cannot be used, saying the value sent;
    None for a good one or none given."""
    if text is None:
        return None
    # The digits' count first: int() of thousands of digits raises Python's own limit, not this message.
    digits = text.lstrip("0")
    if (
        not (text.isascii() and text.isdigit())
        or len(digits) > len(str(largest))
        or not 1 <= int(digits or "0") <= largest
    ):
        return f"{text[:40]!r} is not {what}; give a whole number from 1 to {largest:,}"
    return None


@dataclass(frozen=True)
class DealPage:
    """One page of deals and how many there are in all."""

    deals: list[Deal]
    total: int
    page: int
    per_page: int
    more: bool = False  # whether deals follow the last of this page (a keyset walk goes on from it)

    @property
    def pages(self) -> int:
        """How many pages there are (at least one)."""
        return max(1, -(-self.total // self.per_page))


def deal_page(
    session: Session,
    user: User,
    page: int = 1,
    per_page: int = 50,
    owner: str | None = None,
    stages: Sequence[str] | None = None,
    closed: bool = False,
    *,
    before: int | None = None,
    crm_id: str | None = None,
) -> DealPage:
    """The user's open deals (a manager's: everyone's, filtered by owner email and CRM stage), newest first.

    `stages` are the ids one stage may be saved under (see `Process.stage_ids`). With `closed`, the deals
    closed won or lost instead of the open ones; with `crm_id`, the one the CRM knows by that id. With
    `before` (a keyset walk), the deals with a lower id than it, and `page` is not counted: a deal created
    or closed meanwhile moves no other across a page's edge, as an offset would.
    """
    query = visible(select(Deal), user)
    query = query.where(Deal.id.in_(closed_deal_ids()) if closed else Deal.id.not_in(closed_deal_ids()))
    if owner:
        query = query.join(User, Deal.owner_id == User.id).where(User.email == normal_email(owner))
    if stages:
        query = query.where(Deal.claimed_stage.in_(stages))
    if crm_id is not None:
        query = query.where(Deal.crm_id == crm_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    if before is not None:
        query = query.where(Deal.id < before)
    rows = list(
        session.scalars(
            query.options(joinedload(Deal.owner), joinedload(Deal.latest_check))
            .order_by(Deal.id.desc())
            .offset(0 if before is not None else (page - 1) * per_page)
            .limit(per_page + 1)
        )
    )
    return DealPage(rows[:per_page], total, page, per_page, more=len(rows) > per_page)


def deal_checks(session: Session, deal: Deal) -> list[Check]:
    """The deal's history, oldest first."""
    query = select(Check).options(joinedload(Check.checked_by)).where(Check.deal_id == deal.id).order_by(Check.id)
    return list(session.scalars(query))


def checks_up_to(session: Session, deal: Deal, number: int) -> list[Check] | None:
    """The deal's first `number` checks, oldest first (the last is check `number`); None when it has fewer."""
    if not 0 < number <= MAX_CHECK_NUMBER:
        return None
    query = (
        select(Check)
        .options(joinedload(Check.checked_by))
        .where(Check.deal_id == deal.id)
        .order_by(Check.id)
        .limit(number)
    )
    checks = list(session.scalars(query))
    return checks if len(checks) == number else None


def standing_buyer_answers(session: Session, deal: Deal) -> dict[str, BuyerAnswer]:
    """The buyer's answers on the deal's latest check: they stand until the buyer answers again."""
    if deal.latest_check_id is None:
        return {}
    stored = session.scalar(select(Check.answers).where(Check.id == deal.latest_check_id)) or {}
    return {
        milestone_id: answer.buyer for milestone_id, answer in read_stored(stored).items() if answer.buyer is not None
    }


def buyer_answered(milestone_id: str, buyer: BuyerAnswer) -> str:
    """Who answered a milestone through a confirmation link, what and when: why a rep's check may not answer it."""
    said = "confirmed it" if buyer.agreed else 'answered "Not quite"' + (f" ({buyer.comment})" if buyer.comment else "")
    return (
        f"'{milestone_id}' was answered by the buyer, {buyer.name} ({buyer.email}), who {said} on "
        f"{buyer.date.isoformat()} through a confirmation link; only the buyer changes it, through a new link"
    )


def record_check(
    session: Session,
    deal: Deal,
    loaded: LoadedProcess,
    given: DealInput,
    source: str,
    checked_by: User | None,
    today: dt.date | None = None,
    note: str | None = None,
    buyer: tuple[str, str] | None = None,
    keep_left_out: bool = False,
) -> Check:
    """Append a check: the answers, who gave them, the process, and the verdict on the day.

    A CRM stage, amount, currency or segment left out of the check keeps the deal's current one (an amount
    given without a currency is in the deal's); with `keep_left_out` (the API, whose body may name one
    milestone), so does each milestone left out. The form sends every milestone, so there a milestone
    without an answer is unanswered. The buyer's answers on the latest check stand whatever a rep sends
    (only the buyer changes them, through a new link); `buyer` is (name, email) when the buyer made the check.
    """
    following = _following_check(session, deal, loaded, given, keep_left_out)
    return _save_check(session, deal, loaded, following, source, checked_by, today, note, buyer)


def record_check_if_changed(
    session: Session, deal: Deal, loaded: LoadedProcess, given: DealInput, source: str, note: str | None = None
) -> Check | None:
    """record_check (by no user), unless the check would store what the deal's latest check stores: the same answers
    (evidence and dates included), CRM stage, amount, currency and segment. Then None, and nothing is added: an
    import of an unchanged row leaves the deal's history as it was."""
    following = _following_check(session, deal, loaded, given, keep_left_out=False)
    if following.unchanged:
        return None
    return _save_check(session, deal, loaded, following, source, None, note=note)


@dataclass(frozen=True)
class _Following:
    """What a deal's next check stores: its answers as stored, the deal as assessed, and whether its latest check
    stores the same."""

    stored: dict[str, object]
    answers: DealInput
    unchanged: bool


def _following_check(
    session: Session, deal: Deal, loaded: LoadedProcess, given: DealInput, keep_left_out: bool
) -> _Following:
    """The answers of the deal's next check: what is given, over what stands of its latest (see record_check)."""
    # Lock the deal first (a no-op on SQLite, whose writers already go one at a time): two checks
    # saved at once must not both start from the same latest answers and lose one's buyer answers.
    latest_id = session.scalar(select(Deal.latest_check_id).where(Deal.id == deal.id).with_for_update())
    latest = session.get(Check, latest_id) if latest_id else None
    previous = with_current_ids(latest.answers, loaded.process) if latest is not None else {}
    stored = answers_json(given.answers)
    for milestone_id, item in previous.items():
        new = given.answers.get(milestone_id)
        buyers_stands = isinstance(item, Mapping) and "buyer" in item and (new is None or new.buyer is None)
        if buyers_stands or (keep_left_out and new is None):
            stored[milestone_id] = item
    answers = dataclasses.replace(
        given,
        name=deal.name,
        claimed_stage=given.claimed_stage if given.claimed_stage is not None else deal.claimed_stage,
        amount=given.amount if given.amount is not None else deal.amount,
        currency=given.currency if given.currency is not None else deal.currency,
        segment=given.segment if given.segment is not None else deal.segment,
        as_of=None,
        answers=read_answers(stored, loaded.process).answers,
    )
    if answers.claimed_stage is not None:  # by its id now; None when the process dropped that stage
        answers = dataclasses.replace(answers, claimed_stage=loaded.process.current_stage_id(answers.claimed_stage))
    unchanged = latest is not None and _keeps(latest, stored, answers, loaded, previous)
    return _Following(stored, answers, unchanged)


def _save_check(
    session: Session,
    deal: Deal,
    loaded: LoadedProcess,
    following: _Following,
    source: str,
    checked_by: User | None,
    today: dt.date | None = None,
    note: str | None = None,
    buyer: tuple[str, str] | None = None,
) -> Check:
    """Append the check, with the verdict of its answers on the day, and make it the deal's latest."""
    now = utc_now()
    today = today or now.date()
    stored, answers = following.stored, following.answers
    assessment = assess(loaded.process, answers, today)
    valid_from, valid_until = verdict_window(loaded.process, answers.answers, today)
    check = Check(
        deal_id=deal.id,
        checked_at=now,
        source=source,
        checked_by_id=checked_by.id if checked_by else None,
        buyer_name=buyer[0] if buyer else None,
        buyer_email=buyer[1] if buyer else None,
        note=note,
        process_version=loaded.process.version,
        process_sha256=loaded.sha256,
        claimed_stage=answers.claimed_stage,
        amount=answers.amount,
        currency=answers.currency,
        segment=answers.segment,
        answers=stored,
        verified_stage=assessment.verified_stage.id,
        verified_index=assessment.verified_index,
        blocking=blocking_text(assessment),
        valid_from=valid_from,
        valid_until=valid_until,
        buyer_confirmed=" ".join(sorted(buyer_confirmed_ids(answers.answers))),
        buyer_declined=" ".join(sorted(buyer_declined_ids(answers.answers))),
    )
    session.add(check)
    session.flush()
    # Two checks of one deal saved at once: the deal points at the newer, whichever commits last.
    session.execute(
        update(Deal)
        .where(Deal.id == deal.id, or_(Deal.latest_check_id.is_(None), Deal.latest_check_id < check.id))
        .values(
            latest_check_id=check.id,
            last_checked_at=now,
            amount=answers.amount,
            currency=answers.currency,
            segment=answers.segment,
            claimed_stage=answers.claimed_stage,
        )
        .execution_options(synchronize_session=False)
    )
    session.refresh(deal)
    return check


def _keeps(
    latest: Check,
    stored: Mapping[str, object],
    answers: DealInput,
    loaded: LoadedProcess,
    previous: Mapping[str, object],
) -> bool:
    """Whether a check storing these answers would store what the latest check does (its stage by its id now)."""
    stage = loaded.process.current_stage_id(latest.claimed_stage) if latest.claimed_stage is not None else None
    return (dict(stored), answers.claimed_stage, answers.amount, answers.currency, answers.segment) == (
        dict(previous),
        stage,
        latest.amount,
        latest.currency,
        latest.segment,
    )


def _by_currency(day: dt.date | None, aggregate: Callable[[Any], Any]) -> Select[Any]:
    """Each currency with an aggregate of the amounts in it, over the open deals whose amount names its currency (as
    each stood at the end of a past `day`, see OpenDeals): the deals the open pipeline is summed from."""
    deals = OpenDeals(day)
    currency, amount = deals.field("currency"), deals.field("amount")
    return deals.query(currency, aggregate(amount)).where(currency.is_not(None), amount.is_not(None)).group_by(currency)


def deal_currencies(session: Session, day: dt.date | None = None) -> dict[str, int]:
    """How many open deals have an amount in each currency (closed deals, and amounts that name none, not counted):
    the open pipeline's currencies, now or at the end of a past `day` (the deals open then, as they stood); the
    closed deals' outcomes are summed in the currency these choose."""
    query = _by_currency(day, func.count)
    return {currency: count for currency, count in session.execute(query) if currency is not None}


def currency_amounts(session: Session, day: dt.date | None = None) -> dict[str, float]:
    """The open deals' amounts added up in each currency (each in its own: only compared, never added together),
    now or at the end of a past `day`."""
    query = _by_currency(day, func.sum)
    return {currency: float(total or 0) for currency, total in session.execute(query) if currency is not None}


def pipeline_currency(currencies: Mapping[str, int], amounts: Mapping[str, float] | None = None) -> str | None:
    """The currency the open pipeline is summed in: that of most open deals; a tie goes to the currency whose open
    amounts add up to more (the numbers compared as written, unconverted), then to the first code alphabetically."""
    totals = amounts or {}
    return min(currencies, key=lambda code: (-currencies[code], -totals.get(code, 0.0), code)) if currencies else None


def summing_currency(session: Session, day: dt.date | None = None) -> str | None:
    """The open pipeline's currency now, or at the end of a past `day` (see `pipeline_currency`): every total of saved
    deals is in it. A past day with no open deal with an amount takes today's: its outcomes are still summed in one."""
    then = pipeline_currency(deal_currencies(session, day), currency_amounts(session, day))
    return then or (summing_currency(session) if day is not None else None)


def count_checks(session: Session) -> int:
    """How many checks are stored."""
    return session.scalar(select(func.count(Check.id))) or 0
