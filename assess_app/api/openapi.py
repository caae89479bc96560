"""The OpenAPI 3.1 description of the API, with the served process's stage and milestone ids."""

from __future__ import annotations

from typing import Any

from assess_app.api.body import ISO_DAY_PATTERN
from assess_app.api.openapi_deals import SPACE, always_sent, deal_components, deal_paths
from assess_app.config import CHECK_RATE_LIMIT, CHECK_RATE_LIMIT_ENV, CHECK_RATE_WINDOW
from sales_process.confirmation import confirmable
from sales_process.deal import MAX_EVIDENCE, MAX_SEGMENT
from sales_process.loader import LoadedProcess
from sales_process.text import blank_pattern, text_pattern
from sales_process.vocabulary import CURRENCY_MARK, DOT_DECIMAL, MAX_AMOUNT, NO_WORDS, YES_WORDS, Status

API_GUIDE = "api-guide.md"  # the API guide, beside the API reference generated from this document
_DATE = {"type": "string", "format": "date", "pattern": ISO_DAY_PATTERN, "examples": ["2026-03-01"]}
# In a deal, null is the same as leaving the key out (the answer is "not given"), so every optional value may be null.
# A blank date is no date, as in a form or a CRM export.
_OPTIONAL_DATE = {"anyOf": [_DATE, {"type": "string", "pattern": r"^\s*$"}, {"type": "null"}]}
# The shape of every amount as text the server reads (parse_money, decimal point): a number as DOT_DECIMAL writes it,
# a currency mark (CURRENCY_MARK) before or after it, blanks around; or blanks only, no amount. Within it the server
# refuses what no pattern says well (two currencies that differ, kr without a currency, 1.500, above MAX_AMOUNT).
_MARK = f"({CURRENCY_MARK})[{SPACE}]*"
AMOUNT_TEXT = (
    f"^[{SPACE}]*(({_MARK})?({DOT_DECIMAL.removeprefix('^').removesuffix('$')})([{SPACE}]*({CURRENCY_MARK}))?)?"
    f"[{SPACE}]*$"
)
_ANSWER = {
    "oneOf": [
        {"type": "boolean", "description": 'Shorthand for {"met": true|false}.'},
        {"type": "null", "description": "Not answered (the same as leaving the milestone out)."},
        {
            "type": "object",
            "required": ["met"],
            "additionalProperties": False,
            "properties": {
                "met": {
                    "anyOf": [{"type": "boolean"}, {"enum": [0, 1]}, {"enum": sorted(YES_WORDS | NO_WORDS)}],
                    "description": "Whether the customer did it: true or false (1/0 and yes/no words as a form or a CRM writes them are read too).",
                },
                "evidence": {
                    "type": ["string", "null"],
                    "maxLength": MAX_EVIDENCE,
                    "pattern": text_pattern(single_line=False),
                    "description": f"The record that proves it (at most {MAX_EVIDENCE} characters; line breaks and tabs "
                    "are kept, other control, text-direction and invisible characters are refused).",
                },
                "date": {
                    **_OPTIONAL_DATE,
                    "description": "The day it happened, YYYY-MM-DD only (23/11/2026, 5 Dec 2026 and a date and time are refused).",
                },
            },
        },
    ]
}
_STAGE = {
    "type": ["object", "null"],
    "required": ["id", "name", "index", "probability"],
    "properties": {
        "id": {"type": "string"},
        "name": {"type": "string"},
        "index": {"type": "integer"},
        "probability": {"type": "integer"},
    },
}
_ASSESSMENT: dict[str, Any] = always_sent(
    {
        "type": "object",
        "properties": {
            "process": {
                "type": "object",
                "required": ["name", "version", "sha256"],
                "properties": {
                    "name": {"type": "string"},
                    "version": {"type": ["string", "null"]},
                    "sha256": {"type": "string"},
                },
            },
            "deal": {"type": ["string", "null"]},
            "segment": {
                "type": "string",
                "description": "Present only when the deal has a segment: the segment, as given.",
            },
            "as_of": _DATE,
            "verified_stage": _STAGE,
            "claimed_stage": _STAGE,
            "stages_ahead": {"type": ["integer", "null"], "description": "Claimed minus verified stage index."},
            "milestones": {
                "type": "array",
                "items": {
                    "type": "object",
                    # required, requirement, met_by and buyer are there only when they say something (their descriptions).
                    "required": ["id", "stage", "question", "status", "reason"],
                    "properties": {
                        "id": {"type": "string"},
                        "stage": {"type": "string"},
                        "question": {"type": "string"},
                        "status": {
                            "enum": [status.value for status in Status],
                            "description": "The status code; the words people read are in `reason`.",
                        },
                        "reason": {"type": "string"},
                        "required": {
                            "type": "boolean",
                            "description": "Present only for a milestone not simply required of every deal (`requirement` "
                            "says how): whether it holds this deal in its stage.",
                        },
                        "requirement": {
                            "type": "string",
                            "description": 'Present only then: "helps, not required", "not required for this deal: required '
                            'only for deals of 25k or more" (the condition, as the playbook words it), '
                            'or, for alternatives of a group, "one of: this question or “…”", the others named by their '
                            'questions, with " (met by this one)" or " (met by “…”)" once one is verified (`met_by` gives its id).',
                        },
                        "met_by": {
                            "type": "string",
                            "description": "Present only for an alternative of a group that is met: the milestone that met it.",
                        },
                        "buyer": {
                            "type": "object",
                            "description": "Present only when the buyer answered this outcome through a confirmation link "
                            "(a deal sent in the request body cannot claim it).",
                            "required": ["answer", "name", "email", "date", "comment"],
                            "properties": {
                                "answer": {"enum": ["confirmed", "declined"]},
                                "name": {"type": "string"},
                                "email": {"type": "string"},
                                "date": {**_DATE, "description": "The day the buyer answered (UTC)."},
                                "comment": {"type": ["string", "null"]},
                            },
                        },
                    },
                },
            },
            "next": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Milestone ids the customer must do next; empty for a saved deal closed won or lost.",
            },
            "out_of_order": {"type": "array", "items": {"type": "string"}},
            "conditions": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Present only when a rep should know how the conditions read this deal: a blank amount or "
                "segment asks every milestone required only for some amounts or segments; a segment the process does "
                "not name asks none of those required only in the segments it names.",
            },
            "weighted_amount": {
                "type": ["object", "null"],
                "description": "The amount weighted by the claimed and the verified stage's probability, to the cent "
                "as `playbook audit` rounds it (the amount to the cent, then its weight, each half to even, exactly: "
                "120000.555 is 120000.56, and 12000.06 at 10%); null for a deal "
                "without an amount, and for a saved deal closed won or lost, an outcome rather than pipeline.",
                "required": ["claimed", "verified", "currency"],
                "properties": {
                    "claimed": {"type": ["number", "null"]},
                    "verified": {"type": ["number", "null"]},
                    "currency": {
                        "type": ["string", "null"],
                        "description": "The amounts' currency, an ISO 4217 code: the amount's (\"EUR 80,000\"), or the "
                        "saved deal's; null when the amount was given without one.",
                    },
                },
            },
        },
    },
    "segment",
    "conditions",
)
_ERRORS = {
    "type": "object",
    "required": ["errors"],
    "properties": {
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["loc", "message"],
                "properties": {
                    "loc": {
                        "type": "string",
                        "description": "Dotted path of the problem, e.g. milestones.demo-attended.date; empty for the whole body.",
                    },
                    "message": {"type": "string"},
                    "deal_id": {
                        "type": "integer",
                        "description": "On a 409 for a crm_id: the deal holding it, when the caller may see it.",
                    },
                },
            },
        }
    },
}


