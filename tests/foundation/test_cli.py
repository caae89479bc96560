"""The `playbook` command line: help with examples, usage errors exit 2, --process defaults."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

from docs_tools.cli_reference import command_parsers
from playbook_cli.main import build_parser, main
from tests.foundation.processes import VALID

ROOT = Path(__file__).resolve().parents[2]


def test_help_shows_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "examples:\n  playbook init" in out and "\n  playbook validate --strict" in out


def test_version_is_the_packages(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert capsys.readouterr().out == f"playbook {pyproject['project']['version']}\n"


COMMANDS = [(words[1:], parser) for words, parser in command_parsers(build_parser(), ["playbook"]) if len(words) > 1]


@pytest.mark.parametrize(("words", "parser"), COMMANDS, ids=[" ".join(words) for words, _ in COMMANDS])
def test_each_command_and_action_help_says_what_it_does_and_shows_an_example(
    words: list[str], parser: argparse.ArgumentParser, capsys: pytest.CaptureFixture[str]
) -> None:
    """`playbook users add --help` as much as `playbook audit --help`: the sentence `playbook` (or the
    command) lists it with, and example lines that run it (an action's from its command's examples)."""
    assert main([*words, "--help"]) == 0
    out = capsys.readouterr().out
    assert parser.description and parser.description[:1].isupper() and parser.description.endswith(".")
    assert f"\n\n{parser.description}\n\n" in out
    assert re.search(rf"^examples?:\n(.*\n)*?  (.*\| )?playbook {' '.join(words)}\b", out, re.MULTILINE), out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["lint"], "invalid choice: 'lint' (choose from 'init', "),
        (["lint"], "'backtest', 'digest'); did you mean validate?\n"),  # the command other tools call lint
        (["check"], "; did you mean validate (process.yaml) or assess (one deal)?"),
        (["valdate"], "; did you mean validate?"),
        (["users", "ad"], "playbook users: error: argument ACTION: invalid choice: 'ad' (choose from 'add', "),
        (["users", "ad"], "; did you mean add?"),
        (
            ["validate", "--stritc"],
            "playbook validate: error: unrecognized arguments: --stritc; did you mean '--strict'?",
        ),
        (
            ["audit", "p.csv", "--month-frist"],
            "playbook audit: error: unrecognized arguments: --month-frist; did you mean",
        ),
        (["audit", "a.csv", "b.csv"], "usage: playbook audit [-h]"),
        (["users", "add", "a@example.com", "--role", "rep", "--password=x"], "usage: playbook users add [-h]"),
        (
            ["users", "add", "a@example.com", "--role", "rep", "--zzz"],
            "playbook users add: error: unrecognized arguments: --zzz\n",
        ),
        (["assess"], "the following arguments are required: DEAL_FILE"),
        (["assess", "d.json", "--as-of", "2027-02-30"], "'2027-02-30' is not a real calendar date"),
    ],
)
def test_usage_errors_exit_2(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert message in captured.err + captured.out


def test_process_defaults_to_the_environment_variable(
    write_file: Callable[[str, str], Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_file("elsewhere.yaml", VALID)
    monkeypatch.setenv("PLAYBOOK_PROCESS", str(path))
    assert main(["validate"]) == 0
    assert capsys.readouterr().out == f"{path}: valid: 2 stages, 1 milestone.\n"


def test_process_defaults_to_process_yaml_in_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "process.yaml").write_text(VALID, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PLAYBOOK_PROCESS", raising=False)
    assert main(["validate"]) == 0
    assert capsys.readouterr().out == "process.yaml: valid: 2 stages, 1 milestone.\n"


def test_playbook_alone_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    out = capsys.readouterr().out
    assert out.startswith("usage: playbook")
    for command in ("validate", "schema", "assess", "build", "serve", "audit", "export"):
        assert f"\n    {command} " in out, command


@pytest.mark.parametrize(
    "argv",
    [
        ["schema"],
        ["validate"],
        ["assess", str(ROOT / "tests/engine/golden/contoso-deal.json")],
        ["audit", str(ROOT / "examples/pipeline.csv"), "--as-of", "2027-03-01", "--out", "{tmp}/audit"],
    ],
    ids=lambda argv: argv[0],
)
def test_a_closed_output_pipe_ends_a_command_quietly(argv: list[str], tmp_path: Path) -> None:
    command = [sys.executable, "-m", "playbook_cli", *(part.format(tmp=tmp_path) for part in argv)]
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()  # like `| head` that has read its lines, before the command writes
        errors = process.stderr.read().decode()
    assert "Traceback" not in errors and "BrokenPipeError" not in errors, errors
    assert process.returncode == 1


@pytest.mark.parametrize(
    ("argv", "left_out"),
    [
        (["validate"], ["sqlalchemy", "alembic", "flask", "mkdocs", "duckdb"]),  # no deal records in the folder
        (["assess", str(ROOT / "tests/engine/golden/contoso-deal.json")], ["sqlalchemy", "flask", "mkdocs"]),
    ],
    ids=["validate", "assess"],
)
def test_a_small_command_imports_only_what_it_uses(argv: list[str], left_out: list[str], tmp_path: Path) -> None:
    """Start-up is most of a small command's time: `playbook validate` took 1.2 s importing SQLAlchemy
    and Alembic to learn there were no saved deals, where it needs 0.3 s."""
    (tmp_path / "process.yaml").write_text((ROOT / "process.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    script = (
        "import sys\nfrom playbook_cli.main import main\nstatus = main(sys.argv[1:])\n"
        "print(status, *sorted(name for name in sys.modules if '.' not in name))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, *argv],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT), "PLAYBOOK_DATABASE_URL": ""},
    )
    status, *modules = done.stdout.split("\n")[-2].split()
    assert status == "0", done.stdout + done.stderr
    assert not set(left_out) & set(modules)


def test_validate_takes_the_file_as_its_argument_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PLAYBOOK_PROCESS", raising=False)
    (tmp_path / "process.yml").write_text(VALID, encoding="utf-8")
    assert main(["validate"]) == 1  # process.yaml is not there, process.yml is: the error names it
    assert capsys.readouterr().err == (
        "process.yaml: error: no such file; process.yml is here: pass --process process.yml, "
        "or rename it to process.yaml\n1 error found.\n"
    )
    assert main(["validate", "process.yml"]) == 0
    assert capsys.readouterr().out == "process.yml: valid: 2 stages, 1 milestone.\n"
    assert main(["validate", "process.yml", "--process", "other.yaml"]) == 2
    assert "give the process file once: as FILE (process.yml) or as --process (other.yaml)" in capsys.readouterr().err
