"""Routes of the saved deals: list, create, show with the check form and timeline, record a check."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from flask import Response, abort, redirect, render_template, request
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response as BaseResponse

from assess_app.asking import Asked, DealNotFound, ask_buyer, request_summary
from assess_app.check.form import BASED_ON, attach, make_form, mark_repeated, unknown_keys, validated_deal
from assess_app.check.result import fragments, playbook_link, weighted
from assess_app.current import current_process
from assess_app.deals import bp
from assess_app.deals.review import answer_rows, assessed_check, changes
from assess_app.deals.verdicts import buyer_view, deal_verdict, prefill, prefill_as_of, timeline, warnings
from assess_app.errors import bad_request, changed_first, kept_fields
from assess_app.idempotent import idempotent_form, keep
from assess_app.inputs import refuse_not_utf8_fields
from assess_app.query import takes_query
from assess_app.records import is_unavailable, records
from assess_app.signed_in import login_required, signed_in_user
from deal_records.confirmations import deal_requests, revoke_request
from deal_records.database import driver_message
from deal_records.details import change_details, deal_changes, may_change_details, moved_from, parse_details_change
from deal_records.export import write_deals
from deal_records.models import Check, ConfirmationRequest, Deal, DealChange, OutcomeEvent, User
from deal_records.orphans import unknown_stage_text
from deal_records.outcomes import (
    NO_AMOUNT_TO_WIN,
    closed_check_refusal,
    current_outcomes,
    is_closed,
    may_close,
    outcome_events,
    parse_outcome_change,
    record_outcome,
)
from deal_records.people import normal_email, unknown_owner
from deal_records.records import (
    MAX_DEAL_ID,
    NewDeal,
    RecordError,
    buyer_answered,
    checks_up_to,
    create_deal,
    deal_checks,
    deal_page,
    find_deal,
    may_check,
    page_problem,
    parse_new_deal,
    record_check,
    standing_buyer_answers,
)
from sales_process import clock
from sales_process.confirmation import DEFAULT_EXPIRY_DAYS
from sales_process.loader import LoadedProcess
from sales_process.model import Process
from sales_process.problems import InvalidInput
from sales_process.report import gap_sentence
from sales_process.vocabulary import money_cents_in, money_in, plural, to_cents

PER_PAGE = 50


def _listed_money(value: float, currency: str | None) -> str:
    """An amount in the deal list's columns: with its cents always, as the pipeline page's totals beside it."""
    return money_cents_in(to_cents(value), currency)


UNPROCESSABLE = 422
UNAVAILABLE = 503
CONFLICT = 409
log = logging.getLogger("assess_app")


@bp.get("/deals")
@login_required
@takes_query("owner", "stage", "closed", "page")
def list_deals() -> str | tuple[str, int] | tuple[Response, int]:
    """My deals; a manager's: everyone's, filtered by owner and CRM stage."""
    refused = page_problem(request.args.get("page"))
    if refused is not None:
        return bad_request("page", refused)
    user = signed_in_user()
    loaded = current_process()
    owner = normal_email(request.args.get("owner", "")) if user.is_manager else ""
    stage = _stage_named(loaded, request.args.get("stage", "").strip())
    # The page's own link says closed=1; the API's filter, closed=true, is understood too.
    closed_text = request.args.get("closed", "").strip().lower()
    if closed_text not in ("", "0", "1", "false", "true"):
        return bad_request("closed", f"{closed_text!r} is neither 1 nor 0; write closed=1 for the closed deals")
    closed = closed_text in ("1", "true")
    today = clock.today()
    with records().reading() as db:
        page = deal_page(
            db,
            user,
            int(request.args.get("page") or "1"),
            PER_PAGE,
            owner or None,
            loaded.process.stage_ids(stage) if stage else None,
            closed,
        )
        outcomes = current_outcomes(db, [deal.id for deal in page.deals]) if closed else {}
        owners = list(db.scalars(select(User).order_by(User.email))) if user.is_manager else []
        # A mistyped owner is named, as a mistyped parameter is (it matched no deal, silently).
        owner_unknown = unknown_owner(db, owner) if owner else None
    verdicts = [(deal, deal_verdict(loaded, deal, today)) for deal in page.deals]
    rows = [(deal, verdict, buyer_view(loaded, verdict)) for deal, verdict in verdicts]
    return render_template(
        "deals/list.html",
        page=page,
        rows=rows,
        owners=owners,
        owner=owner,
        owner_unknown=owner_unknown,
        stage=stage,
        today=today,
        process=loaded.process,
        money=_listed_money,
        weighted=weighted,
        warnings=warnings,
        user=user,
        closed=closed,
        outcomes=outcomes,
    )


def _stage_named(loaded: LoadedProcess, given: str) -> str:
    """The stage id ?stage= names, by id or by name in any case ("Negotiating"), as the API reads it; anything else as
    given (a link from before a stage was removed: the page says so and lists the deals saved at that id)."""
    try:
        return loaded.process.stage_named(given) if given else given
    except ValueError:
        return given


@bp.get("/deals/export.csv")
@login_required
def export_deals() -> Response:
    """The deals the signed-in user may see (a manager's: everyone's) as a CSV download: the bytes
    `playbook deals export` writes, which `playbook audit` and `playbook import` read back."""
    user = signed_in_user()
    out = io.StringIO()
    with records().reading() as db:
        count = write_deals(db, current_process().process, out, seen_by=user)
    log.info("%s exported as CSV by user %s", plural(count, "deal"), user.id)
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="deals-{clock.today().isoformat()}.csv"'
    return response  # Cache-Control: no-store, as on every signed-in answer (security.depends_on_who_asks)


def _new_form(
    loaded: LoadedProcess, user: User, values: dict[str, str], errors: dict[str, list[str]], status: int = 200
) -> tuple[str, int]:
    owners: list[User] = []
    if user.is_manager:
        with records().reading() as db:
            owners = list(db.scalars(select(User).where(User.active).order_by(User.email)))
    page = render_template(
        "deals/new.html", process=loaded.process, values=values, errors=errors, owners=owners, user=user
    )
    return page, status


@bp.get("/deals/new")
@login_required
def new_deal_form() -> tuple[str, int]:
    """The form for a new deal."""
    return _new_form(current_process(), signed_in_user(), {}, {})


NEW_DEAL_FIELDS = ("name", "crm_id", "amount", "segment", "claimed_stage", "owner")
CHOOSE_OWNER = "Choose who owns the deal: the rep who works it, or yourself"


def _new_deal_data(form: Any) -> dict[str, Any]:
    # The amount stays text: the deal vocabulary reads it as every entry point does ("$120,000").
    data: dict[str, Any] = {key: form.get(key, "").strip() for key in NEW_DEAL_FIELDS}
    return {key: value for key, value in data.items() if value != ""}


@bp.post("/deals/new")
@login_required
@idempotent_form
def create() -> tuple[str, int] | BaseResponse:
    """Create the deal and open it to record its first check."""
    user = signed_in_user()
    loaded = current_process()
    values = {key: request.form.get(key, "") for key in NEW_DEAL_FIELDS}
    if user.is_manager and not values["owner"].strip():
        # The form makes a manager choose: a deal silently theirs would leave the rep's pipeline unseen.
        return _new_form(loaded, user, values, {"owner": [CHOOSE_OWNER]}, UNPROCESSABLE)
    try:
        refuse_not_utf8_fields()
        new: NewDeal = parse_new_deal(_new_deal_data(request.form), loaded)
        with records().writing() as db:
            caller = db.get(User, user.id)
            assert caller is not None
            deal = create_deal(db, caller, new)
            db.flush()
            keep(db, 303, "", f"/deals/{deal.id}")
    except InvalidInput as invalid:
        errors: dict[str, list[str]] = {}
        for problem in invalid.problems:
            errors.setdefault(problem.loc_text() or "name", []).append(problem.message)
        return _new_form(loaded, user, values, errors, UNPROCESSABLE)
    except RecordError as error:
        return _new_form(loaded, user, values, {error.loc: [error.message]}, UNPROCESSABLE)
    except SQLAlchemyError as error:
        if not is_unavailable(error):
            raise
        log.error("database unavailable, deal not created: %s", driver_message(error))
        return _new_form(
            loaded,
            user,
            values,
            {
                "": [
                    "The deal was not saved: the database is not available right now. "
                    "Your entries are kept below; try again in a moment."
                ]
            },
            UNAVAILABLE,
        )
    log.info("deal %s created by user %s", deal.id, user.id)
    return redirect(f"/deals/{deal.id}", 303)


@dataclass(frozen=True)
class Asking:
    """The ask-the-buyer form as sent back (values and errors), or the link just made."""

    values: dict[str, Any] = field(
        default_factory=lambda: {
            "milestones": [],
            "buyer_name": "",
            "buyer_email": "",
            "expires_in_days": DEFAULT_EXPIRY_DAYS,
        }
    )
    errors: dict[str, str] = field(default_factory=dict)
    asked: Asked | None = None


@dataclass(frozen=True)
class Closing:
    """The outcome part of the deal page: the latest event, every event, and the form as sent back."""

    events: list[OutcomeEvent]
    may_close: bool
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    recorded: bool = False

    @property
    def current(self) -> OutcomeEvent | None:
        """The latest event (None: never closed)."""
        return self.events[-1] if self.events else None

    @property
    def is_closed(self) -> bool:
        """Whether the deal is closed now."""
        return is_closed(self.current)


@dataclass(frozen=True)
class Editing:
    """The deal's details part of the page: its changes so far, the owners a manager may move it to, and the
    form as sent back."""

    changes: list[DealChange]
    may_edit: bool
    owners: list[User]
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    saved: bool = False
    shown: dict[str, str] = field(default_factory=dict)  # the deal's details the form was filled from (shown_*)


DETAIL_FIELDS = ("name", "crm_id", "owner")


def _details_now(deal: Deal) -> dict[str, str]:
    """The deal's details as the form shows them."""
    return {"name": deal.name, "crm_id": deal.crm_id or "", "owner": deal.owner.email}


