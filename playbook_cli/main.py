"""Entry point of the `playbook` command: parse arguments and run one command."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from playbook_cli import assess, audit, build, export, schema, serve, validate
from playbook_cli.common import EXIT_USAGE, HelpFormatter

# Each command module has register(subparsers) and sets `run` on its parser.
COMMANDS = (validate, schema, assess, build, serve, audit, export)

EXAMPLE = """examples:
  playbook validate                      check ./process.yaml
  playbook assess deal.json --json       the stage one deal verifiably belongs in
  playbook schema > process.schema.json  the JSON Schema for editors

run 'playbook COMMAND --help' for a command's options and an example."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command."""
    parser = argparse.ArgumentParser(
        prog="playbook",
        description="A sales playbook and deal self-check generated from process.yaml "
        "(Customer Verifiable Outcomes).",
        epilog=EXAMPLE,
        formatter_class=HelpFormatter,
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    for command in COMMANDS:
        command.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (0 ok, 1 invalid input, 2 usage)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    if not hasattr(args, "run"):
        parser.print_usage()
        return EXIT_USAGE
    status: int = args.run(args)
    return status
