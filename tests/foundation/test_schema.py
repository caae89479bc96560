"""The JSON Schema comes from the model, is committed, and agrees with the loader."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from playbook_cli.main import main
from sales_process.loader import parse_process
from sales_process.problems import InvalidFile
from sales_process.schema import process_json_schema_text
from tests.foundation.processes import VALID

ROOT = Path(__file__).resolve().parents[2]


def test_committed_schema_is_the_generated_one() -> None:
    committed = (ROOT / "process.schema.json").read_text(encoding="utf-8")
    assert committed == process_json_schema_text(), "run: playbook schema > process.schema.json"


def test_schema_command_prints_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert printed["required"] == ["name", "stages"]


def test_default_process_points_editors_at_the_schema() -> None:
    first_line = (ROOT / "process.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first_line == "# yaml-language-server: $schema=process.schema.json"


TYPE_ERRORS = [
    pytest.param(VALID.replace("probability: 60", "probability: sixty"), id="probability-text"),
    pytest.param(VALID.replace("probability: 60", "probability: 6.5"), id="probability-float"),
    pytest.param(VALID.replace("probability: 60", "probability: 101"), id="probability-too-high"),
    pytest.param(VALID.replace("name: Won", "name: [Won]"), id="name-list"),
    pytest.param(VALID.replace("id: talking", "id: Talking"), id="id-not-slug"),
    pytest.param(VALID.replace("stages:", "stages: {}\nold_stages:"), id="stages-mapping"),
    pytest.param(VALID.replace("    milestones:", "    colour: blue\n    milestones:"), id="unknown-key"),
    pytest.param(
        VALID.replace(
            "        evidence: The customer's reply email.",
            "        evidence: The customer's reply email.\n        evidence_required: 1",
        ),
        id="bool-as-number",
    ),
    pytest.param(
        VALID.replace(
            "        evidence: The customer's reply email.",
            "        evidence: The customer's reply email.\n        max_age_days: -3",
        ),
        id="negative-age",
    ),
    pytest.param(VALID.replace("    name: Talking\n", ""), id="missing-name"),
    pytest.param(
        VALID.replace("        question: Has the customer confirmed the problem in writing?", "        question: ''"),
        id="empty-question",
    ),
    pytest.param(
        VALID.replace("        question: Has the customer confirmed the problem in writing?", "        question: ' '"),
        id="question-of-only-spaces",
    ),
    pytest.param(VALID.replace("    name: Talking\n", "    name: '  '\n"), id="stage-name-of-only-spaces"),
]


def test_the_reference_says_what_validate_holds_a_group_and_a_stage_to() -> None:
    # The group's description left out the two rules validate enforces; the stage's said "all of its milestones".
    definitions = json.loads(process_json_schema_text())["$defs"]
    group = definitions["Milestone"]["properties"]["group"]["description"]
    assert "at least two members" in group and "`required: false`" in group
    stage = definitions["Stage"]["description"]
    assert "all of its milestones" not in stage
    assert all(word in stage for word in ("required: false", "required_when", "group"))


@pytest.mark.parametrize("text", TYPE_ERRORS)
def test_schema_rejects_what_the_loader_rejects(text: str) -> None:
    with pytest.raises(InvalidFile):
        parse_process(text.encode(), "p.yaml")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(yaml.safe_load(text), json.loads(process_json_schema_text()))


@pytest.mark.parametrize("version", ["2027.1", "3"])
def test_schema_and_loader_accept_numeric_versions(version: str) -> None:
    text = VALID.replace('version: "1"', f"version: {version}")
    assert parse_process(text.encode(), "p.yaml").process.version == version
    jsonschema.validate(yaml.safe_load(text), json.loads(process_json_schema_text()))


def test_empty_optional_lists_mean_empty_in_the_loader_and_the_schema() -> None:
    text = (
        VALID.replace("    milestones:\n", "    pitfalls:\n    rep_activities:\n    milestones:\n")
        + "    milestones:\n"
    )
    loaded = parse_process(text.encode(), "p.yaml")
    assert (loaded.process.stages[0].pitfalls, loaded.process.stages[1].milestones) == ([], [])
    jsonschema.validate(yaml.safe_load(text), json.loads(process_json_schema_text()))
