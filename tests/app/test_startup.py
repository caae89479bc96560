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
        SECRET_KEY="a-secret-key-never-logged-" + "k" * 40,
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
        (
            logging.INFO,
            "clients: each request's address is its peer's (PLAYBOOK_TRUSTED_PROXIES is 0: no proxy is believed)",
        ),
        (logging.INFO, "cookies: sent over plain HTTP too (behind HTTPS, set PLAYBOOK_SECURE_COOKIES=1)"),
    ]
    assert "hunter2" not in caplog.text and "a-secret-key-never-logged" not in caplog.text


@pytest.mark.parametrize(
    "smtp_url",
    [
        "smtp://sales%40contoso.example:app-password@mail.contoso.example:587",
        "smtp://sales@contoso.example:app-password@mail.contoso.example:587",  # urlsplit reads it the same way
    ],
)
def test_the_mail_server_is_logged_as_its_url_writes_it_without_the_password(
    smtp_url: str, site_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Decoded, the user name read as a second host: smtp://sales@contoso.example@mail.contoso.example:587."""
    said = _started(
        caplog,
        SITE_DIR=str(site_dir),
        DATABASE_URL=f"sqlite:///{tmp_path / 'p.db'}",
        SMTP_URL=smtp_url,
        BASE_URL="https://playbook.example.com",
    )
    assert (
        logging.INFO,
        "mail: through smtp://sales%40contoso.example@mail.contoso.example:587, from sales@contoso.example",
    ) in said
    assert "app-password" not in caplog.text


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


def test_a_relative_process_and_database_are_logged_with_the_folder_they_are_in(
    site_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "process.yaml").write_bytes(DEFAULT_PROCESS.read_bytes())
    said = _started(caplog, PROCESS_PATH="process.yaml", SITE_DIR=str(site_dir), DATABASE_URL="sqlite:///p.db")
    assert said[:2] == [
        (logging.INFO, f"process: B2B New Business 2027.2 ({_short_sha()}), from {tmp_path / 'process.yaml'}"),
        (logging.INFO, f"database: sqlite:///{tmp_path / 'p.db'}"),
    ]


@pytest.mark.parametrize(
    ("proxies", "secure", "said"),
    [
        (
            "1",
            "1",
            [
                "clients: the address and scheme set by the 1 proxy in front (X-Forwarded-For and -Proto; "
                "PLAYBOOK_TRUSTED_PROXIES=1)",
                "cookies: over HTTPS only, with HSTS (PLAYBOOK_SECURE_COOKIES=1)",
            ],
        ),
        (
            "2",
            "0",
            [
                "clients: the address and scheme set by the 2 proxies in front (X-Forwarded-For and -Proto; "
                "PLAYBOOK_TRUSTED_PROXIES=2)",
                "cookies: sent over plain HTTP too (behind HTTPS, set PLAYBOOK_SECURE_COOKIES=1)",
            ],
        ),
    ],
)
def test_the_proxies_and_cookies_an_operator_set_are_said(
    site_dir: Path,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    proxies: str,
    secure: str,
    said: list[str],
) -> None:
    monkeypatch.setenv("PLAYBOOK_TRUSTED_PROXIES", proxies)
    monkeypatch.setenv("PLAYBOOK_SECURE_COOKIES", secure)
    lines = _started(caplog, SITE_DIR=str(site_dir), DATABASE_URL=f"sqlite:///{tmp_path / 'p.db'}")
    assert [message for _, message in lines if message.startswith(("clients:", "cookies:"))] == said


def test_a_short_secret_key_is_warned_of_without_being_shown(
    site_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    said = _started(caplog, SITE_DIR=str(site_dir), SECRET_KEY="abc", DATABASE_URL=f"sqlite:///{tmp_path / 'p.db'}")
    assert [message for level, message in said if level == logging.WARNING] == [
        "PLAYBOOK_SECRET_KEY is 3 characters: a key that short can be guessed, and with it anyone can sign in as "
        "anyone; set it to a long random value (python -c 'import secrets; print(secrets.token_hex(32))')"
    ]
    assert "abc" not in caplog.text


def _short_sha() -> str:
    from sales_process.loader import load_process

    return load_process(DEFAULT_PROCESS).short_sha


@pytest.mark.parametrize("path", ["/login", "/check"])  # /check's refusals, which re-show its form, went unlogged
@pytest.mark.parametrize(
    ("token", "logged"),
    [
        (None, "a form's CSRF token did not match (POST {path}): The CSRF token is missing."),
        ("forged", "a form's CSRF token did not match (POST {path}): The CSRF session token is missing; no "),
    ],
)
def test_a_refused_form_blames_the_random_key_only_when_the_form_carried_a_token(
    site_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture, token: str | None, logged: str, path: str
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
    assert app.test_client().post(path, data=form).status_code == 400
    app.extensions["deal_records"].engine.dispose()
    refused = [message for message in caplog.messages if "CSRF" in message]
    assert len(refused) == 1 and refused[0].startswith(logged.format(path=path)), refused
    assert ("PLAYBOOK_SECRET_KEY" in refused[0]) is (token is not None)
