"""Lost deals in an export are outcomes, not refusals: counted with their amounts on one line, never
assessed nor weighted, listed in audit.csv with their outcome. Both engines give the same outputs."""

from __future__ import annotations

from pathlib import Path

import pytest
from markupsafe import escape

from pipeline_report.summary import open_deals_summed
from sales_process.loader import load_process
from sales_process.totals import Totals
from tests.audit.helpers import ROOT
from tests.audit.test_duckdb_engine import assert_same_outputs, both_engines

HEADER = "deal,stage,amount,pain-confirmed,pain-confirmed.evidence,pain-confirmed.date\n"
OPEN = (
    "Acme,Discovery,120000,yes,Reply to the recap email,2027-02-20\n"
    "Beta,Qualifying,50000,no,,\n"
    "Gamma,Proposing,80000,yes,Reply to the recap email,2027-02-21\n"
)
STAGES = "stages: Discovery, Qualifying, Demonstrating, Proposing, Negotiating, Closed Won"


def test_lost_deals_are_outcomes_counted_on_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = tmp_path / "export.csv"
    source.write_text(
        HEADER + OPEN + "Delta,Closed Lost,10000,no,,\nEpsilon,verloren,,,,\nZeta,Closed Won,7000,,,\n",
        encoding="utf-8",
    )
    python, duckdb = both_engines(capsys, source, tmp_path)
    assert_same_outputs(python, duckdb)
    assert python.status == 0
    lines = python.out.splitlines()
    assert "Deals read: 6 (3 closed, 3 open)" in lines
    assert "Deals assessed: 3" in lines and "Deals not assessed: 0" in lines
    assert "  won:                1 deal, 7,000.00" in lines
    assert "  lost:              2 deals, 10,000.00 (1 without an amount)" in lines
    assert not any("line 5" in line or "line 6" in line for line in lines)  # never a message per row
    rows = python.rows()
    assert [(r["deal"], r["outcome"], r["verified_stage"], r["claimed_weighted"]) for r in rows] == [
        ("Acme", "open", "Discovery", "12000.00"),
        ("Beta", "open", "Discovery", "10000.00"),
        ("Gamma", "open", "Discovery", "48000.00"),
        ("Delta", "lost", "", ""),
        ("Epsilon", "lost", "", ""),
        ("Zeta", "won", "", ""),
    ]
    # the open pipeline's totals are those of the open deals alone
    assert "  claimed:    70,000.00" in lines


