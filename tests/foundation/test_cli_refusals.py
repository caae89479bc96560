"""Mistakes a new user makes with the commands' paths and options: each is one clear error with its fix, a non-zero
exit status, no traceback, and nothing of the user's lost or half-written."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from playbook_cli.main import main
from tests.conftest import DEFAULT_PROCESS, sqlite_copy

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder with the default process, a folder `adir`, a file `afile` and empty and broken YAML files."""
    shutil.copy(DEFAULT_PROCESS, tmp_path / "process.yaml")
    (tmp_path / "adir").mkdir()
    (tmp_path / "afile").write_text("mine\n", encoding="utf-8")
    (tmp_path / "empty.yaml").write_text("", encoding="utf-8")
    (tmp_path / "bad.yaml").write_text("a: [1\n", encoding="utf-8")
    (tmp_path / "empty.db").write_text("", encoding="utf-8")
    (tmp_path / "pg.dump").write_bytes(b"PGDMP\x01\x0e\x00\x04\x08\x01\x01\x01" + bytes(64))  # pg_dump -Fc's start
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PLAYBOOK_DATABASE_URL", raising=False)
    return tmp_path


@pytest.mark.parametrize(
    ("argv", "status", "error"),
    [
        pytest.param(["serve", "--port", "-1"], 2, "argument --port: '-1' is not a port; give a number", id="port-1"),
        pytest.param(["serve", "--port", "70000"], 2, "'70000' is not a port", id="port-too-large"),
        pytest.param(["serve", "--port", "http"], 2, "'http' is not a port", id="port-not-a-number"),
        pytest.param(["serve", "--host", ""], 2, "argument --host: give an address, such as 127.0.0.1", id="no-host"),
        pytest.param(
            ["digest", "--as-of", "0001-01-01"],
            2,
            "argument --as-of: '0001-01-01' is out of range; give a date from 1900-01-01 to 9998-12-31",
            id="date-out-of-range",
        ),
        pytest.param(
            ["export", "--out", "afile"], 1, "afile is a file, not a folder; choose a folder", id="export-file"
        ),
        pytest.param(
            ["export", "--config-file", "empty.yaml", "--out", "new"],
            1,
            "empty.yaml: not a MkDocs configuration (the file holds no settings); pass the playbook's mkdocs.yml",
            id="export-empty-config",
        ),
        pytest.param(
            ["export", "--config-file", "bad.yaml", "--out", "new"],
            1,
            "bad.yaml:2:1: not a MkDocs configuration: expected ',' or ']'",
            id="export-broken-config",
        ),
        pytest.param(
            ["deals", "export", "--output", "adir"],
            1,
            "adir: it is a folder; give a file's path",
            id="deals-to-a-folder",
        ),
        pytest.param(
            ["deals", "export", "--output", "no/such/folder.csv"],
            1,
            "no/such/folder.csv: no such file; check the path (and that its folder exists)",
            id="deals-to-no-folder",
        ),
        pytest.param(
            ["db", "backup", "b.db", "--database", "sqlite:///missing.db"],
            1,
            "no database at missing.db; check --database",
            id="backup-of-nothing",
        ),
        pytest.param(
            ["db", "backup", "no/such/b.db"],
            1,
            "no/such is not a folder; name a backup file in a folder that exists",
            id="backup-to-no-folder",
        ),
        pytest.param(
            ["db", "restore", "empty.db", "--database", "sqlite:///restored.db"],
            1,
            "empty.db holds no deal records (it is empty); name a backup made by `playbook db backup`",
            id="restore-an-empty-file",
        ),
        pytest.param(
            ["db", "backup", "adir"],
            1,
            f"adir is a folder; name a new file in it, e.g. adir/playbook-{dt.date.today():%Y-%m-%d}.db",
            id="backup-to-a-folder",
        ),
        pytest.param(
            ["db", "backup", "adir", "--database", "postgresql+psycopg://playbook:S3cr@db.internal/playbook"],
            1,
            f"adir is a folder; name a new file in it, e.g. adir/playbook-{dt.date.today():%Y-%m-%d}.dump",
            id="postgresql-backup-to-a-folder",
        ),
        pytest.param(
            ["db", "restore", "pg.dump", "--database", "sqlite:///restored.db"],
            1,
            "pg.dump is a PostgreSQL backup (pg_dump's custom format), and this database is SQLite: restore it into "
            "PostgreSQL (--database postgresql+psycopg://user:password@host/dbname), or name a backup that "
            "`playbook db backup` made of SQLite",
            id="restore-a-postgresql-backup-into-sqlite",
        ),
        pytest.param(
            ["dbt", "--out", "project", "--dialect", "duckdb", "--seed", "adir"],
            1,
            "adir: error: it is a folder; give a file's path",
            id="seed-folder",
        ),
        pytest.param(
            ["import", "pipeline.csv", "--rejects", "r.csv"],
            2,
            "--rejects names where --skip-bad writes the rows not imported; add --skip-bad, or leave --rejects out",
            id="rejects-without-skip-bad",
        ),
        pytest.param(
            ["db", "status", "--database", "sqlite:///restored.db"],
            1,
            "no database at restored.db (--database): check the path",
            id="status-of-no-database",
        ),
        pytest.param(
            ["validate", "--strict", "--database", "nonsense"],
            1,
            "playbook validate: warning: the saved deals were not checked: 'nonsense' is not a database URL",
            id="strict-with-a-database-it-cannot-read",
        ),
    ],
)
def test_a_path_or_option_the_command_cannot_use_is_one_clear_error(
    folder: Path, capsys: pytest.CaptureFixture[str], argv: list[str], status: int, error: str
) -> None:
    assert main(argv) == status
    err = capsys.readouterr().err
    assert error in err
    assert "Traceback" not in err
    assert not (folder / "restored.db").exists()  # a refused restore creates no database
    assert not (folder / "b.db").exists()


