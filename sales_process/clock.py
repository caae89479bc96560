"""The one clock of the app and the commands: what time it is, and what day "today" is.

Every "today" is the date in UTC, whatever the server's time zone: the records keep their times in
UTC, a buyer's confirmation is dated by its UTC day, and a check, an outcome, a page and a command
must agree on the same day (a server in Pago Pago read a check's date of the UTC day as tomorrow's
while it accepted an outcome on it).
"""

from __future__ import annotations

import datetime as dt


def utc_now() -> dt.datetime:
    """The current time in UTC (the only clock the records use)."""
    return dt.datetime.now(dt.UTC)


def today() -> dt.date:
    """Today's date in UTC: the day a check is assessed on, a close date may not be after, and a command's
    default --as-of."""
    return utc_now().date()
