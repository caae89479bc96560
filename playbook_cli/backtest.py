"""`playbook backtest`: how well the claimed and the verified stage predicted closed deals, at past dates."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from playbook_cli.common import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    HelpFormatter,
    UserError,
    add_process_option,
    iso_date,
    load_or_report,
    report,
)
from playbook_cli.crm_options import add_mapping_options, mapping_from_options
from playbook_cli.records import add_database_option, guarded, open_sessions, records_configured
from sales_process import clock
from sales_process.loader import LoadedProcess
from sales_process.problems import InvalidFile
from sales_process.vocabulary import DateOrder, plural

if TYPE_CHECKING:
    from forecast.export_source import ExportDeals

EXAMPLE = """examples:
  playbook backtest                                   the saved deals' outcomes (./playbook.db)
  playbook backtest closed.csv --history history.csv  a CRM export and its stage history
  playbook backtest closed.csv --history history.csv --every quarter --out backtest-out
  playbook backtest --from 2026-01-01 --to 2026-06-30 --every week --json
  playbook backtest closed.csv --history history.csv --no-evidence   the CRM's stages alone, before its evidence fields
  playbook backtest hubspot-deals.csv                 a HubSpot export with its "Date entered <stage>" columns
  playbook backtest closed.csv --history history.csv --month-first --history-day-first

