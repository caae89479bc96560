"""The audit of exported deals knows the buyer's word: `<milestone>.confirmed_by` columns, and the share it carries."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

from pipeline_audit.columns import ColumnError, plan_columns
from pipeline_audit.rows import RowProblem, RowReader
from playbook_cli.main import main
from sales_process.crm import resolve_mapping
from sales_process.deal import Answer, BuyerAnswer
from sales_process.deal_verdict import KnownVerdicts
from sales_process.loader import LoadedProcess, parse_process
from sales_process.totals import Totals
from tests.audit.helpers import ROOT, Run
from tests.audit.test_duckdb_engine import assert_same_outputs, both_engines
from tests.browser import PHONE, axe_violations
from tests.engine.test_buyer_confirmation import PROCESS_TEXT
from tests.foundation.processes import VALID

AS_OF = dt.date(2027, 3, 1)
BUYER = parse_process(PROCESS_TEXT.encode(), "buyer.yaml")
HEADER = [
    "deal",
    "stage",
    "amount",
    "next-step",
    "next-step.evidence",
    "next-step.date",
    "next-step.confirmed_by",
    "budget",
    "budget.evidence",
    "budget.date",
    "budget.confirmed_by",
]
EXPORT = (
    ",".join(
        [*HEADER, "status"]
    )  # open: the CRM's stage says won, its status says the deal is still open (status wins)
    + "\n"
    + (
        "Contoso,won,100000,yes,,2027-02-20,Dana Buyer <dana@contoso.example>,yes,,2027-02-21,Dana Buyer <dana@contoso.example>,Open\n"
        "Fabrikam,won,50000,yes,Dana's email of 20 Feb,2027-02-20,,yes,Budget email from the CFO,2027-02-21,,Open\n"
        "Litware,qualifying,20000,yes,,2027-02-20,Lee Wu <lee@litware.example>,no,We still need legal's view.,2027-02-22,Lee Wu <lee@litware.example>,Open\n"
        "Northwind,won,10000,yes,,2027-02-20,Ann Ng <ann@northwind.example>,yes,Budget email from the CFO,2027-02-21,,Open\n"
    )
)


def reader(process: LoadedProcess = BUYER, header: list[str] = HEADER) -> RowReader:
    mapping = resolve_mapping(process.process)
    return RowReader(plan_columns(header, process.process, mapping), process.process, mapping)


def cells(**values: str) -> list[str]:
    row = dict.fromkeys(HEADER, "")
    row.update({"deal": "Contoso", "next-step": "yes", "next-step.date": "2027-02-20"})
    row.update({key.replace("__", ".").replace("next_step", "next-step"): value for key, value in values.items()})
    return list(row.values())


@pytest.mark.parametrize(
    ("typed", "name", "email"),
    [
        ("Dana Buyer <dana@contoso.example>", "Dana Buyer", "dana@contoso.example"),
        ("  Dana Buyer<dana@contoso.example> ", "Dana Buyer", "dana@contoso.example"),
        ("José\u00a0García \t<jg@b.co>", "José García", "jg@b.co"),
        ("x@y <x@y.example>", "x@y", "x@y.example"),
    ],
)
def test_a_buyer_makes_the_answer_the_buyers(typed: str, name: str, email: str) -> None:
    deal = reader().open_deal(cells(next_step__confirmed_by=typed))
    assert deal.answers["next-step"] == BuyerAnswer(name, email, dt.date(2027, 2, 20), True).as_answer()
    assert deal.answers["next-step"].buyer_confirmed


def test_a_buyers_no_keeps_the_comment_from_the_evidence_column() -> None:
    deal = reader().open_deal(
        cells(
            next_step="no",
            next_step__evidence="We still need legal's view.",
            next_step__confirmed_by="Lee Wu <lee@litware.example>",
        )
    )
    buyer = BuyerAnswer("Lee Wu", "lee@litware.example", dt.date(2027, 2, 20), False, "We still need legal's view.")
    assert deal.answers["next-step"] == buyer.as_answer()
    assert not deal.answers["next-step"].buyer_confirmed


def test_a_blank_buyer_leaves_the_reps_answer() -> None:
    deal = reader().open_deal(cells(next_step__evidence="Dana's email", next_step__confirmed_by="  "))
    assert deal.answers["next-step"] == Answer(True, "Dana's email", dt.date(2027, 2, 20))


EXAMPLE = (
    "e.g. 'Dana Buyer <dana@customer.example>'; write the buyer as `playbook deals export` does, or empty the cell"
)


@pytest.mark.parametrize(
    ("values", "problem"),
    [
        (
            {"next_step__confirmed_by": "Dana"},
            f"next-step.confirmed_by: 'Dana' is not a buyer written as \"Name <email>\", {EXAMPLE}",
        ),
        (
            {"next_step__confirmed_by": "<dana@contoso.example>"},
            f"next-step.confirmed_by: '<dana@contoso.example>' is not a buyer written as \"Name <email>\", {EXAMPLE}",
        ),
        (
            {"next_step__confirmed_by": "Dana <dana>"},
            f"next-step.confirmed_by: 'Dana <dana>' is not a buyer written as \"Name <email>\", {EXAMPLE}",
        ),
        (
            {"next_step__confirmed_by": "Dana <d@x.example> (CFO)"},
            f"next-step.confirmed_by: 'Dana <d@x.example> (CFO)' is not a buyer written as \"Name <email>\", {EXAMPLE}",
        ),
        (
            {"next_step__confirmed_by": "Dana <d @x.example>"},
            f"next-step.confirmed_by: 'Dana <d @x.example>' is not a buyer written as \"Name <email>\", {EXAMPLE}",
        ),
        (
            {"next_step__confirmed_by": "Dana <d@x.example>", "next_step__date": ""},
            "next-step.confirmed_by names the buyer 'Dana <d@x.example>', but next-step.date is blank; a buyer's answer counts from "
            "the day they gave it: fill in next-step.date (YYYY-MM-DD) or empty next-step.confirmed_by",
        ),
        (
            {"next_step__confirmed_by": "Dana <d@x.example>", "next_step__date": "2027-02-30"},
            "next-step.date: '2027-02-30' is not a real calendar date",
        ),
        (
            {"next_step__confirmed_by": "Dana <d@x.example>", "next_step": "", "next_step__date": ""},
            "next-step.confirmed_by is filled in but next-step is blank; answer yes or no",
        ),
        (
            {"next_step__confirmed_by": "Dana <d@x.example>", "next_step": "maybe"},
            "next-step: 'maybe' is not yes or no",
        ),
    ],
)
def test_a_bad_buyer_is_a_row_problem(values: dict[str, str], problem: str) -> None:
    with pytest.raises(RowProblem) as raised:
        reader().open_deal(cells(**values))
    assert raised.value.problems[0].startswith(problem), raised.value.problems
    assert len(raised.value.problems) == 1


def test_every_bad_buyer_of_a_row_is_listed() -> None:
    with pytest.raises(RowProblem) as raised:
        reader().open_deal(
            cells(next_step__confirmed_by="Dana", budget="yes", budget__confirmed_by="Lee <lee@x.example>")
        )
    assert [problem.split(":")[0].split(" ")[0] for problem in raised.value.problems] == [
        "next-step.confirmed_by",
        "budget.confirmed_by",
    ]


@pytest.mark.parametrize(
    ("header", "problem"),
    [
        (
            ["deal", "next-meeting-accepted", "next-meeting-accepted.confirmed_by"],
            "column 3 'next-meeting-accepted.confirmed_by' names the buyer who confirmed next-meeting-accepted, but next-meeting-accepted "
            "has no buyer_statement, so no buyer can confirm it; remove the column, or give next-meeting-accepted a buyer_statement in process.yaml",
        ),
        (
            ["deal", "pain-confirmed", "decision-maker-identified.confirmed_by"],
            "column 3 'decision-maker-identified.confirmed_by' names the buyer who confirmed decision-maker-identified, but "
            "decision-maker-identified has no buyer_statement, so no buyer can confirm it; remove the column, or give "
            "decision-maker-identified a buyer_statement in process.yaml",
        ),
    ],
)
def test_a_buyer_column_needs_a_buyer_statement(
    default_process: LoadedProcess, header: list[str], problem: str
) -> None:
    with pytest.raises(ColumnError) as raised:
        plan_columns(header, default_process.process, resolve_mapping(default_process.process))
    assert raised.value.problems[0] == problem


def test_a_buyer_column_needs_the_answer_column() -> None:
    with pytest.raises(ColumnError) as raised:
        plan_columns(["deal", "budget", "next-step.confirmed_by"], BUYER.process, resolve_mapping(BUYER.process))
    assert raised.value.problems == [
        "column 3 'next-step.confirmed_by' holds next-step's buyer but no column holds its yes/no answer; "
        "add a 'next-step' column with yes or no, or map the CRM's with --column \"NAME=next-step\""
    ]


def test_the_crm_block_names_the_buyer_column() -> None:
    process = parse_process(
        (
            PROCESS_TEXT + "crm:\n  milestones:\n    next-step: {met: Next Step, date: Next Step Date, "
            "confirmed_by: Next Step Confirmed By}\n"
        ).encode(),
        "crm.yaml",
    )
    header = ["deal", "Next Step", "Next Step Date", "Next Step Confirmed By"]
    deal = reader(process, header).open_deal(["Contoso", "yes", "2027-02-20", "Dana <d@x.example>"])
    assert deal.answers["next-step"] == BuyerAnswer("Dana", "d@x.example", dt.date(2027, 2, 20), True).as_answer()


def test_the_command_line_maps_the_buyer_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    process = tmp_path / "process.yaml"
    process.write_text(PROCESS_TEXT, encoding="utf-8")
    source = tmp_path / "pipeline.csv"
    source.write_text(
        "deal,next-step,next-step.date,Buyer\nContoso,yes,2027-02-20,Dana <d@x.example>\n", encoding="utf-8"
    )
    status = main(
        [
            "audit",
            str(source),
            "--process",
            str(process),
            "--as-of",
            "2027-03-01",
            "--out",
            str(tmp_path / "out"),
            "--column",
            "Buyer=next-step.confirmed_by",
        ]
    )
    run = Run(status, *capsys.readouterr(), tmp_path / "out")
    assert run.status == 0, run.err
    assert run.rows()[0]["buyer_confirmed_milestone_ids"] == "next-step"


def test_with_nothing_verified_and_weighted_the_buyers_share_is_said_in_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With no verified weighted amount the line read "Confirmed by buyers: - of the verified weighted pipeline (0.00 of
    0.00)"."""
    process = tmp_path / "process.yaml"
    process.write_text(PROCESS_TEXT, encoding="utf-8")
    source = tmp_path / "pipeline.csv"
    lines = EXPORT.splitlines(keepends=True)
    source.write_text(lines[0] + "".join(re.sub(r"^([^,]*,[^,]*,)[0-9]+,", r"\1,", line) for line in lines[1:]))
    python, duckdb = both_engines(capsys, source, tmp_path, process=process)
    assert_same_outputs(python, duckdb)
    assert python.status == 0, python.err
    assert (
        "Confirmed by buyers: none of the verified weighted pipeline, which is 0.00, 1 deal whose buyer confirmed every "
        "outcome that put it at its verified stage\n" in python.out
    )
    assert "- of the verified" not in python.folder.joinpath("report.html").read_text(encoding="utf-8")


