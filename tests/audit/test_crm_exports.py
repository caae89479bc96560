"""Real CRM exports, audited as the CRMs write them: a crm: block in process.yaml, no renaming.

The fixtures under crm_exports/ follow what the CRMs produce: Salesforce's report export
(every cell quoted, "USD 74,000.00", month-first dates, 1/0 checkboxes, a footer after a
blank row), HubSpot's deals export (Record ID, "Deal owner", true/false, ISO date-times) and
a European spreadsheet (semicolons, 74.000,00 €, 23.02.2027).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from playbook_cli.main import main
from tests.audit.helpers import ROOT, Run

EXPORTS = Path(__file__).parent / "crm_exports"
AS_OF = "2027-03-01"
# The same five deals in both CRMs: (CRM id suffix, claimed stage id, verified stage id, stages ahead).
VERDICTS = [
    ("Harborpoint - Fleet Platform", "qualifying", "qualifying", "0"),
    ("Brightline Bank - Core Banking", "proposing", "discovery", "3"),  # next meeting dated 40 days ago; counts for 30
    ("Cobalt Mining - Pilot", "discovery", "discovery", "0"),
    ("Delta Foods - Expansion", "negotiating", "demonstrating", "2"),  # demonstrating's milestones are not in the export
    ("Eastwind Energy - Grid Analytics", "qualifying", "discovery", "1"),  # pain confirmed with no evidence named
]


def process_with(tmp_path: Path, crm_block: str) -> Path:
    """The repository's process.yaml with a crm: block appended, as an admin would add it."""
    path = tmp_path / "process.yaml"
    path.write_text((ROOT / "process.yaml").read_text(encoding="utf-8") + "\n" + crm_block, encoding="utf-8")
    return path


def run_audit(capsys: pytest.CaptureFixture[str], tmp_path: Path, process: Path, export: Path, *options: str) -> Run:
    out = tmp_path / "out"
    status = main(["audit", str(export), "--process", str(process), "--as-of", AS_OF, "--out", str(out), *options])
    captured = capsys.readouterr()
    return Run(status, captured.out, captured.err, out)


@pytest.mark.parametrize(("crm", "first_id"), [("salesforce", "0065g00000HrbP01"), ("hubspot", "18392048311")])
def test_a_crm_export_is_audited_as_written_after_adding_a_crm_block(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, crm: str, first_id: str
) -> None:
    process = process_with(tmp_path, (EXPORTS / f"{crm}.yaml").read_text(encoding="utf-8"))
    assert main(["validate", "--process", str(process)]) == 0
    run = run_audit(capsys, tmp_path, process, EXPORTS / f"{crm}.csv")
    assert (run.status, run.err) == (0, "")
    rows = run.rows()
    assert [(r["deal"], r["claimed_stage_id"], r["verified_stage_id"], r["stages_ahead"]) for r in rows] == VERDICTS
    assert rows[0]["crm_id"] == first_id and rows[0]["owner"] == "Ana Ruiz"
    assert [r["not_assessed"] for r in rows] == [""] * 5
    assert run.stdout_totals() == {"claimed": "294300.00", "verified": "131300.00", "difference": "163000.00"}
    name = "Salesforce" if crm == "salesforce" else "HubSpot"
    assert f"({name} export)" in run.out and f"({name} export)" in run.html()
    assert "milestones missing from the export, counted as unanswered on every deal: success-criteria-agreed" in run.out
    html = run.html()
    assert 'id="missing-milestones"' in html
    # The next customer action in words (report and audit.csv); the ids stay in their own column.
    assert "<li>The customer approves a short list of criteria that will decide the evaluation.</li>" in html
    assert rows[1]["next_customer_actions"] == "The prospect accepts a meeting invitation with the people who own the problem."
    assert rows[1]["next_milestone_ids"] == "next-meeting-accepted"


