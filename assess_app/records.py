"""The app's deal records: the database opened at start, sessions per request, 503 when it is down."""

from __future__ import annotations

import logging
import math
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from flask import Flask, current_app
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from assess_app.config import EXIT_INVALID_PROCESS
from assess_app.current import CONFIRM_LIMITER_KEY, CONFIRMATIONS_KEY, STORE_KEY
from deal_records.backup import BackupError
from deal_records.confirmations import DatabaseConfirmations
from deal_records.database import (
    BUSY_TIMEOUT_MS,
    BadDatabaseUrl,
    is_sqlite,
    make_engine,
    reading,
    safe_url,
    session_factory,
    why_unopened,
    writing,
)
from deal_records.limits import DatabaseLimiter
from deal_records.migrate import Migration, migrate
from deal_records.people import prepare_sign_in
from deal_records.pipeline import VerdictMemo
from deal_records.schema import SchemaProblem, require_current
from sales_process.confirmation import ConfirmationStore

RECORDS_KEY = "deal_records"
TOKEN_LIMITER_KEY = "playbook_token_limiter"
log = logging.getLogger("assess_app")


@dataclass
class Records:
    """The database of one app: its engine, sessions and the memo of re-assessed verdicts."""

    url: str
    engine: Engine
    sessions: sessionmaker[Session]
    memo: VerdictMemo = field(default_factory=VerdictMemo)
    migration: Migration | None = None  # what opening it migrated (SQLite), for the start-up log

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session to read with."""
        with reading(self.sessions) as session:
            yield session

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A session whose changes are committed together, or not at all."""
        with writing(self.sessions) as session:
            yield session


def open_records(url: str, busy_timeout_ms: int = BUSY_TIMEOUT_MS, engine: Engine | None = None) -> Records:
    """Open the database; SQLite is created and migrated here, PostgreSQL must be migrated already.

    An `engine` given (of that URL) is used, not made: the tests keep one per database for all their apps, whose
    statements it then compiles once (a new engine compiles each again, ~14 ms a test).

    Raises BadDatabaseUrl, SchemaProblem (behind, or made by a newer version), BackupError (the copy taken before migrating SQLite could not be written),
    or SQLAlchemyError when it cannot be reached.
    """
    engine = engine or make_engine(url, busy_timeout_ms)
    migration = None
    try:
        if is_sqlite(engine):
            migration = migrate(engine, url)
        else:
            require_current(engine)
    except BaseException:
        engine.dispose()
        raise
    # gunicorn forks the workers after this: they must not share the connections opened here.
    engine.dispose()
    return Records(url, engine, session_factory(engine), migration=migration)


def init_records(app: Flask, engine: Engine | None = None) -> None:
    """Open the app's database at start (on `engine`, if given) and make what a sign-in with an unknown email is
    checked against, or explain why it cannot start and exit."""
    url = app.config["DATABASE_URL"]
    try:
        busy_timeout_ms = app.config.get("DATABASE_BUSY_TIMEOUT_MS", BUSY_TIMEOUT_MS)
        app.extensions[RECORDS_KEY] = open_records(url, busy_timeout_ms, engine)
    except (BadDatabaseUrl, SchemaProblem, BackupError) as error:
        print(f"assess_app: cannot start: {error}", file=sys.stderr)
        raise SystemExit(EXIT_INVALID_PROCESS) from None
    except SQLAlchemyError as error:
        print(
            f"assess_app: cannot start: the database {safe_url(url)} cannot be opened: {why_unopened(url, error)}",
            file=sys.stderr,
        )
        raise SystemExit(EXIT_INVALID_PROCESS) from None
    prepare_sign_in()


def init_confirmations(app: Flask, confirmations: ConfirmationStore | None = None) -> None:
    """Keep confirmation links with the deal records, and count /confirm/ requests there (one count for every worker)."""
    opened: Records = app.extensions[RECORDS_KEY]
    store = app.extensions[STORE_KEY]
    app.extensions[CONFIRMATIONS_KEY] = confirmations or DatabaseConfirmations(opened.sessions, lambda: store.current)
    limit, window = app.config["CONFIRM_RATE_LIMIT"]
    app.extensions[CONFIRM_LIMITER_KEY] = DatabaseLimiter(opened.sessions, "confirm", limit, window)


def init_token_limit(app: Flask) -> None:
    """Count, in the database (one count for every worker), the API requests whose token opens nothing."""
    opened: Records = app.extensions[RECORDS_KEY]
    limit, window = app.config["TOKEN_FAILURE_LIMIT"]
    app.extensions[TOKEN_LIMITER_KEY] = DatabaseLimiter(opened.sessions, "api-token", limit, window)


def token_limiter() -> DatabaseLimiter:
    """The limit on API requests whose token opens nothing, per client address (TOKEN_FAILURE_LIMIT)."""
    limiter: DatabaseLimiter = current_app.extensions[TOKEN_LIMITER_KEY]
    return limiter


def retry_after(wait: float) -> str:
    """A rate limit's wait as the Retry-After header gives it: whole seconds, at least one."""
    return str(max(1, math.ceil(wait)))


def records() -> Records:
    """The current app's records."""
    found: Records = current_app.extensions[RECORDS_KEY]
    return found


UNDEFINED_TABLE = "42P01"  # PostgreSQL's SQLSTATE for a table that does not exist


def is_unavailable(error: BaseException) -> bool:
    """Whether the database could not be reached, was locked, or is missing its tables (a restore under way: on
    PostgreSQL that is a ProgrammingError, on SQLite an OperationalError), as opposed to a bug."""
    if isinstance(error, OperationalError) or (isinstance(error, DBAPIError) and error.connection_invalidated):
        return True
    return isinstance(error, DBAPIError) and getattr(error.orig, "sqlstate", None) == UNDEFINED_TABLE
