"""An .xlsx export keeps its amounts as numbers and shows their currency by the cell's number format
([$€-407] #,##0.00): the audit reads the currency from the format, as a CSV export writes it beside the
number, so that the totals carry it. A cell whose text names its own currency keeps it."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from pipeline_audit.pipeline_csv import format_currency
from playbook_cli.main import main
from tests.conftest import DEFAULT_PROCESS

HEADER = ["deal", "stage", "amount", "pain-confirmed", "pain-confirmed.evidence", "pain-confirmed.date"]


@pytest.mark.parametrize(
    ("number_format", "currency"),
    [
        ("[$€-407] #,##0.00", "EUR"),  # LibreOffice's and Excel's German euro
        ('"$"#,##0', "USD"),  # Excel's built-in dollar formats
        ("#,##0.00 [$EUR]", "EUR"),
        ("[$USD-409] #,##0", "USD"),
        ('_-* #,##0.00 "€"_-;-* #,##0.00 "€"_-', "EUR"),  # an accounting format
        ("$#,##0.00", "USD"),
        ("#,##0\\ \\€", "EUR"),
        ('#,##0 "zł"', "PLN"),
        ("General", None),
        ("#,##0.00", None),
        ("0%", None),
        ('#,##0 "pcs"', None),  # a unit, no currency
        ("[$-409]#,##0", None),  # a locale without a currency
        (None, None),
    ],
)
def test_a_number_formats_currency(number_format: str | None, currency: str | None) -> None:
    assert format_currency(number_format) == currency


def _workbook(path: Path, number_format: str, amount: object) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADER)
    sheet.append(["Acme", "Qualifying", amount, "yes", "Reply to the recap email", "2027-02-20"])
    sheet.append(["Beta", "Closed Won", 5000, "", "", ""])
    for row in (2, 3):
        sheet.cell(row=row, column=3).number_format = number_format
    workbook.save(path)


@pytest.mark.parametrize(
    ("number_format", "amount", "currency"),
    [
        ("[$€-407] #,##0.00", 12500.5, "EUR"),
        ('"$"#,##0', 12500.5, "USD"),
        ("#,##0.00 [$EUR]", 12500.5, "EUR"),
        ("#,##0.00", 12500.5, None),  # no currency in the format: none in the totals, as before
        ("[$£-809]#,##0.00", "£12,500.50", "GBP"),  # text: its own currency
    ],
)
def test_an_xlsx_amounts_currency_comes_from_its_number_format(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, number_format: str, amount: object, currency: str | None
) -> None:
    path = tmp_path / "pipeline.xlsx"
    _workbook(path, number_format, amount)
    command = ["audit", str(path), "--process", str(DEFAULT_PROCESS), "--as-of", "2027-03-01"]
    assert main([*command, "--out", str(tmp_path / "out")]) == 0
    lines = capsys.readouterr().out.splitlines()
    named = f" ({currency})" if currency else ""
    assert f"Open pipeline{named}, unweighted: 12,500.50, the amount of 1 open deal" in lines, lines
    assert f"Closed deals (outcomes, not pipeline: never assessed nor weighted){named}:" in lines
    assert "  won:                1 deal, 5,000.00" in lines
