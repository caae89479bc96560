"""Idempotency keys at the HTTP door: the API's `Idempotency-Key` header and the deal page forms' hidden key.

A POST that creates something runs under `idempotent_api` (API) or `idempotent_form`
(forms). A repeat of a key the user already used answers from the stored answer and
creates nothing; the first use stores the key with its answer through `keep` inside the
write's own transaction (deal_records.idempotency), so the key and the record are kept
together or not at all. An answer made after that transaction and holding a secret (a buyer's
link) replaces the kept one through `keep_sealed`, sealed with the app's secret key.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec

from flask import Flask, Response, current_app, g, redirect, request
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response as BaseResponse

from assess_app.errors import api_errors
from assess_app.records import records
from assess_app.signed_in import signed_in_user
from deal_records.confirmations import state_of
from deal_records.idempotency import (
    BadKey,
    KeyedRequest,
    StoredAnswer,
    answering_body,
    check_key,
    fingerprint,
    forget_expired,
    forget_key,
    is_sealed,
    keep_answer,
    replace_answer,
    seal,
    sealed_for,
    stored_answer,
    unseal,
    while_answering,
)
from deal_records.models import ConfirmationRequest, utc_now
from deal_records.records import find_deal
from sales_process.confirmation import RequestState

HEADER = "Idempotency-Key"
FORM_FIELD = "idempotency_key"
REPLAYED_HEADER = "Idempotent-Replayed"
MISMATCH = 422
_KEYED = "idempotency_keyed"
_KEPT = "idempotency_kept"
P = ParamSpec("P")
ApiAnswer = Response | tuple[Response, int]


def keep(db: Session, status: int, body: str, location: str | None = None) -> None:
    """Store the request's key (if it has one) with its answer, in the transaction `db` is writing."""
    keyed: KeyedRequest | None = g.get(_KEYED)
    if keyed is None:
        return
    forget_expired(db)
    keep_answer(db, keyed, status, body, location)
    g.setdefault(_KEPT, True)


def keep_while_answering(db: Session, errors: list[dict[str, str]], location: str | None) -> None:
    """Keep the request's key (if it has one) with a 409 of these errors, telling a repeat that the request is still
    being answered, until `keep_sealed` keeps its answer: written as every error of the API, and not a replay."""
    response, status = api_errors(409, errors)
    keep(db, status, while_answering(response.get_data(as_text=True)), location)


def keep_sealed(status: int, body: str, location: str | None) -> None:
    """Replace the answer kept with the request's key (if it has one) by its final answer, sealed with the app's
    secret key: for an answer made after the write's transaction that holds a secret (a buyer's link)."""
    keyed: KeyedRequest | None = g.get(_KEYED)
    if keyed is None or not g.get(_KEPT):
        return
    sealed = seal(current_app.secret_key or "", body, sealed_for(keyed, status, location))
    with records().writing() as db:
        replace_answer(db, keyed, status, sealed, location)


def forget_kept() -> None:
    """Forget the request's key when the write it named was undone after its transaction: a repeat makes it anew."""
    keyed: KeyedRequest | None = g.get(_KEYED)
    if keyed is None or not g.get(_KEPT):
        return
    with records().writing() as db:
        forget_key(db, keyed)


def _app_secrets() -> tuple[str | bytes, ...]:
    """The app's secret key, then the older ones it still accepts (SECRET_KEY_FALLBACKS)."""
    return (current_app.secret_key or "", *(current_app.config.get("SECRET_KEY_FALLBACKS") or ()))


def canonical_body(raw: bytes) -> bytes:
    """A JSON body in one spelling (keys sorted, no spaces), so a retry that reformats the same JSON is the same
    request; any other body as sent."""
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return raw
    return json.dumps(data, sort_keys=True, separators=(",", ":")).encode()


def _stored(keyed: KeyedRequest) -> StoredAnswer | None:
    with records().reading() as db:
        return stored_answer(db, keyed.user_id, keyed.key)


