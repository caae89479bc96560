"""The manual's worked examples are real output: each is run as the page shows it, and every line the
page prints is a line the command prints."""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
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
    """DuckDB's CSV reader, left to guess the types, reads 21/10/26 as 2021-10-26, and 10/21/26 as the year 26
    beside 10/22/2026: every example loads as text."""
    statements = _loading_statements()
    assert {page for page, _ in statements} >= {"revops/sql.md", "revops/sql-reference.md"}
    assert [(page, s) for page, s in statements if "all_varchar = true" not in s] == []


def _duckdb_dates(column: list[str], folder: Path) -> str:
    """What DuckDB's CSV reader, left to guess the type, reads of a column of these dates, as the page writes it."""
    path = folder / "dates.csv"
    path.write_text("closed\n" + "".join(f"{day}\n" for day in column), encoding="utf-8")
    try:
        read = duckdb.connect().execute("SELECT closed FROM read_csv(?)", [str(path)]).fetchall()
    except duckdb.ConversionException as error:
        [message] = re.findall(r'Could not convert string "[^"]*" to \'DATE\'', str(error))
        return f'nothing: a conversion error ("{message}")'
    return ", ".join(f"{day.year:04d}-{day.month:02d}-{day.day:02d}" for (day,) in read)


def test_the_sql_pages_table_of_dates_duckdb_misreads_is_what_duckdb_reads(tmp_path: Path) -> None:
    """The page said DuckDB takes 10/21/26 for the year 26: alone it reads 2026-10-21; beside 10/22/2026 it is 26."""
    page = (DOCS / "revops" / "sql.md").read_text(encoding="utf-8")
    section = page.split("## 3. Run it on DuckDB", 1)[1].split(
        "| The column holds | DuckDB reads |\n| --- | --- |\n", 1
    )[1]
    rows = [
        [cell.strip() for cell in line.strip("|").split(" | ")] for line in section.split("\n\n", 1)[0].splitlines()
    ]
    assert len(rows) >= 5 and all(len(row) == 2 for row in rows), rows
    assert any(row[1].startswith("0026-") for row in rows) and any(row[1].startswith("nothing") for row in rows)
    for holds, shown in rows:
        column = re.findall(r"`([^`]+)`", holds)
        assert _duckdb_dates(column, tmp_path) == shown, holds


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


def _after(text: str, command: str) -> list[str]:
    """The lines a console block shows after `$ command`, to the next command or its end."""
    lines = ("\n" + text).split(f"\n$ {command}\n", 1)[1].splitlines()
    ends = [index for index, line in enumerate(lines) if line.startswith("$ ")]
    return [line for line in lines[: ends[0] if ends else None] if line != "…"]


