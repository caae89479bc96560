"""The thin browser layer: navigate the built playbook, render Mermaid offline, pass axe-core."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from site_builder.build import build_site
from tests.browser import DESKTOP, PHONE, axe_violations, live_directory

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site_url(default_site: Path) -> Iterator[str]:
    """The default playbook served as static files."""
    with live_directory(default_site) as url:
        yield url


def test_a_rep_goes_from_home_to_a_stage_and_follows_a_milestone_link(page: Any, site_url: str) -> None:
    page.goto(site_url + "/")
    assert page.locator("h1").inner_text().startswith("B2B New Business")
    assert page.get_by_role("link", name="Check a deal", exact=True).get_attribute("href") == "/check"
    page.locator(".md-sidebar--primary").get_by_role("link", name="Qualifying (20%)").click()
    page.wait_for_url("**/stages/qualifying/")
    page.get_by_role(
        "link", name="Has the prospect accepted a calendar invitation for a second, deeper meeting?"
    ).click()
    page.wait_for_url("**/stages/discovery/#next-meeting-accepted")
    target = page.locator("#next-meeting-accepted")
    assert target.is_visible()
    assert "The accepted calendar invitation" in target.inner_text()


def test_the_pipeline_diagram_renders_without_the_network(page: Any, site_url: str) -> None:
    outside: list[str] = []
    page.on("request", lambda request: outside.append(request.url) if not request.url.startswith(site_url) else None)
    page.goto(site_url + "/pipeline/")
    # Material draws the diagram into a closed shadow root: check its size, not its text.
    diagram = page.locator("div.mermaid")
    diagram.wait_for(timeout=15000)
    page.wait_for_function("document.querySelector('div.mermaid').getBoundingClientRect().height > 300")
    assert outside == []


def test_search_finds_a_customer_action(page: Any, site_url: str) -> None:
    page.goto(site_url + "/")
    page.locator(".md-search__input").click()
    page.keyboard.type("e-signature envelope")
    # Results follow each typed letter: wait for those of the whole query, not the first shown.
    expect(page.locator(".md-search-result__item").first).to_contain_text(
        "Has the signer confirmed when they will sign?", timeout=10000
    )


@pytest.mark.parametrize("path", ["/", "/stages/demonstrating/", "/checklist/", "/reference/", "/practice/", "/cvo/"])
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_pages_have_no_accessibility_violations(browser: Any, site_url: str, path: str, viewport: str) -> None:
    context = browser.new_context(viewport=PHONE) if viewport == "phone" else browser.new_context()
    page = context.new_page()
    try:
        page.goto(site_url + path)
        assert axe_violations(page) == []
    finally:
        context.close()


# Where each heading, paragraph and table is, and how big the page is: what a difference between the two shells would move.
LAYOUT = """() => ({
    width: document.documentElement.scrollWidth,
    height: document.documentElement.scrollHeight,
    blocks: [...document.querySelectorAll("h1, h2, h3, p, table, .admonition")].map(h => {
        const box = h.getBoundingClientRect();
        return [h.textContent.trim().slice(0, 40), Math.round(box.x), Math.round(box.y + window.scrollY), Math.round(box.width)];
    }),
})"""


@pytest.mark.parametrize("path", ["/", "/stages/demonstrating/"])
def test_the_full_browser_lays_a_page_out_as_the_headless_shell_does(
    browser: Any, full_browser: Any, site_url: str, path: str
) -> None:
    """The other browser tests run in the headless shell; a rep opens the playbook in the full browser."""
    layouts, violations = [], []
    for chromium in (browser, full_browser):
        context = chromium.new_context(viewport=PHONE)
        page = context.new_page()
        try:
            page.goto(site_url + path)
            layouts.append(page.evaluate(LAYOUT))
            violations.append(axe_violations(page))
        finally:
            context.close()
    shell, full = layouts
    assert full["width"] <= PHONE["width"]
    assert len(full["blocks"]) >= 5
    assert full == shell
    assert violations == [[], []]


# Each table of the page: its name, how far it sticks out of its box, whether its header row shows, and the
# first cell's label as the stylesheet writes it before the cell.
TABLES = """() => [...document.querySelectorAll("article table")].map(t => {
    const box = t.closest(".md-typeset__scrollwrap") || t.parentElement;
    return [t.getAttribute("aria-label"), box.scrollWidth - box.clientWidth, t.tHead.getBoundingClientRect().height > 1,
        getComputedStyle(t.querySelector("td"), "::before").content];
})"""


@pytest.mark.parametrize("path", ["/pipeline/", "/reference/"])
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_every_table_fits_a_phone_as_cards_of_labelled_cells_and_stays_a_table_on_a_desktop(
    browser: Any, site_url: str, path: str, viewport: str
) -> None:
    # At 390 px "The stages" was 519 px wide in its 390 px box, the reference's field tables 400-475 px:
    # "What it is" and "Meaning" were cut at the right edge until one scrolled sideways.
    context = browser.new_context(viewport=PHONE) if viewport == "phone" else browser.new_context()
    page = context.new_page()
    try:
        page.goto(site_url + path)
        tables = page.evaluate(TABLES)
        first_label = '"#: "' if path == "/pipeline/" else '"Field: "'
        shown = (0, False, first_label) if viewport == "phone" else (0, True, "none")
        assert tables and [tuple(rest) for _, *rest in tables] == [shown] * len(tables), tables
    finally:
        context.close()


def test_the_printed_checklist_has_no_navigation(page: Any, site_url: str) -> None:
    page.goto(site_url + "/checklist/")
    page.emulate_media(media="print")
    assert not page.locator(".md-header").is_visible()
    assert not page.locator(".md-sidebar--primary").is_visible()
    assert page.locator(".playbook-checklist input[type=checkbox]").count() == 16
    assert page.get_by_label("Has the customer said the pricing is agreeable?").is_visible()
    assert page.locator(".playbook-source").is_visible()


def test_the_reference_never_breaks_a_field_name_on_a_phone(browser: Any, site_url: str) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(site_url + "/reference/")
    names = page.locator("td:first-child > code")
    assert names.count() > 10
    broken = page.evaluate(
        "[...document.querySelectorAll('td:first-child > code')].filter(c => c.getClientRects().length > 1).map(c => c.textContent)"
    )
    assert broken == []
    context.close()


def test_the_checklists_fill_in_fields_keep_their_label_with_their_line_on_a_phone(browser: Any, site_url: str) -> None:
    # "Rep:" sat at the end of the line above its blank: a label and its line move down together.
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(site_url + "/checklist/")
    fields = page.locator(".playbook-fill-in__field")
    split = page.evaluate(
        "[...document.querySelectorAll('.playbook-fill-in__field')].filter(f => f.getClientRects().length > 1 "
        "|| f.querySelector('.playbook-fill-in__line').getBoundingClientRect().top > f.getBoundingClientRect().top + 20)"
        ".map(f => f.textContent)"
    )
    assert fields.count() >= 3 and split == []
    context.close()


@pytest.mark.parametrize("scripts", ["with scripts", "without scripts"])
def test_every_box_that_scrolls_on_a_phone_is_reached_with_the_keyboard_and_named(
    browser: Any, site_url: str, scripts: str
) -> None:
    # axe-core's scrollable-region-focusable on /reference/ at 390 px: a table or code block that scrolls sideways
    # must take the focus (Tab), or a keyboard user cannot scroll it; without the theme's script too.
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        if scripts == "without scripts":
            page.route("**/*.js", lambda route: route.abort())
        page.goto(site_url + "/reference/")
        assert axe_violations(page) == []
        scrolling = page.evaluate(SCROLLING_BOXES)
        assert scrolling, "a phone scrolls the reference's code blocks sideways (its tables are cards there)"
        for tag, tabindex, role, name in scrolling:
            assert tabindex == "0", (tag, name)
            if tag != "CODE":
                assert (role, name[:1].isupper()) == ("region" if tag == "DIV" else None, True), (tag, role, name)
        if scripts == "with scripts":
            # The theme wraps each table in a box; on a phone the tables are cards, so no box scrolls, takes the
            # focus or says it scrolls sideways (a wide table's box does: below); the table keeps its own name.
            assert page.locator(".md-typeset__scrollwrap table[tabindex]").count() == 0
            assert page.locator(".md-typeset__scrollwrap[tabindex], .md-typeset__scrollwrap[aria-label]").count() == 0
            assert page.locator(".md-typeset__scrollwrap table").first.get_attribute("aria-label") == "Process"
    finally:
        context.close()


# [tag, tabindex, role, accessible name] of each element that scrolls sideways.
SCROLLING_BOXES = """() => [...document.querySelectorAll("article *")].filter(e => {
    const style = getComputedStyle(e);
    return /(auto|scroll)/.test(style.overflowX) && e.scrollWidth > e.clientWidth;
}).map(e => [e.tagName, e.getAttribute("tabindex"), e.getAttribute("role"), e.getAttribute("aria-label") || ""])"""


# A stage name of one long word: the stages table is wider than the column at 1280 px, a card at 390 px.
WIDE_NAME = "Qualification-Approfondissementdesbesoinsdelacheteuretdesonbudgetannuelconsolide"


@pytest.fixture(scope="module")
def wide_french_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The default process in French, its second stage named with one long word, served as static files."""
    folder = tmp_path_factory.mktemp("wide")
    text = (Path(__file__).resolve().parents[2] / "process.yaml").read_text(encoding="utf-8")
    text = text.replace("\nstages:\n", "\nlanguage: fr\nstages:\n", 1).replace(
        "    name: Qualifying\n", f"    name: {WIDE_NAME}\n"
    )
    (folder / "process.yaml").write_text(text, encoding="utf-8")
    build_site(folder / "process.yaml", folder / "site")
    with live_directory(folder / "site") as url:
        yield url


