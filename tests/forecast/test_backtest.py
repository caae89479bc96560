"""`playbook backtest EXPORT --history`: the definitions of issue 21, checked against a plain computation."""

from __future__ import annotations

import csv
import datetime as dt
import html
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from forecast.backtest import (
    Backtest,
    Basis,
    DealSnapshot,
    SnapshotForecast,
    StageRate,
    backtest_json,
    run_backtest,
)
from forecast.export_source import history_columns
from forecast.history import AnswersSince, ClaimedSince, DealHistory, FileOrderDay
from forecast.report import accuracy_section, brier_verdict, file_order_text, render_html, summary
from forecast.snapshots import Every, snapshot_dates
from playbook_cli.main import main
from sales_process.deal import Answer
from sales_process.loader import load_process
from sales_process.model import CrmHistory
from sales_process.outcome import Outcome
from sales_process.problems import InvalidFile
from tests.conftest import ROOT
from tests.forecast.expected import MONTH_ENDS, assert_same, expected_backtest
from tests.forecast.made_history import PROCESS, made_deals, write_export, write_history

SPAN = ["--from", "2025-01-01", "--to", "2025-12-31", "--every", "month"]


def _files(tmp_path: Path) -> tuple[Path, Path]:
    deals = made_deals()
    export, history = tmp_path / "closed.csv", tmp_path / "history.csv"
    write_export(deals, export)
    write_history(deals, history)
    return export, history


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["backtest", *args, "--process", str(PROCESS)])
    out, err = capsys.readouterr()
    return status, out, err


def test_the_json_gives_the_win_rates_intervals_and_brier_scores_of_the_definitions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export, history = _files(tmp_path)
    status, out, err = _run(capsys, str(export), "--history", str(history), *SPAN, "--json")
    assert status == 0, err
    got: dict[str, Any] = json.loads(out)
    want = expected_backtest(made_deals(), MONTH_ENDS)
    assert_same(got, want)
    # The history is made so that the test means something: deals at several stages each, reps claiming ahead of
    # their evidence (the claimed stages sit higher on average), undated answers and deals not yet claimed.
    assert sum(stage["n"] for stage in got["verified"]["stages"]) > 100
    assert _mean_index(got["claimed"]) > _mean_index(got["verified"]) + 0.3
    assert got["left_out"]["undated_answers"] > 0 and got["left_out"]["no_claimed_stage"] > 0
    assert any(stage["n"] >= 20 for stage in got["verified"]["stages"])
    assert any(0 < stage["n"] < 20 for stage in got["claimed"]["stages"])


def _mean_index(basis: dict[str, Any]) -> float:
    counts: list[int] = [stage["n"] for stage in basis["stages"]]
    return sum(index * n for index, n in enumerate(counts)) / sum(counts)


def test_the_summary_the_csv_and_the_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export, history = _files(tmp_path)
    out_dir = tmp_path / "out"
    status, out, err = _run(capsys, str(export), "--history", str(history), *SPAN, "--out", str(out_dir))
    assert status == 0, err
    assert out.startswith(
        "backtest: 60 closed deals, 56 of them in one or more of 12 snapshots (2025-01-31 to 2025-12-31)"
    )
    assert "too few deals to tell (n=" in out and "Brier score (lower is better): claimed 0." in out
    assert "left out: " in out and f"Wrote {out_dir / 'backtest.csv'} and {out_dir / 'backtest.html'}" in out
    with (out_dir / "backtest.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    want = expected_backtest(made_deals(), MONTH_ENDS)
    # A stage's n counts its deals, each once however many snapshots held it there (backtest.csv's rows).
    assert (
        len(rows)
        > len({(row["crm_id"], row["claimed_stage"]) for row in rows})
        == sum(stage["n"] for stage in want["claimed"]["stages"])
    )
    assert list(rows[0]) == ["snapshot", "deal", "crm_id", "claimed_stage", "verified_stage", "outcome", "amount"]
    # The deal by its name, as audit.csv gives it; its CRM id (the key the history joins on) in its own column.
    names = {deal.crm_id: deal.name for deal in made_deals()}
    assert all(row["deal"] == names[row["crm_id"]] for row in rows) and rows[0]["deal"] != rows[0]["crm_id"]
    assert {row["outcome"] for row in rows} == {"won", "lost"}
    page = (out_dir / "backtest.html").read_text(encoding="utf-8")
    assert "<script" not in page
    assert 'id="calibration-claimed"' in page and 'id="calibration-verified"' in page
    assert page.index('id="calibration-claimed"') < page.index('id="calibration-verified"') < page.index('class="rates')
    assert page.count("<svg") == 3 and 'id="forecast-chart"' in page


def test_formulas_in_deal_names_are_neutralised_in_the_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export, history = _files(tmp_path)
    export.write_text(export.read_text(encoding="utf-8").replace(",D001,", ",=HYPERLINK(1),"), encoding="utf-8")
    history.write_text(history.read_text(encoding="utf-8").replace("D001,", '"=HYPERLINK(1)",'), encoding="utf-8")
    status, _, err = _run(capsys, str(export), "--history", str(history), *SPAN, "--out", str(tmp_path / "out"))
    assert status == 0, err
    text = (tmp_path / "out" / "backtest.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK(1)" in text and ",=HYPERLINK" not in text


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (["EXPORT"], 1, ":1: error: the export has no stage history: give its history file with --history HISTORY.csv"),
        (["--history", "HISTORY"], 2, "--history goes with an export"),
        (
            ["EXPORT", "--history", "HISTORY", "--from", "2025-12-01", "--to", "2025-01-01"],
            2,
            "--from 2025-12-01 is after --to 2025-01-01; swap them",
        ),
        # A --from after the day the backtest is as of, with no --to: that day is the reason, not a --to never given.
        (
            ["EXPORT", "--history", "HISTORY", "--as-of", "2099-01-01", "--from", "2099-06-01"],
            2,
            "--from 2099-06-01 is after 2099-01-01, the day the backtest is as of",
        ),
        (
            ["EXPORT", "--history", "HISTORY", "--as-of", "2025-06-15", "--from", "2025-07-01"],
            2,
            "--from 2025-07-01 is after 2025-06-15, the day the backtest is as of",
        ),
        # Before that day but after the latest close, where the snapshots end without a --to.
        (
            ["EXPORT", "--history", "HISTORY", "--as-of", "2099-01-01", "--from", "2098-06-01"],
            2,
            "--from 2098-06-01 is after the latest close date, ",
        ),
        (
            ["EXPORT", "--history", "HISTORY", "--from", "2025-03-02", "--to", "2025-03-20"],
            2,
            "no month ends between 2025-03-02 and 2025-03-20",
        ),
        (["EXPORT", "--history", "HISTORY", "--from", "01/02/2025"], 2, "is not a date"),
        (
            ["EXPORT", "--history-month-first"],
            2,
            "--history-month-first reads the dates of a history file: give it with --history HISTORY.csv (an "
            "export's own \"Date entered\" columns are read in the export's order: --day-first or --month-first)",
        ),
    ],
)
def test_option_mistakes_are_told_plainly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], status: int, message: str
) -> None:
    export, history = _files(tmp_path)
    given = [str(export) if arg == "EXPORT" else str(history) if arg == "HISTORY" else arg for arg in args]
    got, _, err = _run(capsys, *given)
    assert got == status and message in err, err
    assert "Traceback" not in err
    assert "--to" in args or "swap them" not in err, err


