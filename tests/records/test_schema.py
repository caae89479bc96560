"""The schema: the models and the migrations agree; SQLite is migrated by itself, PostgreSQL must be."""

from __future__ import annotations

import io
import logging
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, text

from assess_app import create_app
from deal_records.database import make_engine
from deal_records.models import Base
from deal_records.schema import MIGRATIONS, current_revision, head_revision, upgrade
from playbook_cli.main import main
from tests.conftest import DEFAULT_PROCESS


def test_the_migrations_build_exactly_the_models(database_url: str) -> None:
    engine = make_engine(database_url)
    with engine.connect() as connection:
        differences = compare_metadata(
            MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata
        )
    engine.dispose()
    assert differences == [], "the models changed without a migration: write one (see docs/operations/database.md)"


def test_upgrading_twice_changes_nothing(database_url: str) -> None:
    engine = make_engine(database_url)
    assert upgrade(engine) == (head_revision(), head_revision())
    engine.dispose()


def test_the_migrations_ship_inside_the_package() -> None:
    assert (MIGRATIONS / "env.py").is_file() and list((MIGRATIONS / "versions").glob("0001_*.py"))
    assert MIGRATIONS.parent.name == "deal_records"


def test_a_new_sqlite_database_is_created_in_wal_mode_with_a_busy_timeout(tmp_path: Path, site_dir: Path) -> None:
    path = tmp_path / "fresh.db"
    app = create_app(
        {"PROCESS_PATH": str(DEFAULT_PROCESS), "SITE_DIR": str(site_dir), "DATABASE_URL": f"sqlite:///{path}"}
    )
    engine = app.extensions["deal_records"].engine
    assert current_revision(engine) == head_revision()
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 15000
    engine.dispose()
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    raw.close()
    # It holds password and token hashes: its owner's alone, whatever the umask (0644 under the usual 022).
    assert {p.name: p.stat().st_mode & 0o777 for p in tmp_path.glob("fresh.db*")}["fresh.db"] == 0o600


def test_an_app_on_a_postgresql_database_that_is_behind_refuses_to_start(
    postgres_url: str, site_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        create_app({"PROCESS_PATH": str(DEFAULT_PROCESS), "SITE_DIR": str(site_dir), "DATABASE_URL": postgres_url})
    assert stopped.value.code == 3  # gunicorn stops instead of restarting the worker forever
    assert "run `playbook db upgrade`" in capsys.readouterr().err
    engine = make_engine(postgres_url)
    upgrade(engine)
    engine.dispose()
    app = create_app({"PROCESS_PATH": str(DEFAULT_PROCESS), "SITE_DIR": str(site_dir), "DATABASE_URL": postgres_url})
    app.extensions["deal_records"].engine.dispose()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://x/y", "'mysql' databases are not supported"),
        ("not a url", "is not a database URL"),
        ("postgresql+psycopg2://u@h/db", "use the psycopg driver (psycopg 3): postgresql+psycopg://u@h/db"),
        # Heroku's spelling is named, with the URL to write instead: its password hidden, as in every message.
        ("postgres://u:secret@h:5432/db", "write a PostgreSQL URL as postgresql+psycopg://u:***@h:5432/db"),
        # An option the SQLite driver would drop with a warning, which a user would take as heeded.
        (
            "sqlite:///playbook.db?mode=ro",
            "a SQLite URL takes no options here ('?mode=ro' would be ignored); write sqlite:///playbook.db",
        ),
    ],
)
def test_unsupported_database_urls_are_refused_at_start(
    url: str, message: str, site_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        create_app({"PROCESS_PATH": str(DEFAULT_PROCESS), "SITE_DIR": str(site_dir), "DATABASE_URL": url})
    err = capsys.readouterr().err
    assert message in err
    assert "secret" not in err


def _migrate(engine: Engine, revision: str, down: bool = False) -> None:
    """Take the database to a revision (up or down) with Alembic's own commands."""
    from alembic import command

    from deal_records.schema import alembic_config

    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def test_a_database_with_deals_at_schema_0001_is_migrated_keeping_them(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    _migrate(engine, "0001")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO users (id, email, role, password_hash, active, created_at) "
                "VALUES (1, 'rep@example.com', 'rep', 'x', 1, '2026-11-01 09:00:00')"
            )
        )
        connection.execute(
            text("INSERT INTO deals (id, owner_id, name, created_at) VALUES (1, 1, 'Old deal', '2026-11-01 09:00:00')")
        )
        connection.execute(
            text(
                "INSERT INTO checks (id, deal_id, checked_at, source, process_sha256, answers, verified_stage, verified_index, blocking) "
                "VALUES (1, 1, '2026-11-01 09:00:00', 'form', 'abc', '{}', 'discovery', 0, '')"
            )
        )
    assert upgrade(engine) == ("0001", head_revision())
    with engine.connect() as connection:
        assert connection.execute(text("SELECT id, buyer_confirmed FROM checks")).all() == [(1, "")]
        assert connection.execute(text("SELECT count(*) FROM confirmation_requests")).scalar() == 0
    engine.dispose()


