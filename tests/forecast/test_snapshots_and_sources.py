"""Snapshot dates, and the export's deals joined to their history by CRM id, by name, or by mapped columns."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from forecast.snapshots import Every, default_range, snapshot_dates
from playbook_cli.main import main
from sales_process import clock
from tests.forecast.expected import MONTH_ENDS, assert_same, expected_backtest
from tests.forecast.made_history import (
    PROCESS,
    STAGE_NAMES,
    STAGES,
    MadeDeal,
    made_deals,
    write_export,
    write_history,
)

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
    capsys: pytest.CaptureFixture[str], export: Path, history: Path | None, process: Path, *more: str
) -> dict[str, object]:
    """The backtest's --json results (`history` None: the export's date-entered columns are the history)."""
    given = [] if history is None else ["--history", str(history)]
    status = main(["backtest", str(export), *given, "--process", str(process), "--json", *more])
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


def test_pipeline_measures_one_pipelines_closed_deals(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An export of two pipelines: with --pipeline the other's closed deals are in no figure, and the backtest says
    how many it left out."""
    deals, export, history = _made_files(tmp_path)
    lines = export.read_text(encoding="utf-8").splitlines()
    width = len(lines[0].split(","))
    renewals = [f"Renewal {n},R{n},Closed won,9000,Won,2025-0{n}-15" + "," * (width - 6) for n in (3, 5, 7)]
    rows = [
        lines[0] + ",Pipeline",
        *(line + ",Sales Pipeline" for line in lines[1:]),
        *(r + ",Renewals" for r in renewals),
    ]
    export.write_text("\n".join(rows) + "\n", encoding="utf-8")
    window = ["--from", "2025-01-01", "--to", "2025-12-31"]
    got = _backtest(capsys, export, history, PROCESS, *window, "--pipeline", "Sales Pipeline")
    assert_same(got, expected_backtest(deals, MONTH_ENDS))
    assert (
        main(
            [
                "backtest",
                str(export),
                "--history",
                str(history),
                "--process",
                str(PROCESS),
                "--pipeline",
                "sales pipeline",
            ]
        )
        == 0
    )
    assert f'{export}: 3 deals in other pipelines were left out: "Renewals" (3)' in capsys.readouterr().err


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
    """The report as Salesforce exports it: id and name, From Stage (blank on the row of the deal's creation) and To
    Stage, amount, Last Modified."""
    deals, export, history = _made_files(tmp_path)
    _, *changes = history.read_text(encoding="utf-8").splitlines()
    rows = ["Opportunity Name,Opportunity ID,From Stage,To Stage,Amount,Last Modified"]
    before: dict[str, str] = {}
    for change in changes:
        deal, stage, day = change.split(",")
        rows.append(f"Deal {deal},{deal},{before.get(deal, '')},{stage},1000,{day}")
        before[deal] = stage
    history.write_text("\n".join(rows) + "\n", encoding="utf-8")
    got = _backtest(capsys, export, history, PROCESS, "--from", "2025-01-01", "--to", "2025-12-31")
    assert_same(got, expected_backtest(deals, MONTH_ENDS))


def _field_history(history: Path, header: list[str], stage_field: str) -> list[list[object]]:
    """The history as a field-history report: each stage change a row of `stage_field`, between rows of other
    fields of the same deal (its creation, its amount and close date changing), dates with their time. A deal is
    created on the day of its first stage (one whose first row is its closing has no created row: the history names
    no stage of it, at any snapshot)."""
    _, *changes = history.read_text(encoding="utf-8").splitlines()
    rows: list[list[object]] = [list(header)]
    for number, change in enumerate(changes):
        deal, stage, day = change.split(",")
        when = dt.datetime.fromisoformat(day).replace(hour=9, minute=30)
        if (number == 0 or changes[number - 1].split(",")[0] != deal) and not stage.startswith("Closed"):
            rows.append([deal, "Created.", "", "", when])
        rows.append([deal, "Amount", "1000", "2000", when])
        rows.append([deal, stage_field, "", stage, when])
        rows.append([deal, "Close Date", "", "", when])
    return rows


