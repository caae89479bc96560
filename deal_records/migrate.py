"""Migrating the deal records the one way every door does: `playbook db upgrade`, the app at start and any command
that opens a SQLite database. A SQLite database that holds data is copied first, and what was done is said."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from deal_records.backup import backup
from deal_records.database import is_sqlite, safe_url
from deal_records.schema import head_revision, known_revision, pending_migrations, upgrade


@dataclass(frozen=True)
class Migration:
    """What a migration did: the schema before and after, the migrations applied, and the copy taken first."""

    url: str
    before: str | None
    after: str
    applied: tuple[str, ...]
    copy: str | None = None  # the backup's own one-line message

    @property
    def lines(self) -> list[str]:
        """What was done, a line each, for the operator's log (empty when the schema was current)."""
        if not self.applied:
            return []
        if self.before is None:  # a new database: its history is the schema's, nothing of the operator's changed
            return [f"{safe_url(self.url)} created at schema {self.after}"]
        copied = [self.copy] if self.copy else []
        applied = [f"applied {step}" for step in self.applied]
        return [
            *copied,
            *applied,
            f"{safe_url(self.url)} migrated from schema {self.before or '(empty)'} to {self.after}",
        ]


def migrate(engine: Engine, url: str, *, keep_copy: bool = True) -> Migration:
    """Migrate the database to the newest schema; on SQLite with data in it (and `keep_copy`), copy it first to
    FILE.before-<UTC time>.bak, so a start after installing a new version can be undone as `playbook db upgrade`'s can.

    Raises BackupError when the copy cannot be written (nothing is migrated then), SchemaNewer when a newer version
    made the database."""
    before = known_revision(engine)
    if before == head_revision():
        return Migration(url, before, before, ())
    applied = tuple(pending_migrations(before))
    copy = None
    if keep_copy and before is not None and is_sqlite(engine):
        copy = backup(url, before_upgrade_copy(engine)).message
    after = upgrade(engine)[1]
    return Migration(url, before, after, applied, copy)


def before_upgrade_copy(engine: Engine) -> Path:
    """Where the copy taken before a SQLite migration goes: beside the database, named by the UTC time."""
    return Path(f"{engine.url.database}.before-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}.bak")
