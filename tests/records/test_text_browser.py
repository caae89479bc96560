"""Text as people type it, in Chromium: names break between words in the /deals table, evidence keeps its lines,
and no field cuts a paste the server would take (the browser counts an emoji as two)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from sales_process.deal import MAX_EVIDENCE
from tests.browser import (
    DESKTOP,
    LONG_STAGE,
    PHONE,
    STAGE_CHART,
    TEXT_OUTSIDE,
    TEXT_PIXELS,
    axe_violations,
    follow,
    live_wsgi,
    stage_labels,
)
from tests.conftest import DEFAULT_PROCESS, sqlite_copy
from tests.records.conftest import PASSWORDS, new_deal, page_token, sign_in

pytestmark = pytest.mark.browser
DAY = (dt.date.today() - dt.timedelta(days=5)).isoformat()
EXPIRING = (dt.date.today() - dt.timedelta(days=85)).isoformat()  # counts for 90 days: the list warns
STALE = (dt.date.today() - dt.timedelta(days=130)).isoformat()  # counts for 120 days (the budget)
SHOTS = Path("/tmp/text-shots")
OWNERS = {"ana@example.com": "Åsa Ångström", "bo@example.com": "Bo Northwind", "cy@example.com": "Cyrille Vandenberghe"}
NAMES = [
    "Northwind Pumps condition monitoring",
    "Fabrikam predictive maintenance rollout",
    "Contoso vibration monitoring pilot",
]
# The words of each text on its own line: a break inside a word is reported as the word's two halves.
MID_WORD_BREAKS = """(element) => {
  const breaks = [];
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  let top = null, last = " ", word = "";
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.data.length; i++) {
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const rects = range.getClientRects();
      const char = node.data[i];
      if (rects.length && top !== null && rects[0].top > top + 1 && !/\\s/.test(char) && !/\\s/.test(last)) {
        breaks.push(word + "/" + char);
      }
      if (rects.length) top = rects[0].top;
      word = /\\s/.test(char) ? "" : word + char;
      last = char;
    }
  }
  return breaks;
}"""


@pytest.fixture(params=["sqlite"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The browser tests need one database kind: the page tests cover both."""
    return sqlite_copy(request, tmp_path)


@pytest.fixture
def base_url(records_app: Flask, add_person: Callable[..., str]) -> Iterator[str]:
    """The app on a free port: a manager and three reps, each with a deal of a long name, ahead of its evidence
    and warned of in the list's last column (an answer going stale, one stale): the columns compete for room."""
    add_person("lee@example.com", "manager", name="Lee Chen")
    for (email, owner), name in zip(OWNERS.items(), NAMES, strict=True):
        add_person(email, name=owner)
        client = records_app.test_client()
        sign_in(client, email, PASSWORDS["rep"])
        deal_id = new_deal(client, name, claimed_stage="negotiating", amount="EUR 1,250,000")
        data = {"csrf_token": page_token(client, f"/deals/{deal_id}"), "claimed_stage": "negotiating"}
        data |= {
            "pain-confirmed.met": "yes",
            "pain-confirmed.evidence": "Reply email from the CFO\nForwarded to legal on Monday",
            "pain-confirmed.date": EXPIRING,
            "next-meeting-accepted.met": "yes",
            "next-meeting-accepted.evidence": "Invite accepted",
            "next-meeting-accepted.date": DAY,
            "budget-confirmed.met": "yes",
            "budget-confirmed.evidence": "Budget owner's email",
            "budget-confirmed.date": STALE,
        }
        assert client.post(f"/deals/{deal_id}/checks", data=data).status_code == 303
    with live_wsgi(records_app) as url:
        yield url


def _sign_in(page: Any, base_url: str, email: str, role: str = "rep") -> None:
    page.goto(f"{base_url}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORDS[role])
    follow(page, page.get_by_role("button", name="Sign in"))


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_names_in_the_deals_table_break_between_words(browser: Any, base_url: str, viewport: dict[str, int]) -> None:
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    _sign_in(page, base_url, "lee@example.com", "manager")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"deals-{viewport['width']}.png"), full_page=True)
    names = page.locator("#deals tbody th bdi, #deals tbody td[data-label='Owner'] bdi")
    assert names.count() == 6
    assert [name.evaluate(MID_WORD_BREAKS) for name in names.all()] == [[]] * 6
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert axe_violations(page) == []
    context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_names_in_the_pipelines_deals_ahead_break_between_words(
    browser: Any, base_url: str, viewport: dict[str, int]
) -> None:
    """At 1280 px the Owner column of "Deals ahead" broke "Bø Ærenlun|d" mid-word: its cells may break anywhere,
    so the table squeezed them to a letter's width beside the customer's next steps."""
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    _sign_in(page, base_url, "lee@example.com", "manager")
    page.goto(f"{base_url}/pipeline")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"pipeline-ahead-{viewport['width']}.png"), full_page=True)
    names = page.locator("#ahead tbody td.name")
    assert names.count() == 6  # each deal's name and owner
    assert [name.evaluate(MID_WORD_BREAKS) for name in names.all()] == [[]] * 6
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_evidence_is_shown_with_the_lines_it_was_typed_in(
    browser: Any, base_url: str, viewport: dict[str, int]
) -> None:
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    _sign_in(page, base_url, "ana@example.com")
    follow(page, page.get_by_role("link", name=NAMES[0]))
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"evidence-{viewport['width']}.png"), full_page=True)
    page.locator("#answer-pain-confirmed").screenshot(path=str(SHOTS / f"evidence-answer-{viewport['width']}.png"))
    answer = page.locator("#answer-pain-confirmed").inner_text()
    assert "Verified by: Reply email from the CFO\nForwarded to legal on Monday" in answer
    assert "Evidence\nReply email from the CFO\nForwarded to legal on Monday" in answer
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    context.close()


