"""One layout for the app's pages in Chromium: the header where it is on every page (the team pipeline's too),
the deals list's actions spaced and its filter lined up, and room for the evidence column's notes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.browser import DESKTOP, PHONE, axe_violations, live_wsgi
from tests.conftest import sqlite_copy
from tests.records.conftest import PASSWORDS, new_deal, page_token, sign_in
from tests.records.test_browser import _sign_in

pytestmark = pytest.mark.browser
EXPIRING = (dt.date.today() - dt.timedelta(days=85)).isoformat()  # counts for 90 days: the list warns
STALE = (dt.date.today() - dt.timedelta(days=130)).isoformat()  # counts for 120 days (the budget)
SHOTS = Path("/tmp/layout-shots")
BOX = "e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; }"


@pytest.fixture(params=["sqlite"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The browser tests need one database kind: the page tests cover both."""
    return sqlite_copy(request, tmp_path)


@pytest.fixture
def base_url(records_app: Flask, add_person: Callable[..., str]) -> Iterator[str]:
    """The app on a free port: a manager, and a rep's deal whose evidence has two notes (one stale, one expiring)."""
    add_person("lee@example.com", "manager", name="Lee Chen")
    add_person("ana@example.com", name="Ana Lopez")
    client = records_app.test_client()
    sign_in(client, "ana@example.com", PASSWORDS["rep"])
    deal_id = new_deal(client, "Fabrikam predictive maintenance rollout", claimed_stage="negotiating")
    data = {"csrf_token": page_token(client, f"/deals/{deal_id}"), "claimed_stage": "negotiating"}
    data |= {"pain-confirmed.met": "yes", "pain-confirmed.evidence": "Reply email", "pain-confirmed.date": EXPIRING}
    data |= {"budget-confirmed.met": "yes", "budget-confirmed.evidence": "Budget email", "budget-confirmed.date": STALE}
    assert client.post(f"/deals/{deal_id}/checks", data=data).status_code == 303
    with live_wsgi(records_app) as url:
        yield url


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_the_header_is_in_one_place_on_every_page(browser: Any, base_url: str, viewport: dict[str, int]) -> None:
    """The nav moved between /deals (full width) and /deals/new (centred), and /pipeline had a header, a font and
    a spacing of its own (its title against the header bar on a phone)."""
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    _sign_in(page, base_url, "lee@example.com", "manager")
    seen = {}
    for path in ("/deals", "/deals/new", "/deals/1", "/pipeline"):
        page.goto(f"{base_url}{path}")
        header = page.locator("header.app-header")
        seen[path] = (
            header.locator(".app-header__inner").evaluate(BOX),
            header.locator("nav").evaluate(BOX),
            page.evaluate("getComputedStyle(document.body).fontFamily"),
            page.locator("h1").evaluate("e => getComputedStyle(e).fontSize"),
        )
        gap = page.locator("h1").evaluate(BOX)[1] - (header.evaluate(BOX)[1] + header.evaluate(BOX)[3])
        assert gap >= 16, (path, gap)
        assert page.locator("header").count() == 1, path  # one banner: the app's
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], path
        assert axe_violations(page) == [], path
    assert all(value == seen["/deals"] for value in seen.values()), seen
    context.close()


def test_the_deals_lists_actions_are_spaced_and_its_filter_lined_up(browser: Any, base_url: str) -> None:
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    _sign_in(page, base_url, "lee@example.com", "manager")
    page.goto(f"{base_url}/deals")
    new = page.get_by_role("link", name="New deal").evaluate(BOX)
    closed = page.locator("#closed-deals").evaluate(BOX)
    assert closed[0] - (new[0] + new[2]) >= 12  # "New deal" ran into "Closed deals (won and lost)"
    select = page.locator("#stage").evaluate(BOX)
    button = page.get_by_role("button", name="Filter").evaluate(BOX)
    assert abs(select[3] - button[3]) < 1 and abs((select[1] + select[3]) - (button[1] + button[3])) < 1
    context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_the_evidence_column_has_room_for_its_notes(browser: Any, base_url: str, viewport: dict[str, int]) -> None:
    """At 1280 px one warning took about 20 lines of a word or two: each note is now an item of a column 16rem wide."""
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    _sign_in(page, base_url, "lee@example.com", "manager")
    page.goto(f"{base_url}/deals")
    cell = page.locator("#deals tbody td.evidence")
    assert cell.locator("li").count() == 2
    assert cell.evaluate(BOX)[2] >= (250 if viewport == DESKTOP else 300)
    for note in cell.locator("li").all():
        lines = note.evaluate(
            "e => Math.round(e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight))"
        )
        assert lines <= 4, note.text_content()
    table = page.locator("#deals").element_handle().evaluate_handle("e => e.parentElement")
    assert page.evaluate("e => e.scrollWidth <= e.clientWidth", table)  # every column shows, nothing scrolls
    assert axe_violations(page) == []
    context.close()