@pytest.mark.parametrize(
    ("history", "message"),
    [
        ("deal,stage\nD001,Discovery\n", "the history has no column for date ('date' or 'Last Modified'"),
        ("deal,stage,date\nD001,Shopping,2025-02-01\n", "history.csv:2: error: stage 'Shopping'"),
        ("deal,stage,date\nD001,Discovery,soon\n", "history.csv:2: error: date: 'soon' is not a date"),
        (
            "deal,stage,date\nD001,Discovery,03/04/2025\n",
            "history.csv:2: error: date: '03/04/2025' is ambiguous (day or month first?); write it as YYYY-MM-DD, "
            "e.g. 2027-03-01; or pass --history-day-first or --history-month-first if every date in the history is "
            "written so",
        ),
        ("deal,stage,date\n,Discovery,2025-02-01\n", "history.csv:2: error: the deal cell is blank"),
        ("deal,stage,date\n", "the history has no rows after its header"),
        # An empty history names the history's columns, not an export's (deal, stage, amount, owner, milestones).
        (
            "",
            "history.csv:1: error: the file is empty or starts with a blank line; the first row must be the header "
            "(deal, stage and date: the deal's id, the stage it moved to, and when)",
        ),
    ],
)
def test_a_bad_history_is_refused_with_the_row_at_fault(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], history: str, message: str
) -> None:
    export, _ = _files(tmp_path)
    bad = tmp_path / "history.csv"
    bad.write_text(history, encoding="utf-8")
    status, _, err = _run(capsys, str(export), "--history", str(bad), *SPAN)
    assert status == 1 and message in err, err


def test_a_history_written_day_first_is_read_in_its_own_order_beside_a_month_first_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--month-first reads both files; a history of another order is read with --history-day-first, which the
    error names."""
    export, history = _files(tmp_path)
    expected = _run(capsys, str(export), "--history", str(history), *SPAN, "--json")
    assert expected[0] == 0, expected[2]
    day_first = re.sub(r"(\d{4})-(\d\d)-(\d\d)", r"\3/\2/\1", history.read_text(encoding="utf-8"))
    history.write_text(day_first, encoding="utf-8")
    status, _, err = _run(capsys, str(export), "--history", str(history), *SPAN, "--month-first")
    assert status == 1 and "; if the history writes its dates day first, pass --history-day-first instead" in err, err
    both = ("--month-first", "--history-day-first")
    assert _run(capsys, str(export), "--history", str(history), *SPAN, *both, "--json") == expected


def test_an_export_without_close_dates_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export, history = _files(tmp_path)
    export.write_text(export.read_text(encoding="utf-8").replace("close_date", "expected"), encoding="utf-8")
    status, _, err = _run(capsys, str(export), "--history", str(history), *SPAN, "--ignore-column", "expected")
    assert status == 1 and "the export has no close date column" in err, err
    # It says which names it looked for, Pipedrive's Won time and Lost time among them, and how to map another.
    assert "'Close Date'" in err and "'Deal - Won time'" in err and "'Deal - Lost time'" in err, err
    assert '--column "NAME=close_date"' in err, err


def test_a_lost_row_without_a_close_date_names_the_lost_date_column_to_map(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With a won date mapped as the close date and no lost date, a lost row's blank close date may be in a column
    of its own (Pipedrive's Lost time, named otherwise): the error says to map it as lost_date."""
    export, history = _files(tmp_path)
    with export.open(encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle))
    at, status_at = table[0].index("close_date"), table[0].index("status")
    table[0][at] = "Won on"
    for row in table[1:]:
        row[at] = "" if row[status_at] == "Lost" else row[at]
    with export.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(table)
    status, _, err = _run(capsys, str(export), "--history", str(history), *SPAN, "--column", "Won on=close_date")
    assert status == 1
    assert (
        "the deal is lost but its close date is blank; fill it in the CRM, or, if the export has the day it was lost "
        'in a column of its own (Pipedrive\'s Deal - Lost time), map it with --column "NAME=lost_date"'
    ) in err, err


@pytest.mark.parametrize(
    ("won", "lost", "mapped"),
    [
        ("date_won", "date_lost", ["--column", "date_won=close_date", "--column", "date_lost=lost_date"]),
        ("date_won", "date_lost", []),  # Close's standard names
        ("Deal - Won time", "Deal - Lost time", []),  # Pipedrive's
    ],
)
def test_lost_deals_dated_in_a_column_of_their_own_give_the_same_backtest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], won: str, lost: str, mapped: list[str]
) -> None:
    """Close keeps the day a deal was won (date_won) and the day one was lost (date_lost) in two columns, Pipedrive
    its Won time and Lost time: read as close_date and lost_date, they date every outcome as one close date column
    does."""
    export, history = _files(tmp_path)
    with export.open(encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle))
    at = table[0].index("close_date")
    table[0][at : at + 1] = [won, lost]
    for row in table[1:]:
        is_won = row[table[0].index("status")] != "Lost"
        row[at : at + 1] = [row[at], ""] if is_won else ["", row[at]]
    apart = tmp_path / "close.csv"
    with apart.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(table)
    status, one_column, err = _run(capsys, str(export), "--history", str(history), *SPAN, "--json")
    assert status == 0, err
    status, two_columns, err = _run(capsys, str(apart), "--history", str(history), *SPAN, "--json", *mapped)
    assert status == 0, err
    assert json.loads(two_columns) == json.loads(one_column)
    assert sum(stage["n"] for stage in json.loads(two_columns)["verified"]["stages"]) > 100


