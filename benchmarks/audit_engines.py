"""The audit's two engines on a million deals, side by side, against reading the file with `csv`.

Run `python -m benchmarks.audit_engines [DEALS]` (or it runs inside `python -m benchmarks`).
Each engine writes audit.csv and report.html as `playbook audit` does. "SQL only" is DuckDB
running the statement of `playbook sql` over the same CSV, rows counted, nothing written.
Peak memory is each engine's peak resident set (VmHWM, DuckDB's native memory included),
measured in a fresh process per size. DuckDB also runs with MORE_MEMORY (`--memory-limit`), the
trade of memory for speed: its time, and its peak against the default limit's.
"""

from __future__ import annotations

import csv
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import DEFAULT_PROCESS, ROOT, Row, Spread
from sales_process.loader import LoadedProcess, load_process
from tests.support.synthetic_pipeline import AS_OF, write_pipeline

DEALS = 1_000_000
MEMORY_DEALS = (100_000, 1_000_000)
GOAL = 1.0  # the goal: the audit in at most the time of a plain csv read
FLAT = 1.2  # peak memory at 10x the deals: at most this much more
ENGINES = ("python", "duckdb")
MORE_MEMORY = "1GB"
_PEAK = """
import sys
from pathlib import Path
from benchmarks.audit_engines import audit
from sales_process.loader import load_process
audit(sys.argv[1], Path(sys.argv[2]), load_process(sys.argv[3]), Path(sys.argv[4]), sys.argv[5] or None)
# VmHWM: this process's own peak (ru_maxrss would include the parent's, inherited at fork).
print(next(int(line.split()[1]) * 1024 for line in open("/proc/self/status") if line.startswith("VmHWM:")))
"""


def read_only(source: Path) -> None:
    """The baseline: read every row with Python's csv module, nothing else."""
    with source.open(encoding="utf-8-sig", newline="") as handle:
        for _ in csv.reader(handle):
            pass


def audit(engine: str, source: Path, loaded: LoadedProcess, out: Path, memory: str | None = None) -> None:
    """The audit as `playbook audit --engine ENGINE [--memory-limit MEMORY]` runs it: audit.csv, then report.html."""
    from pipeline_audit.audit import AuditOptions
    from pipeline_audit.duckdb_engine import run_audit
    from pipeline_report.report_html import write_report

    result = run_audit(engine, source, loaded, AuditOptions(as_of=AS_OF), out / f"audit-{engine}.csv", memory=memory)
    if result.warnings:
        raise RuntimeError(f"the {engine} engine did not audit the file itself: {result.warnings}")
    write_report(result, loaded, out / f"report-{engine}.html")


def sql_only(source: Path, loaded: LoadedProcess) -> None:
    """DuckDB runs the generated statement over the CSV; the rows are counted, not fetched."""
    import duckdb

    from pipeline_audit.duckdb_engine import DUCKDB as dialect  # TRY_CAST: the export has a few bad cells
    from verdict_sql.columns import audit_columns
    from verdict_sql.generate import verdict_sql

    statement = (
        verdict_sql(loaded.process, dialect, "deals", audit_columns(loaded.process), AS_OF).rstrip().removesuffix(";")
    )
    with duckdb.connect() as connection:
        connection.execute(
            f"CREATE VIEW deals AS SELECT * FROM read_csv({dialect.string(str(source))}, all_varchar=true)"
        )
        connection.execute(f"SELECT count(*), count(verified_stage_id) FROM ({statement})").fetchall()


