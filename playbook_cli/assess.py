"""`playbook assess`: the stage one deal verifiably belongs in."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from playbook_cli.common import (
    EXIT_INVALID,
    EXIT_OK,
    HelpFormatter,
    add_process_option,
    iso_date,
    load_or_report,
    report,
)
from sales_process import clock
from sales_process.deal_file import parse_deal_file, refuse_a_table
from sales_process.engine import assess
from sales_process.problems import Diagnostic, InvalidFile
from sales_process.report import assessment_json, assessment_text
from sales_process.wording import path_problem
from sales_process.yaml_source import MAX_FILE_BYTES, refuse_oversized

EXAMPLE = """example:
  playbook assess deal.json --as-of 2027-03-01 --json

deal.json (or .yaml), every key optional:
  {"deal": "Contoso", "claimed_stage": "proposing", "amount": 120000, "segment": "Enterprise",
   "milestones": {"pricing-discussed": {"met": true, "evidence": "CFO call notes", "date": "2027-02-03"}}}
use - to read the deal from standard input"""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the assess command."""
    parser = commands.add_parser(
        "assess", help="assess one deal against the process", epilog=EXAMPLE, formatter_class=HelpFormatter
    )
    parser.add_argument("deal_file", metavar="DEAL_FILE", help="a JSON or YAML deal file, or - for standard input")
    add_process_option(parser)
    parser.add_argument(
        "--as-of", type=iso_date, metavar="DATE", help="assess as of this date (default: the deal's as_of, else today)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the report")
    parser.set_defaults(run=run)


def _read_deal(name: str) -> bytes:
    if name == "-":
        return sys.stdin.buffer.read()
    try:
        size = Path(name).stat().st_size
        if size > MAX_FILE_BYTES:  # told what it is without reading gigabytes into memory
            with Path(name).open("rb") as file:
                refuse_a_table(file.read(4096), name)
            refuse_oversized(size, name, "deal")
        return Path(name).read_bytes()
    except OSError as error:
        raise InvalidFile([Diagnostic(name, None, None, "error", path_problem(error))]) from None


def run(args: argparse.Namespace) -> int:
    """Assess the deal and print the result."""
    loaded = load_or_report(args.process)
    if loaded is None:
        return EXIT_INVALID
    filename = "<stdin>" if args.deal_file == "-" else args.deal_file
    try:
        deal = parse_deal_file(_read_deal(args.deal_file), filename, loaded.process)
    except InvalidFile as error:
        report(error)
        return EXIT_INVALID
    as_of = args.as_of or deal.as_of or clock.today()
    assessment = assess(loaded.process, deal, as_of)
    if args.json:
        print(json.dumps(assessment_json(loaded, assessment), ensure_ascii=False, allow_nan=False))
    else:
        print(assessment_text(loaded, assessment))
    return EXIT_OK
