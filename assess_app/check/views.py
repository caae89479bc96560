"""Routes of the self-check: show the form (pre-filled from a link), assess what was sent."""

from __future__ import annotations

import math
from functools import partial

from flask import Response, render_template, request, send_from_directory
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError

from assess_app.check import bp
from assess_app.check.form import (
    deal_data,
    form_answers,
    form_version,
    make_form,
    mark_repeated,
    plain_answers,
    unknown_keys,
    unticked_problems,
    validated_deal,
)
from assess_app.check.limit import check_limit, check_wait
from assess_app.check.result import by_stage, fragments, playbook_link, prefill_query, summary_text, weighted
from assess_app.csrf_log import log_token_refused
from assess_app.current import current_process
from assess_app.records import retry_after
from sales_process import clock
from sales_process.deal import Deal, parse_deal
from sales_process.engine import assess
from sales_process.loader import LoadedProcess
from sales_process.problems import InvalidInput
from sales_process.report import gap_sentence
from sales_process.vocabulary import money_in

UNPROCESSABLE = 422
TOO_MANY_REQUESTS = 429
ICON_MAX_AGE = 7 * 24 * 3600


@bp.get("/favicon.ico")
def favicon() -> Response:
    """The app's icon where browsers look for it first (the pages link the same SVG)."""
    assert bp.static_folder is not None
    return send_from_directory(bp.static_folder, "favicon.svg", mimetype="image/svg+xml", max_age=ICON_MAX_AGE)


def _form_page(
    loaded: LoadedProcess, form: FlaskForm, general: list[str], status: int = 200, **notes: object
) -> tuple[str, int]:
    page = render_template(
        "check/form.html",
        process=loaded.process,
        form=form,
        general_errors=general,
        unknown=unknown_keys(form, request.values),
        **notes,
    )
    return page, status


@bp.get("/check")
def show_form() -> tuple[str, int]:
    """The empty form, or the form filled in from the query string with its problems shown."""
    loaded = current_process()
    if not request.args:
        return _form_page(loaded, make_form(loaded, None), [])
    form = make_form(loaded, request.args)
    _, general = validated_deal(form, loaded.process)
    mark_repeated(form, request.args)
    return _form_page(loaded, form, general)


def _over_the_limit(loaded: LoadedProcess) -> tuple[str, int, dict[str, str]] | None:
    """Count this self-check for its address; over the limit, the form again with every answer kept, 429 (nothing
    is checked: a flood from one address must not take the server from everyone else)."""
    wait = check_wait()
    if wait is None:
        return None
    page, status = _form_page(
        loaded,
        make_form(loaded, request.form),
        [],
        TOO_MANY_REQUESTS,
        too_many=check_limit(),
        wait_minutes=math.ceil(wait / 60),
    )
    return page, status, {"Retry-After": retry_after(wait)}


@bp.post("/check")
def assess_deal() -> tuple[str, int] | tuple[str, int, dict[str, str]]:
    """Assess the deal, or give the form back with every answer kept and each error at its field."""
    loaded = current_process()
    refused = _over_the_limit(loaded)
    if refused is not None:
        return refused
    version = form_version(loaded)
    answers = plain_answers(version, request.form)
    deal = _plain_deal(answers, loaded)
    if answers is None or deal is None:
        # Something needs fixing: the WTForms form puts every error at its field.
        form = make_form(loaded, request.form)
        deal, general = validated_deal(form, loaded.process)
        if mark_repeated(form, request.form) or deal is None:
            return _form_page(loaded, form, general, UNPROCESSABLE)
        answers = form_answers(form)
    assessment = assess(loaded.process, deal, clock.today())
    query = prefill_query(answers)
    parts = fragments(loaded)
    page = render_template(
        "check/result.html",
        process=loaded.process,
        assessment=assessment,
        gap=gap_sentence(assessment),
        weighted=weighted(assessment),
        stages=by_stage(assessment, parts),
        fragments=parts,
        # With the currency the amount was typed in, as a saved deal's page shows it: "EUR 1,250", not "1,250".
        money=partial(money_in, currency=deal.currency),
        playbook_link=playbook_link,
        summary=summary_text(loaded, assessment),
        edit_link=f"/check?{query}",
        unknown=unknown_keys(version.limits, request.form),
    )
    return page, 200


def _plain_deal(answers: dict[str, str] | None, loaded: LoadedProcess) -> Deal | None:
    if answers is None or unticked_problems(answers, loaded.process):
        return None
    try:
        return parse_deal(deal_data(answers, loaded.process), loaded.process)
    except InvalidInput:
        return None


@bp.errorhandler(CSRFError)
def refuse_without_token(error: CSRFError) -> tuple[str, int] | tuple[str, int, dict[str, str]]:
    """Refuse a POST without a valid token with 400, giving back what was typed to send again (the check saves
    nothing: a form another site made can only show its visitor a verdict); logged as every form's refusal is.
    Counted as a self-check: a flood without tokens is held back too."""
    log_token_refused(error)
    loaded = current_process()
    refused = _over_the_limit(loaded)
    if refused is not None:
        return refused
    form = make_form(loaded, request.form)
    return _form_page(loaded, form, [], 400, csrf_problem=error.description)
