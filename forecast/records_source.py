"""The deal records as a backtest's source: each closed deal with its checks as its history.

The claimed stage at D is the CRM stage of the latest check made on or before D, and the
answers at D are that check's (only those dated on or before D count).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from deal_records.answers import read_answers
from deal_records.models import Check, Deal
from deal_records.outcomes import SavedOutcome, saved_outcomes
from deal_records.records import pipeline_currency, summing_currency
from forecast.history import AnswersSince, ClaimedSince, DealHistory
from sales_process.model import Process
from sales_process.totals import summed_in_total


class SavedHistories(NamedTuple):
    """The deal records' closed deals as a backtest reads them, and the currency their amounts are summed in."""

    histories: list[DealHistory]
    currency: str | None


def summed_currency(session: Session, closed: list[SavedOutcome]) -> str | None:
    """The currency a backtest of the deal records sums amounts in: the pipeline's (that of most open deals, as
    /pipeline sums its outcomes), else, with no open deal, that of most closed deals (by the same rule)."""
    return summing_currency(session) or pipeline_currency(
        Counter(deal.currency for deal in closed if deal.currency is not None and deal.amount is not None)
    )


def saved_histories(session: Session, process: Process) -> SavedHistories:
    """Every saved deal closed won or lost, with its checks, by deal id; an amount in another currency than the one
    summed is left out of the sums (its deal still counts in the win rates), as /pipeline leaves it out."""
    closed = saved_outcomes(session)
    currency = summed_currency(session, closed)
    ids = [deal.deal_id for deal in closed]
    names: dict[int, tuple[str, str | None, str, str, dt.date]] = {}
    checks: dict[int, list[tuple[Check, dict[str, object]]]] = defaultdict(list)
    for start in range(0, len(ids), 1000):
        batch = ids[start : start + 1000]
        for deal_id, name, crm_id, segment, created_at in session.execute(
            select(Deal.id, Deal.name, Deal.crm_id, Deal.segment, Deal.created_at).where(Deal.id.in_(batch))
        ):
            names[deal_id] = (crm_id or name, segment, name or "", crm_id or "", created_at.date())
        query = select(Check).where(Check.deal_id.in_(batch)).order_by(Check.checked_at, Check.id)
        for check in session.scalars(query):
            checks[check.deal_id].append((check, check.answers))
    histories = []
    for deal in closed:
        label, segment, name, crm_id, saved_on = names[deal.deal_id]
        claimed, answers = [], []
        for check, stored in checks[deal.deal_id]:
            day = check.checked_at.date()
            stage = (
                check.claimed_stage
                if check.claimed_stage and process.stage_index(check.claimed_stage) is not None
                else None
            )
            claimed.append(ClaimedSince(day, stage))
            answers.append(AnswersSince(day, read_answers(stored, process).answers))
        assert deal.closed_on is not None  # a closing always has its date
        summed = summed_in_total(deal.currency, currency) or deal.amount is None
        histories.append(
            # Known from the day it was saved, or from its first check where that is older (a check back-dated).
            DealHistory(
                label,
                deal.outcome,
                deal.closed_on,
                deal.amount if summed else None,
                claimed,
                answers,
                segment,
                name,
                crm_id,
                min([saved_on, *(claim.date for claim in claimed)]),
                deal.by_import,
                other_currency=None if summed else deal.currency,
            )
        )
    return SavedHistories(histories, currency)
