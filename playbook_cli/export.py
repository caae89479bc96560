"""`playbook export`: the playbook as plain Markdown files and a mkdocs.yml without hooks (for Zensical)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playbook_cli.build import add_config_file_option
from playbook_cli.common import EXIT_INVALID, EXIT_OK, HelpFormatter, UserError, add_process_option, load_or_report
from sales_process.vocabulary import plural
from site_builder.build import default_config_file
from site_builder.export import ExportError, export_project

EXAMPLE = """example:
  playbook export --out build/playbook
  zensical build -f build/playbook/mkdocs.yml     (or: mkdocs build -f build/playbook/mkdocs.yml)

writes OUT/mkdocs.yml and OUT/docs/ (hand-written and generated pages);
re-run it after every change to process.yaml: the exported files are replaced, never edited by hand."""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the export command."""
    parser = commands.add_parser(
        "export", help="write the playbook as plain files for Zensical", epilog=EXAMPLE, formatter_class=HelpFormatter
    )
    add_process_option(parser)
    parser.add_argument(
        "--out",
        metavar="DIR",
        type=Path,
        default=Path("build/playbook"),
        help="where to write (default: build/playbook)",
    )
    add_config_file_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Export the project and say how to build it."""
    loaded = load_or_report(args.process)
    if loaded is None:
        return EXIT_INVALID
    config_file = args.config_file or default_config_file()
    if not config_file.is_file():
        what = "a folder, not a file" if config_file.is_dir() else "no such file"
        print(f"{config_file}: error: {what}; pass --config-file PATH, the playbook's mkdocs.yml", file=sys.stderr)
        return EXIT_INVALID
    try:
        written = export_project(loaded, config_file.resolve(), args.out)
    except (FileExistsError, ExportError) as error:
        raise UserError(str(error)) from None
    print(f"{args.out}: wrote {plural(len(written), 'file')}; build with: zensical build -f {args.out / 'mkdocs.yml'}")
    return EXIT_OK
