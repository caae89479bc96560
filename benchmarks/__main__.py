"""`python -m benchmarks`: every figure of the issue, each against its baseline, in one table.

Writes benchmarks/results.json. `--quick` is a smoke run (one short run each); the numbers
to publish come from the default run (5 repeats of everything, 3 of the HTTP load).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks import audit_engines, build, engine, http_load, records, reload, scale
from benchmarks.common import Row, machine
from benchmarks.table import render

RESULTS = Path(__file__).resolve().parent / "results.json"
MIN_REPEATS = 1


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.splitlines()[0] if __doc__ else None
    )
    parser.add_argument(
        "--quick", action="store_true", help="one short run of each figure (a smoke test, not for the manual)"
    )
    parser.add_argument(
        "--repeats", type=int, default=5, metavar="N", help="runs per figure (default 5; HTTP: at most 3)"
    )
    parser.add_argument(
        "--output", type=Path, default=RESULTS, metavar="PATH", help=f"the JSON results (default {RESULTS.name})"
    )
    parser.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        help="run only this benchmark (e.g. 'audit engines'; repeatable): its rows replace theirs in the output, "
        "the others are kept",
    )
    args = parser.parse_args(argv)
    if args.repeats < MIN_REPEATS:
        parser.error(f"--repeats must be at least {MIN_REPEATS}, got {args.repeats}")
    return args


def _plan(args: argparse.Namespace) -> list[tuple[str, Callable[[], list[Row]]]]:
    repeats = 1 if args.quick else args.repeats
    http_repeats, http_seconds = (1, 2.0) if args.quick else (min(repeats, 3), 5.0)
    audit_repeats, audit_deals = (1, 10_000) if args.quick else (repeats, 100_000)
    return [
        ("build overhead", lambda: build.run(repeats)),
        ("scale", lambda: scale.run(repeats)),
        ("live reload", lambda: reload.run(repeats)),
        ("form and API", lambda: http_load.run(http_repeats, http_seconds)),
        ("engine and audit", lambda: engine.run(repeats, audit_repeats, audit_deals)),
        ("deal records", lambda: records.run(1, (1_000, 10_000)) if args.quick else records.run(min(repeats, 3))),
        (
            "audit engines",
            lambda: audit_engines.rows(
                audit_engines.run(1, 20_000, memory=False) if args.quick else audit_engines.run(min(repeats, 3))
            ),
        ),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """Run every benchmark, print the table, write the JSON."""
    args = _arguments(argv)
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    host = machine()
    rows: list[Row] = []
    plan = _plan(args)
    unknown = set(args.only or ()) - {label for label, _ in plan}
    if unknown:
        print(f"benchmarks: no benchmark named {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    for label, benchmark in plan:
        if args.only and label not in args.only:
            continue
        print(f"benchmarks: {label}...", file=sys.stderr, flush=True)
        rows += benchmark()
    print(render(rows, host))
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    result: dict[str, Any] = {
        "when": now,
        "quick": args.quick,
        "machine": host,
        "rows": [row.as_json() for row in rows],
    }
    if args.only:  # the other rows are the last full run's, of its day
        last = json.loads(args.output.read_text(encoding="utf-8")) if args.output.is_file() else {}
        result["when"] = last.get("when", now)
        result["refreshed"] = {**last.get("refreshed", {}), **dict.fromkeys(args.only, now)}
        # The machines change from day to day: the header names the last full run's, each refresh its own.
        result["machine"] = last.get("machine", host)
        result["refreshed_on"] = {**last.get("refreshed_on", {}), **dict.fromkeys(args.only, host["cpu"])}
        result["rows"] = _kept_rows(last.get("rows", []), result["rows"])
    args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.output}", file=sys.stderr)
    return 0


def _kept_rows(old: list[dict[str, Any]], fresh: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows of the last results with those of the figures just measured replaced, in their place."""
    figures = {row["figure"] for row in fresh}
    kept: list[dict[str, Any]] = []
    for row in old:
        if row["figure"] not in figures:
            kept.append(row)
        elif fresh:
            kept += fresh
            fresh = []
    return kept + fresh


if __name__ == "__main__":
    sys.exit(main())
