"""The benchmark table of the manual, from benchmarks/results.json (what `python -m benchmarks` writes)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from benchmarks.common import Row, Spread
from benchmarks.table import render

RESULTS = Path(__file__).resolve().parent.parent / "benchmarks" / "results.json"


def row_from_json(data: dict[str, Any]) -> Row:
    """A Row as Row.as_json wrote it."""
    base = data["base"]
    return Row(
        figure=data["figure"],
        measured=data["measured"],
        baseline=data["baseline"],
        unit=data["unit"],
        value=Spread(**data["value"]),
        base=None if base is None else Spread(**base),
        ratio=data["ratio"],
        goal=data["goal"],
        goal_met=data["goal_met"],
    )


def benchmark_table(results: Path = RESULTS) -> str:
    """The table (headed by the machine and the day of the run) of the results file."""
    data = json.loads(results.read_text(encoding="utf-8"))
    rows = [row_from_json(row) for row in data["rows"]]
    machines = data.get("refreshed_on", {})
    refreshed = "".join(
        f" {name}: run of {when[:10]}" + (f" on {machines[name]}" if name in machines else "") + "."
        for name, when in data.get("refreshed", {}).items()
    )
    return f"Run of {data['when'][:10]}.{refreshed} " + render(rows, data["machine"])
