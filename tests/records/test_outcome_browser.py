"""Closing and reopening a deal in a real browser, on a desktop and a phone, without accessibility violations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session, sessionmaker

from tests.browser import axe_violations, follow, live_wsgi
from tests.conftest import sqlite_copy
from tests.forecast.made_history import PROCESS, made_deals
from tests.html_checker import nu_errors
from tests.records.conftest import PASSWORDS
from tests.records.test_backtest_records import save_and_close
from tests.records.test_browser import _sign_in

pytestmark = pytest.mark.browser
YESTERDAY = (dt.date.today() - dt.timedelta(days=1)).isoformat()


@pytest.fixture(params=["sqlite"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The browser tests need one database kind: the storage tests cover both."""
    return sqlite_copy(request, tmp_path)


@pytest.fixture
def base_url(records_app: Flask, add_person: Callable[..., str]) -> Iterator[str]:
    """The app on a free port, with a rep."""
    add_person("ana@example.com", name="Ana Lopez")
    with live_wsgi(records_app) as url:
        yield url


@pytest.mark.parametrize("width", [1280, 390])
def test_a_rep_closes_a_deal_lost_and_reopens_it(browser: Any, base_url: str, width: int, tmp_path: Path) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    _sign_in(page, base_url, "ana@example.com", "rep")
    follow(page, page.get_by_role("link", name="New deal"))
    page.get_by_label("Deal name").fill("Northwind")
    page.get_by_label("Amount (optional)").fill("120000")
    follow(page, page.get_by_role("button", name="Create the deal"))
    page.get_by_role("radio", name="Lost").check()
    page.get_by_label("Close date").fill(YESTERDAY)
    follow(page, page.get_by_role("button", name="Record the outcome"))
    assert "Reason is required for a lost deal" in page.locator("#outcome [role=alert]").inner_text()
    assert axe_violations(page) == []
    page.get_by_label("Why was it lost?").fill("Chose a competitor")
    follow(page, page.get_by_role("button", name="Record the outcome"))
    assert page.locator("#outcome-now").inner_text().startswith(f"Closed lost on {YESTERDAY}: Chose a competitor.")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(tmp_path / f"closed-{width}.png"), full_page=True)
    assert axe_violations(page) == []
    page.goto(f"{base_url}/deals")
    assert "Northwind" not in page.content()
    follow(page, page.get_by_role("link", name="Closed deals (won and lost)"))
    assert f"lost on {YESTERDAY}" in page.locator("#deals").inner_text()
    assert axe_violations(page) == []
    follow(page, page.get_by_role("link", name="Northwind"))
    follow(page, page.get_by_role("button", name="Reopen the deal"))
    assert "The deal is open." in page.locator("#outcome").inner_text()
    assert page.locator("#outcome-events > li").count() == 2
    assert axe_violations(page) == []
    context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_the_pipelines_forecast_accuracy_in_the_browser(
    browser: Any,
    make_app: Callable[..., Flask],
    tokens: dict[str, dict[str, str]],
    sessions: sessionmaker[Session],
    width: int,
    tmp_path: Path,
) -> None:
    app = make_app(PROCESS_PATH=str(PROCESS))
    client = app.test_client()
    for deal in made_deals(count=30):
        save_and_close(client, tokens, sessions, deal)
    with live_wsgi(app) as url:
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        page.goto(f"{url}/login")
        page.get_by_label("Email").fill("lee@example.com")
        page.get_by_label("Password").fill(PASSWORDS["manager"])
        follow(page, page.get_by_role("button", name="Sign in"))
        page.goto(f"{url}/pipeline")
        section = page.locator("#forecast-accuracy")
        assert section.locator("svg[role=img]").count() == 3
        claimed, verified = (section.locator(f"#calibration-{b} svg").bounding_box() for b in ("claimed", "verified"))
        if width == 1280:
            assert abs(claimed["y"] - verified["y"]) < 1  # side by side
        else:
            assert verified["y"] >= claimed["y"] + claimed["height"]  # stacked
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        if width == 390:  # on a phone the win rates are cards: nothing scrolls sideways
            rates = page.locator("table.rates").element_handle().evaluate_handle("e => e.parentElement")
            assert page.evaluate("e => e.scrollWidth <= e.clientWidth", rates)
        # The notes on the tables are read in full on the screen, not in captions as wide as their tables.
        for note in ("#rates-note", "#stages-note"):
            assert page.locator(note).evaluate("e => e.getBoundingClientRect().right") <= width, note
        section.screenshot(path=str(tmp_path / f"accuracy-{width}.png"))
        assert axe_violations(page) == []
        html = page.content()
        context.close()
    if width == 1280:
        assert nu_errors({"pipeline": html}, tmp_path / "pages") == []
