"""A CRM id on more than one row (a report that joins deals with their products repeats a deal) is said once,
with its lines, by both engines, in the summary and the report; no row is dropped. A row without a CRM id is its
deal name's: that name on another such row is the same deal again, said as a repeated id is."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.audit.test_duckdb_engine import assert_same_outputs, both_engines

# How to tell the deals of a name apart, said after the names of rows without a CRM id on more than one row.
NAMES_FIX = (
    "a report that joins deals with their products or contacts repeats a deal on each line: export one row per deal, "
    "with the CRM's id column, which tells apart deals of one name"
)
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
        pytest.param(
            [("", "Acme"), ("A2", "Beta"), ("", "Acme"), ("", "Gamma")],
            f"Warning: 1 deal name of rows without a CRM id is on more than one row ('Acme' on lines 2 and 4), so 1 "
            f"row counts a deal again in every total; {NAMES_FIX}",
            id="a-name-without-an-id-twice",
        ),
        pytest.param([("A1", "Acme"), ("A2", "Acme"), ("", "Beta")], "", id="a-name-of-two-ids"),
        pytest.param([("A1", "Acme"), ("", "Acme")], "", id="a-name-with-an-id-and-without"),
        pytest.param(
            [("A1", "Acme"), ("", "Beta"), ("A1", "Acme"), ("", "Beta"), ("", "Beta")],
            "Warning: 1 CRM id is on more than one row ('A1' on lines 2 and 4), so 1 row counts a deal again in "
            "every total; a report that joins deals with their products or contacts repeats a deal on each line: "
            "export one row per deal; 1 deal name of rows without a CRM id is on more than one row ('Beta' on lines "
            f"3, 5 and 6), so 2 rows count a deal again in every total; {NAMES_FIX}",
            id="an-id-and-a-name",
        ),
    ],
)
def test_repeated_crm_ids_are_said_with_their_lines(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, rows: list[tuple[str, str]], warning: str
) -> None:
    assert _audit(capsys, tmp_path, rows) == warning


def test_an_export_without_crm_ids_says_which_deal_names_are_on_more_than_one_row(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Freshsales' export without its id column: a deal on two rows, the same in every cell, was counted twice in
    the open pipeline without a word. Its name is the deal's, so it is said, with its lines, and still counted."""
    source = tmp_path / "export.csv"
    deals = ["Müller & Söhne GmbH – Lizenz 14", "Acme", "Müller & Söhne GmbH – Lizenz 14", "Beta", "Acme", "Acme"]
    body = HEADER.split(",", 1)[1] + "".join(_row("", deal).split(",", 1)[1] for deal in deals)
    source.write_text(body, encoding="utf-8")
    python, duckdb = both_engines(capsys, source, tmp_path)
    assert_same_outputs(python, duckdb)
    assert f"Deals read: {len(deals)}\n" in python.out
    assert (
        "Warning: 2 deal names of rows without a CRM id are on more than one row ('Müller & Söhne GmbH – Lizenz 14' "
        f"on lines 2 and 4; 'Acme' on lines 3, 6 and 7), so 3 rows count a deal again in every total; {NAMES_FIX}\n"
    ) in python.out
    assert 'id="repeated-ids"' in (python.folder / "report.html").read_text(encoding="utf-8")


# Two names of rows without a CRM id, and whether they name one deal: name_key's rule (case, surrounding and doubled
# spaces, Unicode form), which `playbook import` matches saved deals by (tests/records/test_import_real.py uses this
# table too) and the audit's repeated names follow, in both engines.
NAME_PAIRS = [
    pytest.param("Acme", "ACME", True, id="case"),
    pytest.param("Acme Corp", "  Acme   Corp ", True, id="spaces"),
    pytest.param("Acme Corp", "Acme\u00a0Corp", True, id="no-break-space"),
    pytest.param("Caf\u00e9 Lyon", "Cafe\u0301 Lyon", True, id="nfc-combining-accent"),
    pytest.param("Straße AG", "STRASSE AG", True, id="casefold-sharp-s"),
    pytest.param("Acme", "Acme Inc", False, id="another-name"),
    pytest.param("Acme-1", "Acme 1", False, id="hyphen-is-not-a-space"),
]


@pytest.mark.parametrize(("first", "second", "one_deal"), NAME_PAIRS)
def test_names_of_one_deal_as_import_matches_them_are_one_repeated_deal(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, first: str, second: str, one_deal: bool
) -> None:
    """'Acme' and 'ACME' were two deals to the audit and one to `playbook import`: now one to both, said as the first
    row writes it."""
    warning = _audit(capsys, tmp_path, [("", first), ("", second)])
    expected = (
        f"Warning: 1 deal name of rows without a CRM id is on more than one row ({first!r} on lines 2 and 3), so 1 "
        f"row counts a deal again in every total; {NAMES_FIX}"
    )
    assert warning == (expected if one_deal else "")
