"""Lost deals in an export: each row says plainly that the process has no lost stage and how to fix it,
and the summary counts them; they are never dropped. Both engines give the same outputs."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.audit.test_duckdb_engine import assert_same_outputs, both_engines

HEADER = "deal,stage,amount,pain-confirmed,pain-confirmed.evidence,pain-confirmed.date\n"
OPEN = (
    "Acme,Discovery,120000,yes,Reply to the recap email,2027-02-20\n"
    "Beta,Qualifying,50000,no,,\n"
    "Gamma,Proposing,80000,yes,Reply to the recap email,2027-02-21\n"
)
STAGES = "stages: Discovery, Qualifying, Demonstrating, Proposing, Negotiating, Closed Won"


def lost_reason(stage: str) -> str:
    return (
        f"stage {stage!r} marks a lost deal, and the process has no lost stage ({STAGES}); only open deals can be checked: "
        f'filter lost deals out of the CRM report, or map the stage under crm.stage_names or with --stage-name "{stage}=stage-id"'
    )


def test_lost_deals_are_said_plainly_and_counted(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = tmp_path / "export.csv"
    source.write_text(HEADER + OPEN + "Delta,Closed Lost,10000,no,,\nEpsilon,verloren,,,,\n", encoding="utf-8")
    python, duckdb = both_engines(capsys, source, tmp_path)
    assert_same_outputs(python, duckdb)
    assert python.status == 0
    assert (
        f"Deals read: 5\nDeals assessed: 3\nDeals not assessed: 2\n  line 5: {lost_reason('Closed Lost')}\n"
        f"  line 6: {lost_reason('verloren')}\n"
    ) in python.out
    assert (
        "Lost deals among the deals not assessed: 2 (the process has no lost stage: filter lost deals out of the "
        "CRM report, or map their stage)"
    ) in python.out.splitlines()
    assert [row["not_assessed"] for row in python.rows()] == [
        "",
        "",
        "",
        lost_reason("Closed Lost"),
        lost_reason("verloren"),
    ]


def test_mostly_lost_deals_fail_with_the_fix(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = tmp_path / "export.csv"
    source.write_text(
        HEADER + "Acme,Discovery,120000,yes,Reply to the recap email,2027-02-20\n"
        "Delta,Closed Lost,10000,no,,\nEpsilon,closed_lost,,,,\nZeta,Qualifyng,,,,\n",
        encoding="utf-8",
    )
    python, duckdb = both_engines(capsys, source, tmp_path)
    assert_same_outputs(python, duckdb)
    assert python.status == 1
    assert python.err == (
        "playbook audit: error: 3 of 4 deals could not be assessed (more than half), so this audit proves little; fix the rows "
        "listed above (every reason is in the not_assessed column of audit.csv); 2 of them are lost deals: filter lost deals "
        "out of the CRM report, or map their stage\n"
    )


def test_an_unknown_stage_that_is_not_lost_keeps_its_hint(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = tmp_path / "export.csv"
    source.write_text(HEADER + OPEN + "Zeta,Qualifyng,,,,\n", encoding="utf-8")
    python, duckdb = both_engines(capsys, source, tmp_path)
    assert_same_outputs(python, duckdb)
    assert (
        f"  line 5: unknown stage 'Qualifyng'; did you mean 'Qualifying'? ({STAGES}); map the CRM's stage names under "
        'crm.stage_names or with --stage-name "NAME=stage-id"\n'
    ) in python.out
    assert "Lost deals" not in python.out


def test_the_manual_shows_the_real_reason(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    page = (Path(__file__).resolve().parents[2] / "docs" / "revops" / "crm-mapping.md").read_text(encoding="utf-8")
    assert f"  line 5: {lost_reason('Closed Lost')}\n" in page