def test_the_historys_closing_closes_a_deal_dated_later_in_the_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An export whose close date is the day the CRM expected (Bitrix24's, weeks after the deal was lost): the
    history's closing row closes the deal from its date on, so no snapshot after it holds the deal."""
    export, history = _files(tmp_path)
    expected = _run(capsys, str(export), "--history", str(history), *SPAN, "--json")
    assert expected[0] == 0, expected[2]
    with export.open(encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle))
    at = table[0].index("close_date")
    for row in table[1:]:
        if row[at]:
            row[at] = (dt.date.fromisoformat(row[at]) + dt.timedelta(days=90)).isoformat()
    with export.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(table)
    assert _run(capsys, str(export), "--history", str(history), *SPAN, "--json") == expected
    rows = _run(capsys, str(export), "--history", str(history), *SPAN, "--out", str(tmp_path / "closed"))[1]
    # Without the closing rows, the export's (later) close dates are all there is: the deals stay longer.
    history.write_text(
        "".join(line for line in history.read_text(encoding="utf-8").splitlines(True) if "Closed" not in line),
        encoding="utf-8",
    )
    later = _run(capsys, str(export), "--history", str(history), *SPAN, "--out", str(tmp_path / "later"))[1]
    snapshots = [int(re.findall(r"(\d+) deal-snapshots", out)[0]) for out in (rows, later)]
    assert snapshots[1] > snapshots[0], snapshots


def test_the_csv_writes_each_amount_to_the_cent_as_audit_csv_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """backtest.csv wrote amounts with six significant digits (25000.75 as 25000.8, 1234567.89 as 1.23457e+06): a
    spreadsheet summing it got wrong totals. It writes them to the cent, as audit.csv does (vocabulary.plain_cents)."""
    export, history = _files(tmp_path)
    with export.open(encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle))
    amounts = {"D001": "25000.75", "D002": "150000.75", "D003": "1234567.89", "D004": "1,015"}
    for row in table[1:]:
        row[3] = amounts.get(row[1], row[3])
    with export.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(table)
    status, _, err = _run(capsys, str(export), "--history", str(history), *SPAN, "--out", str(tmp_path / "out"))
    assert status == 0, err
    with (tmp_path / "out" / "backtest.csv").open(encoding="utf-8", newline="") as handle:
        written = {row["crm_id"]: row["amount"] for row in csv.DictReader(handle)}
    assert {key: written[key] for key in amounts if key in written} == {
        "D001": "25000.75",
        "D002": "150000.75",
        "D003": "1234567.89",
        "D004": "1015.00",
    }
    assert written.keys() >= {"D001", "D002", "D003"} and written["D005"].endswith(".00")