At each snapshot date (the last day of each week, month or quarter; default: monthly over the
12 months before the latest close date) every deal that closed won or lost after it is counted
at the stage the CRM claimed then and at the stage its evidence verified then (only answers
dated on or before the snapshot count); a stage's win rate counts each deal once, however many
snapshots held it there. The history file (CSV or .xlsx) has one row per deal and
stage change, columns deal, stage, date (or as mapped under crm.history in process.yaml); of a
field-history report (Salesforce's Opportunity Field History) the stage changes are read. Its dates
are read in the export's order (--day-first, --month-first), or in its own with --history-day-first
or --history-month-first. Without --history, the export's own "Date entered <stage>" columns
(HubSpot's) are the history."""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the backtest command."""
    parser = commands.add_parser(
        "backtest",
        help="measure each stage's probability against closed deals: claimed versus verified",
        epilog=EXAMPLE,
        formatter_class=HelpFormatter,
    )
    parser.add_argument(
        "export",
        metavar="EXPORT",
        nargs="?",
        help='a CRM export with closed deals, and --history or its own "Date entered <stage>" columns',
    )
    parser.add_argument("--history", metavar="HISTORY.csv", help="the stage history of the export's deals")
    add_process_option(parser)
    add_database_option(parser)
    parser.add_argument("--from", dest="start", type=iso_date, metavar="DATE", help="first day of the snapshots")
    parser.add_argument("--to", dest="end", type=iso_date, metavar="DATE", help="last day of the snapshots")
    parser.add_argument(
        "--as-of",
        type=iso_date,
        metavar="DATE",
        help="the day the backtest is as of, YYYY-MM-DD: no snapshot after it, and a past day leaves out the deals "
        "closed after it (default: today)",
    )
    parser.add_argument(
        "--every", choices=("week", "month", "quarter"), default="month", help="how often (default: month)"
    )
    parser.add_argument("--out", metavar="DIR", help="write backtest.csv and backtest.html into DIR")
    parser.add_argument("--json", action="store_true", help="print the results as JSON instead of the summary")
    parser.add_argument(
        "--no-evidence",
        action="store_true",
        help="measure the stages the CRM claimed alone, for an export without milestone columns",
    )
    add_mapping_options(parser)
    add_history_date_options(parser)
    parser.set_defaults(run=guarded(run))


def add_history_date_options(parser: argparse.ArgumentParser) -> None:
    """Add --history-day-first/--history-month-first: the history file's own date order, when it is not the
    export's (--day-first/--month-first read both)."""
    order = parser.add_mutually_exclusive_group()
    for option, const, example in (
        ("--history-day-first", DateOrder.DAY_FIRST, "day first (3 April)"),
        ("--history-month-first", DateOrder.MONTH_FIRST, "month first (March 4)"),
    ):
        order.add_argument(
            option,
            dest="history_dates",
            action="store_const",
            const=const,
            help=f"read the --history file's dates such as 03/04/2027 {example}, whatever the export's order "
            "(default: the export's, --day-first or --month-first)",
        )


def _histories(args: argparse.Namespace, loaded: LoadedProcess) -> ExportDeals:
    """The closed deals to measure, notes on how their source was read, and the currency their amounts are summed in."""
    if args.history_dates is not None and args.history is None:
        option = "--history-day-first" if args.history_dates is DateOrder.DAY_FIRST else "--history-month-first"
        raise UserError(
            f"{option} reads the dates of a history file: give it with --history HISTORY.csv (an export's own "
            '"Date entered" columns are read in the export\'s order: --day-first or --month-first)',
            status=EXIT_USAGE,
        )
    if args.export is not None:
        if args.database:
            raise UserError("give an export (with --history) or --database, not both", status=EXIT_USAGE)
        from forecast.export_source import export_histories

        history = None if args.history is None else Path(args.history)
        return export_histories(
            Path(args.export),
            history,
            loaded.process,
            mapping_from_options(args, loaded),
            args.no_evidence,
            args.history_dates,
        )
    if args.history is not None:
        raise UserError(
            "--history goes with an export: playbook backtest EXPORT --history HISTORY.csv", status=EXIT_USAGE
        )
    if not records_configured(args.database):
        raise UserError(
            "no source: give a CRM export and its stage history (playbook backtest EXPORT --history HISTORY.csv), "
            "or the deal records with --database URL",
            status=EXIT_USAGE,
        )
    from deal_records.database import reading
    from forecast.export_source import ExportDeals
    from forecast.records_source import saved_histories

    with reading(open_sessions(args.database)) as db:
        histories, currency = saved_histories(db, loaded.process)
        return ExportDeals(histories, [], currency)


def _dates(args: argparse.Namespace, latest_close: dt.date, as_of: dt.date) -> list[dt.date]:
    """The snapshot dates: of --from/--to (default: the 12 months before the latest close), none after `as_of` (a
    snapshot in the future would measure what has not happened: the end is moved back to it, and a note says so)."""
    from forecast.snapshots import Every, default_range, snapshot_dates

    start, end = default_range(latest_close)
    start, end = args.start or start, args.end or end
    if args.end is not None and start > end:
        raise UserError(f"--from {start.isoformat()} is after --to {end.isoformat()}; swap them", status=EXIT_USAGE)
    today = "" if args.as_of else " (today)"
    if start > as_of:
        raise UserError(
            f"--from {start.isoformat()} is after {as_of.isoformat()}, the day the backtest is as of{today}: a "
            "snapshot after it would measure what has not happened; give an earlier --from (or a later --as-of)",
            status=EXIT_USAGE,
        )
    if start > end:  # no --to: the snapshots end at the latest close by default
        raise UserError(
            f"--from {start.isoformat()} is after the latest close date, {end.isoformat()}, where the snapshots end "
            "without --to: no closed deal was open after it; give an earlier --from",
            status=EXIT_USAGE,
        )
    if end > as_of:
        before = snapshot_dates(start, as_of, Every(args.every))
        if before:
            given = f"--to {end.isoformat()}" if args.end is not None else f"the latest close date, {end.isoformat()},"
            print(
                f"{given} is after {as_of.isoformat()}, the day the backtest is as of{today}: the snapshots end at "
                f"{before[-1].isoformat()}, the last {args.every} end on or before it (a snapshot after it would "
                "measure what has not happened)",
                file=sys.stderr,
            )
        end = as_of
    dates = snapshot_dates(start, end, Every(args.every))
    if not dates:
        raise UserError(
            f"no {args.every} ends between {start.isoformat()} and {end.isoformat()}; widen --from/--to or use a shorter --every",
            status=EXIT_USAGE,
        )
    return dates


def run(args: argparse.Namespace) -> int:
    """Read the closed deals, run the backtest, print and write what it found."""
    from forecast.backtest import backtest_json, closed_by, run_backtest
    from forecast.report import summary, write_outputs

    loaded = load_or_report(args.process)
    if loaded is None:
        return EXIT_INVALID
    try:
        read = _histories(args, loaded)
    except InvalidFile as error:
        report(error)
        return EXIT_INVALID
    histories = read.deals
    for note in read.notes:
        print(note, file=sys.stderr)
    if not histories:
        raise UserError(
            "no deal closed won or lost to measure against: close deals on their page or with "
            "POST /api/deals/ID/outcome, or export closed deals from the CRM with their status and close date"
        )
    as_of = args.as_of or clock.today()
    if (
        as_of < clock.today()
    ):  # as of a past day: only the outcomes known then (a close date after today is typed ahead)
        histories, later = closed_by(histories, as_of)
        if later:
            print(
                f"{plural(later, 'closed deal')} closed after {as_of.isoformat()}, the day the backtest is as of, "
                f"{'is' if later == 1 else 'are'} left out: as of that day {'it was' if later == 1 else 'they were'} "
                "still open, with no outcome to measure",
                file=sys.stderr,
            )
        if not histories:
            raise UserError(
                f"no deal had closed won or lost by {as_of.isoformat()}, the day the backtest is as of: give a later "
                "--as-of"
            )
    dates = _dates(args, max(history.closed_on for history in histories), as_of)
    result = run_backtest(
        loaded.process,
        histories,
        dates,
        evidence=not args.no_evidence,
        saved=args.export is None,
        currency=read.currency,
    )
    if args.json:
        print(json.dumps(backtest_json(result), ensure_ascii=False, allow_nan=False))
    else:
        sys.stdout.write(summary(result))
    if args.out:
        try:
            written = write_outputs(result, Path(args.out))
        except OSError as error:
            raise UserError(
                f"cannot write into {args.out!r}: {error.strerror}; choose another folder with --out"
            ) from None
        print(f"Wrote {' and '.join(str(path) for path in written)}", file=sys.stderr if args.json else sys.stdout)
    return EXIT_OK
