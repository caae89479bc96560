"""Opening the database: the URL, SQLite's WAL mode and busy timeout, and write transactions.

SQLite (the default, `playbook.db` in the working directory) suits one machine;
PostgreSQL (`postgresql+psycopg://...`) lets several app servers share the records.
"""

from __future__ import annotations

import os
import pwd
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from deal_records.location import DATABASE_ENV, DEFAULT_DATABASE
from deal_records.url_userinfo import masked, userinfo_problem, written
from sales_process.extras import POSTGRES, MissingExtra, require

BUSY_TIMEOUT_MS = 15_000
_IMMEDIATE = "playbook_immediate"


class BadDatabaseUrl(ValueError):
    """The database URL cannot be used; the message says how to write one."""


def database_url(given: str | None = None) -> str:
    """The URL to use: `given`, else $PLAYBOOK_DATABASE_URL, else ./playbook.db."""
    url = given or os.environ.get(DATABASE_ENV) or DEFAULT_DATABASE
    check_url(url)
    return url


_EXAMPLE = "write sqlite:///playbook.db or postgresql+psycopg://user:password@host/dbname"
_SQLITE_FILES = (
    "sqlite:///playbook.db (three slashes: a file in the working folder) or sqlite:////srv/playbook/playbook.db "
    "(four: an absolute path)"
)


def check_url(url: str) -> None:
    """Refuse URLs the app does not support, with an example of one it does. Every message shows the URL with
    its password hidden, as the operator wrote it."""
    problem = userinfo_problem(url, user_stops="@/", password_stops="@")
    if problem is not None:
        # SQLAlchemy and libpq would end the password at its first '@' and look for a server named after the rest.
        raise BadDatabaseUrl(f"the database URL {masked(url)} cannot be read: {problem}")
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise BadDatabaseUrl(f"{masked(url)!r} is not a database URL; {_EXAMPLE}") from None
    except ValueError:  # SQLAlchemy reads the port with int()
        raise BadDatabaseUrl(_port_message(url)) from None
    if parsed.port is not None and not 1 <= parsed.port <= 65535:
        raise BadDatabaseUrl(_port_message(url))
    if parsed.get_backend_name() == "postgres":  # Heroku's and libpq's spelling, which SQLAlchemy does not read
        raise BadDatabaseUrl(f"write a PostgreSQL URL as {_with_psycopg(parsed)}")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise BadDatabaseUrl(f"{parsed.get_backend_name()!r} databases are not supported; use SQLite or PostgreSQL")
    if parsed.get_backend_name() == "sqlite":
        _check_sqlite(url, parsed)
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() != "psycopg":
        raise BadDatabaseUrl(f"use the psycopg driver (psycopg 3): {_with_psycopg(parsed)}")
    if parsed.get_backend_name() == "postgresql":
        try:
            require(POSTGRES)
        except MissingExtra as missing:
            raise BadDatabaseUrl(str(missing)) from None


def _port_message(url: str) -> str:
    parts = written(url)
    host_and_port = parts.rest.split("/", 1)[0].split("?", 1)[0]
    port = (
        host_and_port.rpartition("]")[2].partition(":")[2]
        if host_and_port.startswith("[")
        else host_and_port.partition(":")[2]
    )
    postgresql = (parts.scheme or "").startswith("postgres")
    default = " (PostgreSQL's own is 5432), or leave ':PORT' out for 5432" if postgresql else ""
    return f"the port {port!r} in the database URL {masked(url)} is not a port: write a number from 1 to 65535 after the host{default}"


