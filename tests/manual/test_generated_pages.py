"""The manual's generated pages (CLI and API references, benchmark table) match what the code writes now."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

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
