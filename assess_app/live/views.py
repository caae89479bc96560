"""The long-poll endpoint, and what a served page gets: the reload script and the errors banner."""

from __future__ import annotations

import re

from flask import Response, current_app, jsonify, render_template, request, url_for

from assess_app.current import current_store
from assess_app.live import bp
from assess_app.security import no_store
from sales_process.wording import STALE_PREVIEW_HINT, STALE_PREVIEW_TITLE, WARNED_PREVIEW_HINT, WARNED_PREVIEW_TITLE

# Long enough to keep requests rare, short enough for proxies and browsers not to give up.
WAIT_SECONDS = 25.0
_ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">')
_BODY_END = re.compile(r"</body\s*>", re.IGNORECASE)


def enabled() -> bool:
    """Whether this app serves a live preview (only `playbook serve` turns it on)."""
    return bool(current_app.config.get("LIVE_RELOAD"))


@bp.get("/changes")
def changes() -> Response:
    """Answer once the version differs from `since` (at once if it already does), else after WAIT_SECONDS."""
    since = request.args.get("since", type=int)
    store = current_store()
    version = store.version if since is None else store.wait_for_change(since, WAIT_SECONDS)
    return no_store(jsonify({"version": version, "errors": list(store.errors)}))


def reload_script(version: int) -> str:
    """The tag that loads the reload script for a page rendered at `version`."""
    src = url_for("live.static", filename="live.js")
    return f'<script src="{src}" data-live-version="{version}" defer></script>'


def banner() -> str:
    """The errors of the saved file above the last good content, else the warnings of the file served ("" when
    it has neither)."""
    store = current_store()
    if store.errors:
        return render_template(
            "live/banner.html", kind="failure", lines=store.errors, title=STALE_PREVIEW_TITLE, hint=STALE_PREVIEW_HINT
        )
    if store.warnings:
        return render_template(
            "live/banner.html",
            kind="warning",
            lines=store.warnings,
            title=WARNED_PREVIEW_TITLE,
            hint=WARNED_PREVIEW_HINT,
        )
    return ""


def live_page(html: str) -> str:
    """A built playbook page as the live preview serves it: errors banner on top, reload script at the end."""
    version = current_store().version
    top = banner()
    if top:
        found = _ARTICLE.search(html)
        html = html[: found.end()] + top + html[found.end() :] if found else html.replace("<body", top + "<body", 1)
    end = _BODY_END.search(html)
    script = reload_script(version)
    return html[: end.start()] + script + html[end.start() :] if end else html + script