def test_salesforces_field_history_report_is_read_by_its_stage_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Salesforce's Opportunity Field History report has a row per change of any field: its stage rows are the
    history, found by the report's own names; the rows of other fields are left out, and counted."""
    deals, export, history = _made_files(tmp_path)
    rows = _field_history(history, ["Opportunity ID", "Field / Event", "Old Value", "New Value", "Edit Date"], "Stage")
    history.write_text(
        "\n".join(
            ",".join(f"{cell:%m/%d/%Y %I:%M %p}" if isinstance(cell, dt.datetime) else str(cell) for cell in row)
            for row in rows
        )
        + "\n",
        encoding="utf-8",
    )
    got = _backtest(capsys, export, history, PROCESS, "--from", "2025-01-01", "--to", "2025-12-31", "--month-first")
    assert_same(got, expected_backtest(deals, MONTH_ENDS))
    main(["backtest", str(export), "--history", str(history), "--process", str(PROCESS), "--month-first"])
    err = capsys.readouterr().err
    others = sum(1 for row in rows[1:] if row[1] not in ("Stage", "Created."))
    assert (
        f"{history}: a field-history report: read its stage changes and the deals' created rows, left out {others} "
        "rows of other fields: "
    ) in err
    assert "Amount (" in err and "Created. (" not in err and "Close Date (" in err


def test_a_field_history_workbook_with_the_objects_names_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The OpportunityFieldHistory object exported to an .xlsx workbook: API names, StageName, dates as dates."""
    deals, export, history = _made_files(tmp_path)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in _field_history(history, ["OpportunityId", "Field", "OldValue", "NewValue", "CreatedDate"], "StageName"):
        sheet.append(row)
    workbook.save(tmp_path / "history.xlsx")
    got = _backtest(capsys, export, tmp_path / "history.xlsx", PROCESS, "--from", "2025-01-01", "--to", "2025-12-31")
    assert_same(got, expected_backtest(deals, MONTH_ENDS))


def test_a_stage_field_named_otherwise_is_named_under_crm_history(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deals, export, history = _made_files(tmp_path)
    rows = _field_history(history, ["Opportunity ID", "Changed", "Old Value", "Stage Now", "Edit Date"], "Phase")
    history.write_text(
        "\n".join(
            ",".join(f"{cell:%Y-%m-%d}" if isinstance(cell, dt.datetime) else str(cell) for cell in row) for row in rows
        )
        + "\n",
        encoding="utf-8",
    )
    mapped = "crm:\n  history:\n    stage: Stage Now\n    date: Edit Date\n    field: Changed\n"
    process = tmp_path / "process.yaml"
    process.write_text(PROCESS.read_text(encoding="utf-8") + mapped, encoding="utf-8")
    assert main(["backtest", str(export), "--history", str(history), "--process", str(process)]) == 1
    err = capsys.readouterr().err
    assert f"{history}:2: error: the field-history report has no stage change: its Changed column names " in err
    assert "'Created.', 'Amount', 'Phase', 'Close Date', none of them the stage ('Stage', " in err
    assert "name the stage's field under crm.history.stage_field" in err
    process.write_text(PROCESS.read_text(encoding="utf-8") + mapped + "    stage_field: phase\n", encoding="utf-8")
    got = _backtest(capsys, export, history, process, "--from", "2025-01-01", "--to", "2025-12-31")
    assert_same(got, expected_backtest(deals, MONTH_ENDS))
    # A field column crm.history names but the file lacks is named with the others missing.
    process.write_text(PROCESS.read_text(encoding="utf-8") + mapped.replace("Changed", "Field Name"), encoding="utf-8")
    assert main(["backtest", str(export), "--history", str(history), "--process", str(process)]) == 1
    assert "the history has no column for field ('Field Name')" in capsys.readouterr().err


def _with_date_entered_columns(deals: list[MadeDeal], export: Path, names: dict[str, str]) -> None:
    """The export with HubSpot's date-entered columns (the day each deal entered each stage, as HubSpot writes it
    with its time) and a column of another pipeline's stage, and one of a date exited: no history file."""
    rows = [line.split(",") for line in export.read_text(encoding="utf-8").splitlines()]
    stages = [stage for stage in STAGES if stage != STAGES[-1]]
    rows[0] += [f'Date entered "{names[stage]} (Sales Pipeline)"' for stage in stages]
    rows[0] += ['Date entered "Closed won (Sales Pipeline)"', 'Date entered "Renewal Due (Renewals)"']
    rows[0] += ['Date exited "Discovery (Sales Pipeline)"']
    by_id = {deal.crm_id: deal for deal in deals}
    for row in rows[1:]:
        deal = by_id.get(row[1])
        entered: dict[str, dt.date] = {}
        for day, stage in deal.claims if deal else ():
            entered.setdefault(stage, day)  # a stage claimed again is the same stay in it: entered once
        row += [f"{entered[stage]:%Y-%m-%d} 09:30" if stage in entered else "" for stage in stages]
        won = deal is not None and deal.won
        row += [f"{deal.closed_on:%Y-%m-%d} 17:00" if won and deal else "", "", ""]
    export.write_text("\n".join(",".join(row) for row in rows) + "\n", encoding="utf-8")


