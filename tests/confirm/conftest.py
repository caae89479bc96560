"""The confirmation page on a real app, with requests kept in memory by a test double of the deal records."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine

from assess_app import create_app
from sales_process.confirmation import BuyerReply, ConfirmationRequest, RequestState, Statement, new_token
from tests.app.conftest import BufferedClient
from tests.conftest import DEFAULT_PROCESS, ReusedSqlite, engine_of

STATEMENTS = (
    Statement("proposal-agreed-next-step", "We have agreed that a proposal is the next step."),
    Statement("pricing-agreeable", "The price range you showed us fits our budget."),
)


class MemoryConfirmations:
    """ConfirmationStore kept in a dict by token hash, as the deal records will keep it in a table."""

    def __init__(self) -> None:
        self.requests: dict[str, ConfirmationRequest] = {}
        self.replies: dict[str, BuyerReply] = {}
        self._lock = threading.Lock()

    def add(
        self,
        *,
        expires_in: dt.timedelta = dt.timedelta(days=14),
        state: RequestState = RequestState.PENDING,
        statements: tuple[Statement, ...] = STATEMENTS,
    ) -> str:
        """Store a new request; return its token (which is not stored)."""
        token, hashed = new_token()
        expires = dt.datetime.now(dt.UTC) + expires_in
        self.requests[hashed] = ConfirmationRequest(
            hashed, "Contoso Ltd", "Fabrikam rollout", statements, expires, state, "Dana"
        )
        return token

    def find(self, token_hash: str) -> ConfirmationRequest | None:
        return self.requests.get(token_hash)

    def record(self, token_hash: str, reply: BuyerReply) -> bool:
        with self._lock:
            found = self.requests.get(token_hash)
            if found is None or found.state_at(reply.answered_at) is not RequestState.PENDING:
                return False
            self.requests[token_hash] = dataclasses.replace(found, state=reply.state)
            self.replies[token_hash] = reply
            return True


@pytest.fixture
def confirmations() -> MemoryConfirmations:
    return MemoryConfirmations()


@pytest.fixture
def app(
    confirmations: MemoryConfirmations, reused_sqlite: ReusedSqlite, engines: dict[str, Engine], tmp_path: Path
) -> Iterator[Flask]:
    """The app with the confirmation store, on a database of its own, emptied (the rate limit counts there)."""
    url = reused_sqlite.fresh()
    config = {
        "TESTING": True,
        "PROCESS_PATH": str(DEFAULT_PROCESS),
        "SITE_DIR": str(tmp_path / "site"),
        "SECRET_KEY": "test",
        "DATABASE_URL": url,
    }
    app = create_app(config, confirmations=confirmations, engine=engine_of(engines, url))
    yield app
    app.extensions["deal_records"].engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    app.test_client_class = BufferedClient
    return app.test_client()
