"""Deal outcomes: close a saved deal won or lost, or reopen it, by appending an event.

Every door (the deal page, `POST /api/deals/<id>/outcome`, `playbook import` of closed rows)
validates with `parse_outcome_change` and writes with `record_outcome`. Events are never
changed or deleted: a reopening is one more event, and the deal's current outcome is that of
its latest event (a deal without events is open). A closed deal keeps its checks and leaves the
open pipeline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, joinedload

from deal_records.models import Deal, OutcomeEvent, User, utc_now
from deal_records.outcome_query import latest_events
from deal_records.records import RecordError
from sales_process import clock
from sales_process.deal import unicode_text
from sales_process.outcome import Outcome
from sales_process.problems import InvalidInput, Problem
from sales_process.totals import NotAssessed, other_currency_reason, summed_in_total
from sales_process.vocabulary import parse_currency, parse_date, parse_money, unlisted_currency
from sales_process.wording import kind_of, object_with_keys

OUTCOME_KEYS = ("outcome", "date", "amount", "currency", "reason")
CHOICES = (Outcome.WON, Outcome.LOST, Outcome.OPEN)  # open: reopen a closed deal
MAX_REASON = 1000


@dataclass(frozen=True)
class OutcomeChange:
    """A validated request: close won (date, amount?), close lost (date, reason), or reopen (reason?)."""

    outcome: Outcome
    closed_on: dt.date | None = None
    amount: float | None = None  # the final amount of a won deal; None: the deal's own amount
    currency: str | None = None
    reason: str | None = None


def _date(data: Mapping[str, object], today: dt.date | None, problems: list[Problem]) -> dt.date | None:
    """The close date, read as a milestone's date is (the check form and the outcome form take the same
    dates), and not after `today` when given."""
    if data.get("date") in (None, ""):
        problems.append(Problem(("date",), "'date' is required: the day the deal closed, as YYYY-MM-DD"))
        return None
    given = data["date"]
    try:
        if isinstance(given, str) and given != given.strip():
            raise ValueError(f"{given!r} has spaces around the date; write it as YYYY-MM-DD")
        closed_on = parse_date(given)
    except ValueError as error:
        problems.append(Problem(("date",), f"'date': {error}"))
        return None
    too_late = close_date_problem(closed_on, today) if today is not None else None
    if too_late is not None:
        problems.append(Problem(("date",), too_late))
    return closed_on


def _reason(data: Mapping[str, object], required: bool, problems: list[Problem]) -> str | None:
    value = data.get("reason")
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.append(Problem(("reason",), "'reason' is required for a lost deal: say why it was lost"))
        return None
    if not isinstance(value, str):
        problems.append(Problem(("reason",), f"'reason' must be text, got {kind_of(value)}"))
        return None
    if len(value) > MAX_REASON:
        problems.append(Problem(("reason",), f"'reason' is {len(value)} characters long; at most {MAX_REASON}"))
        return None
    # One line: a reason is shown in tables and CSV cells.
    return unicode_text(" ".join(value.split()), ("reason",), problems)


def _amount(data: Mapping[str, object], problems: list[Problem]) -> tuple[float | None, str | None]:
    try:
        currency = parse_currency(data.get("currency"))
        money = parse_money(data.get("amount"), column_currency=currency)
    except ValueError as error:
        problems.append(Problem(("amount",), f"'amount': {error}"))
        return None, None
    code = currency or (money.currency if money else None)
    if code and (unlisted := unlisted_currency(code)):
        key = "currency" if currency else "amount"
        problems.append(Problem((key,), f"'{key}': {unlisted}"))
        return None, None
    if money is None:
        return None, currency  # the deal's own amount, which must be in this currency (record_outcome)
    if currency is not None and money.currency is not None and currency != money.currency:
        problems.append(Problem(("currency",), f"'currency' is {currency} but 'amount' is in {money.currency}"))
    return money.value, code


def _currency_without_amount(currency: str, deal_currency: str | None) -> str:
    """Why a currency alone cannot be the win's: the deal's amount is not in it, and nothing converts it."""
    held = f"in {deal_currency}" if deal_currency else "in no currency"
    return (
        f"'currency' is {currency} but no 'amount' is given, and the deal's amount is {held}; "
        f"send the final amount too (for example 'amount': '{currency} 45,000'), or leave 'currency' out"
    )


def _not_for(data: Mapping[str, object], keys: tuple[str, ...], what: str, problems: list[Problem]) -> None:
    """Refuse fields that mean nothing for this outcome rather than ignoring them."""
    for key in keys:
        value = data.get(key)
        if value is not None and not (isinstance(value, str) and not value.strip()):
            problems.append(Problem((key,), f"'{key}' is not used {what}; leave it out"))


def parse_outcome_change(data: object, today: dt.date | None = None, deal_currency: str | None = None) -> OutcomeChange:
    """Validate {outcome: won|lost|open, date, amount?, currency?, reason?}; raise InvalidInput with every problem,
    a close date after `today` among them when it is given (a form lists it with the others; the API answers it
    409 from record_outcome, since the body itself is valid)."""
    data, problems = object_with_keys(data, "an outcome", OUTCOME_KEYS)
    given = data.get("outcome")
    names = ", ".join(choice.value for choice in CHOICES)
    if isinstance(given, str) and given.lower() in CHOICES:
        given = given.lower()  # "Won", "LOST": read ignoring case, as a stage's name is
    if given in (None, "") or not isinstance(given, str) or given not in CHOICES:
        wrong = (
            f"'outcome' is required: one of {names}"
            if given in (None, "")
            else f"'outcome' is {given!r}; write one of {names} (open reopens a closed deal)"
        )
        problems.append(Problem(("outcome",), wrong))
        if data.get("date") not in (None, ""):
            _date(data, today, problems)  # the date's mistakes too, in the same round
        raise InvalidInput(problems)
    outcome = Outcome(given)
    change = OutcomeChange(outcome)
    if outcome is Outcome.WON:
        closed_on = _date(data, today, problems)
        amount, currency = _amount(data, problems)
        _not_for(data, ("reason",), "for a won deal", problems)
        change = OutcomeChange(outcome, closed_on, amount, currency)
    elif outcome is Outcome.LOST:
        closed_on = _date(data, today, problems)
        _not_for(data, ("amount", "currency"), "for a lost deal (a lost deal earns nothing)", problems)
        change = OutcomeChange(outcome, closed_on, reason=_reason(data, True, problems))
    else:
        _not_for(data, ("date", "amount", "currency"), "to reopen a deal", problems)
        change = OutcomeChange(outcome, reason=_reason(data, False, problems))
    if problems:
        raise InvalidInput(problems)
    return change


def may_close(user: User, deal: Deal) -> bool:
    """A deal's owner or a manager closes and reopens it."""
    return deal.owner_id == user.id or user.is_manager


