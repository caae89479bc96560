"""The report in a real browser: self-contained, accessible, the chart described."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.audit.helpers import ROOT, audit
from tests.browser import LONG_STAGE, PHONE, STAGE_CHART, TEXT_OUTSIDE, TEXT_PIXELS, axe_violations, stage_labels


@pytest.fixture
def report(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Path:
    run = audit(capsys, tmp_path / "out", str(ROOT / "examples" / "pipeline.csv"), "--as-of", "2027-03-01")
    assert run.status == 0, run.err
    return run.folder / "report.html"


@pytest.mark.browser
def test_the_report_is_self_contained_and_accessible(page: Any, report: Path) -> None:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(report.as_uri())
    assert [url for url in requests if not url.startswith("file://")] == []
    chart = page.locator(STAGE_CHART)
    assert chart.locator("title").text_content() == "Claimed versus verified weighted pipeline by stage"
    assert page.locator("#stages tbody tr").count() == 6
    assert page.locator("#problems tbody tr").count() == 3  # the won deal at 12k is an outcome, not a row not assessed
    assert page.locator("#not-summed li").count() == 1  # its amount is not summed: named under the closed deals
    assert axe_violations(page) == []


@pytest.mark.browser
def test_the_report_fits_a_phone(browser: Any, report: Path) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(report.as_uri())
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # The chart scales to the screen instead of hiding its right part in a scroll box.
    chart = page.locator(STAGE_CHART)
    box = page.evaluate("e => [e.getBoundingClientRect().width, e.parentElement.clientWidth]", chart.element_handle())
    assert box[0] <= box[1], box
    # A phone's chart, drawn for its width: its names and numbers at about the body's 16 px (the wide one,
    # shrunk to the screen, drew them at 9 px), and all of them inside it.
    assert "stage-chart--narrow" in chart.evaluate("e => e.parentElement.className")
    assert min(chart.evaluate(TEXT_PIXELS)) >= 15
    assert chart.evaluate(TEXT_OUTSIDE) == []
    # On a phone every table fits its box: the wide ones are cards, each cell named by its column.
    for table in page.locator(".scroll table").all():
        scroller = table.element_handle().evaluate_handle("e => e.parentElement")
        assert page.evaluate("e => e.scrollWidth <= e.clientWidth", scroller), table.get_attribute("id")
    first_deal = page.locator("#ahead tbody td").first
    assert first_deal.evaluate("e => getComputedStyle(e, '::before').content") == '"Line: "'
    # Wider than a phone, a table that does not fit scrolls inside a box that shows it: a border, and a shadow
    # at the edge with more to see.
    page.set_viewport_size({"width": 700, "height": 900})
    scroller = page.locator("#ahead").element_handle().evaluate_handle("e => e.parentElement")
    style = page.evaluate(
        "e => [getComputedStyle(e).borderTopStyle, getComputedStyle(e).backgroundImage, e.scrollWidth > e.clientWidth]",
        scroller,
    )
    assert style == ["solid", style[1], True] and "radial-gradient" in style[1], style
    page.set_viewport_size(PHONE)
    # What the stage table shows is said in full on the screen, not in a caption as wide as the table.
    note = page.locator("#stages-note")
    assert note.evaluate("e => e.getBoundingClientRect().right") <= PHONE["width"]
    assert "counted, not weighted" in note.text_content()
    assert axe_violations(page) == []
    context.close()


@pytest.fixture
def honest_report(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Path:
    """The report of an export with closed deals and no milestone columns (--no-evidence)."""
    from playbook_cli.main import main
    from tests.audit.crm_exports_helpers import EXPORTS, process_with_real_crm

    process = process_with_real_crm(tmp_path)
    out = tmp_path / "honest"
    export = EXPORTS / "salesforce-api.csv"
    options = ["--as-of", "2027-03-01", "--out", str(out), "--no-evidence"]
    status = main(["audit", str(export), "--process", str(process), *options])
    capsys.readouterr()
    assert status == 0
    return out / "report.html"


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, PHONE])
def test_the_outcomes_and_the_honest_report_are_accessible_on_a_desktop_and_a_phone(
    browser: Any, honest_report: Path, viewport: dict[str, int], tmp_path: Path
) -> None:
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(honest_report.as_uri())
    assert page.locator("#outcomes tbody tr").count() == 3
    assert "the CRM records no customer evidence" in page.locator("#no-evidence").text_content()
    assert page.locator("svg[role=img]").count() == 0  # no verified bars: nothing was verified
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    page.screenshot(path=str(tmp_path / f"honest-{viewport['width']}.png"), full_page=True)
    assert axe_violations(page) == []
    context.close()


@pytest.fixture
def long_stage_report(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Path:
    """The example's report with the Demonstrating stage named in 40 characters."""
    from playbook_cli.main import main

    process = tmp_path / "process.yaml"
    process.write_text((ROOT / "process.yaml").read_text().replace("name: Demonstrating", f"name: {LONG_STAGE}"))
    options = ["--process", str(process), "--as-of", "2027-03-01", "--out", str(tmp_path / "out")]
    status = main(["audit", str(ROOT / "examples" / "pipeline.csv"), *options])
    assert status == 0, capsys.readouterr().err
    return tmp_path / "out" / "report.html"


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, PHONE], ids=["1280", "390"])
def test_a_long_stage_name_is_whole_in_the_chart(
    browser: Any, long_stage_report: Path, viewport: dict[str, int]
) -> None:
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(long_stage_report.as_uri())
    chart = page.locator(STAGE_CHART)
    chart.screenshot(path=str(long_stage_report.parent / f"chart-{viewport['width']}.png"))
    assert chart.evaluate(TEXT_OUTSIDE) == []
    labels = stage_labels(chart)
    assert LONG_STAGE in labels and len(labels) == 6
    assert chart.locator("title").text_content() == "Claimed versus verified weighted pipeline by stage"
    assert axe_violations(page) == []
    context.close()
