"""Options and error reporting shared by the `playbook` commands."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from sales_process.loader import DEFAULT_PROCESS, PROCESS_ENV, LoadedProcess, load_process
from sales_process.problems import InvalidFile
from sales_process.suggest import closest
from sales_process.vocabulary import parse_iso_date, plural
from sales_process.wording import path_problem
from site_builder.location import SITE_ENV, default_site_dir

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # the shells' status for a command ended by Ctrl-C (128 + SIGINT)


class UserError(Exception):
    """A mistake the user can fix: main() prints `playbook COMMAND: error: MESSAGE` and exits.

    Raise it with every message at once; `status` is EXIT_INVALID (bad input) or EXIT_USAGE (bad options).
    """

    def __init__(self, *messages: str, status: int = EXIT_INVALID) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages
        self.status = status


def path_error(error: OSError) -> UserError:
    """A user error for a path the file system refused: the path, and what to do about it (an error of no path,
    such as a connection refused, in the system's words)."""
    if not error.filename:
        return UserError(error.strerror or str(error))
    return UserError(f"{error.filename}: {path_problem(error)}")


def error_lines(command: str, error: UserError) -> list[str]:
    """The lines the one error handler prints for a user error: one per message, one prefix style."""
    return [f"playbook {command}: error: {message}" for message in error.messages]


def warn(command: str, message: str) -> None:
    """Print a warning in the same style as errors: `playbook COMMAND: warning: MESSAGE`."""
    print(f"playbook {command}: warning: {message}", file=sys.stderr)


def default_process() -> str:
    """The process file when --process is not given: $PLAYBOOK_PROCESS, else ./process.yaml."""
    return os.environ.get(PROCESS_ENV) or DEFAULT_PROCESS


def add_process_option(parser: argparse.ArgumentParser) -> None:
    """Add --process PATH (default: $PLAYBOOK_PROCESS, else ./process.yaml)."""
    parser.add_argument(
        "--process",
        metavar="PATH",
        default=default_process(),
        help=f"the process file (default: ${PROCESS_ENV}, else ./{DEFAULT_PROCESS})",
    )


def add_site_dir_option(parser: argparse.ArgumentParser, what: str) -> None:
    """Add --site-dir DIR (default: $PLAYBOOK_SITE_DIR, else ./site), the folder of the built playbook."""
    parser.add_argument(
        "--site-dir",
        metavar="DIR",
        type=Path,
        default=Path(default_site_dir()),
        help=f"{what} (default: ${SITE_ENV}, else ./site)",
    )


# The dates an option takes: far enough from the calendar's ends that a period or an age around them is a date too.
EARLIEST_DATE, LATEST_DATE = dt.date(1900, 1, 1), dt.date(9998, 12, 31)


def iso_date(text: str) -> dt.date:
    """argparse type for --as-of: a YYYY-MM-DD date from EARLIEST_DATE to LATEST_DATE, or a usage error."""
    try:
        date = parse_iso_date(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    if not EARLIEST_DATE <= date <= LATEST_DATE:
        raise argparse.ArgumentTypeError(f"{text!r} is out of range; give a date from {EARLIEST_DATE} to {LATEST_DATE}")
    return date


def port_number(text: str) -> int:
    """argparse type for --port: a TCP port, 0 to 65535 (0: a free one)."""
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port; give a number from 1 to 65535, or 0 for a free one")
    return port


def host_address(text: str) -> str:
    """argparse type for --host: an address to listen on, not blank (a blank host listens on every interface)."""
    if not text.strip():
        raise argparse.ArgumentTypeError(
            "give an address, such as 127.0.0.1 (this machine only) or 0.0.0.0 (every network interface)"
        )
    return text


# Every problem of a real file is printed at once; a file that is not what the command reads (a log, an export)
# could give one per line, hundreds of thousands: the first ones say what the file is.
MAX_PRINTED_PROBLEMS = 100


def report(error: InvalidFile) -> None:
    """Print the diagnostics of an invalid file on standard error: all of them, up to MAX_PRINTED_PROBLEMS."""
    for diagnostic in error.diagnostics[:MAX_PRINTED_PROBLEMS]:
        print(diagnostic, file=sys.stderr)
    if len(error.diagnostics) > MAX_PRINTED_PROBLEMS:
        more = len(error.diagnostics) - MAX_PRINTED_PROBLEMS
        print(f"… and {plural(more, 'more problem')}, not shown", file=sys.stderr)
    errors = sum(1 for d in error.diagnostics if d.severity == "error")
    warnings = len(error.diagnostics) - errors
    also = f" and {plural(warnings, 'warning')}" if warnings else ""
    print(f"{plural(errors, 'error')}{also} found.", file=sys.stderr)


def load_or_report(path: str) -> LoadedProcess | None:
    """Load the process, or print its errors and return None."""
    try:
        return load_process(path)
    except InvalidFile as error:
        report(error)
        return None


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keep the examples in the epilog as written."""


def add_action(
    actions: argparse._SubParsersAction[argparse.ArgumentParser], command: str, name: str, *, help: str, examples: str
) -> argparse.ArgumentParser:
    """An action of a command (`playbook users add`): its own --help shows the lines of the command's
    `examples` that run it."""
    # A line running it (alone, or after a pipe), not a sentence naming it.
    runs = re.compile(rf"(^|\|\s*)playbook {re.escape(command)} {re.escape(name)}(\s|$)")
    own = [line for line in examples.splitlines() if runs.search(line.strip())]
    return actions.add_parser(
        name, help=help, epilog="examples:\n" + "\n".join(own) if own else None, formatter_class=HelpFormatter
    )


if TYPE_CHECKING:  # typeshed makes the action generic in its parser; argparse's class is not subscriptable
    _SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]
else:
    _SubParsers = argparse._SubParsersAction


class _DescribedCommands(_SubParsers):
    """Commands whose own --help starts with the sentence their command's list gives them."""

    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser:
        """Add the command, described by its `help` unless it has a description of its own."""
        summary = kwargs.get("help")
        if summary and kwargs.get("description") is None:
            kwargs["description"] = summary[:1].upper() + summary[1:] + "."
        parser: argparse.ArgumentParser = super().add_parser(name, **kwargs)
        return parser


class CommandParser(argparse.ArgumentParser):
    """`playbook`'s parser, and so its commands' and their actions': `playbook users add --help` says what
    it does, in the words `playbook users --help` lists it with."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.register("action", "parsers", _DescribedCommands)

    def error(self, message: str) -> NoReturn:
        """Exit with the usage and the message, naming the command a mistyped or borrowed one is likely to mean."""
        chosen = _INVALID_CHOICE.search(message)
        if chosen is not None:
            message += _command_meant(chosen["typed"], chosen["choices"])
        super().error(message)


_INVALID_CHOICE = re.compile(r"invalid choice: '(?P<typed>[^']*)' \(choose from (?P<choices>[^)]*)\)")
# Words other tools use for what a command here does.
_BORROWED_COMMANDS = {
    "lint": "validate",
    "check": "validate (process.yaml) or assess (one deal)",
    "verify": "validate",
    "run": "serve",
    "start": "serve",
    "server": "serve",
    "migrate": "db upgrade",
    "upgrade": "db upgrade",
    "backup": "db backup",
    "report": "audit",
    "new": "init",
    "user": "users",
    "token": "tokens",
    "help": "--help",
}


def _command_meant(typed: str, choices: str) -> str:
    """ "; did you mean validate?" for a command another tool names so (lint) or one mistyped; "" when none is close."""
    meant = _BORROWED_COMMANDS.get(typed.lower())
    if meant is not None:
        return f"; did you mean {meant}?"
    names = [name.strip(" '") for name in choices.split(",")]
    close = closest(typed, names)
    return f"; did you mean {close}?" if close else ""
