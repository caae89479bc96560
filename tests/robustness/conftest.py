"""The self-check app fixtures (a built playbook, the app, a test client) and the records database, shared with tests/app and tests/records;
the load and fault tests' database of twenty reps."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from deal_records.database import make_engine, session_factory, writing
from deal_records.models import Deal
from deal_records.people import add_user_with_hash, create_token, hash_password
from deal_records.schema import upgrade
from tests.app.conftest import app, client, site_dir
from tests.records.conftest import database_url, migrated_postgres, reused_postgres

__all__ = [
    "app",
    "client",
    "database_url",
    "migrated_postgres",
    "reused_postgres",
    "site_dir",
]

CLIENTS = 20
PASSWORD = "load-password-1"


@dataclass(frozen=True)
class Rep:
    """A client's user: email, API token and deal."""

    email: str
    token: str
    deal_id: int


@pytest.fixture(params=["sqlite", "postgresql"])
def loaded_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, list[Rep]]]:
    """A migrated database with one rep, token and deal per client (the reps share one scrypt of the password)."""
    url = f"sqlite:///{tmp_path / 'load.db'}" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    engine = make_engine(url)
    upgrade(engine)
    reps = []
    password_hash = hash_password(PASSWORD)
    with writing(session_factory(engine)) as db:
        for number in range(CLIENTS):
            user = add_user_with_hash(db, f"rep{number}@example.com", "rep", password_hash)
            _, token = create_token(db, user.email)
            deal = Deal(owner_id=user.id, name=f"Deal {number}")
            db.add(deal)
            db.flush()
            reps.append(Rep(user.email, token, deal.id))
    engine.dispose()
    yield url, reps