def _check_sqlite(url: str, parsed: URL) -> None:
    """Refuse a SQLite URL that names no file: the driver would keep the records in memory, lose them when the
    command ends, and say nothing."""
    if parsed.username or parsed.password or parsed.host or parsed.port:
        # sqlite://playbook.db: two slashes, and the file's name is read as a server's.
        named = parsed.host if parsed.host and not (parsed.username or parsed.password or parsed.port) else None
        if named is None:
            raise BadDatabaseUrl(
                f"{masked(url)} names a server, and a SQLite database is a file: write {_SQLITE_FILES}"
            )
        file = f"{named}/{parsed.database}" if parsed.database else named
        raise BadDatabaseUrl(
            f"{url} has two slashes, so {named} is read as a server's name; a SQLite database is a file: write "
            f"sqlite:///{file} (three slashes; four before an absolute path: sqlite:////srv/playbook/playbook.db)"
        )
    if parsed.query:
        # SQLAlchemy's SQLite driver ignores them with a warning (`?mode=ro` would not make the file read-only).
        options = "&".join(f"{key}={value}" for key, value in parsed.query.items())
        raise BadDatabaseUrl(
            f"a SQLite URL takes no options here ('?{options}' would be ignored); write "
            f"{parsed.set(query={}).render_as_string(hide_password=True)}"
        )
    if not parsed.database or parsed.database == ":memory:":
        raise BadDatabaseUrl(
            f"{url} names no file, and SQLite would keep the records in memory and lose them when the command "
            f"ends; write {_SQLITE_FILES}"
        )


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL names, as given (relative to the working folder when relative); None for another
    database, an in-memory one or a SQLite `file:` URI."""
    parsed = make_url(url)
    path = parsed.database
    if parsed.get_backend_name() != "sqlite" or not path or path == ":memory:" or path.startswith("file:"):
        return None
    return Path(path)


def shown_url(url: str) -> str:
    """The URL as a start-up log shows it: the password hidden, a SQLite file's path absolute (a relative one
    depends on the folder the server was started from, which the log does not say)."""
    parsed, file = make_url(url), sqlite_file(url)
    return (parsed if file is None else parsed.set(database=str(file.absolute()))).render_as_string(hide_password=True)


def _with_psycopg(parsed: URL) -> str:
    # Shown in errors, which reach terminals and logs: the password stays hidden.
    return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=True)


def driver_message(error: SQLAlchemyError) -> str:
    """One line saying what the driver reported (no SQL, no parameters)."""
    original = error.orig if isinstance(error, DBAPIError) else error
    text = str(original).strip()
    return text.splitlines()[0] if text else type(original).__name__


def why_unopened(url: str, error: SQLAlchemyError) -> str:
    """What the driver reported on opening the database and, for a SQLite file, what about the file stops this user.

    SQLite says only "unable to open database file" for a missing folder, a file of another user's and a folder it
    cannot write its -wal file in; an operator needs to know which."""
    said, file = driver_message(error), sqlite_file(url)
    if file is None:
        return said + _postgres_rights(url, said)
    return said + _file_access(file.absolute())


def _postgres_rights(url: str, said: str) -> str:
    """How to give the role the URL connects as the right to create tables, when PostgreSQL (15 and later: schema
    public is no longer everyone's to create in) refused it: the database is to be the role's ("" otherwise)."""
    if "permission denied for schema public" not in said:
        return ""
    parsed = make_url(url)
    role, name = _identifier(parsed.username or "playbook"), _identifier(parsed.database or "playbook")
    return (
        "; the role playbook connects as may not create tables in this database: make it the database's owner "
        f"(as a superuser: ALTER DATABASE {name} OWNER TO {role}; or create it so: CREATE DATABASE {name} OWNER "
        f"{role};), then run `playbook db upgrade` again (see Database in the manual)"
    )


def _identifier(name: str) -> str:
    """A PostgreSQL name as SQL is to write it: quoted unless it is a plain lower-case one."""
    return name if re.fullmatch(r"[a-z_][a-z0-9_$]*", name) else '"' + name.replace('"', '""') + '"'


def _file_access(path: Path) -> str:
    user = _user_name(os.geteuid())
    try:
        path.parent.stat()
    except FileNotFoundError:
        return f"; its folder {path.parent} does not exist: create it, or correct the path"
    except PermissionError:
        return f"; {user}, who runs this, cannot reach the folder {path.parent}: give that user access to it"
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        found = path.stat()
        return (
            f"; {path} belongs to {_user_name(found.st_uid)} (mode {stat.filemode(found.st_mode)}) and {user}, "
            "who runs this, cannot read and write it: run the app and every playbook command as one user, "
            f"or give the file to {user} (chown)"
        )
    if not os.access(path.parent, os.W_OK | os.X_OK):
        return f"; {user}, who runs this, cannot write in {path.parent}, where SQLite keeps the database's -wal file"
    return ""


def _user_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:  # a uid without a name (a container's)
        return f"user {uid}"


def is_sqlite(engine: Engine) -> bool:
    """Whether the engine is SQLite (migrated automatically, never shared by servers)."""
    return engine.dialect.name == "sqlite"


def safe_url(url: str) -> str:
    """The URL with its password hidden, for messages and logs."""
    return make_url(url).render_as_string(hide_password=True)


def make_engine(url: str, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Engine:
    """An engine for the URL; SQLite connections get WAL mode, a busy timeout and foreign keys. A statement's error
    never shows its parameters (hide_parameters): they hold token digests, emails and deal data, and errors are
    logged."""
    check_url(url)
    if make_url(url).get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10, hide_parameters=True)
    engine = create_engine(url, connect_args={"timeout": busy_timeout_ms / 1000}, hide_parameters=True)
    file = sqlite_file(url)

    @event.listens_for(engine, "do_connect")
    def _private_file(dialect: object, record: object, cargs: object, cparams: object) -> None:
        # The records hold password and token hashes: a new file is its owner's alone (SQLite gives its -wal and
        # -shm files the same mode), where the umask would have made it readable by every user of the machine.
        if file is not None and not file.exists():
            # FileExistsError: another connection made it first. Any other OSError (no folder, no right to write
            # there): SQLite's own connect fails next, and the caller says why (why_unopened).
            with suppress(OSError):
                os.close(os.open(file, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, record: object) -> None:
        # Let SQLAlchemy, not the driver, begin transactions, so writes can BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A write takes the lock when it starts: a deferred transaction that reads first and
        # then writes cannot wait for the lock in WAL mode and would fail as "locked".
        immediate = connection.get_execution_options().get(_IMMEDIATE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions on the engine; objects stay readable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def writing(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose transaction writes: committed at the end, rolled back on error."""
    with sessions() as session:
        session.connection(execution_options={_IMMEDIATE: True})
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@contextmanager
def reading(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """A session that only reads."""
    with sessions() as session:
        yield session