def test_a_deals_name_is_shown_as_typed_above_its_verdict(browser: Any, base_url: str) -> None:
    """The label "<name>: verified stage today" was upper-cased by CSS, the name too (a 182-character name read
    as a block of capitals; "CHECK 1 OF …" on a check's page): a name is the rep's text, shown as typed."""
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    _sign_in(page, base_url, "ana@example.com")
    follow(page, page.get_by_role("link", name=NAMES[0]))
    assert page.locator(".verdict__label").inner_text() == f"{NAMES[0]}: verified stage today"
    follow(page, page.get_by_role("link", name="Check 1: its answers and what changed"))
    assert page.locator(".verdict__label").inner_text() == f"Check 1 of {NAMES[0]}: verified stage then"
    context.close()


def test_a_paste_with_emoji_is_kept_whole_and_a_long_one_refused_as_typed(browser: Any, base_url: str) -> None:
    """1,990 characters with 50 emoji are 2,040 UTF-16 units: a maxlength of 2,000 cut them to 1,950 characters."""
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    _sign_in(page, base_url, "ana@example.com")
    follow(page, page.get_by_role("link", name=NAMES[0]))
    evidence = page.locator('[name="next-meeting-accepted.evidence"]')
    page.locator('[name="next-meeting-accepted.met"]').check()
    fits = "📎" * 50 + "x" * (1990 - 50)
    evidence.fill("")
    evidence.focus()
    page.keyboard.insert_text(fits)
    assert evidence.evaluate("(box) => Array.from(box.value).length") == 1990
    too_long = fits + "y" * (MAX_EVIDENCE + 1 - 1990)
    evidence.fill("")
    evidence.focus()
    page.keyboard.insert_text(too_long)
    page.locator('[name="next-meeting-accepted.date"]').fill(DAY)
    follow(page, page.get_by_role("button", name="Save this check"))
    kept = page.locator('[name="next-meeting-accepted.evidence"]')
    said = page.locator(f'[id="{kept.get_attribute("aria-describedby").split()[-1]}"]').inner_text()
    assert said.startswith(f"Evidence is {MAX_EVIDENCE + 1} characters long; at most {MAX_EVIDENCE}")
    assert kept.evaluate("(box) => box.value") == too_long
    context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_a_long_stage_name_is_whole_in_the_pipeline_chart(
    browser: Any,
    make_app: Callable[..., Flask],
    add_person: Callable[..., str],
    tmp_path: Path,
    viewport: dict[str, int],
) -> None:
    process = tmp_path / "process.yaml"
    process.write_text(DEFAULT_PROCESS.read_text().replace("name: Demonstrating", f"name: {LONG_STAGE}"))
    app = make_app(PROCESS_PATH=str(process))
    add_person("lee@example.com", "manager", name="Lee Chen")
    add_person("ana@example.com", name="Ana Lopez")
    client = app.test_client()
    sign_in(client, "ana@example.com", PASSWORDS["rep"])
    new_deal(client, "Northwind", claimed_stage="demonstrating")
    with live_wsgi(app) as url:
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        _sign_in(page, url, "lee@example.com", "manager")
        page.goto(f"{url}/pipeline")
        chart = page.locator(STAGE_CHART)
        SHOTS.mkdir(exist_ok=True)
        chart.screenshot(path=str(SHOTS / f"pipeline-chart-{viewport['width']}.png"))
        assert LONG_STAGE in stage_labels(chart)
        assert chart.evaluate(TEXT_OUTSIDE) == []
        # Readable on a phone too: the chart drawn for its width, not the wide one shrunk to 9 px text.
        assert min(chart.evaluate(TEXT_PIXELS)) >= (15 if viewport == PHONE else 12)
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        assert axe_violations(page) == []
        context.close()


def test_no_field_has_a_maxlength(signed_in: Callable[[str], Any], records_app: Flask) -> None:
    """Every limit is the server's, counted in characters, said in an error that gives the text back."""
    rep = signed_in("ana@example.com")
    deal_id = new_deal(rep)
    asked = rep.post(
        f"/deals/{deal_id}/confirmations",
        data={
            "csrf_token": page_token(rep, f"/deals/{deal_id}"),
            "milestones": ["pricing-agreeable"],
            "buyer_name": "Dana Buyer",
            "buyer_email": "dana@fabrikam.example",
        },
    ).get_data(as_text=True)
    link = asked.split('id="confirm-link" value="http://localhost', 1)[1].split('"', 1)[0]
    pages = ["/deals/new", f"/deals/{deal_id}", f"/deals/{deal_id}?outcome=1", "/check"]
    texts = {path: rep.get(path).get_data(as_text=True) for path in pages}
    texts |= {path: records_app.test_client().get(path).get_data(as_text=True) for path in ("/login", link)}
    assert "<textarea" in texts[link] and "<textarea" in texts[f"/deals/{deal_id}"]
    assert [path for path, text in texts.items() if "maxlength" in text] == []
