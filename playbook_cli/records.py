"""The --database option and opening the deal records for the commands that use them."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from deal_records.location import DATABASE_ENV, DEFAULT_DATABASE
from playbook_cli.common import UserError
from sales_process.loader import LoadedProcess
from sales_process.problems import Diagnostic

# SQLAlchemy and Alembic are imported by the functions that open a database: half a second of every
# command that only might (`playbook validate` with no deal records).
if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker


class CommandError(UserError):
    """A user mistake of a deal-records command, reported by main's one error handler (exit 1)."""


def add_database_option(parser: argparse.ArgumentParser) -> None:
    """Add --database URL (default: $PLAYBOOK_DATABASE_URL, else ./playbook.db)."""
    parser.add_argument(
        "--database",
        metavar="URL",
        default=None,
        help=f"the deal records (default: ${DATABASE_ENV}, else {DEFAULT_DATABASE}; "
        "PostgreSQL: postgresql+psycopg://user:password@host/dbname)",
    )


def records_configured(given: str | None) -> bool:
    """Whether there are deal records to read: --database, $PLAYBOOK_DATABASE_URL, or ./playbook.db exists."""
    return bool(given or os.environ.get(DATABASE_ENV) or Path(DEFAULT_DATABASE.removeprefix("sqlite:///")).exists())


def open_engine(given: str | None, migrate_sqlite: bool = True, create: bool = True) -> Engine:
    """The database of --database; SQLite is created (unless not `create`: a command that only reads or changes
    what is saved refuses a file that does not exist, a mistyped path) and migrated, PostgreSQL must be up to date."""
    from sqlalchemy.exc import SQLAlchemyError

    from deal_records.backup import BackupError
    from deal_records.database import BadDatabaseUrl, database_url, is_sqlite, make_engine, safe_url, why_unopened
    from deal_records.migrate import migrate
    from deal_records.schema import SchemaProblem, require_current

    engine: Engine | None = None
    try:
        engine = make_engine(database_url(given))
        if is_sqlite(engine) and not create:
            require_sqlite_file(engine, given)
        if is_sqlite(engine) and migrate_sqlite:
            for line in migrate(engine, database_url(given)).lines:
                print(f"playbook: {line}", file=sys.stderr)
        elif not is_sqlite(engine):
            require_current(engine, "--database" if given else DATABASE_ENV)
    except (BadDatabaseUrl, SchemaProblem, BackupError) as error:
        if engine is not None:
            engine.dispose()
        raise CommandError(str(error)) from None
    except SQLAlchemyError as error:
        if engine is not None:
            engine.dispose()
        raise CommandError(
            f"cannot open the database {safe_url(database_url(given))}: {why_unopened(database_url(given), error)}"
        ) from None
    return engine


def require_sqlite_file(engine: Engine, given: str | None) -> None:
    """CommandError when the SQLite database's file does not exist (an in-memory database always does)."""
    from deal_records.database import is_sqlite

    name = engine.url.database
    if not is_sqlite(engine) or not name or name == ":memory:" or Path(name).exists():
        return
    engine.dispose()
    where = "--database" if given else f"${DATABASE_ENV}" if os.environ.get(DATABASE_ENV) else "the default"
    raise CommandError(
        f"no database at {name} ({where}): check the path; `playbook users add` or `playbook serve` creates it"
    )


_opened: list[Engine] = []


def open_sessions(given: str | None, create: bool = False) -> sessionmaker[Session]:
    """Sessions on the database of --database (closed when the command ends, see `guarded`); `create`: a SQLite
    file that does not exist yet is made (the commands that add users and deals), else it is an error."""
    from deal_records.database import session_factory

    engine = open_engine(given, create=create)
    _opened.append(engine)
    return session_factory(engine)


def read_password(stdin: TextIO | None = None, prompt: str = "Password: ") -> str:
    """The new password: asked twice without echo on a terminal, else the first line of standard input."""
    stream = stdin or sys.stdin
    if stream.isatty():
        try:
            first = getpass.getpass(prompt)
            again = getpass.getpass("Again: ")
        except (EOFError, KeyboardInterrupt):  # Ctrl-D or Ctrl-C at the prompt: the operator changed their mind
            print(file=sys.stderr)  # ends the prompt's line
            raise CommandError("no password given; nothing was changed") from None
        if again != first:
            raise CommandError("the two passwords differ; nothing was changed")
        return first
    line = stream.readline()
    if not line:
        raise CommandError(
            "no password on standard input; type it, or pipe it: printf '%s\\n' \"$PASSWORD\" | playbook users ..."
        )
    return line.rstrip("\r\n")


def guarded(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Run a records command: its people errors become user errors, and its databases are closed."""

    def wrapped(args: argparse.Namespace) -> int:
        from deal_records.people import PeopleError

        try:
            return run(args)
        except PeopleError as error:
            raise CommandError(str(error)) from None
        finally:
            while _opened:
                _opened.pop().dispose()

    return wrapped


def saved_deal_warnings(loaded: LoadedProcess, database: str | None, command: str) -> list[Diagnostic]:
    """Saved deals naming stage or milestone ids the process no longer has, when there are deal records
    (--database, $PLAYBOOK_DATABASE_URL or ./playbook.db); a database that cannot be read is said, not fatal."""
    if not records_configured(database):
        return []
    from sqlalchemy import inspect
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from deal_records.database import BadDatabaseUrl, database_url, driver_message, reading, session_factory
    from deal_records.orphans import find_orphans, misspelt_renames, orphan_lines

    try:
        url = make_url(database_url(database))
        if url.get_backend_name() == "sqlite" and not Path(url.database or "").is_file():
            return []  # no records yet (and checking must not create the file)
        engine = open_engine(database, migrate_sqlite=False)
    except (BadDatabaseUrl, CommandError) as error:
        # A warning like the others: `validate --strict` fails on it, as a check it could not make.
        return [Diagnostic(f"playbook {command}", None, None, "warning", f"the saved deals were not checked: {error}")]
    try:
        if not inspect(engine).has_table("deals"):
            return []  # a database no deal was ever saved in
        with reading(session_factory(engine)) as session:
            orphans = find_orphans(session, loaded.process)
    except SQLAlchemyError as error:
        problem = f"{driver_message(error)}; run `playbook db upgrade` if the database is from an older version"
        return [
            Diagnostic(f"playbook {command}", None, None, "warning", f"the saved deals were not checked: {problem}")
        ]
    finally:
        engine.dispose()
    misspelt = misspelt_renames(orphans, loaded.process)
    located = loaded.source.locate(misspelt, loaded.path) if loaded.source is not None else []
    return [Diagnostic(loaded.path, None, None, "warning", line) for line in orphan_lines(orphans)] + located