SEGMENT = {
    # White space alone is no segment whatever its length (the server trims before it counts), so the limit is on
    # a segment that shows something.
    "type": ["string", "null"],
    "anyOf": [
        {"pattern": blank_pattern(single_line=True)},
        {"maxLength": MAX_SEGMENT, "pattern": text_pattern(single_line=True)},
    ],
    "description": "The deal's segment, e.g. `Enterprise`: which milestones with `required_when.segment` it needs "
    f"(compared ignoring case; at most {MAX_SEGMENT} characters). Left out, null or white space: the deal is taken "
    "as in every segment.",
}


# Not in any operation's responses (an operation is a method the address answers): any other method is answered so.
METHOD_NOT_ALLOWED = {
    "description": "The address does not answer this method; the body says which it does "
    '("Method Not Allowed: This address does not accept GET; it accepts POST.").',
    "headers": {
        "Allow": {"schema": {"type": "string"}, "description": "The methods the address answers, e.g. POST, OPTIONS."}
    },
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}},
}


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}},
    }


TOO_MANY_CHECKS = {
    **_error(
        f"Too many self-checks (this and the form at /check) came from this client address ({CHECK_RATE_LIMIT_ENV}, "
        f"by default {CHECK_RATE_LIMIT:,} in {CHECK_RATE_WINDOW // 60} minutes, counted in each server worker "
        "process): none is answered until Retry-After seconds have passed."
    ),
    "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}},
}


