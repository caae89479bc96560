"""Evidence too old: the default process ages only what can change, and the audit says when age holds deals back.

A VP of Sales saw 126 of 127 open deals verified at Discovery: a second meeting accepted more than
30 days ago had "gone stale", and nothing in the summary or report.html said that age was why.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sales_process.deal_verdict import report_words
from sales_process.loader import load_process
from tests.audit.helpers import ROOT
from tests.audit.test_duckdb_engine import assert_same_outputs, both_engines, write_rows

PROCESS = load_process(ROOT / "process.yaml").process
MILESTONES = {milestone.id: milestone for _, milestone in PROCESS.milestones()}
# Events that stay true once they happened: a meeting accepted is not un-accepted a month later.
EVENTS = (
    "next-meeting-accepted",
    "demo-attended",
    "pricing-discussed",
    "proposal-agreed-next-step",
    "proposal-reviewed",
)
# States that can change: the customer says them again, with a new date.
STATES = (
    "pain-confirmed",
    "budget-confirmed",
    "timeline-agreed",
    "pricing-agreeable",
    "vendor-of-choice",
    "terms-agreed",
    "signature-scheduled",
)
MILESTONE_COLUMNS = ("pain-confirmed", "next-meeting-accepted", "decision-maker-identified", "budget-confirmed")
HEADER = [
    "deal",
    "owner",
    "stage",
    "amount",
    *(f"{m}{part}" for m in MILESTONE_COLUMNS for part in ("", ".evidence", ".date")),
]
FRESH = "2027-02-15"
PAIN = ["yes", "Reply from the CFO to the recap email", FRESH]
MEETING = ["yes", "Accepted invitation with the COO and CFO", FRESH]
SIGNER = ["yes", "Email from the VP Ops naming the signer", FRESH]
NOT_ANSWERED = ["", "", ""]
ROWS = [
    HEADER,
    # Held at Discovery by the pain confirmed 151 days ago (it counts for 90).
    ["Stale pain", "Ana", "Negotiating", "100000", *PAIN[:2], "2026-10-01", *MEETING, *SIGNER, *NOT_ANSWERED],
    # A second meeting accepted 273 days ago still happened: the deal is past Discovery.
    ["Old meeting", "Ana", "Qualifying", "50000", *PAIN, *MEETING[:2], "2026-06-01", *NOT_ANSWERED, *NOT_ANSWERED],
    # Held at Qualifying by the budget confirmed 181 days ago (it counts for 120), among other milestones.
    ["Stale budget", "Ben", "Demonstrating", "80000", *PAIN, *MEETING, *NOT_ANSWERED, "yes", "CFO email", "2026-09-01"],
    ["Nothing yet", "Ben", "Discovery", "10000", *NOT_ANSWERED * 4],
]
# Stale budget misses the signer and the timeline too: re-confirming its budget alone would not move it.
HELD = (
    "Deals held back only by evidence too old: 1 (25.0% of the deals assessed): every milestone keeping each from its "
    "next stage is answered yes, but dated longer ago than its max_age_days; confirmed again by the customer, with a "
    "new date, each deal moves up at least a stage. Evidence too old, most often: pain-confirmed (1), "
    "budget-confirmed (1)"
)


def test_the_default_process_ages_only_what_can_change() -> None:
    """The manual's advice: a max_age_days only for outcomes that really go stale, not for what stays true."""
    assert {m: MILESTONES[m].max_age_days for m in EVENTS} == dict.fromkeys(EVENTS)
    assert all(MILESTONES[m].max_age_days for m in STATES)


def test_both_engines_say_how_many_deals_age_holds_back_and_what_to_confirm_again(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = tmp_path / "pipeline.csv"
    write_rows(source, ROWS)
    python, duckdb = both_engines(capsys, source, tmp_path)
    assert_same_outputs(python, duckdb)
    assert "audited with the Python engine" not in duckdb.err  # DuckDB audited the file itself
    assert HELD in python.out.splitlines()
    assert [row["verified_stage"] for row in python.rows()] == ["Discovery", "Qualifying", "Qualifying", "Discovery"]
    assert '<p id="held-by-age">' + HELD + ".</p>" in python.html()
    actions = {row[1]: row[-1] for row in python.table("ahead")}
    assert actions["Stale pain"] == (
        "Re-confirm: The prospect replies to our meeting recap and confirms or corrects the problem statement "
        "(evidence from 2026-10-01 is older than 90 days)."
    )
    # Among the other milestones holding it back, each in the customer's action as before.
    assert (
        "<li>Re-confirm: The budget owner states the budget range or the process to secure it (evidence from "
        "2026-09-01 is older than 120 days).</li>"
    ) in python.html()
    assert f"<li>{MILESTONES['timeline-agreed'].customer_action}</li>" in python.html()
    # audit.csv keeps its columns and words: the customer's action, as before.
    assert python.rows()[0]["next_customer_actions"] == MILESTONES["pain-confirmed"].customer_action


def test_no_line_when_no_deal_is_held_back_by_age(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = tmp_path / "pipeline.csv"
    write_rows(source, [ROWS[0], ROWS[2], ROWS[4]])
    python, duckdb = both_engines(capsys, source, tmp_path)
    assert_same_outputs(python, duckdb)
    assert "too old" not in python.out
    assert 'id="held-by-age"' not in python.html()


def test_the_report_words_a_milestone_too_old_with_or_without_its_date() -> None:
    pain = MILESTONES["pain-confirmed"]
    dated = report_words(pain, "stale", dt.date(2026, 2, 28))
    assert dated.endswith(
        "confirms or corrects the problem statement (evidence from 2026-02-28 is older than 90 days)."
    )
    # Saved deals' stored verdicts keep no date: the age alone is said.
    assert report_words(pain, "stale").endswith("(its evidence is older than 90 days).")
    assert report_words(pain, "unanswered") == pain.customer_action
    # Answered yes with evidence and held back by its date alone: the rep fixes the date, the customer does nothing.
    assert report_words(pain, "undated").startswith("Date it: The prospect replies")
    assert report_words(pain, "undated").endswith(
        "(answered yes with evidence, but undated: it counts only with its date)."
    )
    assert report_words(pain, "future_date").endswith("(dated after the day assessed: it counts from that day).")
