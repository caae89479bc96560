"""Shared fixtures: the default process, temporary process files, and a real browser."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import psycopg
import pytest
from hypothesis import settings
from sqlalchemy import Engine

from deal_records import people
from deal_records.database import make_engine
from deal_records.location import DATABASE_ENV
from deal_records.schema import upgrade
from sales_process.loader import LoadedProcess, load_process
from tests.browser import CHROMIUM, CHROMIUM_ARGS, HEADLESS_SHELL
from tests.postgres import PostgresServer

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PROCESS = ROOT / "process.yaml"

# No deadline for an example: on a shared two-core machine any example can take a second, and a
# test would fail on the machine's load rather than on what it checks.
settings.register_profile("suite", deadline=None)
settings.load_profile("suite")
TEST_PASSWORD_METHOD = "scrypt:1024:8:1"  # see fast_password_hashes


@pytest.fixture(autouse=True)
def fast_password_hashes(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Passwords hashed at 1/32 of the product's work factor (scrypt N=1024, not 32768) in the tests' own process,
    as Django advises for tests: a product-strength hash costs ~0.09 s of CPU to make or to check, and the
    suite adds users and signs in hundreds of times. A test marked `product_passwords` keeps the product's."""
    if request.node.get_closest_marker("product_passwords") is None:
        monkeypatch.setattr(people, "PASSWORD_METHOD", TEST_PASSWORD_METHOD)


@pytest.fixture(scope="session", autouse=True)
def default_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Apps made without a database URL (and the servers the tests start) use a throwaway SQLite file,
    never ./playbook.db."""
    url = f"sqlite:///{tmp_path_factory.mktemp('records') / 'playbook.db'}"
    previous = os.environ.get(DATABASE_ENV)
    os.environ[DATABASE_ENV] = url
    yield url
    if previous is None:
        os.environ.pop(DATABASE_ENV, None)
    else:
        os.environ[DATABASE_ENV] = previous


def migrated(url: str) -> None:
    """Create the deal records' tables in the database at `url` by running every migration."""
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to the head once per session (per worker), copied by each test."""
    path = tmp_path_factory.mktemp("migrated") / "records.db"
    migrated(f"sqlite:///{path}")
    return path


class ReusedSqlite:
    """One migrated SQLite file that the tests of a session (of a worker) take in turn, emptied for each, as
    ReusedDatabase does on PostgreSQL: its URL stays the same, so one engine serves every test (engine_of), and
    its cache of compiled statements with it. A file a test left at another revision, with other tables, or
    removed is copied again from the template."""

    def __init__(self, template: Path, path: Path) -> None:
        self.template = template
        self.path = path
        self.shape = _sqlite_shape(template)
        shutil.copyfile(template, path)

    def fresh(self) -> str:
        """The URL of the file with every table empty and every id starting at 1 again."""
        if not self._emptied():
            for stale in (
                self.path,
                self.path.with_name(f"{self.path.name}-wal"),
                self.path.with_name(f"{self.path.name}-shm"),
            ):
                stale.unlink(missing_ok=True)
            shutil.copyfile(self.template, self.path)
        return f"sqlite:///{self.path}"

    def _emptied(self) -> bool:
        if not self.path.exists() or _sqlite_shape(self.path) != self.shape:
            return False
        # Foreign keys are off on a plain sqlite3 connection: the order of the tables does not matter.
        with closing(sqlite3.connect(self.path, timeout=10, isolation_level=None)) as connection:
            statements = [f'DELETE FROM "{table}"' for table in self.shape[1] if table != "alembic_version"]
            connection.executescript(f"BEGIN IMMEDIATE; {'; '.join(statements)}; COMMIT;")
        return True


def _sqlite_shape(path: Path) -> tuple[str | None, tuple[str, ...]]:
    """A SQLite file's schema revision and tables (sqlite_sequence among them: emptied, ids start at 1 again)."""
    with closing(sqlite3.connect(path, timeout=10)) as connection:
        tables = tuple(
            row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        )
        revision = (
            connection.execute("SELECT version_num FROM alembic_version").fetchone()
            if "alembic_version" in tables
            else None
        )
    return (revision[0] if revision else None), tables


@pytest.fixture(scope="session")
def reused_sqlite(migrated_sqlite: Path, tmp_path_factory: pytest.TempPathFactory) -> ReusedSqlite:
    """The SQLite file the tests of this session (per worker) take in turn, emptied for each."""
    return ReusedSqlite(migrated_sqlite, tmp_path_factory.mktemp("reused") / "records.db")


@pytest.fixture(scope="session")
def engines() -> Iterator[dict[str, Engine]]:
    """The engines of the databases the tests reuse, by URL (engine_of)."""
    made: dict[str, Engine] = {}
    yield made
    for engine in made.values():
        engine.dispose()


def engine_of(engines: dict[str, Engine], url: str) -> Engine:
    """The session's engine of a reused database, its connections closed: the database was just emptied (on
    PostgreSQL, by ending every other connection to it)."""
    engine = engines.get(url)
    if engine is None:
        engine = engines[url] = make_engine(url)
    engine.dispose()
    return engine