def deal_schema(loaded: LoadedProcess) -> dict[str, Any]:
    """The request body of POST /api/assess for this process."""
    process = loaded.process
    milestones = {milestone.id: {**_ANSWER, "description": milestone.question} for _, milestone in process.milestones()}
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "deal": {
                "type": ["string", "number", "null"],
                "pattern": text_pattern(single_line=True),
                "description": "The deal's name (a number is read as its text; one line, without control, text-direction or "
                "invisible characters).",
            },
            "claimed_stage": {
                "enum": [
                    *dict.fromkeys(
                        [*(stage.id for stage in process.stages), *(stage.name for stage in process.stages)]
                    ),
                    None,
                ],
                "description": "The stage in the CRM today, by id or by name.",
            },
            "amount": {
                "anyOf": [
                    {"type": "number", "minimum": 0, "maximum": MAX_AMOUNT},
                    {
                        "type": "string",
                        "pattern": AMOUNT_TEXT,
                        "description": "Text as CRMs write amounts, read like the form and the audit read them.",
                        "examples": ["120000.555", "EUR 80,000", "¥1,000", "1 000 000 €", "CHF 1'000", "$120,000"],
                    },
                    {"type": "null"},
                ],
                "description": f"The deal's amount, at most {MAX_AMOUNT:,.0f}: a number, or text as a CRM writes it "
                '("120000.555", "EUR 80,000", "¥1,000", "1 000 000 €", "CHF 1\'000"; thousands grouped by threes, a '
                "point before the decimals, a currency before or after). The pattern gives the shape; within it the "
                "server also refuses two currencies that differ, kr without a currency key, 1.500 (1.5 or 1500?) "
                "and too large an amount, each with how to write it: see [Amounts in the API guide]"
                f"({API_GUIDE}#amounts).",
            },
            "segment": SEGMENT,
            "as_of": {
                **_OPTIONAL_DATE,
                "description": "Assess as of this day, YYYY-MM-DD only (default: today; other ways of writing a day, and a date and time, are refused).",
            },
            "milestones": {"type": ["object", "null"], "additionalProperties": False, "properties": milestones},
        },
    }


_INDEX = {
    "type": "object",
    "required": ["openapi", "endpoints"],
    "properties": {
        "openapi": {"type": "string", "description": "The path of this OpenAPI document."},
        "endpoints": {
            "type": "array",
            "items": always_sent(
                {
                    "type": "object",
                    "properties": {
                        "method": {"type": "string"},
                        "path": {"type": "string"},
                        "summary": {"type": "string"},
                    },
                }
            ),
        },
    },
}


