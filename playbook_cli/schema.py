"""`playbook schema`: print the JSON Schema of process.yaml."""

from __future__ import annotations

import argparse
import sys

from playbook_cli.common import EXIT_OK, HelpFormatter
from sales_process.schema import process_json_schema_text

EXAMPLE = """example:
  playbook schema > process.schema.json

editors with the YAML language server then autocomplete process.yaml through its first line:
  # yaml-language-server: $schema=process.schema.json"""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the schema command."""
    parser = commands.add_parser(
        "schema", help="print the JSON Schema of process.yaml", epilog=EXAMPLE, formatter_class=HelpFormatter
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the schema."""
    sys.stdout.write(process_json_schema_text())
    return EXIT_OK