def test_hubspots_date_entered_columns_are_the_history_without_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deals, export, _ = _made_files(tmp_path)
    _with_date_entered_columns(deals, export, dict(zip(STAGES, STAGE_NAMES, strict=True)))
    got = _backtest(capsys, export, None, PROCESS, "--from", "2025-01-01", "--to", "2025-12-31")
    assert_same(got, expected_backtest(deals, MONTH_ENDS))
    main(["backtest", str(export), "--process", str(PROCESS)])
    assert f"{export}: the stage history is the date each deal entered each stage, from its columns" in (
        capsys.readouterr().err
    )


def test_a_date_entered_column_of_an_unknown_stage_is_named_once_and_mapped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deals, export, _ = _made_files(tmp_path)
    names = dict(zip(STAGES, STAGE_NAMES, strict=True)) | {"proposing": "Proposal Sent"}
    _with_date_entered_columns(deals, export, names)
    assert main(["backtest", str(export), "--process", str(PROCESS)]) == 1
    err = capsys.readouterr().err
    problems = [line for line in err.splitlines() if ": error: " in line]
    assert len(problems) == 1, err
    assert "error: Date entered \"Proposal Sent (Sales Pipeline)\": unknown stage 'Proposal Sent'" in problems[0]
    assert "map the stage under crm.stage_names" in problems[0] and "(also on lines " in problems[0]
    mapped = ["--stage-name", "Proposal Sent=proposing", "--from", "2025-01-01", "--to", "2025-12-31"]
    got = _backtest(capsys, export, None, PROCESS, *mapped)
    assert_same(got, expected_backtest(deals, MONTH_ENDS))


def test_an_unknown_stage_in_every_pipelines_date_entered_column_is_one_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It was one error per pipeline's column for the same stage name (10 errors for HubSpot's 5 names)."""
    deals, export, _ = _made_files(tmp_path)
    names = dict(zip(STAGES, STAGE_NAMES, strict=True)) | {"proposing": "Proposal Sent"}
    _with_date_entered_columns(deals, export, names)
    rows = [line.split(",") for line in export.read_text(encoding="utf-8").splitlines()]
    at = rows[0].index('Date entered "Proposal Sent (Sales Pipeline)"')
    rows[0].append('Date entered "Proposal Sent (Enterprise Pipeline)"')
    for row in rows[1:]:
        row.append(row[at])
    export.write_text("\n".join(",".join(row) for row in rows) + "\n", encoding="utf-8")
    assert main(["backtest", str(export), "--process", str(PROCESS)]) == 1
    err = capsys.readouterr().err
    problems = [line for line in err.splitlines() if ": error: " in line]
    assert len(problems) == 1, err
    assert (
        'error: Date entered "Proposal Sent (Sales Pipeline)", Date entered "Proposal Sent (Enterprise Pipeline)": '
        "unknown stage 'Proposal Sent'"
    ) in problems[0]
    assert "(also on lines " in problems[0] and problems[0].count("also on") == 1


def test_a_history_report_with_its_title_lines_and_footer_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Salesforce's report export of the history: its name and filters above the header, its totals and notices
    below the rows, as the audit skips them in an export."""
    deals, export, history = _made_files(tmp_path)
    text = history.read_text(encoding="utf-8")
    history.write_text(
        '"Opportunity History"\n"Filtered By: Closed equals True"\n\n'
        + text
        + '\n"Grand Totals (500 records)"\n"Confidential Information - Do Not Distribute"\n'
        '"Generated By:  Ana Ruiz  3/1/2027 9:14 AM"\n',
        encoding="utf-8",
    )
    got = _backtest(capsys, export, history, PROCESS, "--from", "2025-01-01", "--to", "2025-12-31")
    assert_same(got, expected_backtest(deals, MONTH_ENDS))
    # A row cut short among the rows is no footer: said, with its line.
    lines = history.read_text(encoding="utf-8").splitlines()
    history.write_text("\n".join([*lines[:5], "D001", *lines[5:]]) + "\n", encoding="utf-8")
    assert main(["backtest", str(export), "--history", str(history), "--process", str(PROCESS)]) == 1
    assert (
        f"{history}:6: error: the row has 1 cell but the header has 3 columns; check for a stray delimiter or quote"
        in capsys.readouterr().err
    )