def _editing(
    user: User,
    deal: Deal,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    shown: dict[str, str] | None = None,
) -> Editing:
    with records().reading() as db:
        changes = deal_changes(db, deal.id)
        owners = list(db.scalars(select(User).where(User.active).order_by(User.email))) if user.is_manager else []
    now = _details_now(deal)
    return Editing(
        changes,
        may_change_details(user, deal),
        owners,
        values if values is not None else now,
        errors or {},
        request.args.get("details") is not None,
        {**now, **(shown or {})},
    )


def _changed_meanwhile(sent: dict[str, str], shown: dict[str, str], now: dict[str, str]) -> dict[str, str]:
    """The fields the form changes that someone else changed too since it was filled (`shown`): saving it would undo
    their change without a word, so it is refused, each field saying what it is now."""
    return {
        key: (
            f"changed to {now[key]!r} since you opened this page; save again to replace it with yours"
            if now[key]
            else "cleared since you opened this page; save again to set yours"
        )
        for key in sent
        if key in shown and now[key] != shown[key]
    }


def _by_field(invalid: InvalidInput, default: str) -> dict[str, str]:
    """A form's problems by the field they name (`default` for those naming none), each field's in one sentence."""
    errors: dict[str, str] = {}
    for problem in invalid.problems:
        key = problem.loc_text() or default
        errors[key] = f"{errors[key]} {problem.message}" if key in errors else problem.message
    return errors


