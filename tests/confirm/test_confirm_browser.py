"""A buyer answers on a phone-sized Chromium without JavaScript: axe-clean, recorded once, no token in the logs."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from sales_process.confirmation import RequestState, StatementAnswer, token_hash
from tests.browser import DESKTOP, PHONE, axe_violations, follow, live_wsgi
from tests.confirm.conftest import STATEMENTS, MemoryConfirmations

pytestmark = pytest.mark.browser
SCREENSHOTS = os.environ.get("CONFIRM_SCREENSHOTS")  # a folder to keep PNGs of the pages in, for a person to look at


@pytest.fixture
def base_url(app: Flask) -> Iterator[str]:
    with live_wsgi(app) as url:
        yield url


def _shoot(page: Any, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("viewport", [pytest.param(PHONE, id="phone"), pytest.param(DESKTOP, id="desktop")])
def test_a_buyer_confirms_one_statement_and_declines_the_other(
    browser: Any,
    base_url: str,
    confirmations: MemoryConfirmations,
    viewport: dict[str, int],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    token = confirmations.add()
    context = browser.new_context(viewport=viewport, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{base_url}/confirm/{token}")
        assert page.locator("h1").inner_text() == "Where Fabrikam rollout stands"
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], "nothing sticks out sideways"
        _shoot(page, f"confirm-{viewport['width']}")
        first, second = (page.get_by_role("group", name=s.text) for s in STATEMENTS)
        first.get_by_label("Yes, this is right", exact=True).check()
        second.get_by_label("Not quite", exact=True).check()
        second.get_by_label("Comment").fill("Only after legal's review.")
        page.get_by_label("Your name").fill("Dana Buyer")
        follow(page, page.get_by_role("button", name="Send my answers"))
        assert page.locator("h1").inner_text() == "Thank you, Dana Buyer"
        _shoot(page, f"thanks-{viewport['width']}")
        reply = confirmations.replies[token_hash(token)]
        assert reply.answers == (
            StatementAnswer(STATEMENTS[0].milestone_id, True),
            StatementAnswer(STATEMENTS[1].milestone_id, False, "Only after legal's review."),
        )
        assert confirmations.requests[token_hash(token)].state is RequestState.DECLINED
        page.goto(f"{base_url}/confirm/{token}")  # the link opened again: the answers are recorded, it says so
        assert page.locator("h1").inner_text() == "This link has been answered: thank you"
    finally:
        context.close()
    requests = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert any('"GET /confirm/… HTTP/1.1" 200' in line for line in requests), requests
    assert token not in caplog.text


def test_the_browser_leaves_an_unfinished_form_to_the_buyer(
    browser: Any, base_url: str, confirmations: MemoryConfirmations
) -> None:
    token = confirmations.add()
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{base_url}/confirm/{token}")
        page.get_by_label("Your name").fill("Dana Buyer")
        page.get_by_role("button", name="Send my answers").click()
        assert page.locator("h1").inner_text() == "Where Fabrikam rollout stands"  # the browser's own check stopped it
        assert confirmations.replies == {}
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [pytest.param(PHONE, id="phone"), pytest.param(DESKTOP, id="desktop")])
def test_every_page_the_buyer_can_see_passes_axe(
    browser: Any, base_url: str, confirmations: MemoryConfirmations, viewport: dict[str, int]
) -> None:
    # axe-core needs JavaScript; the pages themselves have none, so they are the same pages.
    token = confirmations.add()
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    try:
        page.goto(f"{base_url}/confirm/{token}")
        assert axe_violations(page) == []
        other_tab = context.new_page()  # the same link, answered again here once answered in the first tab
        other_tab.goto(f"{base_url}/confirm/{token}")
        page.get_by_label("Your name").fill("   ")
        page.evaluate("document.querySelectorAll('[required]').forEach(e => e.removeAttribute('required'))")
        follow(page, page.get_by_role("button", name="Send my answers"))
        assert page.locator("#error-summary-title").inner_text() == "Please complete 3 answers"
        assert axe_violations(page) == []
        _shoot(page, f"errors-{viewport['width']}")
        page.get_by_role("group", name=STATEMENTS[0].text).get_by_label("Yes, this is right", exact=True).check()
        page.get_by_role("group", name=STATEMENTS[1].text).get_by_label("Yes, this is right", exact=True).check()
        page.get_by_label("Your name").fill("Dana Buyer")
        follow(page, page.get_by_role("button", name="Send my answers"))
        assert page.locator("h1").inner_text() == "Thank you, Dana Buyer"
        assert axe_violations(page) == []
        for statement in STATEMENTS[:2]:
            other_tab.get_by_role("group", name=statement.text).get_by_label("Not quite", exact=True).check()
        other_tab.get_by_label("Your name").fill("Dana Buyer")
        follow(other_tab, other_tab.get_by_role("button", name="Send my answers"))
        assert other_tab.locator("h1").inner_text() == "This link has been answered: thank you"
        assert "Statement 1 of " in other_tab.get_by_label("What you sent").input_value()
        assert axe_violations(other_tab) == []
        _shoot(other_tab, f"not-recorded-{viewport['width']}")
        page.goto(f"{base_url}/confirm/{token}")
        assert axe_violations(page) == []
        _shoot(page, f"gone-{viewport['width']}")
        page.reload()  # the buyer reloads the thank-you page: their answers were recorded, and it says so
        assert page.locator("h1").inner_text() == "This link has been answered: thank you"
    finally:
        context.close()