def test_the_default_snapshots_end_at_the_latest_close(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    deals, export, history = _made_files(tmp_path)
    latest = max(deal.closed_on for deal in deals)
    got = _backtest(capsys, export, history, PROCESS)
    snapshots = snapshot_dates(*default_range(latest), Every.MONTH)
    assert got["snapshots"] == [day.isoformat() for day in snapshots] and len(snapshots) == 12
    assert_same(got, expected_backtest(deals, snapshots))


@pytest.mark.parametrize(
    ("more", "last"),
    [
        (["--as-of", "2025-12-15"], "2025-11-30"),
        ([], None),  # as of today: no snapshot after it
    ],
)
def test_snapshots_stop_at_the_day_the_backtest_is_as_of_and_say_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], more: list[str], last: str | None
) -> None:
    """--to after today gave snapshots in the future, holding no deals, as if measured: they stop at --as-of (today
    by default), and a note says where and why."""
    _, export, history = _made_files(tmp_path)
    args = ["backtest", str(export), "--history", str(history), "--process", str(PROCESS), "--json"]
    assert main([*args, "--from", "2025-01-01", "--to", "2099-12-31", *more]) == 0
    out, err = capsys.readouterr()
    as_of = more[1] if more else clock.today().isoformat()
    end = last or snapshot_dates(D(2025, 1, 1), clock.today(), Every.MONTH)[-1].isoformat()
    assert json.loads(out)["snapshots"][-1] == end
    assert (
        f"--to 2099-12-31 is after {as_of}, the day the backtest is as of{'' if more else ' (today)'}: the snapshots "
        f"end at {end}, the last month end on or before it (a snapshot after it would measure what has not happened)"
    ) in err, err


def test_as_of_a_past_day_the_deals_closed_after_it_are_left_out_and_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """As of a day, a deal that closed after it was still open: it has no outcome yet, so it is left out, and a note
    counts it; the default snapshots are the 12 months before the latest close on or before that day."""
    deals, export, history = _made_files(tmp_path)
    as_of = D(2025, 9, 15)
    known = [deal for deal in deals if deal.closed_on <= as_of]
    assert 0 < len(known) < len(deals)
    snapshots = snapshot_dates(*default_range(max(deal.closed_on for deal in known)), Every.MONTH)
    got = _backtest(capsys, export, history, PROCESS, "--as-of", as_of.isoformat())
    assert got["snapshots"] == [day.isoformat() for day in snapshots]
    assert_same(got, expected_backtest(known, snapshots))
    assert (
        main(["backtest", str(export), "--history", str(history), "--process", str(PROCESS), "--as-of", "2025-09-15"])
        == 0
    )
    err = capsys.readouterr().err
    assert (
        f"{len(deals) - len(known)} closed deals closed after 2025-09-15, the day the backtest is as of, are left "
        "out: as of that day they were still open, with no outcome to measure"
    ) in err, err