def _closing(
    user: User, deal: Deal, values: dict[str, str] | None = None, errors: dict[str, str] | None = None
) -> Closing:
    with records().reading() as db:
        events = outcome_events(db, deal.id)
    fresh = {"date": clock.today().isoformat()}
    return Closing(
        events,
        may_close(user, deal),
        values if values is not None else fresh,
        errors or {},
        request.args.get("outcome") is not None,
    )


def _deal_page(
    loaded: LoadedProcess,
    user: User,
    deal: Deal,
    checks: list[Any],
    requests: list[dict[str, Any]],
    form: FlaskForm,
    general: list[str],
    status: int = 200,
    save_error: str | None = None,
    asking: Asking | None = None,
    closing: Closing | None = None,
    editing: Editing | None = None,
    held: tuple[list[tuple[str, str]], set[str]] | None = None,
    based_on: str | None = None,
) -> tuple[str, int]:
    today = clock.today()
    verdict = deal_verdict(loaded, deal, today)
    can_check = may_check(user, deal)
    page = render_template(
        "deals/show.html",
        deal=deal,
        verdict=verdict,
        rows=answer_rows(verdict.assessment, checks),
        questions=loaded.process.questions,
        assessment=verdict.assessment,
        gap=gap_sentence(verdict.assessment),
        unknown_stage=(
            unknown_stage_text(deal.claimed_stage)
            if deal.claimed_stage and loaded.process.current_stage_id(deal.claimed_stage) is None
            else None
        ),
        weighted=weighted(verdict.assessment),
        entries=list(reversed(timeline(loaded, deal, checks))),
        form=form,
        general_errors=general,
        unknown=unknown_keys(form, request.form) if request.endpoint == "deals.check" else [],
        # A form sent back to correct keeps the check it was filled from: a check saved meanwhile is still told.
        based_on=str(deal.latest_check_id or "") if based_on is None else based_on,
        process=loaded.process,
        next_links=fragments(loaded).next,
        money=partial(money_in, currency=deal.currency),
        playbook_link=playbook_link,
        can_check=can_check,
        save_error=save_error,
        today=today,
        user=user,
        buyer=buyer_view(loaded, verdict),
        requests=requests,
        asking=asking or Asking(),
        can_ask=can_check and loaded.process.company is not None,
        closing=closing or _closing(user, deal),
        editing=editing or _editing(user, deal),
        held=held,
    )
    return page, status


