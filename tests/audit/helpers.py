"""Run `playbook audit` in-process and read back its three outputs."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
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

    def stdout_totals(self) -> dict[str, str]:
        """The claimed, verified and difference totals of the summary."""
        return {name: value.replace(",", "") for name, value in TOTAL_LINE.findall(self.out)}


def audit(capsys: pytest.CaptureFixture[str], folder: Path, *args: str) -> Run:
    """Run `playbook audit ARGS --out FOLDER` with the repository's process."""
    status = main(["audit", *args, "--process", str(ROOT / "process.yaml"), "--out", str(folder)])
    captured = capsys.readouterr()
    return Run(status, captured.out, captured.err, folder)