LONGEST_NAME = "Fabrikam" + "X" * 192  # the longest name a deal may have (200 characters), without a space
WIDE_OWNER = "Maximiliane Vandenberghe-Oppenheimer"
# Each cell's width in the table's first row, by its heading, when the table is wider than its box.
COLUMNS = """t => [...t.querySelectorAll('thead th')].map((h, i) =>
  h.textContent.trim() + ' ' + Math.round(h.getBoundingClientRect().width))"""


@pytest.mark.parametrize("width", [1280, 1265, 390], ids=["1280", "1280-with-scrollbar", "390"])
@pytest.mark.parametrize("closed", [False, True], ids=["open", "closed"])
def test_every_column_of_the_deals_table_shows_with_the_longest_names(
    browser: Any, base_url: str, records_app: Flask, add_person: Callable[..., str], width: int, closed: bool
) -> None:
    """At 1280 px the manager's table was 1264 px in a box of 1248 (1360 with a 200-character name without spaces;
    1264 in 1233 with a scrollbar): the Evidence column was cut off, where the manual says every column shows."""
    add_person("max@example.com", name=WIDE_OWNER)
    client = records_app.test_client()
    sign_in(client, "max@example.com", PASSWORDS["rep"])
    deal_id = new_deal(client, LONGEST_NAME, claimed_stage="negotiating", amount="EUR 1,250,000.50")
    data = {"csrf_token": page_token(client, f"/deals/{deal_id}"), "claimed_stage": "negotiating"}
    data |= {"pain-confirmed.met": "yes", "pain-confirmed.evidence": "Reply email", "pain-confirmed.date": EXPIRING}
    assert client.post(f"/deals/{deal_id}/checks", data=data).status_code == 303
    if closed:
        outcome = {"csrf_token": page_token(client, f"/deals/{deal_id}"), "outcome": "won", "amount": "1250000.50"}
        outcome["date"] = dt.date.today().isoformat()
        assert client.post(f"/deals/{deal_id}/outcome", data=outcome).status_code == 303
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    for email, role in (("lee@example.com", "manager"), ("max@example.com", "rep")):
        _sign_in(page, base_url, email, role)
        page.goto(f"{base_url}/deals{'?closed=1' if closed else ''}")
        assert LONGEST_NAME in page.locator("#deals").inner_text().replace("\n", ""), email
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / f"deals-{role}-{width}-{'closed' if closed else 'open'}.png"), full_page=True)
        box = page.locator("#deals").element_handle().evaluate_handle("e => e.parentElement")
        sizes = page.evaluate("e => [e.scrollWidth, e.clientWidth]", box)
        assert sizes[0] <= sizes[1], (email, sizes, page.locator("#deals").evaluate(COLUMNS))
        assert page.evaluate("document.documentElement.scrollWidth") <= width, email
        if width == 390:  # a card each, its fields labelled
            assert page.locator("#deals tbody tr").first.evaluate("e => getComputedStyle(e).display") == "block"
        page.context.clear_cookies()
    context.close()


def _pipeline_list_fits_a_phone(browser: Any, base_url: str, list_id: str) -> None:
    """A manager's /pipeline at 390 px: the list `list_id` names the longest deal name, within its box and the screen."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    _sign_in(page, base_url, "lee@example.com", "manager")
    page.goto(f"{base_url}/pipeline")
    listed = page.locator(f"#{list_id}")
    assert LONGEST_NAME in listed.inner_text().replace("\n", "")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"pipeline-{list_id}-390.png"), full_page=True)
    assert listed.evaluate("e => e.scrollWidth <= e.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert axe_violations(page) == []
    context.close()


def test_the_closed_deals_not_summed_fit_a_phone(
    browser: Any, base_url: str, records_app: Flask, add_person: Callable[..., str]
) -> None:
    """/pipeline names each closed deal whose amount it cannot sum (here won in SEK, the pipeline summed in EUR): the
    longest name, without a space, stays on a 390 px screen."""
    add_person("max@example.com", name=WIDE_OWNER)
    client = records_app.test_client()
    sign_in(client, "max@example.com", PASSWORDS["rep"])
    new_deal(client, "Summed", amount="EUR 1,000", claimed_stage="proposing")
    deal_id = new_deal(client, LONGEST_NAME, amount="SEK 5,000", claimed_stage="proposing")
    outcome = {"csrf_token": page_token(client, f"/deals/{deal_id}"), "outcome": "won", "amount": "SEK 5,000"}
    outcome["date"] = dt.date.today().isoformat()
    assert client.post(f"/deals/{deal_id}/outcome", data=outcome).status_code == 303
    _pipeline_list_fits_a_phone(browser, base_url, "not-summed")


def test_the_deals_not_weighted_fit_a_phone(
    browser: Any, base_url: str, records_app: Flask, add_person: Callable[..., str]
) -> None:
    """/pipeline names each open deal without an amount or a claimed stage: the longest name, without a space,
    stays on a 390 px screen."""
    add_person("max@example.com", name=WIDE_OWNER)
    client = records_app.test_client()
    sign_in(client, "max@example.com", PASSWORDS["rep"])
    new_deal(client, LONGEST_NAME, amount="", claimed_stage="")
    _pipeline_list_fits_a_phone(browser, base_url, "not-weighted")
