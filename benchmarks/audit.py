"""Benchmark of `playbook audit`: a 100,000-deal export, audited versus merely read with `csv`.

Run `python -m benchmarks.audit` (or `python benchmarks/audit.py`). The goal is an audit
under 2x the plain read, and memory that does not grow with the number of rows.
"""

from __future__ import annotations

import csv
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline_audit.audit import AuditOptions, audit_pipeline
from pipeline_report.report_html import write_report
from sales_process.loader import LoadedProcess, load_process
from tests.support.synthetic_pipeline import AS_OF, write_pipeline

ROOT = Path(__file__).resolve().parent.parent
DEALS = 100_000
MEMORY_DEALS = (10_000, 100_000)
GOAL = 2.0


def read_only(source: Path) -> None:
    """The baseline: read every row with Python's csv module, nothing else."""
    with source.open(encoding="utf-8-sig", newline="") as handle:
        for _ in csv.reader(handle):
            pass


def full_audit(source: Path, loaded: LoadedProcess, out: Path) -> None:
    """The audit as the command runs it: audit.csv, then report.html."""
    result = audit_pipeline(source, loaded, AuditOptions(as_of=AS_OF), out / "audit.csv")
    write_report(result, loaded, out / "report.html")


def _seconds(action: Callable[[], None]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def _spread(samples: list[float]) -> dict[str, float]:
    return {"median": statistics.median(samples), "min": min(samples), "max": max(samples)}


def _peak_memory(source: Path, loaded: LoadedProcess, out: Path) -> int:
    tracemalloc.start()
    full_audit(source, loaded, out)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def run(repeats: int = 5, deals: int = DEALS, memory: bool = True) -> dict[str, Any]:
    """Time the read and the audit of `deals` rows `repeats` times each (alternating); measure peak memory.

    `python -m benchmarks --quick` passes fewer deals and `memory=False` (tracing memory is slow).
    """
    loaded = load_process(ROOT / "process.yaml")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        sizes = (*MEMORY_DEALS, deals) if memory else (deals,)
        sources = {size: work / f"pipeline-{size}.csv" for size in sizes}
        for size, path in sources.items():
            write_pipeline(path, loaded.process, size)
        source = sources[deals]
        reads, audits = [], []
        for _ in range(repeats):
            reads.append(_seconds(lambda: read_only(source)))
            audits.append(_seconds(lambda: full_audit(source, loaded, work)))
        peaks = {str(size): _peak_memory(sources[size], loaded, work) for size in MEMORY_DEALS} if memory else {}
        size = source.stat().st_size
    ratio = statistics.median(audits) / statistics.median(reads)
    return {
        "benchmark": "audit",
        "deals": deals,
        "file_bytes": size,
        "repeats": repeats,
        "csv_read_seconds": _spread(reads),
        "audit_seconds": _spread(audits),
        "ratio": ratio,
        "goal_ratio": GOAL,
        "goal_met": ratio < GOAL,
        "peak_traced_bytes": peaks,
    }


def print_table(result: dict[str, Any]) -> None:
    """Print the result for a person."""
    print(
        f"audit benchmark: {result['deals']:,} deals, {result['file_bytes'] / 1e6:.1f} MB, {result['repeats']} runs each"
    )
    print(f"{'':18}{'median':>9}{'min':>9}{'max':>9}")
    for label, key in (("csv read (s)", "csv_read_seconds"), ("audit (s)", "audit_seconds")):
        spread = result[key]
        print(f"{label:18}{spread['median']:9.3f}{spread['min']:9.3f}{spread['max']:9.3f}")
    print(
        f"ratio audit / read: {result['ratio']:.2f} (goal < {result['goal_ratio']:.0f}: {'met' if result['goal_met'] else 'NOT met'})"
    )
    for deals, peak in result["peak_traced_bytes"].items():
        print(f"peak traced memory, {int(deals):>7,} deals: {peak / 1e6:.1f} MB")


if __name__ == "__main__":
    print_table(run(int(sys.argv[1]) if len(sys.argv) > 1 else 5))