def _api_replay(keyed: KeyedRequest, stored: StoredAnswer) -> ApiAnswer:
    if stored.fingerprint != keyed.fingerprint:
        return api_errors(
            MISMATCH,
            [
                {
                    "loc": HEADER,
                    "message": "this Idempotency-Key was already used for a different request (another body or address); "
                    "use a new key for a new request",
                }
            ],
        )
    refused = _no_longer_to_replay(stored)
    if refused is not None:
        return refused
    body = stored.body
    if is_sealed(body):
        opened = unseal(_app_secrets(), body, sealed_for(keyed, stored.status, stored.location))
        if opened is None:
            return _unsealable(stored)
        body = opened
    answering = answering_body(body)
    response = Response(answering or body, status=stored.status, mimetype="application/json")
    if stored.location:
        response.headers["Location"] = stored.location
    if answering is None:  # the first request's own answer, not one kept while it is made
        response.headers[REPLAYED_HEADER] = "true"
    return response


# What a kept answer made, from its Location: a deal (/api/deals/7, /api/deals/7/checks/2 …) or a buyer's request.
_MADE = re.compile(r"/api/deals/(?P<deal>[0-9]+)(?:/confirmations/(?P<request>[0-9]+))?(?=$|[/?#])")
# How long the first request may take to make a buyer's link and send its email before a repeat is told it failed.
ANSWERING_FOR = dt.timedelta(minutes=5)


def _no_longer_to_replay(stored: StoredAnswer) -> ApiAnswer | None:
    """A refusal for a repeat whose first answer must not be given again: its deal is no longer the caller's to see
    (404, as everywhere), or its buyer's link no longer works or was never given; None to replay it."""
    made = _MADE.search(stored.location or "")
    if made is None:
        return None
    with records().reading() as db:
        if find_deal(db, signed_in_user(), int(made["deal"])) is None:
            return api_errors(
                404, [{"loc": "", "message": "Not Found: there is no deal with this id that you may see."}]
            )
        if made["request"] is None:
            return None
        row = db.get(ConfirmationRequest, int(made["request"]))
        state = state_of(row) if row is not None else None
    if is_sealed(stored.body) and state is not RequestState.PENDING:
        said = f"is {state.value}" if state is not None else "was deleted"
        return _request_refused(stored, f"the buyer's request this key made {said}, so its link no longer works")
    if answering_body(stored.body) is not None and utc_now() - stored.created_at > ANSWERING_FOR:
        return _request_refused(
            stored, "the first request with this key did not finish answering (its link was never given)"
        )
    return None


def _request_refused(stored: StoredAnswer, why: str) -> ApiAnswer:
    """409 for a repeat of a buyer's request whose link cannot be given: why, where the request is, what to do."""
    message = f"{why}: read it at Location, withdraw it if it is pending (POST its address + /revoke), and ask again with a new Idempotency-Key"
    response, status = api_errors(409, [{"loc": HEADER, "message": message}])
    response.headers["Location"] = stored.location or ""
    return response, status


def _unsealable(stored: StoredAnswer) -> ApiAnswer:
    """409 for a repeat whose sealed answer no secret key the app has opens: where the request made is, what to do."""
    message = (
        "this request was made (the confirmation request at Location), but its link cannot be given again: "
        "the app's secret key (PLAYBOOK_SECRET_KEY) changed since; withdraw that request (POST its address + "
        "/revoke) and ask again with a new Idempotency-Key"
    )
    response, status = api_errors(409, [{"loc": HEADER, "message": message}])
    response.headers["Location"] = stored.location or ""
    return response, status


