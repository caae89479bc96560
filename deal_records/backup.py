"""Backups of the deal records: a consistent copy while the app is serving, and restoring one into an empty database.

SQLite uses its online backup API (readers and writers carry on; the copy is one
consistent moment). PostgreSQL uses `pg_dump --format=custom` and `pg_restore`, which
must be installed where the command runs.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, inspect, text
from sqlalchemy.engine import URL, make_url

from deal_records.database import make_engine
from deal_records.models import UserSession
from sales_process.vocabulary import plural

VERSION_TABLE = "alembic_version"  # where Alembic keeps the schema's version: every database of the deal records has it


class BackupError(RuntimeError):
    """The backup or restore could not be done; the message says why and what to do."""


@dataclass(frozen=True)
class Done:
    """What was done, in one line for the user."""

    message: str


def _sqlite_path(url: URL) -> str:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database has nothing to back up; name a file: sqlite:///playbook.db")
    return url.database


def _libpq(url: URL) -> tuple[list[str], dict[str, str]]:
    """pg_dump/pg_restore connection options, with the password in the environment (never on the command line)."""
    args = ["--dbname", url.database or "", "--no-password"]
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return args, env


def _run(program: str, args: list[str], env: dict[str, str]) -> None:
    found = shutil.which(program)
    if found is None:
        raise BackupError(
            f"{program} is not installed; install the PostgreSQL client tools (apt-get install postgresql-client)"
        )
    done = subprocess.run([found, *args], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        first = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[0]
        raise BackupError(f"{program} failed: {first}")


def _private_file(target: Path) -> None:
    """Create `target` empty, readable by its owner alone: a backup holds password and token hashes, which no other
    user of the machine should read. The copy is then written into it, keeping that mode."""
    try:
        os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        raise BackupError(f"{target} exists already; name a new file, the backup never overwrites one") from None
    except OSError as error:
        raise BackupError(f"cannot write {target}: {error.strerror or error}") from None


def backup(url_text: str, target: Path) -> Done:
    """Copy the database at `url_text` into the file `target` (which must not exist), readable by its owner alone."""
    url = make_url(url_text)
    if target.is_dir():
        suffix = ".db" if url.get_backend_name() == "sqlite" else ".dump"
        raise BackupError(
            f"{target} is a folder; name a new file in it, e.g. {target / f'playbook-{dt.date.today():%Y-%m-%d}{suffix}'}"
        )
    if target.exists():
        raise BackupError(f"{target} exists already; name a new file, the backup never overwrites one")
    if not target.parent.is_dir():
        raise BackupError(f"{target.parent} is not a folder; name a backup file in a folder that exists")
    if url.get_backend_name() == "sqlite" and not Path(_sqlite_path(url)).is_file():
        raise BackupError(f"no database at {_sqlite_path(url)}; check --database (or PLAYBOOK_DATABASE_URL)")
    _private_file(target)
    try:
        return _backup(url, target)
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def _backup(url: URL, target: Path) -> Done:
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(f"file:{_sqlite_path(url)}?mode=ro", uri=True)
        try:
            copy = sqlite3.connect(target)
            try:
                source.backup(copy)
            finally:
                copy.close()
        except sqlite3.Error as error:
            target.unlink(missing_ok=True)
            raise BackupError(f"cannot back up {url.database}: {error}") from None
        finally:
            source.close()
        return Done(f"backed up {url.database} to {target} (SQLite online backup)")
    args, env = _libpq(url)
    _run("pg_dump", ["--format=custom", "--file", str(target), *args], env)
    return Done(f"backed up {url.render_as_string(hide_password=True)} to {target} with pg_dump --format=custom")


def _check_sqlite_backup(source: Path) -> None:
    """Raise BackupError unless `source` is a SQLite file holding the deal records (its schema's version table)."""
    try:
        backup_file = sqlite3.connect(f"file:{source}?mode=ro&immutable=1", uri=True)
        try:
            tables = {row[0] for row in backup_file.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            backup_file.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{source} is not a SQLite backup: {error}") from None
    if VERSION_TABLE not in tables:
        raise BackupError(
            f"{source} holds no deal records (it is {'empty' if not tables else 'another database'}); "
            "name a backup made by `playbook db backup`"
        )


def table_names(url_text: str) -> list[str]:
    """The tables the database has (none for an empty or missing database)."""
    engine = make_engine(url_text)
    try:
        return sorted(inspect(engine).get_table_names())
    finally:
        engine.dispose()


IGNORE_CONNECTIONS_OPTION = "--ignore-connected-sessions"


def other_sessions(url_text: str) -> int:
    """How many other sessions are connected to the PostgreSQL database (app servers, psql, a second restore)."""
    engine = make_engine(url_text)
    try:
        with engine.connect() as connection:
            count = connection.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).scalar_one()
    finally:
        engine.dispose()
    return int(count)


def restore(url_text: str, source: Path, force: bool = False, ignore_connected: bool = False) -> Done:
    """Restore the backup `source` into the database at `url_text`, which must be empty unless `force`; on
    PostgreSQL a database other sessions are connected to is refused (the app is running) unless
    `ignore_connected`."""
    url = make_url(url_text)
    if not source.is_file():
        raise BackupError(f"{source} is not a file; name a backup made by `playbook db backup`")
    if url.get_backend_name() == "sqlite":
        if _starts_with(source, PG_DUMP_MAGIC):
            raise BackupError(
                f"{source} is a PostgreSQL backup (pg_dump's custom format), and this database is SQLite: restore it "
                "into PostgreSQL (--database postgresql+psycopg://user:password@host/dbname), or name a backup that "
                "`playbook db backup` made of SQLite"
            )
        _check_sqlite_backup(source)
    present = table_names(url_text)
    if present and not force:
        raise BackupError(
            f"the database is not empty (it has {len(present)} tables: {', '.join(present[:4])}…); "
            "restore into an empty database, or add --force to replace everything in it"
        )
    if url.get_backend_name() == "sqlite":
        backup_file = sqlite3.connect(f"file:{source}?mode=ro&immutable=1", uri=True)
        target = sqlite3.connect(_sqlite_path(url))
        try:
            backup_file.backup(target)
        finally:
            target.close()
            backup_file.close()
        return Done(f"restored {source} into {url.database}; {_end_sessions(url_text)}")
    if _starts_with(source, SQLITE_MAGIC):
        raise BackupError(
            f"{source} is a SQLite database, and this database is PostgreSQL: restore it into SQLite "
            "(--database sqlite:///FILE), or name a backup that `playbook db backup` made of PostgreSQL"
        )
    connected = 0 if ignore_connected else other_sessions(url_text)
    if connected:
        raise BackupError(
            f"{plural(connected, 'other session')} {'is' if connected == 1 else 'are'} connected to "
            f"{url.render_as_string(hide_password=True)} (pg_stat_activity): stop the app servers (every one) "
            f"first, then restore; {IGNORE_CONNECTIONS_OPTION} restores anyway, under their feet"
        )
    args, env = _libpq(url)
    clean = ["--clean", "--if-exists"] if present else []
    _run("pg_restore", [*clean, "--no-owner", "--exit-on-error", *args, str(source)], env)
    restored = f"restored {source} into {url.render_as_string(hide_password=True)} with pg_restore"
    return Done(f"{restored}; {_end_sessions(url_text)}")


SQLITE_MAGIC = b"SQLite format 3\x00"  # how every SQLite database starts
PG_DUMP_MAGIC = b"PGDMP"  # how every backup of pg_dump --format=custom starts


def _starts_with(path: Path, magic: bytes) -> bool:
    """Whether the file starts with `magic` (the kind of backup it is)."""
    with path.open("rb") as file:
        return file.read(len(magic)) == magic


def _end_sessions(url_text: str) -> str:
    """End every session the backup brought back (a sign-out since it was made would open again), and say what a
    restore cannot undo: the API tokens revoked since."""
    engine = make_engine(url_text)
    try:
        # A backup made before server-side sessions (schema 0004) has none to end.
        if UserSession.__tablename__ not in inspect(engine).get_table_names():
            return "it holds no sessions (made before schema 0004_sessions): run playbook db upgrade"
        with engine.begin() as connection:
            ended = connection.execute(delete(UserSession)).rowcount
    finally:
        engine.dispose()
    return ended_sessions_words(ended)


def ended_sessions_words(ended: int) -> str:
    """What a restore says of the sessions it ended (each would let someone signed out since the backup in), and
    of the API tokens it cannot tell apart."""
    if ended == 0:
        sessions = "it held no signed-in session: everyone signs in again"
    else:
        sessions = (
            f"ended the {plural(ended, 'signed-in session')} it held (a session signed out since the backup would "
            "otherwise open again): everyone signs in again"
        )
    return (
        f"{sessions}. API tokens revoked since the backup are valid again: revoke them again "
        "(playbook tokens list EMAIL, playbook tokens revoke EMAIL --id N)"
    )
