"""The OpenAPI description of the deal records endpoints (merged into /api/openapi.json)."""

from __future__ import annotations

from typing import Any

from assess_app.api.body import ISO_DAY_PATTERN
from assess_app.api.paging import CURSOR_PATTERN
from deal_records.outcomes import OLDEST_CLOSE_YEARS
from deal_records.records import MAX_DEAL_ID, MAX_PAGE
from sales_process.confirmation import DEFAULT_EXPIRY_DAYS, MAX_BUYER_NAME, MAX_EXPIRY_DAYS
from sales_process.deal import NOT_IN_A_CHECK
from sales_process.email_address import MAX_EMAIL, email_pattern
from sales_process.text import END, text_pattern
from sales_process.vocabulary import CURRENCIES_IN_USE, CURRENCY_SYMBOLS, CURRENCY_WORDS, SIGNS, currency_mark

ONE_LINE = "one line, without control, text-direction or invisible characters"
_TIME = {"type": ["string", "null"], "format": "date-time", "description": "UTC, ISO 8601."}
_SECURITY: list[dict[str, list[str]]] = [{"bearerAuth": []}]
# Whitespace as Python's str.split() and str.strip() see it (ECMA's \s differs): the server trims it.
SPACE = r"\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_CODES_IN_USE = "|".join(code for known in sorted(CURRENCIES_IN_USE) for code in (known, known.lower()))
_WORDS_IN_USE = [word for word, code in CURRENCY_WORDS.items() if code in CURRENCIES_IN_USE]
CURRENCY = {
    "type": ["string", "null"],
    # A code in use (CURRENCIES_IN_USE), in capitals or lower case, or a word of a currency in use: what a deal takes.
    "pattern": f"^[{SPACE}]*({currency_mark(_CODES_IN_USE, _WORDS_IN_USE)})?[{SPACE}]*$",
    "description": f"The amount's currency: an ISO 4217 code in any case (USD, eur) or a symbol ({' '.join(SIGNS)}, "
    f"{', '.join(symbol for symbol in CURRENCY_SYMBOLS if len(symbol) > 1 and symbol.endswith('$'))}) "
    f"or word ({', '.join(word for word in _WORDS_IN_USE if not word.endswith('.'))}) of a currency in use. "
    'An amount written with its currency ("EUR 80000") needs no currency key; both given must agree. '
    "Left out or null: an amount written without one is in the deal's currency (none for a new deal). "
    "Given without an amount: the deal's amount is in this currency.",
}


def always_sent(schema: dict[str, Any], *optional: str) -> dict[str, Any]:
    """The object `schema` with every property but the `optional` ones required: the keys every answer holds (a
    nullable one too), so that a client validating answers against the document finds one missing."""
    return {**schema, "required": [name for name in schema["properties"] if name not in optional]}


def check_schema(assess_body: dict[str, Any]) -> dict[str, Any]:
    """The body of POST /api/deals/{id}/checks: the body of POST /api/assess without its day and name (a check is
    recorded today, under the saved deal's name: 400 for either), and the amount's currency."""
    kept = {key: value for key, value in assess_body["properties"].items() if key not in NOT_IN_A_CHECK}
    return {**assess_body, "properties": {**kept, "currency": CURRENCY}}


def new_deal_schema(assess_body: dict[str, Any]) -> dict[str, Any]:
    """The body of POST /api/deals: its amount and claimed stage are read as POST /api/assess reads them."""
    properties = assess_body["properties"]
    return {
        "type": "object",
        "required": ["name"],
        "additionalProperties": False,
        "properties": {
            "name": {
                "type": "string",
                "maxLength": 200,
                "pattern": text_pattern(single_line=True, required=True),
                "description": f"The deal's name (not blank; {ONE_LINE}).",
            },
            "crm_id": {
                "type": ["string", "null"],
                "maxLength": 200,
                "pattern": text_pattern(single_line=True),
                "description": f"The deal's id in the CRM (unique; {ONE_LINE}); null: none.",
            },
            "amount": properties["amount"],
            "currency": CURRENCY,
            "segment": properties["segment"],
            "claimed_stage": properties["claimed_stage"],
            "owner": {
                "type": ["string", "null"],
                "maxLength": MAX_EMAIL,
                "pattern": text_pattern(single_line=True),
                "description": "The email of the deal's owner, who must be an existing, active user (see `playbook users list`): "
                "404 names the owner otherwise. A rep may only give their own (default, or null: the caller).",
            },
        },
    }


