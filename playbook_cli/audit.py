"""`playbook audit`: every deal of a CRM export through the assessment engine."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from pipeline_audit.audit import AuditOptions, audit_pipeline
from pipeline_audit.columns import check_ignored
from pipeline_audit.progress import ProgressBar
from pipeline_audit.report_html import write_report
from pipeline_audit.summary import summary_text
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
from sales_process.crm import CrmMapping, Target, parse_target, resolve_mapping, split_assignment
from sales_process.deal import stage_lookup
from sales_process.loader import LoadedProcess
from sales_process.problems import InvalidFile
from sales_process.vocabulary import DateOrder, name_key, plural

EXAMPLE = """examples:
  playbook audit examples/pipeline.csv --as-of 2027-03-01 --out audit-out
  playbook audit opportunities.csv --column "Opportunity Name=deal" --column "Pricing Agreeable=pricing-agreeable" \\
      --stage-name "Proposal/Price Quote=proposing" --month-first
  playbook audit export-de.csv --decimal-comma

input: a CSV export (UTF-8, comma or semicolon) with a header row. Columns are read by
  their standard names (deal, crm_id, stage, amount, currency, owner, and per milestone
  <id>, <id>.evidence, <id>.date) or through the crm: block of process.yaml, which
  --column and --stage-name override for one run; `playbook crm-template` lists them.
  yes/no: yes/no/y/n/true/false/checked/unchecked/1/0/x or blank; dates: YYYY-MM-DD,
  or 23/02/2027 (day first when it can only be), others with --day-first/--month-first;
  amounts: 120000, 120,000.50, $120,000, USD 120 000 (74.000,00 with --decimal-comma)
writes OUT/audit.csv (one row per input row) and OUT/report.html (self-contained)
exit status: 0 audit done, 1 unreadable file, unknown columns, no milestone columns,
  or more than half of the rows not assessed (outputs still written), 2 usage error"""


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
    parser.add_argument("--column", metavar="'CRM NAME=FIELD'", action="append", default=[],
                        help="read a CRM column as an audit field (deal, crm_id, stage, amount, currency, owner) "
                        "or a milestone (<id>, <id>.evidence, <id>.date); overrides crm: in process.yaml (repeatable)")
    parser.add_argument("--stage-name", metavar="'CRM STAGE=STAGE'", action="append", default=[],
                        help="read a CRM stage name as a stage (id or name); overrides crm.stage_names (repeatable)")
    parser.add_argument("--ignore-column", metavar="NAME", action="append", default=[],
                        help="a CRM column to leave out of the audit (repeatable)")
    parser.add_argument("--decimal-comma", action="store_true", default=None,
                        help="amounts are written with a decimal comma: 74.000,00 or 74 000,00")
    order = parser.add_mutually_exclusive_group()
    order.add_argument("--day-first", dest="date_order", action="store_const", const=DateOrder.DAY_FIRST,
                       help="read dates such as 03/04/2027 day first (3 April)")
    order.add_argument("--month-first", dest="date_order", action="store_const", const=DateOrder.MONTH_FIRST,
                       help="read dates such as 03/04/2027 month first (March 4), as Salesforce writes them in the US")
    parser.set_defaults(run=run)


def mapping_from_options(args: argparse.Namespace, loaded: LoadedProcess) -> CrmMapping:
    """The process's crm block with --column, --stage-name and the other options applied; UserError when one is wrong."""
    problems: list[str] = []
    columns: list[tuple[str, Target]] = []
    for text in args.column:
        try:
            name, field = split_assignment(text, "Opportunity Name=deal")
            columns.append((name, parse_target(field, loaded.process)))
        except ValueError as error:
            problems.append(f"--column {text!r}: {error}")
    problems += _repeated(columns)
    stages: list[tuple[str, str]] = []
    lookup = stage_lookup(loaded.process)
    for text in args.stage_name:
        try:
            name, stage = split_assignment(text, "Proposal/Price Quote=proposing")
            stage_id = lookup.find(stage)
            assert stage_id is not None  # split_assignment refuses a blank stage
            stages.append((name, stage_id))
        except ValueError as error:
            problems.append(f"--stage-name {text!r}: {error}")
    if problems:
        raise UserError(*problems, status=EXIT_USAGE)
    mapping = resolve_mapping(loaded.process, columns, stages, args.ignore_column, args.decimal_comma, args.date_order)
    misuse = check_ignored(args.ignore_column, mapping)
    if misuse:
        raise UserError(*misuse, status=EXIT_USAGE)
    return mapping


def _repeated(columns: list[tuple[str, Target]]) -> list[str]:
    """A field given two columns, or a column given two fields, on one command line: say so, keep neither guessed."""
    problems: list[str] = []
    by_target: dict[Target, str] = {}
    by_name: dict[str, Target] = {}
    for name, target in columns:
        if target in by_target:
            problems.append(f"--column: {target} is mapped to both {by_target[target]!r} and {name!r}; keep one")
        if name_key(name) in by_name and by_name[name_key(name)] != target:
            problems.append(f"--column: {name!r} is mapped to both {by_name[name_key(name)]} and {target}; a column holds one field")
        by_target.setdefault(target, name)
        by_name.setdefault(name_key(name), target)
    return problems


def _out_dir(name: str) -> Path:
    out = Path(name)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UserError(f"cannot create the output folder {name!r}: {error.strerror}; choose another with --out") from None
    return out


def run(args: argparse.Namespace) -> int:
    """Audit the pipeline, write audit.csv and report.html, print the summary."""
    loaded = load_or_report(args.process)
    if loaded is None:
        return EXIT_INVALID
    mapping = mapping_from_options(args, loaded)
    out = _out_dir(args.out)
    options = AuditOptions(as_of=args.as_of or dt.date.today(), mapping=mapping)
    bar = ProgressBar(sys.stderr, "auditing") if sys.stderr.isatty() else None
    try:
        result = audit_pipeline(Path(args.pipeline), loaded, options, out / "audit.csv", bar)
    except InvalidFile as error:
        report(error)
        return EXIT_INVALID
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
            "proves little; fix the rows listed above (every reason is in the not_assessed column of audit.csv)"
        )
    return EXIT_OK
