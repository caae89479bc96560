"""Entry point of the `playbook` command: parse arguments and run one command."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from importlib import metadata
from types import ModuleType

from playbook_cli.common import (
    EXIT_INTERRUPTED,
    EXIT_INVALID,
    EXIT_USAGE,
    CommandParser,
    HelpFormatter,
    UserError,
    error_lines,
    path_error,
)
from sales_process.suggest import did_you_mean

# Each command is a module playbook_cli.<name> with register(subparsers), which sets `run`
# (a command with a hyphen lives in the module with an underscore: crm-template, crm_template).
COMMANDS = (
    "init",
    "validate",
    "schema",
    "assess",
    "practice",
    "build",
    "serve",
    "audit",
    "crm-template",
    "export",
    "users",
    "tokens",
    "db",
    "import",
    "deals",
    "sql",
    "dbt",
    "docs",
    "backtest",
    "digest",
)
# `import` is a keyword: its module has another name.
MODULES = {"import": "import_deals"}
DISTRIBUTION = "cvo-playbook"

EXAMPLE = """examples:
  playbook init                          a starter process.yaml (and its schema) in this folder
  playbook validate --strict             check ./process.yaml
  playbook serve                         the playbook and the self-check form on http://127.0.0.1:8000
  playbook assess deal.json --json       the stage one deal verifiably belongs in
  playbook practice --answer-key         practice scenarios and their answers, for trainers
  playbook audit pipeline.csv            the verified forecast of a CRM export
  playbook crm-template --crm salesforce the CRM fields to create for the milestones
  playbook sql --dialect postgres        the same verdict as SQL for a warehouse
  playbook dbt --out verdict-dbt --dialect postgres   the verdict as a dbt project
  playbook build --site-dir site         the static playbook site
  playbook schema > process.schema.json  the JSON Schema for editors
  playbook users add ana@example.com --role rep     a rep who signs in to save checks
  playbook tokens create ana@example.com            an API token
  playbook import pipeline.csv --owner ana@example.com   a CRM export into saved deals
  playbook db upgrade                    migrate the deal records (PostgreSQL)
  playbook docs                          where the manual is and how to open it
  playbook backtest --out backtest-out   each stage's probability against closed deals
  playbook digest --send                 the weekly email to each rep and manager

run 'playbook COMMAND --help' for a command's options and an example."""


def command_modules(argv: Sequence[str]) -> list[ModuleType]:
    """The modules to register: only the command being run, else all (for help and errors).

    Importing one command instead of all keeps Flask out of `playbook build` and
    MkDocs out of `playbook assess`: start-up time is most of a small command's time.
    """
    names = [argv[0]] if argv and argv[0] in COMMANDS else list(COMMANDS)
    return [importlib.import_module(f"playbook_cli.{MODULES.get(name, name.replace('-', '_'))}") for name in names]


def installed_version() -> str:
    """The version of the installed package (what a bug report should name)."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "(not installed as a package)"


def build_parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    """The argument parser with the commands `argv` needs (every command by default)."""
    parser = CommandParser(
        prog="playbook",
        description="A sales playbook and deal self-check generated from process.yaml (Customer Verifiable Outcomes).",
        epilog=EXAMPLE,
        formatter_class=HelpFormatter,
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"%(prog)s {installed_version()}",
        help="print the installed version and exit",
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    for command in command_modules(argv):
        command.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (0 ok, 1 invalid input, 2 usage)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv)
    try:
        args, unknown = parser.parse_known_args(argv)
        if unknown:
            _refuse_unknown(parser, argv, unknown)
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    if not hasattr(args, "run"):
        parser.print_help()  # `playbook` alone: what it can do, with examples
        return EXIT_USAGE
    try:
        status: int = args.run(args)
    except BrokenPipeError:
        return _output_closed()
    except KeyboardInterrupt:  # Ctrl-C: the user knows why; a traceback would only bury the line below
        print(f"\nplaybook{' ' + argv[0] if argv and argv[0] in COMMANDS else ''}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except UserError as error:
        return _said(argv, error)
    except OSError as error:  # a path the file system refused, which no command checked first
        return _said(argv, path_error(error))
    return status


def _said(argv: Sequence[str], error: UserError) -> int:
    """Print a user error as the one handler words it; its exit status."""
    command = argv[0] if argv and argv[0] in COMMANDS else "playbook"
    for line in error_lines(command, error):
        print(line, file=sys.stderr)
    return error.status


def chosen_parser(parser: argparse.ArgumentParser, argv: Sequence[str]) -> argparse.ArgumentParser:
    """The parser of the (sub)command `argv` runs: `playbook users add`'s for ['users', 'add', ...]."""
    current = parser
    for word in argv:
        commands = [action for action in current._actions if isinstance(action, argparse._SubParsersAction)]
        if not commands:
            break
        current = commands[0].choices.get(word, current)
    return current


def _refuse_unknown(parser: argparse.ArgumentParser, argv: Sequence[str], unknown: Sequence[str]) -> None:
    """Exit with the usage of the command given arguments it does not take (argparse would show
    `playbook`'s), naming the option an unknown one is a typo of."""
    command = chosen_parser(parser, argv)
    options = [option for action in command._actions for option in action.option_strings]
    hints = [did_you_mean(word.split("=", 1)[0], options) for word in unknown if word.startswith("--")]
    command.error(f"unrecognized arguments: {' '.join(unknown)}{''.join(hint for hint in hints if hint)}")


def _output_closed() -> int:
    """The reader of our output went away (`playbook audit ... | head`): stop quietly.

    Later writes, including the interpreter's final flush, go to /dev/null instead of
    raising BrokenPipeError again (the recipe of Python's signal module documentation).
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return EXIT_INVALID
