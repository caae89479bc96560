"""`python -m docs_tools`: rewrite the manual's generated pages (CLI and API references, benchmark table), or with
`--check` only say which are stale (exit 1), as CI would."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from docs_tools.pages import stale, write_all


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite the pages and say which changed; with --check, write nothing and exit 1 when one is stale."""
    parser = argparse.ArgumentParser(
        prog="python -m docs_tools",
        description="Rewrite the manual's generated pages: the CLI and API references, the benchmark table and "
        "the SQL example.",
        epilog="examples:\n  python -m docs_tools           rewrite them\n"
        "  python -m docs_tools --check   say which are stale, write nothing (exit 1 if any)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 when a page is stale")
    args = parser.parse_args(argv)
    if args.check:
        pages = stale()
        for path in pages:
            print(f"stale: {path} (run python -m docs_tools)", file=sys.stderr)
        if not pages:
            print("docs_tools: every generated page is up to date")
        return 1 if pages else 0
    changed = write_all()
    for path in changed:
        print(f"rewrote {path}")
    if not changed:
        print("docs_tools: every generated page is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
