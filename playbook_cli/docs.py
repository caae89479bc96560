"""`playbook docs`: where the manual is, and how to open it locally."""

from __future__ import annotations

import argparse
from pathlib import Path

from playbook_cli.common import EXIT_OK, HelpFormatter

MANUAL_CONFIG = "manual.yml"
SOURCE_URL = "https://github.com/cvo-playbook/cvo-playbook"
MANUAL_URL = f"{SOURCE_URL}/tree/main/docs"

EXAMPLE = f"""example:
  playbook docs        in a checkout: the command that serves the manual; elsewhere, where it is

the manual is the docs/ folder of the source, built by MkDocs from {MANUAL_CONFIG}."""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the docs command."""
    parser = commands.add_parser(
        "docs", help="say where the manual is and how to open it locally", epilog=EXAMPLE, formatter_class=HelpFormatter
    )
    parser.set_defaults(run=run)


def manual_config(start: Path) -> Path | None:
    """manual.yml in `start` or the nearest folder above it (a checkout of cvo-playbook), if any."""
    for folder in (start, *start.parents):
        if (folder / MANUAL_CONFIG).is_file() and (folder / "docs").is_dir():
            return folder / MANUAL_CONFIG
    return None


def instructions(config: Path | None) -> str:
    """What to run to read the manual: served from the checkout, else its address. Each command is a line of its
    own, to copy whole; what to open follows on the next line."""
    if config is None:
        # The package installs no copy of the manual: it is the docs/ folder of the source (MkDocs came with the package).
        return (
            f"The manual: {MANUAL_URL} (Markdown pages, readable there in the browser).\n"
            "It is not installed with the package. To read it offline as a site, get the source and serve it:\n"
            f"  git clone {SOURCE_URL}\n"
            f"  cd {SOURCE_URL.rsplit('/', 1)[-1]}\n"
            f"  mkdocs serve -f {MANUAL_CONFIG} --dev-addr 127.0.0.1:8001\n"
            "then open http://127.0.0.1:8001/\n"
        )
    return (
        f"The manual is {config.parent / 'docs'} (Markdown, readable as it is). To read it as a site:\n"
        f"  mkdocs serve -f {config} --dev-addr 127.0.0.1:8001\n"
        "then open http://127.0.0.1:8001/\n"
        "or build it into a folder to open offline:\n"
        f"  mkdocs build --strict -f {config} --site-dir {config.parent / 'manual-site'}\n"
        f"then open {config.parent / 'manual-site' / 'index.html'}\n"
    )


def run(args: argparse.Namespace) -> int:
    """Print the instructions for this folder."""
    print(instructions(manual_config(Path.cwd().resolve())), end="")
    return EXIT_OK