# Asked by every check and every read of a deal: built once.
_LATEST_EVENT = (
    select(OutcomeEvent).where(OutcomeEvent.deal_id == bindparam("deal_id")).order_by(OutcomeEvent.id.desc()).limit(1)
)


def current_outcome(session: Session, deal_id: int) -> OutcomeEvent | None:
    """The deal's latest outcome event (None: never closed); its `outcome` is open after a reopening."""
    return session.scalar(_LATEST_EVENT, {"deal_id": deal_id})


def outcome_events(session: Session, deal_id: int) -> list[OutcomeEvent]:
    """The deal's closings and reopenings, oldest first."""
    query = (
        select(OutcomeEvent)
        .options(joinedload(OutcomeEvent.recorded_by))
        .where(OutcomeEvent.deal_id == deal_id)
        .order_by(OutcomeEvent.id)
    )
    return list(session.scalars(query))


def is_closed(event: OutcomeEvent | None) -> bool:
    """Whether a deal whose latest event is this one is closed."""
    return event is not None and Outcome(event.outcome).is_closed


OLDEST_CLOSE_YEARS = 20  # a close date further back is a mistyped year (1900, 0226), not a deal of the records


def closed_check_refusal(session: Session, deal: Deal) -> str | None:
    """Why a rep's check of the deal is refused: it is closed, an outcome and no longer pipeline (None: it is open).

    Every door a rep checks through says it (the deal page, the API, `playbook import`), each with its own way
    to reopen the deal; a buyer's reply to a link sent before the closing is still kept (buyer_check).
    """
    current = current_outcome(session, deal.id)
    if current is None or not is_closed(current):
        return None
    assert current.closed_on is not None  # a closing always has its date
    return (
        f"the deal was closed {current.outcome} on {current.closed_on.isoformat()}, and a closed deal is not "
        "checked: its outcome is the ground truth now"
    )


def close_date_problem(closed_on: dt.date | None, today: dt.date | None = None) -> str | None:
    """Why a deal cannot have closed on that day: it is after `today` (default: today in UTC), or more than
    OLDEST_CLOSE_YEARS before it; None when it can."""
    today = today or clock.today()
    if closed_on is None:
        return None
    if closed_on > today:
        return f"the close date {closed_on.isoformat()} is after today ({today.isoformat()}); a deal closes on a past day or today"
    if closed_on.year < today.year - OLDEST_CLOSE_YEARS:
        return (
            f"the close date {closed_on.isoformat()} is more than {OLDEST_CLOSE_YEARS} years ago; check its year "
            f"(a deal closes on a past day or today)"
        )
    return None


NO_AMOUNT_TO_WIN = "the deal has no amount; give the final amount it was won for"


