"""`playbook build`: the whole static playbook site, from one process file."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from playbook_cli.common import (
    EXIT_INVALID,
    EXIT_OK,
    HelpFormatter,
    UserError,
    add_process_option,
    add_site_dir_option,
    report,
)
from sales_process.problems import InvalidFile
from sales_process.vocabulary import plural
from site_builder.build import SiteBuildError, build_site
from site_builder.common import SiteLinks

EXAMPLE = """examples:
  playbook build --process process.yaml --site-dir site
  playbook build --form-url https://sales-tools.example.com/check   # a playbook published on its own

the same inputs give byte-identical pages; a failed build keeps the previous site.
exit status: 0 built, 1 invalid process or failed build, 2 usage error"""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the build command."""
    parser = commands.add_parser(
        "build", help="build the playbook site (MkDocs Material)", epilog=EXAMPLE, formatter_class=HelpFormatter
    )
    add_process_option(parser)
    add_site_dir_option(parser, "where to write the site")
    add_config_file_option(parser)
    parser.add_argument(
        "--form-url",
        metavar="URL",
        type=form_address,
        default=None,
        help='where the pages\' "Check a deal" links point: the form of an app hosted elsewhere '
        "(default: the MkDocs configuration's extra.form_url, else /check)",
    )
    parser.set_defaults(run=run)


def form_address(text: str) -> str:
    """A --form-url: an http(s) address with a host, or a path on the playbook's own host (/check)."""
    parts = urlsplit(text)
    whole = text.isprintable() and " " not in text
    if whole and ((parts.scheme in ("http", "https") and parts.netloc) or (not parts.scheme and text.startswith("/"))):
        return text
    raise argparse.ArgumentTypeError(
        f"{text!r} is not the form's address; give an http(s) address such as "
        "https://sales-tools.example.com/check, or a path on the playbook's own host such as /check"
    )


def add_config_file_option(parser: argparse.ArgumentParser) -> None:
    """Add --config-file PATH, the MkDocs configuration (also used by `playbook export`)."""
    parser.add_argument(
        "--config-file",
        metavar="PATH",
        type=Path,
        default=None,
        help="the MkDocs configuration (default: the one shipped with cvo-playbook)",
    )


def run(args: argparse.Namespace) -> int:
    """Build the site and say where it is."""
    started = time.perf_counter()
    try:
        links = None if args.form_url is None else SiteLinks(form_url=args.form_url)
        loaded = build_site(Path(args.process), args.site_dir, config_file=args.config_file, links=links)
    except InvalidFile as error:
        report(error)
        print(_kept(args.site_dir), file=sys.stderr)
        return EXIT_INVALID
    except SiteBuildError as error:
        raise UserError(f"the site could not be built:\n{error}\n{_kept(args.site_dir)}") from None
    for warning in loaded.warnings:
        print(warning, file=sys.stderr)
    stages = len(loaded.process.stages)
    seconds = time.perf_counter() - started
    print(
        f"{args.site_dir}: built the playbook of {loaded.process.name} ({plural(stages, 'stage')}, sha256 {loaded.short_sha}) in {seconds:.1f}s."
    )
    return EXIT_OK


def _kept(site_dir: Path) -> str:
    """What a failed build left: the previous site, unchanged, or none."""
    if Path(site_dir).is_dir():
        return f"{site_dir}: not changed (the previous build is kept)."
    return f"{site_dir}: not built."
