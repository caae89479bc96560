"""`playbook init`: a starter process.yaml (the default process) and its JSON Schema in a folder."""

from __future__ import annotations

import argparse
from importlib import resources
from pathlib import Path

from playbook_cli.common import EXIT_OK, HelpFormatter, UserError
from sales_process.loader import DEFAULT_PROCESS
from sales_process.schema import process_json_schema_text

SCHEMA_FILE = "process.schema.json"
MODELINE = f"# yaml-language-server: $schema={SCHEMA_FILE}"

EXAMPLE = f"""example:
  playbook init                 ./{DEFAULT_PROCESS} and ./{SCHEMA_FILE}
  playbook init sales           the same in the folder sales (created if missing)
  playbook serve                then: the playbook and the form of the new process

{DEFAULT_PROCESS} is the default B2B process, to edit; its first line names {SCHEMA_FILE},
so editors with the YAML language server autocomplete it. Refuses to overwrite either file."""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the init command."""
    parser = commands.add_parser(
        "init",
        help="write a starter process.yaml and its JSON Schema",
        epilog=EXAMPLE,
        formatter_class=HelpFormatter,
    )
    parser.add_argument(
        "folder", nargs="?", type=Path, default=Path(), help="where to write them (default: the current folder)"
    )
    parser.set_defaults(run=run)


def starter_process() -> str:
    """The default process shipped with cvo-playbook, first line its schema modeline."""
    text = (resources.files("playbook_cli") / "starter" / DEFAULT_PROCESS).read_text(encoding="utf-8")
    return text if text.startswith(MODELINE + "\n") else f"{MODELINE}\n{text}"


def run(args: argparse.Namespace) -> int:
    """Write both files, or neither when one exists already."""
    folder: Path = args.folder
    files = {folder / DEFAULT_PROCESS: starter_process(), folder / SCHEMA_FILE: process_json_schema_text()}
    existing = [str(path) for path in files if path.exists()]
    if existing:
        one = len(existing) == 1
        raise UserError(
            f"{' and '.join(existing)} already exist{'s' if one else ''}; nothing was written "
            f"(move {'it' if one else 'them'} away, or run playbook init in another folder)"
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for path, text in files.items():
            path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise UserError(f"{folder}: cannot write there: {error.strerror}") from None
    print(f"Wrote {folder / DEFAULT_PROCESS} and {folder / SCHEMA_FILE}.")
    # The starter names an example company, which buyers would read in their confirmation emails.
    print(
        "Next: edit the process (first its `company:`, the name buyers read in confirmation emails), "
        "then `playbook validate --strict` and `playbook serve`."
    )
    return EXIT_OK
