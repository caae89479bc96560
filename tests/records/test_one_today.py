"""One "today" for the app and the commands: the date in UTC, whatever the server's time zone (sales_process.clock)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator

import pytest
from flask import Flask

from sales_process import clock


@pytest.fixture
def far_time_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The server in a time zone whose local date is not the UTC date right now: Pago Pago (UTC-11) before 11:00
    UTC, Kiritimati (UTC+14) from 10:00 UTC."""
    zone = "Pacific/Pago_Pago" if dt.datetime.now(dt.UTC).hour < 11 else "Pacific/Kiritimati"
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    yield zone
    monkeypatch.undo()
    time.tzset()


def test_today_is_the_utc_date_in_any_time_zone(far_time_zone: str) -> None:
    assert dt.date.today() != dt.datetime.now(dt.UTC).date(), far_time_zone  # the server's own date differs
    assert clock.today() == dt.datetime.now(dt.UTC).date()


def test_a_check_and_an_outcome_dated_the_same_day_agree_on_it(
    far_time_zone: str, records_app: Flask, tokens: dict[str, dict[str, str]]
) -> None:
    """A check answered today and an outcome closed today (the UTC day) are both of today: the check's verdict is
    as of that day, with nothing in the future, and the close date is accepted."""
    day = dt.datetime.now(dt.UTC).date().isoformat()
    client, ana = records_app.test_client(), tokens["ana"]
    deal_id = client.post("/api/deals", headers=ana, json={"name": "Northwind", "amount": 1000}).get_json()["id"]
    answer = {"met": True, "evidence": "Reply to the recap email", "date": day}
    check = {"claimed_stage": "discovery", "milestones": {"pain-confirmed": answer}}
    checked = client.post(f"/api/deals/{deal_id}/checks", headers=ana, json=check)
    assert checked.status_code == 201, checked.get_json()
    verdict = checked.get_json()["verdict"]
    assert verdict["as_of"] == day and "future_date" not in str(verdict), verdict
    closed = client.post(f"/api/deals/{deal_id}/outcome", headers=ana, json={"outcome": "won", "date": day})
    assert closed.status_code == 201, closed.get_json()
