"""Property tests of POST /api/assess, driven by its own OpenAPI description.

Bodies come from the request schema the app publishes (valid ones, then ones bent out of
shape) and from arbitrary JSON and bytes. Whatever is sent: never a 5xx, every 400 lists
its errors as {loc, message}, and every 200 matches the published response schema.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

PROPERTIES = settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
ANY_JSON = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20,
)


@pytest.fixture(scope="module")
def openapi(site_dir: Any) -> dict[str, Any]:
    """The app's OpenAPI document (the default process)."""
    from assess_app import create_app
    from tests.conftest import DEFAULT_PROCESS

    app = create_app(
        {"TESTING": True, "PROCESS_PATH": str(DEFAULT_PROCESS), "SITE_DIR": str(site_dir), "SECRET_KEY": "t"}
    )
    document: dict[str, Any] = app.test_client().get("/api/openapi.json").get_json()
    return document


def _resolve(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = document["components"]["schemas"][name]
    return schema


def from_schema(schema: dict[str, Any], document: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values the schema accepts (for the keywords the API's schema uses)."""
    schema = _resolve(schema, document)
    if "oneOf" in schema or "anyOf" in schema:
        # The keywords beside the combiner (a type) apply to each option too.
        beside = {key: value for key, value in schema.items() if key not in ("oneOf", "anyOf")}
        options = schema.get("oneOf") or schema["anyOf"]
        return st.one_of([from_schema({**beside, **option}, document) for option in options])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if isinstance(kind, list):
        return st.one_of([from_schema({**schema, "type": one}, document) for one in kind])
    if kind == "null":
        return st.none()
    if kind == "object":
        properties = {name: from_schema(sub, document) for name, sub in schema.get("properties", {}).items()}
        required = set(schema.get("required", []))
        return st.fixed_dictionaries(
            {name: value for name, value in properties.items() if name in required},
            optional={name: value for name, value in properties.items() if name not in required},
        )
    if kind == "string" and schema.get("format") == "date":  # its pattern says how it is written, not what day
        return st.dates(dt.date(1990, 1, 1), dt.date(2100, 1, 1)).map(dt.date.isoformat)
    if kind == "string" and "examples" in schema:  # its pattern gives the shape only (an amount's): not each value
        return st.sampled_from(schema["examples"])
    if kind == "string" and "pattern" in schema:
        return st.from_regex(schema["pattern"], fullmatch=True)
    if kind == "number":
        return st.floats(min_value=schema.get("minimum", -1e12), max_value=schema.get("maximum", 1e12))
    simple: dict[str, st.SearchStrategy[Any]] = {"string": st.text(max_size=40), "boolean": st.booleans()}
    return simple[str(kind)]


def bent(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Valid bodies with one key replaced by arbitrary JSON, or an extra key added."""

    def bend(body: dict[str, Any], key: str, value: Any, nested: bool) -> dict[str, Any]:
        target = (
            body.get("milestones")
            if nested and isinstance(body.get("milestones"), dict) and body["milestones"]
            else body
        )
        assert isinstance(target, dict)
        name = key if key not in target or not target else sorted(target)[len(key) % len(target)]
        target[name] = value
        return body

    return st.builds(bend, valid, st.text(max_size=10), ANY_JSON, st.booleans())


def post(client: FlaskClient, raw: bytes) -> Any:
    """POST raw bytes as JSON."""
    return client.post("/api/assess", data=raw, content_type="application/json")


def check_response(response: Any, document: dict[str, Any]) -> None:
    """The API's contract for any request."""
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    body = response.get_json()
    if response.status_code == 200:
        schema = {"$ref": "#/components/schemas/Assessment", "components": document["components"]}
        errors = sorted(Draft202012Validator(schema).iter_errors(body), key=str)
        assert not errors, errors[0].message
    else:
        assert response.status_code in (400, 413, 415), response.status_code
        assert isinstance(body["errors"], list) and body["errors"], body
        for error in body["errors"]:
            assert set(error) == {"loc", "message"} and isinstance(error["loc"], str) and error["message"], error


def test_valid_bodies_are_assessed(client: FlaskClient, openapi: dict[str, Any]) -> None:
    deal_schema = openapi["components"]["schemas"]["Deal"]

    @PROPERTIES
    @given(from_schema(deal_schema, openapi))
    def valid(body: dict[str, Any]) -> None:
        response = post(client, json.dumps(body).encode())
        check_response(response, openapi)
        # The schema is the API's promise: whatever it accepts, the API assesses.
        assert response.status_code == 200, response.get_json()

    valid()


def test_amounts_of_the_schemas_shape_are_assessed_or_refused_at_amount(
    client: FlaskClient, openapi: dict[str, Any]
) -> None:
    """The amount's pattern gives the shape of what the server reads; within it a refusal says why, at amount."""
    [text] = [
        option
        for option in openapi["components"]["schemas"]["Deal"]["properties"]["amount"]["anyOf"]
        if option.get("type") == "string"
    ]

    @PROPERTIES
    @given(st.from_regex(text["pattern"], fullmatch=True))
    def shaped(amount: str) -> None:
        response = post(client, json.dumps({"amount": amount}).encode())
        check_response(response, openapi)
        assert response.status_code == 200 or [error["loc"] for error in response.get_json()["errors"]] == ["amount"]

    shaped()


def test_bent_bodies_get_a_clean_answer(client: FlaskClient, openapi: dict[str, Any]) -> None:
    deal_schema = openapi["components"]["schemas"]["Deal"]

    @PROPERTIES
    @given(bent(from_schema(deal_schema, openapi)))
    def bent_body(body: dict[str, Any]) -> None:
        check_response(post(client, json.dumps(body).encode()), openapi)

    bent_body()


def test_arbitrary_json_gets_a_clean_answer(client: FlaskClient, openapi: dict[str, Any]) -> None:
    @PROPERTIES
    @given(ANY_JSON)
    def arbitrary(body: Any) -> None:
        check_response(post(client, json.dumps(body).encode()), openapi)

    arbitrary()


def test_arbitrary_bytes_get_a_clean_answer(client: FlaskClient, openapi: dict[str, Any]) -> None:
    @PROPERTIES
    @given(st.binary(max_size=200) | st.text(max_size=100).map(lambda text: text.encode("utf-8", "surrogatepass")))
    def arbitrary(raw: bytes) -> None:
        check_response(post(client, raw), openapi)

    arbitrary()
