"""`playbook crm-template`: the fields to create, a crm: block that validates, a header the audit reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from playbook_cli.main import main
from tests.audit.helpers import ROOT

PROCESS = ROOT / "process.yaml"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["crm-template", "--process", str(PROCESS), *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_the_fields_to_create_carry_the_question_as_help_text(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "--crm", "salesforce")
    assert (status, err) == (0, "")
    assert out.startswith(
        "Fields to create in Salesforce for B2B New Business: one yes/no, one text and one date field per milestone.\n"
    )
    assert (
        "  Pain Confirmed  [Checkbox]\n"
        "      help text: Has the prospect confirmed, in writing, the business problem they want to solve?\n"
        "  Pain Confirmed Evidence  [Text Area (255)]\n"
    ) in out
    assert (
        "  Pain Confirmed Date  [Date]\n      help text: The date the customer did it; it counts for 90 days.\n" in out
    )


@pytest.mark.parametrize("crm", ["salesforce", "hubspot"])
@pytest.mark.parametrize("currency", [True, False], ids=["multi-currency", "one-currency"])
def test_the_printed_block_and_header_audit_an_export(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, crm: str, currency: bool
) -> None:
    """Only a CRM set up for several currencies exports a currency column: the block reads an export with or
    without one (it had mapped the column, and an export without it was refused)."""
    _, out, _ = run(capsys, "--crm", crm)
    block = out[out.index("crm:\n") : out.index("\n\nA CSV header")]
    process = tmp_path / "process.yaml"
    process.write_text(PROCESS.read_text(encoding="utf-8") + "\n" + block + "\n", encoding="utf-8")
    assert main(["validate", "--process", str(process)]) == 0
    capsys.readouterr()
    _, header, _ = run(capsys, "--crm", crm, "--header-only")
    assert header == out.rstrip("\n").rsplit("\n", 1)[1] + "\n"
    width = header.count(",") + 1
    deal = ["Contoso", "1", "Negotiating", "1000", "USD", "Ana"] + ["yes", "reply", "2027-02-20"] * ((width - 6) // 3)
    if not currency:
        names = header.rstrip("\n").split(",")
        header = ",".join(names[:4] + names[5:]) + "\n"
        deal = deal[:4] + deal[5:]
    export = tmp_path / "export.csv"
    export.write_text(header + ",".join(deal) + "\n")
    status = main(
        ["audit", str(export), "--process", str(process), "--as-of", "2027-03-01", "--out", str(tmp_path / "out")]
    )
    out = capsys.readouterr().out
    assert status == 0 and "Deals assessed: 1" in out and "missing from the export" not in out


@pytest.mark.parametrize("crm", ["salesforce", "hubspot"])
def test_the_printed_header_is_audited_as_it_comes_without_the_block(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, crm: str
) -> None:
    # An operator exported the fields crm-template told them to create and got 46 "unknown column" errors.
    _, header, _ = run(capsys, "--crm", crm, "--header-only")
    width = header.count(",") + 1
    export = tmp_path / "export.csv"
    row = ["Contoso", "1", "Negotiating", "1000", "USD", "Ana"] + ["yes", "reply", "2027-02-20"] * ((width - 6) // 3)
    export.write_text(header + ",".join(row) + "\n")
    status = main(["audit", str(export), "--process", str(PROCESS), "--as-of", "2027-03-01", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert status == 0 and "Deals assessed: 1" in out and "missing from the export" not in out
    assert "Columns not read" not in out


def test_two_milestones_whose_labels_meet_are_read_by_neither_label(tmp_path: Path) -> None:
    from sales_process.crm import Target, standard_targets
    from sales_process.loader import load_process

    process = tmp_path / "process.yaml"
    text = PROCESS.read_text(encoding="utf-8").replace("id: next-meeting-accepted", "id: pain-confirmed-evidence")
    process.write_text(text, encoding="utf-8")
    targets = standard_targets(load_process(process).process)
    # 'Pain Confirmed Evidence' is pain-confirmed's evidence and pain-confirmed-evidence's answer: ambiguous.
    assert "pain confirmed evidence" not in targets
    assert targets["pain confirmed"] == Target("pain-confirmed", "met")
    assert targets["pain confirmed evidence date"] == Target("pain-confirmed-evidence", "date")


def test_without_a_crm_the_standard_names_are_a_header_the_audit_reads(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status, header, _ = run(capsys, "--header-only")
    assert status == 0 and header.startswith(
        "deal,crm_id,stage,amount,currency,owner,pain-confirmed,pain-confirmed.evidence,pain-confirmed.date,"
    )
    export = tmp_path / "empty.csv"
    export.write_text(header)
    # Every column is read (no unknown-column error): only the missing deals are refused.
    assert main(["audit", str(export), "--process", str(PROCESS), "--out", str(tmp_path / "out")]) == 1
    assert capsys.readouterr().err == (
        f"{export}: error: the file has a header but no deals (nothing follows the header); check the "
        "report's filters in the CRM (a report that matches no deal exports only its header) and "
        "export it again\n1 error found.\n"
    )


def test_without_crm_the_process_block_names_the_columns(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    process = tmp_path / "process.yaml"
    process.write_text(
        PROCESS.read_text(encoding="utf-8") + "\ncrm:\n  columns: {deal: Opportunity Name}\n"
        "  milestones:\n    pain-confirmed: Pain?\n",
        encoding="utf-8",
    )
    assert main(["crm-template", "--process", str(process), "--header-only"]) == 0
    assert capsys.readouterr().out.startswith(
        "Opportunity Name,crm_id,stage,amount,currency,owner,Pain?,pain-confirmed.evidence,"
    )


def test_a_confirmed_by_the_process_block_maps_is_a_column_and_a_field(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The audit reads a mapped confirmed_by of any milestone; the template left it out unless `confirmation:
    required`, so an export made from it lacked the column the audit then asks for."""
    process = tmp_path / "process.yaml"
    process.write_text(
        PROCESS.read_text(encoding="utf-8")
        + "\ncrm:\n  milestones:\n    pain-confirmed: {met: Pain?, confirmed_by: Pain By}\n",
        encoding="utf-8",
    )
    assert main(["crm-template", "--process", str(process)]) == 0
    out = capsys.readouterr().out
    assert "Pain?,pain-confirmed.evidence,pain-confirmed.date,Pain By," in out.rstrip("\n").rsplit("\n", 1)[-1]
    assert "  Pain By  [text]\n      help text: The buyer who confirmed it" in out


