"""A database URL an operator wrote wrong is refused before anything connects, by every door (the commands, the app
at start): one line saying what is wrong and how to write it, the password hidden, never a traceback."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from assess_app import create_app
from deal_records.schema import head_revision
from playbook_cli.main import main
from tests.conftest import DEFAULT_PROCESS
from tests.postgres import SERVER_USER, PostgresServer

PASSWORD_HELP = "percent-encode it as %40 (and ':' as %3A, '/' as %2F)"
SQLITE_FILES = (
    "write sqlite:///playbook.db (three slashes: a file in the working folder) or sqlite:////srv/playbook/playbook.db "
    "(four: an absolute path)"
)

BAD_URLS = [
    pytest.param(
        "postgresql+psycopg://playbook:S3cr@tPassw0rd@127.0.0.1:55441/playbook",
        "the database URL postgresql+psycopg://playbook:***@127.0.0.1:55441/playbook cannot be read: "
        f"the password holds '@': {PASSWORD_HELP}",
        id="at-in-the-password",
    ),
    pytest.param(
        "postgresql+psycopg://playbook:S3cr@t:Pa55@127.0.0.1:5432/playbook",
        "the database URL postgresql+psycopg://playbook:***@127.0.0.1:5432/playbook cannot be read: "
        f"the password holds '@': {PASSWORD_HELP}",
        id="at-and-colon-in-the-password",
    ),
    pytest.param(
        "postgresql+psycopg://admin@dbserver:pw@db.internal/playbook",
        "the database URL postgresql+psycopg://admin@dbserver:***@db.internal/playbook cannot be read: "
        f"the user name holds '@': {PASSWORD_HELP}",
        id="at-in-the-user-name",
    ),
    pytest.param(
        "postgresql+psycopg://playbook:S3cr@127.0.0.1:notaport/playbook",
        "the port 'notaport' in the database URL postgresql+psycopg://playbook:***@127.0.0.1:notaport/playbook is "
        "not a port: write a number from 1 to 65535 after the host (PostgreSQL's own is 5432), or leave ':PORT' out "
        "for 5432",
        id="port-not-a-number",
    ),
    pytest.param(
        "postgresql+psycopg://playbook:S3cr@127.0.0.1:99999/playbook",
        "the port '99999' in the database URL postgresql+psycopg://playbook:***@127.0.0.1:99999/playbook is not a "
        "port: write a number from 1 to 65535",
        id="port-too-large",
    ),
    pytest.param(
        "postgresql+psycopg:/playbook:S3cr@db.internal/playbook",
        "'postgresql+psycopg:***@db.internal/playbook' is not a database URL; write sqlite:///playbook.db or "
        "postgresql+psycopg://user:password@host/dbname",
        id="one-slash",
    ),
    pytest.param(
        "sqlite:///", "sqlite:/// names no file, and SQLite would keep the records in memory", id="sqlite-no-file"
    ),
    pytest.param(
        "sqlite://",
        f"sqlite:// names no file, and SQLite would keep the records in memory and lose them when the command ends; {SQLITE_FILES}",
        id="sqlite-nothing",
    ),
    pytest.param(
        "sqlite:///:memory:", "sqlite:///:memory: names no file, and SQLite would keep the records", id="sqlite-memory"
    ),
    pytest.param(
        "sqlite://playbook.db",
        "sqlite://playbook.db has two slashes, so playbook.db is read as a server's name; a SQLite database is a "
        "file: write sqlite:///playbook.db (three slashes; four before an absolute path: "
        "sqlite:////srv/playbook/playbook.db)",
        id="sqlite-two-slashes",
    ),
]


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PLAYBOOK_DATABASE_URL", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-password-1\n"))
    return tmp_path


COMMANDS = [
    pytest.param(["db", "status"], "db", id="db-status"),
    pytest.param(["db", "upgrade"], "db", id="db-upgrade"),
    pytest.param(["db", "backup", "copy.db"], "db", id="db-backup"),
    pytest.param(["users", "list"], "users", id="users-list"),
    pytest.param(["users", "add", "ana@example.com", "--role", "rep", "--name", "Ana"], "users", id="users-add"),
]


@pytest.mark.parametrize(("url", "message"), BAD_URLS)
@pytest.mark.parametrize(("command", "name"), COMMANDS)
@pytest.mark.parametrize("given_by", ["option", "environment"])
def test_a_bad_database_url_is_one_line_naming_the_fix_in_every_command(
    folder: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    url: str,
    message: str,
    command: list[str],
    name: str,
    given_by: str,
) -> None:
    if given_by == "option":
        command = [*command, "--database", url]
    else:
        monkeypatch.setenv("PLAYBOOK_DATABASE_URL", url)
    assert main(command) == 1
    out, err = capsys.readouterr()
    assert err.startswith(f"playbook {name}: error: {message}"), err
    assert len(err.splitlines()) == 1, err
    assert "S3cr" not in out + err
    assert list(folder.iterdir()) == []  # nothing created: no database, no backup, no in-memory "success"


@pytest.mark.parametrize(("url", "message"), BAD_URLS)
def test_a_bad_database_url_stops_the_app_at_start(
    url: str, message: str, site_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        create_app({"PROCESS_PATH": str(DEFAULT_PROCESS), "SITE_DIR": str(site_dir), "DATABASE_URL": url})
    assert stopped.value.code == 3  # gunicorn stops instead of restarting the worker forever
    err = capsys.readouterr().err
    assert err.startswith(f"assess_app: cannot start: {message}"), err
    assert "S3cr" not in err


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:////srv/a@b/playbook.db",  # a '@' in a SQLite file's path is no password
        "postgresql+psycopg://playbook:S3cr%40t@127.0.0.1:5432/playbook",
        "postgresql+psycopg://playbook:a/b?c@127.0.0.1/playbook",  # SQLAlchemy reads '/' and '?' in a password
    ],
)
def test_a_url_whose_password_is_written_right_is_not_refused(url: str) -> None:
    from deal_records.database import check_url

    check_url(url)


BEHIND_COMMANDS = [
    pytest.param(["serve", "--process", str(DEFAULT_PROCESS), "--port", "0"], "serve", id="serve"),
    pytest.param(["users", "add", "ana@example.com", "--role", "rep", "--name", "Ana"], "users", id="users-add"),
    pytest.param(["users", "list"], "users", id="users-list"),
    pytest.param(["import", "pipeline.csv", "--process", str(DEFAULT_PROCESS)], "import", id="import"),
]


@pytest.mark.parametrize(("command", "name"), BEHIND_COMMANDS)
@pytest.mark.parametrize(("given_by", "setting"), [("option", "--database"), ("environment", "PLAYBOOK_DATABASE_URL")])
def test_a_postgresql_database_that_is_behind_names_the_setting_the_upgrade_needs(
    folder: Path,
    postgres_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    command: list[str],
    name: str,
    given_by: str,
    setting: str,
) -> None:
    """`playbook db upgrade` with the other setting would migrate another database (./playbook.db, or the one the
    environment names), and the command would refuse again."""
    (folder / "pipeline.csv").write_text("deal,owner,stage\nAcme,Ana,Discovery\n", encoding="utf-8")
    if given_by == "option":
        command = [*command, "--database", postgres_url]
    else:
        monkeypatch.setenv("PLAYBOOK_DATABASE_URL", postgres_url)
    assert main(command) == 1
    assert (
        f"playbook {name}: error: the database is empty; run `playbook db upgrade` (with the same {setting}) first"
        in capsys.readouterr().err
    )


@pytest.mark.parametrize(("given_by", "same"), [("option", " with the same --database"), ("environment", "")])
def test_db_status_of_a_database_that_is_behind_names_the_option_it_was_given(
    postgres_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, given_by: str, same: str
) -> None:
    if given_by == "option":
        assert main(["db", "status", "--database", postgres_url]) == 1
    else:
        monkeypatch.setenv("PLAYBOOK_DATABASE_URL", postgres_url)
        assert main(["db", "status"]) == 1
    assert capsys.readouterr().out.endswith(f"this version needs {head_revision()}: run `playbook db upgrade`{same}\n")


def test_db_upgrade_of_a_database_the_role_may_not_create_in_names_the_owner_it_needs(
    postgres_server: PostgresServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """A database created by the superuser for a login role: on PostgreSQL 15 the role may not create tables in its
    schema public, and `db upgrade` ended on "permission denied for schema public" with no word of the fix."""
    url = postgres_server.database()
    name = url.rsplit("/", 1)[1]
    role = f"r_{name}"
    with postgres_server.connect("postgres") as admin:
        admin.execute(f'CREATE ROLE "{role}" LOGIN'.encode())
    as_role = url.replace(f"://{SERVER_USER}@", f"://{role}@")
    assert main(["db", "upgrade", "--database", as_role]) == 1
    err = capsys.readouterr().err
    assert err.endswith(
        "permission denied for schema public; the role playbook connects as may not create tables in this database: "
        f"make it the database's owner (as a superuser: ALTER DATABASE {name} OWNER TO {role}; or create it so: "
        f"CREATE DATABASE {name} OWNER {role};), then run `playbook db upgrade` again "
        "(see Database in the manual)\n"
    ), err
