"""A new rep practises with the keyboard alone, in Chromium, under the real Content-Security-Policy."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assess_app import create_app
from sales_process.loader import load_process
from sales_process.practice import SolvedScenario, practice_scenarios
from site_builder.build import build_site
from tests.browser import PHONE, axe_violations, live_directory, live_wsgi
from tests.requirements.posthog import write_process

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PROCESS = ROOT / "process.yaml"


@pytest.fixture(scope="module")
def app_url(default_site: Path) -> Iterator[str]:
    """`playbook serve`'s app, which sends every page with its Content-Security-Policy."""
    app = create_app(
        {"TESTING": True, "PROCESS_PATH": str(DEFAULT_PROCESS), "SITE_DIR": str(default_site), "SECRET_KEY": "test"}
    )
    with live_wsgi(app) as url:
        yield url


@pytest.fixture(scope="module")
def solved() -> list[SolvedScenario]:
    """The engine's answers, to answer with (right or deliberately wrong)."""
    return practice_scenarios(load_process(DEFAULT_PROCESS).process)


def _focused(page: Any) -> str:
    return str(
        page.evaluate("document.activeElement ? (document.activeElement.id || document.activeElement.tagName) : ''")
    )


def _tab_to(page: Any, element_id: str, limit: int = 80) -> None:
    """Press Tab until the element with this id has the focus (only key presses, no clicks)."""
    seen = []
    for _ in range(limit):
        seen.append(_focused(page))
        if seen[-1] == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached #{element_id}; focus went {seen}")


def _tab_to_button_of(page: Any, form_id: str) -> None:
    for _ in range(40):
        if page.evaluate(
            f"document.activeElement.closest && document.activeElement.closest('form') && document.activeElement.closest('form').id === '{form_id}' && document.activeElement.tagName === 'BUTTON'"
        ):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached the button of #{form_id}")


def _choose_radio(page: Any, form_id: str, values: list[str], wanted: str) -> None:
    """Tab into the group (focus lands on its checked radio, else its first), then arrows pick the wanted one."""
    seen = []
    # From this form's own button (a second try), the radios are behind.
    back = page.evaluate(f"!!document.activeElement.closest && !!document.activeElement.closest('#{form_id}')")
    for _ in range(80):
        seen.append(_focused(page))
        if seen[-1].startswith(f"{form_id}-"):
            break
        page.keyboard.press("Shift+Tab" if back else "Tab")
    else:
        raise AssertionError(f"Tab never reached the radios of #{form_id}; focus went {seen}")
    if not page.evaluate("document.activeElement.checked"):
        page.keyboard.press("Space")
    for _ in values:
        if page.locator(f"#{form_id}-{wanted}").is_checked():
            break
        page.keyboard.press("ArrowDown")
    assert page.locator(f"#{form_id}-{wanted}").is_checked()


def _answer(page: Any, form_id: str, kind: str, values: list[str], wanted: list[str]) -> str:
    if kind == "radio":
        _choose_radio(page, form_id, values, wanted[0])
    else:
        for value in values:
            _tab_to(page, f"{form_id}-{value}")
            if value in wanted:
                page.keyboard.press("Space")
    _tab_to_button_of(page, form_id)
    page.keyboard.press("Enter")
    verdict = page.locator(f"#{form_id} .playbook-practice-verdict")
    return str(verdict.inner_text())


def _values(page: Any, form_id: str) -> list[str]:
    return list(page.locator(f"#{form_id} input").evaluate_all("inputs => inputs.map(i => i.value)"))


