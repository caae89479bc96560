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
    "Warning: 3 amounts name no currency and are summed as EUR, the currency the file's other amounts name; if they "
    "are in another, write the currency with every amount, or map the column that gives it (--column NAME=currency)"
)


@pytest.mark.parametrize(
    "rows",
    [
        "Fabrikam,Qualifying,1000\nNorthwind,Qualifying,2000\nLucerne,Qualifying,EUR 5000\nContoso,Qualifying,3000\n",
        "Lucerne,Qualifying,EUR 5000\nFabrikam,Qualifying,1000\nNorthwind,Qualifying,2000\nContoso,Qualifying,3000\n",
    ],
    ids=["bare-first", "eur-first"],
)
def test_bare_numbers_summed_as_another_amounts_currency_are_said_to_be(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, rows: str
) -> None:
    source = tmp_path / "copper.csv"
    source.write_text(HEADER + rows, encoding="utf-8")
    python, duckdb_run = both_engines(capsys, source, tmp_path, "--no-evidence")
    assert "Python engine" not in duckdb_run.err
    assert_same_outputs(python, duckdb_run)
    assert WARNING in python.out.splitlines()
    assert "the amounts of 3 deals that name none are added to them as if in EUR" in html.unescape(python.html())


def test_no_warning_when_no_amount_names_a_currency(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = tmp_path / "copper.csv"
    source.write_text(HEADER + "Fabrikam,Qualifying,1000\nNorthwind,Qualifying,2000\n", encoding="utf-8")
    python, duckdb_run = both_engines(capsys, source, tmp_path, "--no-evidence")
    assert_same_outputs(python, duckdb_run)
    assert "name no currency" not in python.out and "that name none" not in python.html()