def details_change_schema(assess_body: dict[str, Any]) -> dict[str, Any]:
    """The body of PATCH /api/deals/{deal_id}: the new deal's name, crm_id and owner, each optional."""
    fields = new_deal_schema(assess_body)["properties"]
    one_line = text_pattern(single_line=True, required=True)
    return {
        "type": "object",
        "minProperties": 1,
        "additionalProperties": False,
        "properties": {
            "name": fields["name"],
            "crm_id": fields["crm_id"],
            "owner": {
                **fields["owner"],
                "type": "string",
                "pattern": one_line,
                "description": "The email of the user the deal moves to (a manager only), who must be an existing, "
                "active user: 404 names the owner otherwise, 403 for a rep.",
            },
        },
    }


DEAL_CHANGE = always_sent(
    {
        "type": "object",
        "properties": {
            "field": {"enum": ["name", "crm_id", "owner"]},
            "before": {"type": ["string", "null"], "description": "The value before (an owner's email); null: none."},
            "after": {"type": ["string", "null"], "description": "The value after; null: none (a cleared CRM id)."},
            "source": {"enum": ["form", "api", "import"]},
            "changed_by": {"type": ["string", "null"], "description": "The email of who changed it (null: an import)."},
            "changed_at": _TIME,
        },
    }
)
SAVED_DEAL = always_sent(
    {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "crm_id": {"type": ["string", "null"]},
            "owner": {"type": "string", "description": "The owner's email."},
            "amount": {"type": ["number", "null"]},
            "currency": {
                "type": ["string", "null"],
                "description": "The amount's ISO 4217 code; null: the amount named none.",
            },
            "segment": {"type": ["string", "null"], "description": "The deal's segment; null: none given."},
            "claimed_stage": {"type": ["string", "null"]},
            "created_at": _TIME,
            "last_checked_at": _TIME,
        },
    }
)
CHECK = always_sent(
    {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "checked_at": _TIME,
            "checked_by": {"type": ["string", "null"], "description": "The email of who saved it (null: imported)."},
            "source": {
                "enum": ["form", "api", "import", "buyer"],
                "description": "buyer: the buyer's reply through a confirmation link.",
            },
            "process_version": {"type": ["string", "null"]},
            "process_sha256": {"type": "string"},
            "claimed_stage": {"type": ["string", "null"]},
            "amount": {"type": ["number", "null"]},
            "currency": {
                "type": ["string", "null"],
                "description": "The amount's ISO 4217 code on this check; null: none known.",
            },
            "segment": {
                "type": ["string", "null"],
                "description": "The deal's segment on this check; null: none given.",
            },
            "verified_stage": {"type": "string", "description": "The stage id verified on the day of the check."},
            "milestones": {
                "type": "object",
                "description": "The answers the check holds, by milestone id, as read rather than as sent: each "
                "{met, evidence?, date?, buyer?} with `met` true or false (a yes/no word or 1/0 becomes one) and "
                "`date` YYYY-MM-DD; a milestone the body left out keeps the previous check's answer, and a buyer's "
                "answer (with `buyer`) stands.",
            },
            "buyer": {
                "type": ["object", "null"],
                "description": "Who answered, for a check the buyer's reply made (source buyer); else null.",
                "properties": {"name": {"type": "string"}, "email": {"type": "string"}},
                "required": ["name", "email"],
            },
            "note": {
                "type": ["string", "null"],
                "description": 'What the check was, e.g. "answered confirmation link #3: 1 of 2 confirmed".',
            },
        },
    }
)
OUTCOME_EVENT = always_sent(
    {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "outcome": {"enum": ["won", "lost", "open"], "description": "open: the deal was reopened."},
            "date": {
                "type": ["string", "null"],
                "format": "date",
                "description": "The close date (null for a reopening).",
            },
            "amount": {"type": ["number", "null"]},
            "currency": {"type": ["string", "null"]},
            "reason": {"type": ["string", "null"]},
            "source": {"enum": ["form", "api", "import"]},
            "recorded_by": {"type": ["string", "null"], "description": "The email of who recorded it."},
            "recorded_at": _TIME,
        },
    }
)
_DAYS = f"^([{SPACE}]*0*([1-9]|[1-8][0-9]|90)[{SPACE}]*)?$"
_BUYER_MARKS = {
    "buyer_confirmed": {
        "type": "boolean",
        "description": "Whether the buyer confirmed, through a confirmation link, every outcome "
        "with a buyer statement of the stage the deal last left (the gate to its verified stage).",
    },
    "buyer_confirmed_milestones": {
        "type": "array",
        "items": {"type": "string"},
        "description": 'The milestones whose standing answer is the buyer\'s "Yes, this is right", in process order.',
    },
}
CONFIRMATION = always_sent(
    {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "state": {
                "enum": ["pending", "confirmed", "declined", "expired", "revoked"],
                "description": 'confirmed: the buyer said yes to every statement; declined: "Not quite" to at least one.',
            },
            "buyer_name": {"type": "string"},
            "buyer_email": {"type": "string"},
            "created_at": _TIME,
            "expires_at": _TIME,
            "revoked_at": _TIME,
            "answered_at": _TIME,
            "answered_by": {"type": ["string", "null"], "description": "The name the buyer typed when answering."},
            "statements": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["milestone_id", "text", "answer", "comment"],
                    "properties": {
                        "milestone_id": {"type": "string"},
                        "text": {"type": "string", "description": "The buyer statement asked."},
                        "answer": {"enum": ["confirmed", "declined", None]},
                        "comment": {"type": ["string", "null"]},
                    },
                },
            },
            "pending": {"type": "boolean", "description": "Whether the link still works."},
        },
    }
)