def idempotent_api(view: Callable[P, ApiAnswer]) -> Callable[P, ApiAnswer]:
    """Answer a repeated Idempotency-Key from the stored answer; 400 for a malformed key, 422 for a key reused on another request.

    Put it under `api_login_required`: keys belong to the signed-in user.
    """

    @wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> ApiAnswer:
        key = request.headers.get(HEADER)
        if key is None:
            return view(*args, **kwargs)
        try:
            check_key(key)
        except BadKey as bad:
            return api_errors(400, [{"loc": HEADER, "message": str(bad)}])
        keyed = KeyedRequest(
            signed_in_user().id,
            key,
            fingerprint(request.method, request.path, canonical_body(request.get_data(cache=True))),
        )
        stored = _stored(keyed)
        if stored is not None:
            return _api_replay(keyed, stored)
        g.setdefault(_KEYED, keyed)
        try:
            answer = view(*args, **kwargs)
        except IntegrityError:
            # Another worker stored this key first; our transaction, record included, was rolled back.
            stored = _stored(keyed)
            if stored is None:
                raise
            return _api_replay(keyed, stored)
        return _replay_if_refused_for_a_twin(keyed, answer)

    return wrapped


def _status(answer: ApiAnswer) -> int:
    return answer[1] if isinstance(answer, tuple) else answer.status_code


def _replay_if_refused_for_a_twin(keyed: KeyedRequest, answer: ApiAnswer) -> ApiAnswer:
    """The stored answer instead of a refusal when the same request with the same key was answered meanwhile.

    A retry sent while the first request is still running finds no key, then is refused
    for what the first one just created (its deal's crm_id, its closing): it is the same
    request, so it answers as the first.
    """
    if _status(answer) < 400:
        return answer
    stored = _stored(keyed)
    if stored is None or stored.fingerprint != keyed.fingerprint:
        return answer
    return _api_replay(keyed, stored)


def form_keyed() -> KeyedRequest | None:
    """The POSTed form's key as a KeyedRequest (also marking the request), or None when the form sent none."""
    key = request.form.get(FORM_FIELD, "")
    try:
        check_key(key)
    except BadKey:
        return None
    fields = sorted((name, value) for name, value in request.form.items(multi=True) if name != "csrf_token")
    keyed = KeyedRequest(signed_in_user().id, key, fingerprint(request.method, request.path, repr(fields).encode()))
    g.setdefault(_KEYED, keyed)
    return keyed


def form_replay(keyed: KeyedRequest) -> str | None:
    """Where a resubmitted form goes (the first submission's answer), or None when the key is new."""
    stored = _stored(keyed)
    if stored is None or stored.location is None:
        return None
    return stored.location


FormAnswer = str | tuple[str, int] | BaseResponse


def idempotent_form(view: Callable[P, FormAnswer]) -> Callable[P, FormAnswer]:
    """Send a form posted again with its key (a reload, a double click) where the first went (303), creating nothing.

    Put it under `login_required`: keys belong to the signed-in user. The view stores its
    answer with `keep` in the transaction that creates the record.
    """

    @wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> FormAnswer:
        keyed = form_keyed()
        done = form_replay(keyed) if keyed else None
        if done is not None:
            return redirect(done, 303)
        try:
            answer = view(*args, **kwargs)
        except IntegrityError:
            # The same form was sent twice at once: the other submission's transaction stored the key first.
            done = form_replay(keyed) if keyed else None
            if done is None:
                raise
            return redirect(done, 303)
        # A twin sent while the first ran may be refused for what the first made (its crm_id): it answers as the first.
        done = form_replay(keyed) if keyed and _form_status(answer) >= 400 else None
        return answer if done is None else redirect(done, 303)

    return wrapped


def _form_status(answer: FormAnswer) -> int:
    if isinstance(answer, tuple):
        return answer[1]
    return 200 if isinstance(answer, str) else answer.status_code


def form_key(endpoint: str) -> str:
    """The key of the form posting to `endpoint`: the one it sent when the page shows it again unsaved, else a new one.

    A page answering another form's POST, or answering this form's saved POST (a link just
    made), gives a new key: that key names a write already done.
    """
    again = request.method == "POST" and request.endpoint == endpoint and not g.get(_KEPT)
    try:
        return check_key(request.form.get(FORM_FIELD, "") if again else "")
    except BadKey:
        return uuid.uuid4().hex


def init_idempotency(app: Flask) -> None:
    """Let templates put a key in each form: {{ form_key('deals.check') }}, named by the endpoint it posts to."""
    app.jinja_env.globals["form_key"] = form_key
