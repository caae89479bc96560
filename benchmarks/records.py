"""Saved deals at scale: GET /deals (one page) and GET /pipeline at 10,000 and 100,000 deals.

Each database is SQLite, seeded in bulk with realistic checks (the synthetic pipeline's
answers, assessed and stored as `record_check` stores them); the requests go through the
app in-process as a signed-in manager, so the figures are the app's work, not the network's.
The 10,000-deal figure is the baseline of the 100,000-deal one: linear growth is a ratio of 10.
`/pipeline` is timed cold (a new app, no cached totals: every verdict read from the
database) and with every stored verdict out of date (as of a day 400 days on: all re-assessed).
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import insert, update

from assess_app import create_app
from assess_app.pipeline import views as pipeline_views
from benchmarks.common import DEFAULT_PROCESS, Row, Spread
from deal_records.answers import answers_json, blocking_text, verdict_window
from deal_records.database import make_engine, session_factory, writing
from deal_records.models import Check, Deal, utc_now
from deal_records.people import add_user
from deal_records.schema import upgrade
from sales_process.engine import assess
from sales_process.loader import load_process
from tests.support.deals import sample_deals
from tests.support.synthetic_pipeline import AS_OF

SIZES = (10_000, 100_000)
GOAL_SECONDS = 1.0
PASSWORD = "bench-password-1"
BATCH = 5_000


def _amount(number: int) -> float:
    """A deal's amount: 5,000 to 500,000, in steps of 10, nearly all different."""
    return float(5_000 + (number * 7_919) % 49_500 * 10)


def seed(url: str, count: int) -> None:
    """`count` deals, one check each, owned by 10 reps; and a manager."""
    loaded = load_process(DEFAULT_PROCESS)
    process = loaded.process
    # The synthetic answers are dated around AS_OF: the checks are stored as made on that day,
    # and the pipeline is asked as of that day (as `playbook audit --as-of` is in the audit figure).
    today = AS_OF
    engine = make_engine(url)
    upgrade(engine)
    sessions = session_factory(engine)
    with writing(sessions) as db:
        add_user(db, "manager@example.com", "manager", PASSWORD)
        owners = [add_user(db, f"rep{n}@example.com", "rep", PASSWORD).id for n in range(10)]
    samples = []
    for number, deal in enumerate(sample_deals(process, 500)):
        # CRM stages vary; amounts vary per deal (below), as in a real pipeline.
        deal = type(deal)(name=deal.name, claimed_stage=process.stages[number % 5].id, answers=deal.answers)
        assessment = assess(process, deal, today)
        samples.append((deal, assessment, verdict_window(process, deal.answers, today)))
    now = utc_now()
    with engine.begin() as connection:
        for start in range(0, count, BATCH):
            numbers = range(start + 1, min(count, start + BATCH) + 1)
            chosen = [samples[number % len(samples)] for number in numbers]
            connection.execute(
                insert(Deal),
                [
                    {
                        "id": number,
                        "owner_id": owners[number % len(owners)],
                        "name": f"{deal.name} #{number}",
                        "amount": _amount(number),
                        "claimed_stage": deal.claimed_stage,
                        "created_at": now,
                        "last_checked_at": now,
                    }
                    for number, (deal, _, _) in zip(numbers, chosen, strict=True)
                ],
            )
            connection.execute(
                insert(Check),
                [
                    {
                        "id": number,
                        "deal_id": number,
                        "checked_at": now,
                        "source": "import",
                        "process_version": process.version,
                        "process_sha256": loaded.sha256,
                        "claimed_stage": deal.claimed_stage,
                        "amount": _amount(number),
                        "answers": answers_json(deal.answers),
                        "verified_stage": assessment.verified_stage.id,
                        "verified_index": assessment.verified_index,
                        "blocking": blocking_text(assessment),
                        "valid_from": window[0],
                        "valid_until": window[1],
                    }
                    for number, (deal, assessment, window) in zip(numbers, chosen, strict=True)
                ],
            )
        connection.execute(update(Deal).values(latest_check_id=Deal.id))
    engine.dispose()


def _manager_client(url: str, site: Path) -> tuple[Flask, Any]:
    app = create_app(
        {
            "PROCESS_PATH": str(DEFAULT_PROCESS),
            "SITE_DIR": str(site),
            "SECRET_KEY": "bench",
            "DATABASE_URL": url,
            "WTF_CSRF_ENABLED": False,
        }
    )
    client = app.test_client()
    response = client.post("/login", data={"email": "manager@example.com", "password": PASSWORD})
    assert response.status_code == 303, response.status_code
    return app, client


def _time(client: Any, path: str) -> float:
    started = time.perf_counter()
    response = client.get(path)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.status_code
    return elapsed


def measure(url: str, site: Path, repeats: int) -> dict[str, list[float]]:
    """Seconds per request: a page of /deals (first and middle), /pipeline cold and re-assessed."""
    times: dict[str, list[float]] = {
        "deals": [],
        "deals_middle": [],
        "pipeline": [],
        "pipeline_cached": [],
        "pipeline_reassessed": [],
    }
    later = (AS_OF + dt.timedelta(days=400)).isoformat()
    for _ in range(repeats):
        app, client = _manager_client(url, site)
        times["deals"].append(_time(client, "/deals"))  # as of today: every row assessed again
        times["deals_middle"].append(_time(client, "/deals?page=100"))
        pipeline_views._cache.clear()
        times["pipeline"].append(_time(client, f"/pipeline?as_of={AS_OF.isoformat()}"))
        times["pipeline_cached"].append(_time(client, f"/pipeline?as_of={AS_OF.isoformat()}"))
        pipeline_views._cache.clear()
        times["pipeline_reassessed"].append(_time(client, f"/pipeline?as_of={later}"))
        app.extensions["deal_records"].engine.dispose()
    return times


LABELS = {
    "deals": "GET /deals (first page of 50)",
    "deals_middle": "GET /deals?page=100",
    "pipeline": "GET /pipeline (cold)",
    "pipeline_cached": "GET /pipeline again (nothing saved since)",
    "pipeline_reassessed": "GET /pipeline, every verdict re-assessed",
}


def run(repeats: int, sizes: tuple[int, ...] = SIZES) -> list[Row]:
    """Seed a database per size, time the pages, and compare the largest size with the smallest."""
    from site_builder.build import build_site

    results: dict[int, dict[str, list[float]]] = {}
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder) / "site"
        build_site(DEFAULT_PROCESS, site)
        for size in sizes:
            url = f"sqlite:///{Path(folder) / f'deals-{size}.db'}"
            seed(url, size)
            results[size] = measure(url, site, repeats)
    small, large = sizes[0], sizes[-1]
    rows = []
    for key, label in LABELS.items():
        value, base = Spread.of(results[large][key]), Spread.of(results[small][key])
        goal_met = value.median < GOAL_SECONDS if key != "pipeline_reassessed" else None
        rows.append(
            Row(
                "6. deal records",
                f"{label}, {large:,} deals",
                f"the same, {small:,} deals",
                "s",
                value,
                base,
                value.median / base.median,
                f"< {GOAL_SECONDS:g} s" if goal_met is not None else "",
                goal_met,
            )
        )
    return rows


if __name__ == "__main__":
    # `python -m benchmarks.records [REPEATS]`: these rows alone (`python -m benchmarks` runs them among the rest).
    import sys

    from benchmarks.common import machine
    from benchmarks.table import render

    print(render(run(int(sys.argv[1]) if len(sys.argv) > 1 else 5), machine()))