def test_amounts_in_another_currency_are_left_out_of_the_sums_as_the_audit_leaves_them_and_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """35 EUR deals in a USD export added 630,500 EUR to one snapshot's USD forecast, with no word and no currency
    named. The audit refuses to sum them ("in EUR, but the file's amounts are in USD"): so does the backtest, read
    by the same RowReader; the deals still count in the win rates, and the summary, --json and the page say how many
    and in which currency, and the page names the currency of its amounts."""
    export, history = _files(tmp_path)
    expected = _run(capsys, str(export), "--history", str(history), *SPAN, "--json")
    assert expected[0] == 0, expected[2]
    with export.open(encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle))
    table[0].insert(4, "currency")
    won = [row[1] for row in table[1:] if row[4] == "Won"][-3:]  # the file's first amount names USD: its currency
    for row in table[1:]:
        row.insert(4, "EUR" if row[1] in won else "USD")
    with export.open("w", encoding="utf-8", newline="") as written:
        csv.writer(written).writerows(table)
    status, out, err = _run(capsys, str(export), "--history", str(history), *SPAN, "--json")
    assert status == 0, err
    got, before = json.loads(out), json.loads(expected[1])
    assert (got["currency"], got["left_out"]["other_currency"]) == ("USD", {"EUR": 3})
    assert got["claimed"] == before["claimed"] and got["verified"] == before["verified"]  # the win rates as before
    status, out, err = _run(capsys, str(export), "--history", str(history), *SPAN, "--out", str(tmp_path / "out"))
    assert status == 0, err
    said = (
        "Amounts are in USD: the forecast and the won amounts leave out the amounts in EUR of 3 closed deals (an "
        "audit sums one currency); those deals still count in the win rates and the Brier scores."
    )
    assert said in out, out
    page = (tmp_path / "out" / "backtest.html").read_text(encoding="utf-8")
    assert html.escape(said, quote=False) in page and ">Claimed forecast (USD)<" in page and ">Won (USD)<" in page
    with (tmp_path / "out" / "backtest.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["amount"] for row in rows if row["crm_id"] in won} == {""}  # as audit.csv leaves it blank
    # The won amount of each snapshot is that of the USD deals alone.
    won_usd = {
        day: sum(
            float(row["amount"]) for row in rows if row["snapshot"] == day and row["outcome"] == "won" and row["amount"]
        )
        for day in {row["snapshot"] for row in rows}
    }
    table_cells = re.findall(r'data-label="Won">([^<]*)<', page)
    assert [float(cell.replace(",", "")) for cell in table_cells] == [
        won_usd.get(day.isoformat(), 0) for day in MONTH_ENDS
    ]


def test_open_rows_are_left_out_unread_and_closed_rows_amounts_read_as_the_audit_reads_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Open rows never count, so what their cells hold (a stage the process does not know, `12k`) refuses nothing;
    a won deal whose amount is a value per period is counted without an amount, as the audit counts it."""
    export, history = _files(tmp_path)
    expected = _run(capsys, str(export), "--history", str(history), *SPAN, "--json")
    assert expected[0] == 0, expected[2]
    with export.open(encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle))
    header = table[0]
    blank = [""] * (len(header) - 6)
    table += [
        ["Nurtured", "O3", "Nurture", "5000", "Open", "", *blank],
        ["Guessed", "O4", "Proposing", "12k", "Open", "", *blank],
        ["Dropped", "O5", "Nurture", "12k", "Disqualified", "2025-05-01", *blank],
    ]
    won = next(row for row in table[1:] if row[header.index("status")] == "Won")
    won[header.index("amount")] = "$125,000 monthly"
    with export.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(table)
    assert _run(capsys, str(export), "--history", str(history), *SPAN, "--json") == expected
    status, _, err = _run(capsys, str(export), "--history", str(history), *SPAN, "--out", str(tmp_path / "out"))
    assert status == 0, err
    with (tmp_path / "out" / "backtest.csv").open(encoding="utf-8", newline="") as handle:
        amounts = {row["amount"] for row in csv.DictReader(handle) if row["crm_id"] == won[1]}
    assert amounts == {""}
    # A closed row's own cells are still read: a won deal at a date that is no date is refused at its line.
    won[header.index("close_date")] = "2025-02-30"
    with export.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(table)
    status, _, err = _run(capsys, str(export), "--history", str(history), *SPAN)
    assert status == 1 and f"{export}:{table.index(won) + 1}: error: " in err, err
    assert "close_date: '2025-02-30' is not a real calendar date" in err, err


# Two deals won at a misspelt stage and one lost (a user's report): with no status column, the stage is the outcome.
MISSPELT_WON = (
    "deal,crm_id,stage,amount,close_date,pain-confirmed,pain-confirmed.evidence,pain-confirmed.date\n"
    "A,1,Closed Wonn,1000,2026-06-20,yes,Reply from the CFO to the recap,2026-05-02\n"
    "B,2,Closed Wonn,1000,2026-06-21,yes,Reply from the CFO to the recap,2026-05-02\n"
    "C,3,Closed Lost,1000,2026-06-22,no,,\n"
)
MISSPELT_HISTORY = "deal,stage,date\n" + "".join(
    f"{deal},Discovery,2026-04-01\n{deal},{closing},2026-06-2{deal - 1}\n"
    for deal, closing in ((1, "Closed Won"), (2, "Closed Won"), (3, "Closed Lost"))
)


@pytest.mark.parametrize(
    ("export", "said"),
    [
        (
            MISSPELT_WON,
            "closed.csv:2: error: no status or flag of the row says whether the deal was won, lost or is still open, "
            "so its stage does, and the process does not know that stage: unknown stage 'Closed Wonn'; did you mean "
            "'Closed Won'? (stages: Discovery, Qualifying, Demonstrating, Proposing, Negotiating, Closed Won); map the "
            'CRM\'s stage names under crm.stage_names or with --stage-name "NAME=stage-id" (also on line 3)',
        ),
        # Closed by its IsClosed flag, but whether won or lost is its stage's to say.
        (
            MISSPELT_WON.replace("amount,", "amount,IsClosed,").replace(",1000,", ",1000,true,"),
            "closed.csv:2: error: no status or flag of the row says whether the deal was won, lost or is still open",
        ),
    ],
)
def test_a_row_whose_outcome_only_an_unknown_stage_tells_is_refused_not_left_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], export: str, said: str
) -> None:
    """Left out as open, the two won deals would leave one lost deal: every win rate 0%, without a word."""
    closed, history = tmp_path / "closed.csv", tmp_path / "history.csv"
    closed.write_text(export, encoding="utf-8")
    history.write_text(MISSPELT_HISTORY, encoding="utf-8")
    args = ["backtest", str(closed), "--history", str(history), "--process", str(ROOT / "process.yaml")]
    assert main([*args, "--json"]) == 1
    err = capsys.readouterr().err
    assert f"{tmp_path}/{said}" in err and err.endswith("1 error found.\n"), err
    # Mapped as the message says, the two won deals count; a stage whose own words say disqualified tells the
    # outcome, unknown as it is: that deal is left out unread (its date that is none too), as every disqualified one is.
    duplicate = export.splitlines()[-1].replace("C,3,Closed Lost,", "D,4,Duplicate,").replace("06-22", "02-30")
    closed.write_text(f"{export}{duplicate}\n", encoding="utf-8")
    assert main([*args, "--json", "--stage-name", "Closed Wonn=closed-won"]) == 0
    discovery = json.loads(capsys.readouterr().out)["claimed"]["stages"][0]
    assert (discovery["stage"], discovery["n"], discovery["won"]) == ("discovery", 3, 2)


def test_a_lost_row_at_a_stage_the_process_does_not_know_is_read_as_lost_as_the_audit_reads_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Close's export: status_label 'Bad Fit' (no crm.lost_stages), status_type lost. Its status tells the outcome, so
    the audit counts it lost; the backtest refused it ('unknown stage 'Bad Fit'') reading its answers."""
    closed, history = tmp_path / "closed.csv", tmp_path / "history.csv"
    export = MISSPELT_WON.replace("amount,", "amount,status,").replace("Closed Wonn,1000,", "Closed Won,1000,won,")
    closed.write_text(export.replace("Closed Lost,1000,", "Bad Fit,1000,lost,"), encoding="utf-8")
    history.write_text(MISSPELT_HISTORY, encoding="utf-8")
    args = ["backtest", str(closed), "--history", str(history), "--process", str(ROOT / "process.yaml"), "--json"]
    assert main(args) == 0, capsys.readouterr().err
    discovery = json.loads(capsys.readouterr().out)["claimed"]["stages"][0]
    assert (discovery["stage"], discovery["n"], discovery["won"]) == ("discovery", 3, 2)


def _without_crm_ids(export: Path, history: Path) -> None:
    """The export without its id column, and the history naming each deal by its name, as the docs say of an export
    without ids (Freshsales' export, as an auditor downloaded it)."""
    with export.open(encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle))
    names = {row[1]: row[0] for row in table[1:]}
    with export.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(row[:1] + row[2:] for row in table)
    with history.open(encoding="utf-8", newline="") as handle:
        changes = list(csv.reader(handle))
    with history.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows([changes[0], *([names[row[0]], *row[1:]] for row in changes[1:])])


