"""The deal self-check: the form at /check and the assessment it shows."""

from __future__ import annotations

from flask import Blueprint, Response, request

from assess_app.security import no_store
from sales_process.requirement import milestone_note, process_segments

bp = Blueprint("check", __name__, template_folder="templates", static_folder="static", static_url_path="/check/static")
# The check form's fields (here and on a saved deal's page) say which milestones a deal needs.
bp.add_app_template_global(milestone_note, "requirement_note")
bp.add_app_template_global(process_segments, "process_segments")


@bp.after_request
def _keep_out_of_caches(response: Response) -> Response:
    """The form's pages hold a deal's answers (and the form its CSRF token); static files may be cached."""
    if request.endpoint not in ("check.static", "check.favicon"):
        no_store(response)
    return response


from assess_app.check import views  # noqa: E402,F401  (registers the routes on bp)
