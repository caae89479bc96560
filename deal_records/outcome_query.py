"""Which deals are closed now, as SQL: each deal's latest outcome event decides.

Kept apart from the outcome service so the deal list and the pipeline filter with it
without importing the service (which imports them).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Select, func, select

from deal_records.models import OutcomeEvent
from sales_process.outcome import Outcome


def latest_events(recorded_by: dt.datetime | None = None) -> Select[int]:
    """The id of each deal's latest outcome event (`recorded_by`: latest among those recorded by that moment)."""
    query = select(func.max(OutcomeEvent.id)).group_by(OutcomeEvent.deal_id)
    return query if recorded_by is None else query.where(OutcomeEvent.recorded_at <= recorded_by)


def closed_deal_ids(by: dt.date | None = None, recorded_by: dt.datetime | None = None) -> Select[int]:
    """The ids of the deals closed now (their latest event is won or lost): the open pipeline leaves them out.

    `by`: only those whose close date is that day or before; a deal closed later was open then.
    `recorded_by`: those closed as the records stood at that moment (a deal closed or reopened since is as it was).
    """
    query = select(OutcomeEvent.deal_id).where(
        OutcomeEvent.id.in_(latest_events(recorded_by)), OutcomeEvent.outcome != Outcome.OPEN.value
    )
    return query if by is None else query.where(OutcomeEvent.closed_on <= by)