def test_a_header_name_a_spreadsheet_would_run_is_written_inert(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The header went out through plain csv.writer: a mapped name `=HYPERLINK(...)` was a live formula in Excel."""
    process = tmp_path / "process.yaml"
    process.write_text(
        PROCESS.read_text(encoding="utf-8") + "\ncrm:\n  milestones:\n    pain-confirmed: '=HYPERLINK(\"http://e\")'\n",
        encoding="utf-8",
    )
    assert main(["crm-template", "--process", str(process), "--header-only"]) == 0
    assert ',"\'=HYPERLINK(""http://e"")",' in capsys.readouterr().out


def test_an_evidence_field_the_process_does_not_require_says_so(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    process = tmp_path / "process.yaml"
    process.write_text(
        PROCESS.read_text(encoding="utf-8").replace(
            "        evidence: The accepted calendar invitation, with the attendees' names.\n",
            "        evidence: The accepted calendar invitation, with the attendees' names.\n        evidence_required: false\n",
        ),
        encoding="utf-8",
    )
    assert main(["crm-template", "--process", str(process)]) == 0
    out = capsys.readouterr().out
    assert (
        "help text: Optional: name the evidence, if any: The accepted calendar invitation, with the attendees' names.\n"
    ) in out
    assert "help text: Name the evidence: The prospect's reply to the recap email, linked in the CRM.\n" in out


def test_a_milestone_that_counts_for_one_day_says_day(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    process = tmp_path / "process.yaml"
    process.write_text(
        PROCESS.read_text(encoding="utf-8").replace("max_age_days: 90", "max_age_days: 1", 1), encoding="utf-8"
    )
    status = main(["crm-template", "--process", str(process), "--crm", "salesforce"])
    out = capsys.readouterr().out
    assert status == 0
    assert "  Pain Confirmed Date  [Date]\n      help text: The date the customer did it; it counts for 1 day.\n" in out


def test_the_hubspot_block_offers_its_default_pipeline(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """HubSpot exports every pipeline's deals: the block offers `pipelines`, commented out; uncommented, the audit
    reads only the Sales Pipeline's deals."""
    _, out, _ = run(capsys, "--crm", "hubspot")
    block = out[out.index("crm:\n") : out.index("\n\nA CSV header")]
    assert "\n  # pipelines: [Sales Pipeline]  # HubSpot exports every pipeline's deals" in block
    process = tmp_path / "process.yaml"
    process.write_text(
        PROCESS.read_text(encoding="utf-8") + "\n" + block.replace("  # pipelines:", "  pipelines:") + "\n",
        encoding="utf-8",
    )
    export = tmp_path / "export.csv"
    export.write_text(
        "Record ID,Deal Name,Deal Stage,Amount,Currency,Deal owner,Pipeline\n"
        "1,Contoso,Contract Sent,1000,USD,Ana,Sales Pipeline\n2,Fabrikam,Renewal Due,2000,USD,Ana,Renewals\n",
        encoding="utf-8",
    )
    options = ["--no-evidence", "--stage-name", "Contract Sent=negotiating", "--as-of", "2027-03-01"]
    status = main(["audit", str(export), "--process", str(process), *options, "--out", str(tmp_path / "out")])
    out, err = capsys.readouterr()
    assert (status, err) == (0, ""), err
    assert "Deals read: 1\n" in out and '1 deal in other pipelines was left out: "Renewals" (1)\n' in out


def _pipedrive_export(path: Path, prefix: str) -> Path:
    """Two deals of Pipedrive's standard columns and the crm-template fields, each label written after `prefix`."""
    from sales_process.crm import LABELLED_PARTS, field_label
    from sales_process.loader import load_process

    labels = [
        prefix + field_label(m.id, part)
        for _, m in load_process(PROCESS).process.milestones()
        for part in LABELLED_PARTS
    ]
    answers = ["yes", "The buyer's reply", "2027-02-20"] * (len(labels) // 3)
    rows = [
        ["Deal - ID", "Deal - Title", "Deal - Stage", "Deal - Value", "Deal - Owner", *labels],
        ["1", "Contoso", "Negotiating", "1000", "Ana", *answers],
        ["2", "Fabrikam", "Proposing", "2000", "Ana", *answers[: len(answers) // 2], *[""] * (len(answers) // 2)],
    ]
    path.write_text("".join(",".join(row) + "\n" for row in rows), encoding="utf-8")
    return path


def test_a_pipedrive_export_of_the_template_fields_is_read_with_its_deal_prefix(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Pipedrive writes every deal field after "Deal - ": its crm-template fields were 45 unknown columns, and the
    # 3 of proposal-agreed-next-step ("next step" is a system field's words) were dropped without a word.
    from tests.audit.test_duckdb_engine import assert_same_outputs, both_engines

    prefixed = both_engines(capsys, _pipedrive_export(tmp_path / "pipedrive.csv", "Deal - "), tmp_path / "prefixed")
    assert_same_outputs(*prefixed)
    bare = both_engines(capsys, _pipedrive_export(tmp_path / "bare.csv", ""), tmp_path / "bare")
    python = prefixed[0]
    assert python.status == 0 and "Columns not read" not in python.out and "missing from the export" not in python.out
    assert python.rows() == bare[0].rows() and python.stdout_totals() == bare[0].stdout_totals()


def _buyer_process(tmp_path: Path) -> Path:
    """process.yaml with `confirmation: required` on pricing-agreeable: only the buyer's word verifies it."""
    process = tmp_path / "process.yaml"
    process.write_text(
        PROCESS.read_text(encoding="utf-8").replace(
            "      - id: pricing-agreeable\n", "      - id: pricing-agreeable\n        confirmation: required\n", 1
        ),
        encoding="utf-8",
    )
    return process


@pytest.mark.parametrize(
    ("crm", "column"), [(None, "pricing-agreeable.confirmed_by"), ("salesforce", "Pricing Agreeable Confirmed By")]
)
def test_a_milestone_the_buyer_confirms_has_its_confirmed_by_column(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, crm: str | None, column: str
) -> None:
    """An export made from the header without it left every deal awaiting the buyer, whatever the buyer said."""
    process = _buyer_process(tmp_path)
    options = ["--crm", crm] if crm else []
    assert main(["crm-template", "--process", str(process), *options]) == 0
    out = capsys.readouterr().out
    header = out.rstrip("\n").rsplit("\n", 1)[-1].split(",")
    assert [name for name in header if name.lower().replace("_", " ").endswith("confirmed by")] == [column]
    assert f"  {column}  [" in out  # a field to create, with its help text
    export = tmp_path / "export.csv"
    cells = {name: "" for name in header}
    cells.update({header[0]: "Contoso", header[2]: "Negotiating", header[3]: "1000"})
    export.write_text(",".join(header) + "\n" + ",".join(cells.values()) + "\n")
    assert main(["audit", str(export), "--process", str(process), "--as-of", "2027-03-01", "--out", str(tmp_path)]) == 0
    assert "Columns not read" not in capsys.readouterr().out