def test_the_audit_marks_what_the_buyers_confirmed_and_their_share(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    process = tmp_path / "process.yaml"
    process.write_text(PROCESS_TEXT, encoding="utf-8")
    source = tmp_path / "pipeline.csv"
    source.write_text(EXPORT, encoding="utf-8")
    python, duckdb = both_engines(capsys, source, tmp_path, process=process)
    assert_same_outputs(python, duckdb)
    assert python.status == 0, python.err
    assert [
        (
            row["deal"],
            row["verified_stage_id"],
            row["next_milestone_ids"],
            row["verified_stage_confirmed_by_buyer"],
            row["buyer_confirmed_milestone_ids"],
        )
        for row in python.rows()
    ] == [
        ("Contoso", "won", "", "yes", "next-step budget"),
        ("Fabrikam", "qualifying", "next-step", "no", ""),  # the rep's yes waits for the buyer (confirmation: required)
        ("Litware", "qualifying", "budget", "no", "next-step"),  # the buyer's "not quite"
        ("Northwind", "won", "", "no", "next-step"),  # the budget rests on the rep's word
    ]
    share = (
        "Confirmed by buyers: 80.6% of the verified weighted pipeline (100,000.00 of 124,000.00), "
        "1 deal whose buyer confirmed every outcome that put it at its verified stage"
    )
    assert (
        python.out.replace(str(tmp_path), "TMP")
        == f"""\
Pipeline audit of TMP/pipeline.csv as of 2027-03-01
Process: Buyer-confirmed (sha256 {BUYER.sha256})
Deals read: 4
Deals assessed: 4
Deals not assessed: 0
Open pipeline, unweighted: 180,000.00, the amounts of 4 open deals
Deals ahead of their evidence: 1 (25.0% of the deals assessed)
Weighted pipeline of the 4 deals with an amount and a claimed stage:
  claimed:    164,000.00
  verified:   124,000.00
  difference: 40,000.00 (24.4% of the claim)
{share}
Awaiting the buyer: 1 deal held back at next-step, which only the buyer's confirmation verifies
Wrote TMP/python/audit.csv and TMP/python/report.html
"""
    )
    html = python.html()
    assert f'<p id="buyer-confirmed">{share}, through a confirmation link.</p>' in html
    # What the share means: the outcomes that brought the deals to their verified stage are the buyers' word (not
    # every outcome of that stage: a buyer may have said "Not quite" to one of those).
    assert (
        'At their stage on buyers\' word (80.6% of the verified)</dt><dd data-total="buyer_confirmed">100,000.00</dd>'
        in html
    )


def test_without_buyer_statements_the_share_is_not_shown(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    process = tmp_path / "process.yaml"
    process.write_text(VALID, encoding="utf-8")  # no milestone has a buyer_statement: no buyer can confirm anything
    source = tmp_path / "pipeline.csv"
    source.write_text(
        "deal,stage,amount,pain-confirmed,pain-confirmed.evidence,status\nContoso,won,1000,yes,CFO email,Open\n",
        encoding="utf-8",
    )
    python, duckdb = both_engines(capsys, source, tmp_path, process=process)
    assert_same_outputs(python, duckdb)
    assert "Confirmed by buyers" not in python.out
    assert "Confirmed by buyers" not in python.html()
    assert python.rows()[0]["verified_stage_confirmed_by_buyer"] == "no"


def test_the_summary_says_how_many_deals_await_the_buyer_and_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An export without `.confirmed_by` columns (made from a CRM's own fields) leaves every deal whose milestone only
    the buyer's word verifies awaiting the buyer: report.html said "awaiting the buyer: 3", the summary nothing."""
    process = tmp_path / "process.yaml"
    process.write_text(PROCESS_TEXT, encoding="utf-8")
    source = tmp_path / "pipeline.csv"
    source.write_text(
        "deal,stage,amount,next-step,next-step.evidence,next-step.date,budget,budget.evidence,budget.date\n"
        "Contoso,qualifying,100000,yes,Dana's email,2027-02-20,yes,Budget email from the CFO,2027-02-21\n"
        "Fabrikam,qualifying,50000,yes,Dana's email,2027-02-20,yes,Budget email from the CFO,2027-02-21\n",
        encoding="utf-8",
    )
    python, duckdb = both_engines(capsys, source, tmp_path, process=process)
    assert_same_outputs(python, duckdb)
    assert (
        "Awaiting the buyer: 2 deals held back at next-step, which only the buyer's confirmation verifies; the export "
        "has no .confirmed_by column, so no buyer's confirmation is read: add one per such milestone "
        "(`playbook crm-template` lists them)\n" in python.out
    )
    assert "awaiting the buyer: 2" in python.html()


@pytest.mark.parametrize(
    ("header", "shown"),
    [
        ("deal,stage,amount,pain-confirmed,pain-confirmed.evidence,pain-confirmed.confirmed_by", True),
        ("deal,stage,amount,pain-confirmed,pain-confirmed.evidence", False),  # a CRM's own export cannot tell
    ],
)
def test_the_share_needs_a_buyer_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], header: str, shown: bool
) -> None:
    source = tmp_path / "pipeline.csv"
    source.write_text(f"{header}\nContoso,qualifying,1000,yes,CFO email{',' if shown else ''}\n", encoding="utf-8")
    python, duckdb = both_engines(capsys, source, tmp_path, process=ROOT / "process.yaml")
    assert_same_outputs(python, duckdb)
    share = (
        "Confirmed by buyers: 0.0% of the verified weighted pipeline (0.00 of 100.00), 0 deals whose buyers confirmed "
        "every outcome that put them at their verified stage\n"
    )
    assert (share in python.out) is shown
    assert ('data-total="buyer_confirmed"' in python.html()) is shown


def test_known_verdicts_pass_the_buyers_yes_to_the_totals() -> None:
    known, totals = KnownVerdicts(BUYER.process), Totals(BUYER.process)
    verdicts = [
        known.verdict(1, "Contoso", "won", 1, 1000.0, (), buyer_confirmed=frozenset({"next-step", "budget"})),
        known.verdict(2, "Northwind", "won", 1, 500.0, (), buyer_confirmed=frozenset({"next-step"})),
        known.verdict(
            3, "Litware", "qualifying", 0, 300.0, (("budget", "not_met"),), buyer_confirmed=frozenset({"next-step"})
        ),
    ]
    assert [verdict.verified_by_buyer for verdict in verdicts] == [True, False, False]
    for verdict in verdicts:
        totals.add(verdict)
    assert (totals.buyer_confirmed, totals.buyer_confirmed_cents, totals.verified_cents) == (1, 100_000, 156_000)


@pytest.mark.browser
def test_the_share_is_accessible_on_a_desktop_and_a_phone(
    browser: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    process = tmp_path / "process.yaml"
    process.write_text(PROCESS_TEXT, encoding="utf-8")
    source = tmp_path / "pipeline.csv"
    source.write_text(EXPORT, encoding="utf-8")
    assert (
        main(["audit", str(source), "--process", str(process), "--as-of", "2027-03-01", "--out", str(tmp_path / "out")])
        == 0
    )
    capsys.readouterr()
    for viewport in ({"width": 1280, "height": 900}, PHONE):
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        page.goto((tmp_path / "out" / "report.html").as_uri())
        assert page.locator("[data-total=buyer_confirmed]").text_content() == "100,000.00"
        assert page.locator("#buyer-confirmed").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        assert axe_violations(page) == []
        context.close()
