"""Pure parsers for the cells of a CRM export: yes/no answers, amounts and dates.

Each returns None for a blank cell and raises ValueError with a reason (what is
wrong and how to write it) for anything it cannot read without guessing.
"""

from __future__ import annotations

import datetime as dt
import math
import re

from sales_process.crm_words import CURRENCY_SYMBOLS as _CURRENCY
from sales_process.crm_words import NO_WORDS as NO
from sales_process.crm_words import YES_WORDS as YES
from sales_process.deal import parse_iso_date

__all__ = ["NO", "YES", "parse_amount", "parse_date", "parse_yes_no", "show"]
_YES_NO_HINT = "write yes, no, y, n, true, false, 1, 0 or x, or leave it blank"
# Thousands separators must come in groups of three, so "120,5" (a decimal comma) is refused, not read as 1205.
_AMOUNT = re.compile(r"^(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?$")
_DAY_FIRST = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def show(text: str) -> str:
    """Quote a cell for a message, shortened when long."""
    return repr(text if len(text) <= 40 else text[:37] + "...")


def parse_yes_no(text: str) -> bool | None:
    """Read a milestone answer: True, False, or None when blank (unanswered)."""
    word = text.strip().lower()
    if not word:
        return None
    if word in YES:
        return True
    if word in NO:
        return False
    raise ValueError(f"{show(text)} is not yes or no; {_YES_NO_HINT}")


def parse_amount(text: str) -> float | None:
    """Read an amount such as 120000, 120,000.50 or $120,000; None when blank."""
    cell = text.strip()
    if not cell:
        return None
    number = cell.lstrip(_CURRENCY).strip()
    if number.startswith("-"):
        raise ValueError(f"{show(text)} is negative; an amount must be zero or more")
    if not _AMOUNT.match(number):
        raise ValueError(f"{show(text)} is not an amount; write it like 120000, 120,000.50 or $120,000")
    value = float(number.replace(",", ""))
    if not math.isfinite(value):
        raise ValueError(f"{show(text)} is too large to be an amount")
    return value


def parse_date(text: str, day_first: bool = False) -> dt.date | None:
    """Read an ISO date (YYYY-MM-DD), or DD/MM/YYYY when `day_first`; None when blank."""
    cell = text.strip()
    if not cell:
        return None
    if "/" in cell:
        return _day_first_date(cell, day_first)
    try:
        return parse_iso_date(cell)
    except ValueError as error:
        raise ValueError(str(error).replace(repr(cell), show(text))) from None


def _day_first_date(cell: str, day_first: bool) -> dt.date:
    if not day_first:
        raise ValueError(
            f"{show(cell)} is ambiguous (day or month first?); write it as YYYY-MM-DD, "
            "or pass --day-first if every date in the file is DD/MM/YYYY"
        )
    match = _DAY_FIRST.match(cell)
    if match is None:
        raise ValueError(f"{show(cell)} is not a date; write it as DD/MM/YYYY (with --day-first) or YYYY-MM-DD")
    day, month, year = (int(part) for part in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"{show(cell)} is not a real calendar date (read as day {day}, month {month})") from None