@pytest.mark.parametrize(
    ("by_name", "repeated"),
    [
        pytest.param(False, "1 CRM id is on more than one row ('{}'", id="a-crm-id"),
        pytest.param(
            True, "1 deal name of rows without a CRM id is on more than one row ('{}'", id="a-name-without-ids"
        ),
    ],
)
def test_a_deal_on_two_rows_of_the_export_is_read_once_with_the_audits_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], by_name: bool, repeated: str
) -> None:
    """A report joined with its products repeats a deal's row: the backtest says so as the audit does
    (pipeline_audit.repeated_ids), reads the deal from its first row, and counts its snapshots once, so the
    header's deals and deal-snapshots, the n of each stage and backtest.csv are those of the export without it.
    Without an id column the deal is its name (the history names it so): read twice, its snapshots were in
    backtest.csv and the Brier scores twice, in each stage's n once, without a word."""
    export, history = _files(tmp_path)
    if by_name:
        _without_crm_ids(export, history)
    expected = _run(capsys, str(export), "--history", str(history), *SPAN, "--out", str(tmp_path / "once"))
    assert expected[0] == 0, expected[2]
    with export.open(encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle))
    won = next(row for row in table[1:] if row[table[0].index("status")] == "Won")
    table.insert(table.index(won) + 1, list(won))
    with export.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(table)
    line = table.index(won) + 1
    status, said, err = _run(capsys, str(export), "--history", str(history), *SPAN, "--out", str(tmp_path / "twice"))
    assert (status, said.replace("twice", "once")) == (0, expected[1])
    assert (
        f"{export}: {repeated.format(won[int(not by_name)])} on lines {line} and {line + 1}), so each such deal "
        "is read once, from its first row (1 later row left out); a report that joins deals with their products or "
        "contacts repeats a deal on each line: export one row per deal"
    ) in err, err
    once, twice = ((tmp_path / name / "backtest.csv").read_text(encoding="utf-8") for name in ("once", "twice"))
    assert twice == once


def test_closings_named_in_a_crms_words_are_read_as_the_audit_reads_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export, history = _files(tmp_path)
    expected = _run(capsys, str(export), "--history", str(history), *SPAN, "--json")
    assert expected[0] == 0, expected[2]
    for path in (export, history):  # the sample dataset's words: 'Won' and 'Lost', no status column needed
        text = path.read_text(encoding="utf-8").replace("Closed won", "Won").replace("Closed Lost", "Lost")
        path.write_text(text, encoding="utf-8")
    assert _run(capsys, str(export), "--history", str(history), *SPAN, "--json") == expected


def test_a_problem_on_many_history_rows_is_told_once_with_its_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export, _ = _files(tmp_path)
    bad = tmp_path / "history.csv"
    rows = "".join(f"D{index:03},Shopping,2025-02-01\n" for index in range(1, 10))
    bad.write_text("deal,stage,date\n" + rows + "D010,Discovery,soon\n", encoding="utf-8")
    status, _, err = _run(capsys, str(export), "--history", str(bad), *SPAN)
    lines = err.splitlines()
    assert status == 1 and len(lines) == 3, err
    assert lines[0].startswith(f"{bad}:2: error: stage 'Shopping': unknown stage 'Shopping'")
    assert lines[0].endswith("(also on lines 3, 4, 5, 6, 7 and 3 more)")
    assert lines[1].startswith(f"{bad}:11: error: date: 'soon' is not a date")
    assert lines[2] == "2 errors found."


