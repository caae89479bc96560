"""backtest.html in Chromium at 1280 and 390 px: both calibration charts side by side (stacked on a phone),
nothing cut off, axe and the Nu HTML Checker without errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from forecast.charts import axis_amount
from playbook_cli.main import main
from tests.browser import DESKTOP, PHONE, axe_violations
from tests.forecast.made_history import PROCESS, made_deals, write_export, write_history
from tests.html_checker import nu_errors


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("backtest")
    deals = made_deals()
    write_export(deals, folder / "closed.csv")
    write_history(deals, folder / "history.csv")
    args = ["backtest", str(folder / "closed.csv"), "--history", str(folder / "history.csv"), "--process", str(PROCESS)]
    assert main([*args, "--from", "2025-01-01", "--to", "2025-12-31", "--out", str(folder / "out"), "--json"]) == 0
    return folder / "out" / "backtest.html"


def _boxes(page: Any) -> list[dict[str, float]]:
    return [page.locator(f"#calibration-{which} svg").bounding_box() for which in ("claimed", "verified")]


@pytest.mark.browser
def test_the_calibration_charts_sit_side_by_side_on_a_desktop(browser: Any, report: Path) -> None:
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(report.as_uri())
    assert [url for url in requests if not url.startswith("file://")] == []
    claimed, verified = _boxes(page)
    assert abs(claimed["y"] - verified["y"]) < 1 and claimed["x"] + claimed["width"] <= verified["x"]
    titles = page.locator("svg[role=img] > title").all_text_contents()
    assert titles == [
        "Calibration of the claimed stage",
        "Calibration of the verified stage",
        "Forecast against what happened",
    ]
    # Each stage with deal-snapshots is a point with its interval, in both charts.
    assert page.locator("#calibration-claimed g.point").count() == 4
    assert page.locator("#calibration-verified g.point").count() == 5
    page.screenshot(path=str(report.parent / "desktop.png"), full_page=True)
    assert axe_violations(page) == []
    context.close()


@pytest.mark.browser
def test_the_report_fits_a_phone(browser: Any, report: Path) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(report.as_uri())
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    claimed, verified = _boxes(page)
    assert verified["y"] >= claimed["y"] + claimed["height"] and claimed["x"] + claimed["width"] <= PHONE["width"]
    page.screenshot(path=str(report.parent / "phone.png"), full_page=True)
    assert axe_violations(page) == []
    context.close()


@pytest.mark.slow
def test_the_report_is_valid_html(report: Path, tmp_path: Path) -> None:
    assert nu_errors({"backtest": report.read_text(encoding="utf-8")}, tmp_path / "pages") == []


@pytest.mark.browser
def test_the_claimed_stage_alone_is_a_whole_clean_page(browser: Any, report: Path, tmp_path: Path) -> None:
    folder = report.parent.parent
    args = ["backtest", str(folder / "closed.csv"), "--history", str(folder / "history.csv"), "--process", str(PROCESS)]
    out = tmp_path / "claimed"
    assert main([*args, "--from", "2025-01-01", "--to", "2025-12-31", "--out", str(out), "--no-evidence"]) == 0
    html = (out / "backtest.html").read_text(encoding="utf-8")
    assert nu_errors({"backtest": html}, tmp_path / "pages") == []
    for viewport in (DESKTOP, PHONE):
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        page.goto((out / "backtest.html").as_uri())
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        assert page.locator("svg[role=img] > title").all_text_contents() == [
            "Calibration of the claimed stage",
            "Forecast against what happened",
        ]
        assert axe_violations(page) == []
        context.close()


@pytest.mark.parametrize(
    ("amount", "label"),
    [(0, "0"), (940, "940"), (93_500, "94k"), (936_355.5, "936k"), (1_872_711, "1.9M"), (190_000_000, "190M")],
)
def test_the_forecast_charts_amounts_fit_its_margin(amount: float, label: str) -> None:
    # Before, the axis wrote 936,355.50 in full, and the chart's left margin cut it off.
    assert axis_amount(amount) == label
