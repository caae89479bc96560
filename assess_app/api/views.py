"""Routes of the JSON API."""

from __future__ import annotations

from flask import Response, jsonify, make_response, request, url_for

from assess_app.api import bp
from assess_app.api.body import BadBody, dump_json, encoding_refused, read_json
from assess_app.api.openapi import openapi_document
from assess_app.check.limit import check_wait, too_many_checks
from assess_app.current import current_process
from assess_app.errors import api_errors
from assess_app.records import retry_after
from assess_app.security import no_store
from sales_process import clock
from sales_process.deal import parse_deal
from sales_process.engine import assess
from sales_process.problems import InvalidInput
from sales_process.report import assessment_json

BAD_REQUEST = 400
TOO_MANY_REQUESTS = 429
UNSUPPORTED_MEDIA_TYPE = 415


@bp.post("/assess")
def assess_deal() -> Response | tuple[Response, int]:
    """Assess the deal in the body; answer exactly what `playbook assess --json` prints (never cached: it holds deal data)."""
    return no_store(make_response(_assessment()))


def _assessment() -> Response | tuple[Response, int]:
    wait = check_wait()
    if wait is not None:
        response, status = api_errors(TOO_MANY_REQUESTS, [{"loc": "", "message": too_many_checks(wait)}])
        response.headers["Retry-After"] = retry_after(wait)
        return response, status
    if not request.is_json:
        got = request.mimetype or "no Content-Type"
        message = f"send the deal as JSON with Content-Type: application/json (got {got})"
        return api_errors(UNSUPPORTED_MEDIA_TYPE, [{"loc": "", "message": message}])
    compressed = encoding_refused(request.headers.get("Content-Encoding"))
    if compressed is not None:
        return api_errors(UNSUPPORTED_MEDIA_TYPE, [{"loc": "Content-Encoding", "message": compressed}])
    loaded = current_process()
    try:
        deal = read_json(request.get_data(cache=False)).parsed(lambda data: parse_deal(data, loaded.process))
    except BadBody as bad:
        return api_errors(BAD_REQUEST, [{"loc": "", "message": bad.message}])
    except InvalidInput as invalid:
        return api_errors(BAD_REQUEST, [{"loc": p.loc_text(), "message": p.message} for p in invalid.problems])
    assessment = assess(loaded.process, deal, deal.as_of or clock.today())
    return Response(dump_json(assessment_json(loaded, assessment)), mimetype="application/json")


@bp.get("/process")
def process_definition() -> Response:
    """The process being served, as JSON, with the sha256 of its file."""
    loaded = current_process()
    return jsonify({"sha256": loaded.sha256, **loaded.process.model_dump(mode="json")})


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 description of this API for the process being served."""
    return jsonify(openapi_document(current_process()))


@bp.get("/")
def index() -> Response:
    """What the API offers: each endpoint with its summary, and where the OpenAPI document describing them is."""
    document = openapi_document(current_process())
    endpoints = [
        {"method": method.upper(), "path": path, "summary": operation["summary"]}
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
    ]
    return jsonify({"openapi": url_for(".openapi"), "endpoints": endpoints})