UNKNOWN_QUERY = (
    "a query parameter the address does not take (each is named, with those it takes), or one it takes given more "
    "than once or blank"
)
OTHER_HOST = "with PLAYBOOK_BASE_URL set, a request naming another host (`loc` is `Host`)"


def refusing_unknown_queries(paths: dict[str, Any]) -> dict[str, Any]:
    """The paths, each operation's 400 saying it answers an unknown query parameter (assess_app.query) and a
    request for another host (assess_app.hosts) too."""
    for operations in paths.values():
        for operation in operations.values():
            responses = operation["responses"]
            said = responses["400"]["description"] if "400" in responses else None
            every = f"{UNKNOWN_QUERY}. Or, {OTHER_HOST}."
            text = f"{said} Or {every}" if said else f"{every[0].upper()}{every[1:]}"
            responses["400"] = {**responses.get("400", _error("")), "description": text}
            operation["responses"] = dict(sorted(responses.items()))
    return paths


def openapi_document(loaded: LoadedProcess) -> dict[str, Any]:
    """The whole OpenAPI 3.1 document."""
    deals = deal_components(deal_schema(loaded), [milestone_id for milestone_id, _ in confirmable(loaded.process)])
    json_body = {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Deal"}}}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{loaded.process.name} deal self-check API",
            "version": loaded.process.version or loaded.short_sha,
            "description": "Assess a deal against the Customer Verifiable Outcomes of the process, "
            "and keep saved deals with the history of their checks (those endpoints need a token). "
            "A method an address does not answer (GET /api/assess) is 405 with the Errors body and an Allow header "
            "naming the methods it does answer (components.responses.MethodNotAllowed).",
        },
        "paths": refusing_unknown_queries(
            {
                "/api/assess": {
                    "post": {
                        "summary": "The stage a deal verifiably belongs in (the JSON of `playbook assess --json`).",
                        "requestBody": json_body,
                        "responses": {
                            "200": {
                                "description": "The assessment.",
                                "content": {
                                    "application/json": {"schema": {"$ref": "#/components/schemas/Assessment"}}
                                },
                            },
                            "400": _error("Malformed JSON or an invalid deal; every problem is listed."),
                            "413": _error("The body is larger than 1 MB."),
                            "415": _error(
                                "The body is not sent as application/json, or is compressed (Content-Encoding); send it uncompressed."
                            ),
                            "429": TOO_MANY_CHECKS,
                        },
                    }
                },
                "/api/process": {
                    "get": {
                        "summary": "The process being served, with the sha256 of its file.",
                        "responses": {
                            "200": {
                                "description": "The process definition.",
                                "content": {"application/json": {"schema": {"type": "object"}}},
                            }
                        },
                    }
                },
                "/api/openapi.json": {
                    "get": {"summary": "This document.", "responses": {"200": {"description": "OpenAPI 3.1 document."}}}
                },
                "/api/": {
                    "get": {
                        "summary": "What the API offers: each endpoint with its summary, and where this document is.",
                        "responses": {
                            "200": {
                                "description": "The endpoints.",
                                "content": {"application/json": {"schema": _INDEX}},
                            }
                        },
                    }
                },
                **deal_paths(
                    list(
                        dict.fromkeys(
                            [
                                *(stage.id for stage in loaded.process.stages),
                                *(stage.name for stage in loaded.process.stages),
                            ]
                        )
                    )
                ),
            }
        ),
        "components": {
            "schemas": {"Deal": deal_schema(loaded), "Assessment": _ASSESSMENT, "Errors": _ERRORS, **deals["schemas"]},
            "responses": {"MethodNotAllowed": METHOD_NOT_ALLOWED},
            "securitySchemes": deals["securitySchemes"],
        },
    }
