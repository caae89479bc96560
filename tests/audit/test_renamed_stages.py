"""An export, or the crm block, may still name a stage by an id it was `renamed_from`: read as the stage it is now."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from playbook_cli.main import main
from tests.audit.helpers import ROOT


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
