"""The deal self-check: the form at /check and the assessment it shows."""

from __future__ import annotations

import hashlib
import hmac

from flask import Blueprint, Response, current_app, request, session, url_for
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from assess_app.security import no_store
from assess_app.signed_in import current_user
from sales_process.answer_needs import answer_notes
from sales_process.requirement import milestone_note, process_segments

bp = Blueprint("check", __name__, template_folder="templates", static_folder="static", static_url_path="/check/static")
# The check form's fields (here and on a saved deal's page) say which milestones a deal needs.
bp.add_app_template_global(milestone_note, "requirement_note")
bp.add_app_template_global(process_segments, "process_segments")
# "Buyer must confirm" and "no evidence required" beside a question, in the stage pages' words.
bp.add_app_template_global(answer_notes, "answer_notes")


def buyer_link() -> tuple[str, str]:
    """Where a rep on the self-check, which saves nothing, goes to send a buyer the confirmation link: the new-deal
    form (signed in), else signing in first. Returns (href, words)."""
    new_deal = url_for("deals.new_deal_form")
    if current_user() is None:
        return url_for("auth.login_form", next=new_deal), "Sign in to save the deal and send the buyer the link"
    return new_deal, "Save the deal to send the buyer the link"


bp.add_app_template_global(buyer_link, "buyer_link")


def draft_scope() -> str:
    """Whose session a form's draft belongs to (check.js keeps what is typed in the tab, for Back and reloads): a
    keyed hash of the session's CSRF secret, which signing in or out replaces, so a draft is never shown to the
    next person signed in, or signed out, on a shared computer."""
    generate_csrf()  # the session's secret, made now if this page is the session's first form
    secret = str(session.get("csrf_token", ""))
    key = str(current_app.secret_key or "").encode()
    return hmac.new(key, secret.encode(), hashlib.sha256).hexdigest()[:16]


def draft_attributes(name: str) -> Markup:
    """A check form's attributes for check.js's draft (see check.js): on a page a GET opened only. A page answering
    a POST is left alone: its history entry must stay the POST (a reload sends the form again, where an
    idempotency key tells a repeat), and it already shows what was sent."""
    scope = f' data-draft-scope="{draft_scope()}"'
    return Markup(f' data-draft="{escape(name)}"{scope}' if request.method == "GET" else scope)


bp.add_app_template_global(draft_attributes, "draft_attributes")


@bp.after_request
def _keep_out_of_caches(response: Response) -> Response:
    """The form's pages hold a deal's answers (and the form its CSRF token); static files may be cached."""
    if request.endpoint not in ("check.static", "check.favicon"):
        no_store(response)
    return response


from assess_app.check import views  # noqa: E402,F401  (registers the routes on bp)