def new_confirmation_schema(confirmable: list[str]) -> dict[str, Any]:
    """The body of POST /api/deals/{deal_id}/confirmations (`confirmable`: the milestones that have a buyer statement)."""
    milestone: dict[str, Any] = {"enum": confirmable} if confirmable else {"not": {}}
    return {
        "type": "object",
        "required": ["milestones", "buyer_name", "buyer_email"],
        "additionalProperties": False,
        "properties": {
            "milestones": {
                "anyOf": [{"type": "array", "minItems": 1, "uniqueItems": True, "items": milestone}, milestone],
                "description": "The milestones (with a buyer statement) the buyer is asked to confirm; one id may be given as text.",
            },
            "buyer_name": {
                "type": "string",
                "maxLength": MAX_BUYER_NAME,
                "pattern": text_pattern(single_line=True, required=True),
                "description": f"The buyer's name, as you would greet them ({ONE_LINE}).",
            },
            "buyer_email": {
                "type": "string",
                "maxLength": MAX_EMAIL,
                "pattern": email_pattern(),
                "description": "One address, no display name, that this server can mail as written: the part "
                "before the @ in ASCII letters, digits and . _ % + - ', the domain in ASCII (an internationalised "
                "domain in its IDNA form, xn--...).",
            },
            "expires_in_days": {
                "anyOf": [
                    {"type": "integer", "minimum": 1, "maximum": MAX_EXPIRY_DAYS},
                    {"type": "string", "pattern": _DAYS},
                    {"type": "null"},
                ],
                "description": f'Days the link works, 1 to {MAX_EXPIRY_DAYS}; default {DEFAULT_EXPIRY_DAYS} (null or "").',
            },
        },
    }


def _errors(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}},
    }


def _json(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_DEAL_ID = {
    "name": "deal_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_DEAL_ID},
    "example": 1,
}
_IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Send a new key (a UUID) per write and the same key when retrying it: a repeat with the same key and body "
    "(the same JSON, however it is spaced or its keys ordered) from the same user within 24 hours answers as the "
    "first time (Idempotent-Replayed: true) and records nothing, even while the first is still running; "
    "the same key with another body is 422. A repeated confirmation request answers with the first one's link (kept "
    "sealed with the app's secret key), or 409 while the first is still being answered or after that key changed "
    "(neither is the first answer: no Idempotent-Replayed).",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
}
_ETAG = {
    "schema": {"type": "string"},
    "description": "A strong entity tag of exactly what the answer shows (its verdict as of today or as_of too), "
    "ending in -gzip when the answer is gzip-compressed (another representation, another tag): "
    "send it in If-None-Match to read the deal only if it changed, and in PATCH's If-Match to change it only if not.",
}
_CLOSING = {
    "anyOf": [{"$ref": "#/components/schemas/OutcomeEvent"}, {"type": "null"}],
    "description": "For a deal closed now, the event that closed it (its outcome, close date, final amount and "
    "currency: the last of GET /api/deals/{deal_id}'s outcome_events); null for an open deal.",
}
_KEY_REUSED = _errors("The Idempotency-Key was already used for a different request; use a new key.")
_UNAUTHORIZED = _errors("No valid token (Authorization: Bearer TOKEN); the API reads no session cookie.")
_TOO_MANY_TOKENS = {
    **_errors(
        "Too many requests from this client address sent tokens that open nothing (TOKEN_FAILURE_LIMIT, "
        "30 in 10 minutes): no token from it is read, a valid one's neither, until Retry-After seconds have passed."
    ),
    "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}},
}
_NOT_FOUND = _errors("No deal with this id that the caller may see.")
_UNAVAILABLE = _errors("The database cannot be reached; nothing was read or saved.")
_TOO_LARGE = _errors("The body is larger than 1 MB.")
_DEAL_LOCATION = {
    "Location": {
        "schema": {"type": "string"},
        "description": "/api/deals/{deal_id}: the deal, which shows the new record among its own",
    }
}
_NOT_JSON = _errors(
    "The body is not sent as application/json, or is compressed (Content-Encoding); send it uncompressed."
)
_REQUEST_ID = {
    "name": "request_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_DEAL_ID},
}
_NO_REQUEST = _errors(
    "No deal with this id that the caller may see, or the deal has no confirmation request with this id."
)
_NOT_OWNER = _errors("The caller is not the deal's owner (a manager reads, only the owner asks and withdraws).")
_CONFIRMATIONS = {
    "type": "array",
    "items": {"$ref": "#/components/schemas/ConfirmationRequest"},
    "description": "Newest first.",
}