def test_the_salesforce_footer_is_skipped_and_said(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    process = process_with(tmp_path, (EXPORTS / "salesforce.yaml").read_text(encoding="utf-8"))
    run = run_audit(capsys, tmp_path, process, EXPORTS / "salesforce.csv")
    assert "Footer lines after the data skipped (one cell each, after a blank row): 4" in run.out
    assert "Weighted pipeline (USD) of the 5 deals" in run.out


def test_the_command_line_maps_an_export_without_a_crm_block(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    block = (EXPORTS / "hubspot.yaml").read_text(encoding="utf-8")
    options: list[str] = []
    for line in block.splitlines():
        key, _, value = line.strip().partition(": ")
        if key in ("crm_id", "deal", "stage", "amount", "owner"):
            options += ["--column", f"{value}={key}"]
        elif line.startswith("    ") and value in ("discovery", "qualifying", "demonstrating", "proposing", "negotiating"):
            options += ["--stage-name", f"{key}={value}"]
        elif value.startswith("{met:"):
            for part in value.strip("{}").split(", "):
                field, _, column = part.partition(": ")
                options += ["--column", f"{column}={key}" + ("" if field == "met" else f".{field}")]
    options += [f"--ignore-column={name}" for name in ("Close Date", "Pipeline", "Create Date", "Associated Company")]
    run = run_audit(capsys, tmp_path, ROOT / "process.yaml", EXPORTS / "hubspot.csv", *options)
    assert (run.status, run.err) == (0, "")
    assert [(r["deal"], r["claimed_stage_id"], r["verified_stage_id"], r["stages_ahead"]) for r in run.rows()] == VERDICTS


def test_the_command_line_overrides_the_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    process = process_with(tmp_path, (EXPORTS / "hubspot.yaml").read_text(encoding="utf-8"))
    run = run_audit(capsys, tmp_path, process, EXPORTS / "hubspot.csv", "--stage-name", "Contract Sent=proposing")
    assert run.rows()[3]["claimed_stage_id"] == "proposing" and run.rows()[3]["stages_ahead"] == "1"


def test_a_european_export_is_read_with_decimal_comma(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    run = run_audit(capsys, tmp_path, ROOT / "process.yaml", EXPORTS / "european.csv", "--decimal-comma")
    assert (run.status, run.err) == (0, "")
    assert [(r["deal"], r["amount"], r["verified_stage_id"]) for r in run.rows()] == [
        ("Harborpoint", "74000.00", "qualifying"), ("Brightline", "120000.50", "discovery"),
        ("Cobalt", "15000.00", "discovery"), ("Delta", "1250000.00", "qualifying"),
    ]
    assert "Weighted pipeline (EUR) of the 4 deals" in run.out


def test_a_european_export_without_the_option_is_refused_row_by_row(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    run = run_audit(capsys, tmp_path, ROOT / "process.yaml", EXPORTS / "european.csv")
    assert run.status == 1
    assert "  line 2: amount: '74.000,00 €' looks like a decimal comma; pass --decimal-comma (or set crm.decimal_comma)" in run.out
    assert "  line 4: amount: '15.000' is ambiguous (15 or 15000?)" in run.out  # never read as 15
    assert run.err.splitlines()[-1].startswith("playbook audit: error: 4 of 4 deals could not be assessed (more than half)")
    assert len(run.rows()) == 4  # the outputs are still written


def test_an_export_with_no_milestone_columns_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    export = tmp_path / "opportunities.csv"
    export.write_text("Opportunity Name,Stage,Amount\nContoso,Proposal/Price Quote,1000\n", encoding="utf-8")
    process = process_with(tmp_path, (EXPORTS / "salesforce.yaml").read_text(encoding="utf-8"))
    run = run_audit(capsys, tmp_path, process, export)
    assert (run.status, run.out) == (1, "")
    assert run.err == (
        f"{export}:1: error: this export has no milestone columns, so every deal would count as unverified; "
        "add the CRM fields from `playbook crm-template`, or map them under crm.milestones\n1 error found.\n"
    )
    assert not (tmp_path / "out" / "audit.csv").exists()


def test_an_unmapped_crm_export_gets_the_mapping_that_would_read_it(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    run = run_audit(capsys, tmp_path, ROOT / "process.yaml", EXPORTS / "salesforce.csv")
    assert run.status == 1
    errors = run.err.splitlines()
    assert errors[0] == (f"{EXPORTS / 'salesforce.csv'}:1: error: the header has no 'deal' column, which names each deal; map the export's "
                         "column with --column \"NAME=deal\" or crm.columns.deal in process.yaml (columns read: deal, crm_id, stage, "
                         "amount, currency, owner and one per milestone)")
    assert any("unknown column 'Opportunity Name'; did you mean 'deal'? map it with --column \"Opportunity Name=deal\" "
               "or under crm.columns in process.yaml" in line for line in errors)
    assert any("unknown column 'Pain Confirmed Evidence'; did you mean 'pain-confirmed.evidence'? map it with "
               "--column \"Pain Confirmed Evidence=pain-confirmed.evidence\" or under crm.milestones.pain-confirmed" in line for line in errors)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--column", "Opportunity Name"], "playbook audit: error: --column 'Opportunity Name': write it as \"CRM NAME=VALUE\", "
         "e.g. \"Opportunity Name=deal\""),
        (["--column", "Opportunity Name=dael"], "playbook audit: error: --column 'Opportunity Name=dael': 'dael' is neither an audit field "
         "nor a milestone id; did you mean 'deal'?"),
        (["--stage-name", "Proposal=propsing"], "playbook audit: error: --stage-name 'Proposal=propsing': unknown stage 'propsing'; "
         "did you mean 'proposing'?"),
        (["--column", "Deal Name=deal", "--column", "Opportunity=deal"],
         "playbook audit: error: --column: deal is mapped to both 'Deal Name' and 'Opportunity'; keep one"),
        (["--column", "Owner=owner", "--column", "owner =deal"],
         "playbook audit: error: --column: 'owner' is mapped to both owner and deal; a column holds one field"),
        (["--day-first", "--month-first"], "argument --month-first: not allowed with argument --day-first"),
    ],
)
def test_bad_mapping_options_are_usage_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path, options: list[str], message: str) -> None:
    run = run_audit(capsys, tmp_path, ROOT / "process.yaml", EXPORTS / "european.csv", *options)
    assert run.status == 2 and message in run.err, run.err


def test_the_crm_block_can_say_decimal_comma_and_day_first(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    process = process_with(tmp_path, "crm:\n  name: Excel (DE)\n  decimal_comma: true\n  dates: day-first\n")
    export = tmp_path / "export.csv"
    export.write_text("deal;amount;pain-confirmed;pain-confirmed.evidence;pain-confirmed.date\nA;15.000;x;Antwort;03/02/2027\n", encoding="utf-8")
    run = run_audit(capsys, tmp_path, process, export)
    assert (run.status, run.err) == (0, "")
    assert run.rows()[0]["amount"] == "15000.00" and "(Excel (DE) export)" in run.out
    assert run.rows()[0]["next_milestone_ids"] == "next-meeting-accepted"  # 3 February: pain confirmed
    override = run_audit(capsys, tmp_path, process, export, "--month-first")
    # The option wins for this run: 03/02/2027 is 2 March, after the as-of date, so it does not count yet.
    assert override.rows()[0]["next_milestone_ids"] == "pain-confirmed next-meeting-accepted"


def test_a_currency_column_names_each_amounts_currency(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    export.write_text("deal,amount,Opportunity Currency,pain-confirmed\nA,100,EUR,yes\nB,200,usd,no\nC,300,EUR,no\n", encoding="utf-8")
    run = run_audit(capsys, tmp_path, ROOT / "process.yaml", export, "--column", "Opportunity Currency=currency")
    assert run.status == 0
    assert [row["not_assessed"] for row in run.rows()] == [
        "", "amount: in USD, but the file's amounts are in EUR; an audit sums one currency, so convert it or audit each currency separately", ""]
    assert "Weighted pipeline (EUR)" in run.out
