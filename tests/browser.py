"""Helpers for the thin layer of end-to-end tests: Debian's Chromium, live servers, axe-core."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from werkzeug.serving import WSGIRequestHandler, make_server

# Debian's Chromium, in its two shells of one version: the headless shell (the Blink engine without
# the browser's own windows and extensions: what Playwright itself launches for headless runs) for
# the browser tests, at 40% of the full browser's CPU per page, and the full browser to check that
# both lay our pages out alike.
HEADLESS_SHELL = "/usr/bin/chromium-headless-shell"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# How often a live server looks for shutdown(): the default half second was most of each browser test's teardown.
POLL = 0.02


def _closed_at_once(app: Any) -> Any:
    """Wrap a WSGI app so each response body is read whole and its iterable closed at once.

    Werkzeug's development server skips the iterable's ``close()`` when the browser resets
    the connection while the server drains it. A static file then stays open until the
    garbage collector finds it, and its ResourceWarning fails whichever later test that is.
    """

    def app_closing_its_responses(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        iterable = app(environ, start_response)
        try:
            return [b"".join(iterable)]
        finally:
            if hasattr(iterable, "close"):
                iterable.close()

    return app_closing_its_responses


class _NoAccessLog(WSGIRequestHandler):
    """Werkzeug's request handler without its line per request (errors are still logged)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


@contextmanager
def live_wsgi(app: Any, *, access_log: bool = True) -> Iterator[str]:
    """Serve a WSGI app on 127.0.0.1 with a free port; yield its base URL.

    `access_log=False` leaves out the line each request logs, which pytest also captures and formats: for a
    fuzzer's thousands of requests, CPU the server's thread takes from the app it serves.
    """
    handler = WSGIRequestHandler if access_log else _NoAccessLog
    server = make_server("127.0.0.1", 0, _closed_at_once(app), threaded=True, request_handler=handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": POLL}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def live_directory(directory: Path) -> Iterator[str]:
    """Serve a folder of static files (a built site) on 127.0.0.1; yield its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": POLL}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def follow(page: Any, control: Any) -> None:
    """Click a link or a submit button, and wait until the page it leads to has loaded.

    A click returns once it is dispatched. Without this wait the next line may read the
    page the browser is leaving, which often has the same elements.
    """
    with page.expect_navigation():
        control.click()


def axe_violations(page: Any) -> list[str]:
    """Run axe-core in the page; return one line per violation (empty when clean)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    violations = results.response.get("violations", [])
    return [f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:5]}" for v in violations]


LONG_STAGE = "Pilot on the plant floor with the client"  # 40 characters
# Each text of the chart inside the chart's box: [text, how far it runs past the left and the right edge].
TEXT_OUTSIDE = """(svg) => {
  const box = svg.getBoundingClientRect();
  return Array.from(svg.querySelectorAll("text"), (text) => {
    const own = text.getBoundingClientRect();
    return [text.textContent, Math.max(0, box.left - own.left), Math.max(0, own.right - box.right)];
  }).filter(([, left, right]) => left > 0.5 || right > 0.5);
}"""


# The stage chart the screen shows: the report draws a wide one and a phone's, and shows one of them.
STAGE_CHART = ".stage-chart svg[role=img]:visible"
# The size each text of a chart is drawn at on the screen, in CSS pixels: its font size times the chart's scale.
TEXT_PIXELS = """(svg) => {
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return Array.from(svg.querySelectorAll("text"), (text) => parseFloat(getComputedStyle(text).fontSize) * scale);
}"""


def stage_labels(chart: Any) -> list[str]:
    """The stage names the chart shows, each of its lines joined."""
    return [" ".join(text.locator("tspan").all_text_contents()) for text in chart.locator("text:has(tspan)").all()]