def new_outcome_schema(assess_body: dict[str, Any]) -> dict[str, Any]:
    """The body of POST /api/deals/{id}/outcome: won (date, amount?), lost (date, reason) or open (reason?).

    A field that means nothing for the outcome may only be left out, null or blank: anything else is refused.
    """
    blank = {
        "anyOf": [{"type": "null"}, {"type": "string", "pattern": f"^[{SPACE}]*$"}],
        "description": "Means nothing for this outcome: left out, null or blank only.",
    }
    # Line breaks are joined into one line (a reason is shown in tables); controls are refused.
    reason = {"type": ["string", "null"], "maxLength": 1000, "pattern": text_pattern(single_line=False)}
    date = {
        "type": "string",
        "format": "date",
        "pattern": ISO_DAY_PATTERN,
        "description": "The close date, YYYY-MM-DD only (23/11/2026, 5 Dec 2026 and a date and time are refused "
        f"with the day to write); after today or more than {OLDEST_CLOSE_YEARS} years ago: 409 (the body is valid; "
        "the date is not one the deal can have closed on).",
    }

    def outcome(value: str, description: str, required: list[str], fields: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "description": description,
            "required": ["outcome", *required],
            "additionalProperties": False,
            "properties": {"outcome": {"const": value, "description": "Read ignoring case (Won, LOST)."}, **fields},
        }

    amount = {
        **assess_body["properties"]["amount"],
        "description": "The final amount; left out: the deal's amount, in the deal's currency.",
    }
    currency = {
        **CURRENCY,
        "description": 'The final amount\'s currency (or write it in `amount`: "EUR 42000"). Without an amount '
        "it must be the deal's own currency (409 at `currency` otherwise: send the amount too); nothing is converted.",
    }
    return {
        "oneOf": [
            outcome(
                "won", "Closed won.", ["date"], {"date": date, "amount": amount, "currency": currency, "reason": blank}
            ),
            outcome(
                "lost",
                "Closed lost, and why.",
                ["date", "reason"],
                {
                    "date": date,
                    "amount": blank,
                    "currency": blank,
                    "reason": {
                        **reason,
                        "type": "string",
                        "pattern": text_pattern(single_line=False, required=True),
                        "description": "Why it was lost.",
                    },
                },
            ),
            outcome(
                "open",
                "Reopen a closed deal.",
                [],
                {
                    "date": blank,
                    "amount": blank,
                    "currency": blank,
                    "reason": {**reason, "description": "Why it is reopened."},
                },
            ),
        ],
        "examples": [
            {"outcome": "lost", "date": "2026-11-30", "reason": "No budget this year"},
            {"outcome": "open", "reason": "The buyer came back with a budget"},
            {"outcome": "won", "date": "2026-12-04", "amount": "EUR 42,000"},
        ],
    }


# ?owner= is any text but a blank one (and no NUL, which no URL carries): an email that is no user's is 400 too.
OWNER_FILTER = f"^[^\\u0000]*[^{SPACE}\\u0000][^\\u0000]*{END}"
_OUTCOME_NOW = {
    "enum": ["open", "won", "lost"],
    "description": "The deal's outcome now: that of its latest outcome event (open when it has none).",
}


