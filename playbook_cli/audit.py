"""`playbook audit`: every deal of a CRM export through the assessment engine."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from pipeline_audit.audit import AuditOptions
from pipeline_audit.columns import check_ignored
from pipeline_audit.duckdb_engine import AUTO_DUCKDB_BYTES, ENGINES, run_audit
from pipeline_audit.progress import ProgressBar
from pipeline_audit.report_html import write_report
from pipeline_audit.summary import summary_text
from playbook_cli.common import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    HelpFormatter,
    add_process_option,
    iso_date,
    load_or_report,
    report,
)
from sales_process.problems import InvalidFile

EXAMPLE = """example:
  playbook audit examples/pipeline.csv --as-of 2027-03-01 --out audit-out

input: a CSV export (UTF-8, comma or semicolon) with a header row; columns
  deal (required), stage (id or name), amount, owner, and per milestone:
  <id> (yes/no/y/n/true/false/1/0/x or blank), <id>.evidence, <id>.date (YYYY-MM-DD)
writes OUT/audit.csv (one row per input row) and OUT/report.html (self-contained);
  --engine duckdb writes the same files, faster on large exports
exit status: 0 audit done (even with rows not assessed), 1 unreadable file or
  unknown columns, 2 usage error"""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the audit command."""
    parser = commands.add_parser(
        "audit", help="audit a CRM pipeline export: claimed versus verified forecast",
        epilog=EXAMPLE, formatter_class=HelpFormatter,
    )
    parser.add_argument("pipeline", metavar="PIPELINE.csv", help="the CRM export to audit")
    add_process_option(parser)
    parser.add_argument("--as-of", type=iso_date, metavar="DATE", help="assess as of this date, YYYY-MM-DD (default: today)")
    parser.add_argument("--out", metavar="DIR", default="audit-out", help="folder for audit.csv and report.html (default: audit-out)")
    parser.add_argument("--day-first", action="store_true", help="also read dates written DD/MM/YYYY")
    parser.add_argument("--ignore-column", metavar="NAME", action="append", default=[],
                        help="a CRM column that is not a milestone, left out of the audit (repeatable)")
    parser.add_argument("--engine", choices=ENGINES, default="auto",
                        help=f"python, duckdb (same files, faster on large exports) or auto: DuckDB from "
                        f"{AUTO_DUCKDB_BYTES // 1_000_000} MB on (default: auto)")
    parser.set_defaults(run=run)


def _out_dir(name: str) -> Path | None:
    out = Path(name)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        print(f"playbook audit: error: cannot create the output folder {name!r}: {error.strerror}; choose another with --out", file=sys.stderr)
        return None
    return out


def run(args: argparse.Namespace) -> int:
    """Audit the pipeline, write audit.csv and report.html, print the summary."""
    loaded = load_or_report(args.process)
    if loaded is None:
        return EXIT_INVALID
    misuse = check_ignored(args.ignore_column, loaded.process)
    for problem in misuse:
        print(f"playbook audit: error: {problem}", file=sys.stderr)
    if misuse:
        return EXIT_USAGE
    out = _out_dir(args.out)
    if out is None:
        return EXIT_INVALID
    options = AuditOptions(as_of=args.as_of or dt.date.today(), day_first=args.day_first, ignored=tuple(args.ignore_column))
    bar = ProgressBar(sys.stderr, "auditing") if sys.stderr.isatty() else None
    try:
        result = run_audit(args.engine, Path(args.pipeline), loaded, options, out / "audit.csv", bar)
    except InvalidFile as error:
        report(error)
        return EXIT_INVALID
    finally:
        if bar is not None:
            bar.done()
    write_report(result, loaded, out / "report.html")
    for warning in result.warnings:
        print(f"playbook audit: warning: {warning}", file=sys.stderr)
    print(summary_text(result, loaded))
    print(f"Wrote {out / 'audit.csv'} and {out / 'report.html'}")
    return EXIT_OK
