"""`playbook validate`: check process.yaml and print every error and warning."""

from __future__ import annotations

import argparse
import sys

from playbook_cli.common import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    HelpFormatter,
    UserError,
    add_process_option,
    default_process,
    load_or_report,
)
from playbook_cli.records import add_database_option, saved_deal_warnings
from sales_process.vocabulary import plural

EXAMPLE = """examples:
  playbook validate --strict
  playbook validate sales/process.yaml

with deal records (--database, $PLAYBOOK_DATABASE_URL or ./playbook.db), it also warns of saved
deals whose stage or answers name ids process.yaml no longer has (add renamed_from to keep them).

prints one line per problem, e.g.
  process.yaml:70:5: error: unknown key 'milstones' in stage 'Qualifying'; did you mean 'milestones'?
exit status: 0 valid, 1 invalid (or warnings with --strict), 2 usage error"""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the validate command."""
    parser = commands.add_parser(
        "validate", help="check process.yaml for errors and warnings", epilog=EXAMPLE, formatter_class=HelpFormatter
    )
    add_process_option(parser)
    parser.add_argument(
        "file", nargs="?", metavar="FILE", help="the process file to check, as --process names it (give one of the two)"
    )
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors (exit 1)")
    add_database_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Validate the process file and report."""
    if args.file is not None:
        if args.process != default_process():
            raise UserError(
                f"give the process file once: as FILE ({args.file}) or as --process ({args.process})", status=EXIT_USAGE
            )
        args.process = args.file
    loaded = load_or_report(args.process)
    if loaded is None:
        return EXIT_INVALID
    warnings = [*loaded.warnings, *saved_deal_warnings(loaded, args.database, "validate")]
    for warning in warnings:
        print(warning, file=sys.stderr)
    stages = loaded.process.stages
    milestones = len(loaded.process.milestones())
    summary = f"{args.process}: valid: {plural(len(stages), 'stage')}, {plural(milestones, 'milestone')}"
    if warnings:
        count = len(warnings)
        failed = f", which --strict makes {'an error' if count == 1 else 'errors'}" if args.strict else ""
        print(f"{summary}, {plural(count, 'warning')}{failed}.")
        return EXIT_INVALID if args.strict else EXIT_OK
    print(f"{summary}.")
    return EXIT_OK
