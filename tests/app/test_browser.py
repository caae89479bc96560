"""A rep in a real browser: fill in a deal by clicking and typing, read the result, follow Next."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from assess_app import create_app
from tests.browser import PHONE, axe_violations, follow, live_wsgi
from tests.foundation.processes import BUYER_CONFIRMS_OR_NO_EVIDENCE

pytestmark = pytest.mark.browser
RECENT = (dt.date.today() - dt.timedelta(days=5)).isoformat()


@pytest.fixture
def base_url(app: Flask) -> Iterator[str]:
    """The app with the built playbook on a free port of 127.0.0.1."""
    with live_wsgi(app) as url:
        yield url


def _answer(page: Any, milestone: str, question: str, evidence: str) -> None:
    page.get_by_role("checkbox", name=question).check()
    page.locator(f'[name="{milestone}.evidence"]').fill(evidence)
    page.locator(f'[name="{milestone}.date"]').fill(RECENT)


def _fill_discovery(page: Any) -> None:
    page.get_by_label("Deal name").fill("Contoso <b>rollout</b>")
    page.get_by_label("Stage in the CRM today").select_option("proposing")
    _answer(
        page,
        "pain-confirmed",
        "Has the prospect confirmed, in writing, the business problem they want to solve?",
        "Reply to the recap of 2 March",
    )
    _answer(
        page,
        "next-meeting-accepted",
        "Has the prospect accepted a calendar invitation for a second, deeper meeting?",
        "Accepted invite: Ann, Bo",
    )


def test_a_rep_checks_a_deal_and_follows_the_next_step_into_the_playbook(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/check")
    assert page.locator('[name="pain-confirmed.evidence"]').is_hidden(), (
        "JavaScript hides the details of unticked milestones"
    )
    _fill_discovery(page)
    follow(page, page.get_by_role("button", name="Check the deal"))
    assert page.locator(".verdict__stage").inner_text() == "Qualifying"
    assert "Your CRM says Proposing (60%); the evidence supports Qualifying (20%)" in page.locator(".gap").inner_text()
    assert "Contoso <b>rollout</b>" in page.locator(".eyebrow").inner_text()
    page.locator(".next a").first.click()
    page.wait_for_url(f"{base_url}/stages/qualifying/#decision-maker-identified")
    assert page.locator("#decision-maker-identified").is_visible()


def test_a_validation_error_loses_nothing_typed(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/check")
    _fill_discovery(page)
    page.get_by_label("Amount (optional)").fill("120k")
    follow(page, page.get_by_role("button", name="Check the deal"))
    error = page.locator("#amount-error")
    assert "'120k' is not an amount" in error.inner_text()
    assert page.get_by_label("Amount (optional)").get_attribute("aria-invalid") == "true"
    assert page.get_by_label("Amount (optional)").input_value() == "120k"
    assert page.get_by_label("Deal name").input_value() == "Contoso <b>rollout</b>"
    assert page.get_by_label("Stage in the CRM today").input_value() == "proposing"
    assert page.locator('[name="pain-confirmed.met"]').is_checked()
    assert page.locator('[name="next-meeting-accepted.evidence"]').input_value() == "Accepted invite: Ann, Bo"
    assert page.locator('[name="pain-confirmed.date"]').input_value() == RECENT
    page.get_by_label("Amount (optional)").fill("120000")
    follow(page, page.get_by_role("button", name="Check the deal"))
    assert page.locator(".verdict__stage").inner_text() == "Qualifying"


def test_the_form_works_with_javascript_off(browser: Any, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{base_url}/check?claimed_stage=discovery")
        _fill_discovery(page)
        follow(page, page.get_by_role("button", name="Check the deal"))
        assert page.locator(".verdict__stage").inner_text() == "Qualifying"
        assert page.locator("textarea#summary").input_value().startswith("Deal: Contoso <b>rollout</b>")
    finally:
        context.close()


def test_form_error_and_result_pages_have_no_accessibility_violations(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/check")
    assert axe_violations(page) == []
    page.get_by_label("Amount (optional)").fill("-1")
    follow(page, page.get_by_role("button", name="Check the deal"))
    assert page.locator("#amount-error").is_visible()
    assert axe_violations(page) == []
    page.get_by_label("Amount (optional)").fill("50000")
    _fill_discovery(page)
    follow(page, page.get_by_role("button", name="Check the deal"))
    assert page.locator(".verdict__stage").is_visible()
    assert axe_violations(page) == []


def test_the_playbook_works_under_the_content_security_policy(page: Any, base_url: str) -> None:
    messages: list[str] = []
    page.on("console", lambda message: messages.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: messages.append(f"pageerror: {error}"))
    page.goto(f"{base_url}/")
    page.locator("input.md-search__input").click()
    page.keyboard.type("budget")
    page.locator(".md-search-result__item").first.wait_for()
    page.keyboard.press("Escape")
    scheme = page.locator("body").get_attribute("data-md-color-scheme")
    page.locator("[data-md-component='palette'] label:visible").first.click()
    assert page.locator("body").get_attribute("data-md-color-scheme") != scheme
    page.goto(f"{base_url}/stages/discovery/")
    assert [m for m in messages if "Content Security Policy" in m or m.startswith(("error", "pageerror"))] == []


def test_the_form_is_usable_by_keyboard_alone(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/check")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "decision-maker-identified.met":
            break
    else:
        pytest.fail("Tab never reached the first Qualifying milestone")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "decision-maker-identified.evidence"
    page.keyboard.type("Email from Ann naming the CFO as signer")
    page.keyboard.press("Enter")  # a new line in the evidence box: the form stays
    page.keyboard.type("and the budget owner")
    assert page.evaluate("document.activeElement.value").endswith("signer\nand the budget owner")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector(".verdict__stage")
    assert "Has the customer named the person who will sign" in page.locator("#later-title + p + ul").inner_text()


def test_a_stage_name_on_a_phone_stays_inside_its_card(browser: Any, base_url: str) -> None:
    # A legend on the card's border: a stage name wrapping over four lines had the border run through them.
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(base_url + "/check")
    outside = page.evaluate(
        """[...document.querySelectorAll('fieldset.card')].filter(card => {
             // A legend on the border starts at the box's top; one inside the box, below its border and padding.
             const box = card.getBoundingClientRect(), style = getComputedStyle(card);
             const legend = card.querySelector(':scope > legend').getBoundingClientRect();
             const inside = box.top + parseFloat(style.borderTopWidth) + parseFloat(style.paddingTop) - 1;
             return legend.top < inside || legend.bottom > box.bottom;
           }).map(card => card.querySelector(':scope > legend').textContent.trim())"""
    )
    assert page.locator("fieldset.card").count() >= 6 and outside == []
    context.close()


PAIN_QUESTION = "Has the prospect confirmed, in writing, the business problem they want to solve?"


def _fill_back_test(page: Any) -> None:
    page.get_by_label("Deal name").fill("Back Test")
    page.get_by_label("Amount (optional)").fill("75000")
    page.get_by_label("Stage in the CRM today").select_option("qualifying")
    _answer(page, "pain-confirmed", PAIN_QUESTION, "Reply from Dana")


def _shown(page: Any) -> dict[str, Any]:
    """What the form shows of the Back Test answers."""
    return {
        "deal": page.get_by_label("Deal name").input_value(),
        "amount": page.get_by_label("Amount (optional)").input_value(),
        "stage": page.get_by_label("Stage in the CRM today").input_value(),
        "met": page.locator('[name="pain-confirmed.met"]').is_checked(),
        "evidence": page.locator('[name="pain-confirmed.evidence"]').input_value(),
        "date": page.locator('[name="pain-confirmed.date"]').input_value(),
        "evidence shown": page.locator('[name="pain-confirmed.evidence"]').is_visible(),
    }


BACK_TEST = {
    "deal": "Back Test",
    "amount": "75000",
    "stage": "qualifying",
    "met": True,
    "evidence": "Reply from Dana",
    "date": RECENT,
    "evidence shown": True,
}


@pytest.fixture(params=[1280, 390], ids=["desktop", "phone"])
def wide_or_narrow(request: pytest.FixtureRequest, browser: Any, base_url: str) -> Iterator[Any]:
    """A page on the form, on a desktop's width and a phone's."""
    context = browser.new_context(viewport={"width": request.param, "height": 900})
    page = context.new_page()
    page.goto(f"{base_url}/check")
    yield page
    context.close()


def test_back_after_sending_shows_the_form_as_it_was_sent(wide_or_narrow: Any, tmp_path: Path) -> None:
    # The browser restored the boxes, dates and CRM stage but not the deal name, amount or evidence (autocomplete
    # off), and the ticked milestone's evidence stayed hidden: sent again, the form gave another verdict.
    page = wide_or_narrow
    _fill_back_test(page)
    follow(page, page.get_by_role("button", name="Check the deal"))
    verdict = page.locator(".verdict").inner_text()
    page.go_back()
    page.wait_for_function("() => document.querySelector('#deal').value !== ''", timeout=5000)
    assert _shown(page) == BACK_TEST
    assert axe_violations(page) == []
    page.screenshot(path=str(tmp_path / "back.png"), full_page=True)
    follow(page, page.get_by_role("button", name="Check the deal"))
    assert page.locator(".verdict").inner_text() == verdict


def test_a_reload_before_sending_keeps_what_was_typed(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/check")
    _fill_back_test(page)
    page.reload()
    page.wait_for_function("() => document.querySelector('#deal').value !== ''", timeout=5000)
    assert _shown(page) == BACK_TEST


def test_the_form_opened_afresh_is_empty(page: Any, base_url: str) -> None:
    # A draft is for Back and reloads only: the link to the form opens it empty, as the next person expects.
    page.goto(f"{base_url}/check")
    _fill_back_test(page)
    follow(page, page.get_by_role("button", name="Check the deal"))
    follow(page, page.get_by_role("link", name="Deal self-check"))
    assert page.get_by_label("Deal name").input_value() == ""
    assert not page.locator('[name="pain-confirmed.met"]').is_checked()
    assert page.locator('[name="pain-confirmed.evidence"]').is_hidden()


def test_evidence_left_on_an_unticked_milestone_is_refused_there_with_the_focus_on_the_errors(
    wide_or_narrow: Any, tmp_path: Path
) -> None:
    page = wide_or_narrow
    _fill_back_test(page)
    page.get_by_role("checkbox", name=PAIN_QUESTION).uncheck()  # ticked, typed, unticked: the fields stay shown
    assert page.locator('[name="pain-confirmed.evidence"]').is_visible()
    follow(page, page.get_by_role("button", name="Check the deal"))
    page.wait_for_function("() => document.activeElement.matches('[data-focus]')", timeout=5000)
    summary = page.evaluate("document.activeElement.textContent")
    assert "You typed evidence and a date for" in summary and "but did not tick it" in summary
    assert "but did not tick it" in page.locator("#pain-confirmed\\.met-error").inner_text()
    assert page.locator('[name="pain-confirmed.evidence"]').input_value() == "Reply from Dana"
    assert page.get_by_label("Deal name").input_value() == "Back Test"
    assert axe_violations(page) == []
    page.screenshot(path=str(tmp_path / "unticked.png"), full_page=True)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_a_signed_out_rep_is_told_the_buyer_confirms_from_a_saved_deal_and_led_to_sign_in(
    browser: Any, tmp_path: Path, viewport: str
) -> None:
    process = tmp_path / "process.yaml"
    process.write_text(BUYER_CONFIRMS_OR_NO_EVIDENCE, encoding="utf-8")
    app = create_app({"TESTING": True, "PROCESS_PATH": str(process), "SITE_DIR": str(tmp_path / "site")})
    context = browser.new_context(viewport=PHONE if viewport == "phone" else {"width": 1280, "height": 900})
    page = context.new_page()
    try:
        with live_wsgi(app) as url:
            page.goto(f"{url}/check")
            question = page.locator(".milestone__question").first
            assert "buyer must confirm" in question.inner_text()
            page.screenshot(path=str(tmp_path / f"check-form-{viewport}.png"))
            _answer(page, "pain-confirmed", "Has the customer confirmed the problem in writing?", "Reply of 2 March")
            follow(page, page.get_by_role("button", name="Check the deal"))
            link = page.locator(".next").get_by_role(
                "link", name="Sign in to save the deal and send the buyer the link"
            )
            assert link.is_visible()
            page.screenshot(path=str(tmp_path / f"check-result-{viewport}.png"))
            assert axe_violations(page) == []
            follow(page, link)
            assert page.url.endswith("/login?next=/deals/new")
    finally:
        context.close()