def test_dates_of_one_wrong_order_on_many_history_rows_are_told_once_not_row_by_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A US field-history report read without --history-month-first printed one 'ambiguous' error per row (100 of
    them, then '3253 errors found'): each quotes its own date, but the cause is one. Grouped by it, as a repeated
    problem is (sales_process.problems), each cause is told once at its first line with the others; the rows of
    other fields, left out anyway, are not among them."""
    export, _ = _files(tmp_path)
    bad = tmp_path / "history.csv"
    rows = "".join(
        f"D{index:03},StageName,Discovery,2/{index}/2025\nD{index:03},Amount,5000,2/{index}/2025\n"
        for index in range(1, 10)
    )
    late = "".join(f"D{index:03},StageName,Qualifying,2/{index}/2025\n" for index in range(13, 16))
    bad.write_text("OpportunityId,Field,NewValue,CreatedDate\n" + rows + late, encoding="utf-8")
    status, _, err = _run(capsys, str(export), "--history", str(bad), *SPAN)
    lines = err.splitlines()
    assert status == 1 and len(lines) == 3, err
    assert lines[0].startswith(f"{bad}:2: error: CreatedDate: '2/1/2025' is ambiguous (day or month first?)")
    assert lines[0].endswith("(also on lines 4, 6, 8, 10, 12 and 3 more)"), lines[0]
    assert lines[1].startswith(f"{bad}:20: error: CreatedDate: '2/13/2025' is written month first")
    assert lines[1].endswith("if every date in the history is written so (also on lines 21, 22)"), lines[1]
    assert lines[2] == "2 errors found."


def test_an_export_without_milestone_columns_is_refused_with_what_a_backtest_needs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, history = _files(tmp_path)
    export = tmp_path / "plain.csv"
    export.write_text("deal,stage,amount,status,close_date\nD001,Closed won,100,Won,2025-03-01\n", encoding="utf-8")
    status, _, err = _run(capsys, str(export), "--history", str(history), *SPAN)
    assert status == 1, err
    assert "a backtest measures the verified stage against the outcomes" in err
    assert "to measure the stages the CRM claimed alone, run the backtest with --no-evidence" in err
    assert _run(capsys, str(export), "--history", str(history), *SPAN, "--no-evidence")[0] == 0


def test_no_evidence_measures_the_claimed_stage_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export, history = _files(tmp_path)
    both = json.loads(_run(capsys, str(export), "--history", str(history), *SPAN, "--json")[1])
    status, out, _ = _run(capsys, str(export), "--history", str(history), *SPAN, "--json", "--no-evidence")
    claimed = json.loads(out)
    assert status == 0 and "verified" not in claimed
    assert claimed["claimed"] == both["claimed"]  # the same numbers: the evidence only adds the other basis
    # No answer is read, so none is left out for want of a date.
    assert both["left_out"]["undated_answers"] > 0 and claimed["left_out"]["undated_answers"] == 0
    folder = tmp_path / "out"
    status, out, _ = _run(capsys, str(export), "--history", str(history), *SPAN, "--no-evidence", "--out", str(folder))
    assert status == 0
    assert "With --no-evidence only the stages the CRM claimed are measured, and no evidence is read." in out
    assert "verified stage: win rate" not in out and "Brier score (lower is better): claimed " in out
    assert "undated answer" not in out
    assert "verified" not in out.split("Brier score (lower is better):")[1].splitlines()[0]
    with (folder / "backtest.csv").open(encoding="utf-8", newline="") as handle:
        assert {row["verified_stage"] for row in csv.DictReader(handle)} == {""}
    page = (folder / "backtest.html").read_text(encoding="utf-8")
    assert 'id="no-evidence"' in page and "Verified stage" not in page and "Claimed stage</th>" in page


def test_a_deals_segment_decides_which_milestones_gate_it_in_the_backtest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A milestone required of Enterprise deals alone does not hold back an SMB deal with the same answers,
    as in the audit: the backtest reads each deal's segment (here from the export's segment column)."""
    text = (ROOT / "process.yaml").read_text(encoding="utf-8")
    process = tmp_path / "process.yaml"
    process.write_text(
        text.replace(
            "      - id: budget-confirmed\n",
            "      - id: budget-confirmed\n        required_when: {segment: [Enterprise]}\n",
        ),
        encoding="utf-8",
    )
    answered = {
        "pain-confirmed": "2025-05-10",
        "next-meeting-accepted": "2025-05-25",
        "decision-maker-identified": "2025-05-12",
        "timeline-agreed": "2025-05-15",
    }
    columns = [f"{milestone}{part}" for milestone in answered for part in ("", ".evidence", ".date")]
    cells = [cell for day in answered.values() for cell in ("yes", "The customer's email", day)]
    header = ["deal", "crm_id", "stage", "amount", "segment", "close_date", *columns]
    rows = [
        ["Small one", "D1", "Closed Won", "10000", "SMB", "2025-06-20", *cells],
        ["Large one", "D2", "Closed Won", "10000", "Enterprise", "2025-06-20", *cells],
    ]
    export, history = tmp_path / "closed.csv", tmp_path / "history.csv"
    export.write_text("\n".join(",".join(row) for row in [header, *rows]) + "\n", encoding="utf-8")
    changes = [("qualifying", "2025-05-01"), ("demonstrating", "2025-05-20"), ("closed-won", "2025-06-20")]
    history.write_text(
        "deal,stage,date\n" + "".join(f"{deal},{stage},{day}\n" for deal in ("D1", "D2") for stage, day in changes),
        encoding="utf-8",
    )
    out_dir = tmp_path / "out"
    span = ["--from", "2025-05-01", "--to", "2025-05-31", "--every", "month"]
    status = main(
        ["backtest", str(export), "--history", str(history), *span, "--process", str(process), "--out", str(out_dir)]
    )
    _, err = capsys.readouterr()
    assert status == 0, err
    with (out_dir / "backtest.csv").open(encoding="utf-8", newline="") as handle:
        verified = {
            (row["deal"], row["crm_id"]): (row["claimed_stage"], row["verified_stage"])
            for row in csv.DictReader(handle)
        }
    assert verified == {
        ("Small one", "D1"): ("demonstrating", "demonstrating"),
        ("Large one", "D2"): ("demonstrating", "qualifying"),
    }


def test_the_brier_score_of_too_few_deals_says_so_beside_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    deals = made_deals(count=6)
    export, history = tmp_path / "closed.csv", tmp_path / "history.csv"
    write_export(deals, export)
    write_history(deals, history)
    status, out, err = _run(capsys, str(export), "--history", str(history), *SPAN, "--out", str(tmp_path / "out"))
    assert status == 0, err
    brier = next(line for line in out.splitlines() if line.startswith("Brier score"))
    caveat = "(too few deals to tell: every stage has fewer than 20)"
    assert brier.count(caveat) == 2 and brier.startswith("Brier score (lower is better): claimed 0."), brier
    page = (tmp_path / "out" / "backtest.html").read_text(encoding="utf-8")
    assert page.count(caveat) == 2
    # With enough deal-snapshots at a stage, the score stands alone.
    export, history = _files(tmp_path)
    _, out, _ = _run(capsys, str(export), "--history", str(history), *SPAN)
    brier = next(line for line in out.splitlines() if line.startswith("Brier score"))
    assert "too few" not in brier.split("verified")[1], brier