def test_a_default_window_cut_at_the_day_the_backtest_is_as_of_is_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A deal closed with a close date after today (a close date typed ahead) is counted, as the CRM says it closed;
    the default snapshots, up to the latest close date, stop at today, and a note says so."""
    _, export, history = _made_files(tmp_path)
    rows = export.read_text(encoding="utf-8").splitlines()
    at = rows[0].split(",").index("close_date")
    cells = rows[1].split(",")
    cells[at] = "2099-03-10"
    export.write_text("\n".join([rows[0], ",".join(cells), *rows[2:]]) + "\n", encoding="utf-8")
    # The history has not seen it close yet: no closing row of its own dates it earlier.
    lines = history.read_text(encoding="utf-8").splitlines()
    closing = f"{cells[1]},{cells[2]},"
    history.write_text("\n".join(line for line in lines if not line.startswith(closing)) + "\n", encoding="utf-8")
    assert (
        main(["backtest", str(export), "--history", str(history), "--process", str(PROCESS), "--as-of", "2098-12-07"])
        == 0
    )
    err = capsys.readouterr().err
    assert (
        "the latest close date, 2099-03-10, is after 2098-12-07, the day the backtest is as of: the snapshots end at "
        "2098-11-30, the last month end on or before it (a snapshot after it would measure what has not happened)"
    ) in err, err
    assert "left out: as of that day" not in err


def _one_deal_claimed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], history_rows: list[str], *more: str, created: str | None = None
) -> tuple[list[str], str]:
    """The claimed stage of one deal (won 2025-10-15; `created`: the export's Created Date) at the snapshot of
    2025-08-31, per the history's rows (its header first), and the terminal summary with its notes."""
    export, history = tmp_path / "closed.csv", tmp_path / "history.csv"
    column, cell = ("", "") if created is None else (",Created Date", f",{created}")
    export.write_text(
        f"deal,crm_id,stage,amount,status,close_date{column}\nAcme,A1,Closed won,1000,Won,2025-10-15{cell}\n",
        encoding="utf-8",
    )
    history.write_text("\n".join(history_rows) + "\n", encoding="utf-8")
    args = ["--from", "2025-08-01", "--to", "2025-08-31", "--every", "month", "--no-evidence", *more]
    got = _backtest(capsys, export, history, PROCESS, *args)
    claimed = got["claimed"]
    assert isinstance(claimed, dict)
    stages = [stage["stage"] for stage in claimed["stages"] if stage["n"]]
    assert main(["backtest", str(export), "--history", str(history), "--process", str(PROCESS), *args]) == 0
    out, err = capsys.readouterr()
    return stages, err + out


# One day's two changes, in either order in the file: the stage claimed at the day's end is the later change.
SAME_DAY = [
    # Their times decide (the file's order is newest first, as reports are often sorted, or not sorted at all).
    (
        "deal,stage,date",
        ["A1,Qualifying,2025-08-24 06:00", "A1,Discovery,2025-08-24 05:00", "A1,Closed won,2025-10-15 09:00"],
        "qualifying",
    ),
    (
        "deal,stage,date",
        ["A1,Discovery,2025-08-24T05:00:00Z", "A1,Qualifying,2025-08-24T06:00:00Z", "A1,Closed won,2025-10-15"],
        "qualifying",
    ),
    (
        "deal,stage,date",
        ["A1,Discovery,8/24/2025 11:00 AM", "A1,Qualifying,8/24/2025 9:00 AM", "A1,Closed won,10/15/2025"],
        "discovery",
    ),
    # Same day, no time: From Stage chains them (the change from the other's stage is the later one).
    (
        "Opportunity ID,From Stage,To Stage,Last Modified",
        ["A1,Discovery,Qualifying,2025-08-24", "A1,,Discovery,2025-08-24", "A1,Qualifying,Closed won,2025-10-15"],
        "qualifying",
    ),
    (
        "Opportunity ID,From Stage,To Stage,Last Modified",
        [
            "A1,Discovery,Discovery,2025-08-24",
            "A1,Qualifying,Discovery,2025-08-24",
            "A1,Discovery,Qualifying,2025-08-24",
            "A1,,Discovery,2025-08-20",
        ],
        "discovery",
    ),
]


@pytest.mark.parametrize(("header", "rows", "claimed"), SAME_DAY)
def test_one_days_changes_are_ordered_by_their_time_else_by_from_stage_whatever_the_files_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], header: str, rows: list[str], claimed: str
) -> None:
    for order in itertools.permutations(rows):
        stages, out = _one_deal_claimed(tmp_path, capsys, [header, *order], "--month-first")
        assert stages == [claimed], order
        assert "file order" not in out


