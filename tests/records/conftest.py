"""Fixtures of the deal records: a database of each kind, an app on it, signed-in clients."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.security import generate_password_hash

from assess_app import create_app
from assess_app.store import ProcessStore
from deal_records.database import session_factory, writing
from deal_records.people import add_user_with_hash, create_token
from playbook_cli.main import main
from sales_process.loader import LoadedProcess
from tests.app.conftest import BufferedClient, site_dir
from tests.conftest import DEFAULT_PROCESS, TEST_PASSWORD_METHOD, ReusedSqlite, engine_of, migrated
from tests.mail_server import MailServer
from tests.postgres import PostgresServer, ReusedDatabase

__all__ = ["site_dir"]
Run = Callable[..., tuple[int, str, str]]
PASSWORDS = {"rep": "rep-password-1", "manager": "manager-password-1"}
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="session")
def migrated_postgres(postgres_server: PostgresServer) -> str:
    """A PostgreSQL database migrated to the head once per session (per worker): the template of each test's."""
    url = postgres_server.database()
    migrated(url)
    return url.rsplit("/", 1)[1]


@pytest.fixture(scope="session")
def reused_postgres(postgres_server: PostgresServer, migrated_postgres: str) -> ReusedDatabase:
    """The PostgreSQL database the tests of this session (per worker) take in turn, emptied for each."""
    return ReusedDatabase(postgres_server, migrated_postgres)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str:
    """An empty, migrated database: a SQLite file, then a real PostgreSQL database.

    The migrations run once per session: the tests of each kind share one migrated database, emptied
    before each test, so a test never sees another's records.
    """
    reused: ReusedSqlite | ReusedDatabase = request.getfixturevalue(
        "reused_sqlite" if request.param == "sqlite" else "reused_postgres"
    )
    return reused.fresh()


