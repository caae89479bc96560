"""A workbook's number cell is a number: the decimal comma (crm.decimal_comma, --decimal-comma) and the thousands
separators it brings are how an export's text writes amounts, never how a number cell is read. So one process reads
a German CSV export (74.000,50 €) and the same deals' workbook (88000.5 under a euro format) to the same totals, in
the audit, the import, the dbt seed and the SQL verdict that reads it."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from openpyxl import Workbook

from pipeline_audit.pipeline_csv import number_text
from playbook_cli.main import main
from tests.conftest import DEFAULT_PROCESS

HEADER = ["deal", "stage", "amount", "pain-confirmed", "pain-confirmed.evidence", "pain-confirmed.date"]
EURO = '#,##0.00 "€"'
# (deal, amount cell, its number format, its stage): numbers under euro formats, plain numbers, and 1.234, which
# written as text would be ambiguous (1.234 or 1234?) and read as 1234 with a decimal comma.
DEALS = [
    ("Acme", 88000.5, EURO, "Discovery"),
    ("Beta", 1.234, "#,##0.000", "Discovery"),
    ("Gamma", 45000, "[$€-407] #,##0.00", "Qualifying"),
    ("Delta", 2500.25, "General", "Qualifying"),
    ("Epsilon", 1234567.89, "#,##0.00 [$EUR]", "Qualifying"),
]
# By hand, each amount to the cent: 88000.50 + 1.23 + 45000.00 + 2500.25 + 1234567.89; weighted (10% of the
# first two, 20% of the others, each to the cent): 8800.05 + 0.12 + 9000.00 + 500.05 + 246913.58.
OPEN_TOTAL = "1,370,069.87"
CLAIMED_TOTAL = "265,213.80"


def _workbook(path: Path) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADER)
    for row, (deal, amount, number_format, stage) in enumerate(DEALS, start=2):
        sheet.append([deal, stage, amount, "", "", ""])
        sheet.cell(row=row, column=3).number_format = number_format
    workbook.save(path)
    return path


def _european_csv(path: Path) -> Path:
    """The same deals as a German CSV export writes them: semicolons and decimal commas."""
    amounts = ["88.000,50 €", "1,234", "45.000,00 €", "2.500,25", "1.234.567,89 EUR"]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADER)
        for (deal, _, _, stage), amount in zip(DEALS, amounts, strict=True):
            writer.writerow([deal, stage, amount, "", "", ""])
    return path


def _audit(capsys: pytest.CaptureFixture[str], export: Path, out: Path, *args: str) -> tuple[list[str], list[str]]:
    command = ["audit", str(export), "--process", str(DEFAULT_PROCESS), "--as-of", "2027-03-01", "--out", str(out)]
    assert main([*command, *args]) == 0
    with (out / "audit.csv").open(encoding="utf-8", newline="") as handle:
        amounts = [row["amount"] for row in csv.DictReader(handle)]
    return capsys.readouterr().out.splitlines(), amounts


@pytest.mark.parametrize(
    ("number", "dot", "comma"),
    [
        (88000.5, "88000.5", "88000,5"),
        (1.234, "1.2340", "1,2340"),  # not 1.234: the amount rule refuses that as maybe 1234
        (999.125, "999.1250", "999,1250"),
        (1000.125, "1000.125", "1000,125"),  # four digits are no thousands group
        (0.125, "0.125", "0,125"),
        (45000.0, "45000", "45000"),
        (12, "12", "12"),
        (1e-05, "0.00001", "0,00001"),  # never in exponent notation
        (1e16, "10000000000000000", "10000000000000000"),
        (-2.5, "-2.5", "-2,5"),
    ],
)
def test_a_number_cell_is_written_as_the_amount_rule_reads_it_exactly(number: float, dot: str, comma: str) -> None:
    assert (number_text(number), number_text(number, decimal_comma=True)) == (dot, comma)


@pytest.mark.parametrize("decimal_comma", [True, False], ids=["decimal-comma", "decimal-point"])
def test_a_workbooks_number_cells_are_numbers_whatever_the_decimal_mark(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, decimal_comma: bool
) -> None:
    args = ("--decimal-comma",) if decimal_comma else ()
    lines, amounts = _audit(capsys, _workbook(tmp_path / "deals.xlsx"), tmp_path / "out", *args)
    assert amounts == ["88000.50", "1.23", "45000.00", "2500.25", "1234567.89"]
    assert not any(line.startswith("  line ") for line in lines), lines
    assert f"Open pipeline (EUR), unweighted: {OPEN_TOTAL}, the amounts of 5 open deals" in lines, lines
    assert f"  claimed:    {CLAIMED_TOTAL}" in lines, lines


def test_one_process_reads_the_csvs_decimal_commas_and_the_workbooks_numbers_alike(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    process = tmp_path / "process.yaml"
    process.write_text(
        DEFAULT_PROCESS.read_text(encoding="utf-8") + "\ncrm:\n  decimal_comma: true\n", encoding="utf-8"
    )
    read = []
    for export in (_european_csv(tmp_path / "deals.csv"), _workbook(tmp_path / "deals.xlsx")):
        out = tmp_path / export.suffix.lstrip(".")
        command = ["audit", str(export), "--process", str(process), "--as-of", "2027-03-01", "--out", str(out)]
        status = main(command)
        printed = capsys.readouterr().out.splitlines()
        assert status == 0, printed
        read.append([line for line in printed if line.startswith(("Open pipeline", "  claimed:", "  verified:"))])
    # The CSV's 1,234 is refused as ambiguous (1,234 or 1234?), as a typed amount is; the workbook's 1.234 is read.
    assert read[1][0] == f"Open pipeline (EUR), unweighted: {OPEN_TOTAL}, the amounts of 5 open deals"
    assert read[0][0].startswith("Open pipeline (EUR), unweighted: 1,370,068.64, the amounts of 4 open deals")


def test_the_seed_and_the_sql_read_a_workbooks_numbers_as_the_audit_does(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    book = _workbook(tmp_path / "deals.xlsx")
    options = ["--process", str(DEFAULT_PROCESS), "--as-of", "2027-03-01", "--decimal-comma", "--no-evidence"]
    project = tmp_path / "project"
    assert main(["dbt", "--dialect", "duckdb", "--seed", str(book), "--out", str(project), *options]) == 0
    with (project / "seeds/deals.csv").open(encoding="utf-8", newline="") as handle:
        seeded = [row["amount"] for row in csv.DictReader(handle)]
    assert seeded == ["88000,5 EUR", "1,2340", "45000 EUR", "2500,25", "1234567,89 EUR"]
    capsys.readouterr()
    assert main(["sql", "--dialect", "duckdb", "--columns-from", str(book), *options]) == 0
    statement = capsys.readouterr().out
    connection = duckdb.connect()
    connection.execute(
        "CREATE TABLE deals AS SELECT * FROM read_csv(?, all_varchar=true, header=true)",
        [str(project / "seeds/deals.csv")],
    )
    cursor = connection.execute(statement)
    names = [column[0] for column in cursor.description]
    rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    _, audited = _audit(capsys, book, tmp_path / "out", "--decimal-comma", "--no-evidence")
    assert [f"{row['amount']:.2f}" for row in rows] == audited
    assert sum(row["claimed_weighted"] for row in rows) == Decimal(CLAIMED_TOTAL.replace(",", ""))
