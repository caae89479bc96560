"""The manual's generated pages (CLI and API references, benchmark table) match what the code writes now."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pytest

from docs_tools.api_reference import type_text
from docs_tools.cli_reference import cli_reference
from docs_tools.pages import GENERATED, Generated
from playbook_cli.main import COMMANDS, build_parser


@pytest.mark.parametrize("page", GENERATED, ids=lambda page: page.path.name)
def test_the_committed_page_is_what_the_code_writes(page: Generated) -> None:
    current = page.path.read_text(encoding="utf-8")
    assert current == page.expected(current), (
        f"{page.path} is out of date: run `python -m docs_tools` and commit the result"
    )


def test_a_changed_help_text_makes_the_cli_page_stale(monkeypatch: pytest.MonkeyPatch) -> None:
    before = cli_reference()
    original = argparse.ArgumentParser.format_help
    monkeypatch.setattr(argparse.ArgumentParser, "format_help", lambda self: original(self) + "new option\n")
    assert cli_reference() != before


def test_the_cli_page_has_every_command_and_its_example() -> None:
    page = (Path(__file__).resolve().parents[2] / "docs" / "reference" / "cli.md").read_text(encoding="utf-8")
    for command in COMMANDS:
        assert f"## `playbook {command}`" in page, command
    parser = build_parser()
    assert parser.epilog and parser.epilog.splitlines()[1].strip() in page


def test_the_api_page_has_every_endpoint_of_the_openapi_document() -> None:
    from assess_app.api.openapi import openapi_document
    from sales_process.loader import load_process

    root = Path(__file__).resolve().parents[2]
    page = (root / "docs" / "reference" / "api.md").read_text(encoding="utf-8")
    document = openapi_document(load_process(root / "process.yaml"))
    for path, operations in document["paths"].items():
        for method in operations:
            assert f"### `{method.upper()} {path}`" in page
    for name in document["components"]["schemas"]:
        assert f"### {name}\n" in page


def _fields(schema: dict[str, Any]) -> set[str]:
    """The field names of a schema: its own properties and those of each alternative or part it combines."""
    parts = [schema, *(part for combiner in ("allOf", "oneOf", "anyOf") for part in schema.get(combiner, []))]
    return {name for part in parts for name in part.get("properties", {})}


def test_every_schema_of_the_api_page_shows_its_fields_even_one_of_alternatives() -> None:
    """NewOutcome, a oneOf of won, lost and open, read "Type: object" with none of its fields."""
    from assess_app.api.openapi import openapi_document
    from sales_process.loader import load_process

    root = Path(__file__).resolve().parents[2]
    page = (root / "docs" / "reference" / "api.md").read_text(encoding="utf-8")
    schemas = openapi_document(load_process(root / "process.yaml"))["components"]["schemas"]
    sections = dict(section.split("\n", 1) for section in page.split("## Schemas", 1)[1].split("\n### ")[1:])
    for name, schema in schemas.items():
        fields = _fields(schema)
        assert not fields or "Type: object" not in sections[name], name
        assert all(f"| `{field}` |" in sections[name] for field in fields), name
    assert sections["NewOutcome"].count("| `outcome` |") == 3


def test_the_api_page_says_the_deals_endpoints_take_a_token_only() -> None:
    """A signed-in session's cookie gets 401 from the API: the page offered it as a way in."""
    page = (Path(__file__).resolve().parents[2] / "docs" / "reference" / "api.md").read_text(encoding="utf-8")
    assert "signed-in session" not in page
    assert page.count("Authentication: bearerAuth (`Authorization: Bearer TOKEN`) only") >= 9


@pytest.mark.parametrize(
    ("schema", "text"),
    [
        (
            {"anyOf": [{"type": "array", "items": {"enum": ["a", "b"]}}, {"enum": ["a", "b"]}]},
            'array of (`"a"` or `"b"`) or one of them',
        ),
        ({"type": "array", "items": {"enum": ["a"]}}, 'array of `"a"`'),
        ({"anyOf": [{"type": "string"}, {"type": "string"}, {"type": "null"}]}, "string or null"),
    ],
)
def test_a_schema_reads_in_a_few_words_each_alternative_once(schema: dict[str, object], text: str) -> None:
    """NewConfirmation.milestones, a list of ids or one id, listed every id twice."""
    assert type_text(schema) == text


def test_the_api_page_lists_each_milestone_a_buyer_confirms_once() -> None:
    page = (Path(__file__).resolve().parents[2] / "docs" / "reference" / "api.md").read_text(encoding="utf-8")
    [row] = [line for line in page.split("### NewConfirmation", 1)[1].splitlines() if line.startswith("| `milestones`")]
    assert row.count('`"pain-confirmed"`') == 1, row


def test_the_benchmark_table_names_the_machine_of_each_refreshed_figure(tmp_path: Path) -> None:
    """A figure measured again on another day names the machine it ran on: the header's is the full run's."""
    from docs_tools.benchmark_table import RESULTS, benchmark_table

    data = json.loads(RESULTS.read_text(encoding="utf-8"))
    data["refreshed"] = {"deal records": "2027-01-04T10:00:00+00:00", "scale": "2027-01-05T10:00:00+00:00"}
    data["refreshed_on"] = {"deal records": "Some CPU"}
    results = tmp_path / "results.json"
    results.write_text(json.dumps(data), encoding="utf-8")
    header = benchmark_table(results).split(" Machine: ")[0]
    assert header.endswith("deal records: run of 2027-01-04 on Some CPU. scale: run of 2027-01-05.")


def test_check_says_which_page_is_stale_and_writes_nothing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # `--check` was ignored: it rewrote the pages, so a drift it was run to find was fixed and never said.
    from docs_tools import __main__ as docs_tools_main
    from docs_tools import pages

    page = GENERATED[0]
    committed = page.path.read_text(encoding="utf-8")
    monkeypatch.setattr(pages, "GENERATED", (Generated(page.path, lambda: committed + "drift\n"),))
    assert docs_tools_main.main(["--check"]) == 1
    assert f"stale: {page.path}" in capsys.readouterr().err
    assert page.path.read_text(encoding="utf-8") == committed
    monkeypatch.setattr(pages, "GENERATED", (Generated(page.path, lambda: committed),))
    assert docs_tools_main.main(["--check"]) == 0