def _visible_deal(user: User, deal_id: int) -> tuple[Deal, list[Any], list[dict[str, Any]]]:
    with records().reading() as db:
        deal = find_deal(db, user, deal_id)
        if deal is None:
            moved = moved_from(db, user, deal_id) if 0 < deal_id <= MAX_DEAL_ID else None
            if moved is not None:  # its former owner knew the deal: "no page here" would leave them guessing
                abort(
                    404,
                    f"This deal is no longer yours: it was moved to another owner on {moved.changed_at:%Y-%m-%d}. "
                    "Ask your manager if it should come back to you; your deals are on the Deals page.",
                )
            abort(404)
        return deal, deal_checks(db, deal), [request_summary(row) for row in deal_requests(db, deal)]


@bp.get("/deals/<int:deal_id>")
@login_required
@takes_query("saved", "details", "outcome", "asked", "withdrawn")  # the notices of what was just done
def show(deal_id: int) -> tuple[str, int]:
    """The deal's verdict today, the buyer's word, the form pre-filled with its latest answers, and its timeline."""
    user = signed_in_user()
    loaded = current_process()
    deal, checks, requests = _visible_deal(user, deal_id)
    return _deal_page(loaded, user, deal, checks, requests, make_form(loaded, prefill(deal, loaded.process)), [])


@bp.post("/deals/<int:deal_id>/confirmations")
@login_required
@idempotent_form
def ask(deal_id: int) -> tuple[str, int]:
    """Make a confirmation link (and send its email when mail is set up); the link is shown on this answer only.

    The form posted again (a reload of this answer) goes to the deal page, which says the link
    was made and sends nothing: the link's secret is never stored, so it cannot be shown again.
    """
    user = signed_in_user()
    loaded = current_process()
    deal, checks, requests = _visible_deal(user, deal_id)
    if not may_check(user, deal):
        abort(403, "Only the deal's owner asks its buyer to confirm outcomes; a manager reads them.")
    values: dict[str, Any] = {
        key: request.form.get(key, "") for key in ("buyer_name", "buyer_email", "expires_in_days")
    }
    values["milestones"] = request.form.getlist("milestones")
    form = make_form(loaded, prefill(deal, loaded.process))
    try:
        refuse_not_utf8_fields()
        asked = ask_buyer(
            user, deal_id, {key: value for key, value in values.items() if value not in ("", [])}, _keep_asked
        )
    except InvalidInput as invalid:
        errors: dict[str, str] = {}
        for problem in invalid.problems:
            key = str(problem.loc[0]) if problem.loc else "milestones"
            errors[key] = f"{errors[key]} {problem.message}" if key in errors else problem.message
        return _deal_page(loaded, user, deal, checks, requests, form, [], UNPROCESSABLE, asking=Asking(values, errors))
    except RecordError as error:
        return _deal_page(
            loaded,
            user,
            deal,
            checks,
            requests,
            form,
            [],
            CONFLICT,
            asking=Asking(values, {"milestones": error.message}),
        )
    except DealNotFound:
        abort(404)
    with records().reading() as db:
        stored = db.get(Deal, deal_id)
        assert stored is not None
        requests = [request_summary(row) for row in deal_requests(db, stored)]
    return _deal_page(loaded, user, deal, checks, requests, form, [], asking=Asking(asked=asked))


