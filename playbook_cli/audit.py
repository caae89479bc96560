"""`playbook audit`: every deal of a CRM export through the assessment engine."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline_audit.audit import AuditOptions
from pipeline_audit.duckdb_engine import AUTO_DUCKDB_BYTES, ENGINES, memory_size, run_audit
from pipeline_audit.progress import ProgressBar
from pipeline_report.report_html import write_report
from pipeline_report.result import AuditResult
from pipeline_report.summary import date_order_text, names_counted, summary_text
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
    warn,
)
from playbook_cli.crm_options import add_mapping_options, mapping_from_options
from sales_process import clock
from sales_process.extras import DUCKDB, MissingExtra, require
from sales_process.problems import InvalidFile
from sales_process.totals import Period
from sales_process.vocabulary import plural

EXAMPLE = """examples:
  playbook audit examples/pipeline.csv --as-of 2027-03-01 --out audit-out
  playbook audit opportunities.csv --column "Opportunity Name=deal" --column "Pricing Agreeable=pricing-agreeable" \\
      --stage-name "Proposal/Price Quote=proposing" --month-first
  playbook audit salesforce-export.csv --no-evidence --from 2027-01-01 --to 2027-03-31
  playbook audit opportunities.xlsx --sheet Opportunities
  playbook audit export-ru.csv --encoding cp1251 --decimal-comma

input: a CSV export (UTF-8 or UTF-16 with a BOM detected, others with --encoding; comma,
  semicolon, tab or |) or an .xlsx workbook, with a header row. Columns are read by their standard names
  (deal, crm_id, stage, amount, currency, owner, segment, status, close_date, lost_date, and per milestone <id>,
  <id>.evidence, <id>.date, and <id>.confirmed_by: the buyer as Name <email>, as `playbook deals
  export` writes it), by the standard names of Salesforce, HubSpot, Dynamics 365, Pipedrive,
  Bitrix24, Zoho CRM and Odoo (StageName, Deal Stage, Est. Revenue, IsClosed/IsWon ...), or through the crm: block
  of process.yaml, which --column and --stage-name override for one run; `playbook crm-template`
  lists them. Other columns are ignored and listed once (--strict-columns: errors), except one
  that looks like a milestone or an audit field: that is an error with a did-you-mean.
  closed deals (a status column, IsClosed/IsWon, the last stage, crm.lost_stages or a lost or
  disqualified stage name) are outcomes: counted with their amounts, never assessed nor weighted.
  yes/no: yes/no/y/n/true/false/checked/unchecked/1/0/x/✓/✗ or blank, also in German, French,
  Spanish, Italian, Portuguese and Dutch (ja/nein, oui/non, WAHR/FALSCH...); dates: YYYY-MM-DD,
  or 23/02/2027 (day first when it can only be), others with --day-first/--month-first,
  two-digit years as spreadsheets read them (00-29: 2000s, 30-99: 1900s);
  amounts: 120000, 120,000.50, $120,000, $120,000.00 USD, USD 120 000 (74.000,00 with --decimal-comma)
writes OUT/audit.csv (one row per input row) and OUT/report.html (self-contained);
  --engine duckdb writes the same files, faster on large exports
exit status: 0 audit done, 1 unreadable file, a column that looks like a milestone, no milestone
  columns (without --no-evidence), a header but no deals, or more than half of the rows not
  assessed (outputs still written), 2 usage error"""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the audit command."""
    parser = commands.add_parser(
        "audit",
        help="audit a CRM pipeline export: claimed versus verified forecast",
        epilog=EXAMPLE,
        formatter_class=HelpFormatter,
    )
    parser.add_argument("pipeline", metavar="PIPELINE.csv", help="the CRM export to audit")
    add_process_option(parser)
    parser.add_argument(
        "--as-of", type=iso_date, metavar="DATE", help="assess as of this date, YYYY-MM-DD (default: today)"
    )
    parser.add_argument(
        "--out", metavar="DIR", default="audit-out", help="folder for audit.csv and report.html (default: audit-out)"
    )
    add_mapping_options(parser)
    parser.add_argument(
        "--no-evidence",
        action="store_true",
        help="audit the pipeline as the CRM claims it: the open pipeline by claimed stage and the closed "
        "outcomes, none of it customer-verified; for an export without milestone columns (an export's milestone "
        "columns are then not read, and named)",
    )
    parser.add_argument(
        "--from",
        dest="period_from",
        type=iso_date,
        metavar="DATE",
        help="count closed deals (won, lost, disqualified) closed on or after this date, YYYY-MM-DD",
    )
    parser.add_argument(
        "--to",
        dest="period_to",
        type=iso_date,
        metavar="DATE",
        help="count closed deals closed on or before this date, YYYY-MM-DD",
    )
    parser.add_argument(
        "--engine",
        choices=ENGINES,
        default="auto",
        help=f"python, duckdb (same files, faster on large exports) or auto: DuckDB from "
        f"{AUTO_DUCKDB_BYTES // 1_000_000} MB on (default: auto)",
    )
    parser.add_argument(
        "--memory-limit",
        type=_memory_size,
        metavar="SIZE",
        help="DuckDB's memory limit, e.g. 2GB (default: 64MB and half a megabyte per column of the file and "
        "thread, 116MB for the default process on two cores): beyond it DuckDB spills to a temporary folder; "
        "more memory is faster on large exports",
    )
    parser.set_defaults(run=run)


