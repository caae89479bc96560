"""The OpenAPI description of the deal records endpoints (merged into /api/openapi.json)."""

from __future__ import annotations

from typing import Any

from deal_records.records import MAX_DEAL_ID

_TIME = {"type": ["string", "null"], "format": "date-time", "description": "UTC, ISO 8601."}
_SECURITY: list[dict[str, list[str]]] = [{"bearerAuth": []}]


def new_deal_schema(assess_body: dict[str, Any]) -> dict[str, Any]:
    """The body of POST /api/deals: its amount and claimed stage are read as POST /api/assess reads them."""
    properties = assess_body["properties"]
    return {
        "type": "object",
        "required": ["name"],
        "additionalProperties": False,
        "properties": {
            "name": {"type": "string", "maxLength": 200, "pattern": r"\S", "description": "The deal's name (not blank)."},
            "crm_id": {"type": ["string", "null"], "maxLength": 200, "description": "The deal's id in the CRM (unique); null: none."},
            "amount": properties["amount"],
            "claimed_stage": properties["claimed_stage"],
            "owner": {"type": ["string", "null"], "description": "The owner's email; a rep may only give their own (default, or null: the caller)."},
        },
    }

SAVED_DEAL = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"}, "crm_id": {"type": ["string", "null"]},
        "owner": {"type": "string", "description": "The owner's email."}, "amount": {"type": ["number", "null"]},
        "claimed_stage": {"type": ["string", "null"]}, "created_at": _TIME, "last_checked_at": _TIME,
    },
}
CHECK = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"}, "checked_at": _TIME,
        "checked_by": {"type": ["string", "null"], "description": "The email of who saved it (null: imported)."},
        "source": {"enum": ["form", "api", "import"]},
        "process_version": {"type": ["string", "null"]}, "process_sha256": {"type": "string"},
        "claimed_stage": {"type": ["string", "null"]}, "amount": {"type": ["number", "null"]},
        "verified_stage": {"type": "string", "description": "The stage id verified on the day of the check."},
        "milestones": {"type": "object", "description": "The answers, as sent."},
    },
}


def _errors(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}}}


def _json(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_DEAL_ID = {"name": "deal_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1, "maximum": MAX_DEAL_ID}}
_UNAUTHORIZED = _errors("No valid token (Authorization: Bearer TOKEN) or session.")
_NOT_FOUND = _errors("No deal with this id that the caller may see.")
_UNAVAILABLE = _errors("The database cannot be reached; nothing was read or saved.")
_TOO_LARGE = _errors("The body is larger than 1 MB.")
_NOT_JSON = _errors("The body is not sent as application/json.")


def deal_paths(stage_ids: list[str]) -> dict[str, Any]:
    """The paths of the deal records API (`stage_ids`: the served process's stages, for the filter)."""
    with_verdict = {"allOf": [{"$ref": "#/components/schemas/SavedDeal"}, {"type": "object", "properties": {
        "verdict": {"$ref": "#/components/schemas/Assessment"},
        "checks": {"type": "array", "items": {"$ref": "#/components/schemas/Check"}, "description": "Oldest first."},
    }}]}
    return {
        "/api/deals": {
            "get": {
                "summary": "The caller's deals (a manager's: everyone's), newest first, with today's verdict.",
                "security": _SECURITY,
                "parameters": [
                    {"name": "owner", "in": "query", "schema": {"type": "string"}, "description": "The owner's email."},
                    {"name": "stage", "in": "query", "schema": {"enum": stage_ids}, "description": "A stage id: deals the CRM has in that stage."},
                    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500}},
                ],
                "responses": {
                    "200": _json("A page of deals.", {"type": "object", "properties": {
                        "deals": {"type": "array", "items": {"$ref": "#/components/schemas/SavedDeal"}},
                        "page": {"type": "integer"}, "per_page": {"type": "integer"}, "total": {"type": "integer"},
                    }}),
                    "400": _errors("A bad page number or an unknown stage."),
                    "401": _UNAUTHORIZED,
                    "503": _UNAVAILABLE,
                },
            },
            "post": {
                "summary": "Create a deal.",
                "security": _SECURITY,
                "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewDeal"}}}},
                "responses": {
                    "201": _json("The deal created.", {"$ref": "#/components/schemas/SavedDeal"}),
                    "400": _errors("An invalid deal; every problem is listed."),
                    "401": _UNAUTHORIZED,
                    "403": _errors("A rep gave another owner."),
                    "409": _errors("A deal with this crm_id is saved already: check that one instead."),
                    "413": _TOO_LARGE,
                    "415": _NOT_JSON,
                    "503": _UNAVAILABLE,
                },
            },
        },
        "/api/deals/{deal_id}": {
            "get": {
                "summary": "The deal, its verdict (latest answers, as of today or ?as_of=) and its checks.",
                "security": _SECURITY,
                "parameters": [_DEAL_ID, {"name": "as_of", "in": "query", "schema": {"type": "string", "format": "date"}}],
                "responses": {"200": _json("The deal.", with_verdict), "400": _errors("A bad as_of date."),
                              "401": _UNAUTHORIZED, "404": _NOT_FOUND, "503": _UNAVAILABLE},
            },
        },
        "/api/deals/{deal_id}/checks": {
            "post": {
                "summary": "Record a check: the body of POST /api/assess. Only the deal's owner may.",
                "security": _SECURITY,
                "parameters": [_DEAL_ID],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Deal"}}}},
                "responses": {
                    "201": _json("The check and the deal's verdict now.", {"type": "object", "properties": {
                        "check": {"$ref": "#/components/schemas/Check"}, "verdict": {"$ref": "#/components/schemas/Assessment"},
                    }}),
                    "400": _errors("Malformed JSON or invalid answers; every problem is listed."),
                    "401": _UNAUTHORIZED, "403": _errors("The caller is not the deal's owner."), "404": _NOT_FOUND,
                    "413": _TOO_LARGE,
                    "415": _NOT_JSON,
                    "503": _UNAVAILABLE,
                },
            },
        },
    }


def deal_components(assess_body: dict[str, Any]) -> dict[str, Any]:
    """Schemas and the security scheme the deal paths refer to (`assess_body`: the schema of POST /api/assess)."""
    return {
        "schemas": {"NewDeal": new_deal_schema(assess_body), "SavedDeal": SAVED_DEAL, "Check": CHECK},
        "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "description": "A token from `playbook tokens create EMAIL`."}},
    }
