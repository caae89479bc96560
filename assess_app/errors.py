"""Error responses: JSON under /api/, a page in the playbook's style everywhere else."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from urllib.parse import urlencode

from flask import Flask, Response, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import BadHost, HTTPException

from assess_app.check.form import BASED_ON, TYPED
from assess_app.csrf_log import log_token_refused
from assess_app.current import current_process
from assess_app.paths import API_PREFIX, SIGNED_IN_PATHS, is_api_path
from assess_app.records import is_unavailable
from assess_app.signed_in import SessionEnded, current_user, safe_next
from deal_records.database import driver_message

SERVICE_UNAVAILABLE = 503
log = logging.getLogger("assess_app")

_HINTS = {
    400: "The request could not be understood.",
    401: "Sign in first.",
    404: "There is no page at this address.",
    405: "This address does not accept that kind of request.",
    413: "What was sent is larger than the limit of 1 MB.",
    415: "Send the deal as JSON with the header Content-Type: application/json.",
}


def api_errors(status: int, errors: Sequence[Mapping[str, object]]) -> tuple[Response, int]:
    """The API's error body: every problem with where it is ("" for the whole request)."""
    return jsonify({"errors": list(errors)}), status


def bad_request(field: str, message: str) -> tuple[Response, int] | tuple[str, int]:
    """400 naming the field at fault: the API's errors body, or the error page."""
    if is_api_path(request.path):
        return api_errors(400, [{"loc": field, "message": message}])
    # A form refused before its view: what it held comes back to copy (a NUL, the usual cause, taken out).
    kept = [(name, value.replace("\x00", "")) for name, value in kept_fields()]
    page = render_template(
        "error.html", code=400, title="Bad Request", message=f"{field}: {message}.", kept=kept, refused=True
    )
    return page, 400


def _describe(error: HTTPException) -> str:
    """What went wrong, in the words of the app (not Werkzeug's), with what to do instead where there is a choice."""
    code = error.code or 500
    if code == 404 and is_api_path(request.path):
        return "There is no such address in the API; GET /api/ lists its addresses."
    allowed = _allowed(error)
    if code == 405 and allowed:
        return f"This address does not accept {request.method}; it accepts {', '.join(allowed)}."
    if error.description and error.description != type(error).description:
        return error.description  # the view's own words (abort(404, "…")), not Werkzeug's
    return _HINTS.get(code, error.description or error.name)


def _allowed(error: HTTPException) -> list[str]:
    """The methods a 405's address accepts, without the ones every address answers (HEAD, OPTIONS)."""
    header = error.get_response().headers.get("Allow", "") if error.code == 405 else ""
    return [method.strip() for method in header.split(",") if method.strip() not in ("", "HEAD", "OPTIONS")]


def _with_allow(error: HTTPException, response: Response) -> Response:
    """A 405 names the methods the address accepts: HTTP requires the Allow header."""
    allowed = error.get_response().headers.get("Allow")
    if error.code == 405 and allowed:
        response.headers["Allow"] = allowed
    return response


BAD_HOST = (
    "Bad Request: the Host header is not a host name this server can read (a part between dots longer than 63 "
    "characters, or characters a host name cannot hold); send the server's own name or address."
)


def host_refused(message: str) -> tuple[Response, int]:
    """400 for the Host header: plain text (a Host header Werkzeug cannot read leaves the request with no URL
    adapter, so no page can be rendered: its links need one), or the API's errors body."""
    if is_api_path(request.path):
        return api_errors(400, [{"loc": "Host", "message": message}])
    response = make_response(message + "\n")
    response.mimetype = "text/plain"
    return response, 400


def handle_http_error(error: HTTPException) -> tuple[Response, int]:
    """Answer an HTTP error in the format the client asked for."""
    if isinstance(error, BadHost):
        return host_refused(BAD_HOST)
    code = error.code or 500
    if is_api_path(request.path):
        # The 413's sentence says what happened itself; Werkzeug's name before it read as two sentences run together.
        message = _describe(error) if code == 413 else f"{error.name}: {_describe(error)}"
        response, status = api_errors(code, [{"loc": "", "message": message}])
        return _with_allow(error, response), status
    if isinstance(error, (CSRFError, SessionEnded)):
        return make_response(_refused_form(error)), code
    page = render_template("error.html", code=code, title=error.name, message=_describe(error), kept=[])
    return _with_allow(error, make_response(page)), code


def _refused_form(error: CSRFError | SessionEnded) -> str:
    """A form without a valid CSRF token, or sent from a session that has ended on the server: nothing saved,
    what it held shown to copy, never offered to send again (a form another site made would come back ready to
    send under the user's own token)."""
    if isinstance(error, SessionEnded):
        log.info("a form was sent from a session that has ended (%s %s): nothing saved", request.method, request.path)
    else:
        log_token_refused(error)
    signed_out = current_user() is None and request.path.startswith(SIGNED_IN_PATHS)
    if signed_out:
        message = (
            "Nothing was saved: you are signed out (in another tab, or your session ended). Sign in, open the page "
            "again and send it from there."
        )
    else:
        message = (
            "Nothing was saved: the form was not sent from a page of this app that is still valid (it was opened "
            "before you signed in again or before the app restarted, or it came from another site). Open the page "
            "again and send it from there."
        )
    typed = typed_names()
    kept, changed = (kept_fields(), None) if typed is None else typed_first(kept_fields(), typed)
    return render_template(
        "error.html",
        code=400,
        title="This form could not be sent",
        message=message,
        kept=kept,
        changed=changed,
        refused=True,
        sign_in=("/login?" + urlencode({"next": form_page(request.path)})) if signed_out else None,
    )


