"""Saving checks under load: 20 clients for 10 s against gunicorn (2 workers), on SQLite and on PostgreSQL.

Half the clients save through the deal page's form (signed in, with the CSRF token), half
through the API with a token. Every save must succeed, and afterwards the database must
hold exactly as many checks as there were successful answers: nothing lost, nothing doubled.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import re
import secrets
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from deal_records.database import make_engine, session_factory
from deal_records.records import count_checks
from sales_process.loader import LoadedProcess
from tests.conftest import DEFAULT_PROCESS
from tests.robustness.conftest import CLIENTS, PASSWORD, Rep
from tests.support.deals import deal_answers, form_fields
from tests.support.servers import gunicorn

pytestmark = pytest.mark.slow  # twenty clients for seconds: ./scripts/test --quick leaves it out

DURATION = 10.0
HARD_STOP = 90.0
TIMEOUT = 30
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Tally:
    """Saves that succeeded and requests that failed, shared by the client threads."""

    saved: int = 0
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, error: str | None) -> None:
        """Record one save."""
        with self.lock:
            if error:
                self.errors.append(error)
            else:
                self.saved += 1


def _request(
    connection: http.client.HTTPConnection,
    method: str,
    path: str,
    body: str = "",
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], str]:
    connection.request(method, path, body=body or None, headers=headers or {})
    response = connection.getresponse()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read().decode("utf-8", "replace")


def _signed_in_form(connection: http.client.HTTPConnection, rep: Rep) -> tuple[str, str]:
    """Sign in as a browser does; return the session cookie and the deal page's CSRF token."""
    _, headers, page = _request(connection, "GET", "/login")
    match = _TOKEN.search(page)
    assert match
    body = urllib.parse.urlencode({"csrf_token": match.group(1), "email": rep.email, "password": PASSWORD})
    status, headers, _ = _request(
        connection,
        "POST",
        "/login",
        body,
        {"Content-Type": "application/x-www-form-urlencoded", "Cookie": headers["set-cookie"].split(";", 1)[0]},
    )
    assert status == 303, status
    cookie = headers["set-cookie"].split(";", 1)[0]
    _, headers, page = _request(connection, "GET", f"/deals/{rep.deal_id}", headers={"Cookie": cookie})
    match = _TOKEN.search(page)
    assert match
    # The page put its CSRF token in the session: the cookie changed.
    return headers.get("set-cookie", cookie).split(";", 1)[0], match.group(1)


def _client(port: int, number: int, rep: Rep, deal: dict[str, Any], deadline: float, tally: Tally) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        if number % 2:
            cookie, token = _signed_in_form(connection, rep)
            path, expected = f"/deals/{rep.deal_id}/checks", 303
            body = urllib.parse.urlencode({"csrf_token": token, **form_fields(deal)})
            headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
        else:
            path, expected = f"/api/deals/{rep.deal_id}/checks", 201
            body = json.dumps({key: value for key, value in deal.items() if key != "deal"})
            headers = {"Content-Type": "application/json", "Authorization": f"Bearer {rep.token}"}
        while time.monotonic() < deadline:
            try:
                status, _, text = _request(connection, "POST", path, body, headers)
                tally.add(None if status == expected else f"{path}: {status} {text[:200]!r}")
            except (OSError, http.client.HTTPException) as failure:
                tally.add(f"{path}: {failure!r}")
                connection.close()
    finally:
        connection.close()


def test_twenty_clients_saving_checks_lose_nothing(
    loaded_database: tuple[str, list[Rep]], site_dir: Path, default_process: LoadedProcess, record_property: Any
) -> None:
    url, reps = loaded_database
    environment = {
        "PLAYBOOK_PROCESS": str(DEFAULT_PROCESS),
        "PLAYBOOK_SITE_DIR": str(site_dir),
        "PLAYBOOK_SECRET_KEY": secrets.token_hex(16),
        "PLAYBOOK_DATABASE_URL": url,
    }
    deal = deal_answers(default_process.process, dt.date.today())
    tally = Tally()
    with gunicorn("assess_app:create_app()", environment, "/check") as base:
        port = int(base.rsplit(":", 1)[1])
        deadline = time.monotonic() + DURATION
        clients = [
            threading.Thread(target=_client, args=(port, n, reps[n], deal, deadline, tally)) for n in range(CLIENTS)
        ]
        for client in clients:
            client.start()
        for client in clients:
            client.join(timeout=HARD_STOP)
        assert not any(client.is_alive() for client in clients), f"clients still running after {HARD_STOP:g} s"
    engine = make_engine(url)
    with session_factory(engine)() as db:
        stored = count_checks(db)
    engine.dispose()
    record_property("saved", tally.saved)
    print(
        f"\nload ({url.split(':')[0]}): {tally.saved} checks saved by {CLIENTS} clients in {DURATION:g} s ({tally.saved / DURATION:.0f}/s)"
    )
    assert tally.errors == [], f"{len(tally.errors)} failed saves, first: {tally.errors[:3]}"
    assert stored == tally.saved
    assert tally.saved > CLIENTS, "the clients hardly saved anything"
