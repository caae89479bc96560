"""Live preview under `playbook serve`: open pages reload after a rebuild and show the saved file's errors."""

from __future__ import annotations

import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from assess_app import create_app
from assess_app.store import ProcessStore
from assess_app.watch import FileWatcher
from sales_process.loader import load_process
from tests.app.conftest import BufferedClient, post_form
from tests.browser import PHONE
from tests.conftest import DEFAULT_PROCESS

ERROR = "process.yaml:17:18: error: 'probability' must be a whole number, got text 'ten'"


@pytest.fixture
def store() -> ProcessStore:
    """The store `playbook serve` swaps after each rebuild."""
    return ProcessStore(load_process(DEFAULT_PROCESS))


@pytest.fixture
def live_app(site_dir: Path, store: ProcessStore) -> Flask:
    """The app as `playbook serve` runs it."""
    config = {
        "TESTING": True,
        "PROCESS_PATH": str(DEFAULT_PROCESS),
        "SITE_DIR": str(site_dir),
        "SECRET_KEY": "t",
        "LIVE_RELOAD": True,
    }
    return create_app(config, store=store)


@pytest.fixture
def live(live_app: Flask) -> FlaskClient:
    """A client of the live preview."""
    live_app.test_client_class = BufferedClient
    return live_app.test_client()


def test_a_waiting_page_hears_of_a_rebuild_at_once(store: ProcessStore) -> None:
    heard: list[tuple[int, float]] = []
    waiter = threading.Thread(target=lambda: heard.append((store.wait_for_change(0, 10), time.monotonic())))
    waiter.start()
    time.sleep(0.1)
    saved = time.monotonic()
    store.keep_last_good([ERROR])
    waiter.join(5)
    version, woke = heard[0]
    assert version == 1 and woke - saved < 0.5
    assert store.errors == (ERROR,)
    store.replace(store.current)
    assert store.version == 2
    assert len(store.errors) == 0


def test_without_a_change_the_wait_ends_after_its_timeout(store: ProcessStore) -> None:
    started = time.monotonic()
    assert store.wait_for_change(0, 0.2) == 0
    assert time.monotonic() - started >= 0.2


@pytest.mark.parametrize("path", ["/", "/stages/discovery/", "/check", "/check?deal=Contoso"])
def test_pages_that_a_get_can_fetch_again_carry_the_reload_script(
    live: FlaskClient, store: ProcessStore, path: str
) -> None:
    store.keep_last_good([ERROR])
    html = live.get(path).get_data(as_text=True)
    assert '<script src="/_live/static/live.js" data-live-version="1" defer></script>' in html
    assert html.count("data-live-errors") == 1 and "this page shows the last good version" in html
    assert "&#39;probability&#39; must be a whole number, got text &#39;ten&#39;</code>" in html
    assert live.get("/_live/static/live.js").status_code == 200


def test_the_banner_goes_once_the_file_is_valid_again(live: FlaskClient, store: ProcessStore) -> None:
    store.keep_last_good([ERROR])
    store.replace(store.current)
    for path in ("/", "/stages/discovery/", "/check"):
        html = live.get(path).get_data(as_text=True)
        assert "data-live-errors" not in html and 'data-live-version="2"' in html


ORPHANED = (
    "process.yaml: warning: 1 saved deal is at stage 'proposing', which this process no longer has; if the stage "
    "was renamed, add 'renamed_from: [proposing]' to it"
)


@pytest.mark.parametrize("path", ["/", "/stages/discovery/", "/check"])
def test_the_warnings_of_the_version_served_are_on_its_pages_until_an_error_or_a_clean_save(
    live: FlaskClient, store: ProcessStore, path: str
) -> None:
    store.replace(store.current, [ORPHANED])
    html = live.get(path).get_data(as_text=True)
    assert html.count("data-live-warnings") == 1 and "process.yaml is served, with warnings to read" in html
    assert "1 saved deal is at stage &#39;proposing&#39;, which this process no longer has" in html
    store.keep_last_good([ERROR])  # an error says more: it replaces the warnings while it lasts
    html = live.get(path).get_data(as_text=True)
    assert "data-live-warnings" not in html and html.count("data-live-errors") == 1
    store.replace(store.current)
    html = live.get(path).get_data(as_text=True)
    assert "data-live-warnings" not in html and "data-live-errors" not in html


def test_the_banner_sits_above_the_content_of_a_playbook_page(live: FlaskClient, store: ProcessStore) -> None:
    store.keep_last_good([ERROR])
    html = live.get("/stages/discovery/").get_data(as_text=True)
    assert html.index('<article class="md-content__inner md-typeset"><div class="admonition failure') < html.index(
        "<h1"
    )
    assert html.index("live.js") > html.index("</article>")


