"""The snapshot dates of a backtest: the last day of each week, month or quarter in a range."""

from __future__ import annotations

import calendar
import datetime as dt
from enum import StrEnum


class Every(StrEnum):
    """How often a snapshot is taken."""

    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"


def period_end(day: dt.date, every: Every) -> dt.date:
    """The last day of the period holding `day` (weeks end on Sunday, quarters in March, June, September, December)."""
    if every is Every.WEEK:
        return day + dt.timedelta(days=6 - day.weekday())
    month = day.month if every is Every.MONTH else -(-day.month // 3) * 3
    return dt.date(day.year, month, calendar.monthrange(day.year, month)[1])


def snapshot_dates(start: dt.date, end: dt.date, every: Every) -> list[dt.date]:
    """The last day of each period that falls from `start` to `end`, both included, oldest first."""
    dates: list[dt.date] = []
    day = period_end(start, every)
    while day <= end:
        dates.append(day)
        day = period_end(day + dt.timedelta(days=1), every)
    return dates


def default_range(latest_close: dt.date) -> tuple[dt.date, dt.date]:
    """The 12 months before the latest close date: from the day after the same date a year earlier, to it."""
    try:
        year_before = latest_close.replace(year=latest_close.year - 1)
    except ValueError:  # 29 February
        year_before = latest_close.replace(year=latest_close.year - 1, day=28)
    return year_before + dt.timedelta(days=1), latest_close
