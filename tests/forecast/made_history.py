"""A stage history made for the backtest tests: deals whose customers reach some milestones, reps who
claim stages ahead of that evidence, and outcomes drawn from a known rule.

The same deals are written as a CRM export plus a history file, and saved in the deal records.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

PROCESS = Path(__file__).resolve().parent / "process.yaml"
STAGES = ("discovery", "qualifying", "proposing", "negotiating", "closed-won")
STAGE_NAMES = ("Discovery", "Qualifying", "Proposing", "Negotiating", "Closed won")
MILESTONES = ("pain-confirmed", "budget-confirmed", "proposal-reviewed", "terms-agreed")
EVIDENCE = "Email from the customer"
START = dt.date(2025, 1, 6)
STEP = 20  # days between two milestones of one deal


@dataclass(frozen=True)
class MadeDeal:
    """One deal: its claims (date, stage id) in date order, its answers (milestone -> date, None: undated), its outcome."""

    crm_id: str
    name: str
    amount: int
    created: dt.date
    claims: tuple[tuple[dt.date, str], ...]
    answers: dict[str, dt.date | None]
    won: bool
    closed_on: dt.date


def made_deals(count: int = 60, seed: int = 21) -> list[MadeDeal]:
    """The deals: the customer completes `level` milestones; the rep claims 0 to 2 stages ahead; won iff level >= 3, or level 2 for every third deal."""
    rng = random.Random(seed)
    deals = []
    for number in range(1, count + 1):
        created = START + dt.timedelta(days=rng.randrange(0, 220))
        level = rng.randrange(0, 5)
        ahead = rng.choice((0, 1, 1, 2))
        answers: dict[str, dt.date | None] = {
            MILESTONES[k]: created + dt.timedelta(days=STEP * (k + 1)) for k in range(level)
        }
        if number % 9 == 0 and level < len(MILESTONES):
            answers[MILESTONES[level]] = None  # the rep ticked it without a date: never counted
        claims = [(created, STAGES[min(ahead, 3)])]
        claims += [(created + dt.timedelta(days=STEP * (k + 1)), STAGES[min(k + 1 + ahead, 3)]) for k in range(level)]
        if number % 13 == 0:
            claims = []  # the history never names this deal: its claimed stage is never known
        closed_on = created + dt.timedelta(days=STEP * (level + 1) + rng.randrange(10, 40))
        won = level >= 3 or (level == 2 and number % 3 == 0)
        deals.append(
            MadeDeal(
                f"D{number:03}",
                f"Deal {number:03}",
                10_000 * (1 + number % 7),
                created,
                tuple(claims),
                answers,
                won,
                closed_on,
            )
        )
    return deals


def write_export(deals: list[MadeDeal], path: Path) -> None:
    """The CRM export: closed deals (status, close date) and two open ones, which a backtest leaves out."""
    header = ["deal", "crm_id", "stage", "amount", "status", "close_date"]
    for milestone in MILESTONES:
        header += [milestone, f"{milestone}.evidence", f"{milestone}.date"]
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        for deal in deals:
            row = [deal.name, deal.crm_id, "Closed won" if deal.won else "Closed Lost", str(deal.amount)]
            row += ["Won" if deal.won else "Lost", deal.closed_on.isoformat()]
            for milestone in MILESTONES:
                if milestone in deal.answers:
                    day = deal.answers[milestone]
                    row += ["yes", EVIDENCE, day.isoformat() if day else ""]
                else:
                    row += ["", "", ""]
            writer.writerow(row)
        for number in (1, 2):
            writer.writerow(
                [f"Open {number}", f"O{number}", "Proposing", "5000", "Open", "", *[""] * 3 * len(MILESTONES)]
            )


def write_history(deals: list[MadeDeal], path: Path) -> None:
    """The stage history: one row per deal and stage change, the closing included (as Salesforce writes it)."""
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["deal", "stage", "date"])
        for deal in deals:
            for day, stage in deal.claims:
                writer.writerow([deal.crm_id, STAGE_NAMES[STAGES.index(stage)], day.isoformat()])
            writer.writerow([deal.crm_id, "Closed won" if deal.won else "Closed Lost", deal.closed_on.isoformat()])
