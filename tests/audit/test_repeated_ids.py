"""A CRM id on more than one row (a report that joins deals with their products repeats a deal) is said once,
with its lines, by both engines, in the summary and the report; no row is dropped."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.audit.test_duckdb_engine import assert_same_outputs, both_engines

HEADER = "crm_id,deal,stage,amount,pain-confirmed,pain-confirmed.evidence,pain-confirmed.date\n"


def _row(crm_id: str, deal: str) -> str:
    return f"{crm_id},{deal},Discovery,1000,yes,Reply to the recap email,2027-02-20\n"


def _audit(capsys: pytest.CaptureFixture[str], tmp_path: Path, rows: list[tuple[str, str]]) -> str:
    source = tmp_path / "export.csv"
    source.write_text(HEADER + "".join(_row(crm_id, deal) for crm_id, deal in rows), encoding="utf-8")
    python, duckdb = both_engines(capsys, source, tmp_path)
    assert_same_outputs(python, duckdb)
    assert python.status == 0
    assert f"Deals read: {len(rows)}\n" in python.out  # every row is still a deal
    warnings = [line for line in python.out.splitlines() if "on more than one row" in line]
    report = (python.folder / "report.html").read_text(encoding="utf-8")
    assert ('id="repeated-ids"' in report) == bool(warnings)
    return warnings[0] if warnings else ""


@pytest.mark.parametrize(
    ("rows", "warning"),
    [
        pytest.param([("A1", "Acme"), ("A2", "Beta"), ("", "Gamma"), ("", "Delta")], "", id="distinct-or-blank"),
        pytest.param(
            [("A1", "Acme"), ("A2", "Beta"), ("A1", "Acme"), ("A1", "Acme")],
            "Warning: 1 CRM id is on more than one row ('A1' on lines 2, 4 and 5), so 2 rows count a deal again in "
            "every total; a report that joins deals with their products or contacts repeats a deal on each line: "
            "export one row per deal",
            id="one-id-three-times",
        ),
        pytest.param(
            [(f"B{n % 5}", f"Deal {n % 5}") for n in range(10)] + [("B0", "Deal 0")] * 3,
            "Warning: 5 CRM ids are on more than one row ('B0' on lines 2, 7 and 12 …; 'B1' on lines 3 and 8; 'B2' on "
            "lines 4 and 9 and 2 more ids), so 8 rows count a deal again in every total; a report that joins deals "
            "with their products or contacts repeats a deal on each line: export one row per deal",
            id="five-ids-the-first-on-five-rows",
        ),
        pytest.param(
            [("1.23457E+11", "Acme"), ("1.23457E+11", "Beta"), ("1.23458E+11", "Gamma")],
            "Warning: 1 CRM id is on more than one row ('1.23457E+11' on lines 2 and 3), so 1 row counts a deal "
            "again in every total; the ids are numbers in a spreadsheet's scientific notation (1.23457E+11): the file "
            "was opened and saved in a spreadsheet, which dropped the ids' last digits; export it again from the CRM "
            "and audit it as it comes",
            id="ids-a-spreadsheet-cut-short",
        ),
    ],
)
def test_repeated_crm_ids_are_said_with_their_lines(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, rows: list[tuple[str, str]], warning: str
) -> None:
    assert _audit(capsys, tmp_path, rows) == warning


def test_an_export_without_crm_ids_says_nothing_of_repeated_names(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = tmp_path / "export.csv"
    body = HEADER.split(",", 1)[1] + "".join(_row("", "Acme").split(",", 1)[1] for _ in range(3))
    source.write_text(body, encoding="utf-8")
    python, duckdb = both_engines(capsys, source, tmp_path)
    assert_same_outputs(python, duckdb)
    assert "on more than one row" not in python.out
