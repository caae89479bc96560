"""Route of the team pipeline: the saved deals' verdicts fed to the pipeline report."""

from __future__ import annotations

import datetime as dt
import threading

from flask import Response, abort, make_response, render_template, request
from markupsafe import Markup
from sqlalchemy import func, select

from assess_app.current import current_process
from assess_app.errors import bad_request
from assess_app.pipeline import bp
from assess_app.query import takes_query
from assess_app.records import Records, records
from assess_app.security import content_security_policy
from assess_app.signed_in import login_required, signed_in_user
from deal_records.models import Check, Deal, DealChange, OutcomeEvent, User
from deal_records.outcomes import saved_outcomes
from deal_records.pipeline import saved_verdict_groups
from deal_records.records import deal_currencies, summing_currency
from forecast.report import accuracy_section
from forecast.saved import saved_backtest
from pipeline_report.report_html import SAVED_DEAL_WORDS, report_parts
from pipeline_report.result import AuditResult
from sales_process import clock
from sales_process.deal import parse_iso_date
from sales_process.loader import LoadedProcess
from sales_process.totals import Period, Totals, summed_in_total
from sales_process.vocabulary import to_cents

# The report's own styles (its tables and charts) are inline, after the app's stylesheet.
REPORT_POLICY = content_security_policy(inline_styles=True)
_cache_lock = threading.Lock()
_cache: dict[tuple[object, ...], Totals] = {}


def past_day(as_of: dt.date, today: dt.date | None = None) -> dt.date | None:
    """The day whose end the pipeline as of `as_of` stood at: `as_of` when before `today` (default: the server's
    today), else None (the pipeline now). The totals and the currency they are summed in take the same deals."""
    return as_of if as_of < (today or clock.today()) else None


def pipeline_totals(
    store: Records, loaded: LoadedProcess, as_of: dt.date, owner: str | None = None, today: dt.date | None = None
) -> Totals:
    """The totals of every saved deal as of a date (remembered until a deal, check or outcome is added, or a deal's
    details change: a rename or a move to another owner adds no check, and the totals name deals and owners).

    A day before `today` (default: the server's today) is the pipeline as it stood at its end: the deals
    saved by then and not closed by then, as their latest check by then left them (OpenDeals), and the deals closed
    by then by their close date, whenever saved (a past outcome recorded later counts on its day, as in the audit).
    """
    day = past_day(as_of, today)
    with store.reading() as db:
        version = db.execute(
            select(
                select(func.max(Check.id)).scalar_subquery(),
                select(func.max(Deal.id)).scalar_subquery(),
                select(func.count(Deal.id)).scalar_subquery(),
                select(func.max(OutcomeEvent.id)).scalar_subquery(),  # a deal closed or reopened
                select(func.max(DealChange.id)).scalar_subquery(),  # a deal renamed or moved
            )
        ).one()
        key = (store.url, loaded.sha256, as_of, day, owner, *version)
        with _cache_lock:
            cached = _cache.get(key)
        if cached is not None:
            return cached
        totals = Totals(loaded.process)
        summed_in = summing_currency(db, day)  # a total never adds two currencies
        for group in saved_verdict_groups(db, loaded, as_of, store.memo, owner, summed_in, day is not None):
            totals.add_alike(group)  # a deal in another currency than summed_in: not assessed, as the audit says
        owners = None if owner is None else list(db.scalars(select(User.id).where(User.email == owner)))
        for closed in saved_outcomes(db, owners):  # outcomes, not pipeline: counted as the audit counts them
            if day is not None and closed.closed_on is not None and closed.closed_on > day:
                continue  # closed after that day: it was pipeline then
            in_total = closed.amount is not None and summed_in_total(closed.currency, summed_in)
            cents = to_cents(closed.amount) if in_total and closed.amount is not None else None
            # One in another currency is listed with why, as the audit lists a closed row's: not "without an amount".
            totals.add_outcome(
                closed.outcome, cents, closed.closed_on, Period(), not_summed=closed.not_summed(summed_in)
            )
    with _cache_lock:
        _cache.clear()  # one pipeline at a time is enough: the next change makes it stale anyway
        _cache[key] = totals
    return totals


_accuracy: dict[tuple[object, ...], Markup] = {}


def forecast_accuracy(store: Records, loaded: LoadedProcess) -> Markup:
    """The forecast-accuracy section: the saved deals' outcomes through the backtest `playbook backtest` runs.

    Remembered until a check is saved or a deal closed or reopened: a backtest assesses every closed deal at
    every snapshot, too much to do again on each visit.
    """
    with store.reading() as db:
        version = db.execute(
            select(
                select(func.max(Check.id)).scalar_subquery(),
                select(func.max(OutcomeEvent.id)).scalar_subquery(),
            )
        ).one()
        key = (store.url, loaded.sha256, *version)
        with _cache_lock:
            cached = _accuracy.get(key)
        if cached is not None:
            return cached
        section = accuracy_section(saved_backtest(db, loaded.process))
    with _cache_lock:
        _accuracy.clear()
        _accuracy[key] = section
    return section


@bp.get("/pipeline")
@login_required
@takes_query("as_of")
def pipeline() -> Response | tuple[Response, int] | tuple[str, int]:
    """The team's verified forecast (managers only), as of today or ?as_of=YYYY-MM-DD."""
    user = signed_in_user()
    if not user.is_manager:
        abort(403, "The team pipeline is for managers; your deals are on /deals.")
    try:
        as_of = parse_iso_date(request.args["as_of"]) if request.args.get("as_of") else clock.today()
    except ValueError as error:
        return bad_request("as_of", str(error))
    loaded = current_process()
    totals = pipeline_totals(records(), loaded, as_of)
    if not totals.rows:  # a new team's first look: where deals come from, not a page of zeros
        return render_template("pipeline/empty.html", as_of=as_of, today=as_of >= clock.today()), 200
    with records().reading() as db:  # the deals the totals counted (those open on a past day), not today's
        currencies = deal_currencies(db, past_day(as_of))
        summed_in = summing_currency(db, past_day(as_of))
    result = AuditResult(
        totals,
        None,
        as_of,
        currency=summed_in,
        currencies=currencies,
        # The deals summed as of that day whose amount names no currency, not every deal saved: none when none is open.
        unnamed_currency=totals.unnamed_currency,
    )
    report = report_parts(
        result,
        loaded,
        heading="Team pipeline",
        line_label="Deal id",
        generator="/pipeline",
        forecast_accuracy=forecast_accuracy(records(), loaded),
        words=SAVED_DEAL_WORDS,
    )
    response = make_response(render_template("pipeline/page.html", report=report))
    response.headers["Content-Security-Policy"] = REPORT_POLICY
    return response