def test_a_posted_result_is_not_reloaded_which_would_send_it_again(live: FlaskClient) -> None:
    html = post_form(live, {"deal": "Contoso"}).get_data(as_text=True)
    assert "Verified stage" in html and "live.js" not in html


def test_the_changes_endpoint_answers_at_once_when_the_page_is_behind(live: FlaskClient, store: ProcessStore) -> None:
    store.keep_last_good([ERROR])
    started = time.monotonic()
    response = live.get("/_live/changes?since=0")
    assert time.monotonic() - started < 1
    assert response.get_json() == {"version": 1, "errors": [ERROR]}
    assert response.headers["Cache-Control"] == "no-store"


def test_hosting_has_no_live_preview(client: FlaskClient, site_dir: Path) -> None:
    for path in ("/", "/stages/discovery/", "/check"):
        assert "live.js" not in client.get(path).get_data(as_text=True)
    assert client.get("/_live/changes").status_code == 404
    assert not [page for page in site_dir.rglob("*.html") if "live.js" in page.read_text(encoding="utf-8")]


def _watch(path: Path, use_events: bool) -> tuple[FileWatcher, list[float]]:
    calls: list[float] = []
    watcher = FileWatcher(path, lambda: calls.append(time.monotonic()), interval=0.05, use_events=use_events)
    watcher.start()
    return watcher, calls


def _wait_for(calls: list[float], count: int, seconds: float = 5) -> None:
    deadline = time.monotonic() + seconds
    while len(calls) < count and time.monotonic() < deadline:
        time.sleep(0.01)


@pytest.mark.parametrize("use_events", [True, False], ids=["file-system-events", "polling"])
def test_each_save_calls_back_once(tmp_path: Path, use_events: bool) -> None:
    path = tmp_path / "process.yaml"
    path.write_text("one", encoding="utf-8")
    watcher, calls = _watch(path, use_events)
    try:
        assert watcher.mode == ("events" if use_events else "polling")
        saved = time.monotonic()
        with path.open("w", encoding="utf-8") as file:  # an editor writing in place: truncate, write, close
            file.write("two, ")
            file.flush()
            file.write("longer")
        _wait_for(calls, 1)
        replacement = tmp_path / ".process.yaml.swp"
        replacement.write_text("three", encoding="utf-8")
        replacement.replace(path)  # an editor saving by renaming a new file over the old one
        _wait_for(calls, 2)
        time.sleep(0.3)
    finally:
        watcher.stop()
    assert len(calls) == 2, calls
    if use_events:
        assert calls[0] - saved < 0.2, "events need no settling wait"


def _wait_for_reload(page: Any, seconds: float = 5) -> None:
    """Wait until the page was loaded again (the marker set on the old document is gone)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if page.evaluate("window.notReloaded") is None:
                page.wait_for_load_state()
                return
        except Exception:  # the old document is being replaced right now
            pass
        time.sleep(0.02)
    pytest.fail(f"{page.url} did not reload within {seconds} s")


@pytest.mark.browser
def test_an_editor_sees_open_pages_reload_on_save_and_the_errors_of_a_bad_save(
    browser: Any, served: tuple[str, Path, subprocess.Popen[str]], tmp_path: Path
) -> None:
    url, process, _ = served
    good = process.read_text(encoding="utf-8")
    context = browser.new_context(viewport=PHONE)
    stage, form = context.new_page(), context.new_page()
    stage.goto(f"{url}stages/discovery/")
    form.goto(f"{url}check")
    for page in (stage, form):
        page.evaluate("window.notReloaded = true")

    edited = good.replace("name: Discovery", "name: Exploring", 1)
    process.write_text(edited, encoding="utf-8")
    for page in (stage, form):
        _wait_for_reload(page)
        assert "Exploring" in page.content()
        page.evaluate("window.notReloaded = true")

    broken = edited.replace("probability: 10", "probability: ten", 1)
    line = broken.splitlines().index("    probability: ten") + 1
    process.write_text(broken, encoding="utf-8")
    for page in (stage, form):
        banner = page.locator("[data-live-errors]")
        banner.wait_for(timeout=20000)
        assert (
            f"{process}:{line}:18: error: 'probability' must be a whole number, got text 'ten'" in banner.inner_text()
        )
        assert "Exploring" in page.content(), "the last good version stays below the banner"
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "the banner fits a phone"
    stage.screenshot(path=str(tmp_path / "stage-with-errors.png"))

    process.write_text(edited, encoding="utf-8")
    for page in (stage, form):
        page.locator("[data-live-errors]").wait_for(state="detached", timeout=20000)
    context.close()
