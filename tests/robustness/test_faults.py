"""Faults, measured: clients saving checks with idempotency keys and retries while gunicorn's workers are killed.

Every client sends each check with a new key and retries it (same key, same body) after a
dropped connection or a 503 until it gets its 201. Afterwards the database holds exactly
one check per acknowledged key: none lost, none twice.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from deal_records.database import make_engine, session_factory
from deal_records.models import Check, IdempotencyKey
from tests.conftest import DEFAULT_PROCESS
from tests.robustness.conftest import Rep
from tests.support.servers import gunicorn

DURATION = 8.0
HARD_STOP = 50.0
DAY = "2026-11-30"
BODY = json.dumps({"milestones": {"pain-confirmed": {"met": True, "evidence": "Reply from the CFO", "date": DAY}}})


def _workers(port: int) -> list[int]:
    """The pids of the gunicorn workers serving `port`: forks of the master this test started, with its command line."""
    serving: dict[int, int] = {}  # pid -> parent pid
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
            status = (entry / "status").read_text()
        except OSError:
            continue
        if b"gunicorn" in command and f"127.0.0.1:{port}".encode() in command:
            serving[int(entry.name)] = int(status.split("\nPPid:\t", 1)[1].split("\n", 1)[0])
    return [pid for pid, parent in serving.items() if parent in serving]


def _save(
    port: int, rep: Rep, deadline: float, acknowledged: list[str], seen: dict[str, int], lock: threading.Lock
) -> None:
    headers = {"Authorization": f"Bearer {rep.token}", "Content-Type": "application/json"}
    while time.monotonic() < deadline:
        key = uuid.uuid4().hex
        while True:  # retry the same key until the check is acknowledged
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
            try:
                connection.request(
                    "POST", f"/api/deals/{rep.deal_id}/checks", BODY, {**headers, "Idempotency-Key": key}
                )
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                status = 0  # the connection dropped: the check may or may not be saved
            finally:
                connection.close()
            with lock:
                seen[str(status)] = seen.get(str(status), 0) + 1
            if status == 201:
                with lock:
                    acknowledged.append(key)
                break
            assert status in (0, 503), f"unexpected answer {status}"


@pytest.mark.slow
def test_retried_keys_store_one_check_each_while_workers_are_killed(
    loaded_database: tuple[str, list[Rep]],
    site_dir: Path,
    record_property: Any,
) -> None:
    url, reps = loaded_database
    environment = {
        "PLAYBOOK_PROCESS": str(DEFAULT_PROCESS),
        "PLAYBOOK_SITE_DIR": str(site_dir),
        "PLAYBOOK_SECRET_KEY": "faults",
        "PLAYBOOK_DATABASE_URL": url,
    }
    acknowledged: list[str] = []
    seen: dict[str, int] = {}
    lock = threading.Lock()
    killed = 0
    with gunicorn("assess_app:create_app()", environment, "/healthz") as base:
        port = int(base.rsplit(":", 1)[1])
        deadline = time.monotonic() + DURATION
        clients = [
            threading.Thread(target=_save, args=(port, rep, deadline, acknowledged, seen, lock)) for rep in reps[:10]
        ]
        for client in clients:
            client.start()
        while time.monotonic() < deadline - 1:
            time.sleep(1.5)  # why: the faults are spread over the load, one worker at a time
            workers = _workers(port)
            if workers:
                os.kill(workers[0], signal.SIGKILL)
                killed += 1
        for client in clients:
            client.join(timeout=HARD_STOP)
        assert not any(client.is_alive() for client in clients)
    engine = make_engine(url)
    with session_factory(engine)() as db:
        stored = db.scalar(select(func.count()).select_from(Check))
        keys = set(db.scalars(select(IdempotencyKey.key)))
    engine.dispose()
    summary = f"{len(acknowledged)} keys acknowledged, {stored} checks stored, {killed} workers killed, answers {seen}"
    print(f"\nfaults ({url.split(':')[0]}): {summary}")
    record_property("faults", summary)
    assert len(set(acknowledged)) == len(acknowledged) == stored
    assert keys == set(acknowledged)
    assert killed >= 3 and stored > 10
