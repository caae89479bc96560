"""The OWASP formula rule for every CSV written, and its exact inverse for every CSV read."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sales_process.spreadsheet import neutralise_cell, restore_cell


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("=1+2", "'=1+2"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("'=1", "''=1"),  # already quoted by the user: one more, so reading gives it back
        # A byte order mark or a zero-width character a spreadsheet may pass over before the formula.
        ("\ufeff=2+2", "'\ufeff=2+2"),
        ("\u200b@SUM(A1)", "'\u200b@SUM(A1)"),
        ("\u2060\ufeff+1+1", "'\u2060\ufeff+1+1"),
        ("'\ufeff=1", "''\ufeff=1"),
        ("\ufeff-5", "\ufeff-5"),  # a number all the same
        ("\u200bAcme", "\u200bAcme"),
        ("-5", "-5"),
        ("+3.25", "+3.25"),
        ("-1,234.50", "-1,234.50"),
        ("Acme", "Acme"),
        ("'quoted'", "'quoted'"),
        ("", ""),
    ],
)
def test_cells_that_would_run_are_quoted(typed: str, written: str) -> None:
    assert neutralise_cell(typed) == written
    assert restore_cell(written) == typed


@given(st.text(alphabet=st.sampled_from("'=+-@\t\r1a. \ufeff\u200b"), max_size=8) | st.text(max_size=12))
def test_restore_is_the_exact_inverse(text: str) -> None:
    written = neutralise_cell(text)
    assert restore_cell(written) == text
    assert written in (text, "'" + text)  # one quote added, or nothing
    if text.startswith(("=", "@", "\t", "\r")):  # never a number: always made inert
        assert written.startswith("'")