def deal_paths(stage_filters: list[str]) -> dict[str, Any]:
    """The paths of the deal records API (`stage_filters`: the served process's stage ids and names, for the filter)."""
    with_verdict = {
        "allOf": [
            {"$ref": "#/components/schemas/SavedDeal"},
            {
                "type": "object",
                "required": [
                    "verdict",
                    *_BUYER_MARKS,
                    "checks",
                    "confirmations",
                    "outcome",
                    "closing",
                    "outcome_events",
                    "changes",
                ],
                "properties": {
                    "verdict": {"$ref": "#/components/schemas/Assessment"},
                    **_BUYER_MARKS,
                    "checks": {
                        "type": "array",
                        "items": {"$ref": "#/components/schemas/Check"},
                        "description": "Oldest first.",
                    },
                    "confirmations": _CONFIRMATIONS,
                    "outcome": _OUTCOME_NOW,
                    "closing": _CLOSING,
                    "outcome_events": {
                        "type": "array",
                        "items": {"$ref": "#/components/schemas/OutcomeEvent"},
                        "description": "Closings and reopenings, oldest first; never changed.",
                    },
                    "changes": {
                        "type": "array",
                        "items": {"$ref": "#/components/schemas/DealChange"},
                        "description": "Renamings, CRM id changes and owner moves, oldest first; never changed.",
                    },
                },
            },
        ]
    }
    listed = {
        "allOf": [
            {"$ref": "#/components/schemas/SavedDeal"},
            {
                "type": "object",
                "required": ["verdict", *_BUYER_MARKS, "outcome", "closing"],
                "properties": {
                    "verdict": {
                        "type": "object",
                        "description": "as_of, verified_stage, claimed_stage, stages_ahead and weighted_amount of the verdict.",
                        "required": ["as_of", "verified_stage", "claimed_stage", "stages_ahead", "weighted_amount"],
                    },
                    **_BUYER_MARKS,
                    "outcome": _OUTCOME_NOW,
                    "closing": _CLOSING,
                },
            },
        ]
    }
    return {
        "/api/deals": {
            "get": {
                "summary": "The caller's deals (a manager's: everyone's), newest first, with today's verdict.",
                "security": _SECURITY,
                "parameters": [
                    {
                        "name": "owner",
                        "in": "query",
                        "schema": {"type": "string", "pattern": OWNER_FILTER},
                        "description": "The owner's email (not blank; any case). A manager's naming no user is 400 "
                        "at `owner`, with the email meant when it is one letter or two off (\"'b0@example.com' is no "
                        "user's email; did you mean 'bo@example.com'?\"), as the /deals page says it.",
                    },
                    {
                        "name": "stage",
                        "in": "query",
                        "schema": {"enum": stage_filters},
                        "description": "A stage's id or name, as a body's claimed_stage: deals the CRM has in that stage.",
                    },
                    {
                        "name": "closed",
                        "in": "query",
                        "schema": {"enum": ["true", "false"]},
                        "description": "true: the deals closed won or lost instead of the open ones (default false).",
                    },
                    {
                        "name": "crm_id",
                        "in": "query",
                        "schema": {"type": "string", "pattern": f"[^{SPACE}]"},
                        "description": "The deal's id in the CRM, exactly (spaces around it are ignored, as when "
                        "saved): the deal the CRM knows by it, if the caller may see it. With the default "
                        "closed=false an open deal only; closed=true finds a closed one.",
                    },
                    {
                        "name": "cursor",
                        "in": "query",
                        "schema": {"type": "string", "pattern": CURSOR_PATTERN},
                        "description": "Where a walk goes on: the `next_cursor` of the answer before, an opaque "
                        "string sent back as it was given (or follow its "
                        'Link rel="next" header). A cursor walk starts with a request without cursor or page and '
                        "is stable while deals are created and closed: a deal that existed when it began and still "
                        "matches the filters is returned exactly once (a deal created during it is not; the next "
                        "walk sees it). Not with page.",
                    },
                    {
                        "name": "page",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
                        "description": "The page by number (default 1): deals created or closed while a client "
                        "walks pages move the others across pages' edges; a walk of every deal follows "
                        "next_cursor instead.",
                    },
                    {
                        "name": "per_page",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 1, "maximum": 500},
                        "description": "How many deals an answer holds (default 50; ASCII digits).",
                    },
                ],
                "responses": {
                    "200": {
                        **_json(
                            "A page of deals, newest first.",
                            {
                                "type": "object",
                                "required": ["deals", "page", "per_page", "total", "next_cursor"],
                                "properties": {
                                    "deals": {"type": "array", "items": listed},
                                    "page": {
                                        "type": ["integer", "null"],
                                        "description": "The page number; null on a cursor walk.",
                                    },
                                    "per_page": {"type": "integer"},
                                    "total": {
                                        "type": "integer",
                                        "description": "How many deals match the filters in all.",
                                    },
                                    "next_cursor": {
                                        "type": ["string", "null"],
                                        "pattern": CURSOR_PATTERN,
                                        "description": "Send it as ?cursor= (with the same filters) for the deals "
                                        "after this answer's last; null: there are none. An opaque string, the "
                                        "type of the cursor parameter: send it back as given, never build one.",
                                    },
                                },
                            },
                        ),
                        "headers": {
                            "Link": {
                                "schema": {"type": "string"},
                                "description": 'RFC 8288: </api/deals?…&cursor=…>; rel="next", the next page of the '
                                "walk with the same filters; absent on the last page.",
                            }
                        },
                    },
                    "400": _errors(
                        "A bad page number, per_page, cursor or crm_id, cursor given with page, an unknown stage, "
                        "or (a manager) an owner who is no user (loc: owner; did you mean the email nearest it?)."
                    ),
                    "401": _UNAUTHORIZED,
                    "429": _TOO_MANY_TOKENS,
                    "503": _UNAVAILABLE,
                },
            },
            "post": {
                "summary": "Create a deal.",
                "security": _SECURITY,
                "parameters": [_IDEMPOTENCY_KEY],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewDeal"}}},
                },
                "responses": {
                    "201": {
                        **_json("The deal created.", {"$ref": "#/components/schemas/SavedDeal"}),
                        "headers": {
                            "Location": {
                                "schema": {"type": "string"},
                                "description": "/api/deals/{id}: the deal created",
                            }
                        },
                    },
                    "400": _errors("An invalid deal; every problem is listed."),
                    "401": _UNAUTHORIZED,
                    "429": _TOO_MANY_TOKENS,
                    "403": _errors("A rep gave another owner."),
                    "404": _errors("The owner named is not an existing, active user (loc: owner)."),
                    "409": {
                        **_errors(
                            "A deal with this crm_id is saved already. When the caller may see it (their own deal; "
                            "a manager: any), the error gives its `deal_id` and Location points at it; when it is "
                            "another rep's, neither is given."
                        ),
                        "headers": {
                            "Location": {
                                "schema": {"type": "string"},
                                "description": "/api/deals/{id}: the deal holding the crm_id, when the caller may see it",
                            }
                        },
                    },
                    "413": _TOO_LARGE,
                    "415": _NOT_JSON,
                    "422": _KEY_REUSED,
                    "503": _UNAVAILABLE,
                },
            },
        },
        "/api/deals/{deal_id}": {
            "get": {
                "summary": "The deal, its verdict (latest answers, as of today or ?as_of=) and its checks.",
                "security": _SECURITY,
                "parameters": [
                    _DEAL_ID,
                    {
                        "name": "as_of",
                        "in": "query",
                        "schema": {"type": "string", "format": "date", "pattern": ISO_DAY_PATTERN},
                        "description": "The day to read the verdict on, YYYY-MM-DD only (default: today).",
                    },
                    {
                        "name": "If-None-Match",
                        "in": "header",
                        "required": False,
                        "schema": {"type": "string"},
                        "description": "The ETag of an answer read before: 304 without a body when the deal shows "
                        "the same now.",
                    },
                ],
                "responses": {
                    "200": {**_json("The deal.", with_verdict), "headers": {"ETag": _ETAG}},
                    "304": {
                        "description": "If-None-Match names the deal's ETag: it shows what it showed (no body).",
                        "headers": {"ETag": _ETAG},
                    },
                    "400": _errors("A bad as_of date."),
                    "401": _UNAUTHORIZED,
                    "429": _TOO_MANY_TOKENS,
                    "404": _NOT_FOUND,
                    "503": _UNAVAILABLE,
                },
            },
            "patch": {
                "summary": "Rename the deal, change its CRM id (null: none) or move it to another owner (a manager "
                "only). The deal's owner or a manager may; each change is kept in the deal's `changes`.",
                "security": _SECURITY,
                "parameters": [
                    _DEAL_ID,
                    {
                        "name": "If-Match",
                        "in": "header",
                        "required": False,
                        "schema": {"type": "string"},
                        "description": "The ETag of GET /api/deals/{deal_id} (without as_of) as read before this "
                        "change, compressed or not: the change is made only if the deal shows the same now (else "
                        "412; a weak W/ tag never matches); * matches any. Not * or a list of entity tags: "
                        "400. Left out: the change is made whatever changed since.",
                    },
                ],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DealDetailsChange"}}},
                },
                "responses": {
                    "200": {
                        **_json(
                            "The deal as it is now, with `changes`: those this request made ([] when every value was "
                            "the deal's already). Its ETag is the deal's as GET /api/deals/{deal_id} (without as_of) "
                            "gives it now: send it as If-Match of the next PATCH, no GET needed.",
                            {
                                "allOf": [
                                    {"$ref": "#/components/schemas/SavedDeal"},
                                    {
                                        "type": "object",
                                        "required": ["changes"],
                                        "properties": {
                                            "changes": {
                                                "type": "array",
                                                "items": {"$ref": "#/components/schemas/DealChange"},
                                            }
                                        },
                                    },
                                ]
                            },
                        ),
                        "headers": {"ETag": _ETAG},
                    },
                    "400": _errors(
                        "The body names nothing to change, or a value is not valid; or If-Match is no list of "
                        'entity tags (RFC 9110: * or tags in double quotes, "…" or W/"…"; loc: If-Match).'
                    ),
                    "401": _UNAUTHORIZED,
                    "429": _TOO_MANY_TOKENS,
                    "403": _errors("A rep asked to move the deal to another owner: only a manager may."),
                    "404": _errors(
                        "No deal with this id that the caller may see, or no active user with the owner's email."
                    ),
                    "409": _errors(
                        "Another deal has this crm_id (its `deal_id` given when the caller may see it, as for POST)."
                    ),
                    "412": _errors(
                        "If-Match names no ETag of the deal as it is now: it changed since it was read (loc: "
                        "If-Match). Nothing was changed: read it again and make the change to what it shows."
                    ),
                    "413": _TOO_LARGE,
                    "415": _NOT_JSON,
                    "503": _UNAVAILABLE,
                },
            },
        },
        "/api/deals/{deal_id}/checks": {
            "post": {
                "summary": "Record a check, as of today: the body of POST /api/assess without as_of and deal, and the amount's currency. Only the deal's owner may.",
                "security": _SECURITY,
                "parameters": [_DEAL_ID, _IDEMPOTENCY_KEY],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewCheck"}}},
                },
                "responses": {
                    "201": {
                        **_json(
                            "The check and the deal's verdict now.",
                            {
                                "type": "object",
                                "required": ["check", "verdict", *_BUYER_MARKS],
                                "properties": {
                                    "check": {"$ref": "#/components/schemas/Check"},
                                    "verdict": {"$ref": "#/components/schemas/Assessment"},
                                    **_BUYER_MARKS,
                                },
                            },
                        ),
                        "headers": _DEAL_LOCATION,
                    },
                    "400": _errors(
                        "Malformed JSON, invalid answers, or as_of or deal (a check is recorded as of today, under the "
                        "deal's name); every problem is listed."
                    ),
                    "401": _UNAUTHORIZED,
                    "429": _TOO_MANY_TOKENS,
                    "403": _errors("The caller is not the deal's owner."),
                    "404": _NOT_FOUND,
                    "409": _errors(
                        "The deal is closed (loc: outcome; saying won or lost, and on which day): reopen it first "
                        "(POST /api/deals/{deal_id}/outcome with outcome open). Or the check answers a milestone the buyer answered through a confirmation link (one error per milestone, "
                        "saying who answered and when): leave it out; only the buyer changes it, through a new link. Nothing was saved."
                    ),
                    "413": _TOO_LARGE,
                    "415": _NOT_JSON,
                    "422": _KEY_REUSED,
                    "503": _UNAVAILABLE,
                },
            },
        },
        "/api/deals/{deal_id}/outcome": {
            "post": {
                "summary": "Close the deal won or lost, or reopen it (outcome open): the owner or a manager. "
                "Each call appends an event; none is ever changed.",
                "security": _SECURITY,
                "parameters": [_DEAL_ID, _IDEMPOTENCY_KEY],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewOutcome"}}},
                },
                "responses": {
                    "201": {
                        **_json("The event recorded.", {"$ref": "#/components/schemas/OutcomeEvent"}),
                        "headers": _DEAL_LOCATION,
                    },
                    "400": _errors("Malformed JSON or an invalid outcome; every problem is listed."),
                    "401": _UNAUTHORIZED,
                    "429": _TOO_MANY_TOKENS,
                    "404": _NOT_FOUND,
                    "409": _errors(
                        "The deal is closed already (reopen it first) or, to reopen, open already; "
                        f"the close date is after today or more than {OLDEST_CLOSE_YEARS} years ago (a mistyped year); or won without an amount when the deal has none, or with "
                        "a currency but no amount when the deal's amount is in another currency (loc: currency)."
                    ),
                    "413": _TOO_LARGE,
                    "415": _NOT_JSON,
                    "422": _KEY_REUSED,
                    "503": _UNAVAILABLE,
                },
            },
        },
        **confirmation_paths(),
    }


