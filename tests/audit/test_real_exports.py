"""Exports as CRMs write them, read without renaming a column: a Salesforce API export (IsClosed/IsWon, owner
ids, no milestone fields), a Dynamics 365 export (Status apart from the stage, Est. Revenue, "US Dollar"), a
HubSpot all-properties export (146 columns), and the same export as .xlsx, Windows-1251 and UTF-16.

Closed deals are outcomes with their amounts; the open pipeline's totals are those of the open deals alone.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import Workbook

from pipeline_audit.audit import audit_row
from pipeline_audit.rows import RowReader
from playbook_cli.main import main
from tests.audit.crm_exports_helpers import EXPORTS, process_with_real_crm
from tests.audit.helpers import Run
from tests.audit.test_duckdb_engine import assert_same_outputs, both_engines
from tests.conftest import ROOT

AS_OF = "2027-03-01"


def run_audit(capsys: pytest.CaptureFixture[str], tmp_path: Path, export: Path, *options: str) -> Run:
    out = tmp_path / "out"
    process = process_with_real_crm(tmp_path)
    status = main(["audit", str(export), "--process", str(process), "--as-of", AS_OF, "--out", str(out), *options])
    captured = capsys.readouterr()
    return Run(status, captured.out, captured.err, out)


def test_an_export_without_evidence_gets_the_honest_report(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    refused = run_audit(capsys, tmp_path, EXPORTS / "salesforce-api.csv")
    assert refused.status == 1 and "run it with --no-evidence" in refused.err
    run = run_audit(capsys, tmp_path, EXPORTS / "salesforce-api.csv", "--no-evidence")
    assert (run.status, run.err) == (0, "")
    lines = run.out.splitlines()
    assert "Columns: read 'StageName' as the stage (a name Salesforce uses)" in lines
    assert "Columns: read 'IsClosed' as whether the deal is closed (a name Salesforce uses)" in lines
    assert sum("StageName" in line for line in lines) == 1  # said once
    assert "Deals read: 6 (3 closed, 3 open)" in lines
    assert "  won:               2 deals, 75,000.00" in lines  # Closed Won, and IsWon at Negotiation/Review
    assert "  lost:               1 deal, 98,000.00" in lines
    assert "  total: 3 deals, 91,400.00" in lines  # the open deals alone
    assert any(
        line.startswith("None of it is customer-verified, because the CRM records no customer evidence")
        for line in lines
    )
    assert "`playbook crm-template`" in run.out
    html = run.html()
    for text in (run.out, html):
        assert "ahead of" not in text and "inflation" not in text.lower()
    assert "the CRM records no customer evidence" in html and 'data-outcome="won">2<' in html
    assert [r["outcome"] for r in run.rows()] == ["open", "open", "won", "lost", "open", "won"]
    assert [r["claimed_weighted"] for r in run.rows()][2:4] == ["", ""]  # closed deals are never weighted


def test_deals_deleted_in_salesforce_are_out_of_the_pipeline(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Data Loader's Export All holds the recycle bin's opportunities, IsDeleted true: disqualified whatever their
    stage or IsClosed/IsWon say (an open one and a won one here), by both engines."""
    rows = list(csv.reader((EXPORTS / "salesforce-api.csv").read_text(encoding="utf-8").splitlines()))
    deleted = rows[0].index("IsDeleted")
    for row in rows[2], rows[6]:  # Brightline Bank, open at Proposal/Price Quote; Fjord Shipping, won
        row[deleted] = "true"
    export = tmp_path / "export-all.csv"
    with export.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, quoting=csv.QUOTE_ALL).writerows(rows)
    run, duckdb = both_engines(capsys, export, tmp_path, "--no-evidence", process=process_with_real_crm(tmp_path))
    assert_same_outputs(run, duckdb)
    assert (run.status, run.err) == (0, "")
    lines = run.out.splitlines()
    assert "Columns: read 'IsDeleted' as whether the deal was deleted (a name Salesforce uses)" in lines
    assert "Deals read: 6 (4 closed, 2 open)" in lines
    assert "  disqualified:      2 deals, 150,000.00" in lines  # 120,000 open and 30,000 won, both deleted
    assert [r["outcome"] for r in run.rows()] == ["open", "disqualified", "won", "lost", "open", "disqualified"]


