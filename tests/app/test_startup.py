"""What the app says at start: an operator reads in gunicorn's log which process, database, site and mail it runs
with, and a warning for each thing to fix before a team uses it."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from assess_app import create_app
from deal_records.schema import head_revision
from tests.conftest import DEFAULT_PROCESS


def _started(caplog: pytest.LogCaptureFixture, **config: str) -> list[tuple[int, str]]:
    with caplog.at_level(logging.INFO, logger="assess_app"):
        app = create_app({"PROCESS_PATH": str(DEFAULT_PROCESS), **config})
    app.extensions["deal_records"].engine.dispose()
    return [(record.levelno, record.getMessage()) for record in caplog.records if record.name == "assess_app"]


def test_the_app_says_what_it_serves_with_and_nothing_secret(
    site_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    said = _started(
        caplog,
        SITE_DIR=str(site_dir),
        SECRET_KEY="a-secret-key-never-logged",
        DATABASE_URL=f"sqlite:///{tmp_path / 'p.db'}",
        SMTP_URL="smtp://rep:hunter2-password@127.0.0.1:2525",
        MAIL_FROM="playbook@example.com",
        BASE_URL="https://playbook.example.com",
    )
    assert said == [
        (logging.INFO, f"process: B2B New Business 2027.2 ({_short_sha()}), from {DEFAULT_PROCESS}"),
        (logging.INFO, f"database: sqlite:///{tmp_path / 'p.db'}"),
        (logging.INFO, f"database: sqlite:///{tmp_path / 'p.db'} created at schema {head_revision()}"),
        (logging.INFO, f"playbook site: {site_dir.resolve()}"),
        (logging.INFO, "mail: through smtp://rep@127.0.0.1:2525, from playbook@example.com"),
    ]
    assert "hunter2" not in caplog.text and "a-secret-key-never-logged" not in caplog.text


def test_the_app_warns_of_a_random_secret_key_and_a_site_not_built(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    said = _started(caplog, SITE_DIR=str(tmp_path / "site"), DATABASE_URL=f"sqlite:///{tmp_path / 'p.db'}")
    warnings = [message for level, message in said if level == logging.WARNING]
    assert warnings == [
        f"playbook site: {tmp_path / 'site'} holds no built site; `playbook build` writes it (until then / is a 404)",
        "no PLAYBOOK_SECRET_KEY set: a random key signs sessions and forms, so a restart signs everyone out; set it "
        "to a long random value (python -c 'import secrets; print(secrets.token_hex(32))')",
    ]
    assert (logging.INFO, "mail: none set up (reps send buyers their links)") in said


def _short_sha() -> str:
    from sales_process.loader import load_process

    return load_process(DEFAULT_PROCESS).short_sha


@pytest.mark.parametrize(
    ("token", "logged"),
    [
        (None, "a form's CSRF token did not match (POST /login): The CSRF token is missing."),
        ("forged", "a form's CSRF token did not match (POST /login): The CSRF session token is missing; no "),
    ],
)
def test_a_refused_form_blames_the_random_key_only_when_the_form_carried_a_token(
    site_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture, token: str | None, logged: str
) -> None:
    app = create_app(
        {
            "PROCESS_PATH": str(DEFAULT_PROCESS),
            "SITE_DIR": str(site_dir),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}",
        }
    )
    caplog.clear()
    form = {"email": "ana@example.com", "password": "x"} | ({"csrf_token": token} if token else {})
    assert app.test_client().post("/login", data=form).status_code == 400
    app.extensions["deal_records"].engine.dispose()
    refused = [message for message in caplog.messages if "CSRF" in message]
    assert len(refused) == 1 and refused[0].startswith(logged), refused
    assert ("PLAYBOOK_SECRET_KEY" in refused[0]) is (token is not None)