def confirmation_paths() -> dict[str, Any]:
    """The paths of buyer confirmation requests."""
    created = {
        "allOf": [
            {"$ref": "#/components/schemas/ConfirmationRequest"},
            {
                "type": "object",
                "required": ["url", "email"],
                "properties": {
                    "url": {
                        "type": "string",
                        "format": "uri",
                        "description": "The link for the buyer; shown only in this answer (only its hash is stored).",
                    },
                    "email": {
                        "type": "object",
                        "required": ["to", "subject", "body", "mailto", "sent", "not_sent_because"],
                        "properties": {
                            "to": {"type": "string"},
                            "subject": {"type": "string"},
                            "body": {"type": "string", "description": "Plain text, with the link."},
                            "mailto": {
                                "type": "string",
                                "description": "A mailto: link with the subject and body, for the rep's own mail program.",
                            },
                            "sent": {
                                "type": "boolean",
                                "description": "Whether the app sent the email itself (PLAYBOOK_SMTP_URL set and the server took it).",
                            },
                            "not_sent_because": {
                                "type": ["string", "null"],
                                "description": "Why the app did not send it (null when it did).",
                            },
                        },
                    },
                },
            },
        ]
    }
    return {
        "/api/deals/{deal_id}/confirmations": {
            "get": {
                "summary": "The deal's confirmation requests with their state now, newest first (the owner and managers).",
                "security": _SECURITY,
                "parameters": [_DEAL_ID],
                "responses": {
                    "200": _json(
                        "The requests.",
                        {
                            "type": "object",
                            "required": ["confirmations"],
                            "properties": {"confirmations": _CONFIRMATIONS},
                        },
                    ),
                    "401": _UNAUTHORIZED,
                    "429": _TOO_MANY_TOKENS,
                    "404": _NOT_FOUND,
                    "503": _UNAVAILABLE,
                },
            },
            "post": {
                "summary": "Ask the deal's buyer to confirm outcomes: a link (and the email, sent when the app has a mail server). Only the owner may.",
                "security": _SECURITY,
                "parameters": [_DEAL_ID, _IDEMPOTENCY_KEY],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewConfirmation"}}},
                },
                "responses": {
                    "201": {
                        **_json("The request, its link and the email.", created),
                        "headers": {
                            "Location": {
                                "schema": {"type": "string"},
                                "description": "/api/deals/{deal_id}/confirmations/{id}",
                            }
                        },
                    },
                    "400": _errors("Malformed JSON or an invalid request; every problem is listed."),
                    "401": _UNAUTHORIZED,
                    "429": _TOO_MANY_TOKENS,
                    "403": _NOT_OWNER,
                    "404": _NOT_FOUND,
                    "409": _errors(
                        "The process names no company (add 'company:' to process.yaml): a buyer is only asked by a company they know. "
                        "Or (loc: Idempotency-Key) a repeat of a request still being answered (send it again in a moment), or "
                        "made before the app's secret key changed (its Location given: withdraw it and ask again)."
                    ),
                    "413": _TOO_LARGE,
                    "415": _NOT_JSON,
                    "422": _KEY_REUSED,
                    "503": _UNAVAILABLE,
                },
            },
        },
        "/api/deals/{deal_id}/confirmations/{request_id}": {
            "get": {
                "summary": "One confirmation request of the deal.",
                "security": _SECURITY,
                "parameters": [_DEAL_ID, _REQUEST_ID],
                "responses": {
                    "200": _json("The request.", {"$ref": "#/components/schemas/ConfirmationRequest"}),
                    "401": _UNAUTHORIZED,
                    "429": _TOO_MANY_TOKENS,
                    "404": _NO_REQUEST,
                    "503": _UNAVAILABLE,
                },
            },
        },
        "/api/deals/{deal_id}/confirmations/{request_id}/revoke": {
            "post": {
                "summary": "Withdraw a pending link (the owner only); the buyer's page then says it was withdrawn (410). No body.",
                "security": _SECURITY,
                "parameters": [_DEAL_ID, _REQUEST_ID],
                "responses": {
                    "200": _json("The request, now revoked.", {"$ref": "#/components/schemas/ConfirmationRequest"}),
                    "400": _errors("A body was sent: a link is withdrawn with no reason or notice; send none."),
                    "401": _UNAUTHORIZED,
                    "429": _TOO_MANY_TOKENS,
                    "403": _NOT_OWNER,
                    "404": _NO_REQUEST,
                    "409": _errors("The link is not pending (answered, expired or withdrawn already)."),
                    "503": _UNAVAILABLE,
                },
            },
        },
    }


def deal_components(assess_body: dict[str, Any], confirmable: list[str]) -> dict[str, Any]:
    """Schemas and the security scheme the deal paths refer to (`assess_body`: the schema of POST /api/assess;
    `confirmable`: the milestones a buyer can confirm)."""
    return {
        "schemas": {
            "NewDeal": new_deal_schema(assess_body),
            "NewCheck": check_schema(assess_body),
            "SavedDeal": SAVED_DEAL,
            "Check": CHECK,
            "NewConfirmation": new_confirmation_schema(confirmable),
            "ConfirmationRequest": CONFIRMATION,
            "NewOutcome": new_outcome_schema(assess_body),
            "OutcomeEvent": OUTCOME_EVENT,
            "DealDetailsChange": details_change_schema(assess_body),
            "DealChange": DEAL_CHANGE,
        },
        "securitySchemes": {
            "bearerAuth": {
                "type": "http",
                "scheme": "bearer",
                "description": "A token from `playbook tokens create EMAIL`.",
            }
        },
    }