def test_a_from_stage_that_is_not_the_stage_the_change_before_moved_to_is_said_once_in_the_notes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It was read without a word: the history contradicts itself (a report filtered or sorted wrongly)."""
    header = "Opportunity ID,From Stage,To Stage,Last Modified"
    rows = ["A1,,Discovery,2025-08-20", "A1,Proposing,Qualifying,2025-09-01", "A1,Qualifying,Closed won,2025-10-15"]
    stages, out = _one_deal_claimed(tmp_path, capsys, [header, *rows], "--month-first")
    assert stages == ["discovery"]  # read all the same: an error it is not
    said = (
        "1 deal has a stage change whose From Stage is not the stage the change before it moved to (the first: deal "
        "A1, line 3: from 'Proposing', where line 2 moved it to 'Discovery')"
    )
    assert out.count(said) == 1, out
    _, consistent = _one_deal_claimed(
        tmp_path, capsys, [header, *rows[:1], rows[1].replace("Proposing", "Discovery"), rows[2]], "--month-first"
    )
    assert "From Stage is not" not in consistent


def test_a_from_stage_column_named_otherwise_is_mapped_under_crm_history(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """HubSpot's and Pipedrive's history layouts name the stage before otherwise ("Stage Before"): mapped as
    crm.history.from_stage it orders one day's changes; a mapped name the file lacks is an error with the others."""
    process = tmp_path / "process.yaml"
    mapped = (
        "crm:\n  history:\n    deal: Deal ID\n    stage: Stage After\n    date: Changed\n    from_stage: Stage Before\n"
    )
    process.write_text(PROCESS.read_text(encoding="utf-8") + mapped, encoding="utf-8")
    rows = ["A1,Discovery,Qualifying,2025-08-24", "A1,,Discovery,2025-08-24", "A1,Qualifying,Closed won,2025-10-15"]
    for order in itertools.permutations(rows):
        history = ["Deal ID,Stage Before,Stage After,Changed", *order]
        stages, out = _one_deal_claimed(tmp_path, capsys, history, "--process", str(process))
        assert stages == ["qualifying"], order
        assert "file order" not in out
    export, history_file = tmp_path / "closed.csv", tmp_path / "history.csv"
    history_file.write_text("Deal ID,Previous,Stage After,Changed\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert main(["backtest", str(export), "--history", str(history_file), "--process", str(process)]) == 1
    err = capsys.readouterr().err
    assert "the history has no column for from_stage ('Stage Before')" in err  # not the stage after, read already


def test_one_days_changes_with_nothing_to_order_them_are_taken_in_file_order_and_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = ["A1,Qualifying,2025-08-24", "A1,Discovery,2025-08-24", "A1,Closed won,2025-10-15"]
    stages, out = _one_deal_claimed(tmp_path, capsys, ["deal,stage,date", *rows])
    assert stages == ["discovery"]
    assert (
        "1 deal-snapshot took its claimed stage from the history's file order (oldest first): the deal changed stage "
        "more than once on one day the history gives without a time and no From Stage orders the changes "
        "(2025-08-24, Acme); export the history with each change's date and time, or with its From Stage column"
    ) in out
    # A later change before the snapshot settles it: nothing to say.
    stages, out = _one_deal_claimed(tmp_path, capsys, ["deal,stage,date", *rows, "A1,Proposing,2025-08-26"])
    assert stages == ["proposing"] and "file order" not in out


# Changes at the same second with no From Stage (an OpportunityFieldHistory export without OldValue): taken in the
# direction the file is sorted, read from its rows with different times (Qualifying, then Proposing).
SAME_SECOND = [
    "A1,StageName,Closed won,2025-10-15T09:00:00.000Z",
    "A1,StageName,Proposing,2025-08-24T18:06:55.000Z",
    "A1,StageName,Qualifying,2025-08-24T18:06:55.000Z",
    "A1,created,,2025-08-01T10:00:00.000Z",
]


@pytest.mark.parametrize(
    ("rows", "direction"),
    [(SAME_SECOND, "newest first, as most deals' rows with different times are"), (SAME_SECOND[::-1], "oldest first")],
)
def test_changes_at_the_same_time_are_taken_in_the_direction_the_file_is_sorted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], rows: list[str], direction: str
) -> None:
    """A history sorted newest first lists a second's later change first: its file order is read backwards, and
    the summary says the changes had the same time."""
    stages, out = _one_deal_claimed(tmp_path, capsys, ["OpportunityId,Field,NewValue,CreatedDate", *rows])
    assert stages == ["proposing"]
    assert (
        f"1 deal-snapshot took its claimed stage from the history's file order ({direction}): the deal changed "
        "stage more than once at the same time and no From Stage orders the changes (2025-08-24, Acme); export the "
        "history with its From Stage column (a field-history report's Old Value)"
    ) in out