def test_crm_lost_stages_and_disqualified_words(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    process = tmp_path / "process.yaml"
    root = Path(__file__).resolve().parents[2]
    process.write_text(
        (root / "process.yaml").read_text(encoding="utf-8") + "\ncrm:\n  lost_stages: [Dead Deals]\n", encoding="utf-8"
    )
    source = tmp_path / "export.csv"
    source.write_text(HEADER + OPEN + "Delta,Dead Deals,10000,,,\nEta,Unqualified,3000,,,\n", encoding="utf-8")
    python, duckdb = both_engines(capsys, source, tmp_path, process=process)
    assert_same_outputs(python, duckdb)
    assert [r["outcome"] for r in python.rows()] == ["open", "open", "open", "lost", "disqualified"]
    assert "  disqualified:       1 deal, 3,000.00" in python.out.splitlines()


def test_an_unknown_stage_that_is_not_lost_keeps_its_hint(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = tmp_path / "export.csv"
    source.write_text(HEADER + OPEN + "Zeta,Qualifyng,,,,\n", encoding="utf-8")
    python, duckdb = both_engines(capsys, source, tmp_path)
    assert_same_outputs(python, duckdb)
    assert (
        f"  line 5: unknown stage 'Qualifyng'; did you mean 'Qualifying'? ({STAGES}); map the CRM's stage names under "
        'crm.stage_names or with --stage-name "NAME=stage-id"\n'
    ) in python.out
    assert "Closed deals" not in python.out


def test_the_open_pipelines_unweighted_total_is_the_open_deals_amounts(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = tmp_path / "export.csv"
    source.write_text(
        HEADER
        + "Acme,Discovery,120000,yes,Reply to the recap email,2027-02-20\n"
        + "Beta,Qualifying,50000.50,no,,\n"
        + "Gamma,Proposing,,yes,Reply to the recap email,2027-02-21\n"  # open, without an amount
        + "Kappa,Negociating,99999,no,,\n"  # unknown stage: not assessed, in no total
        + "Delta,Closed Lost,10000,no,,\n"
        + "Zeta,Closed Won,7000,,,\n",
        encoding="utf-8",
    )
    python, duckdb = both_engines(capsys, source, tmp_path)
    assert_same_outputs(python, duckdb)
    # By hand: the open deals assessed are Acme (120,000), Beta (50,000.50) and Gamma (no amount).
    line = (
        "Open pipeline, unweighted: 170,000.50, the amounts of 2 open deals; 1 more open deal has no amount; "
        "the deal not assessed is not counted"
    )
    for run in (python, duckdb):
        assert line in run.out.splitlines(), run.out
        assert '<dt>Open pipeline (unweighted)</dt><dd data-total="open">170,000.50</dd>' in run.html()
        assert (
            '<p id="open-pipeline">Open pipeline (unweighted): the amounts of 2 open deals; '
            "1 more open deal has no amount; the row not assessed is not counted." in run.html()
        )
    # It is the sum of audit.csv's amounts of the open deals.
    assert sum(float(r["amount"]) for r in python.rows() if r["outcome"] == "open" and r["amount"]) == 170000.50


@pytest.mark.parametrize(
    ("rows", "lines", "not_assessed"),
    [
        (  # the analyst's export: shorthand amounts stay refused, the outcomes count without them
            "A,Closed Lost,1.2M,2027-01-10,\nB,Closed Lost,,2027-01-11,\nC,qualifying,5000,,\nD,Closed Won,12k,2027-01-12,\n",
            [
                "Deals read: 4 (3 closed, 1 open)",
                "Deals not assessed: 0",
                "  won:                1 deal, 0.00 (1 with an amount not summed)",
                "  lost:              2 deals, 0.00 (1 without an amount, 1 with an amount not summed)",
            ],
            {"A": "amount: '1.2M' is not an amount", "D": "amount: '12k' is not an amount"},
        ),
        (  # a close date it cannot read still leaves the closed deal unread, its amount named too
            "A,Closed Lost,1.2M,someday,\nC,qualifying,5000,,\n",
            ["Deals read: 2", "Deals not assessed: 1"],
            {"A": "amount: '1.2M' is not an amount"},
        ),
    ],
)
def test_a_closed_deals_outcome_does_not_depend_on_its_amount(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, rows: str, lines: list[str], not_assessed: dict[str, str]
) -> None:
    source = tmp_path / "export.csv"
    source.write_text("deal,stage,amount,close_date,pain-confirmed\n" + rows, encoding="utf-8")
    python, duckdb = both_engines(capsys, source, tmp_path)
    assert_same_outputs(python, duckdb)
    assert python.status == 0  # the closed deals are read: the audit is no "more than half not assessed"
    assert all(line in python.out.splitlines() for line in lines), python.out
    for row in python.rows():
        assert row["not_assessed"].startswith(not_assessed.get(row["deal"], "")), row
        assert bool(row["not_assessed"]) is (row["deal"] in not_assessed), row
        if row["deal"] in not_assessed and "close_date" not in row["not_assessed"]:
            assert (row["outcome"], row["amount"]) == ({"A": "lost", "D": "won"}[row["deal"]], ""), row


AMOUNT_FIX = "write it like 120000, 120,000.50, $120,000 or 120000 EUR"
IN_EUR = (
    "amount: in EUR, but the file's amounts are in USD; an audit sums one currency, so convert it, or audit each "
    "currency separately (filter the export on its currency, one file each)"
)


@pytest.mark.parametrize(
    ("rows", "args", "summary", "report"),
    [
        (  # a blank amount is a deal without one: no line to name
            "A,Closed Won,,2027-01-10\n",
            (),
            ["  won:                1 deal, 0.00 (1 without an amount)"],
            [],
        ),
        (  # the user's example: a won deal at 12k is named with its line and why, as a row not assessed is
            "A,Closed Won,5000,2027-01-10\nB,Closed Won,12k,2027-01-11\n",
            (),
            [
                "  won:               2 deals, 5,000.00 (1 with an amount not summed)",
                f"    line 4: amount: '12k' is not an amount; {AMOUNT_FIX}",
            ],
            [f"won, line 4: amount: '12k' is not an amount; {AMOUNT_FIX}"],
        ),
        (  # blank and unread apart; one reason said once, at its first line, the others named
            "A,Closed Lost,,2027-01-10\nB,Closed Lost,12k,2027-01-11\nC,Closed Lost,12k,2027-01-12\n"
            "D,Closed Lost,1.2M,2027-01-13\nE,Closed Won,12k,2027-01-14\n",
            (),
            [
                "  won:                1 deal, 0.00 (1 with an amount not summed)",
                f"    line 7: amount: '12k' is not an amount; {AMOUNT_FIX}",
                "  lost:              4 deals, 0.00 (1 without an amount, 3 with an amount not summed)",
                f"    line 4: amount: '12k' is not an amount; {AMOUNT_FIX} (also on line 5)",
                f"    line 6: amount: '1.2M' is not an amount; {AMOUNT_FIX}",
            ],
            [
                f"won, line 7: amount: '12k' is not an amount; {AMOUNT_FIX}",
                f"lost, line 4: amount: '12k' is not an amount; {AMOUNT_FIX} (also on line 5)",
                f"lost, line 6: amount: '1.2M' is not an amount; {AMOUNT_FIX}",
            ],
        ),
        (  # a won deal in another currency than the file's has an amount, not summed: said as an open one's is
            "A,Closed Won,USD 5000,2027-01-10\nB,Closed Won,EUR 80750,2027-01-11\n",
            (),
            [
                "  won:               2 deals, 5,000.00 (1 with an amount not summed)",
                f"    line 4: {IN_EUR}",
            ],
            [f"won, line 4: {IN_EUR}"],
        ),
        (  # beyond the 200 listed, the deals of a reason listed are counted with it, as rows not assessed are
            "".join(f"D{n},Closed Lost,12k,2027-01-10\n" for n in range(205)),
            (),
            [
                "  lost:            205 deals, 0.00 (205 with an amount not summed)",
                f"    line 3: amount: '12k' is not an amount; {AMOUNT_FIX} (also on lines 4, 5, 6, 7, 8 and 199 more)",
            ],
            [f"lost, line 3: amount: '12k' is not an amount; {AMOUNT_FIX} (also on lines 4, 5, 6, 7, 8 and 199 more)"],
        ),
        (  # 20 reasons at the most on screen, as for rows not assessed; the others counted
            "".join(f"D{n},Closed Won,{n}k,2027-01-10\n" for n in range(1, 22)),
            (),
            [
                "  won:              21 deals, 0.00 (21 with an amount not summed)",
                *(f"    line {n + 2}: amount: '{n}k' is not an amount; {AMOUNT_FIX}" for n in range(1, 21)),
                "    ... and 1 more deal with an amount not summed for other reasons: see the not_assessed column of "
                "audit.csv",
            ],
            [f"won, line 3: amount: '1k' is not an amount; {AMOUNT_FIX}"],
        ),
        (  # outside the period, a deal is counted apart: its amount is in no total, so not named either
            "A,Closed Won,5000,2027-01-10\nB,Closed Won,12k,2026-01-11\n",
            ("--from", "2027-01-01"),
            ["  won:                1 deal, 5,000.00"],
            [],
        ),
    ],
)
def test_a_closed_deals_amount_not_summed_is_named_with_its_line(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    rows: str,
    args: tuple[str, ...],
    summary: list[str],
    report: list[str],
) -> None:
    """A closed deal whose amount cell is blank is "without an amount"; one whose cell holds an amount that cannot be
    read, or is in another currency, is counted apart and named, its line and why, in the summary and report.html."""
    source = tmp_path / "export.csv"
    source.write_text(
        "deal,stage,amount,close_date,pain-confirmed\nZ,Qualifying,USD 1000,,\n"
        + "".join(f"{row},\n" for row in rows.splitlines()),  # pain-confirmed blank
        encoding="utf-8",
    )
    python, duckdb = both_engines(capsys, source, tmp_path, *args)
    assert_same_outputs(python, duckdb)
    for run in (python, duckdb):
        lines = run.out.splitlines()
        closed = lines.index(next(line for line in lines if line.startswith("Closed deals")))
        said = lines[closed + 1 : closed + 1 + len(summary)]
        assert said == summary, run.out
        assert not lines[closed + 1 + len(summary)].startswith("    "), run.out  # nothing more named
        html = run.html()
        assert ('id="not-summed"' in html) is bool(report)
        for item in report:
            assert f"<li>{escape(item)}</li>" in html, html


@pytest.mark.parametrize(
    ("with_amount", "without", "not_assessed", "said"),
    [
        (11, 0, 0, "the amounts of 11 open deals in EUR"),
        (1, 0, 0, "the amount of 1 open deal in EUR"),
        (11, 1, 0, "the amounts of 11 open deals in EUR; 1 more open deal has no amount"),
        (1, 2, 0, "the amount of 1 open deal in EUR; 2 more open deals have no amount"),
        (0, 1, 0, "the 1 open deal has no amount"),
        (0, 2, 0, "none of the 2 open deals has an amount"),
        (0, 0, 0, "no deal is open"),
        (0, 0, 1, "no deal is open; the row not assessed is not counted"),
        (2, 0, 3, "the amounts of 2 open deals in EUR; the 3 rows not assessed are not counted"),
    ],
)
def test_what_the_open_pipeline_adds_is_said_truly_of_none_one_or_many(
    with_amount: int, without: int, not_assessed: int, said: str
) -> None:
    """/pipeline as of a past day with 0 open deals said "adds the amounts of the 0 open deals with one": the words
    name what is added, and say plainly when nothing is."""
    totals = Totals(load_process(ROOT / "process.yaml").process)
    totals.assessed, totals.without_amount, totals.not_assessed = with_amount + without, without, not_assessed
    assert open_deals_summed(totals, " in EUR", "row") == said
