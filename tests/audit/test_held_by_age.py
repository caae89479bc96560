"""Evidence too old: the default process ages only what can change, and the audit says when age holds deals back.

A VP of Sales saw 126 of 127 open deals verified at Discovery: a second meeting accepted more than
30 days ago had "gone stale", and nothing in the summary or report.html said that age was why.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sales_process.deal_verdict import DealVerdict, report_words
from sales_process.loader import load_process
from sales_process.totals import HELD_NAMED, Totals
from sales_process.vocabulary import Status
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
# Stale budget misses the signer and the timeline too: re-confirming its budget alone would not move it, so it is
# not named.
HELD = (
    "Deals held back only by evidence too old: 1 (25.0% of the deals assessed): every milestone keeping each from its "
    "next stage is answered yes, but dated longer ago than its max_age_days; confirmed again by the customer, with a "
    "new date, each deal moves up at least a stage. To confirm again on this deal: pain-confirmed. The deal: line 2 "
    "(Stale pain)"
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


TIMELINE = ["yes", "Email from the CFO with the go-live date", FRESH]
# With a timeline column: a deal can be held back by two milestones too old, and no longer miss its timeline.
WITH_TIMELINE = [*HEADER, "timeline-agreed", "timeline-agreed.evidence", "timeline-agreed.date"]
BUDGET = ["yes", "CFO email", FRESH]
AMONG_OTHERS = [
    WITH_TIMELINE,
    # Held back only by the pain confirmed 151 days ago, twice.
    ["Stale pain", "Ana", "Negotiating", "100000", *PAIN[:2], "2026-10-01", *MEETING, *SIGNER, *BUDGET, *TIMELINE],
    ["Stale pain too", "Ben", "Qualifying", "20000", *PAIN[:2], "2026-11-01", *MEETING, *NOT_ANSWERED * 3],
    # Its pain too old, but no second meeting either: confirming the pain again would not move it.
    ["Stale pain, no meeting", "Ana", "Demonstrating", "30000", *PAIN[:2], "2026-10-01", *NOT_ANSWERED * 4],
    # Its budget too old, but no timeline either.
    [
        "Stale budget",
        "Ben",
        "Demonstrating",
        "80000",
        *PAIN,
        *MEETING,
        *SIGNER,
        *BUDGET[:2],
        "2026-09-01",
        *NOT_ANSWERED,
    ],
    # Held back only by its budget and its timeline, both too old: counted once under each.
    [
        "Stale budget and timeline",
        "Ana",
        "Proposing",
        "60000",
        *PAIN,
        *MEETING,
        *SIGNER,
        *BUDGET[:2],
        "2026-09-01",
        *TIMELINE[:2],
        "2026-10-01",
    ],
]
HELD_AMONG_OTHERS = (
    "Deals held back only by evidence too old: 3 (60.0% of the deals assessed): every milestone keeping each from its "
    "next stage is answered yes, but dated longer ago than its max_age_days; confirmed again by the customer, with a "
    "new date, each deal moves up at least a stage. Milestones to confirm again on these deals, with how many of the 3 "
    "each holds back: pain-confirmed (2), budget-confirmed (1), timeline-agreed (1) (a deal held back by several "
    "counts under each). The deals: line 2 (Stale pain), line 3 (Stale pain too), line 6 (Stale budget and timeline)"
)


def test_the_milestones_named_are_counted_on_the_deals_held_back_only_by_age(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A user counted pain-confirmed too old on 76 of the 118 deals held back only by age, and the line said 86: it
    counted every deal assessed, those that also miss another milestone among them."""
    source = tmp_path / "pipeline.csv"
    write_rows(source, AMONG_OTHERS)
    python, duckdb = both_engines(capsys, source, tmp_path)
    assert_same_outputs(python, duckdb)
    assert "audited with the Python engine" not in duckdb.err
    assert [row["verified_stage"] for row in python.rows()] == [
        "Discovery",
        "Discovery",
        "Discovery",
        "Qualifying",
        "Qualifying",
    ]
    held = next(line for line in python.out.splitlines() if line.startswith("Deals held back only"))
    assert "pain-confirmed (2)" in held and "budget-confirmed (1)" in held  # not 3 and 2: over every deal assessed
    assert held == HELD_AMONG_OTHERS
    assert '<p id="held-by-age">' + HELD_AMONG_OTHERS + ".</p>" in python.html()


def test_the_pipeline_counts_the_milestones_to_confirm_again_as_the_audit_does() -> None:
    """/pipeline sums saved deals through Totals.add_alike: the same count, from the same verdicts' blocking."""
    totals = Totals(PROCESS)

    def verdict(number: int, *blocking: tuple[str, str]) -> DealVerdict:
        return DealVerdict(
            number, "", f"Deal {number}", "Ana", "negotiating", "discovery", None, None, None, None, blocking
        )

    stale_pain = ("pain-confirmed", Status.STALE.value)
    totals.add_alike([verdict(4, stale_pain), verdict(1, stale_pain)])
    totals.add(verdict(3, stale_pain, ("next-meeting-accepted", Status.UNANSWERED.value)))
    assert (totals.held_by_age, totals.most_often_too_old()) == (2, [("pain-confirmed", 2)])
    assert totals.held_named() == [(1, "Deal 1"), (4, "Deal 4")]  # the deals to open, by line (a deal's id)
    assert totals.blocking["pain-confirmed"][Status.STALE] == 3  # what holds the deals back stays counted on them all


def test_the_deals_held_back_only_by_age_named_are_the_first_by_line_and_the_others_counted(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """ "Deals held back only by evidence too old: 1 … To confirm again on this deal: pain-confirmed" never named the
    deal: the first HELD_NAMED are named by line, whichever engine counted them, and the others counted."""
    stale = ["Stale pain", "Ana", "Negotiating", "100000", *PAIN[:2], "2026-10-01", *MEETING, *SIGNER, *NOT_ANSWERED]
    many = [ROWS[0], *([f"Stale pain {number}", *stale[1:]] for number in range(HELD_NAMED + 2))]
    source = tmp_path / "pipeline.csv"
    write_rows(source, many)
    python, duckdb = both_engines(capsys, source, tmp_path)
    assert_same_outputs(python, duckdb)
    assert "audited with the Python engine" not in duckdb.err  # DuckDB named the deals itself
    held = next(line for line in python.out.splitlines() if line.startswith("Deals held back only"))
    named = ", ".join(f"line {number + 2} (Stale pain {number})" for number in range(HELD_NAMED))
    assert held.endswith(f"The deals: {named} and 2 more")


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