# [tabindex, role, accessible name, whether it scrolls sideways] of the box around the stages table.
STAGES_BOX = """() => {
    const box = document.querySelector(".md-typeset__scrollwrap");
    return [box.getAttribute("tabindex"), box.getAttribute("role"), box.getAttribute("aria-label"),
            box.scrollWidth > box.clientWidth];
}"""


@pytest.mark.parametrize(
    ("viewport", "expected"),
    [
        (DESKTOP, ["0", "region", "Les étapes (défile horizontalement)", True]),
        (PHONE, [None, None, None, False]),
    ],
    ids=["1280px-scrolls", "390px-cards"],
)
def test_a_tables_box_says_it_scrolls_sideways_only_while_it_does(
    browser: Any, wide_french_url: str, viewport: dict[str, int], expected: list[Any]
) -> None:
    # The box of every table was named "… (scrolls sideways)" and took the focus, also on a phone where the
    # table is a list of cards and nothing scrolls: a false name for a screen reader, a useless tab stop.
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    try:
        page.goto(wide_french_url + "/pipeline/")
        page.wait_for_function("document.querySelector('.md-typeset__scrollwrap') !== null")
        expect(page.locator(".md-typeset__scrollwrap table")).to_have_attribute("aria-label", "Les étapes")
        page.wait_for_function(f"want => JSON.stringify(({STAGES_BOX})()) === JSON.stringify(want)", arg=expected)
        assert axe_violations(page) == []
        # Turning the phone sideways (or narrowing the window) re-evaluates it.
        other = PHONE if viewport == DESKTOP else DESKTOP
        page.set_viewport_size(other)
        page.wait_for_function(f"({STAGES_BOX})()[3] === {json.dumps(other == DESKTOP)}")
        page.wait_for_function(f"({STAGES_BOX})()[0] === {json.dumps('0' if other == DESKTOP else None)}")
    finally:
        context.close()