def _seconds(action: Callable[[], None]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def _peak_bytes(engine: str, source: Path, out: Path, memory: str = "") -> int:
    done = subprocess.run(
        [sys.executable, "-c", _PEAK, engine, str(source), str(DEFAULT_PROCESS), str(out), memory],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return int(done.stdout.strip().splitlines()[-1])


def run(repeats: int = 3, deals: int = DEALS, memory: bool = True) -> dict[str, Any]:
    """Time the csv read, each engine and the SQL alone on `deals` rows; peak memory at MEMORY_DEALS."""
    loaded = load_process(DEFAULT_PROCESS)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        sizes = sorted({*MEMORY_DEALS, deals}) if memory else [deals]
        sources = {size: work / f"pipeline-{size}.csv" for size in sizes}
        for size, path in sources.items():
            write_pipeline(path, loaded.process, size, bad_rows=True)
        source = sources[deals]
        samples: dict[str, list[float]] = {"read": [], "sql": [], "more": [], **{engine: [] for engine in ENGINES}}
        for _ in range(repeats):  # alternating, so that the machine's load falls on every side alike
            samples["read"].append(_seconds(lambda: read_only(source)))
            for engine in ENGINES:
                samples[engine].append(_seconds(lambda engine=engine: audit(engine, source, loaded, work)))  # type: ignore[misc]
            samples["more"].append(_seconds(lambda: audit("duckdb", source, loaded, work, MORE_MEMORY)))
            samples["sql"].append(_seconds(lambda: sql_only(source, loaded)))
        peaks = (
            {
                engine: {str(size): _peak_bytes(engine, sources[size], work) for size in MEMORY_DEALS}
                for engine in ENGINES
            }
            if memory
            else {}
        )
        more_peak = _peak_bytes("duckdb", sources[MEMORY_DEALS[-1]], work, MORE_MEMORY) if memory else None
        size = source.stat().st_size
    return {
        "benchmark": "audit engines",
        "deals": deals,
        "file_bytes": size,
        "repeats": repeats,
        "seconds": {key: Spread.of(values) for key, values in samples.items()},
        "peak_rss_bytes": peaks,
        "more_memory": MORE_MEMORY,
        "more_memory_peak_bytes": more_peak,
    }


def rows(result: dict[str, Any]) -> list[Row]:
    """The table rows: each engine and the SQL alone against the csv read."""
    seconds: dict[str, Spread] = result["seconds"]
    read = seconds["read"]
    deals = f"{result['deals']:,} deals"
    table = []
    for key, measured in (
        ("python", f"playbook audit --engine python, {deals}"),
        ("duckdb", f"playbook audit --engine duckdb, {deals}"),
        ("more", f"playbook audit --engine duckdb --memory-limit {result['more_memory']}, {deals}"),
        ("sql", f"playbook sql on DuckDB over the CSV (no files written), {deals}"),
    ):
        ratio = seconds[key].median / read.median
        goal_met = ratio <= GOAL if key != "sql" else None
        table.append(
            Row(
                "7. audit engines",
                measured,
                "csv.reader of the same file",
                "s",
                seconds[key],
                read,
                ratio,
                f"<= {GOAL:g}x" if key != "sql" else "",
                goal_met,
            )
        )
    small, large = (str(size) for size in MEMORY_DEALS)
    for engine, peaks in result["peak_rss_bytes"].items():
        low, high = Spread.of([peaks[small] / 1e6]), Spread.of([peaks[large] / 1e6])
        ratio = high.median / low.median
        table.append(
            Row(
                "7. audit engines memory",
                f"peak memory, --engine {engine}, {int(large):,} deals",
                f"the same, {int(small):,} deals",
                "MB",
                high,
                low,
                ratio,
                f"< {FLAT:g}x (flat)",
                ratio < FLAT,
            )
        )
    if result["more_memory_peak_bytes"] is not None:
        default = Spread.of([result["peak_rss_bytes"]["duckdb"][large] / 1e6])
        more = Spread.of([result["more_memory_peak_bytes"] / 1e6])
        table.append(
            Row(
                "7. audit engines memory",
                f"peak memory, --engine duckdb --memory-limit {result['more_memory']}, {int(large):,} deals",
                "the default limit, the same deals",
                "MB",
                more,
                default,
                more.median / default.median,
                "",
                None,
            )
        )
    return table


def print_table(result: dict[str, Any]) -> None:
    """Print the result for a person."""
    print(
        f"audit engines: {result['deals']:,} deals, {result['file_bytes'] / 1e6:.0f} MB, {result['repeats']} runs each"
    )
    read = result["seconds"]["read"].median
    for key, spread in result["seconds"].items():
        print(
            f"{key:8} median {spread.median:7.2f} s  (min {spread.low:.2f}, max {spread.high:.2f})  {spread.median / read:5.2f}x the read"
        )
    for engine, peaks in result["peak_rss_bytes"].items():
        print(
            f"peak memory, {engine}: "
            + ", ".join(f"{int(size):,} deals {peak / 1e6:.0f} MB" for size, peak in peaks.items())
        )
    if result["more_memory_peak_bytes"] is not None:
        print(
            f"peak memory, duckdb --memory-limit {result['more_memory']}: {result['more_memory_peak_bytes'] / 1e6:.0f} MB"
        )


if __name__ == "__main__":
    print_table(run(deals=int(sys.argv[1]) if len(sys.argv) > 1 else DEALS))
