"""A rep and a manager in a real browser: sign in, create and check a deal twice, read the timeline
and the pipeline; every page without accessibility violations, on a desktop and a phone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from playbook_cli.main import main
from tests.browser import axe_violations, follow, live_wsgi
from tests.conftest import sqlite_copy
from tests.records.conftest import PASSWORDS

pytestmark = pytest.mark.browser
RECENT = (dt.date.today() - dt.timedelta(days=5)).isoformat()


@pytest.fixture(params=["sqlite"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The browser tests need one database kind: the storage tests cover both."""
    return sqlite_copy(request, tmp_path)


@pytest.fixture
def base_url(records_app: Flask, add_person: Callable[..., str]) -> Iterator[str]:
    """The app on a free port, with a rep and a manager."""
    add_person("ana@example.com", name="Ana Lopez")
    add_person("lee@example.com", "manager", name="Lee Chen")
    with live_wsgi(records_app) as url:
        yield url


def _sign_in(page: Any, base_url: str, email: str, role: str) -> None:
    page.goto(f"{base_url}/deals")
    page.wait_for_url(f"{base_url}/login?next=%2Fdeals")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORDS[role])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}/deals")


def _answer(page: Any, milestone: str, evidence: str) -> None:
    page.locator(f'[name="{milestone}.met"]').check()
    page.locator(f'[name="{milestone}.evidence"]').fill(evidence)
    page.locator(f'[name="{milestone}.date"]').fill(RECENT)


