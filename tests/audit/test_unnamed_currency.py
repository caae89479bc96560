"""Amounts naming no currency summed in the currency other amounts name: the audit says so, on screen and in
report.html, on both engines (a RevOps review: one `EUR 5000` among forty bare numbers labelled them all EUR,
silently)."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from tests.audit.test_duckdb_engine import assert_same_outputs, both_engines

HEADER = "Name,Pipeline Stage,Value\n"
WARNING = (
    "Warning: 3 amounts name no currency and are summed as EUR, the currency of the file's first amount that names one "
    "(line {}); if they are in another, write the currency with every amount, or map the column that gives it "
    "(--column NAME=currency)"
)


@pytest.mark.parametrize(
    ("rows", "line"),
    [
        (
            "Fabrikam,Qualifying,1000\nNorthwind,Qualifying,2000\nLucerne,Qualifying,EUR 5000\n"
            "Contoso,Qualifying,3000\n",
            4,
        ),
        (
            "Lucerne,Qualifying,EUR 5000\nFabrikam,Qualifying,1000\nNorthwind,Qualifying,2000\n"
            "Contoso,Qualifying,3000\n",
            2,
        ),
    ],
    ids=["bare-first", "eur-first"],
)
def test_bare_numbers_summed_as_another_amounts_currency_are_said_to_be(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, rows: str, line: int
) -> None:
    source = tmp_path / "copper.csv"
    source.write_text(HEADER + rows, encoding="utf-8")
    python, duckdb_run = both_engines(capsys, source, tmp_path, "--no-evidence")
    assert "Python engine" not in duckdb_run.err
    assert_same_outputs(python, duckdb_run)
    assert WARNING.format(line) in python.out.splitlines()
    assert "name another currency" not in python.out
    assert "the amounts of 3 deals that name none are added to them as if in EUR" in html.unescape(python.html())


@pytest.mark.parametrize(
    ("rows", "said"),
    [
        # One stray EUR amount first, most amounts in USD: the totals are in EUR, and the fix sums the file in USD.
        (
            "Lucerne,Qualifying,€1200.50\nFabrikam,Qualifying,$1000\nNorthwind,Won,USD 2000\n"
            "Contoso,Qualifying,3000\nTailspin,Qualifying,$4000\n",
            "the totals are in EUR, the currency of the file's first amount that names one (line 2); 1 amount names "
            "EUR, and 3 name another currency (USD: 3), not summed: their open deals are not assessed, closed ones "
            "count without an amount. An audit sums one currency, the first an amount names (there is no setting for "
            "it): to sum the file in USD, convert the 1 amount in EUR (the first on line 2) to USD; or audit each "
            "currency separately (filter the export on its currency, one file each)",
        ),
        # Most in the file's currency: convert the others.
        (
            "Contoso,Qualifying,3000\nLucerne,Qualifying,EUR 1200\nFabrikam,Qualifying,EUR 1000\n"
            "Northwind,Qualifying,GBP 2000\n",
            "the totals are in EUR, the currency of the file's first amount that names one (line 3); 2 amounts name "
            "EUR, and 1 names another currency (GBP: 1), not summed: its open deals are not assessed, closed ones "
            "count without an amount. An audit sums one currency, the first an amount names (there is no setting for "
            "it): convert the amounts in other currencies to EUR, or audit each currency separately (filter the "
            "export on its currency, one file each)",
        ),
    ],
    ids=["stray-eur-first", "one-gbp"],
)
def test_amounts_in_other_currencies_say_which_and_how_the_files_currency_was_chosen(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, rows: str, said: str
) -> None:
    """A stray EUR amount on the first row set a file of dollars in EUR, and the warning said the amounts naming
    none were in 'the currency the file's other amounts name', which most did not (an audit of a Zoho export)."""
    source = tmp_path / "zoho.csv"
    source.write_text(HEADER + rows, encoding="utf-8")
    python, duckdb_run = both_engines(capsys, source, tmp_path, "--no-evidence")
    assert "Python engine" not in duckdb_run.err
    assert_same_outputs(python, duckdb_run)
    assert f"Warning: {said}" in python.out.splitlines()
    assert "the file's other amounts name" not in python.out
    assert f"Warning: {said}." in " ".join(html.unescape(python.html()).split())


def test_no_warning_when_no_amount_names_a_currency(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = tmp_path / "copper.csv"
    source.write_text(HEADER + "Fabrikam,Qualifying,1000\nNorthwind,Qualifying,2000\n", encoding="utf-8")
    python, duckdb_run = both_engines(capsys, source, tmp_path, "--no-evidence")
    assert_same_outputs(python, duckdb_run)
    assert "name no currency" not in python.out and "that name none" not in python.html()
