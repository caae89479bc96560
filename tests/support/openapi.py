"""Real answers of the API checked against the OpenAPI document it serves, as an integrator's client checks them."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012


def answer_problems(document: dict[str, Any], method: str, path: str, status: int, body: object) -> list[str]:
    """What in `body`, the answer with `status` to `method` `path` (as the document names the path, with its
    {deal_id}), the document's schema for it refuses: a key it requires missing, a value of another type."""
    response = document["paths"][path][method.lower()]["responses"][str(status)]
    schema = response["content"]["application/json"]["schema"]
    registry: Registry[Any] = Registry().with_resource(
        "urn:openapi", Resource.from_contents(document, default_specification=DRAFT202012)
    )
    rooted = {**schema, "$schema": "https://json-schema.org/draft/2020-12/schema"}
    validator = Draft202012Validator(_rooted(rooted), registry=registry)
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in validator.iter_errors(body)]


def _rooted(schema: Any) -> Any:
    """The schema with its references (#/components/...) pointing into the document registered as urn:openapi."""
    if isinstance(schema, dict):
        return {
            key: f"urn:openapi{value}" if key == "$ref" and isinstance(value, str) else _rooted(value)
            for key, value in schema.items()
        }
    if isinstance(schema, list):
        return [_rooted(item) for item in schema]
    return schema
