"""The benchmark table as Markdown (the manual's Benchmarks page is generated from results.json with it)."""

from __future__ import annotations

from typing import Any

from benchmarks.common import Row, Spread

COLUMNS = ("figure", "measured", "baseline", "ratio", "goal", "median", "spread (min–max)", "runs")


def number(value: float, unit: str) -> str:
    """A figure with a sensible number of digits and its unit."""
    if unit in ("req/s", "1/s"):
        return f"{value:,.0f} {unit}"
    if unit == "s" and value < 0.1:
        return f"{value * 1000:.1f} ms"
    return f"{value:.3g} {unit}" if value < 100 else f"{value:,.0f} {unit}"


def _spread(spread: Spread, unit: str) -> str:
    return f"{number(spread.low, unit)} – {number(spread.high, unit)}"


def _cells(row: Row) -> list[str]:
    baseline = row.baseline if row.base is None else f"{row.baseline}: {number(row.base.median, row.unit)}"
    ratio = "" if row.ratio is None else f"{row.ratio:.2f}x"
    verdict = {True: " ✓", False: " ✗", None: ""}[row.goal_met]
    return [
        row.figure,
        row.measured,
        baseline,
        ratio,
        f"{row.goal}{verdict}",
        number(row.value.median, row.unit),
        _spread(row.value, row.unit),
        str(row.value.runs),
    ]


def render(rows: list[Row], host: dict[str, Any]) -> str:
    """The Markdown table, headed by the machine it ran on."""
    lines = [
        f"Machine: {host['cpu']}, {host['cores']} cores, Python {host['python']}, {host['system']}",
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "|".join("---" for _ in COLUMNS) + "|",
    ]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in _cells(row)) + " |" for row in rows]
    return "\n".join(lines)
