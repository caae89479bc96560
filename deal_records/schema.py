"""The database schema's version: migrate with Alembic, or refuse a database that is behind."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from deal_records.location import DATABASE_ENV

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
UPGRADE_COMMAND = "playbook db upgrade"


# The manual's page, by its address: an installed wheel carries no docs/ folder to look in.
UPGRADES_PAGE = "https://github.com/cvo-playbook/cvo-playbook/blob/main/docs/operations/upgrades.md"


class SchemaProblem(RuntimeError):
    """The database's schema is not the one this version uses; the message says what to do."""


class SchemaBehind(SchemaProblem):
    """The database is not at the newest schema; the message names the command to run."""


class SchemaNewer(SchemaProblem):
    """The database is at a schema revision this version does not know: a newer version made it."""


def alembic_config() -> Config:
    """Alembic's configuration, pointing at the migrations inside this package."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


@cache  # the migrations are files of the installed package: they do not change while it runs
def head_revision() -> str:
    """The newest migration shipped with this version of the app."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "deal_records ships at least one migration"
    return head


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at (None for an empty database)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@cache
def known_revisions() -> frozenset[str]:
    """Every schema revision this version ships a migration for."""
    return frozenset(script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions())


def newer_schema_message(revision: str) -> str:
    """What to do about a database at a revision this version does not know: the same words for every door."""
    return (
        f"the database is at schema {revision}, which this version of cvo-playbook does not know (its newest is "
        f"{head_revision()}): a newer version of cvo-playbook made it, and this version cannot use it. Install the "
        "newer version again, or restore the backup taken before the upgrade with `playbook db restore FILE --force` "
        f"(see the manual's Upgrades page: {UPGRADES_PAGE})"
    )


def known_revision(engine: Engine) -> str | None:
    """The database's revision (None for an empty database); SchemaNewer when this version does not know it."""
    revision = current_revision(engine)
    if revision is not None and revision not in known_revisions():
        raise SchemaNewer(newer_schema_message(revision))
    return revision


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Migrate the database to the newest schema; return the revisions before and after (SchemaNewer for a
    database a newer version made)."""
    before = known_revision(engine)
    if before == head_revision():
        return before, before  # nothing to do; Alembic would still load every migration script to find that out
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return before, head_revision()


def require_current(engine: Engine, named_by: str = DATABASE_ENV) -> None:
    """Raise SchemaBehind unless the database is at the newest schema (SchemaNewer when it is at one this version
    does not know); `named_by` is the setting that named the database (--database, or the environment variable),
    which the upgrade must be given too."""
    current, head = known_revision(engine), head_revision()
    if current == head:
        return
    where = "is empty" if current is None else f"is at schema {current}, this version needs {head}"
    raise SchemaBehind(f"the database {where}; run `{UPGRADE_COMMAND}` (with the same {named_by}) first")


def pending_migrations(current: str | None) -> list[str]:
    """The migrations an upgrade from `current` applies, oldest first, each as "REVISION: its description" (the
    first paragraph of its docstring, in one line: a description wrapped over lines was cut mid-sentence)."""
    scripts = ScriptDirectory.from_config(alembic_config())
    steps = list(scripts.iterate_revisions(head_revision(), current))
    return [
        f"{step.revision}: {' '.join((step.doc or '').strip().split(chr(10) * 2)[0].split())}"
        for step in reversed(steps)
    ]
