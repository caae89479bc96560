"""Deterministic synthetic CRM exports for a process: the example pipeline and the benchmark's input.

Run `python -m tests.support.synthetic_pipeline examples/pipeline.csv` to regenerate the example.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import sys
from collections.abc import Iterator
from pathlib import Path

from sales_process.loader import load_process
from sales_process.model import Milestone, Process

AS_OF = dt.date(2027, 3, 1)  # the example's documented --as-of
OWNERS = (
    "Ana Ruiz",
    "Ben Okafor",
    "Chloe Martin",
    "Dev Patel",
    "Emma Schulz",
    "Farid Haddad",
    "Grace Lee",
    "Hugo Silva",
)
_PREFIXES = (
    "North",
    "Blue",
    "Bright",
    "Iron",
    "Silver",
    "Green",
    "Summit",
    "Harbor",
    "Cedar",
    "Nova",
    "Atlas",
    "Polar",
)
_CORES = ("wind", "field", "stone", "bridge", "point", "gate", "line", "works", "path", "wave", "forge", "leaf")
_SUFFIXES = ("Logistics", "Health", "Foods", "Energy", "Retail", "Labs", "Insurance", "Manufacturing", "Media", "Bank")
_EVIDENCE = (
    "email from {who}, {day}",
    "call notes {day} in CRM activity",
    "accepted invite {day}, attendees listed",
    "signed PDF in CRM files, {day}",
    "reply to recap email {day}",
)
_WHO = ("the CFO", "the VP Sales Ops", "IT lead", "procurement", "the COO", "our champion")
_WEAK_EVIDENCE = ("TBD", "n/a", "see notes", "", "ok")
_BAD_ROWS = (  # (column, value): the example shows how the audit reports rows it cannot assess
    ("stage", "Negociating"),
    ("pain-confirmed.date", "2027-02-30"),
    ("amount", "12k"),
    ("stage", "Closing"),
)


def header(process: Process) -> list[str]:
    """The export's columns: deal fields, then answer, evidence and date of each milestone."""
    columns = ["deal", "owner", "stage", "amount"]
    for _, milestone in process.milestones():
        columns += [milestone.id, f"{milestone.id}.evidence", f"{milestone.id}.date"]
    return columns


def _company(rng: random.Random, number: int) -> str:
    return f"{rng.choice(_PREFIXES)}{rng.choice(_CORES)} {rng.choice(_SUFFIXES)} #{number}"


def _amount(rng: random.Random) -> str:
    value = round(rng.lognormvariate(10.8, 0.7) / 500) * 500
    style = rng.random()
    if style < 0.5:
        return str(value)
    if style < 0.8:
        return f"{value:,}.00"
    return f"${value:,}"


def _answer(rng: random.Random, milestone: Milestone, proven: bool) -> list[str]:
    if not proven:
        return ["no", "", ""] if rng.random() < 0.3 else ["", "", ""]
    limit = milestone.max_age_days or 120
    age = rng.randint(1, limit - 1) if rng.random() < 0.98 else limit + rng.randint(5, 60)
    day = (AS_OF - dt.timedelta(days=age)).isoformat()
    evidence = rng.choice(_EVIDENCE).format(who=rng.choice(_WHO), day=day)
    if rng.random() < 0.02:
        evidence = rng.choice(_WEAK_EVIDENCE)
    date = "" if milestone.max_age_days and rng.random() < 0.01 else day
    return [rng.choice(("yes", "Yes", "y", "x")), evidence, date]


def _row(rng: random.Random, process: Process, number: int) -> list[str]:
    stages = process.stages
    true_index = min(int(rng.expovariate(0.6)), len(stages) - 1)
    drift = rng.random()
    claimed_index = true_index + (1 if drift < 0.25 else 2 if drift < 0.35 else -1 if drift < 0.42 else 0)
    claimed = stages[max(0, min(claimed_index, len(stages) - 1))]
    row = [_company(rng, number), rng.choice(OWNERS), claimed.name if rng.random() < 0.8 else claimed.id, _amount(rng)]
    for index, stage in enumerate(stages):
        for milestone in stage.milestones:
            proven = index < true_index or (index == true_index and rng.random() < 0.5)
            row += _answer(rng, milestone, proven)
    return row


def rows(process: Process, deals: int, seed: int = 6, bad_rows: bool = False) -> Iterator[list[str]]:
    """`deals` rows in a seeded order; with `bad_rows`, a few rows the audit cannot assess."""
    rng = random.Random(seed)
    columns = header(process)
    bad_at = {deals * (k + 1) // (len(_BAD_ROWS) + 1): bad for k, bad in enumerate(_BAD_ROWS)} if bad_rows else {}
    for number in range(1, deals + 1):
        row = _row(rng, process, number)
        if number in bad_at:
            column, value = bad_at[number]
            row[columns.index(column)] = value
        yield row


def write_pipeline(path: Path, process: Process, deals: int, seed: int = 6, bad_rows: bool = False) -> None:
    """Write a synthetic export of `deals` deals to `path`."""
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header(process))
        writer.writerows(rows(process, deals, seed, bad_rows))


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "examples/pipeline.csv")
    write_pipeline(target, load_process("process.yaml").process, deals=300, bad_rows=True)
    print(f"wrote {target}")