def test_export_into_a_folder_of_other_files_writes_nothing(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes = folder / "mine" / "docs" / "notes.md"
    notes.parent.mkdir(parents=True)
    notes.write_text("my notes\n", encoding="utf-8")
    assert main(["export", "--out", "mine"]) == 1
    assert "mine is not empty and holds no earlier export" in capsys.readouterr().err
    assert notes.read_text(encoding="utf-8") == "my notes\n"
    assert [path.name for path in (folder / "mine").rglob("*")] == ["docs", "notes.md"]
    assert main(["export", "--out", "exported"]) == 0
    assert main(["export", "--out", "exported"]) == 0  # an earlier export is replaced


def test_import_with_skip_bad_writes_no_row_when_the_rejects_cannot_be_written(
    folder: Path, capsys: pytest.CaptureFixture[str], request: pytest.FixtureRequest
) -> None:
    shutil.copy(ROOT / "examples" / "pipeline.csv", folder / "pipeline.csv")
    database = sqlite_copy(request, folder)
    argv = ["import", "pipeline.csv", "--skip-bad", "--rejects", "adir", "--database", database, "--new-deals"]
    assert main(argv) == 1
    assert "adir: the rejects file is a folder; name a file with --rejects FILE" in capsys.readouterr().err
    assert main(["deals", "export", "--database", database]) == 0
    assert capsys.readouterr().out.count("\n") == 1  # the header alone: nothing was imported


def test_import_with_skip_bad_of_nothing_good_fails(
    folder: Path, capsys: pytest.CaptureFixture[str], request: pytest.FixtureRequest
) -> None:
    (folder / "bad.csv").write_text("deal,stage,amount\nA,Nowhere,1\nB,Nowhere,2\n", encoding="utf-8")
    database = sqlite_copy(request, folder)
    assert main(["import", "bad.csv", "--skip-bad", "--database", database, "--new-deals"]) == 1
    captured = capsys.readouterr()
    assert "not imported: 2 rows, each with its reason in bad.csv.rejects.csv" in captured.out
    assert "bad.csv: error: nothing was imported: every row has a problem (see bad.csv.rejects.csv)" in captured.err
    assert (folder / "bad.csv.rejects.csv").read_text(encoding="utf-8").count("unknown stage 'Nowhere'") == 2


def test_a_process_file_named_by_the_environment_is_said_so(
    folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLAYBOOK_PROCESS", "nope.yaml")
    assert main(["validate", "--process", "nope.yaml"]) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        "nope.yaml: error: no such file; it is the file PLAYBOOK_PROCESS names: correct PLAYBOOK_PROCESS, "
        "or pass --process PATH"
    )
