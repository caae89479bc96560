"""The generated parts of the manual: where each lives, how to write it, how to check it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from docs_tools.api_reference import api_reference
from docs_tools.benchmark_table import benchmark_table
from docs_tools.cli_reference import cli_reference
from docs_tools.sql_example import sql_example

DOCS = Path(__file__).resolve().parent.parent / "docs"


@dataclass(frozen=True)
class Generated:
    """A page, or the part of a page between two markers, written by `generate`."""

    path: Path
    generate: Callable[[], str]
    marker: str | None = None  # None: the whole page

    def expected(self, current: str) -> str:
        """The page's text as it should be, given its current text."""
        if self.marker is None:
            return self.generate()
        start, end = f"<!-- {self.marker}:start -->\n", f"\n<!-- {self.marker}:end -->"
        before, rest = current.split(start, 1)
        _, after = rest.split(end, 1)
        return f"{before}{start}{self.generate()}{end}{after}"


GENERATED = (
    Generated(DOCS / "reference" / "cli.md", cli_reference),
    Generated(DOCS / "reference" / "api.md", api_reference),
    Generated(DOCS / "benchmarks.md", benchmark_table, "benchmark-table"),
    Generated(DOCS / "revops" / "sql-reference.md", sql_example, "sql-example"),
)


def stale() -> list[Path]:
    """The generated pages whose committed text differs from what the code writes now."""
    return [
        page.path
        for page in GENERATED
        if not page.path.is_file() or page.path.read_text(encoding="utf-8") != page.expected(_current(page))
    ]


def _current(page: Generated) -> str:
    return page.path.read_text(encoding="utf-8") if page.path.is_file() else ""


def write_all() -> list[Path]:
    """Rewrite every generated page; return those that changed."""
    changed = []
    for page in GENERATED:
        current = _current(page)
        text = page.expected(current)
        if text != current:
            page.path.parent.mkdir(parents=True, exist_ok=True)
            page.path.write_text(text, encoding="utf-8")
            changed.append(page.path)
    return changed
