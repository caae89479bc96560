"""The CLI reference page: the `--help` of every `playbook` command, from the argument parsers themselves."""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from contextlib import contextmanager

from playbook_cli.main import build_parser

HELP_WIDTH = "100"  # argparse wraps at the terminal's width; the page must not depend on it


@contextmanager
def _fixed_width() -> Iterator[None]:
    previous = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = HELP_WIDTH
    try:
        yield
    finally:
        if previous is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = previous


def _subcommands(parser: argparse.ArgumentParser) -> list[tuple[str, argparse.ArgumentParser]]:
    """The parser's commands in the order they were added (none for a command without subcommands)."""
    found: list[tuple[str, argparse.ArgumentParser]] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            # Aliases map to the same parser: keep each parser once, under its first name.
            seen: set[int] = set()
            for name, sub in action.choices.items():
                if id(sub) not in seen:
                    seen.add(id(sub))
                    found.append((name, sub))
    return found


def command_parsers(
    parser: argparse.ArgumentParser, words: list[str]
) -> Iterator[tuple[list[str], argparse.ArgumentParser]]:
    """The parser and those of its commands and their actions, each with the words that run it."""
    yield words, parser
    for name, sub in _subcommands(parser):
        yield from command_parsers(sub, [*words, name])


def _fence(text: str) -> str:
    return f"```text\n{text.rstrip()}\n```"


def cli_reference() -> str:
    """The whole page: one section per command and subcommand, each its `--help` verbatim."""
    with _fixed_width():
        parser = build_parser()
        sections = [
            "# Command-line reference",
            "<!-- Generated from the argument parsers by `python -m docs_tools`; do not edit. "
            "tests/manual/test_generated_pages.py fails when it drifts. -->",
            "Every `playbook` command with its options and an example, exactly as `playbook COMMAND --help`"
            " prints them. `playbook` alone lists the commands. Exit status: 0 done, 1 invalid input"
            " (every problem listed), 2 wrong command-line usage.",
        ]
        for words, command in command_parsers(parser, ["playbook"]):
            title = " ".join(words)
            level = "##" if len(words) <= 2 else "###"
            sections.append(f"{level} `{title}`\n\n{_fence(command.format_help())}")
    return "\n\n".join(sections) + "\n"
