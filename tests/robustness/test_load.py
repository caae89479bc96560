"""A bounded load test: 20 concurrent clients mixing form and API posts against gunicorn (2 workers).

Loopback only; it stops by itself after DURATION seconds (hard stop: HARD_STOP). Every
request must succeed; the p99 latency is recorded in the report (`-rA` or junit XML) and printed.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import secrets
import statistics
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from sales_process.loader import LoadedProcess
from tests.conftest import DEFAULT_PROCESS
from tests.robustness.raw_http import form_session
from tests.support.deals import deal_answers, form_fields
from tests.support.servers import gunicorn

pytestmark = pytest.mark.slow  # twenty clients for seconds: ./scripts/test --quick leaves it out

CLIENTS = 20
DURATION = 10.0
HARD_STOP = 60.0
TIMEOUT = 15


@dataclass
class Tally:
    """What the clients saw, shared between their threads."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, seconds: float, error: str | None) -> None:
        """Record one request."""
        with self.lock:
            self.latencies.append(seconds)
            if error:
                self.errors.append(error)


@pytest.fixture(scope="module")
def server(site_dir: Path) -> Iterator[int]:
    """The app under gunicorn, 2 workers, on a free loopback port."""
    environment = {
        "PLAYBOOK_PROCESS": str(DEFAULT_PROCESS),
        "PLAYBOOK_SITE_DIR": str(site_dir),
        "PLAYBOOK_SECRET_KEY": secrets.token_hex(16),
    }
    with gunicorn("assess_app:create_app()", environment, "/check") as base:
        yield int(base.rsplit(":", 1)[1])


def _post(connection: http.client.HTTPConnection, path: str, body: str, headers: dict[str, str]) -> str | None:
    connection.request("POST", path, body=body, headers=headers)
    response = connection.getresponse()
    content = response.read()
    if response.status != 200:
        return f"{path}: {response.status} {content[:200]!r}"
    return None


def _client(port: int, number: int, deal: dict[str, Any], deadline: float, tally: Tally) -> None:
    cookie, token = form_session(port)  # each client its own session and token, as browsers have
    form = urllib.parse.urlencode({"csrf_token": token, **form_fields(deal)})
    requests = [
        ("/check", form, {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}),
        ("/api/assess", json.dumps(deal), {"Content-Type": "application/json"}),
    ]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        sent = number  # clients start on different kinds of request
        while time.monotonic() < deadline:
            path, body, headers = requests[sent % 2]
            started = time.perf_counter()
            try:
                error = _post(connection, path, body, headers)
            except (OSError, http.client.HTTPException) as failure:
                error = f"{path}: {failure!r}"
                connection.close()
            tally.add(time.perf_counter() - started, error)
            sent += 1
    finally:
        connection.close()


def test_twenty_clients_mixing_form_and_api_get_no_errors(
    server: int, default_process: LoadedProcess, record_property: Any
) -> None:
    deal = deal_answers(default_process.process, dt.date.today())
    tally = Tally()
    deadline = time.monotonic() + DURATION
    clients = [threading.Thread(target=_client, args=(server, n, deal, deadline, tally)) for n in range(CLIENTS)]
    for client in clients:
        client.start()
    for client in clients:
        client.join(timeout=HARD_STOP)
    assert not any(client.is_alive() for client in clients), f"clients still running after {HARD_STOP:g} s"
    assert tally.errors == [], f"{len(tally.errors)} failed requests, first: {tally.errors[:3]}"
    p50 = statistics.median(tally.latencies) * 1000
    p99 = statistics.quantiles(tally.latencies, n=100)[98] * 1000
    rate = len(tally.latencies) / DURATION
    record_property("requests", len(tally.latencies))
    record_property("p50_ms", round(p50, 1))
    record_property("p99_ms", round(p99, 1))
    print(
        f"\nload: {len(tally.latencies)} requests from {CLIENTS} clients in {DURATION:g} s ({rate:.0f}/s), p50 {p50:.1f} ms, p99 {p99:.1f} ms"
    )
    assert len(tally.latencies) > CLIENTS * 2, "the clients hardly got any request through"