FIELD_HISTORY = "OpportunityId,Field,OldValue,NewValue,CreatedDate"
# The stage a deal was created in has no row of its own: its first change's From Stage (OldValue) is its claimed
# stage from the day it was created (the export's Created Date, else the history's created row), never before.
CREATED_IN = [
    # The history's created row dates it.
    (
        FIELD_HISTORY,
        [
            "A1,StageName,Qualifying,Closed won,2025-10-15T09:00:00Z",
            "A1,StageName,Discovery,Qualifying,2025-09-10T09:00:00Z",
            "A1,created,,,2025-08-01T10:00:00Z",
        ],
        None,
        ["discovery"],
    ),
    # Its only stage row is its closing: it was at the closing's From Stage from its creation.
    (FIELD_HISTORY, ["A1,StageName,Discovery,Closed won,2025-10-15", "A1,created,,,2025-08-01"], None, ["discovery"]),
    # The export's Created Date dates it (an Opportunity History report with From Stage and no created row).
    (
        "Opportunity ID,From Stage,To Stage,Last Modified",
        ["A1,Qualifying,Closed won,2025-10-15", "A1,Discovery,Qualifying,2025-09-10"],
        "2025-08-01",
        ["discovery"],
    ),
    # Created after the snapshot: not in the CRM yet, nothing is missing.
    (
        "Opportunity ID,From Stage,To Stage,Last Modified",
        ["A1,Qualifying,Closed won,2025-10-15", "A1,Discovery,Qualifying,2025-09-10"],
        "2025-09-02",
        [],
    ),
]


@pytest.mark.parametrize(("header", "rows", "created", "claimed"), CREATED_IN)
def test_the_stage_a_deal_was_created_in_is_claimed_from_its_created_date(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    header: str,
    rows: list[str],
    created: str | None,
    claimed: list[str],
) -> None:
    stages, out = _one_deal_claimed(tmp_path, capsys, [header, *rows], created=created)
    assert stages == claimed
    assert "no claimed stage" not in out.replace("0 deal-snapshots with no claimed stage", "")


@pytest.mark.parametrize(
    "rows",
    [
        ["A1,Qualifying,Closed won,2025-10-15", "A1,Discovery,Qualifying,2025-09-10"],
        ["A1,Discovery,Closed won,2025-10-15"],
    ],
)
def test_without_a_created_date_the_stage_before_the_first_change_is_said_not_measured(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], rows: list[str]
) -> None:
    """Nothing says since when the deal was at its first change's (or its closing's) From Stage: no snapshot before
    the change counts it, not even as without a claimed stage, and a note says so, with the fix."""
    stages, out = _one_deal_claimed(tmp_path, capsys, ["Opportunity ID,From Stage,To Stage,Last Modified", *rows])
    assert stages == [] and "0 deal-snapshots with no claimed stage" in out
    assert (
        "history.csv: 1 closed deal had a stage before its first stage change (its From Stage) that no snapshot "
        "counts: neither "
    ) in out
    assert "(a Created Date column) nor the history (a created row) says when it was created" in out


