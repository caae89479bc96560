"""The API reference page: every endpoint and schema of the app's OpenAPI document (for the default process)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from assess_app.api.openapi import openapi_document
from sales_process.loader import load_process

ROOT = Path(__file__).resolve().parent.parent
METHODS = ("get", "post", "put", "patch", "delete")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _anchor(name: str) -> str:
    return name.lower()


def type_text(schema: dict[str, Any]) -> str:
    """A schema in a few words, with links to the named schemas."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#{_anchor(name)})"
    for combiner, word in (("allOf", " and "), ("anyOf", " or "), ("oneOf", " or ")):
        # A schema that names its type and combines only rules (patterns, lengths) reads as its type.
        if combiner in schema and "type" not in schema:
            parts = schema[combiner]
            # A part that is the items of an array part beside it (a list of ids, or one id) is said once.
            texts = [
                "one of them"
                if any(other.get("type") == "array" and other.get("items") == part for other in parts)
                else type_text(part)
                for part in parts
            ]
            return word.join(dict.fromkeys(texts))
    if "const" in schema:
        return f"`{json.dumps(schema['const'])}`"
    if "enum" in schema:
        return " or ".join(f"`{json.dumps(value)}`" for value in schema["enum"])
    kinds = schema.get("type", "any")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    words = []
    for kind in kinds:
        if kind == "array":
            items = type_text(schema.get("items", {}))
            words.append(f"array of ({items})" if " or " in items else f"array of {items}")
        else:
            words.append(str(kind))
    text = " or ".join(words)
    if "format" in schema:
        text += f" ({schema['format']})"
    return text


def _properties(schema: dict[str, Any]) -> list[str]:
    """A table of an object schema's properties (its allOf parts' too), or nothing."""
    parts = schema.get("allOf", [schema])
    rows = []
    for part in parts:
        required = set(part.get("required", []))
        for name, prop in part.get("properties", {}).items():
            need = "yes" if name in required else ""
            rows.append(f"| `{name}` | {_cell(type_text(prop))} | {need} | {_cell(prop.get('description', ''))} |")
    if not rows:
        return []
    return ["| Field | Type | Required | Meaning |", "|---|---|---|---|", *rows]


def _alternatives(schema: dict[str, Any]) -> list[str]:
    """Each object a oneOf or anyOf schema allows (NewOutcome: won, lost or open), named by its fixed field, with
    its description and its own table of fields; or nothing when no alternative has fields."""
    parts = [part for combiner in ("oneOf", "anyOf") for part in schema.get(combiner, []) if _properties(part)]
    lines = [f"One of {len(parts)} objects:"] if parts else []
    for number, part in enumerate(parts, 1):
        fixed = [f"`{name}` {type_text(prop)}" for name, prop in part["properties"].items() if "const" in prop]
        title = f"**{number}.** {' '.join(fixed)}: {_cell(part.get('description', ''))}".replace(" :", ":")
        lines += ["", title, "", *_properties(part)]
    return lines


def _body(content: dict[str, Any]) -> dict[str, Any] | None:
    media = content.get("application/json")
    return media.get("schema") if media else None


def _operation(path: str, method: str, operation: dict[str, Any]) -> list[str]:
    lines = [f"### `{method.upper()} {path}`", "", _cell(operation.get("summary", ""))]
    if operation.get("description"):
        lines += ["", operation["description"]]
    if operation.get("security"):
        schemes = ", ".join(name for requirement in operation["security"] for name in requirement)
        lines += [
            "",
            f"Authentication: {schemes} (`Authorization: Bearer TOKEN`) only: the API reads no session cookie, "
            "so a signed-in browser gets 401 too.",
        ]
    parameters = operation.get("parameters", [])
    if parameters:
        lines += ["", "| Parameter | In | Type | Meaning |", "|---|---|---|---|"]
        for parameter in parameters:
            lines.append(
                f"| `{parameter['name']}` | {parameter['in']} | {_cell(type_text(parameter.get('schema', {})))} "
                f"| {_cell(parameter.get('description', ''))} |"
            )
    body = operation.get("requestBody")
    if body:
        schema = _body(body.get("content", {}))
        lines += ["", f"Body (JSON): {type_text(schema) if schema else 'none'}"]
        if schema and "$ref" not in schema:
            lines += ["", *_properties(schema)]
    lines += ["", "| Status | Meaning | Body |", "|---|---|---|"]
    for status, response in operation.get("responses", {}).items():
        schema = _body(response.get("content", {}))
        shown = type_text(schema) if schema and ("$ref" in schema or "properties" not in schema) else ""
        if schema and "properties" in schema:
            shown = "object: " + ", ".join(f"`{name}`" for name in schema["properties"])
        lines.append(f"| {status} | {_cell(_with_headers(response))} | {_cell(shown)} |")
    return lines


def _with_headers(response: dict[str, Any]) -> str:
    """A response's description, then the headers it sets (Location: where the record is)."""
    headers = [f"{name}: {header.get('description', '')}" for name, header in response.get("headers", {}).items()]
    return " ".join([response.get("description", ""), *headers])


def api_reference(process_path: Path = ROOT / "process.yaml") -> str:
    """The whole page, from the OpenAPI document the app serves for this process."""
    document = openapi_document(load_process(process_path))
    lines = [
        "# API reference",
        "",
        "<!-- Generated from the app's OpenAPI document by `python -m docs_tools`; do not edit. "
        "tests/manual/test_generated_pages.py fails when it drifts. -->",
        "",
        f"{document['info']['description']} The running app serves this document at `/api/openapi.json`"
        " (OpenAPI 3.1), with the stage and milestone ids of its own process; this page shows it for the"
        " default `process.yaml`. Examples: [the API guide](api-guide.md).",
        "",
        "## Endpoints",
    ]
    for path, operations in document["paths"].items():
        for method in METHODS:
            if method in operations:
                lines += ["", *_operation(path, method, operations[method])]
    lines += ["", "## Schemas"]
    for name, schema in document["components"]["schemas"].items():
        lines += ["", f"### {name}", ""]
        if schema.get("description"):
            lines += [_cell(schema["description"]), ""]
        table = _properties(schema) or _alternatives(schema)
        lines += table or [f"Type: {type_text(schema)}"]
    return "\n".join(lines) + "\n"
