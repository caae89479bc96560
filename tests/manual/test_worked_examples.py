"""The manual's worked examples are real output: each is run as the page shows it, and every line the
page prints is a line the command prints."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from playbook_cli.main import main
from tests.engine.test_buyer_confirmation import PROCESS_TEXT

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"


def _block(page: str, opening: str, after: str = "") -> str:
    """The text of the first fenced block opened by `opening` (after the text `after`)."""
    return page.split(after, 1)[1].split(f"```{opening}\n", 1)[1].split("```", 1)[0]


def test_the_practice_pages_scenario_error_is_what_validate_prints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    page = (DOCS / "enablement" / "practice.md").read_text(encoding="utf-8")
    after = "here appended to the default `process.yaml`"
    scenario, console = _block(page, "yaml", after), _block(page, "console", after)
    process = ROOT.joinpath("process.yaml").read_text(encoding="utf-8").rstrip("\n") + "\n" + scenario
    (tmp_path / "process.yaml").write_text(process, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    command, *shown = console.splitlines()
    assert command == "$ playbook validate"
    assert main(["validate"]) == 1
    assert capsys.readouterr().err.splitlines() == shown


def test_the_audit_pages_buyers_word_example_is_what_the_audit_prints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    page = (DOCS / "revops" / "audit.md").read_text(encoding="utf-8")
    after = "## The buyer's word in an export"
    (tmp_path / "pipeline.csv").write_text(_block(page, "csv", after), encoding="utf-8")
    (tmp_path / "process.yaml").write_text(PROCESS_TEXT, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    command, *shown = _block(page, "console", after).splitlines()
    assert command == "$ playbook audit pipeline.csv --process process.yaml --as-of 2027-03-01"
    assert main(command.removeprefix("$ playbook ").split()) == 0
    printed = capsys.readouterr().out.splitlines()
    lines = [line for line in shown if line != "..."]
    assert len(lines) >= 5 and all(line in printed for line in lines), [line for line in lines if line not in printed]
    assert os.path.isfile(tmp_path / "audit-out" / "audit.csv")


def _blocks(page: str, opening: str) -> list[str]:
    """The text of every fenced block opened by `opening`, in order."""
    return [part.split("```", 1)[0] for part in page.split(f"```{opening}\n")[1:]]


def _run_shown(console: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Run the block's command; every line it shows (but '…') is a line the command prints."""
    command, *shown = console.splitlines()
    main(command.removeprefix("$ playbook ").split())
    captured = capsys.readouterr()
    printed = (captured.out + captured.err).splitlines()
    lines = [line for line in shown if line != "…"]
    assert lines and all(line in printed for line in lines), [line for line in lines if line not in printed]


def test_the_conditional_milestones_example_is_what_the_commands_print(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The page showed one stage to paste into `playbook init`'s process: a duplicate id, then another verdict.
    page = (DOCS / "enablement" / "conditional-milestones.md").read_text(encoding="utf-8")
    process, small, big = _blocks(page, "yaml")
    validate, assess_small, assess_big, validate_bad = _blocks(page, "console")
    (tmp_path / "process.yaml").write_text(process, encoding="utf-8")
    (tmp_path / "small.yaml").write_text(small, encoding="utf-8")
    (tmp_path / "big.yaml").write_text(big, encoding="utf-8")
    # bad.yaml: the edits the page describes, made to its process.yaml.
    trial = "        evidence: The customer's email confirming the trial result.\n        group: product-proof\n"
    demo = "        evidence: The accepted demo invitation with the attendees.\n"
    bad = process.replace(trial, trial + "        required: false\n").replace(
        demo + "        required: false\n", demo + "        required_when:\n          amount_at_least: 100.000\n"
    )
    cut = bad.index("      - id: reference-call-held\n")
    bad = bad[:cut] + bad[bad.index("  - id: proposing\n") :]
    (tmp_path / "bad.yaml").write_text(bad, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "--strict"]) == 0
    capsys.readouterr()
    for console in (validate, assess_small, assess_big, validate_bad):
        _run_shown(console, capsys)
