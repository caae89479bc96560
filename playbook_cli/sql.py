"""`playbook sql`: the engine's verdict as one SQL statement for a warehouse or DuckDB."""

from __future__ import annotations

import argparse
import datetime as dt
import shlex
import textwrap
from pathlib import Path

from pipeline_audit.table_columns import export_columns, export_currency
from playbook_cli.common import (
    EXIT_INVALID,
    EXIT_OK,
    HelpFormatter,
    UserError,
    add_process_option,
    iso_date,
    load_or_report,
    report,
    warn,
)
from playbook_cli.crm_options import (
    add_mapping_options,
    export_option_problems,
    mapping_arguments,
    mapping_from_options,
)
from sales_process.crm import CrmMapping
from sales_process.engine import Status
from sales_process.loader import LoadedProcess
from sales_process.problems import InvalidFile
from verdict_sql.cells import CRM_ID
from verdict_sql.columns import InputColumns, audit_columns
from verdict_sql.dialects import DIALECTS
from verdict_sql.generate import OUTPUT_COLUMNS, STATUS_SUFFIX, statement_header, verdict_sql

EXAMPLE = (
    """examples:
  playbook sql --dialect duckdb --from deals --as-of 2027-03-01 > verdict.sql
  duckdb crm.duckdb < verdict.sql
  playbook sql --dialect postgres --from crm.deals --view crm.verified_deals | psql "$DATABASE_URL"
  playbook sql --dialect snowflake --from CRM.OPPORTUNITY --columns-from opportunities.csv > verdict.sql

input: a table or view (default: deals) with the columns `playbook audit` reads, by
  the names under crm: in process.yaml (or --column, --stage-name) or the audit's own: deal, stage (id, name or
  crm.stage_names), amount, segment (when a milestone has required_when.segment), and per
  milestone <id> (a boolean or yes/no, true/false, t/f, checked/unchecked, 1/0, x, v, ✓/✗, also
  ja/nein, oui/non, WAHR/FALSCH...), <id>.evidence
  (text), <id>.date (a DATE, or text as the audit reads dates: YYYY-MM-DD, or
  day/month/year under crm.dates), and with --buyer-columns <id>.confirmed_by
  (the buyer, Name <email>, as `playbook deals export` writes it) for each milestone
  with a buyer_statement. With --columns-from, the columns of that export's header, found
  as `playbook audit` finds them (also the CRM id, currency, status, close date, IsClosed
  and IsWon); a field or milestone part it lacks is read as blank
"""
    + textwrap.fill(
        "output: one row per input row (but a blank row or a report's footer line, which the audit skips): "
        f"{', '.join(OUTPUT_COLUMNS)}, and <milestone id>{STATUS_SUFFIX} "
        f"per milestone ({', '.join(Status)}); where the table has the CRM's id (mapped under crm:, or found by "
        f"--columns-from), {CRM_ID} follows deal: the key to join each verdict to its CRM row",
        width=80,
        subsequent_indent="  ",
        break_on_hyphens=False,
    )
    + """
no value makes the statement fail: a row the audit refuses (an amount such as 12k, an unknown
  stage, a date that is not one) has no verdict, and not_assessed names its cells
--as-of today (the default) assesses on the warehouse's CURRENT_DATE each time it runs"""
)


def as_of_date(text: str) -> dt.date | None:
    """argparse type for --as-of: a YYYY-MM-DD date, or None for `today`."""
    return None if text.strip().lower() == "today" else iso_date(text)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the sql command."""
    parser = commands.add_parser(
        "sql",
        help="print the verified-stage verdict as SQL for a warehouse or DuckDB",
        epilog=EXAMPLE,
        formatter_class=HelpFormatter,
    )
    add_process_option(parser)
    parser.add_argument("--dialect", required=True, choices=sorted(DIALECTS), help="the SQL dialect to write")
    parser.add_argument(
        "--from",
        dest="relation",
        metavar="RELATION",
        default="deals",
        help="the table or view of deals, optionally schema.table or database.schema.table (default: deals)",
    )
    parser.add_argument(
        "--as-of",
        type=as_of_date,
        metavar="DATE|today",
        default=None,
        help="assess as of this date, YYYY-MM-DD, or today: the date the SQL runs (default: today)",
    )
    parser.add_argument("--view", metavar="NAME", help="wrap the SELECT in CREATE OR REPLACE VIEW NAME")
    parser.add_argument(
        "--buyer-columns",
        action="store_true",
        help="read <id>.confirmed_by (the buyer, as `playbook deals export` writes it) for each milestone "
        "with a buyer_statement; without it (and crm.milestones.<id>.confirmed_by) every answer is the rep's; "
        "with --columns-from the export's header decides instead",
    )
    add_columns_from(parser)
    add_mapping_options(parser)
    add_row_order(parser)
    parser.set_defaults(run=run)


def add_row_order(parser: argparse.ArgumentParser) -> None:
    """The --row-order option: the column giving the rows' order, for the audit's one-currency rule."""
    parser.add_argument(
        "--row-order",
        metavar="COLUMN",
        help="a column of whole numbers giving each row's place in the export (its line, say): the first amount "
        "by it sets the currency, and an amount in another is not assessed, as `playbook audit` refuses it; "
        "without it the export's first amount sets it (--columns-from, a seed), else each amount keeps its own "
        "currency (group sums by the currency column)",
    )


def add_columns_from(parser: argparse.ArgumentParser) -> None:
    """The --columns-from option: read the table's columns from an export's header."""
    parser.add_argument(
        "--columns-from",
        metavar="EXPORT",
        help="a CRM export (CSV or .xlsx) whose header the table shares: its columns are found as the audit "
        "finds them (the crm: block, Salesforce's or HubSpot's standard names), and a field or milestone part "
        "it lacks is read as blank instead of failing in the warehouse",
    )
    parser.add_argument(
        "--no-evidence",
        action="store_true",
        help="with --columns-from: no milestone column read (the export may have none), as `playbook audit "
        "--no-evidence` reads it: the outcomes and the pipeline by claimed stage, no deal verified beyond the first stage",
    )


def command_line(command: str, args: argparse.Namespace) -> str:
    """How a generated file's header says `playbook COMMAND` made it: its dialect and the mapping options given."""
    evidence = ["--no-evidence"] if args.no_evidence else []
    return shlex.join(["playbook", command, "--dialect", args.dialect, *evidence, *mapping_arguments(args)])


