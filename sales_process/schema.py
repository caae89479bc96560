"""The JSON Schema of process.yaml, derived from the model (never written by hand)."""

from __future__ import annotations

import json
from typing import Any

from sales_process.model import Process

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def process_json_schema() -> dict[str, Any]:
    """The JSON Schema that editors use to autocomplete and underline process.yaml."""
    schema = Process.model_json_schema()
    return {
        "$schema": SCHEMA_DIALECT,
        "title": "cvo-playbook process.yaml",
        **{k: v for k, v in schema.items() if k != "title"},
    }


def process_json_schema_text() -> str:
    """The schema as the exact text committed in process.schema.json."""
    return json.dumps(process_json_schema(), indent=2, ensure_ascii=False) + "\n"
