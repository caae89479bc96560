"""The built playbook (a static MkDocs site) served at / next to the form and the API."""

from __future__ import annotations

from flask import Blueprint
from flask.blueprints import BlueprintSetupState
from werkzeug.routing import PathConverter

bp = Blueprint("playbook_site", __name__, template_folder="templates")


class SitePathConverter(PathConverter):
    """Any path but the API's, so /api/... answers 404 and 405 in JSON instead of a page."""

    regex = r"(?!api(?:/|$))[^/].*?"


@bp.record_once
def _register_converter(state: BlueprintSetupState) -> None:
    state.app.url_map.converters["site_path"] = SitePathConverter


from assess_app.playbook_site import views  # noqa: E402,F401  (registers the routes on bp)