_DEAL_FORM = re.compile(r"^(/deals/\d+)/[\w/-]*$")  # a deal page's forms post under it: /deals/12/checks …


def form_page(path: str) -> str:
    """The page a form posted to `path` is on, to go back to after signing in: a deal's form's deal page, else
    the path itself; only ever a path on this site (safe_next)."""
    match = _DEAL_FORM.match(path)
    return safe_next(match.group(1) if match else path)


# What a kept field is called on its page; a milestone's fields are named by its question (kept_label).
_FIELD_LABELS = {
    "name": "Deal name",
    "crm_id": "CRM id",
    "amount": "Amount",
    "currency": "Currency",
    "claimed_stage": "CRM stage",
    "stage": "CRM stage",
    "segment": "Segment",
    "owner": "Owner",
    "buyer_name": "The buyer's name",
    "buyer_email": "The buyer's email",
    "expires_in_days": "Days the link stays open",
    "milestones": "Outcomes to confirm",
    "outcome": "Outcome",
    "date": "Date",
    "reason": "Reason",
    "email": "Email",
}
_MILESTONE_PARTS = {"met": "answer", "evidence": "evidence", "date": "date it happened"}
# Keys a page sends that no one typed: never shown among what the form held (still sent again, where it is).
UNTYPED = frozenset(
    {"idempotency_key", "form_key", "next", BASED_ON, TYPED, "shown_name", "shown_crm_id", "shown_owner"}
)


def kept_label(name: str) -> str:
    """A kept field's label as its page shows it: "pain-confirmed.evidence" reads as the milestone's question and
    "(evidence)"; a name the app does not know reads as sent."""
    milestone_id, _, part = name.rpartition(".")
    if milestone_id and part in _MILESTONE_PARTS:
        for _, milestone in current_process().process.milestones():
            if milestone.id == milestone_id:
                return f"{milestone.question} ({_MILESTONE_PARTS[part]})"
    return _FIELD_LABELS.get(name, name)


_STAGE_FIELDS = frozenset({"claimed_stage", "stage"})


def kept_value(name: str, value: str) -> str:
    """A kept field's value as its page showed it: a CRM stage by its name ("Proposing", not "proposing");
    anything else as sent."""
    if name in _STAGE_FIELDS:
        process = current_process().process
        index = process.stage_index(value)
        if index is not None:
            return process.stages[index].name
    return value


def typed_first(kept: list[tuple[str, str]], changed: set[str]) -> tuple[list[tuple[str, str]], set[str]]:
    """A refused form's fields with the `changed` ones (typed or changed on the page) first, and their names:
    what the person typed or changed is what they came to copy. Every page showing what a form held orders it so."""
    return sorted(kept, key=lambda pair: pair[0] not in changed), changed


def changed_first(kept: list[tuple[str, str]], shown: Mapping[str, str]) -> tuple[list[tuple[str, str]], set[str]]:
    """typed_first, the changed fields being those whose value differs from what the page showed (`shown`)."""
    return typed_first(kept, {name for name, value in kept if value != shown.get(name, "")})


def typed_names() -> set[str] | None:
    """The fields the page said were typed or changed (TYPED, set by check.js as the form is sent; None: not said,
    as with JavaScript off). Read from the request alone: a signed-out sender learns nothing of the deal from it."""
    typed = request.form.get(TYPED) if request.method == "POST" else None
    return None if typed is None else set(typed.split())


def kept_fields() -> list[tuple[str, str]]:
    """What a refused form sent, to give back ready to send again (never a password or the old token)."""
    if request.method != "POST":
        return []
    return [(name, value) for name, value in request.form.items(multi=True) if name not in ("csrf_token", "password")]


def handle_database_error(error: SQLAlchemyError) -> tuple[Response, int] | tuple[str, int]:
    """A database that cannot be reached or is locked: 503 and a log line, never a traceback."""
    if not is_unavailable(error):
        raise error
    log.error("database unavailable (%s %s): %s", request.method, request.path, driver_message(error))
    message = "The deal records cannot be reached right now. Nothing was changed; try again in a moment."
    if request.path.startswith(API_PREFIX):
        response, status = api_errors(SERVICE_UNAVAILABLE, [{"loc": "", "message": f"Service Unavailable: {message}"}])
        response.headers["Retry-After"] = "5"
        return response, status
    # A form sent while the database was down: give everything typed back, ready to send again.
    page = render_template(
        "error.html",
        code=SERVICE_UNAVAILABLE,
        title="Service Unavailable",
        message=message,
        kept=kept_fields(),
        resend=request.path,
    )
    return page, SERVICE_UNAVAILABLE


def init_errors(app: Flask) -> None:
    """Register the handlers for every HTTP error and for a database that is down."""
    app.jinja_env.globals.update(kept_label=kept_label, kept_value=kept_value, untyped_fields=UNTYPED)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(SQLAlchemyError, handle_database_error)