def test_a_database_with_deals_at_schema_0002_is_migrated_keeping_them(database_url: str) -> None:
    engine = make_engine(database_url)
    _migrate(engine, "0002", down=True)  # the fixture's database is at head: take it back to 0002
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO users (id, email, role, password_hash, active, created_at) "
                "VALUES (1, 'rep@example.com', 'rep', 'x', true, '2026-11-01 09:00:00')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO deals (id, owner_id, name, amount, created_at) VALUES (1, 1, 'Old deal', 120000, '2026-11-01 09:00:00')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO checks (id, deal_id, checked_at, source, process_sha256, answers, verified_stage, verified_index, blocking, buyer_confirmed) "
                "VALUES (1, 1, '2026-11-01 09:00:00', 'form', 'abc', '{}', 'discovery', 0, '', '')"
            )
        )
    assert upgrade(engine) == ("0002", head_revision())
    with engine.connect() as connection:
        assert connection.execute(text("SELECT id, name, amount, currency FROM deals")).all() == [
            (1, "Old deal", 120000.0, None)
        ]
        assert connection.execute(text("SELECT id, amount, currency FROM checks")).all() == [(1, None, None)]
    engine.dispose()


def test_an_app_started_on_an_old_sqlite_database_copies_it_first_and_says_what_it_migrated(
    tmp_path: Path, site_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # An operator who installed a new version and restarted the app had it migrated with no copy and no word.
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    _migrate(engine, "0003")
    engine.dispose()
    config = {"PROCESS_PATH": str(DEFAULT_PROCESS), "SITE_DIR": str(site_dir), "SECRET_KEY": "s"}
    with caplog.at_level(logging.INFO, logger="assess_app"):
        app = create_app({**config, "DATABASE_URL": f"sqlite:///{tmp_path / 'old.db'}"})
    app.extensions["deal_records"].engine.dispose()
    copies = list(tmp_path.glob("old.db.before-*.bak"))
    assert len(copies) == 1 and copies[0].stat().st_mode & 0o777 == 0o600
    said = [record.getMessage() for record in caplog.records if record.getMessage().startswith("database: ")]
    assert said[1].startswith("database: backed up") and str(copies[0]) in said[1]
    assert "database: applied 0004_sessions: " in said[2]
    assert said[-1] == f"database: sqlite:///{tmp_path / 'old.db'} migrated from schema 0003 to {head_revision()}"
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="assess_app"):
        again = create_app({**config, "DATABASE_URL": f"sqlite:///{tmp_path / 'old.db'}"})
    again.extensions["deal_records"].engine.dispose()
    assert [m for m in caplog.messages if m.startswith("database: ")] == [f"database: sqlite:///{tmp_path / 'old.db'}"]
    assert len(list(tmp_path.glob("old.db.before-*.bak"))) == 1  # nothing to migrate: no copy


def test_a_command_on_an_old_sqlite_database_copies_it_first_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    _migrate(engine, "0003")
    engine.dispose()
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-password-1\n"))
    assert main(["users", "add", "new@example.com", "--role", "rep", "--database", url]) == 0
    err = capsys.readouterr().err
    assert "playbook: backed up" in err and f"playbook: {url} migrated from schema 0003 to {head_revision()}" in err
    assert len(list(tmp_path.glob("old.db.before-*.bak"))) == 1


def test_a_database_a_newer_version_made_is_refused_everywhere_in_the_same_words(
    database_url: str, site_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from deal_records.schema import newer_schema_message

    engine = make_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0012_future'"))
    engine.dispose()
    words = newer_schema_message("0012_future")
    assert "a newer version of cvo-playbook made it" in words and "docs/operations/upgrades.md" in words
    assert words in (Path(__file__).parents[2] / "docs/operations/upgrades.md").read_text()  # the manual quotes it
    for argv in (["db", "status"], ["db", "upgrade"], ["users", "list"]):
        assert main([*argv, "--database", database_url]) == 1, argv
        err = capsys.readouterr().err
        assert words in err and "Traceback" not in err and "No such revision" not in err, (argv, err)
    with pytest.raises(SystemExit) as stopped:
        create_app({"PROCESS_PATH": str(DEFAULT_PROCESS), "SITE_DIR": str(site_dir), "DATABASE_URL": database_url})
    assert stopped.value.code == 3
    assert words in capsys.readouterr().err
    engine = make_engine(database_url)
    assert current_revision(engine) == "0012_future"  # nothing was touched
    engine.dispose()
