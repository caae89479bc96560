"""Every cell format the audit reads, and every way a cell can be wrong."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline_audit.cells import parse_amount, parse_date, parse_yes_no


@pytest.mark.parametrize(
    ("text", "expected"),
    [("yes", True), ("YES", True), (" y ", True), ("True", True), ("1", True), ("x", True), ("X", True),
     ("no", False), ("N", False), ("false", False), ("0", False), ("", None), ("   ", None)],
)
def test_yes_no_reads_every_spelling(text: str, expected: bool | None) -> None:
    assert parse_yes_no(text) is expected


@pytest.mark.parametrize("text", ["maybe", "yes!", "2", "oui", "-"])
def test_yes_no_refuses_anything_else(text: str) -> None:
    with pytest.raises(ValueError, match=r"is not yes or no; write yes, no, y, n, true, false, 1, 0 or x"):
        parse_yes_no(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("120000", 120000.0), ("120,000.50", 120000.5), ("$120,000", 120000.0), (" 0 ", 0.0), ("€1,234,567.89", 1234567.89),
     ("72000.5", 72000.5), ("", None), ("  ", None)],
)
def test_amount_formats(text: str, expected: float | None) -> None:
    assert parse_amount(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [("12k", "is not an amount; write it like 120000, 120,000.50 or \\$120,000"),
     ("120,5", "is not an amount"),  # a decimal comma is refused, never read as 1205
     ("1,20,000", "is not an amount"),
     ("-500", "is negative; an amount must be zero or more"),
     ("1e5", "is not an amount"),
     ("nan", "is not an amount"),
     # Weighted and summed, amounts this large overflowed to infinity.
     ("4" + "0" * 307, "is too large to be an amount \\(at most 1,000,000,000,000,000\\)")],
)
def test_amount_errors(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_amount(text)


@pytest.mark.parametrize(
    ("text", "day_first", "expected"),
    [("2027-03-01", False, dt.date(2027, 3, 1)), (" 2027-03-01 ", True, dt.date(2027, 3, 1)),
     ("01/03/2027", True, dt.date(2027, 3, 1)), ("1/3/2027", True, dt.date(2027, 3, 1)), ("", False, None)],
)
def test_date_formats(text: str, day_first: bool, expected: dt.date | None) -> None:
    assert parse_date(text, day_first) == expected


@pytest.mark.parametrize(
    ("text", "day_first", "reason"),
    [("01/03/2027", False, "ambiguous \\(day or month first\\?\\); write it as YYYY-MM-DD, or pass --day-first"),
     ("2027-02-30", False, "is not a real calendar date"),
     ("31/02/2027", True, "is not a real calendar date \\(read as day 31, month 2\\)"),
     ("2027/03/01", True, "write it as DD/MM/YYYY \\(with --day-first\\) or YYYY-MM-DD"),
     ("March 1", False, "is not a date; write it as YYYY-MM-DD"),
     ("20270301", False, "is not a date")],
)
def test_date_errors(text: str, day_first: bool, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_date(text, day_first)
