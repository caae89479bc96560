"""The process.yaml reference for sales enablement, generated from the model that validates it."""

from __future__ import annotations

import json
import re
from typing import Any

from sales_process.loader import LoadedProcess
from sales_process.model import DEFAULT_LANGUAGE, SLUG_PATTERN, Process
from sales_process.site_words import site_words
from site_builder.common import DEFAULT_LINKS, SiteLinks, page
from site_builder.markdown_text import inline
from site_builder.reference_text import EDITING, EXAMPLE, VALIDATING, previewing

_OBJECTS = {
    "Process": "the file itself (top level)",
    "Stage": "each entry of `stages`",
    "Milestone": "each entry of a stage's `milestones`",
    "RequiredWhen": "a milestone's `required_when`",
    "Practice": "the optional top-level `practice` block",
    "PracticeScenario": "each entry of `practice.scenarios`",
    "PracticeDeal": "a practice scenario's `deal`",
    "RecordedAnswer": "each value of a practice deal's `milestones`",
    "StatedAnswer": "a practice scenario's `answer`",
    "Crm": "the optional `crm` block",
    "CrmColumns": "`crm.columns`",
    "CrmMilestone": "each entry of `crm.milestones`",
    "StatusValues": "`crm.status_values`",
}
_REF_NAMES = {
    "Stage": "stages",
    "Milestone": "milestones",
    "PracticeScenario": "scenarios",
    "RequiredWhen": "conditions",
}
_COLUMNS = site_words(DEFAULT_LANGUAGE)["reference.columns"]  # the manual's field tables are in English
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_REF_WORDS = {
    "Crm": "the crm block (below)",
    "CrmColumns": "mapping of fields (see CrmColumns)",
    "CrmMilestone": "its fields (see CrmMilestone)",
    "StatusValues": "its values per outcome (see StatusValues)",
    "RequiredWhen": "its conditions on the deal (see RequiredWhen)",
}


def _type_text(schema: dict[str, Any]) -> str:
    """A field's JSON Schema in words a sales enablement manager reads."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return _REF_WORDS.get(name, f"a {_CAMEL.sub(' ', name).lower()}")
    if "anyOf" in schema:
        kinds = [_type_text(option) for option in schema["anyOf"] if option.get("type") != "null"]
        return " or ".join(dict.fromkeys(kinds))
    if "enum" in schema:
        return " or ".join(f"`{choice}`" for choice in schema["enum"])
    kind = schema.get("type")
    if "enum" in schema:
        return " or ".join(f"`{value}`" for value in schema["enum"])
    if kind == "object":
        return _mapping_text(schema)
    if kind == "array":
        item = schema["items"]
        noun = _REF_NAMES.get(item.get("$ref", "").rsplit("/", 1)[-1], "texts")
        least = f", at least {schema['minItems']}" if "minItems" in schema else ""
        return f"list of {noun}{least}"
    if schema.get("format") == "date":
        return "date (YYYY-MM-DD)"
    if kind == "string":
        if schema.get("pattern") == SLUG_PATTERN:
            return "slug: lowercase letters, digits and single hyphens"
        return "text (not empty)" if schema.get("minLength") else "text"
    if kind == "integer":
        return _number_range(schema)
    return {"number": "number", "boolean": "`true` or `false`"}.get(str(kind), str(kind))


def _mapping_text(schema: dict[str, Any]) -> str:
    """A mapping's keys and values in words: 'mapping of text to slug'."""
    values: dict[str, Any] = schema.get("additionalProperties") or next(
        iter(schema.get("patternProperties", {}).values()), {}
    )
    # Keys held to the slug pattern are milestone ids; text keys may be held to a pattern too (not only spaces).
    keys = "milestone id" if SLUG_PATTERN in schema.get("patternProperties", {}) else "text"
    if values.get("pattern") == SLUG_PATTERN:
        return f"mapping of {keys} to id"
    return f"mapping of {keys} to {_type_text(values)}" if values else "mapping"


def _number_range(schema: dict[str, Any]) -> str:
    if "minimum" in schema and "maximum" in schema:
        return f"whole number {schema['minimum']}–{schema['maximum']}"
    if "exclusiveMinimum" in schema:
        return f"whole number above {schema['exclusiveMinimum']}"
    return "whole number"


def _is_list(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "array" or any(option.get("type") == "array" for option in schema.get("anyOf", []))


def _default_text(name: str, schema: dict[str, Any], required: list[str]) -> str:
    if name in required:
        return "**required**"
    if "default" not in schema:
        return "empty list" if _is_list(schema) else "—"
    default = schema["default"]
    return "none" if default is None else f"`{json.dumps(default)}`"


def field_table(definition: dict[str, Any], columns: str = _COLUMNS) -> str:
    """One row per field: name, type, default and meaning, straight from the JSON Schema; `columns`: the header row."""
    rows = [columns, "|---|---|---|---|"]
    required = definition.get("required", [])
    for name, schema in definition["properties"].items():
        meaning = schema.get("description", "").replace("|", "\\|").replace("\n", " ")
        rows.append(f"| `{name}` | {_type_text(schema)} | {_default_text(name, schema, required)} | {meaning} |")
    return "\n".join(rows)


def _field_sections(columns: str = _COLUMNS) -> list[str]:
    schema = Process.model_json_schema()
    definitions = {"Process": schema, **schema["$defs"]}
    sections = []
    for name, where in _OBJECTS.items():
        definition = definitions[name]
        about = inline(definition.get("description", ""))
        sections.append(f"### {name}\n\n{about} It is {where}.\n\n{field_table(definition, columns)}")
    return sections


def field_reference() -> str:
    """Every field of process.yaml as Markdown tables (also written into the manual by docs_tools/hooks.py)."""
    return "\n\n".join(_field_sections())


def reference_markdown(loaded: LoadedProcess, links: SiteLinks = DEFAULT_LINKS) -> str:
    """The reference page: how to edit, every field, how to validate and preview."""
    words = site_words(loaded.process.language)
    sections = _field_sections(words["reference.columns"])
    body = [EDITING, EXAMPLE, f"## {words['reference.fields']}", *sections, VALIDATING, previewing(links.served_at)]
    return page(words["reference.title"], body, loaded)
