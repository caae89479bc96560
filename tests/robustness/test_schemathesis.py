"""Schemathesis, a fuzzer nobody here wrote, drives the live API from its own OpenAPI document.

`--checks all` includes: no server errors, every answer matches the documented status codes,
content types and schemas, data the schema allows is accepted and data it forbids is refused.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from flask import Flask

from deal_records.database import make_engine, session_factory, writing
from deal_records.people import add_user, create_token
from tests.browser import live_wsgi

SCHEMATHESIS = Path(sys.executable).with_name("st")


def _rep_token(database_url: str) -> str:
    """An API token of a new rep, so the fuzzer reaches the deals API behind its sign-in."""
    engine = make_engine(database_url)
    try:
        with writing(session_factory(engine)) as db:
            add_user(db, "fuzz@example.com", "rep", "fuzz-password-1", "Fuzz")
            _, token = create_token(db, "fuzz@example.com")
    finally:
        engine.dispose()
    return token


def test_schemathesis_finds_nothing_in_the_api(app: Flask, tmp_path: Path, default_database: str) -> None:
    token = _rep_token(default_database)
    with live_wsgi(app) as url:
        run = subprocess.run(
            [
                str(SCHEMATHESIS),
                "run",
                f"{url}/api/openapi.json",
                "--checks",
                "all",
                "--max-examples",
                "60",
                "--seed",
                "1",
                "--no-color",
                "--header",
                f"Authorization: Bearer {token}",
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
            cwd=tmp_path,  # it keeps a cache folder in its working directory
        )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "No issues found" in run.stdout