def test_a_status_column_decides_before_the_stage(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    run = run_audit(capsys, tmp_path, EXPORTS / "dynamics.csv")
    assert (run.status, run.err) == (0, "")
    lines = run.out.splitlines()
    assert "Columns: read 'Est. Revenue' as the amount (a name Dynamics 365 uses)" in lines
    assert "Columns: read 'Topic' as the deal's name (a name Dynamics 365 uses)" in lines
    assert "  lost:              2 deals, 180,000.00" in lines  # Lost while at Qualify and Propose
    assert "  won:                1 deal, 45,000.00" in lines
    assert "Weighted pipeline (USD) of the 2 open deals with an amount and a claimed stage:" in lines  # US Dollar
    assert "  claimed:    54,000.00" in lines  # 74,000 at 20% + 98,000 at 40%: the open deals only
    rows = run.rows()
    assert [(r["deal"], r["outcome"], r["close_date"]) for r in rows] == [
        ("Fleet telematics", "open", ""),
        ("Core banking", "lost", "2026-05-15"),
        ("Pilot", "won", "2026-06-20"),
        ("Expansion", "open", ""),
        ("Grid analytics", "lost", "2026-07-05"),
    ]


def test_closed_deals_are_counted_within_from_and_to(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    run = run_audit(capsys, tmp_path, EXPORTS / "dynamics.csv", "--from", "2026-06-01", "--to", "2026-07-31")
    lines = run.out.splitlines()
    assert "  won:                1 deal, 45,000.00" in lines
    assert "  lost:                1 deal, 60,000.00" in lines or "  lost:               1 deal, 60,000.00" in lines
    assert "  not counted: 1 closed deal closed outside the period (or undated)" in lines


def test_146_columns_need_no_ignore_list_and_system_fields_are_never_milestones(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    export = EXPORTS / "hubspot-all-properties.csv"
    with export.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    assert len(header) == 146
    run = run_audit(capsys, tmp_path, export)
    assert run.status == 0, run.err
    lines = run.out.splitlines()
    ignored = [line for line in lines if line.startswith("Columns not read:")]
    assert ignored == [
        "Columns not read: 133 ('Create Date', 'Last Contacted', 'Contact', 'Price List', 'Next Step', 'Deal Type', "
        "'Associated Company', 'Last Modified Date' and 125 more); --strict-columns makes each an error, "
        "--ignore-column silences one"
    ]
    # The pipeline is read (where a deal of a stage the process does not know comes from), and said to be.
    assert (
        "Columns: read 'Pipeline' as each deal's pipeline (to say where a stage the process does not know comes from)"
        in lines
    )
    assert "  lost:               1 deal, 120,000.00" in lines  # Is Deal Closed? true, Is Closed Won false
    strict = run_audit(capsys, tmp_path, export, "--strict-columns")
    assert strict.status == 1
    assert "unknown column 'Last Contacted'; map it with" in strict.err
    for system in ("Create Date", "Last Contacted", "Contact", "Price List", "Next Step"):
        assert f"unknown column '{system}'; did you mean" not in strict.err


def _dynamics_rows() -> list[list[str]]:
    with (EXPORTS / "dynamics.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_an_xlsx_workbook_reads_like_its_csv(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rows = _dynamics_rows()
    workbook = Workbook()
    notes = workbook.active
    assert notes is not None
    notes.title = "Read me"
    notes.append(["Exported from Dynamics 365"])
    sheet = workbook.create_sheet("Opportunities")
    sheet.append(rows[0])
    for row in rows[1:]:
        cells: list[object] = list(row)
        month, day, year = (int(part) for part in row[7].split("/"))
        cells[7] = dt.datetime(year, month, day)  # a date cell, as Excel keeps it
        cells[8] = float(row[8].lstrip("$").replace(",", ""))  # a number cell
        sheet.append(cells)
    path = tmp_path / "opportunities.xlsx"
    workbook.save(path)
    from_csv = run_audit(capsys, tmp_path / "csv", EXPORTS / "dynamics.csv")
    from_xlsx = run_audit(capsys, tmp_path / "xlsx", path, "--sheet", "Opportunities")
    assert from_xlsx.status == 0, from_xlsx.err
    assert from_xlsx.rows() == from_csv.rows()
    wrong = run_audit(capsys, tmp_path / "wrong", path, "--sheet", "Deals")
    assert "the workbook has no sheet 'Deals'; its sheets: Read me, Opportunities" in wrong.err
    # Without --sheet the first sheet is read: its header's error says which other sheets there are.
    first = run_audit(capsys, tmp_path / "first", path)
    assert first.status == 1
    assert first.err.startswith(f"{path}:1: error: the header has no 'deal' column")
    assert first.err.count("(this is the workbook's first sheet; its other sheets: 'Opportunities': ") == 1
    assert "read one with --sheet NAME, e.g. --sheet Opportunities)" in first.err
    assert "first sheet" not in wrong.err + from_xlsx.out


def test_a_workbooks_hidden_first_sheet_is_passed_over_for_its_first_visible_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Dynamics 365 writes its workbook with a hidden 'hiddenDataSheet' first: it was read as 'the first sheet' and
    refused; the audit reads the first sheet a user sees, as Excel opens it."""
    rows = _dynamics_rows()
    workbook = Workbook()
    hidden = workbook.active
    assert hidden is not None
    hidden.title = "hiddenDataSheet"
    hidden.append(["entityname", "opportunity"])
    hidden.sheet_state = "hidden"
    sheet = workbook.create_sheet("Active Opportunities")
    for row in rows:
        sheet.append(list(row))
    workbook.create_sheet("Notes").append(["Read me"])
    path = tmp_path / "dynamics.xlsx"
    workbook.save(path)
    from_csv = run_audit(capsys, tmp_path / "csv", EXPORTS / "dynamics.csv")
    from_xlsx = run_audit(capsys, tmp_path / "xlsx", path)
    assert from_xlsx.status == 0, from_xlsx.err
    assert from_xlsx.rows() == from_csv.rows()
    # Its header's error, had it one, says the sheet read is the first visible one, and names the others.
    hidden.sheet_state = "visible"
    workbook.move_sheet("hiddenDataSheet", offset=2)
    workbook["Active Opportunities"].sheet_state = "hidden"
    workbook.save(path)
    first = run_audit(capsys, tmp_path / "first", path)
    assert first.status == 1
    assert (
        "(this is the workbook's first visible sheet, after the hidden 'Active Opportunities'; its other sheets: "
        "'Active Opportunities', 'hiddenDataSheet': read one with --sheet NAME" in first.err
    ), first.err


@pytest.mark.parametrize(("encoding", "options"), [("cp1251", ("--encoding", "cp1251")), ("utf-16", ())])
def test_other_encodings_read_like_utf8(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, encoding: str, options: tuple[str, ...]
) -> None:
    rows = _dynamics_rows()
    rows[1][3] = "Телематика автопарка"  # a deal named in Russian, as a Windows-1251 export writes it
    utf8 = tmp_path / "utf8.csv"
    other = tmp_path / f"{encoding}.csv"
    for path, name in ((utf8, "utf-8"), (other, encoding)):
        with path.open("w", encoding=name, newline="") as handle:
            csv.writer(handle).writerows(rows)
    expected = run_audit(capsys, tmp_path / "a", utf8)
    got = run_audit(capsys, tmp_path / "b", other, *options)
    assert got.status == 0, got.err
    assert got.rows() == expected.rows() and got.rows()[0]["deal"] == "Телематика автопарка"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_a_tab_delimited_export_reads_like_a_comma_one_on_both_engines(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, encoding: str
) -> None:
    """Excel's "Unicode Text" (UTF-16, tabs) and a spreadsheet's copy saved as text: a comma in a cell stays in it."""
    rows = _dynamics_rows()
    rows[1][3] = "Fleet telematics, phase 2"
    comma, tabbed = tmp_path / "comma.csv", tmp_path / "tabbed.txt"
    with comma.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    with tabbed.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, delimiter="\t").writerows(rows)
    expected = run_audit(capsys, tmp_path / "a", comma)
    python, duckdb = both_engines(capsys, tabbed, tmp_path / "b", process=process_with_real_crm(tmp_path))
    assert python.status == 0, python.err
    assert python.rows() == expected.rows() and python.rows()[0]["deal"] == "Fleet telematics, phase 2"
    assert_same_outputs(python, duckdb)


def test_a_file_that_is_not_utf8_names_the_option(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes("deal,stage,pain-confirmed\nТелематика,Discovery,yes\n".encode("cp1251"))
    run = run_audit(capsys, tmp_path, path)
    assert run.status == 1
    assert "pass --encoding NAME (crm.encoding in process.yaml), e.g. --encoding cp1251" in run.err


def test_a_blank_deal_name_falls_back_to_the_crm_id_and_two_digit_years_are_counted(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "deal,crm_id,stage,currency,amount,pain-confirmed,pain-confirmed.date\n"
        ",006A,Discovery,US Dollar,1000,yes,02/12/26\nAcme,006B,Discovery,Euro,2000,yes,2026-12-02\n",
        encoding="utf-8",
    )
    run = run_audit(capsys, tmp_path, path, "--day-first")
    first = run.rows()[0]
    assert (first["deal"], first["not_assessed"]) == ("006A", "")
    assert (
        "Dates with a two-digit year: 1 date, read by the spreadsheet rule: 00-29 as 2000-2029, 30-99 as 1930-1999"
        in run.out
    )
    assert "amount: in EUR, but the file's amounts are in USD" in run.out  # "US Dollar" and "Euro" read as ISO codes


@pytest.mark.parametrize("export", ["salesforce-api.csv", "dynamics.csv", "hubspot-all-properties.csv"])
def test_both_engines_agree_on_real_exports(capsys: pytest.CaptureFixture[str], tmp_path: Path, export: str) -> None:
    process = process_with_real_crm(tmp_path)
    options = ("--no-evidence",) if export == "salesforce-api.csv" else ()
    python, duckdb = both_engines(capsys, EXPORTS / export, tmp_path, *options, process=process)
    assert python.status == 0, python.err
    assert_same_outputs(python, duckdb)


def test_the_sample_sales_pipeline_dataset_reads_with_its_stage_names_only(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    process = tmp_path / "process.yaml"
    root_text = process_with_real_crm(tmp_path).read_text(encoding="utf-8")
    process.write_text(
        root_text.replace("    Close: negotiating\n", "    Close: negotiating\n    Engaging: qualifying\n"),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    status = main(
        [
            "audit",
            str(EXPORTS / "sales-pipeline-sample.csv"),
            "--process",
            str(process),
            "--as-of",
            AS_OF,
            "--out",
            str(out),
            "--no-evidence",
        ]
    )
    run = Run(status, *capsys.readouterr(), out)
    assert (run.status, run.err) == (0, "")
    lines = run.out.splitlines()
    assert "Columns: read 'deal_stage' as the stage (a name the sample sales-pipeline dataset uses)" in lines
    assert "Columns: read 'close_value' as the amount (a name the sample sales-pipeline dataset uses)" in lines
    assert "  won:               2 deals, 5,568.00" in lines  # the stage "Won"
    assert "  lost:              2 deals, 0.00" in lines
    assert [r["deal"] for r in run.rows()][:2] == ["1C1I7A6R", "Z063OYW0"]  # no name column: the CRM id names each deal
    # Its open deals have no amount (close_value is filled at the close): counted in their stages, never weighted.
    # A sum over deals none weighted says so: "0.00" read as weighed and found to be nothing.
    assert lines[lines.index("  total: 2 deals, not weighted") - 2 :][:4] == [
        "  Discovery: 1 deal, not weighted",
        "  Qualifying: 1 deal, not weighted",
        "  total: 2 deals, not weighted",
        "Not in the weighted totals: 2 deals without an amount, 0 without a claimed stage.",
    ]
    assert run.table("stages")[:2] == [
        ["Discovery", "10%", "1", "not weighted"],
        ["Qualifying", "20%", "1", "not weighted"],
    ]


def test_deals_without_an_amount_are_counted_in_their_stages_by_both_engines(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    export = tmp_path / "export.csv"
    export.write_text(
        "deal,stage,amount,pain-confirmed,pain-confirmed.evidence,pain-confirmed.date\n"
        "Acme,Qualifying,,yes,reply to recap,2027-02-01\nBeta,Qualifying,1000,no,,\nGamma,,500,no,,\n",
        encoding="utf-8",
    )
    python, duckdb = both_engines(capsys, export, tmp_path)
    assert_same_outputs(python, duckdb)
    lines = python.out.splitlines()
    assert "Weighted pipeline of the 1 deal with an amount and a claimed stage:" in lines
    assert "Not in the weighted totals: 1 deal without an amount, 1 without a claimed stage." in lines
    # Acme and Beta claim Qualifying and are verified at Discovery: both counted, Beta's amount alone weighted.
    # Gamma claims no stage: verified at Discovery, counted there (the column adds up to the 3 deals assessed),
    # never weighted (nothing claimed to compare it with).
    assert python.table("stages")[:2] == [
        ["Discovery", "10%", "0", "0.00", "3", "100.00"],
        ["Qualifying", "20%", "2", "200.00", "0", "0.00"],
    ]


@pytest.mark.parametrize(
    ("options", "status", "message"),
    [
        (("--encoding", "klingon"), 2, "'klingon' is not an encoding; use one such as cp1251"),
        (("--from", "2027-02-01", "--to", "2027-01-01"), 2, "--from 2027-02-01 is after --to 2027-01-01"),
        (("--memory-limit", "2"), 2, "'2' is not a size: write a number and a unit (KB, MB, GB, TB), e.g. 512MB"),
        (("--memory-limit", "16MB"), 2, "16MB is too little for DuckDB to audit a file: give it at least 32MB"),
        (
            ("--memory-limit", "1GB", "--engine", "python"),
            2,
            "--memory-limit sets DuckDB's memory, which --engine python does not use",
        ),
        (
            ("--sheet", "Opportunities"),
            1,
            "--sheet 'Opportunities' reads a sheet of an .xlsx workbook, and this is a CSV file",
        ),
    ],
)
def test_reading_options_are_checked(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, options: tuple[str, ...], status: int, message: str
) -> None:
    try:
        run = run_audit(capsys, tmp_path, EXPORTS / "dynamics.csv", *options)
    except SystemExit as exit_:  # argparse's usage error
        assert exit_.code == status
        assert message in capsys.readouterr().err
        return
    assert run.status == status and message in run.err, run.err


def test_numbered_crm_stages_are_read_as_the_stages_they_name(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """GitLab's Salesforce numbers its stages: 1-Discovery … 7-Closing, Closed Won, 8-Closed Lost, 9-Unqualified."""
    export = tmp_path / "export.csv"
    export.write_text(
        "deal,stage,amount,pain-confirmed,pain-confirmed.evidence,pain-confirmed.date\n"
        "Acme,1-Discovery,1000,yes,reply to recap,2027-02-01\n"
        "Beta,02 - Qualifying,2000,no,,\n"
        "Gamma,5-Negotiating,3000,no,,\n"
        "Delta,6-Closed Won,4000,no,,\n"
        "Eps,8-Closed Lost,5000,no,,\n"
        "Zeta,9-Unqualified,6000,no,,\n"
        "Eta,0-Pending Acceptance,7000,no,,\n",
        encoding="utf-8",
    )
    python, duckdb = both_engines(capsys, export, tmp_path)
    assert_same_outputs(python, duckdb)
    rows = {row["deal"]: row for row in python.rows()}
    assert {deal: (row["claimed_stage_id"], row["outcome"]) for deal, row in rows.items() if deal != "Eta"} == {
        "Acme": ("discovery", "open"),
        "Beta": ("qualifying", "open"),
        "Gamma": ("negotiating", "open"),
        "Delta": ("closed-won", "won"),
        "Eps": ("", "lost"),
        "Zeta": ("", "disqualified"),
    }
    assert rows["Eta"]["not_assessed"].startswith("unknown stage '0-Pending Acceptance' (stages: Discovery,")


def test_zoho_crms_column_names_are_read_without_a_mapping(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    export = tmp_path / "zoho-deals.csv"
    export.write_text(
        "Record Id,Deal Name,Deal Owner,Stage,Amount,Closing Date,Account Name,Probability (%)\n"
        "zcrm_1001,Acme rollout,Ana Ruiz,Closed Won,7000,2026-11-30,Acme,100\n"
        "zcrm_1002,Beta pilot,Ana Ruiz,Closed Lost,5000,2026-11-02,Beta,0\n",
        encoding="utf-8",
    )
    run = run_audit(capsys, tmp_path, export, "--no-evidence")
    assert (run.status, run.err) == (0, "")
    lines = run.out.splitlines()
    assert "Columns: read 'Closing Date' as the close date (a name Zoho CRM uses)" in lines
    assert "Columns: read 'Deal Name' as the deal's name (a name Zoho CRM uses)" in lines
    assert [(r["crm_id"], r["outcome"], r["close_date"]) for r in run.rows()] == [
        ("zcrm_1001", "won", "2026-11-30"),
        ("zcrm_1002", "lost", "2026-11-02"),
    ]


def test_unknown_stage_names_are_offered_as_the_mapping_that_reads_them(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    export = tmp_path / "hubspot-deals.csv"
    export.write_text(
        "Record ID,Deal Name,Deal Stage,Amount\n"
        "1001,Acme,Appointment Scheduled,12000\n"
        "1002,Beta,appointment  scheduled,5000\n"
        '1003,Gamma,"Yes: qualified",7000\n'
        "1004,Delta,Closed Lost,3000\n"  # lost: an outcome, nothing to map
        "1005,Eps,Qualifying,1000\n",
        encoding="utf-8",
    )
    python, duckdb = both_engines(capsys, export, tmp_path, "--no-evidence")
    assert_same_outputs(python, duckdb)
    lines = python.out.splitlines()
    start = lines.index(
        "Stage names the process does not know, on 3 open deals: to read them, give each its stage in process.yaml "
        '(or pass --stage-name "NAME=stage-id" for one run):'
    )
    assert lines[start + 1 : start + 6] == [
        "  crm:",
        "    stage_names:",
        '      "Appointment Scheduled": STAGE-ID  # 2 deals',  # one name, however it is spelt
        '      "Yes: qualified": STAGE-ID  # 1 deal',  # quoted: pasted into process.yaml it stays one key
        "  stage ids: discovery, qualifying, demonstrating, proposing, negotiating, closed-won",
    ]
    block = "\n".join(line[2:] for line in lines[start + 1 : start + 5]).replace("STAGE-ID", "qualifying")
    assert yaml.safe_load(block) == {
        "crm": {"stage_names": {"Appointment Scheduled": "qualifying", "Yes: qualified": "qualifying"}}
    }


def test_the_pipelines_of_the_unknown_stages_are_said_with_them(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A HubSpot export of two pipelines: the renewals' stages are not this process's to map, and the summary says
    which pipeline they are in (on both engines)."""
    export = tmp_path / "hubspot-deals.csv"
    export.write_text(
        "Record ID,Deal Name,Deal Stage,Amount,Pipeline\n"
        "1,Acme,Qualifying,1000,Sales Pipeline\n"
        "2,Beta,Renewal Due,2000,Renewals\n"
        "3,Gamma,Renewal Due,3000,Renewals\n"
        "4,Delta,Qualifyng,4000,Sales Pipeline\n",
        encoding="utf-8",
    )
    for options in ([], ["--ignore-column", "Pipeline"]):  # a column left out still says where a deal is from
        python, duckdb = both_engines(capsys, export, tmp_path, "--no-evidence", *options)
        assert_same_outputs(python, duckdb)
        assert "Columns not read" not in python.out  # it is read, even when left out: it says where a deal is from
        assert "Columns: read 'Pipeline' as each deal's pipeline" in python.out
        assert (
            '  their pipelines: "Renewals" (2), "Sales Pipeline" (1); map only this process\'s stages: read only its '
            "pipeline with --pipeline NAME or crm.pipelines, and audit another pipeline's deals with its own process\n"
        ) in python.out
        # 3 of 4 deals not assessed: the error says where to start
        assert python.err.splitlines()[-1].endswith(
            "3 of them are at stage names the process does not know: map them under crm.stage_names as listed above, "
            "or read only this process's pipeline with --pipeline NAME or crm.pipelines (their pipelines: "
            '"Renewals" (2), "Sales Pipeline" (1)) (every reason is in the not_assessed column of audit.csv)'
        )


@pytest.mark.parametrize(
    ("pipelines", "advised"),
    [
        (("Sales", "Sales", " sales "), False),  # one pipeline, however spelled: reading it alone changes nothing
        (("Sales", "", "Sales"), False),
        (("Sales", "Sales", "Renewals"), True),  # another pipeline's deal at a known stage: the stages may be its
    ],
)
def test_reading_one_pipeline_is_advised_only_in_an_export_of_several(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, pipelines: tuple[str, ...], advised: bool
) -> None:
    export = tmp_path / "deals.csv"
    stages = ("Nurture", "Nurture", "Qualifying")
    rows = [
        f"{n},D{n},{stage},1000,{pipeline}" for n, (stage, pipeline) in enumerate(zip(stages, pipelines, strict=True))
    ]
    export.write_text("\n".join(["Record ID,Deal Name,Deal Stage,Amount,Pipeline", *rows]) + "\n", encoding="utf-8")
    python, duckdb = both_engines(capsys, export, tmp_path, "--no-evidence")
    assert_same_outputs(python, duckdb)
    assert "  their pipelines: " in python.out
    assert ("read only its pipeline with --pipeline NAME" in python.out) is advised
    assert ("--pipeline" in python.err) is advised  # 2 of 3 not assessed: the closing error says where to start


def test_reading_one_pipeline_is_not_advised_when_the_pipelines_read_are_listed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """With --pipeline Sales, the unknown stage is Sales's own: map it; reading one pipeline is done already."""
    export = tmp_path / "deals.csv"
    export.write_text(
        "Record ID,Deal Name,Deal Stage,Amount,Pipeline\n"
        "1,D1,Nurture,1000,Sales\n2,D2,Nurture,1000,Sales\n3,D3,Qualifying,1000,Sales\n4,D4,Qualifying,1000,Renewals\n",
        encoding="utf-8",
    )
    python, duckdb = both_engines(capsys, export, tmp_path, "--no-evidence", "--pipeline", "Sales")
    assert_same_outputs(python, duckdb)
    assert '  their pipelines: "Sales" (2)\n' in python.out
    assert "read only its pipeline" not in python.out and "read only this process's pipeline" not in python.err


TWO_PIPELINES = (
    "Record ID,Deal Name,Deal Stage,Amount,Pipeline\n"
    "1,Acme,Qualifying,1000,Sales Pipeline\n"
    "2,Beta,Renewal Due,2000,Renewals\n"
    "3,Gamma,Closed Won,3000,Renewals\n"
    "4,Delta,Discovery,4000, sales  pipeline \n"
    "5,Epsilon,Proposing,5000,\n"
    "6,Zeta,Renewal Due,6000,renewals\n"
    "7,Eta,Qualifying,7000,Partners\n"
    "1,Acme again,Qualifying,1000,Renewals\n"
)


@pytest.mark.parametrize(
    "options",
    [
        ["--pipeline", "Sales Pipeline"],
        ["--pipeline", "SALES PIPELINE"],
        ["--pipeline", "Sales Pipeline", "--ignore-column", "Pipeline"],
    ],
)
def test_pipeline_reads_one_pipeline_and_counts_the_others_apart(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, options: list[str]
) -> None:
    """A HubSpot export of three pipelines audited for one: the others' deals are in no total, no line of audit.csv
    and no repeated id, and are counted by pipeline (both engines, whatever the spelling; a blank pipeline is read)."""
    export = tmp_path / "hubspot-deals.csv"
    export.write_text(TWO_PIPELINES, encoding="utf-8")
    python, duckdb = both_engines(capsys, export, tmp_path, "--no-evidence", *options)
    assert_same_outputs(python, duckdb)
    assert python.status == 0, python.err
    with (python.folder / "audit.csv").open(encoding="utf-8") as audit:
        lines = list(csv.DictReader(audit))
    assert [row["deal"] for row in lines] == ["Acme", "Delta", "Epsilon"]
    # Said before the deals read, not between "Deals not assessed: N" and the reasons listed under it.
    left_out = '5 deals in other pipelines were left out: "Renewals" (3), "Partners" (1), "renewals" (1)\n'
    assert left_out + "Deals read: 3\n" in python.out
    report = html.unescape((python.folder / "report.html").read_text(encoding="utf-8"))
    assert f"Column: read 'Pipeline' as the pipeline (only {json.dumps(options[1])} read)" in report
    assert '5 deals in other pipelines were left out: "Renewals" (3), "Partners" (1), "renewals" (1).' in report
    assert "more than one row" not in python.out  # Acme's id repeats only in another pipeline


SEVERAL_PIPELINES_WARNING = (
    'the export holds the deals of 3 pipelines, read and counted together (won and lost deals too): "Renewals" (4), '
    '"Sales Pipeline" (2), "Partners" (1); read only this process\'s pipeline with --pipeline NAME, or list it '
    "under crm.pipelines in process.yaml"
)


@pytest.mark.parametrize(
    ("options", "warned"),
    [
        ([], True),
        (["--ignore-column", "Pipeline"], True),  # a column left out still says where a deal is from
        (["--pipeline", "Sales Pipeline"], False),  # chosen: the others are counted apart
    ],
)
def test_an_export_of_several_pipelines_read_whole_is_warned_with_each_pipelines_deals(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, options: list[str], warned: bool
) -> None:
    """Won deals of a renewals pipeline would be counted as this process's wins: the summary and the report say
    which pipelines the export holds (each spelling of one counted with it; a blank names none) and how to choose."""
    export = tmp_path / "hubspot-deals.csv"
    export.write_text(TWO_PIPELINES, encoding="utf-8")
    python, duckdb = both_engines(capsys, export, tmp_path, "--no-evidence", *options)
    assert_same_outputs(python, duckdb)
    report = html.unescape((python.folder / "report.html").read_text(encoding="utf-8"))
    assert (f"Warning: {SEVERAL_PIPELINES_WARNING}\n" in python.out) is warned
    assert (f"<strong>Warning:</strong> {SEVERAL_PIPELINES_WARNING}." in report) is warned
    assert ("pipelines, read and counted together" in python.out + report) is warned


MANY_PIPELINES = (
    "Record ID,Deal Name,Deal Stage,Amount,Pipeline\n"
    "1,Acme,Qualifying,1000,Sales Pipeline\n"
    "2,Sum Corp,Qualifying,2000, P1\n"  # perhaps a grouped report's subtotal: Python looks, and leaves it out
    "3,Beta,Qualifying,3000,P2\n"
    "4,Gamma,Discovery,4000,sales  PIPELINE\n"  # the listed pipeline spelled otherwise: read
    "5,Delta,Qualifying,5000,p2\n"
    "6,Eta,Qualifying,6000,P3\n"  # a fourth name, beyond the three kept: counted in the rows alone
    "7,Theta,Qualifying,7000,P1\n"
    "8,Iota,Qualifying,8000,P2\n"
    "9,Kappa,Qualifying,9000,P3\n"
)


def test_other_pipelines_are_decided_by_spelling_on_duckdb(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The DuckDB engine leaves another pipeline's rows out without reading them one by one in Python (half an
    export of them took longer than its whole audit), and counts them as the Python engine does: by name, the
    first names met kept, however they are spelled around."""
    monkeypatch.setattr("pipeline_audit.rows.UNKNOWN_STAGES_KEPT", 3)
    read_in_python: list[str] = []

    def counted(reader: RowReader, *args: Any) -> Any:
        read_in_python.append(args[5][1])  # the row's deal
        return audit_row(reader, *args)

    monkeypatch.setattr("pipeline_audit.duckdb_engine.audit_row", counted)
    export = tmp_path / "hubspot-deals.csv"
    export.write_text(MANY_PIPELINES, encoding="utf-8")
    python, duckdb = both_engines(capsys, export, tmp_path, "--no-evidence", "--pipeline", "Sales Pipeline")
    assert_same_outputs(python, duckdb)
    assert python.status == 0, python.err
    assert "Deals read: 2\n" in python.out
    assert '7 deals in other pipelines were left out: "P1" (2), "P2" (2), "p2" (1)' in python.out
    assert read_in_python == ["Gamma"]


def test_a_subtotal_in_another_pipeline_is_still_a_grouped_report(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A grouped report's subtotal whose pipeline cell names another pipeline (B2B reads as a figure) is refused
    by both engines: DuckDB leaves no row out unseen."""
    export = tmp_path / "grouped.csv"
    export.write_text(
        "Record ID,Deal Name,Deal Stage,Amount,Pipeline\n1,Acme,Qualifying,1000,Sales Pipeline\n"
        "Subtotal,,,5000,B2B\n3,Beta,Qualifying,3000,B2B\n",
        encoding="utf-8",
    )
    python, duckdb = both_engines(capsys, export, tmp_path, "--no-evidence", "--pipeline", "Sales Pipeline")
    assert (duckdb.status, duckdb.err) == (python.status, python.err) == (1, python.err)
    assert "the line 'Subtotal' is a subtotal, not a deal" in python.err


def test_pipelines_listed_in_the_process_and_their_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """crm.pipelines reads as --pipeline does; a pipeline no row is in, or an export without a pipeline column, is an
    error saying what to do."""
    process = tmp_path / "process.yaml"
    data = yaml.safe_load((ROOT / "process.yaml").read_text(encoding="utf-8"))
    data["crm"] = {"pipelines": ["Renewals", "Partners"]}
    process.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    export = tmp_path / "deals.csv"
    export.write_text(TWO_PIPELINES, encoding="utf-8")
    python, duckdb = both_engines(capsys, export, tmp_path, "--no-evidence", process=process)
    assert_same_outputs(python, duckdb)
    # "renewals" is Renewals, and a blank pipeline is read too
    assert '2 deals in other pipelines were left out: "Sales Pipeline" (1), "sales pipeline" (1)\n' in python.out
    export.write_text(TWO_PIPELINES.replace("5,Epsilon,Proposing,5000,\n", ""), encoding="utf-8")
    python, duckdb = both_engines(capsys, export, tmp_path, "--no-evidence", "--pipeline", "Renewal", process=process)
    assert_same_outputs(python, duckdb)
    assert python.status == 1
    assert (
        'none of its 7 deals is in "Renewal" (crm.pipelines or --pipeline): their pipelines are "Renewals" (3), '
        '"Partners" (1), "Sales Pipeline" (1), "renewals" (1), "sales pipeline" (1); list the pipeline to read as the '
        "export writes it"
    ) in python.err
    without = tmp_path / "no-pipeline.csv"
    without.write_text("Deal Name,Deal Stage,Amount\nAcme,Qualifying,1000\n", encoding="utf-8")
    assert main(["audit", str(without), "--no-evidence", "--process", str(process), "--out", str(tmp_path / "o")]) == 1
    assert (
        'only the deals of "Renewals", "Partners" are to be read (crm.pipelines or --pipeline), but the export has no '
        "pipeline column ('Pipeline', 'Deal - Pipeline', 'Deal Pipeline' or 'pipeline_name'); export it with the deals, or drop crm.pipelines and --pipeline"
    ) in capsys.readouterr().err


@pytest.mark.parametrize(
    ("crm", "options"),
    [
        ({"columns": {"pipeline": "Sales Motion"}, "pipelines": ["Sales Pipeline"]}, []),
        ({}, ["--column", "Sales Motion=pipeline", "--pipeline", "Sales Pipeline"]),
    ],
)
def test_a_pipeline_column_named_otherwise_is_mapped_as_the_other_columns(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, crm: dict[str, object], options: list[str]
) -> None:
    """crm.columns.pipeline (or --column NAME=pipeline) names the pipeline column an export names its own way: it
    is read as the pipeline, as --pipeline and crm.pipelines read it (both engines)."""
    process = tmp_path / "process.yaml"
    data = yaml.safe_load((ROOT / "process.yaml").read_text(encoding="utf-8"))
    data["crm"] = crm
    process.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    export = tmp_path / "deals.csv"
    export.write_text(TWO_PIPELINES.replace(",Pipeline\n", ",Sales Motion\n"), encoding="utf-8")
    python, duckdb = both_engines(capsys, export, tmp_path, "--no-evidence", *options, process=process)
    assert_same_outputs(python, duckdb)
    assert python.status == 0, python.err
    assert "Columns: read 'Sales Motion' as the pipeline (only \"Sales Pipeline\" read)" in python.out
    assert '5 deals in other pipelines were left out: "Renewals" (3), "Partners" (1), "renewals" (1)\n' in python.out


US_DATES = (
    "Opportunity ID,Opportunity Name,Stage,Amount,Close Date,Created Date\n"
    "1,Acme,Closed Won,1000,12/25/2026,11/5/2026\n"
    "2,Beta,Closed Lost,2000,11/5/2026,1/2/2026\n"
    "3,Gamma,Closed Won,3000,4/23/2027,1/2/2026\n"
    "4,Delta,Closed Lost,4000,1/30/2027,1/2/2026\n"
    "5,Epsilon,Closed Won,5000,2027-01-15,1/2/2026\n"
)


@pytest.mark.parametrize(
    ("export", "options", "refused", "said"),
    [
        # Most refused dates read month first: one fix, said first (one date is ambiguous: month first reads it too).
        (
            US_DATES,
            [],
            (2, 3, 4, 5),
            "4 dates in column 'Close Date' read as month-first (e.g. 12/25/2026): run with --month-first or set "
            "crm.dates: month-first",
        ),
        # Day first where month first was said: the other order is the fix.
        (
            US_DATES.replace("12/25/2026", "25/12/2026").replace("4/23/2027", "23/4/2027").replace("1/30", "30/1"),
            ["--month-first"],
            (2, 4, 5),
            "3 dates in column 'Close Date' read as day-first (e.g. 25/12/2026): run with --day-first or set "
            "crm.dates: day-first",
        ),
        # Only ambiguous dates: either order reads them, the CRM's is the one to give.
        (
            US_DATES.replace("12/25/2026", "12/5/2026").replace("4/23/2027", "4/3/2027").replace("1/30", "1/3"),
            [],
            (2, 3, 4, 5),
            "4 dates in column 'Close Date' could be month first or day first (e.g. 12/5/2026): run with "
            "--month-first or --day-first, as the CRM writes them (crm.dates)",
        ),
        # Most refused dates are no dates: no order reads them, each is said on its row alone.
        (
            US_DATES.replace("11/5/2026,1", "soon,1").replace("4/23/2027", "TBD").replace("1/30/2027", "n/a"),
            [],
            (2, 3, 4, 5),
            None,
        ),
    ],
)
def test_dates_most_of_which_one_order_reads_are_said_once_first_with_the_fix(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    export: str,
    options: list[str],
    refused: tuple[int, ...],
    said: str | None,
) -> None:
    """A US export audited without --month-first: the fix is said once, before the rows, which are all still listed
    (both engines; the report says it too)."""
    path = tmp_path / "opportunities.csv"
    path.write_text(export, encoding="utf-8")
    python, duckdb = both_engines(capsys, path, tmp_path, "--no-evidence", *options)
    assert_same_outputs(python, duckdb)
    lines = python.out.splitlines()
    at = lines.index(f"Deals not assessed: {len(refused)}")
    report = html.unescape((python.folder / "report.html").read_text(encoding="utf-8"))
    if said is None:
        assert lines[at + 1].startswith("  line 2: close_date: ") and "dates in column" not in python.out + report
        return
    assert lines[at + 1] == f"  {said}"
    listed = lines[at + 2 : at + 2 + len(refused)]
    assert [line.split(":")[0] for line in listed] == [f"  line {n}" for n in refused]  # every row still listed
    assert f"{said}." in report
    assert python.status == 1 and python.err.splitlines()[-1].endswith(
        f"could not be assessed (more than half), so this audit proves little; start with the dates: {said} "
        "(every reason is in the not_assessed column of audit.csv)"
    )


@pytest.mark.parametrize("blank", ["", "  "])
def test_a_blank_pipeline_option_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path, blank: str) -> None:
    export = tmp_path / "deals.csv"
    export.write_text(TWO_PIPELINES, encoding="utf-8")
    assert main(["audit", str(export), "--no-evidence", "--pipeline", blank, "--out", str(tmp_path / "o")]) == 2
    assert "a blank name reads no pipeline" in capsys.readouterr().err


def test_a_file_of_many_unknown_stage_names_keeps_a_bounded_count(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("pipeline_audit.rows.UNKNOWN_STAGES_KEPT", 3)
    export = tmp_path / "export.csv"
    export.write_text(
        "deal,stage,amount\n" + "".join(f"Deal {n},Stage {n},100\n" for n in range(1, 6)), encoding="utf-8"
    )
    python, duckdb = both_engines(capsys, export, tmp_path, "--no-evidence")
    assert_same_outputs(python, duckdb)
    lines = python.out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Stage names the process does not know, on 5"))
    assert lines[start + 3 : start + 7] == [
        '      "Stage 1": STAGE-ID  # 1 deal',
        '      "Stage 2": STAGE-ID  # 1 deal',
        '      "Stage 3": STAGE-ID  # 1 deal',
        "      # ... and more names, on 2 deals (see audit.csv)",
    ]
