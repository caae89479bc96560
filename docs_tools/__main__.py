"""`python -m docs_tools`: rewrite the manual's generated pages (CLI and API references, benchmark table)."""

from __future__ import annotations

import sys

from docs_tools.pages import write_all


def main() -> int:
    """Rewrite the pages and say which changed."""
    changed = write_all()
    for path in changed:
        print(f"rewrote {path}")
    if not changed:
        print("docs_tools: every generated page is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