def sqlite_copy(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a test's own copy of the SQLite file migrated once per session: a copy costs ~1 ms
    where running the migrations on a new file costs ~50."""
    path = tmp_path / "records.db"
    shutil.copyfile(request.getfixturevalue("migrated_sqlite"), path)
    return f"sqlite:///{path}"


@pytest.fixture(scope="session", autouse=True)
def template_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Builds (and the commands the tests run) keep compiled templates in a folder of this run,
    never in the user's cache folder."""
    folder = tmp_path_factory.mktemp("cache")
    previous = os.environ.get("PLAYBOOK_CACHE_DIR")
    os.environ["PLAYBOOK_CACHE_DIR"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("PLAYBOOK_CACHE_DIR", None)
    else:
        os.environ["PLAYBOOK_CACHE_DIR"] = previous


@pytest.fixture(scope="session")
def default_process() -> LoadedProcess:
    """The repository's process.yaml, loaded."""
    return load_process(DEFAULT_PROCESS)


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write text to a file in a temporary folder and return its path."""

    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Any]:
    """Playwright's driver, shared by the browsers a worker launches (it allows one per thread)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


def _launched(driver: Any, executable: str) -> Iterator[Any]:
    """One of Debian's Chromium shells driven by Playwright (never a downloaded browser)."""
    if not os.path.exists(executable) or shutil.which(os.path.basename(executable)) is None:
        pytest.fail(f"{executable} is missing: run ./scripts/test, which installs it")
    chromium = driver.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
    yield chromium
    chromium.close()


@pytest.fixture(scope="session")
def browser(playwright_driver: Any) -> Iterator[Any]:
    """Debian's Chromium headless shell, for every browser test."""
    yield from _launched(playwright_driver, HEADLESS_SHELL)


@pytest.fixture(scope="session")
def full_browser(playwright_driver: Any) -> Iterator[Any]:
    """Debian's full Chromium (in its new headless mode), to check it lays pages out as the shell does."""
    yield from _launched(playwright_driver, CHROMIUM)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser page on a desktop viewport."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A real PostgreSQL server (Debian's), started once for the session and stopped after it."""
    server = PostgresServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    """The SQLAlchemy URL of a new, empty PostgreSQL database."""
    return postgres_server.database()


@pytest.fixture(scope="module")
def postgres(postgres_server: PostgresServer) -> Iterator[psycopg.Connection[Any]]:
    """One connection (autocommit) to a fresh database on the session's PostgreSQL, shared by a module's tests:
    each test drops the tables it creates, or creates them only if missing."""
    url = postgres_server.database().replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as connection:
        yield connection


# A test is marked by the real components it needs, read from the fixtures it uses (directly or
# through other fixtures), so `-m "not postgres"` or `-m "not browser"` never depends on someone
# remembering a decorator. `slow` is written on the tests themselves.
_MARKED_BY_FIXTURE = {"browser": "browser", "full_browser": "browser", "postgres_server": "postgres"}


# The longest tests, by file: the fuzzer's four runs (40-60 s each, one core), the two property tests
# of the SQL against the engine and the DuckDB engine's (30-45 s each), the SQL of the requirements.
_RUN_FIRST = (
    "tests/robustness/test_schemathesis.py::",
    "tests/sql/test_sql_agrees.py::",
    "tests/audit/test_duckdb_engine.py::",
    "tests/requirements/test_sql_requirements.py::",
)


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> Iterator[None]:
    """Mark each test `browser` or `postgres` when it uses Chromium or the PostgreSQL server; deal the longest
    out to the workers first."""
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        for fixture, marker in _MARKED_BY_FIXTURE.items():
            if fixture in fixtures:
                item.add_marker(marker)
        # Storage tests run once per database kind, asking for the server only in the PostgreSQL run.
        callspec = getattr(item, "callspec", None)
        if callspec is not None and "postgresql" in callspec.params.values():
            item.add_marker("postgres")
    yield  # the other hooks run: `-m` and `-k` deselect on the marks above
    items[:] = longest_dealt_first(items, int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")))


def longest_dealt_first(items: list[pytest.Item], workers: int) -> list[pytest.Item]:
    """The tests in the order that gives each worker an even share of the longest at its start.

    pytest-xdist (pinned: its `load` schedule) first hands each worker a chunk of consecutive tests,
    a quarter of its share, then one test at a time to whichever is free. Dealt round the chunks,
    the longest end while short ones still fill the other workers; all in one chunk, they kept one
    worker busy 45 s after the others had finished (three workers); last, they ran alone at the end.
    """
    longest = sorted(
        (item for item in items if item.nodeid.startswith(_RUN_FIRST)),
        key=lambda item: next(n for n, file in enumerate(_RUN_FIRST) if item.nodeid.startswith(file)),
    )
    rest = [item for item in items if not item.nodeid.startswith(_RUN_FIRST)]
    chunk = max(len(items) // max(workers, 1) // 4, 2)
    if workers < 2 or len(items) < 2 * workers or len(longest) > workers * chunk:
        return longest + rest
    chunks: list[list[pytest.Item]] = [[] for _ in range(workers)]
    for index, item in enumerate(longest):  # 0, 1, 2, 2, 1, 0, 0, …: the first of each round gets the last
        turn, place = divmod(index, workers)
        chunks[place if turn % 2 == 0 else workers - 1 - place].append(item)
    ordered: list[pytest.Item] = []
    for dealt in chunks:
        ordered += dealt + rest[: chunk - len(dealt)]
        del rest[: chunk - len(dealt)]
    return ordered + rest
