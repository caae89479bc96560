"""Serve the built site: safe paths, directory URLs, MIME types, validators for caching."""

from __future__ import annotations

from pathlib import Path

from flask import Response, abort, current_app, make_response, redirect, render_template, request, send_file
from flask.typing import ResponseReturnValue
from werkzeug.security import safe_join

from assess_app.live.views import enabled, live_page
from assess_app.playbook_site import bp
from assess_app.playbook_site.inline_scripts import page_policy
from assess_app.security import no_store

NOT_FOUND = 404
ASSET_MAX_AGE = 300


def site_root() -> Path:
    """The folder the playbook was built into."""
    return Path(current_app.config["SITE_DIR"]).resolve()


def _send(path: Path, status: int = 200) -> Response:
    html = path.suffix == ".html"
    if html and enabled():
        return _send_live(path, status)
    response = send_file(path, conditional=status == 200, etag=True, max_age=None if html else ASSET_MAX_AGE)
    if html:
        # Pages change with every rebuild: always revalidate (cheap with the ETag).
        response.headers["Cache-Control"] = "no-cache"
        response.headers["Content-Security-Policy"] = page_policy(path)
    response.status_code = status if status != 200 else response.status_code
    return response


def _send_live(path: Path, status: int) -> Response:
    """A page of the live preview: the errors banner and the reload script added, never cached."""
    response = Response(live_page(path.read_text(encoding="utf-8")), status=status, mimetype="text/html")
    response.headers["Content-Security-Policy"] = page_policy(path)
    return no_store(response)


def _app_areas() -> set[str]:
    """The first segments of the app's own addresses (deals, pipeline, check …): none is a page of the playbook."""
    return {
        rule.rule.split("/")[1]
        for rule in current_app.url_map.iter_rules()
        if not rule.endpoint.startswith(f"{bp.name}.")
    } - {""}


def _not_found(root: Path) -> ResponseReturnValue:
    if request.path.split("/")[1] in _app_areas():
        # /deals/abc is an address of the app, not a missing page of the playbook: the app's 404, with its links.
        abort(NOT_FOUND)
    page = root / "404.html"
    if page.is_file():
        return _send(page, NOT_FOUND)
    built = (root / "index.html").is_file()
    # Without a built playbook, only its home page is surely one of its pages: any other address may be a typo.
    home = request.path == "/"
    return render_template("playbook_site/missing.html", built=built, home=home, site_dir=str(root)), NOT_FOUND


def not_found() -> Response:
    """The site's own 404 page, as for any address that does not exist."""
    return make_response(_not_found(site_root()))


@bp.get("/", defaults={"path": ""})
@bp.get("/<site_path:path>")
def page(path: str) -> ResponseReturnValue:
    """A file of the built site; `/x/` serves x/index.html and `/x` redirects there."""
    root = site_root()
    joined = safe_join(str(root), path) if path else str(root)
    if joined is None:
        return _not_found(root)
    target = Path(joined)
    if target.is_dir():
        if path and not path.endswith("/"):
            query = request.query_string.decode("latin-1")
            return redirect(f"{request.path}/" + (f"?{query}" if query else ""), code=308)
        target = target / "index.html"
    if not target.is_file():
        return _not_found(root)
    return _send(target)