def _printed(argv: str, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """What `playbook ARGV` prints, out and err, after it exits 0."""
    assert main(argv.split()) == 0, argv
    captured = capsys.readouterr()
    return (captured.out + captured.err).splitlines()


def test_the_sql_and_dbt_walkthroughs_are_what_the_conditional_milestones_process_gives(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pages say they use the process of Conditional and optional milestones, and showed another's name, hash and
    last milestone (Mid-market sales 1, proposal-reviewed): each line they print is that process's."""
    sql = (DOCS / "revops" / "sql.md").read_text(encoding="utf-8")
    dbt = (DOCS / "revops" / "dbt.md").read_text(encoding="utf-8")
    conditional = (DOCS / "enablement" / "conditional-milestones.md").read_text(encoding="utf-8")
    assert "for the process of [Conditional and optional milestones](../enablement/conditional-milestones.md)" in sql
    assert "the export of [The verdict as SQL](sql.md#1-a-table-of-deals)" in dbt
    (tmp_path / "process.yaml").write_text(_blocks(conditional, "yaml")[0], encoding="utf-8")
    (tmp_path / "deals.csv").write_text(_block(sql, "text", "## 1. A table of deals"), encoding="utf-8")
    (tmp_path / "run.py").write_text(_block(sql, "python", "## 3. Run it on DuckDB"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    write = _block(sql, "console", "## 2. Write the SQL")
    command = (
        "playbook sql --dialect duckdb --from deals --as-of 2027-03-01 --columns-from deals.csv --view verified_deals"
    )
    statement = _printed(command.removeprefix("playbook "), capsys)
    assert _after(write, f"{command} > verdict.sql") == []
    assert _after(write, "head -6 verdict.sql") == statement[:6]
    (tmp_path / "verdict.sql").write_text("\n".join(statement) + "\n", encoding="utf-8")

    shown = _after(_block(sql, "console", "reads such a file itself."), "python run.py")
    ran = subprocess.run([sys.executable, "run.py"], capture_output=True, text=True, check=True, timeout=120)
    assert ran.stdout.rstrip("\n").splitlines() == shown, ran.stdout

    audit = _after(_block(sql, "console", "The audit of the same file"), "playbook audit deals.csv --as-of 2027-03-01")
    printed = _printed("audit deals.csv --as-of 2027-03-01", capsys)
    assert len(audit) >= 4 and [line for line in audit if line not in printed] == []

    seed = _block(dbt, "console", "## Try it on DuckDB, from an export")
    command = "playbook dbt --out try-dbt --dialect duckdb --seed deals.csv --as-of 2027-03-01"
    assert _after(seed, command) == _printed(command.removeprefix("playbook "), capsys)
    files = sorted(str(path.relative_to(tmp_path)) for path in (tmp_path / "try-dbt").rglob("*") if path.is_file())
    assert _after(seed, "find try-dbt -type f | sort") == files
    warehouse = _block(dbt, "console", "## In a warehouse: PostgreSQL")
    command = (
        "playbook dbt --out verdict-dbt --dialect postgres --from crm.deals --columns-from deals.csv --as-of 2027-03-01"
    )
    assert _after(warehouse, command) == _printed(command.removeprefix("playbook "), capsys)


def _options(command: str) -> set[str]:
    """The options of `playbook COMMAND`."""
    from playbook_cli.main import build_parser

    parser = build_parser([command])
    [commands] = [action for action in parser._actions if isinstance(action, argparse._SubParsersAction)]
    return {option for action in commands.choices[command]._actions for option in action.option_strings}


def test_the_api_guides_commands_that_take_today_have_the_as_of_it_names() -> None:
    """The guide listed `import` without `--as-of`: import has no --as-of, and takes today for its close dates."""
    guide = " ".join((DOCS / "reference" / "api-guide.md").read_text(encoding="utf-8").split())
    listed = guide.split("the commands take the same day (", 1)[1].split(")", 1)[0]
    with_as_of, without = listed.split(" without `--as-of`", 1)
    named = [name.removeprefix("playbook ") for name in re.findall(r"`([^`]+)`", with_as_of)]
    assert named == ["audit", "assess", "digest"], listed
    assert all("--as-of" in _options(command) for command in named)
    [no_as_of] = re.findall(r"`([^`]+)`, which has no `--as-of`", without)
    assert "--as-of" not in _options(no_as_of)


def test_the_backtest_pages_errors_are_what_the_backtest_prints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page cut the unknown stage's fix short ("map it under crm.stage_names"), leaving out --stage-name."""
    page = (DOCS / "revops" / "backtest.md").read_text(encoding="utf-8")
    console = _block(page, "console", "## When something is wrong")
    [stage] = re.findall(r"unknown stage '([^']+)'", console)
    (tmp_path / "process.yaml").write_text(ROOT.joinpath("process.yaml").read_text(encoding="utf-8"), "utf-8")
    (tmp_path / "closed.csv").write_text(ROOT.joinpath("examples", "closed-deals.csv").read_text("utf-8"), "utf-8")
    (tmp_path / "history.csv").write_text(f"deal,stage,date\n006A0001,{stage},2026-02-17\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    commands = [line for line in console.splitlines() if line.startswith("$ ")]
    assert commands == ["$ playbook backtest closed.csv", "$ playbook backtest closed.csv --history history.csv"]
    for command in commands:
        assert main(command.removeprefix("$ playbook ").split()) == 1
        captured = capsys.readouterr()
        assert (captured.out + captured.err).splitlines() == _after(console, command.removeprefix("$ "))


def test_the_size_from_which_auto_picks_duckdb_is_the_engines() -> None:
    """The SQL reference names the threshold and its constant: a change to one without the other fails here."""
    from pipeline_audit.duckdb_engine import AUTO_DUCKDB_BYTES

    page = " ".join((DOCS / "revops" / "sql-reference.md").read_text(encoding="utf-8").split())
    [megabytes] = re.findall(r"`auto` picks DuckDB for files of ([0-9]+) MB or more \(`AUTO_DUCKDB_BYTES`", page)
    assert int(megabytes) * 1_000_000 == AUTO_DUCKDB_BYTES


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


def test_the_checking_pages_example_deal_says_a_bare_true_needs_evidence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The example deal's bare `true` is no_evidence, as the page says beside it, with the reason it quotes."""
    page = (DOCS / "reps" / "checking-a-deal.md").read_text(encoding="utf-8")
    deal = tmp_path / "deal.json"
    deal.write_text(_block(page, "json", "## From the command line"), encoding="utf-8")
    assert main(["assess", str(deal), "--process", str(ROOT / "process.yaml"), "--json"]) == 0
    statuses = {item["id"]: item for item in json.loads(capsys.readouterr().out)["milestones"]}
    bare = statuses["proposal-agreed-next-step"]
    assert bare["status"] == "no_evidence"
    assert bare["reason"].startswith("Marked as met but no evidence was named")
    explained = " ".join(page.split("```json\n", 1)[1].split("```sh", 1)[0].split())
    assert (
        '`"proposal-agreed-next-step": true` above comes out `no_evidence` ("Marked as met but no evidence was named")'
        in explained
    )