def buyer_columns_problem(buyer_columns: bool, export_option: str | None) -> str | None:
    """Why --buyer-columns cannot be given with an export's header (`export_option` names the option), or None."""
    if buyer_columns and export_option is not None:
        return (
            f"--buyer-columns does nothing with {export_option}: the export's header decides, and its "
            "<id>.confirmed_by columns are read when it has them; drop --buyer-columns"
        )
    return None


def table_columns(args: argparse.Namespace, loaded: LoadedProcess, mapping: CrmMapping) -> InputColumns | None:
    """The columns of --columns-from's export, None without it; InvalidFile when its header cannot be read."""
    if args.columns_from is None:
        return None
    columns, warnings = export_columns(Path(args.columns_from), loaded, mapping, no_evidence=args.no_evidence)
    for warning in warnings:
        warn("sql", warning)
    return columns


def sums_currency(
    row_order: str | None, export: str | None, loaded: LoadedProcess, mapping: CrmMapping, no_evidence: bool
) -> str | None:
    """The currency the statement sums, given as a constant: the export's (export_currency), which the audit of the
    table's rows sums whatever their order in the table; None with a row order (the table's own first decides) or
    without an export."""
    if row_order is not None or export is None:
        return None
    return export_currency(Path(export), loaded, mapping, no_evidence)


def row_order_problem(column: str | None) -> str | None:
    """Why --row-order's column name cannot be used, or None."""
    if column is None:
        return None
    if not column.strip():
        return "--row-order is blank; name the column giving each row's place in the export, e.g. --row-order line"
    if any(not character.isprintable() for character in column):
        return f"--row-order {column!r} contains a control character; write the column's name as the table has it"
    return None


def name_problem(option: str, name: str) -> str | None:
    """Why a relation or view name cannot be used, or None."""
    parts = name.split(".")
    if any(not part.strip() for part in parts) or len(parts) > 3:
        what = "has an empty part" if len(parts) <= 3 else f"has {len(parts)} parts"
        return f"{option} {name!r} {what}; write NAME, SCHEMA.NAME or DATABASE.SCHEMA.NAME"
    if any(not character.isprintable() for character in name):
        return f"{option} {name!r} contains a control character; write the name as the warehouse shows it"
    return None


def run(args: argparse.Namespace) -> int:
    """Print the statement for the process."""
    problems = [
        problem
        for option, name in (("--from", args.relation), ("--view", args.view))
        if name is not None and (problem := name_problem(option, name)) is not None
    ]
    for problem in (
        buyer_columns_problem(args.buyer_columns, args.columns_from and "--columns-from"),
        row_order_problem(args.row_order),
    ):
        if problem is not None:
            problems.append(problem)
    problems += export_option_problems(args)
    if problems:
        raise UserError(*problems)
    loaded = load_or_report(args.process)
    if loaded is None:
        return EXIT_INVALID
    process = loaded.process
    mapping = mapping_from_options(args, loaded)
    try:
        columns = table_columns(args, loaded, mapping) or audit_columns(process, mapping, buyers=args.buyer_columns)
    except InvalidFile as error:
        report(error)
        return EXIT_INVALID
    currency = sums_currency(args.row_order, args.columns_from, loaded, mapping, args.no_evidence)
    command = command_line("sql", args)
    header = statement_header(
        loaded,
        args.relation,
        command,
        columns,
        args.as_of,
        args.columns_from is not None,
        args.row_order,
        pipelines=mapping.pipelines,
        currency=currency,
    )
    print(
        verdict_sql(
            process,
            DIALECTS[args.dialect],
            args.relation,
            columns,
            args.as_of,
            view=args.view,
            header=header,
            mapping=mapping,
            row_order=args.row_order,
            currency=currency,
        ),
        end="",
    )
    return EXIT_OK
