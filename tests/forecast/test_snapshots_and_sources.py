"""Snapshot dates, and the export's deals joined to their history by CRM id, by name, or by mapped columns."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from forecast.snapshots import Every, default_range, snapshot_dates
from playbook_cli.main import main
from tests.forecast.expected import MONTH_ENDS, assert_same, expected_backtest
from tests.forecast.made_history import PROCESS, MadeDeal, made_deals, write_export, write_history

D = dt.date


@pytest.mark.parametrize(
    ("start", "end", "every", "dates"),
    [
        (D(2026, 1, 1), D(2026, 1, 20), Every.WEEK, [D(2026, 1, 4), D(2026, 1, 11), D(2026, 1, 18)]),
        (D(2026, 1, 31), D(2026, 3, 30), Every.MONTH, [D(2026, 1, 31), D(2026, 2, 28)]),
        (
            D(2025, 11, 15),
            D(2026, 12, 31),
            Every.QUARTER,
            [D(2025, 12, 31), D(2026, 3, 31), D(2026, 6, 30), D(2026, 9, 30), D(2026, 12, 31)],
        ),
        (D(2028, 2, 1), D(2028, 2, 29), Every.MONTH, [D(2028, 2, 29)]),
        (D(2026, 3, 2), D(2026, 3, 20), Every.MONTH, []),
    ],
)
def test_snapshots_are_the_last_day_of_each_period_in_the_range(
    start: dt.date, end: dt.date, every: Every, dates: list[dt.date]
) -> None:
    assert snapshot_dates(start, end, every) == dates


def test_by_default_the_snapshots_are_the_twelve_month_ends_before_the_latest_close() -> None:
    start, end = default_range(D(2026, 6, 15))
    assert (start, end) == (D(2025, 6, 16), D(2026, 6, 15))
    assert (
        snapshot_dates(start, end, Every.MONTH)[0] == D(2025, 6, 30)
        and len(snapshot_dates(start, end, Every.MONTH)) == 12
    )
    assert default_range(D(2028, 2, 29)) == (D(2027, 3, 1), D(2028, 2, 29))


def _backtest(
    capsys: pytest.CaptureFixture[str], export: Path, history: Path, process: Path, *more: str
) -> dict[str, object]:
    status = main(["backtest", str(export), "--history", str(history), "--process", str(process), "--json", *more])
    out, err = capsys.readouterr()
    assert status == 0, err
    result: dict[str, object] = json.loads(out)
    return result


def _made_files(tmp_path: Path) -> tuple[list[MadeDeal], Path, Path]:
    """The made deals, their export of closed deals and their stage history, written into `tmp_path`."""
    deals = made_deals()
    export, history = tmp_path / "closed.csv", tmp_path / "history.csv"
    write_export(deals, export)
    write_history(deals, history)
    return deals, export, history


def test_without_a_crm_id_column_the_history_names_the_deals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deals, export, history = _made_files(tmp_path)
    lines = [line.split(",") for line in export.read_text(encoding="utf-8").splitlines()]
    export.write_text("\n".join(",".join(cells[:1] + cells[2:]) for cells in lines) + "\n", encoding="utf-8")
    names = {deal.crm_id: deal.name for deal in deals}
    rows = history.read_text(encoding="utf-8").splitlines()
    history.write_text(
        "\n".join([rows[0]] + [names[row.split(",")[0]] + row[4:] for row in rows[1:]]) + "\n", encoding="utf-8"
    )
    got = _backtest(capsys, export, history, PROCESS, "--from", "2025-01-01", "--to", "2025-12-31")
    assert_same(got, expected_backtest(deals, MONTH_ENDS))


def test_the_history_columns_are_mapped_under_crm_history(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    deals, export, history = _made_files(tmp_path)
    text = history.read_text(encoding="utf-8")
    history.write_text("Opportunity ID,To Stage,Changed On" + text[text.index("\n") :], encoding="utf-8")
    process = tmp_path / "process.yaml"
    process.write_text(
        PROCESS.read_text(encoding="utf-8")
        + "crm:\n  history:\n    deal: Opportunity ID\n    stage: To Stage\n    date: Changed On\n",
        encoding="utf-8",
    )
    got = _backtest(capsys, export, history, process, "--from", "2025-01-01", "--to", "2025-12-31")
    assert_same(got, expected_backtest(deals, MONTH_ENDS))
    # Without crm.history, the id and the stage are found by Salesforce's names, but not a date named so.
    assert main(["backtest", str(export), "--history", str(history), "--process", str(PROCESS)]) == 1
    err = capsys.readouterr().err
    assert "the history has no column for date ('date' or 'Last Modified' or 'Last Modified Date'" in err
    assert "column for deal" not in err and "stage (" not in err


def test_salesforces_opportunity_history_report_is_read_without_a_mapping(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The report as Salesforce exports it: id and name, From Stage and To Stage, amount, Last Modified."""
    deals, export, history = _made_files(tmp_path)
    _, *changes = history.read_text(encoding="utf-8").splitlines()
    rows = ["Opportunity Name,Opportunity ID,From Stage,To Stage,Amount,Last Modified"]
    for change in changes:
        deal, stage, day = change.split(",")
        rows.append(f"Deal {deal},{deal},Somewhere,{stage},1000,{day}")
    history.write_text("\n".join(rows) + "\n", encoding="utf-8")
    got = _backtest(capsys, export, history, PROCESS, "--from", "2025-01-01", "--to", "2025-12-31")
    assert_same(got, expected_backtest(deals, MONTH_ENDS))


def test_the_default_snapshots_end_at_the_latest_close(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    deals, export, history = _made_files(tmp_path)
    latest = max(deal.closed_on for deal in deals)
    got = _backtest(capsys, export, history, PROCESS)
    snapshots = snapshot_dates(*default_range(latest), Every.MONTH)
    assert got["snapshots"] == [day.isoformat() for day in snapshots] and len(snapshots) == 12
    assert_same(got, expected_backtest(deals, snapshots))