def test_a_created_deal_whose_stage_the_history_does_not_give_yet_has_no_claimed_stage_said_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Created before its first change, with no From Stage to tell its stage then: counted without a claimed stage,
    and not as a deal the history never names."""
    rows = ["A1,StageName,Closed won,2025-10-15", "A1,StageName,Qualifying,2025-09-10", "A1,created,,2025-08-01"]
    stages, out = _one_deal_claimed(tmp_path, capsys, ["OpportunityId,Field,NewValue,CreatedDate", *rows])
    assert stages == []
    assert (
        "1 deal-snapshot with no claimed stage (a deal already created, at no stage in the history then: before a "
        "first change without a From Stage)"
    ) in out


def test_a_from_stage_the_process_does_not_know_is_an_error_only_where_it_is_claimed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The first change's From Stage is claimed once the deal's created date is known: a stage the process does not
    know is then an error at its line, with the fix; without a created date it is never read."""
    rows = ["Opportunity ID,From Stage,To Stage,Last Modified", "A1,Prospecting,Closed won,2025-10-15"]
    stages, _ = _one_deal_claimed(tmp_path, capsys, rows)
    assert stages == []
    args = ["--history", str(tmp_path / "history.csv"), "--process", str(PROCESS), "--no-evidence"]
    assert main(["backtest", str(tmp_path / "closed.csv"), *args]) == 0
    capsys.readouterr()
    export = tmp_path / "closed.csv"
    export.write_text(
        "deal,crm_id,stage,amount,status,close_date,Created Date\nAcme,A1,Closed won,1000,Won,2025-10-15,2025-08-01\n",
        encoding="utf-8",
    )
    assert main(["backtest", str(export), *args]) == 1
    err = capsys.readouterr().err
    assert f"{tmp_path / 'history.csv'}:2: error: From Stage 'Prospecting': " in err
    assert 'map it under crm.stage_names or with --stage-name "NAME=stage-id"' in err


def test_the_date_entered_columns_close_and_create_a_deal_as_a_history_file_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Deal 1 entered Closed lost before its Close Date (a rep left the old one): closed from then on; deal 2 was
    created (Create Date) before its only entry, its closing: without a claimed stage from then, not before. The
    export's own columns give what the same history file gives (StageHistory.closed_on, created_claims)."""
    export, history = tmp_path / "closed.csv", tmp_path / "history.csv"
    entered = ',Date entered "Discovery",Date entered "Closed lost",Date entered "Closed won"'
    export.write_text(
        f"deal,crm_id,stage,amount,status,close_date,Create Date{entered}\n"
        "A,1,Closed lost,1000,Lost,2026-05-20 10:00,2026-01-05 09:00,2026-01-05 09:00,2026-02-10 10:00,\n"
        "B,2,Closed won,2000,Won,2026-05-20 10:00,2026-03-15 09:00,,,2026-05-20 10:00\n",
        encoding="utf-8",
    )
    history.write_text(
        "deal,stage,date\n1,Discovery,2026-01-05\n1,Closed lost,2026-02-10\n2,Closed won,2026-05-20\n", encoding="utf-8"
    )
    args = ["--from", "2026-01-01", "--to", "2026-04-30", "--no-evidence", "--as-of", "2026-12-07"]
    from_columns = _backtest(capsys, export, None, PROCESS, *args)
    from_file = _backtest(capsys, export, history, PROCESS, *args)
    claimed = from_columns["claimed"]
    assert isinstance(claimed, dict)
    assert [(stage["stage"], stage["n"]) for stage in claimed["stages"] if stage["n"]] == [("discovery", 1)]
    assert from_columns["left_out"] == {"undated_answers": 0, "no_claimed_stage": 2, "other_currency": {}}
    assert from_columns == from_file
    assert main(["backtest", str(export), "--process", str(PROCESS), *args, "--out", str(tmp_path / "o")]) == 0
    capsys.readouterr()
    rows = (tmp_path / "o" / "backtest.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert [row.split(",")[0] for row in rows] == ["2026-01-31"], rows
