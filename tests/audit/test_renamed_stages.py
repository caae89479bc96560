"""An export, or the crm block, may still name a stage by an id it was `renamed_from`: read as the stage it is now."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from playbook_cli.main import main
from sales_process.loader import load_process
from tests.audit.helpers import ROOT

PARTS = ("", ".evidence", ".date")


def test_an_old_stage_id_in_the_export_or_the_crm_block_is_the_renamed_stage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (ROOT / "process.yaml").read_text(encoding="utf-8")
    process = tmp_path / "process.yaml"
    process.write_text(
        text.replace("  - id: proposing\n", "  - id: proposal\n    renamed_from: [proposing]\n")
        + "crm:\n  stage_names:\n    Proposal/Price Quote: proposing\n",
        encoding="utf-8",
    )
    export = tmp_path / "export.csv"
    export.write_text("deal,stage,amount\nA,proposing,1000\nB,Proposal/Price Quote,2000\nC,Proposing,3000\n")
    assert main(["validate", "--process", str(process), "--strict"]) == 0
    status = main(["audit", str(export), "--process", str(process), "--no-evidence", "--out", str(tmp_path / "out")])
    assert status == 0, capsys.readouterr().err
    with (tmp_path / "out" / "audit.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(row["claimed_stage_id"], row["claimed_weighted"]) for row in rows] == [
        ("proposal", "600.00"),
        ("proposal", "1200.00"),
        ("proposal", "1800.00"),
    ]


def test_a_disqualification_listed_under_lost_stages_is_its_own_outcome_in_the_audit_and_the_sql(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import duckdb

    process = tmp_path / "process.yaml"
    process.write_text(
        (ROOT / "process.yaml").read_text(encoding="utf-8")
        + "crm:\n  lost_stages: [Closed Lost (price), Unqualified lead, Dup]\n",
        encoding="utf-8",
    )
    export = tmp_path / "export.csv"
    export.write_text(
        "deal,stage,amount\nA,Closed Lost (price),1000\nB,Unqualified lead,2000\nC,Proposing,3000\nD,Duplicate,4000\n"
    )
    out = tmp_path / "out"
    assert main(["audit", str(export), "--process", str(process), "--no-evidence", "--out", str(out)]) == 0
    with (out / "audit.csv").open(encoding="utf-8", newline="") as handle:
        audited = {row["deal"]: row["outcome"] for row in csv.DictReader(handle)}
    assert audited == {"A": "lost", "B": "disqualified", "C": "open", "D": "disqualified"}
    capsys.readouterr()
    assert main(["sql", "--process", str(process), "--dialect", "duckdb"]) == 0
    statement = capsys.readouterr().out
    with duckdb.connect() as connection:
        connection.execute(f"CREATE TABLE deals AS SELECT * FROM read_csv('{export}', all_varchar = true)")
        for column in [f"{m.id}{part}" for _, m in load_process(process).process.milestones() for part in PARTS]:
            connection.execute(f'ALTER TABLE deals ADD COLUMN "{column}" VARCHAR')  # no milestone answered
        rows = connection.execute(f"SELECT deal, outcome FROM ({statement.rstrip().removesuffix(';')})").fetchall()
    assert dict(rows) == audited


@pytest.mark.parametrize("engine", ["python", "duckdb"])
def test_an_export_or_a_deal_file_naming_a_milestone_by_its_old_id_is_read_as_the_renamed_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], engine: str
) -> None:
    text = (ROOT / "process.yaml").read_text(encoding="utf-8")
    process = tmp_path / "process.yaml"
    process.write_text(
        text.replace(
            "      - id: pain-confirmed\n", "      - id: pain-agreed\n        renamed_from: [pain-confirmed]\n"
        ),
        encoding="utf-8",
    )
    evidence = "Reply email from the CFO confirming the problem statement"
    export = tmp_path / "export.csv"
    export.write_text(
        "deal,stage,amount,pain-confirmed,pain-confirmed.evidence,pain-confirmed.date\n"
        f"A,qualifying,1000,yes,{evidence},2026-11-20\n"
    )
    out = tmp_path / "out"
    argv = ["audit", str(export), "--process", str(process), "--as-of", "2026-12-01", "--engine", engine]
    assert main([*argv, "--out", str(out)]) == 0, capsys.readouterr().err
    with (out / "audit.csv").open(encoding="utf-8", newline="") as handle:
        (row,) = csv.DictReader(handle)
    assert (row["verified_stage_id"], row["next_milestone_ids"]) == ("discovery", "next-meeting-accepted")
    deal = tmp_path / "deal.json"
    answer = f'{{"met": true, "evidence": "{evidence}", "date": "2026-11-20"}}'
    deal.write_text(f'{{"claimed_stage": "qualifying", "milestones": {{"pain-confirmed": {answer}}}}}')
    capsys.readouterr()
    assert main(["assess", str(deal), "--process", str(process), "--as-of", "2026-12-01", "--json"]) == 0
    assert '"pain-agreed"' in capsys.readouterr().out
    # Both ids at once is one answer given twice: an error at the old one.
    deal.write_text('{"claimed_stage": "qualifying", "milestones": {"pain-confirmed": true, "pain-agreed": true}}')
    assert main(["assess", str(deal), "--process", str(process)]) == 1
    assert "'pain-confirmed' is the old id of milestone 'pain-agreed', which is answered too" in capsys.readouterr().err