def _keep_asked(db: Session, row: ConfirmationRequest) -> None:
    """Keep where a repeat of the form goes: the deal page, naming the request (never its link)."""
    db.flush()
    keep(db, 303, "", f"/deals/{row.deal_id}?asked={row.id}#confirmations")


@bp.post("/deals/<int:deal_id>/confirmations/<int:request_id>/revoke")
@login_required
def revoke(deal_id: int, request_id: int) -> tuple[str, int] | BaseResponse:
    """Withdraw a pending link: the buyer's page then says it was withdrawn."""
    user = signed_in_user()
    loaded = current_process()
    deal, checks, requests = _visible_deal(user, deal_id)
    try:
        with records().writing() as db:
            stored, caller = db.get(Deal, deal_id), db.get(User, user.id)
            assert stored is not None and caller is not None
            withdrawn = revoke_request(db, caller, stored, request_id)
    except RecordError as error:
        if error.loc == "deal":
            abort(403, error.message[0].upper() + error.message[1:] + ".")
        form = make_form(loaded, prefill(deal, loaded.process))
        return _deal_page(
            loaded,
            user,
            deal,
            checks,
            requests,
            form,
            [],
            CONFLICT,
            save_error=f"The link was not withdrawn: {error.message}.",
        )
    if withdrawn is None:
        abort(404)
    log.info("confirmation request %s of deal %s withdrawn by user %s", request_id, deal_id, user.id)
    return redirect(f"/deals/{deal_id}?withdrawn={request_id}#confirmations", 303)


@bp.post("/deals/<int:deal_id>/checks")
@login_required
@idempotent_form
def check(deal_id: int) -> tuple[str, int] | BaseResponse:
    """Record a check of the deal; on any problem the page comes back with the answers as typed."""
    user = signed_in_user()
    loaded = current_process()
    deal, checks, requests = _visible_deal(user, deal_id)
    if not may_check(user, deal):
        abort(403, "Only the deal's owner records its checks; a manager reads them.")
    form = make_form(loaded, request.form)
    # The page was filled with the latest check: an unticked answer with evidence saved before is not refused.
    given, general = validated_deal(form, loaded.process, prefill(deal, loaded.process))
    general += _buyers_own(deal)
    try:
        refuse_not_utf8_fields()
    except InvalidInput as invalid:
        given, general = None, [*general, *attach(form, invalid.problems)]
    based_on = request.form.get(BASED_ON)
    if mark_repeated(form, request.form) or given is None or general:
        return _deal_page(loaded, user, deal, checks, requests, form, general, UNPROCESSABLE, based_on=based_on)
    try:
        with records().writing() as db:
            stored = db.get(Deal, deal.id)
            assert stored is not None
            closed = closed_check_refusal(db, stored)
            checked_since = _checked_since(db, stored, based_on) if closed is None else None
            if closed is None and checked_since is None:
                saved = record_check(db, stored, loaded, given, "form", db.get(User, user.id))
                keep(db, 303, "", _saved_url(deal.id, saved.id))
    except SQLAlchemyError as error:
        if not is_unavailable(error):
            raise
        log.error("database unavailable, check of deal %s not saved: %s", deal.id, driver_message(error))
        message = "The check was not saved: the database is not available right now. Your answers are kept below; send them again in a moment."
        return _deal_page(loaded, user, deal, checks, requests, form, [], UNAVAILABLE, save_error=message)
    if closed is not None:  # closed since the page was opened (another tab, a manager, an import)
        message = (
            f"The check was not saved: {closed}. Reopen it in its Outcome section to record a new check; what the "
            "form held is below, to copy."
        )
        # The check form is gone from a closed deal's page: what was typed is shown to copy, never dropped.
        held = changed_first(kept_fields(), _as_shown(deal, based_on, loaded.process))
        return _deal_page(loaded, user, deal, checks, requests, form, [], CONFLICT, save_error=message, held=held)
    if checked_since is not None:  # another tab, a teammate or the buyer saved a check after this page was opened
        message = (
            f"The check was not saved: {checked_since}. Saved, this form would have undone it. The form now holds the "
            "deal's latest answers; what you sent is below: copy what still holds into the form, then save."
        )
        latest = prefill(deal, loaded.process)
        # Typed or changed: what differs from the page the form was sent from, not from the newer check (its
        # answers would read as the rep's and, copied back, undo it).
        held = changed_first(kept_fields(), _as_shown(deal, based_on, loaded.process))
        return _deal_page(
            loaded, user, deal, checks, requests, make_form(loaded, latest), [], CONFLICT, save_error=message, held=held
        )
    log.info("check %s of deal %s saved by user %s", saved.id, deal.id, user.id)
    return redirect(_saved_url(deal.id, saved.id), 303)


