"""A board exported group by group (monday.com's) writes each group's sums under its rows: that summary row is no
deal, so both engines and the SQL of the export's seed leave it out and say how many; a row that may be a deal
without a name stays one."""

from __future__ import annotations

import csv
import html
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from playbook_cli.main import main
from tests.audit.board_export import (
    DEALS,
    GROUPS,
    LOST,
    OPEN_PIPELINE,
    SKIPPED,
    SUMMARY_LINES,
    WON,
    Row,
    board_rows,
    summary_row,
    write_csv,
)
from tests.audit.helpers import ROOT
from tests.audit.test_duckdb_engine import AS_OF, assert_same_outputs, both_engines
from tests.audit.test_footer_and_empty import write_workbook

BLANK_DEAL = "the deal cell is blank; name the deal"


@pytest.mark.parametrize(
    ("write", "titled"),
    [
        pytest.param(lambda path: write_csv(path.with_suffix(".csv"), board_rows()), True, id="csv"),
        pytest.param(lambda path: write_workbook(path.with_suffix(".xlsx"), board_rows()), True, id="xlsx"),
        # Without the board's title, every line as wide as the header: DuckDB reads it up to the header again.
        pytest.param(
            lambda path: write_csv(path.with_suffix(".csv"), board_rows(title=False), as_wide_as_the_header=True),
            False,
            id="csv-as-wide-as-the-header",
        ),
    ],
)
def test_each_groups_summary_row_is_left_out_and_said_on_both_engines(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, write: Callable[[Path], Path], titled: bool
) -> None:
    """Read as deals, the three summary rows were three rows without a name (a RevOps review): now no deal, no
    amount, and the summary and the report say how many were left out; the totals are the deals' alone."""
    python, duckdb_run = both_engines(capsys, write(tmp_path / "board"), tmp_path)
    assert_same_outputs(python, duckdb_run)
    assert python.status == 0
    assert f"Deals read: {DEALS} (5 closed, 14 open)\nDeals assessed: 14\nDeals not assessed: 0\n" in python.out
    assert f"Open pipeline, unweighted: {OPEN_PIPELINE}, the amounts of 14 open deals\n" in python.out
    assert f"  won:               3 deals, {WON}\n  lost:              2 deals, {LOST}\n" in python.out
    assert SKIPPED.format(3) in python.out.splitlines()
    assert "Groups read: 3, one after another" in python.out and "Blank rows skipped: 2" in python.out
    lines = [int(row["line"]) for row in python.rows()]
    summaries = SUMMARY_LINES if titled else tuple(line - 1 for line in SUMMARY_LINES)
    assert len(lines) == DEALS and not set(summaries) & set(lines)
    report = "3 group summary rows (each group's sums under its rows) were skipped, their amounts not counted."
    assert report in html.unescape(python.html())


def _problems(out: str) -> list[str]:
    return [line.strip() for line in out.splitlines() if line.startswith("  line ")]


def _without_a_name(groups: dict[str, list[Row]]) -> dict[str, list[Row]]:
    """Zeta's name left blank: a deal at a stage, whose amount the group's sum holds."""
    first = [list(item) for item in groups["Active Deals"]]
    first[-1][0] = ""
    return {**groups, "Active Deals": first}


def _under_a_deal(groups: dict[str, list[Row]]) -> dict[str, list[Row]]:
    """A row of Acme's amount alone (the group's sum so far) after Acme, a deal after it."""
    first = groups["Active Deals"]
    return {**groups, "Active Deals": [first[0], summary_row(first[:1]), *first[1:]]}


def _another_sum(rows: list[Row]) -> list[Row]:
    """The first group's summary row sums to 106,000, not its amounts' 107,000."""
    return [[*row[:3], 106000, *row[4:]] if row == summary_row(GROUPS["Active Deals"]) else row for row in rows]


@pytest.mark.parametrize(
    ("rows", "problems", "skipped"),
    [
        pytest.param(board_rows(_without_a_name(GROUPS)), [f"line 9: {BLANK_DEAL}"], 3, id="a-deal-without-a-name"),
        pytest.param(board_rows(_under_a_deal(GROUPS)), [f"line 5: {BLANK_DEAL}"], 3, id="a-sum-with-a-deal-after-it"),
        pytest.param(_another_sum(board_rows()), [f"line 10: {BLANK_DEAL}"], 2, id="not-the-groups-sum"),
        # One group, its header first (DuckDB reads it all): not read as groups (a spreadsheet's total row has its words).
        pytest.param(board_rows(title=False)[1:9], [f"line 8: {BLANK_DEAL}"], 0, id="one-group-only"),
    ],
)
def test_a_row_that_may_be_a_deal_without_a_name_stays_a_row_problem(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, rows: list[Row], problems: list[str], skipped: int
) -> None:
    """A summary row is left out only where it cannot be a deal: the name, owner, stage and milestones blank, the
    amount the sum of the group's above it, and the group ending at it in a file read as groups."""
    python, duckdb_run = both_engines(capsys, write_csv(tmp_path / "board.csv", rows), tmp_path)
    assert_same_outputs(python, duckdb_run)
    assert _problems(python.out) == problems
    assert (SKIPPED.format(skipped) in python.out.splitlines()) == bool(skipped)
    assert ("Group summary rows" in python.out) == bool(skipped)


def test_the_sql_of_the_boards_seed_gives_the_audits_rows_and_totals(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`playbook dbt --seed` writes the deals the audit reads, without the summary rows, and the statement of
    `playbook sql --columns-from` over that table gives audit.csv's verdicts row by row and the same totals."""
    source = write_csv(tmp_path / "board.csv", board_rows())
    as_of = ["--as-of", AS_OF.isoformat()]
    project, process = tmp_path / "project", str(ROOT / "process.yaml")
    assert (
        main(["dbt", "--process", process, "--out", str(project), "--dialect", "duckdb", *as_of, "--seed", str(source)])
        == 0
    )
    assert main(["sql", "--process", process, "--dialect", "duckdb", *as_of, "--columns-from", str(source)]) == 0
    statement = capsys.readouterr().out.rstrip().removesuffix(";")
    python, _ = both_engines(capsys, source, tmp_path)
    compared = ("deal", "claimed_stage_id", "verified_stage_id", "amount", "outcome")
    with duckdb.connect() as connection:
        seed = str(project / "seeds" / "deals.csv")
        connection.execute(f"CREATE TABLE deals AS SELECT * FROM read_csv('{seed}', all_varchar = true)")
        verdicts = connection.execute(f"SELECT {', '.join(compared)} FROM ({statement})").fetchall()
        open_amounts = connection.execute(f"SELECT sum(amount) FROM ({statement}) WHERE outcome = 'open'").fetchone()
    audited = [tuple(row[column] for column in compared) for row in python.rows()]
    assert [
        tuple(
            "" if value is None else f"{value:.2f}" if column == "amount" else str(value)
            for column, value in zip(compared, row, strict=True)
        )
        for row in verdicts
    ] == audited
    assert open_amounts is not None and f"{open_amounts[0]:,.2f}" == OPEN_PIPELINE
    with (project / "seeds" / "deals.csv").open(encoding="utf-8", newline="") as handle:
        assert len(list(csv.reader(handle))) == DEALS + 1
