"""Options and error reporting shared by the `playbook` commands."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys

from sales_process.deal import parse_iso_date
from sales_process.loader import DEFAULT_PROCESS, PROCESS_ENV, LoadedProcess, load_process
from sales_process.problems import InvalidFile

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2


def add_process_option(parser: argparse.ArgumentParser) -> None:
    """Add --process PATH (default: $PLAYBOOK_PROCESS, else ./process.yaml)."""
    parser.add_argument(
        "--process",
        metavar="PATH",
        default=os.environ.get(PROCESS_ENV) or DEFAULT_PROCESS,
        help=f"the process file (default: ${PROCESS_ENV}, else ./{DEFAULT_PROCESS})",
    )


def iso_date(text: str) -> dt.date:
    """argparse type for --as-of: a YYYY-MM-DD date, or a usage error."""
    try:
        return parse_iso_date(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def report(error: InvalidFile) -> None:
    """Print every diagnostic of an invalid file on standard error."""
    for diagnostic in error.diagnostics:
        print(diagnostic, file=sys.stderr)
    errors = sum(1 for d in error.diagnostics if d.severity == "error")
    print(f"{errors} error{'s' if errors != 1 else ''} found.", file=sys.stderr)


def report_errors(command: str, problems: list[str]) -> bool:
    """Print each problem as `playbook COMMAND: error: ...` on standard error; True when there were any."""
    for problem in problems:
        print(f"playbook {command}: error: {problem}", file=sys.stderr)
    return bool(problems)


def load_or_report(path: str) -> LoadedProcess | None:
    """Load the process, or print its errors and return None."""
    try:
        return load_process(path)
    except InvalidFile as error:
        report(error)
        return None


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keep the examples in the epilog as written."""
