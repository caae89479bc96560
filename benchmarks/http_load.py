"""Form and API: POST /check and POST /api/assess under gunicorn, against a bare Flask page.

Both apps run under gunicorn with 2 workers on loopback; wrk (a separate process) drives
them in turn, the same number of connections for each. The form is posted with a real
CSRF token: one GET /check gives the session cookie and the token that wrk replays.
"""

from __future__ import annotations

import datetime as dt
import http.cookiejar
import json
import re
import secrets
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from benchmarks.common import DEFAULT_PROCESS, Row, ratio_row
from benchmarks.gunicorn import gunicorn
from benchmarks.wrk import Load, post_load
from sales_process.loader import load_process
from sales_process.model import Process
from site_builder.build import build_site

GOALS = {"form": 0.35, "api": 0.7}
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


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


def form_session(base: str) -> tuple[str, str]:
    """Open the form as a browser would: the Cookie header and the CSRF token."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{base}/check", timeout=10) as response:
        match = _TOKEN.search(response.read().decode("utf-8"))
    if match is None:
        raise RuntimeError("GET /check gave no csrf_token")
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar), match.group(1)


def run(repeats: int, duration: float) -> list[Row]:
    """`repeats` rounds of wrk on four targets in turn (bare form, /check, bare JSON, API)."""
    loaded = load_process(DEFAULT_PROCESS)
    deal = deal_answers(loaded.process, dt.date.today())
    json_body = json.dumps(deal)
    loads: dict[str, list[Load]] = {"bare-form": [], "form": [], "bare-api": [], "api": []}
    with tempfile.TemporaryDirectory(prefix="bench-http-") as folder:
        site = Path(folder) / "site"
        build_site(DEFAULT_PROCESS, site)
        environment = {
            "PLAYBOOK_PROCESS": str(DEFAULT_PROCESS),
            "PLAYBOOK_SITE_DIR": str(site),
            "PLAYBOOK_SECRET_KEY": secrets.token_hex(16),
        }
        with (
            gunicorn("assess_app:create_app()", environment, "/check") as app,
            gunicorn("benchmarks.bare_app:create_app()", {}) as bare,
        ):
            cookie, token = form_session(app)
            form_body = urllib.parse.urlencode({"csrf_token": token, **form_fields(deal)})
            targets = {
                "bare-form": (f"{bare}/", form_body, {"Content-Type": FORM}),
                "form": (f"{app}/check", form_body, {"Content-Type": FORM, "Cookie": cookie}),
                "bare-api": (f"{bare}/", json_body, {"Content-Type": JSON}),
                "api": (f"{app}/api/assess", json_body, {"Content-Type": JSON}),
            }
            for _ in range(repeats):
                for name, (url, body, headers) in targets.items():
                    loads[name].append(post_load(url, body, headers, duration))
    return _rows("form", "POST /check", loads["form"], loads["bare-form"]) + _rows(
        "api", "POST /api/assess", loads["api"], loads["bare-api"]
    )


def _rows(kind: str, label: str, ours: list[Load], bare: list[Load]) -> list[Row]:
    figure = f"4. {label}"
    baseline = "bare Flask page, same body"
    return [
        ratio_row(
            figure,
            f"{label} throughput",
            baseline,
            "req/s",
            [load.requests_per_second for load in ours],
            [load.requests_per_second for load in bare],
            GOALS[kind],
            lower_is_better=False,
        ),
        ratio_row(
            figure,
            f"{label} p50 latency",
            baseline,
            "ms",
            [load.p50_ms for load in ours],
            [load.p50_ms for load in bare],
            None,
        ),
        ratio_row(
            figure,
            f"{label} p99 latency",
            baseline,
            "ms",
            [load.p99_ms for load in ours],
            [load.p99_ms for load in bare],
            None,
        ),
    ]
