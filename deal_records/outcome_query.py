"""Which deals are closed now, as SQL: each deal's latest outcome event decides.

Kept apart from the outcome service so the deal list and the pipeline filter with it
without importing the service (which imports them).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Select, func, select

from deal_records.models import OutcomeEvent
from sales_process.outcome import Outcome


def latest_events() -> Select[int]:
    """The id of each deal's latest outcome event."""
    return select(func.max(OutcomeEvent.id)).group_by(OutcomeEvent.deal_id)


def closed_deal_ids(by: dt.date | None = None) -> Select[int]:
    """The ids of the deals closed now (their latest event is won or lost): the open pipeline leaves them out.

    `by`: only those whose close date is that day or before; a deal closed later was open then.
    """
    query = select(OutcomeEvent.deal_id).where(
        OutcomeEvent.id.in_(latest_events()), OutcomeEvent.outcome != Outcome.OPEN.value
    )
    return query if by is None else query.where(OutcomeEvent.closed_on <= by)
