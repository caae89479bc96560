"""The manager's review pages in Chromium at a desktop and a phone width: every /deals column reachable,
the deal page with every answer, a check page; no axe-core violations and no Nu checker errors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.browser import axe_violations, follow, live_wsgi
from tests.conftest import sqlite_copy
from tests.html_checker import nu_errors
from tests.records.conftest import PASSWORDS, new_deal, page_token, sign_in

pytestmark = pytest.mark.browser
DAY = (dt.date.today() - dt.timedelta(days=5)).isoformat()
FUTURE = (dt.date.today() + dt.timedelta(days=5)).isoformat()
SHOTS = Path("/tmp/review-shots")
COLUMNS = [
    "Deal",
    "Owner",
    "CRM stage",
    "Verified stage",
    "Stages ahead",
    "Amount",
    "Weighted (CRM)",
    "Weighted (verified)",
    "Last checked",
    "Evidence",
]


@pytest.fixture(params=["sqlite"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The browser tests need one database kind: the page tests cover both."""
    return sqlite_copy(request, tmp_path)


@pytest.fixture
def base_url(records_app: Flask, add_person: Callable[..., str]) -> Iterator[str]:
    """The app on a free port; a rep's three deals, one checked twice with a problem in its latest check."""
    add_person("ana@example.com", name="Ana Lopez")
    add_person("lee@example.com", "manager", name="Lee Chen")
    client = records_app.test_client()
    sign_in(client, "ana@example.com", PASSWORDS["rep"])
    deal_id = new_deal(client, "Northwind Traders expansion")
    new_deal(client, "Contoso renewal", amount="48000 EUR")
    new_deal(client, "Fabrikam pilot")
    for answers in (
        {"pain-confirmed": ("Reply email from the CFO", DAY)},
        {"pain-confirmed": ("Signed letter from the CFO", DAY), "next-meeting-accepted": ("Invite", FUTURE)},
    ):
        data = {"csrf_token": page_token(client, f"/deals/{deal_id}"), "claimed_stage": "proposing"}
        for milestone, (evidence, date) in answers.items():
            data |= {f"{milestone}.met": "yes", f"{milestone}.evidence": evidence, f"{milestone}.date": date}
        assert client.post(f"/deals/{deal_id}/checks", data=data).status_code == 303
    with live_wsgi(records_app) as url:
        yield url


def _sign_in(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/login")
    page.get_by_label("Email").fill("lee@example.com")
    page.get_by_label("Password").fill(PASSWORDS["manager"])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}/deals")


@pytest.mark.parametrize("width", [1280, 390])
def test_review_pages_are_whole_and_clean(browser: Any, base_url: str, width: int, tmp_path: Path) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    _sign_in(page, base_url)
    SHOTS.mkdir(exist_ok=True)
    sources: dict[str, str] = {}
    for name, path in (
        ("deals", "/deals"),
        ("deal", "/deals/1"),
        ("check", "/deals/1/checks/2"),
        ("pipeline", "/pipeline"),
        ("pipeline-before-any-deal", "/pipeline?as_of=2020-01-01"),
        ("sign-out", "/logout"),
    ):
        page.goto(f"{base_url}{path}")
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
        page.screenshot(path=str(SHOTS / f"{name}-{width}-top.png"))
        assert axe_violations(page) == [], path
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
        sources[f"{name}-{width}"] = page.content()
    assert nu_errors(sources, tmp_path / "nu") == []
    page.goto(f"{base_url}/deals")
    if width == 1280:
        scroller = page.locator(".scroll")
        assert scroller.evaluate("e => e.scrollWidth <= e.clientWidth")
        for column in COLUMNS:
            assert page.get_by_role("columnheader", name=column, exact=True).is_visible(), column
    else:
        rows = page.locator("table.deals tbody tr")
        assert rows.count() == 3
        for index in range(3):
            card = rows.nth(index)
            box = card.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
            for cell in card.locator("td[data-label]").all():
                assert cell.is_visible() and cell.bounding_box()["x"] + cell.bounding_box()["width"] <= width
        label = rows.nth(0).locator('td[data-label="Verified stage"]')
        assert label.evaluate("e => getComputedStyle(e, '::before').content") == '"Verified stage: "'
        assert label.inner_text() == "Discovery"
    context.close()


def test_the_check_page_names_the_change_and_the_deal_page_the_problem(browser: Any, base_url: str) -> None:
    page = browser.new_page()
    _sign_in(page, base_url)
    page.goto(f"{base_url}/deals/1")
    problems = page.locator("#problems").inner_text()
    assert "1 answer does not count" in problems and "an outcome must already have happened" in problems
    follow(page, page.get_by_role("link", name="Check 2: its answers and what changed"))
    changed = page.locator(".changes").inner_text()
    assert "Newly met: Has the prospect accepted a calendar invitation" in changed
    assert "Evidence changed:\nHas the prospect confirmed, in writing" in changed
    page.close()
