"""The whole confirmation in real browsers: a rep asks on a desktop, the buyer answers on a phone,
and the deal, its timeline and the team pipeline change; every page without accessibility violations."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser import axe_violations, follow
from tests.records.test_browser import _sign_in, base_url, database_url

__all__ = ["base_url", "database_url"]  # the same one-database app on a free port as the other browser tests

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
PRICE = "The price range we discussed fits our budget."
PROPOSAL = "We have agreed that a proposal is the next step."
SHOTS = os.environ.get("PLAYBOOK_SCREENSHOTS")  # a folder: save screenshots there to look at them


def _shoot(page: Any, name: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def _rep_asks(page: Any, base_url: str) -> str:
    _sign_in(page, base_url, "ana@example.com", "rep")
    follow(page, page.get_by_role("link", name="New deal"))
    page.get_by_label("Deal name").fill("Northwind expansion")
    page.get_by_label("Amount (optional)").fill("200000")
    page.get_by_label("Stage in the CRM today").select_option("proposing")
    follow(page, page.get_by_role("button", name="Create the deal"))
    form = page.locator("form.ask-form")
    form.get_by_label(PRICE).check()
    form.get_by_label(PROPOSAL).check()
    form.get_by_label("The buyer's name").fill("Dana Whitfield")
    form.get_by_label("The buyer's email").fill("dana@northwind.example")
    follow(page, form.get_by_role("button", name="Create the confirmation link"))
    link: str = page.get_by_role("textbox", name="Confirmation link").input_value()
    assert re.fullmatch(re.escape(base_url) + r"/confirm/[A-Za-z0-9_-]{43}", link)
    assert (
        page.get_by_role("link", name="Open the email in your mail program")
        .get_attribute("href")
        .startswith("mailto:dana@northwind.example?")
    )
    assert page.get_by_role("button", name="Copy link").is_visible()
    assert axe_violations(page) == []
    _shoot(page, "rep-asked-1280")
    return link


def _buyer_answers(browser: Any, link: str) -> None:
    context = browser.new_context(viewport=PHONE, java_script_enabled=False, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto(link)
        assert page.locator("h1").inner_text() == "Where Northwind expansion stands"
        body = page.locator("main").inner_text()
        assert (
            "Contoso" in page.content() and "200,000" not in body and "Proposing" not in body
        )  # nothing else about the deal
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "nothing sticks out sideways"
        _shoot(page, "buyer-phone")
        page.get_by_role("group", name=PRICE).get_by_label("Yes, this is right", exact=True).check()
        declined = page.get_by_role("group", name=PROPOSAL)
        declined.get_by_label("Not quite", exact=True).check()
        declined.get_by_label("Comment").fill("We want legal to read the terms first.")
        page.get_by_label("Your name").fill("Dana Whitfield")
        follow(page, page.get_by_role("button", name="Send my answers"))
        assert page.locator("h1").inner_text() == "Thank you, Dana Whitfield"
        _shoot(page, "buyer-thanks-phone")
        page.goto(link)  # opened again once answered: their answers stand, and the link is spent
        assert page.locator("h1").inner_text() == "This link has been answered: thank you"
    finally:
        context.close()


def test_a_rep_asks_the_buyer_answers_on_a_phone_and_the_deal_changes(browser: Any, base_url: str) -> None:
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    try:
        link = _rep_asks(page, base_url)
        deal_url = page.url.split("#")[0].split("?")[0].replace("/confirmations", "")
        _buyer_answers(browser, link)
        page.goto(deal_url)
        alert = page.get_by_role("alert")
        assert "The buyer answered “Not quite”" in alert.inner_text()
        assert "We want legal to read the terms first." in alert.inner_text()
        confirmed = page.locator("#buyer-word-title").locator("xpath=..").inner_text()
        assert PRICE in confirmed and "Dana Whitfield (dana@northwind.example)" in confirmed
        assert (
            "the buyer Dana Whitfield (dana@northwind.example), answered confirmation link"
            in page.locator(".timeline > li").first.inner_text()
        )
        assert "1 of 2 confirmed" in page.locator("table.requests").inner_text()  # a partial answer, said so
        assert axe_violations(page) == []
        _shoot(page, "rep-deal-after-1280")
        page.set_viewport_size(PHONE)
        assert axe_violations(page) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "nothing sticks out sideways"
        # Nor inside its box: each link is a card as wide as the screen, where it was 544 px in a 358 px box.
        box = page.evaluate(
            "[document.querySelector('table.requests').scrollWidth, document.querySelector('table.requests').parentElement.clientWidth]"
        )
        assert box[0] <= box[1], box
        _shoot(page, "rep-deal-after-phone")
        follow(page, page.get_by_role("button", name="Sign out Ana Lopez"))
        _sign_in(page, base_url, "lee@example.com", "manager")
        page.goto(deal_url)
        assert "The buyer answered “Not quite”" in page.get_by_role("alert").inner_text()
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_reloading_the_new_link_makes_no_second_link(browser: Any, base_url: str, viewport: dict[str, int]) -> None:
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    link = _rep_asks(page, base_url)
    page.set_viewport_size(viewport)
    with page.expect_navigation():
        page.reload()  # the browser sends the form again
    assert "?asked=" in page.url and link not in page.content()
    notice = page.get_by_role("status").filter(has_text="This form was already sent")
    assert "made no new link and sent no email" in notice.inner_text()
    assert page.locator("#confirmations tbody tr").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert axe_violations(page) == []
    if SHOTS:
        page.locator("#confirmations").screenshot(path=str(Path(SHOTS) / f"rep-reloaded-{viewport['width']}.png"))
    context.close()
