"""`playbook init`, `playbook docs`, and the optional extras saying what to install when missing."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from deal_records.database import BadDatabaseUrl, check_url
from pipeline_audit import duckdb_engine
from playbook_cli.main import main
from sales_process.loader import load_process
from sales_process.schema import process_json_schema_text

ROOT = Path(__file__).resolve().parents[2]


def test_init_writes_the_default_process_with_its_modeline_and_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init", str(tmp_path)]) == 0
    written = (tmp_path / "process.yaml").read_text(encoding="utf-8")
    assert written.startswith("# yaml-language-server: $schema=process.schema.json\n")
    assert written == (ROOT / "process.yaml").read_text(encoding="utf-8")
    assert (tmp_path / "process.schema.json").read_text(encoding="utf-8") == process_json_schema_text()
    json.loads((tmp_path / "process.schema.json").read_text(encoding="utf-8"))
    assert load_process(tmp_path / "process.yaml").process.stages
    assert capsys.readouterr().out == (
        f"Wrote {tmp_path / 'process.yaml'} and {tmp_path / 'process.schema.json'}.\n"
        "Next: edit the process (first its `company:`, the name buyers read in confirmation emails), "
        "then `playbook validate --strict` and `playbook serve`.\n"
    )


@pytest.mark.parametrize("existing", ["process.yaml", "process.schema.json"])
def test_init_refuses_to_overwrite_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], existing: str
) -> None:
    (tmp_path / existing).write_text("mine\n", encoding="utf-8")
    assert main(["init", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert f"{tmp_path / existing} already exists; nothing was written" in err
    assert [path.name for path in tmp_path.iterdir()] == [existing]
    assert (tmp_path / existing).read_text(encoding="utf-8") == "mine\n"


def test_init_names_both_files_when_both_exist(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("process.yaml", "process.schema.json"):
        (tmp_path / name).write_text("mine\n", encoding="utf-8")
    assert main(["init", str(tmp_path)]) == 1
    assert capsys.readouterr().err == (
        f"playbook init: error: {tmp_path / 'process.yaml'} and {tmp_path / 'process.schema.json'} already exist; "
        "nothing was written (move them away, or run playbook init in another folder)\n"
    )


def test_docs_gives_the_serve_command_in_a_checkout_and_the_address_elsewhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT / "docs")
    assert main(["docs"]) == 0
    inside = capsys.readouterr().out.splitlines()
    # Each command alone on its line, to copy whole: the address to open was on the same line.
    assert f"  mkdocs serve -f {ROOT / 'manual.yml'} --dev-addr 127.0.0.1:8001" in inside
    assert "then open http://127.0.0.1:8001/" in inside
    assert f"  mkdocs build --strict -f {ROOT / 'manual.yml'} --site-dir {ROOT / 'manual-site'}" in inside
    monkeypatch.chdir(tmp_path)
    assert main(["docs"]) == 0
    # Outside a checkout: where the manual is, and the commands that serve it, not `playbook docs` again.
    assert capsys.readouterr().out == (
        "The manual: https://github.com/cvo-playbook/cvo-playbook/tree/main/docs (Markdown pages, readable there in the browser).\n"
        "It is not installed with the package. To read it offline as a site, get the source and serve it:\n"
        "  git clone https://github.com/cvo-playbook/cvo-playbook\n"
        "  cd cvo-playbook\n"
        "  mkdocs serve -f manual.yml --dev-addr 127.0.0.1:8001\n"
        "then open http://127.0.0.1:8001/\n"
    )


def test_the_duckdb_engine_without_duckdb_says_what_to_install(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "duckdb", None)  # Python's own way of making a package not importable
    pipeline = ROOT / "examples" / "pipeline.csv"
    args = ["audit", str(pipeline), "--as-of", "2027-03-01", "--out", str(tmp_path / "out")]
    assert main([*args, "--engine", "duckdb"]) == 1
    assert (
        "playbook audit: error: the DuckDB audit engine needs the duckdb package, which is not installed; "
        "install it with: pip install 'duckdb>=1.2' (cvo-playbook's [duckdb] extra)"
    ) in capsys.readouterr().err
    assert not (tmp_path / "out").exists()  # refused before the output folder was made
    main([*args, "--engine", "auto"])  # a small file: the Python engine, as with DuckDB installed
    assert "DuckDB" not in capsys.readouterr().err
    assert (tmp_path / "out" / "audit.csv").is_file()
    monkeypatch.setattr(duckdb_engine, "AUTO_DUCKDB_BYTES", 1)  # every file counts as large
    main([*args, "--engine", "auto"])
    assert (
        "playbook audit: warning: audited with the Python engine: DuckDB is not installed; "
        "pip install 'duckdb>=1.2' (cvo-playbook's [duckdb] extra) audits exports this large faster"
    ) in capsys.readouterr().err


def test_a_postgresql_url_without_psycopg_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(
        BadDatabaseUrl,
        match=r"install it with: pip install 'psycopg\[binary\]>=3.2' \(cvo-playbook's \[postgres\] extra\)$",
    ):
        check_url("postgresql+psycopg://playbook@db.internal/playbook")
    check_url("sqlite:///playbook.db")