@pytest.mark.parametrize("width", [1280, 390])
def test_rep_and_manager_in_the_browser(browser: Any, base_url: str, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    _sign_in(page, base_url, "ana@example.com", "rep")
    assert axe_violations(page) == []
    follow(page, page.get_by_role("link", name="New deal"))
    assert axe_violations(page) == []
    page.get_by_label("Deal name").fill("Northwind")
    page.get_by_label("Amount (optional)").fill("120000")
    page.get_by_label("Stage in the CRM today").select_option("proposing")
    follow(page, page.get_by_role("button", name="Create the deal"))
    _answer(page, "pain-confirmed", "Reply email from the CFO")
    follow(page, page.get_by_role("button", name="Save this check"))
    _answer(page, "next-meeting-accepted", "Accepted calendar invite")
    follow(page, page.get_by_role("button", name="Save this check"))
    assert page.locator(".verdict__stage").inner_text() == "Qualifying"
    assert page.locator(".timeline > li").count() == 2
    assert (
        "Newly verified: Has the prospect accepted a calendar invitation"
        in page.locator(".timeline > li").first.inner_text()
    )
    assert axe_violations(page) == []
    page.get_by_role("button", name="Sign out Ana Lopez").click()
    page.wait_for_url(f"{base_url}/login")
    _sign_in(page, base_url, "lee@example.com", "manager")
    assert "Northwind" in page.locator("#deals").inner_text()
    assert axe_violations(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="Download all the team's deals as CSV").click()
    assert download.value.suggested_filename == f"deals-{dt.date.today().isoformat()}.csv"
    assert "Northwind" in Path(download.value.path()).read_text(encoding="utf-8")
    follow(page, page.get_by_role("link", name="Pipeline"))
    assert page.locator('[data-total="assessed"]').inner_text() == "1"
    assert axe_violations(page) == []
    context.close()


def test_a_long_unbroken_deal_name_wraps_on_a_phone(
    browser: Any, base_url: str, token_for: Callable[[str], dict[str, str]], tmp_path: Any
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 900})
    name = "N" * 200  # one word, no place to break
    created = context.request.post(f"{base_url}/api/deals", data={"name": name}, headers=token_for("ana@example.com"))
    assert created.status == 201
    page = context.new_page()
    _sign_in(page, base_url, "ana@example.com", "rep")
    for path in ("/deals", f"/deals/{created.json()['id']}"):
        page.goto(f"{base_url}{path}")
        page.screenshot(path=str(tmp_path / f"long-name{path.replace('/', '-')}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    context.close()


def test_signing_in_with_a_next_that_leaves_the_site_stays_here(browser: Any, base_url: str) -> None:
    page = browser.new_page()
    page.goto(f"{base_url}/login?next=/%09/evil.example")
    page.get_by_label("Email").fill("ana@example.com")
    page.get_by_label("Password").fill(PASSWORDS["rep"])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}/deals")
    page.goto(f"{base_url}/login?next=/%09/evil.example")  # signed in: straight on, to this site
    assert page.url == f"{base_url}/deals"
    page.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_a_failed_sign_in_and_a_refused_new_deal_put_the_focus_on_what_went_wrong(
    browser: Any, base_url: str, width: int, tmp_path: Path
) -> None:
    """As on the deal page: the notice, not <body>, has the focus, so a screen reader reads it first."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"{base_url}/login")
    page.get_by_label("Email").fill("ana@example.com")
    page.get_by_label("Password").fill("not the password")
    follow(page, page.get_by_role("button", name="Sign in"))
    page.wait_for_function("document.activeElement.matches('[data-focus]')")
    assert "notice--error" in page.evaluate("document.activeElement.className")
    assert axe_violations(page) == []
    page.screenshot(path=str(tmp_path / f"login-error-{width}.png"), full_page=True)
    _sign_in(page, base_url, "ana@example.com", "rep")
    page.goto(f"{base_url}/deals/new")
    page.get_by_label("Deal name").fill("Tailspin")
    page.get_by_label("Amount").fill("90000 usd")
    follow(page, page.get_by_role("button", name="Create the deal"))
    page.wait_for_function("document.activeElement.matches('[data-focus]')")
    assert "is not an amount" in page.evaluate("document.activeElement.textContent")
    assert axe_violations(page) == []
    page.screenshot(path=str(tmp_path / f"new-error-{width}.png"), full_page=True)
    context.close()


@pytest.mark.parametrize("signed_out", ["in another tab", "by playbook users sign-out"])
def test_a_check_sent_after_signing_out_in_another_tab_lists_what_was_typed_first(
    browser: Any, base_url: str, token_for: Callable[[str], dict[str, str]], database_url: str, signed_out: str
) -> None:
    """The page refusing the form listed the pre-filled answers first and the typed one last, unmarked: check.js
    names the fields typed or changed as the form is sent, and the page lists them first, as the 409 page does.
    After `playbook users sign-out` (a lost laptop) the form went to a plain sign-in page, the typed text lost."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    headers = token_for("ana@example.com")
    deal = context.request.post(f"{base_url}/api/deals", data={"name": "Northwind"}, headers=headers).json()
    pain = {"pain-confirmed": {"met": True, "evidence": "Reply email from the CFO", "date": RECENT}}
    checked = context.request.post(
        f"{base_url}/api/deals/{deal['id']}/checks", data={"milestones": pain}, headers=headers
    )
    assert checked.status == 201
    page = context.new_page()
    _sign_in(page, base_url, "ana@example.com", "rep")
    page.goto(f"{base_url}/deals/{deal['id']}")
    if signed_out == "in another tab":
        other = context.new_page()
        other.goto(page.url)
        follow(other, other.get_by_role("button", name="Sign out Ana Lopez"))
    else:
        assert main(["users", "sign-out", "ana@example.com", "--database", database_url]) == 0
    page.locator('[name="decision-maker-identified.met"]').check()
    page.locator('[name="decision-maker-identified.evidence"]').fill("Signer named in the mail of 3 Dec")
    follow(page, page.get_by_role("button", name="Save this check"))
    held = page.locator(".kept > div")
    assert "What you typed or changed comes first." in page.locator("main").inner_text()
    assert [held.nth(i).locator("dd").inner_text() for i in range(2)] == ["yes", "Signer named in the mail of 3 Dec"]
    assert held.locator(".kept__changed").count() == 2
    assert (
        page.locator("main").get_by_role("link", name="Sign in").get_attribute("href")
        == f"/login?next=%2Fdeals%2F{deal['id']}"
    )
    context.close()


DRAFTS = "Object.keys(sessionStorage).filter((key) => key.startsWith('playbook-draft:')).length"


@pytest.mark.parametrize("width", [1280, 390])
def test_back_to_a_deal_page_shows_the_check_as_sent_and_signing_out_drops_the_drafts(
    browser: Any, base_url: str, width: int, tmp_path: Path
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    _sign_in(page, base_url, "ana@example.com", "rep")
    page.goto(f"{base_url}/deals/new")
    page.get_by_label("Deal name").fill("Back Test")
    follow(page, page.get_by_role("button", name="Create the deal"))
    deal_page = page.url
    page.locator("#amount").fill("75k")  # refused: the page comes back with the answers
    _answer(page, "pain-confirmed", "Reply from Dana")
    follow(page, page.get_by_role("button", name="Save this check"))
    assert page.locator("#amount-error").is_visible()
    page.go_back()
    page.wait_for_url(deal_page)
    page.wait_for_function(
        "() => document.querySelector('[name=\"pain-confirmed.evidence\"]').value !== ''", timeout=5000
    )
    assert page.locator("#amount").input_value() == "75k"
    assert page.locator('[name="pain-confirmed.evidence"]').input_value() == "Reply from Dana"
    assert page.locator('[name="pain-confirmed.evidence"]').is_visible()
    assert axe_violations(page) == []
    page.screenshot(path=str(tmp_path / f"deal-back-{width}.png"), full_page=True)
    page.locator("#amount").fill("75000")
    follow(page, page.get_by_role("button", name="Save this check"))
    assert "Check saved." in page.locator("#problems").inner_text()
    page.go_back()  # the page before the save: it shows the answers saved, never a draft from before them
    page.wait_for_load_state("load")
    assert page.locator('[name="pain-confirmed.evidence"]').input_value() == "Reply from Dana"
    assert page.evaluate(DRAFTS) > 0
    follow(page, page.get_by_role("button", name="Sign out Ana Lopez"))
    assert page.evaluate(DRAFTS) == 0, "the next person at this computer finds no answers of the deal"
    context.close()
