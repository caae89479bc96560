"""Schemathesis, a fuzzer nobody here wrote, drives the live API from its own OpenAPI document,
with a rep's token and with a manager's, on SQLite and on PostgreSQL.

`--checks all` includes: no server errors, every answer matches the documented status codes,
content types and schemas, data the schema allows is accepted and data it forbids is refused.
The number of examples per operation is bounded so that one run stays under a minute.
The self-check (`POST /api/assess`) reads no database and no user: its ~1,260 requests, the same in
every run for the same seed, are sent in the first run only.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis.internal.charmap import charmap, charmap_file, intervals_from_codec

from assess_app import create_app
from deal_records.database import make_engine, session_factory, writing
from deal_records.people import add_user, create_token
from deal_records.records import NewDeal, create_deal
from tests.browser import live_wsgi
from tests.conftest import DEFAULT_PROCESS, ROOT
from tests.robustness.schemathesis_hooks import FUZZ_USER

pytestmark = pytest.mark.slow  # a fuzzer run of every API operation: ./scripts/test --quick leaves it out

SCHEMATHESIS = Path(sys.executable).with_name("st")
MAX_EXAMPLES = "15"
STATELESS = ("/api/assess",)  # operations whose answers depend on neither the database nor the user


def _only_once(database_url: str, role: str) -> list[str]:
    """The options leaving the stateless operations out of every run but SQLite with a rep's token."""
    if database_url.startswith("sqlite") and role == "rep":
        return []
    return [option for path in STATELESS for option in ("--exclude-path", path)]


@pytest.fixture(scope="session")
def unicode_tables() -> Path:
    """Hypothesis's tables of Unicode categories and of the UTF-8 codec, made once (and kept in ./.hypothesis).

    Made in a fresh working folder they cost every fuzzer run ~4 s of CPU; they depend only on
    the Python and Hypothesis versions, so each run starts with a copy and draws the same examples.
    """
    charmap()
    intervals_from_codec("utf-8")
    return charmap_file().parent


def _token(url: str, role: str) -> str:
    """An API token of a new user of that role, so the fuzzer reaches the deals API behind its sign-in
    (a rep to be named as an owner exists too), and a deal of theirs with id 1, the id the fuzzer tries
    first: every operation on a deal reaches past its 404 from the first request."""
    engine = make_engine(url)
    try:
        with writing(session_factory(engine)) as db:
            fuzz = add_user(db, FUZZ_USER, role, "fuzz-password-1", "Fuzz")
            add_user(db, "other@example.com", "rep", "other-password-1", "Other")
            _, token = create_token(db, FUZZ_USER)
            create_deal(db, fuzz, NewDeal("Fuzz deal", None, 120000.0, None, None, "EUR"))
    finally:
        engine.dispose()
    return token


@pytest.mark.parametrize("role", ["rep", "manager"])
def test_schemathesis_finds_nothing_in_the_api(
    database_url: str, site_dir: Path, tmp_path: Path, unicode_tables: Path, role: str
) -> None:
    shutil.copytree(unicode_tables, tmp_path / ".hypothesis" / "unicode_data" / unicode_tables.name)
    app = create_app(
        {
            "TESTING": False,
            "PROCESS_PATH": str(DEFAULT_PROCESS),
            "SITE_DIR": str(site_dir),
            "SECRET_KEY": "fuzz",
            "DATABASE_URL": database_url,
        }
    )
    token = _token(database_url, role)
    try:
        with live_wsgi(app, access_log=False) as url:  # ~3,000 requests: no access line for each
            run = subprocess.run(
                [
                    str(SCHEMATHESIS),
                    "run",
                    f"{url}/api/openapi.json",
                    "--checks",
                    "all",
                    "--max-examples",
                    MAX_EXAMPLES,
                    "--seed",
                    "1",
                    "--no-color",
                    "--header",
                    f"Authorization: Bearer {token}",
                    *_only_once(database_url, role),
                ],
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
                cwd=tmp_path,  # it keeps a cache folder in its working directory
                env={
                    **os.environ,
                    "SCHEMATHESIS_HOOKS": "tests.robustness.schemathesis_hooks",
                    "PYTHONPATH": str(ROOT),
                },
            )
    finally:
        app.extensions["deal_records"].engine.dispose()
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "No issues found" in run.stdout, run.stdout[-4000:]