def test_a_rep_answers_a_dozen_scenarios_with_the_keyboard_alone(
    browser: Any, app_url: str, solved: list[SolvedScenario], tmp_path: Path
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    try:
        page.goto(app_url + "/practice/")
        assert "script-src 'self'" in page.evaluate(
            "fetch(location.href).then(r => r.headers.get('content-security-policy'))"
        )
        score = page.locator(".playbook-practice-total")
        assert (
            score.inner_text()
            == f"No answers checked yet: {page.locator('form.playbook-practice-question').count()} questions to go."
        )
        right = answered = 0
        for number, item in enumerate(solved[:12]):
            scenario_id = item.scenario.id
            wrong_on_purpose = number % 4 == 3
            stage_form = f"q-{scenario_id}-stage"
            values = _values(page, stage_form)
            wanted = item.verified_stage.id
            if wrong_on_purpose:
                wanted = next(v for v in values if v != wanted)
            verdict = _answer(page, stage_form, "radio", values, [wanted])
            answered += 1
            if wrong_on_purpose:
                assert (
                    verdict
                    == f"Not quite: the answer is {item.verified_stage.name} ({item.verified_stage.probability}%). The rule is explained below."
                )
            else:
                right += 1
                assert verdict == "Right. The rule is explained below."
            # The verdict opened the explanation; its link to the rule is the next stop of the Tab key.
            details = page.locator(f"#{stage_form} + details")
            assert details.get_attribute("open") is not None
            rule = item.stage_verdict
            link = details.locator("a")
            assert link.get_attribute("href") == f"../stages/{rule.stage_id}/#{rule.milestone_id}"
            assert rule.rule.split(":")[0] in details.inner_text()
            if item.next_milestones:
                next_form = f"q-{scenario_id}-next"
                verdict = _answer(
                    page, next_form, "checkbox", _values(page, next_form), [m.id for m in item.next_milestones]
                )
                answered += 1
                right += 1
                assert verdict == "Right. The rule is explained below."
            if item.evidence_counts is not None:
                evidence_form = f"q-{scenario_id}-evidence"
                verdict = _answer(
                    page, evidence_form, "radio", ["yes", "no"], ["yes" if item.evidence_counts else "no"]
                )
                answered += 1
                right += 1
                assert verdict.startswith("Right.")
            if number == 0:
                page.screenshot(path=str(tmp_path / "practice-1280.png"))
        total = page.locator("form.playbook-practice-question").count()
        assert score.inner_text() == f"Score: {right} of {answered} answered right; {total - answered} questions to go."
        page.reload()
        assert score.inner_text().startswith(f"Score: {right} of {answered} "), (
            "the score lasts for the browser session"
        )
        # A second try does not change the score: the first answer counts.
        first = solved[0]
        form = f"q-{first.scenario.id}-stage"
        assert _answer(page, form, "radio", _values(page, form), [first.verified_stage.id]).startswith("Right.")
        assert score.inner_text().startswith(f"Score: {right} of {answered} ")
        # Follow the verdict's link to the rule: Tab to the disclosure it opened, into its link, Enter.
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
        page.keyboard.press("Tab")
        rule = first.stage_verdict
        assert (
            page.evaluate("document.activeElement.getAttribute('href')")
            == f"../stages/{rule.stage_id}/#{rule.milestone_id}"
        )
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/stages/{rule.stage_id}/#{rule.milestone_id}")
        assert page.locator(f"#{rule.milestone_id}").is_visible()
        assert problems == []
    finally:
        context.close()


def test_start_again_clears_the_score(page: Any, app_url: str, solved: list[SolvedScenario]) -> None:
    page.goto(app_url + "/practice/")
    item = solved[0]
    form = f"q-{item.scenario.id}-stage"
    _answer(page, form, "radio", _values(page, form), [item.verified_stage.id])
    assert page.locator(".playbook-practice-total").inner_text().startswith("Score: 1 of 1 ")
    page.locator(".playbook-practice-reset").focus()
    page.keyboard.press("Enter")
    assert page.locator(".playbook-practice-total").inner_text().startswith("No answers checked yet")
    assert page.locator(f"#{form} .playbook-practice-verdict").inner_text() == ""
    assert _focused(page) == f"{form}-{_values(page, form)[0]}"


def test_without_javascript_every_answer_is_behind_show_the_answer(
    browser: Any, default_site: Path, solved: list[SolvedScenario]
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        with live_directory(default_site) as url:
            page.goto(url + "/practice/")
            assert not page.locator(".playbook-practice-check").first.is_visible()
            assert not page.locator(".playbook-practice-score").is_visible()
            # A heading with nothing under it: the score exists only where the script keeps it.
            assert not page.locator("h2", has_text="Your score").is_visible()
            assert "Your score" not in page.locator(".md-sidebar--secondary").inner_text()
            assert page.locator(".playbook-practice-noscript").is_visible()
            summary = page.locator("details summary").first
            assert summary.inner_text() == "Show the answer"
            summary.focus()
            page.keyboard.press("Enter")
            shown = page.locator("details").first.inner_text()
            assert f"{solved[0].verified_stage.name} ({solved[0].verified_stage.probability}%)." in shown
    finally:
        context.close()


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_practice_page_has_no_accessibility_violations(
    browser: Any, app_url: str, solved: list[SolvedScenario], viewport: str, tmp_path: Path
) -> None:
    context = (
        browser.new_context(viewport=PHONE)
        if viewport == "phone"
        else browser.new_context(viewport={"width": 1280, "height": 900})
    )
    page = context.new_page()
    try:
        page.goto(app_url + "/practice/")
        item = solved[2]
        form = f"q-{item.scenario.id}-stage"
        wrong = next(v for v in _values(page, form) if v != item.verified_stage.id)
        _answer(page, form, "radio", _values(page, form), [wrong])  # a wrong verdict is on screen too
        assert re.match(r"Not quite", page.locator(f"#{form} .playbook-practice-verdict").inner_text())
        page.locator(f"#{form}").scroll_into_view_if_needed()
        page.screenshot(path=str(tmp_path / f"practice-{viewport}.png"))
        assert axe_violations(page) == []
    finally:
        context.close()


def test_one_alternative_of_a_group_is_a_right_answer_to_what_the_customer_must_do_next(
    page: Any, tmp_path: Path
) -> None:
    process = write_process(tmp_path)
    build_site(process, tmp_path / "site")
    scenario = next(
        item
        for item in practice_scenarios(load_process(process).process)
        if any(len(step) > 1 for step in item.next_alternatives)
    )
    steps = [[milestone.id for milestone in step] for step in scenario.next_alternatives]
    alone = [ids[0] for ids in steps if len(ids) == 1]
    group = next(ids for ids in steps if len(ids) > 1)
    form = f"q-{scenario.scenario.id}-next"
    verdict = page.locator(f"#{form} .playbook-practice-verdict")

    def ticked(values: list[str]) -> str:
        for box in page.locator(f"#{form} input").all():
            box.set_checked(box.get_attribute("value") in values)
        page.locator(f"#{form} .playbook-practice-check").click()
        return str(verdict.inner_text())

    with live_directory(tmp_path / "site") as url:
        page.goto(url + "/practice/")
        # Either alternative, or both, with every milestone that stands alone: a rep who ticked one of them
        # was told "Not quite" and shown all of them as required.
        assert ticked([*alone, group[0]]).startswith("Right.")
        assert ticked([*alone, group[1]]).startswith("Right.")
        assert ticked([*alone, *group]).startswith("Right.")
        missed = ticked(alone)
        assert missed.startswith("Not quite") and "one of: " in missed and " or " in missed
        if alone:
            assert ticked([group[0]]).startswith("Not quite")
        # A distractor ticked with the right answer is named: "Not quite" alone did not say what was wrong.
        every = [str(box.get_attribute("value")) for box in page.locator(f"#{form} input").all()]
        extra = next(value for value in every if value not in {*alone, *group})
        label = page.locator(f'label[for="{form}-{extra}"]').inner_text().rstrip(". ")
        added = ticked([*alone, group[0], extra])
        assert added.startswith("Not quite: the answer is ")
        assert f"Not part of it: \u201c{label}\u201d (not what holds the deal in its stage)." in added
        shown = page.locator(f"#{form} ~ details").first.inner_text()  # opened by the check
        assert f"One of these {len(group)} is enough:" in shown


def test_only_the_first_answer_is_scored_and_a_reload_shows_it_with_its_verdict(
    page: Any, app_url: str, solved: list[SolvedScenario]
) -> None:
    # A rep chose a wrong stage, then the right one: "Right." beside "0 of 1 answered right" looked like a bug;
    # after a reload the score stayed while the answer and its verdict were gone.
    page.goto(app_url + "/practice/")
    assert "only your first answer to each question is scored" in page.locator("article").inner_text().lower()
    assert page.locator("h2", has_text="Your score").is_visible()
    item = solved[0]
    form = f"q-{item.scenario.id}-stage"
    values = _values(page, form)
    wrong = next(v for v in values if v != item.verified_stage.id)
    score = page.locator(".playbook-practice-total")
    first = _answer(page, form, "radio", values, [wrong])
    assert first.startswith("Not quite")
    again = _answer(page, form, "radio", values, [item.verified_stage.id])
    assert again.startswith("Right this time; your first answer, the one scored, was not.")
    assert score.inner_text().startswith("Score: 0 of 1 answered right;")
    page.reload()
    assert score.inner_text().startswith("Score: 0 of 1 answered right;")
    assert page.locator(f"#{form}-{wrong}").is_checked()
    assert page.locator(f"#{form} .playbook-practice-verdict").inner_text() == first
    assert page.locator(f"#{form} + details, #{form} ~ details").first.evaluate("d => d.open")


def test_on_a_phone_no_floating_back_to_top_button_covers_the_text(browser: Any, app_url: str) -> None:
    # Material's floating "Back to top" button, shown while scrolling up, sat over the questions on a 390 px screen.
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        page.goto(app_url + "/practice/")
        page.mouse.wheel(0, 3000)
        page.wait_for_timeout(300)
        page.mouse.wheel(0, -300)
        page.wait_for_timeout(500)
        assert not page.locator(".md-top").is_visible()
        page.keyboard.press("End")  # the wheel's scroll may still be running, and would undo the link's
        page.wait_for_timeout(500)
        # The end of the page leads back up instead, in the text's own flow (and without JavaScript too).
        back = page.locator("article").get_by_role("link", name="Back to top")
        back.focus()
        page.keyboard.press("Enter")
        for _ in range(30):  # the theme may scroll smoothly; the CSP forbids wait_for_function's eval
            if page.evaluate("window.scrollY") < 100:
                break
            page.wait_for_timeout(100)
        assert page.evaluate("window.scrollY") < 100
    finally:
        context.close()


_MARK = "s => getComputedStyle(s, '::before').display === 'none' ? '' : getComputedStyle(s, '::before').maskImage || getComputedStyle(s, '::before').webkitMaskImage"


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_show_the_answer_has_no_mark_until_the_rep_answered(
    browser: Any, app_url: str, solved: list[SolvedScenario], viewport: str, tmp_path: Path
) -> None:
    # A green tick sat on every "Show the answer" box before anything was answered: it read as "right".
    context = browser.new_context(viewport=PHONE if viewport == "phone" else {"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(app_url + "/practice/")
        summaries = page.locator("details summary")
        assert summaries.count() > 12
        assert {summary.evaluate(_MARK) for summary in summaries.all()} == {""}
        summaries.first.scroll_into_view_if_needed()
        page.screenshot(path=str(tmp_path / f"answer-unmarked-{viewport}.png"))
        right, wrong = solved[0], solved[1]
        right_form, wrong_form = f"q-{right.scenario.id}-stage", f"q-{wrong.scenario.id}-stage"
        _answer(page, right_form, "radio", _values(page, right_form), [right.verified_stage.id])
        miss = next(v for v in _values(page, wrong_form) if v != wrong.verified_stage.id)
        _answer(page, wrong_form, "radio", _values(page, wrong_form), [miss])
        right_mark = page.locator(f"#{right_form} ~ details summary").first.evaluate(_MARK)
        wrong_mark = page.locator(f"#{wrong_form} ~ details summary").first.evaluate(_MARK)
        assert right_mark and wrong_mark and right_mark != wrong_mark  # a tick for right, a cross for wrong
        unanswered = page.locator(f"#q-{solved[2].scenario.id}-stage ~ details summary").first
        assert unanswered.evaluate(_MARK) == ""
        page.locator(f"#{wrong_form}").scroll_into_view_if_needed()
        page.screenshot(path=str(tmp_path / f"answer-marks-{viewport}.png"))
        page.locator(".playbook-practice-reset").click()
        assert page.locator(f"#{right_form} ~ details summary").first.evaluate(_MARK) == ""
    finally:
        context.close()


def test_a_french_practice_page_gives_its_feedback_in_french(page: Any, tmp_path: Path) -> None:
    # The script's verdicts and score were English on a playbook written in French.
    process = tmp_path / "process.yaml"
    text = DEFAULT_PROCESS.read_text(encoding="utf-8")
    process.write_text(text.replace("\nstages:\n", "\nlanguage: fr\nstages:\n", 1), encoding="utf-8")
    build_site(process, tmp_path / "site")
    item = practice_scenarios(load_process(process).process)[0]
    form = f"q-{item.scenario.id}-stage"
    with live_directory(tmp_path / "site") as url:
        page.goto(url + "/practice/")
        score = page.locator(".playbook-practice-total")
        assert score.inner_text().startswith("Aucune réponse vérifiée pour l'instant\u202f: ")
        verdict = page.locator(f"#{form} .playbook-practice-verdict")
        page.locator(f"#{form} .playbook-practice-check").click()
        assert verdict.inner_text() == "Choisissez d'abord une réponse."
        values = _values(page, form)
        wrong = next(v for v in values if v != item.verified_stage.id)
        assert _answer(page, form, "radio", values, [wrong]).startswith("Pas tout à fait\u202f: la réponse est ")
        assert verdict.inner_text().endswith(" La règle est expliquée ci-dessous.")
        assert score.inner_text().startswith("Score\u202f: 0 bonne(s) réponse(s) sur 1 ; ")
        again = _answer(page, form, "radio", values, [item.verified_stage.id])
        assert again.startswith("Juste cette fois ; ")