def _as_shown(deal: Deal, based_on: str | None, process: Process) -> MultiDict[str, str]:
    """The check form as the page it was sent from held it: filled from check `based_on` ("": none yet; None: a
    page that does not say, taken as filled from the latest)."""
    if based_on is None:
        return prefill(deal, process)
    with records().reading() as db:
        shown = db.get(Check, int(based_on)) if based_on and based_on.isdigit() else None
        return prefill_as_of(deal, shown if shown is not None and shown.deal_id == deal.id else None, process)


def _checked_since(db: Session, deal: Deal, based_on: str | None) -> str | None:
    """Why a check sent from a page filled from check `based_on` would undo another: a check was saved after it
    ("" when the page showed none); None when none was, or the form does not say (a page from before this rule)."""
    if based_on is None or based_on == str(deal.latest_check_id or ""):
        return None
    latest = deal.latest_check
    assert latest is not None  # a deal's checks are never deleted: another id than the form's is a newer check
    who = db.get(User, latest.checked_by_id) if latest.checked_by_id is not None else None
    by = who.label if who is not None else (latest.buyer_name or "the buyer")
    return f"the deal was checked again after you opened this page, by {by} at {latest.checked_at:%H:%M} UTC"


def _buyers_own(deal: Deal) -> list[str]:
    """An answer sent for a milestone the buyer answered (the page shows no field for it): refused, never dropped."""
    with records().reading() as db:
        standing = standing_buyer_answers(db, deal)
    return [
        buyer_answered(milestone_id, buyer) + ": ask them again from this page"
        for milestone_id, buyer in standing.items()
        if any(request.form.get(f"{milestone_id}.{key}", "").strip() for key in ("met", "evidence", "date"))
    ]


def _saved_url(deal_id: int, check_id: int) -> str:
    # The page opens on the problems of the check just saved (or on "Check saved." when there are none).
    return f"/deals/{deal_id}?saved={check_id}#problems"


# The deal page's section each form's address stands for, where the form is.
FORM_SECTIONS = {"checks": "check-title", "details": "details", "outcome": "outcome", "confirmations": "confirmations"}


@bp.get("/deals/<int:deal_id>/<any(checks, details, outcome, confirmations):form>")
@login_required
def form_address(deal_id: int, form: str) -> BaseResponse:
    """A form's address opened again (a reload, a copied address, Back): the deal page at that form, where it was
    a 404 ("There is no page at this address")."""
    return redirect(f"/deals/{deal_id}#{FORM_SECTIONS[form]}", 303)


@bp.get("/deals/<int:deal_id>/checks/<int:number>")
@login_required
def show_check(deal_id: int, number: int) -> str:
    """One check as recorded: its answers, the verdict on its day, its process version and what it changed."""
    user = signed_in_user()
    loaded = current_process()
    with records().reading() as db:
        deal = find_deal(db, user, deal_id)
        checks = checks_up_to(db, deal, number) if deal is not None else None
    if deal is None or not checks:
        abort(404)
    check = checks[-1]
    assessment = assessed_check(loaded, deal, check, check.checked_at.date())
    return render_template(
        "deals/check.html",
        deal=deal,
        check=check,
        number=number,
        assessment=assessment,
        rows=answer_rows(assessment, checks),
        changes=changes(loaded, checks[-2] if number > 1 else None, check),
        process=loaded.process,
    )


