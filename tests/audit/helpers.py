"""Run `playbook audit` in-process and read back its three outputs."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

from playbook_cli.main import main

ROOT = Path(__file__).resolve().parents[2]
TOTAL_LINE = re.compile(r"^  (claimed|verified|difference): +(-?[\d,]+\.\d\d)", re.MULTILINE)


@dataclass
class Run:
    """The exit status, standard output and error, and the output folder of one run."""

    status: int
    out: str
    err: str
    folder: Path

    def rows(self) -> list[dict[str, str]]:
        """audit.csv as dictionaries."""
        with (self.folder / "audit.csv").open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    def html(self) -> str:
        """report.html."""
        return (self.folder / "report.html").read_text(encoding="utf-8")

    def table(self, table_id: str) -> list[list[str]]:
        """The text of each body row's cells of one of report.html's tables."""
        reader = _TableReader(table_id)
        reader.feed(self.html())
        return reader.rows

    def stdout_totals(self) -> dict[str, str]:
        """The claimed, verified and difference totals of the summary."""
        return {name: value.replace(",", "") for name, value in TOTAL_LINE.findall(self.out)}


def audit(capsys: pytest.CaptureFixture[str], folder: Path, *args: str) -> Run:
    """Run `playbook audit ARGS --out FOLDER` with the repository's process."""
    status = main(["audit", *args, "--process", str(ROOT / "process.yaml"), "--out", str(folder)])
    captured = capsys.readouterr()
    return Run(status, captured.out, captured.err, folder)


class _TableReader(HTMLParser):
    """Collects the cells' text of the body rows of the table with one id."""

    def __init__(self, table_id: str) -> None:
        super().__init__()
        self.table_id = table_id
        self.rows: list[list[str]] = []
        self._inside = self._body = False
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and ("id", self.table_id) in attrs:
            self._inside = True
        elif self._inside and tag == "tbody":
            self._body = True
        elif self._body and tag == "tr":
            self.rows.append([])
        elif self._body and tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._inside = self._body = False
        elif self._cell is not None and tag in ("td", "th"):
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
