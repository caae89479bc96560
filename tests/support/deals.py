"""Deals the tests and the benchmarks send: a realistic check as JSON and as form fields, and parsed deals
from the synthetic pipeline."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from sales_process.deal import Deal, parse_deal
from sales_process.model import Process
from tests.support.synthetic_pipeline import header, rows

_YES = {"yes", "y", "x", "true"}


def deal_answers(process: Process, today: dt.date) -> dict[str, Any]:
    """A realistic deal: the first two stages proven with evidence, claimed two stages ahead."""
    day = (today - dt.timedelta(days=5)).isoformat()
    milestones = {
        milestone.id: {"met": True, "evidence": f"Reply email from the CFO, {day}", "date": day}
        for stage in process.stages[:2]
        for milestone in stage.milestones
    }
    return {
        "deal": "Northwind Logistics",
        "amount": 120000,
        "claimed_stage": process.stages[3].id,
        "milestones": milestones,
    }


def form_fields(deal: dict[str, Any]) -> dict[str, str]:
    """The same deal as the self-check form posts it."""
    fields = {"deal": deal["deal"], "amount": str(deal["amount"]), "claimed_stage": deal["claimed_stage"]}
    for ident, answer in deal["milestones"].items():
        fields |= {f"{ident}.met": "y", f"{ident}.evidence": answer["evidence"], f"{ident}.date": answer["date"]}
    return fields


def _deal_data(columns: list[str], row: list[str]) -> dict[str, Any]:
    cells = dict(zip(columns, row, strict=True))
    milestones: dict[str, Any] = {}
    for column in columns[4::3]:
        answer: dict[str, Any] = {"met": cells[column].strip().lower() in _YES}
        for key in ("evidence", "date"):
            if cells[f"{column}.{key}"]:
                answer[key] = cells[f"{column}.{key}"]
        milestones[column] = answer
    return {"deal": cells["deal"], "milestones": milestones}


def sample_deals(process: Process, count: int) -> list[Deal]:
    """`count` parsed deals from the synthetic pipeline (rows the engine accepts)."""
    columns = header(process)
    deals = []
    for row in itertools.islice(rows(process, count * 2), count * 2):
        try:
            deals.append(parse_deal(_deal_data(columns, row), process))
        except ValueError:
            continue  # a deliberately bad row of the synthetic export
        if len(deals) == count:
            break
    return deals