@pytest.fixture
def database_engine(database_url: str, engines: dict[str, Engine]) -> Iterator[Engine]:
    """The engine of that database, one per worker and database kind: the apps and fixtures of every test use it.
    Its connections are closed after each test (a test's own database, as the browser tests' are, leaves none open)."""
    engine = engine_of(engines, database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def make_app(
    database_url: str, database_engine: Engine, site_dir: Path, default_process: LoadedProcess
) -> Iterator[Callable[..., Flask]]:
    """Make apps on that database (each one is what a gunicorn worker is); closed after the test.

    An app on the default process serves the session's loaded copy of it (reading and validating
    process.yaml took a tenth of a second an app); one given another PROCESS_PATH loads that file.
    """
    apps: list[Flask] = []

    def make(**config: Any) -> Flask:
        app = create_app(
            {
                "TESTING": True,
                "PROCESS_PATH": str(DEFAULT_PROCESS),
                "SITE_DIR": str(site_dir),
                "SECRET_KEY": "records-test",
                "DATABASE_URL": database_url,
                **config,
            },
            store=None if "PROCESS_PATH" in config else ProcessStore(default_process),
            engine=None if {"DATABASE_URL", "DATABASE_BUSY_TIMEOUT_MS"} & config.keys() else database_engine,
        )
        app.test_client_class = BufferedClient
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["deal_records"].engine.dispose()


@pytest.fixture
def records_app(make_app: Callable[..., Flask]) -> Flask:
    """The app on that database."""
    return make_app()


@pytest.fixture
def sessions(database_engine: Engine) -> sessionmaker[Session]:
    """Sessions on that database, for a test to look at or change the records directly."""
    return session_factory(database_engine)


@pytest.fixture(scope="session")
def password_hashes() -> dict[str, str]:
    """A scrypt hash of each role's test password, made once per session (per worker): the users the
    tests add share it, and signing in still checks the password against it with scrypt.

    Its work factor is 1/32 of the product's (N=1024, not 32768), as Django advises for tests: the
    suite signs in about a thousand times, and each check of a product-strength hash costs ~0.09 s
    of CPU. test_passwords_are_stored_as_scrypt_hashes_and_tokens_as_sha256 holds hash_password
    to the product's factor.
    """
    return {role: generate_password_hash(password, method=TEST_PASSWORD_METHOD) for role, password in PASSWORDS.items()}


@pytest.fixture
def add_person(database_engine: Engine, password_hashes: dict[str, str]) -> Callable[..., str]:
    """Add a user (rep by default) with their role's password; return their email."""
    sessions = session_factory(database_engine)

    def add(email: str, role: str = "rep", name: str | None = None) -> str:
        with writing(sessions) as db:
            add_user_with_hash(db, email, role, password_hashes[role], name)
        return email

    return add


@pytest.fixture
def token_for(database_engine: Engine) -> Callable[[str], dict[str, str]]:
    """A new API token's Authorization header for a user."""
    sessions = session_factory(database_engine)

    def make(email: str) -> dict[str, str]:
        with writing(sessions) as db:
            _, token = create_token(db, email)
        return {"Authorization": f"Bearer {token}"}

    return make


@pytest.fixture
def tokens(add_person: Callable[..., str], token_for: Callable[[str], dict[str, str]]) -> dict[str, dict[str, str]]:
    """API tokens' Authorization headers of a rep (ana, named Ana Lopez), another rep (bo) and a manager (lee)."""
    add_person("ana@example.com", name="Ana Lopez")
    add_person("bo@example.com")
    add_person("lee@example.com", "manager")
    return {name: token_for(f"{name}@example.com") for name in ("ana", "bo", "lee")}


@pytest.fixture
def mail_server() -> Iterator[MailServer]:
    """A real SMTP server (aiosmtpd) on 127.0.0.1; what it receives is in `.received`."""
    server = MailServer().start()
    yield server
    server.stop()


def page_token(client: FlaskClient, path: str) -> str:
    """The CSRF token of the form on a page."""
    match = _TOKEN.search(client.get(path).get_data(as_text=True))
    assert match, f"{path} has no csrf_token field"
    return match.group(1)


def new_deal(client: FlaskClient, name: str = "Northwind", **fields: str) -> int:
    """Create a deal through the form; return its id."""
    data = {
        "csrf_token": page_token(client, "/deals/new"),
        "name": name,
        "amount": "120000",
        "claimed_stage": "proposing",
        **fields,
    }
    response = client.post("/deals/new", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[:800]
    match = re.search(r"/deals/(\d+)$", response.headers["Location"])
    assert match
    return int(match.group(1))


def api_deal(client: FlaskClient, headers: dict[str, str], name: str = "Northwind", **fields: str) -> int:
    """Create a deal through the API; return its id."""
    created = client.post("/api/deals", headers=headers, json={"name": name, **fields})
    assert created.status_code == 201, created.get_json()
    deal_id: int = created.get_json()["id"]
    return deal_id


def sign_in(client: FlaskClient, email: str, password: str | None = None) -> Any:
    """Sign in through the form as a browser does."""
    role_password = password or (PASSWORDS["manager"] if email.startswith("manager") else PASSWORDS["rep"])
    return client.post(
        "/login", data={"csrf_token": page_token(client, "/login"), "email": email, "password": role_password}
    )


@pytest.fixture
def signed_in(records_app: Flask, add_person: Callable[..., str]) -> Callable[[str], FlaskClient]:
    """A client signed in as the given user (added first: manager@... is a manager, anything else a rep)."""

    def client_for(email: str) -> FlaskClient:
        add_person(email, "manager" if email.startswith("manager") else "rep")
        client = records_app.test_client()
        response = sign_in(client, email)
        assert response.status_code == 303, response.get_data(as_text=True)[:500]
        return client

    return client_for


@pytest.fixture
def run(database_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    """Run `playbook ARGS --database URL` with `stdin`; return the status, stdout and stderr."""

    def invoke(*args: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        status = main([*args, "--database", database_url])
        out, err = capsys.readouterr()
        return status, out, err

    return invoke