def _memory_size(text: str) -> str:
    """argparse type for --memory-limit: a size DuckDB reads, or a usage error."""
    try:
        return memory_size(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _out_dir(name: str) -> Path:
    out = Path(name)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UserError(
            f"cannot create the output folder {name!r}: {error.strerror}; choose another with --out"
        ) from None
    return out


def run(args: argparse.Namespace) -> int:
    """Audit the pipeline, write audit.csv and report.html, print the summary."""
    loaded = load_or_report(args.process)
    if loaded is None:
        return EXIT_INVALID
    mapping = mapping_from_options(args, loaded)
    if args.period_from and args.period_to and args.period_from > args.period_to:
        raise UserError(
            f"--from {args.period_from} is after --to {args.period_to}; give the earlier date to --from",
            status=EXIT_USAGE,
        )
    if args.memory_limit and args.engine == "python":
        raise UserError(
            "--memory-limit sets DuckDB's memory, which --engine python does not use; "
            "drop it, or audit with --engine duckdb or auto",
            status=EXIT_USAGE,
        )
    if args.engine == "duckdb":
        try:
            require(DUCKDB)  # before the output folder is made: a refused audit leaves nothing behind
        except MissingExtra as missing:
            raise UserError(str(missing)) from None
    out = _out_dir(args.out)
    options = AuditOptions(
        as_of=args.as_of or clock.today(),
        mapping=mapping,
        period=Period(args.period_from, args.period_to),
        no_evidence=args.no_evidence,
    )
    bar = ProgressBar(sys.stderr, "auditing") if sys.stderr.isatty() else None
    try:
        result = run_audit(args.engine, Path(args.pipeline), loaded, options, out / "audit.csv", bar, args.memory_limit)
    except InvalidFile as error:
        report(error)
        return EXIT_INVALID
    except MissingExtra as missing:
        raise UserError(str(missing)) from None
    finally:
        if bar is not None:
            bar.done()
    write_report(result, loaded, out / "report.html")
    for warning in result.warnings:
        warn("audit", warning)
    print(summary_text(result, loaded))
    print(f"Wrote {out / 'audit.csv'} and {out / 'report.html'}")
    if result.mostly_unassessed:
        totals = result.totals
        raise UserError(
            f"{totals.not_assessed} of {plural(totals.rows, 'deal')} could not be assessed (more than half), so this audit "
            f"proves little; {_what_to_fix(result)} (every reason is in the not_assessed column of audit.csv)"
        )
    return EXIT_OK


def _what_to_fix(result: AuditResult) -> str:
    """Where to start on the rows not assessed: the stage names the process does not know, when they are most of
    them (and the other pipelines they come from), else the rows listed."""
    unknown = sum(rows for _, rows in result.unknown_stages) + result.other_unknown_stages
    if unknown * 2 <= result.totals.not_assessed:
        dates = date_order_text(result)
        return f"start with the dates: {dates}" if dates else "fix the rows listed above"
    fix = f"{unknown} of them are at stage names the process does not know: map them under crm.stage_names as listed above"
    if result.unknown_stage_pipelines and result.one_pipeline_advised:
        pipelines = names_counted(result.unknown_stage_pipelines)
        fix += f", or read only this process's pipeline with --pipeline NAME or crm.pipelines (their pipelines: {pipelines})"
    return fix