OUTCOME_RECORDED = "/deals/{deal_id}?outcome=recorded#outcome"  # where a recorded outcome (or its repeat) goes


@bp.post("/deals/<int:deal_id>/outcome")
@login_required
@idempotent_form
def outcome(deal_id: int) -> tuple[str, int] | BaseResponse:
    """Close the deal won or lost, or reopen it (the owner or a manager); on a problem the page comes back with the form as typed.

    The form posted again with its key (a double click, a reload) goes where the first went, recording nothing.
    """
    user = signed_in_user()
    loaded = current_process()
    deal, checks, requests = _visible_deal(user, deal_id)
    values = {key: request.form.get(key, "").strip() for key in ("outcome", "date", "amount", "reason")}
    form = make_form(loaded, prefill(deal, loaded.process))
    errors: dict[str, str] = {}
    try:
        change = parse_outcome_change({k: v for k, v in values.items() if v}, today=clock.today())
        with records().writing() as db:
            stored, caller = db.get(Deal, deal_id), db.get(User, user.id)
            assert stored is not None and caller is not None
            record_outcome(db, caller, stored, change, "form")
            keep(db, 303, "", OUTCOME_RECORDED.format(deal_id=deal_id))
    except InvalidInput as invalid:
        errors = _by_field(invalid, "outcome")
        if values["outcome"].lower() == "won" and not values["amount"] and deal.amount is None:
            errors.setdefault("amount", NO_AMOUNT_TO_WIN)  # with the form's other mistakes, not after them
    except RecordError as error:
        if error.loc == "deal":
            abort(404)
        errors[error.loc] = error.message
    if "outcome" in errors and not values["outcome"]:  # the page offers won and lost: "open" is the reopen form's
        errors["outcome"] = "Choose how the deal closed: won or lost"
    if errors:
        closing = _closing(user, deal, values, errors)
        return _deal_page(loaded, user, deal, checks, requests, form, [], UNPROCESSABLE, closing=closing)
    log.info("deal %s: outcome %s recorded by user %s", deal_id, change.outcome.value, user.id)
    return redirect(OUTCOME_RECORDED.format(deal_id=deal_id), 303)


@bp.post("/deals/<int:deal_id>/details")
@login_required
def details(deal_id: int) -> tuple[str, int] | BaseResponse:
    """Rename the deal or change its CRM id (its owner or a manager), or move it to another owner (a manager);
    on a problem the page comes back with the form as typed."""
    user = signed_in_user()
    loaded = current_process()
    deal, checks, requests = _visible_deal(user, deal_id)
    values = {key: request.form.get(key, "").strip() for key in DETAIL_FIELDS if key in request.form}
    shown = {key: request.form[f"shown_{key}"].strip() for key in DETAIL_FIELDS if f"shown_{key}" in request.form}
    # A field left as the page showed it is not sent: a manager moving the deal does not rename it back.
    sent = {key: value for key, value in values.items() if shown.get(key) != value}
    meanwhile = _changed_meanwhile(sent, shown, _details_now(deal))
    errors = dict(meanwhile)
    made: list[DealChange] = []
    try:
        refuse_not_utf8_fields()
        if sent and not errors:
            # A blank CRM id field is the deal without one; the name and owner are never blank.
            change = parse_details_change(
                {key: value or None if key == "crm_id" else value for key, value in sent.items()}
            )
            with records().writing() as db:
                stored, caller = db.get(Deal, deal_id), db.get(User, user.id)
                assert stored is not None and caller is not None
                made = change_details(db, caller, stored, change, "form")
    except InvalidInput as invalid:
        errors = _by_field(invalid, "name")
    except RecordError as error:
        if error.loc == "deal":
            abort(404)
        errors[error.loc] = error.message
    if errors:
        # Sent again, the form replaces what changed meanwhile: it is now filled from the deal as it is.
        editing = _editing(user, deal, values, errors, None if meanwhile else shown)
        form = make_form(loaded, prefill(deal, loaded.process))
        return _deal_page(loaded, user, deal, checks, requests, form, [], UNPROCESSABLE, editing=editing)
    if made:
        log.info("deal %s: %s changed by user %s", deal_id, ", ".join(row.field for row in made), user.id)
    return redirect(f"/deals/{deal_id}?details={'saved' if made else 'unchanged'}#details", 303)
