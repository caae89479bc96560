"""A yes without evidence never counts (the rule stays): the audit says so. A milestone read from its yes/no
column alone is warned about once, at the top of the summary and the report, and a row answered yes without
evidence that counts asks for the record to name, not the customer's action again. Both engines alike."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from tests.audit.test_duckdb_engine import assert_same_outputs, both_engines

NO_EVIDENCE_COLUMNS = (
    "deal,stage,amount,pain-confirmed,pain-confirmed.date,next-meeting-accepted,next-meeting-accepted.date\n"
    "A,qualifying,1000,v,2027-02-20,v,2027-02-21\n"
)
PAIN = "The prospect's reply to the recap email, linked in the CRM."
MEETING = "The accepted calendar invitation, with the attendees' names."
MEETING_ACTION = "The prospect accepts a meeting invitation with the people who own the problem."
UNEVIDENCED = (
    "Answered yes without evidence that counts (none named, under 4 characters, or a placeholder); name the record: "
)


def warning(milestone_id: str) -> str:
    """The warning for a milestone with a yes/no column of its own name and no evidence column."""
    return (
        f"{milestone_id} has a yes/no column ({milestone_id!r}) but no evidence column: a yes without evidence cannot "
        f"count, so no deal can meet it; map its evidence column (crm: milestones: {milestone_id}: evidence: NAME, "
        f"or --column NAME={milestone_id}.evidence), or add the CRM field `playbook crm-template` lists and export it again"
    )


def test_a_yes_no_column_without_evidence_is_warned_about_at_the_top(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = tmp_path / "export.csv"
    source.write_text(NO_EVIDENCE_COLUMNS, encoding="utf-8")
    python, duckdb = both_engines(capsys, source, tmp_path)
    assert_same_outputs(python, duckdb)
    lines = python.out.splitlines()
    warnings = [f"Warning: {warning('pain-confirmed')}", f"Warning: {warning('next-meeting-accepted')}"]
    assert lines[2:4] == warnings  # right after the process line: before any total
    report = html.unescape((python.folder / "report.html").read_text(encoding="utf-8"))
    assert all(text.removeprefix("Warning: ") in report for text in warnings)
    assert "  verified:   100.00" in lines  # the rule is unchanged: a yes without evidence does not count
    [row] = python.rows()
    assert row["verified_stage"] == "Discovery"
    assert row["next_customer_actions"] == f"{UNEVIDENCED}{PAIN} | {UNEVIDENCED}{MEETING}"


@pytest.mark.parametrize(
    ("evidence", "words"),
    [
        ("inv", UNEVIDENCED + MEETING),  # under the minimum length
        ("TBD", UNEVIDENCED + MEETING),  # a placeholder
        ("", UNEVIDENCED + MEETING),  # none named
        ("Invite accepted by the CFO", None),  # evidence that counts: the deal is verified at Qualifying
    ],
)
def test_each_row_names_a_yes_without_evidence_that_counts(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, evidence: str, words: str | None
) -> None:
    source = tmp_path / "export.csv"
    source.write_text(
        "deal,stage,amount,pain-confirmed,pain-confirmed.evidence,pain-confirmed.date,next-meeting-accepted,"
        "next-meeting-accepted.evidence,next-meeting-accepted.date\n"
        f"A,qualifying,1000,v,Recap reply,2027-02-20,v,{evidence},2027-02-21\n"
        "B,qualifying,1000,v,Recap reply,2027-02-20,no,,\n",
        encoding="utf-8",
    )
    python, duckdb = both_engines(capsys, source, tmp_path)
    assert_same_outputs(python, duckdb)
    assert "has a yes/no column" not in python.out  # every milestone read has its evidence column
    first, second = python.rows()
    if words is None:
        assert first["verified_stage"] == "Qualifying" and "Answered yes" not in first["next_customer_actions"]
    else:
        assert first["next_customer_actions"] == words
    assert second["next_customer_actions"] == MEETING_ACTION  # answered no: the customer's action, as before


@pytest.mark.parametrize(
    ("header", "warned"),
    [
        ("pain-confirmed,pain-confirmed.evidence", False),
        ("pain-confirmed,pain-confirmed.date", True),
        ("pain-confirmed,pain-confirmed.confirmed_by", False),  # the buyer's word can stand for the evidence
    ],
)
def test_only_a_milestone_whose_yes_can_never_count_is_warned_about(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, header: str, warned: bool
) -> None:
    source = tmp_path / "export.csv"
    source.write_text(f"deal,stage,amount,{header}\nA,qualifying,1000,,\n", encoding="utf-8")
    python, duckdb = both_engines(capsys, source, tmp_path)
    assert_same_outputs(python, duckdb)
    assert (warning("pain-confirmed") in python.out) is warned


def test_no_evidence_reads_no_milestone_and_warns_of_none(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = tmp_path / "export.csv"
    source.write_text(NO_EVIDENCE_COLUMNS, encoding="utf-8")
    python, duckdb = both_engines(capsys, source, tmp_path, "--no-evidence")
    assert_same_outputs(python, duckdb)
    assert "has a yes/no column" not in python.out