def record_outcome(
    session: Session, caller: User, deal: Deal, change: OutcomeChange, source: str, today: dt.date | None = None
) -> OutcomeEvent:
    """Close the deal won or lost, or reopen it: append the event; raise RecordError when it cannot be done.

    RecordError's `loc` is "deal" when the caller may not (a rep closing another's deal: the
    caller answers 404, as for a deal they cannot see), "outcome" when the deal is already so
    (closing a closed deal, reopening an open one), "date" for a close date after `today`
    (default: today in UTC) or decades before it (close_date_problem), "amount" for a win without any amount and "currency" for a win's currency without
    an amount that is not the deal's (nothing converts the deal's amount: it would be relabelled).
    """
    if not may_close(caller, deal):
        raise RecordError("deal", "only the deal's owner or a manager closes or reopens it")
    too_late = close_date_problem(change.closed_on, today)
    if too_late is not None:
        raise RecordError("date", too_late)
    # Lock the deal (a no-op on SQLite, whose writers go one at a time): two closings at once
    # must not both find the deal open.
    session.execute(select(Deal.id).where(Deal.id == deal.id).with_for_update())
    current = current_outcome(session, deal.id)
    if change.outcome is Outcome.OPEN and not is_closed(current):
        raise RecordError("outcome", "the deal is open already; only a closed deal is reopened")
    if change.outcome is not Outcome.OPEN and current is not None and is_closed(current):
        assert current.closed_on is not None
        raise RecordError(
            "outcome",
            f"the deal was closed {current.outcome} on {current.closed_on.isoformat()}; "
            "reopen it first (set its outcome back to open) to record another outcome",
        )
    amount, currency = change.amount, change.currency
    if change.outcome is Outcome.WON and amount is None and currency is not None and currency != deal.currency:
        raise RecordError("currency", _currency_without_amount(currency, deal.currency))
    if change.outcome is Outcome.WON and amount is None:
        amount, currency = deal.amount, currency or deal.currency
    if change.outcome is Outcome.WON and amount is None:
        raise RecordError("amount", NO_AMOUNT_TO_WIN)
    event = OutcomeEvent(
        deal_id=deal.id,
        outcome=change.outcome.value,
        closed_on=change.closed_on,
        amount=amount,
        currency=currency or (deal.currency if amount is not None else None),
        reason=change.reason,
        source=source,
        recorded_by_id=caller.id,
        recorded_at=utc_now(),
    )
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True)
class SavedOutcome:
    """A deal closed now, as the pipeline counts it among the outcomes: its amount is what it was won for,
    else the deal's own (what a lost deal was worth), with that amount's currency."""

    outcome: Outcome
    closed_on: dt.date | None
    amount: float | None
    currency: str | None
    deal_id: int
    name: str
    by_import: bool = False  # closed by `playbook import` (an export's closed row), not in the app or the API

    def not_summed(self, summed_in: str | None) -> NotAssessed | None:
        """Why its amount is not summed among the outcomes, by deal id (Totals.add_outcome): in another currency
        than the pipeline's, as the audit lists a closed row's; None when it is summed or it has no amount."""
        if self.amount is None or self.currency is None or summed_in is None:
            return None
        if summed_in_total(self.currency, summed_in):
            return None
        fix = f"reopen it and close it again with its final amount in {summed_in} to include it"
        return NotAssessed(
            self.deal_id, self.name, other_currency_reason(self.currency, summed_in, "the pipeline's", fix)
        )


def saved_outcomes(session: Session, owner_ids: list[int] | None = None) -> list[SavedOutcome]:
    """Every deal closed now (or those of these owners), in deal order: what the pipeline counts among the outcomes
    and what a backtest of the deal records measures."""
    query = (
        select(
            OutcomeEvent.outcome,
            OutcomeEvent.closed_on,
            OutcomeEvent.amount,
            OutcomeEvent.currency,
            Deal.amount,
            Deal.currency,
            Deal.id,
            Deal.name,
            OutcomeEvent.source,
        )
        .join(Deal, Deal.id == OutcomeEvent.deal_id)
        .where(OutcomeEvent.id.in_(latest_events()), OutcomeEvent.outcome != Outcome.OPEN.value)
        .order_by(OutcomeEvent.deal_id)
    )
    if owner_ids is not None:
        query = query.where(Deal.owner_id.in_(owner_ids))
    return [
        SavedOutcome(
            Outcome(outcome),
            closed_on,
            *((amount, currency) if amount is not None else (worth, in_)),
            deal_id,
            name,
            by_import=source == "import",
        )
        for outcome, closed_on, amount, currency, worth, in_, deal_id, name, source in session.execute(query)
    ]


def current_outcomes(session: Session, deal_ids: list[int]) -> dict[int, OutcomeEvent]:
    """The latest outcome event of each of these deals that has one."""
    if not deal_ids:
        return {}
    query = select(OutcomeEvent).where(OutcomeEvent.id.in_(latest_events()), OutcomeEvent.deal_id.in_(deal_ids))
    return {event.deal_id: event for event in session.scalars(query)}
