"""Form and API: POST /check and POST /api/assess under gunicorn, against a bare Flask page.

Both apps run under gunicorn with 2 workers on loopback; wrk (a separate process) drives
them in turn, the same number of connections for each. The form is posted with a real
CSRF token: one GET /check gives the session cookie and the token that wrk replays.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

from benchmarks.common import DEFAULT_PROCESS, Row, ratio_row
from benchmarks.wrk import Load, post_load
from sales_process.loader import load_process
from site_builder.build import build_site
from tests.robustness.raw_http import form_session
from tests.support.deals import deal_answers, form_fields
from tests.support.servers import gunicorn

GOALS = {"form": 0.35, "api": 0.7}
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


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
            cookie, token = form_session(urllib.parse.urlsplit(app).port or 80)
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
