"""The manual's worked examples are real output: each is run as the page shows it, and every line the
page prints is a line the command prints."""

from __future__ import annotations

import os
import re
from pathlib import Path

import duckdb
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


def _loading_statements() -> list[tuple[str, str]]:
    """Every statement of the manual that loads a CSV file into DuckDB, with the page it is on."""
    pattern = re.compile(r"""con\.(?:execute|sql)\("(CREATE [^"]*(?:read_csv\(|FROM ')[^"]*)"\)""")
    return [
        (str(page.relative_to(DOCS)), statement)
        for page in sorted(DOCS.rglob("*.md"))
        for statement in pattern.findall(page.read_text(encoding="utf-8"))
    ]


def test_every_csv_the_manual_loads_into_duckdb_is_loaded_as_text() -> None:
    """DuckDB's CSV reader, left to guess the types, reads 10/21/26 as the year 26: every example loads as text."""
    statements = _loading_statements()
    assert {page for page, _ in statements} >= {"revops/sql.md", "revops/sql-reference.md"}
    assert [(page, s) for page, s in statements if "all_varchar = true" not in s] == []


def _us_dates(line: str, two_digit_years: bool) -> str:
    """The line with its ISO dates written as Salesforce writes them in the US: 2/3/27, or 2/3/2027."""
    return re.sub(
        r"\b(20)([0-9]{2})-([0-9]{2})-([0-9]{2})\b",
        lambda m: f"{int(m[3])}/{int(m[4])}/{m[2] if two_digit_years else m[1] + m[2]}",
        line,
    )


def test_the_sql_pages_loading_code_on_two_digit_years_gives_the_audits_totals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The walkthrough's run.py loads a file of dates such as 2/3/27 and 2/3/2027 (a Salesforce export) and its
    verdict totals the audit's; typed by DuckDB's guess, 2/3/27 was the year 27, its milestones stale."""
    page = (DOCS / "revops" / "sql.md").read_text(encoding="utf-8")
    [load] = [line for line in _block(page, "python", "## 3. Run it on DuckDB").splitlines() if "deals.csv" in line]
    lines = ROOT.joinpath("examples", "pipeline.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (tmp_path / "deals.csv").write_text("".join(_us_dates(line, i % 2 == 0) for i, line in enumerate(lines)), "utf-8")
    monkeypatch.chdir(tmp_path)
    options = ["--as-of", "2027-03-01", "--month-first", "--process", str(ROOT / "process.yaml")]
    assert main(["sql", "--dialect", "duckdb", "--from", "deals", "--columns-from", "deals.csv", *options]) == 0
    statement = capsys.readouterr().out.rstrip().removesuffix(";")
    assert main(["audit", "deals.csv", *options, "--out", "audit"]) == 0
    audited = capsys.readouterr().out
    con = duckdb.connect()
    eval(load.strip(), {"con": con})  # the page's own line, as run.py runs it
    claimed, verified = con.execute(
        f"SELECT sum(claimed_weighted), sum(verified_weighted) FROM ({statement}) WHERE claimed_weighted IS NOT NULL"
    ).fetchone() or (None, None)
    assert f"claimed:    {claimed:,.2f}" in audited and f"verified:   {verified:,.2f}" in audited, audited


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


@pytest.mark.parametrize("engine", ["python", "duckdb"])
def test_the_audit_pages_closed_deals_example_is_what_the_audit_prints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], engine: str
) -> None:
    """The won deal at 12k of examples/pipeline.csv is named, line and why, as the page shows it."""
    page = (DOCS / "revops" / "audit.md").read_text(encoding="utf-8")
    shown = _block(page, "text", "### Closed deals whose amount is not summed").splitlines()
    command = ["audit", str(ROOT / "examples" / "pipeline.csv"), "--as-of", "2027-03-01", "--engine", engine]
    assert main([*command, "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out.splitlines()
    start = printed.index(shown[0])
    assert printed[start : start + len(shown)] == shown
    assert "4 bad rows: 3 not assessed, and a won deal" in page and "Deals not assessed: 3" in printed