def test_a_few_deals_in_many_snapshots_are_too_few_to_tell(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Eight deals in weekly snapshots are dozens of deal-snapshots at a stage, but eight outcomes: each stage's n
    counts its deals, so no win rate is told, no interval drawn and no probability suggested."""
    deals = made_deals(count=8)
    export, history = tmp_path / "closed.csv", tmp_path / "history.csv"
    write_export(deals, export)
    write_history(deals, history)
    weekly = ["--from", "2025-01-01", "--to", "2025-12-31", "--every", "week"]
    status, out, err = _run(capsys, str(export), "--history", str(history), *weekly, "--out", str(tmp_path / "out"))
    assert status == 0, err
    with (tmp_path / "out" / "backtest.csv").open(encoding="utf-8", newline="") as handle:
        at_stage = Counter(row["verified_stage"] for row in csv.DictReader(handle))
    assert at_stage.most_common(1)[0][1] >= 20, at_stage  # enough deal-snapshots to have told before
    assert "  none: every stage has fewer than 20 verified deals" in out, out
    assert not re.search(r"\d+% \(\d+%–\d+%, n=", out) and "consider" not in out, out  # no interval told
    result = json.loads(_run(capsys, str(export), "--history", str(history), *weekly, "--json")[1])
    assert max(stage["n"] for basis in ("claimed", "verified") for stage in result[basis]["stages"]) <= 8


def test_snapshots_that_hold_no_deal_say_so_instead_of_drawing_empty_charts() -> None:
    loaded = load_process(ROOT / "process.yaml")
    result = run_backtest(loaded.process, [], snapshot_dates(dt.date(2026, 1, 1), dt.date(2026, 3, 1), Every.MONTH))
    section = str(accuracy_section(result))
    assert 'id="no-snapshots"' in section and "No closed deal was open at a snapshot date yet" in section
    assert "<svg" not in section and "Brier" not in section


@pytest.mark.parametrize(
    ("saved", "said", "pointed"),
    [
        (True, "no check recorded while they were open", "playbook backtest EXPORT --history HISTORY"),
        (False, "the history names no stage of the closed deals", "crm.history in process.yaml"),
    ],
)
def test_closed_deals_open_at_snapshots_without_a_claimed_stage_are_told_as_such(
    saved: bool, said: str, pointed: str
) -> None:
    """Deals open at every snapshot but with no claimed stage (saved closed by an import, with no check; or never
    named by the history) are not 'not open yet': both doors say why nothing is measured and what gives an answer."""
    loaded = load_process(ROOT / "process.yaml")
    unchecked = [DealHistory(f"D{number}", Outcome.WON, dt.date(2026, 6, 30), 1000.0, [], []) for number in range(3)]
    dates = snapshot_dates(dt.date(2026, 1, 1), dt.date(2026, 3, 1), Every.MONTH)
    result = run_backtest(loaded.process, unchecked, dates, saved=saved)
    for told in (summary(result), str(accuracy_section(result))):
        assert said in told and pointed in told, told
        assert "No closed deal was open" not in told
        assert "6 deal-snapshots with no claimed stage" in told, told


def test_deals_the_records_knew_only_closed_or_after_the_snapshots_are_not_missing_a_stage() -> None:
    """A deal saved after every snapshot date was not open at them; one saved already closed (an import) has no time
    open in the records: neither leaves deal-snapshots out "with no claimed stage", and the sentence says which."""
    loaded = load_process(ROOT / "process.yaml")
    dates = snapshot_dates(dt.date(2026, 1, 1), dt.date(2026, 3, 1), Every.MONTH)
    later = DealHistory("Later", Outcome.WON, dt.date(2026, 6, 30), 1000.0, [], [], opened_on=dt.date(2026, 4, 1))
    result = run_backtest(loaded.process, [later], dates, saved=True)
    assert (result.left_out.no_claimed_stage, result.left_out.saved_closed, result.left_out.saved_after) == (0, 0, 1)
    told = summary(result)
    assert "1 closed deal was saved after the last snapshot date (2026-02-28), so no snapshot saw it open" in told
    imported = [
        DealHistory(
            f"D{number}",
            Outcome.LOST,
            dt.date(2026, 6, 30),
            1000.0,
            [],
            [],
            opened_on=dt.date(2026, 7, 2),
            closed_by_import=True,
        )
        for number in range(3)
    ]
    result = run_backtest(loaded.process, imported, dates, saved=True)
    assert result.left_out.no_claimed_stage == 0 and result.left_out.saved_closed == 3
    for told in (summary(result), html.unescape(str(accuracy_section(result)))):
        assert "3 closed deals were saved already closed (as playbook import saves an export's closed rows)" in told
        assert "playbook backtest EXPORT --history HISTORY" in told and "No closed deal was open" not in told


def _made_result(claimed: float, verified: float, n: int = 40) -> Backtest:
    """A backtest with these Brier scores, Discovery (10%) won 30% of `n` deals on both bases: outside both intervals."""
    rates = [
        StageRate("discovery", "Discovery", 10, n, 3 * n // 10),
        StageRate("qualifying", "Qualifying", 20, n, n // 5),
    ]
    row = DealSnapshot(dt.date(2026, 1, 31), "D1", "discovery", "discovery", Outcome.WON, 1000.0)
    forecast = SnapshotForecast(dt.date(2026, 1, 31), 1, {"claimed": 100.0, "verified": 250.5}, 1000.0)
    bases = {"claimed": Basis(rates, claimed), "verified": Basis(rates, verified)}
    return Backtest([dt.date(2026, 1, 31)], [row], bases, [forecast], closed_deals=1)


@pytest.mark.parametrize(
    ("claimed", "verified", "said"),
    [
        (
            0.165,
            0.236,
            "The claimed stage predicted the outcomes better than the verified stage: its Brier score, 0.165, is "
            "0.071 lower than 0.236 (30% less error).",
        ),
        (
            0.242,
            0.197,
            "The verified stage predicted the outcomes better than the claimed stage: its Brier score, 0.197, is "
            "0.045 lower than 0.242 (19% less error).",
        ),
        # The gap of the scores as shown (0.260 - 0.257), not of the scores unrounded (0.0038, shown 0.004).
        (
            0.2604,
            0.2566,
            "The verified stage predicted the outcomes better than the claimed stage: its Brier score, 0.257, is "
            "0.003 lower than 0.260 (1% less error).",
        ),
        (
            0.1004,
            0.0956,
            "The verified stage predicted the outcomes better than the claimed stage: its Brier score, 0.096, is "
            "0.004 lower than 0.100 (4% less error).",
        ),
        (
            0.2001,
            0.2004,
            "The claimed and the verified stage predicted the outcomes equally well (Brier score 0.200 each).",
        ),
    ],
)
def test_the_brier_scores_come_with_a_verdict_in_words_in_the_summary_and_the_page(
    claimed: float, verified: float, said: str
) -> None:
    result = _made_result(claimed, verified)
    assert brier_verdict(result) == said
    assert said in summary(result) and said in render_html(result)


def test_the_verdict_says_little_is_told_when_a_basis_has_too_few_deals_at_every_stage() -> None:
    assert brier_verdict(_made_result(0.1, 0.2, n=5)).endswith("that tells little yet.")


def test_a_probability_outside_the_interval_is_flagged_on_both_bases_alike() -> None:
    result = _made_result(0.2, 0.1)
    page = render_html(result)
    assert page.count('<strong class="flag">probability outside the interval</strong>') == 2  # Discovery, twice
    discovery = next(line for line in summary(result).splitlines() if line.startswith("Discovery"))
    assert discovery.count(" *") == 2, discovery
    assert "* probability outside the interval" in summary(result)


def test_the_deal_snapshots_held_back_only_by_stale_evidence_are_counted_as_the_audit_counts_deals() -> None:
    """Evidence older than its max_age_days as of a snapshot sends a late-stage deal back: the CFO reading a poor
    verified Brier score must see how many deal-snapshots only that held back (the audit's held_by_age), and why
    an export cannot tell a renewed confirmation from an old one."""
    loaded = load_process(PROCESS)
    fresh = Answer(True, "Email from the CFO about the problem", dt.date(2025, 1, 10))
    deal = DealHistory(
        "D1",
        Outcome.WON,
        dt.date(2025, 9, 15),
        1000.0,
        [ClaimedSince(dt.date(2025, 1, 10), "qualifying")],
        [AnswersSince(dt.date.min, {"pain-confirmed": fresh})],
    )
    # 2025-02-28: pain confirmed 49 days before, qualifying, budget not confirmed yet: held back by a missing one.
    # 2025-06-30: 171 days old, over its 120: verified discovery, held back by its age alone.
    result = run_backtest(loaded.process, [deal], [dt.date(2025, 2, 28), dt.date(2025, 6, 30)])
    assert [row.verified_stage for row in result.rows] == ["qualifying", "discovery"]
    assert [row.held_by_age for row in result.rows] == [False, True]
    said = (
        "1 deal-snapshot held back only by evidence too old: every milestone keeping it from its next stage was "
        "answered yes, but dated longer ago than its max_age_days as of the snapshot; confirmed again by the "
        "customer, it would have moved up."
    )
    assert said in summary(result) and html.escape(said, quote=False) in render_html(result)
    assert backtest_json(result)["held_by_age_snapshots"] == 1


def test_the_forecast_chart_has_a_table_of_its_numbers() -> None:
    page = render_html(_made_result(0.2, 0.1))
    table = page.split('<table class="forecasts stack" aria-describedby="forecast-note">', 1)[1].split("</table>")[0]
    cells = re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", table)
    assert cells == [
        "Snapshot",
        "Deals",
        "Claimed forecast",
        "Verified forecast",
        "Won",
        "2026-01-31",
        "1",
        "100.00",
        "250.50",
        "1,000.00",
    ]
    assert "The table below gives the same numbers." in page


def test_deals_saved_after_the_last_snapshot_are_told_so_not_said_to_be_imported() -> None:
    """Two deals made in the app after the last snapshot date (2026-03-31): one closed lost unchecked, with a close
    date before the day it was saved, one checked while open and won the day it was saved. Neither was imported; no
    snapshot could see them open because they were saved after the last one, and the sentence says so (a user read
    "2 closed deals were saved already closed (as playbook import saves an export's closed rows)")."""
    loaded = load_process(ROOT / "process.yaml")
    dates = snapshot_dates(dt.date(2026, 1, 1), dt.date(2026, 3, 31), Every.MONTH)
    saved_on = dt.date(2026, 4, 7)
    lost = DealHistory("Lost", Outcome.LOST, dt.date(2026, 4, 1), 1000.0, [], [], opened_on=saved_on)
    checked = [ClaimedSince(saved_on, "qualifying")] * 4
    won = DealHistory("Won", Outcome.WON, saved_on, 1000.0, checked, [], opened_on=saved_on)
    result = run_backtest(loaded.process, [lost, won], dates, saved=True)
    assert (result.left_out.saved_after, result.left_out.saved_closed, result.left_out.no_claimed_stage) == (2, 0, 0)
    for told in (summary(result), html.unescape(str(accuracy_section(result)))):
        assert (
            "2 closed deals were saved after the last snapshot date (2026-03-31), so no snapshot saw them open" in told
        )
        assert "2 closed deals saved after the last snapshot date (2026-03-31)" in told
        assert "already closed" not in told and "an import" not in told and "playbook import" not in told, told


@pytest.mark.parametrize("field_name", ["deal", "stage", "date", "field"])
def test_a_history_column_crm_history_misspells_is_an_error_with_a_did_you_mean(
    tmp_path: Path, field_name: str
) -> None:
    """As a column crm.columns maps and the export lacks: crm.history's name is never dropped for a standard one."""
    header = ["Opportunity ID", "To Stage", "Changed On", "Field / Event"]
    column = header[["deal", "stage", "date", "field"].index(field_name)]
    with pytest.raises(InvalidFile) as raised:
        history_columns(header, CrmHistory(**{field_name: column[:-1]}), tmp_path / "history.csv", 1)
    assert f"{field_name} ({column[:-1]!r}; did you mean {column!r}?)" in raised.value.diagnostics[0].message


def test_deals_of_both_kinds_without_a_claimed_stage_are_told_in_plural_words() -> None:
    """Two deals the history names no stage of and one created before its first stage: 'they were', not 'they was'."""
    loaded = load_process(ROOT / "process.yaml")
    unnamed = [DealHistory(f"D{number}", Outcome.WON, dt.date(2026, 6, 30), 1000.0, [], []) for number in range(2)]
    created = [ClaimedSince(dt.date(2025, 12, 1), None), ClaimedSince(dt.date(2026, 2, 15), "discovery")]
    late = DealHistory("D9", Outcome.LOST, dt.date(2026, 6, 30), 1000.0, created, [])
    dates = snapshot_dates(dt.date(2026, 1, 1), dt.date(2026, 1, 31), Every.MONTH)
    told = summary(run_backtest(loaded.process, [*unnamed, late], dates, evidence=False))
    assert (
        "3 deal-snapshots with no claimed stage (2 of deals whose history names no stage they were at, only their "
        "closing or nothing; 1 of deals already created"
    ) in told, told


def test_the_file_order_note_names_its_first_days_in_date_order() -> None:
    """The deals are read in the export's order; the note names their days oldest first."""
    loaded = load_process(ROOT / "process.yaml")
    deals = [
        DealHistory(
            name,
            Outcome.WON,
            dt.date(2026, 6, 30),
            1000.0,
            [ClaimedSince(day, "discovery")],
            [],
            file_order_days=(FileOrderDay(day, False, False),),
        )
        for name, day in (
            ("Umbrella #470", dt.date(2025, 11, 30)),
            ("Umbrella #695", dt.date(2025, 9, 9)),
            ("Acme", dt.date(2025, 12, 20)),
            ("Initech", dt.date(2025, 10, 1)),
        )
    ]
    dates = snapshot_dates(dt.date(2025, 12, 31), dt.date(2025, 12, 31), Every.MONTH)
    told = file_order_text(run_backtest(loaded.process, deals, dates, evidence=False))
    assert "(2025-09-09, Umbrella #695; 2025-10-01, Initech; 2025-11-30, Umbrella #470; and 1 more)" in told, told
