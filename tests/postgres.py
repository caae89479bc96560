"""A real PostgreSQL server for the tests: Debian's binaries, a throwaway cluster in a temp dir.

PostgreSQL refuses to run as root, so when the tests run as root (CI does) the cluster
is created and started as the `postgres` user that Debian's package adds. Nothing is
mocked: the server listens on 127.0.0.1 on a free port, trusts local connections and
is stopped (and its folder removed) when the test session ends.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Sequence
from pathlib import Path

import psycopg

from tests.support.servers import free_port

SERVER_USER = "postgres"


class PostgresUnavailable(RuntimeError):
    """PostgreSQL's server programs are missing or the cluster could not start."""


def server_bin_dir() -> Path:
    """The folder of Debian's newest installed PostgreSQL server programs."""
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda path: int(path.parent.parent.name) if path.parent.parent.name.isdigit() else 0,
    )
    if not candidates:
        raise PostgresUnavailable("PostgreSQL is not installed: run ./scripts/test, which installs Debian's postgresql")
    return candidates[-1].parent


class PostgresServer:
    """One throwaway PostgreSQL cluster; `database()` gives a fresh, empty database URL."""

    def __init__(self) -> None:
        self.bin_dir = server_bin_dir()
        self.as_root = os.geteuid() == 0
        self.base = Path(tempfile.mkdtemp(prefix="playbook-pg-"))
        self.data = self.base / "data"
        self.port = free_port()
        if self.as_root:
            shutil.chown(self.base, SERVER_USER, SERVER_USER)
        self._connection: psycopg.Connection[tuple[object, ...]] | None = None

    def _run(self, program: str, args: Sequence[str]) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin_dir / program), *args]
        if self.as_root:
            command = ["runuser", "-u", SERVER_USER, "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=False, cwd=self.base)

    def _must(self, program: str, args: Sequence[str]) -> None:
        done = self._run(program, args)
        if done.returncode != 0:
            raise PostgresUnavailable(
                f"{program} failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}"
            )

    def start(self) -> None:
        """Create the cluster and start the server; wait until it accepts connections."""
        self._must(
            "initdb", ["-D", str(self.data), "-U", SERVER_USER, "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]
        )
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories={self.base} -c fsync=off -c max_connections=100"
        self._must(
            "pg_ctl",
            ["-D", str(self.data), "-l", str(self.base / "server.log"), "-o", options, "-w", "-t", "60", "start"],
        )

    def stop(self) -> None:
        """Stop the server at once and remove its folder."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        self._run("pg_ctl", ["-D", str(self.data), "-m", "immediate", "-w", "stop"])
        shutil.rmtree(self.base, ignore_errors=True)

    def url(self, database: str = "postgres", driver: str = "postgresql+psycopg") -> str:
        """The SQLAlchemy URL of a database on this server."""
        return f"{driver}://{SERVER_USER}@127.0.0.1:{self.port}/{database}"

    def database(self, template: str | None = None) -> str:
        """Create a new database and return its SQLAlchemy URL: empty, or a copy of the database `template`.

        Copying a migrated template is how the records tests get a fresh, migrated database each
        without running the migrations again (PostgreSQL copies the template's files).
        """
        name = f"t_{uuid.uuid4().hex[:16]}"
        copied = f' TEMPLATE "{template}"' if template else ""
        self._admin().execute(f'CREATE DATABASE "{name}"{copied}'.encode())
        return self.url(name)

    def connect(self, database: str) -> psycopg.Connection[tuple[object, ...]]:
        """A new connection (autocommit) to a database of this server, for a test's own SQL."""
        return psycopg.connect(host="127.0.0.1", port=self.port, user=SERVER_USER, dbname=database, autocommit=True)

    def _admin(self) -> psycopg.Connection[tuple[object, ...]]:
        """One connection to the server's `postgres` database, kept for the session, to create databases."""
        if self._connection is None:
            self._connection = self.connect("postgres")
        return self._connection

    def log(self) -> str:
        """The server's log so far (shown when a test fails)."""
        path = self.base / "server.log"
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


class ReusedDatabase:
    """One migrated database that the tests of a session (of a worker) take in turn, emptied for each.

    Emptying the tables takes a few milliseconds where copying the migrated template took 30 and
    left 12 MB of files per test for the session's end to remove. A database a test left at
    another revision or with other tables (a migration test that failed half-way) is not
    reused: the next test gets a new copy of the template.
    """

    def __init__(self, server: PostgresServer, template: str) -> None:
        self.server = server
        self.template = template
        self.name: str | None = None
        with server.connect(template) as connection:
            self.revision = _revision(connection)
            self.tables = _tables(connection)

    def fresh(self) -> str:
        """The SQLAlchemy URL of the database with every table empty and every id starting at 1 again."""
        if self.name is None or not self._emptied(self.name):
            self.name = self.server.database(template=self.template).rsplit("/", 1)[1]
        return self.server.url(self.name)

    def _emptied(self, name: str) -> bool:
        with self.server.connect(name) as connection:
            # A connection the last test left open could hold a lock that DELETE would wait for.
            connection.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            if _revision(connection) != self.revision or _tables(connection) != self.tables:
                return False
            # DELETE, not TRUNCATE: a test leaves a few rows, and TRUNCATE gives each table and index new
            # files (38 ms a test against 10). The replica role skips the foreign keys' triggers, so the
            # order of the tables does not matter; setval restarts each id as RESTART IDENTITY would.
            with connection.transaction():
                connection.execute("SET LOCAL lock_timeout = '10s'")  # a lock still held fails the test, not hangs it
                connection.execute("SET LOCAL session_replication_role = replica")
                connection.execute(
                    "; ".join(f'DELETE FROM "{table}"' for table in self.tables if table != "alembic_version").encode()
                )
                for (sequence,) in connection.execute(SEQUENCES).fetchall():
                    connection.execute("SELECT setval(%s::regclass, 1, false)", (sequence,))
        return True


SEQUENCES = (
    "SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename) FROM pg_sequences WHERE schemaname = 'public'"
)


def _revision(connection: psycopg.Connection[tuple[object, ...]]) -> list[tuple[object, ...]]:
    try:
        return connection.execute("SELECT version_num FROM alembic_version").fetchall()
    except psycopg.errors.UndefinedTable:
        return []


def _tables(connection: psycopg.Connection[tuple[object, ...]]) -> list[str]:
    rows = connection.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    return [str(row[0]) for row in rows]
