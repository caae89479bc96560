"""`playbook db`: migrate the deal records' database, or show its schema version."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playbook_cli.common import EXIT_INVALID, EXIT_OK, HelpFormatter, add_action
from playbook_cli.records import CommandError, add_database_option, require_sqlite_file

EXAMPLE = """examples:
  playbook db upgrade                                   create or migrate ./playbook.db
  playbook db upgrade --database postgresql+psycopg://playbook@db.internal/playbook
  playbook db status                                    the schema version, and whether it is current
  playbook db backup records-2026-12-03.db              a consistent copy, while the app serves
  playbook db restore records-2026-12-03.db --database sqlite:///new.db

SQLite is migrated by `playbook serve` by itself; run `playbook db upgrade` after
installing a new version when the records are in PostgreSQL (the app refuses to start
on a database that is behind)."""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the db command."""
    parser = commands.add_parser(
        "db", help="migrate the deal records' database", epilog=EXAMPLE, formatter_class=HelpFormatter
    )
    actions = parser.add_subparsers(title="actions", metavar="ACTION", required=True)
    upgrade_parser = add_action(
        actions, "db", "upgrade", examples=EXAMPLE, help="create the tables or migrate them to this version"
    )
    add_database_option(upgrade_parser)
    upgrade_parser.set_defaults(run=run_upgrade)
    status_parser = add_action(actions, "db", "status", examples=EXAMPLE, help="the schema version of the database")
    add_database_option(status_parser)
    status_parser.set_defaults(run=run_status)
    backup_parser = add_action(
        actions, "db", "backup", examples=EXAMPLE, help="copy the records into FILE while the app serves"
    )
    backup_parser.add_argument("file", metavar="FILE", type=Path, help="the backup to write (a new file)")
    add_database_option(backup_parser)
    backup_parser.set_defaults(run=run_backup)
    restore_parser = add_action(
        actions, "db", "restore", examples=EXAMPLE, help="restore a backup into an empty database"
    )
    restore_parser.add_argument("file", metavar="FILE", type=Path, help="a backup made by `playbook db backup`")
    restore_parser.add_argument(
        "--force", action="store_true", help="replace the records of a database that is not empty"
    )
    restore_parser.add_argument(
        "--ignore-connected-sessions",
        action="store_true",
        help="on PostgreSQL, restore even while other sessions (the app servers) are connected to the database",
    )
    add_database_option(restore_parser)
    restore_parser.set_defaults(run=run_restore)
    upgrade_parser.add_argument(
        "--no-backup", action="store_true", help="on SQLite, migrate without taking a backup first"
    )


def run_upgrade(args: argparse.Namespace) -> int:
    """Migrate to the newest schema."""
    from sqlalchemy.exc import SQLAlchemyError

    from deal_records.backup import BackupError
    from deal_records.database import BadDatabaseUrl, database_url, is_sqlite, make_engine, safe_url, why_unopened
    from deal_records.migrate import migrate
    from deal_records.schema import SchemaNewer, known_revision, pending_migrations

    try:
        url = database_url(args.database)
        engine = make_engine(url)
        if args.no_backup and not is_sqlite(engine):
            # Said, not ignored: on PostgreSQL no backup is taken before a migration, with the option or without.
            print(
                "playbook db: note: --no-backup changes nothing on PostgreSQL, where no backup is taken before "
                "migrating; take one first with `playbook db backup FILE`",
                file=sys.stderr,
            )
        try:
            for step in pending_migrations(known_revision(engine)):
                print(f"will apply {step}")
            migration = migrate(engine, url, keep_copy=not args.no_backup)
        finally:
            engine.dispose()
    except (BadDatabaseUrl, BackupError, SchemaNewer) as error:
        print(f"playbook db: error: {error}", file=sys.stderr)
        return EXIT_INVALID
    except SQLAlchemyError as error:
        print(f"playbook db: error: cannot migrate {safe_url(url)}: {why_unopened(url, error)}", file=sys.stderr)
        return EXIT_INVALID
    if migration.copy:
        print(migration.copy)
    if migration.before == migration.after:
        print(f"{safe_url(url)} is up to date (schema {migration.after})")
    else:
        print(f"{safe_url(url)} migrated from schema {migration.before or '(empty)'} to {migration.after}")
    return EXIT_OK


def run_status(args: argparse.Namespace) -> int:
    """Print the schema version and whether it is the newest."""
    from sqlalchemy.exc import SQLAlchemyError

    from deal_records.database import BadDatabaseUrl, database_url, make_engine, safe_url, why_unopened
    from deal_records.schema import UPGRADE_COMMAND, SchemaNewer, head_revision, known_revision

    try:
        url = database_url(args.database)
        engine = make_engine(url)
        try:
            require_sqlite_file(engine, args.database)  # asking for a version creates no file
            current = known_revision(engine)
        finally:
            engine.dispose()
    except (BadDatabaseUrl, CommandError, SchemaNewer) as error:
        print(f"playbook db: error: {error}", file=sys.stderr)
        return EXIT_INVALID
    except SQLAlchemyError as error:
        print(f"playbook db: error: cannot open {safe_url(url)}: {why_unopened(url, error)}", file=sys.stderr)
        return EXIT_INVALID
    head = head_revision()
    if current == head:
        print(f"{safe_url(url)}: schema {current} (current)")
        return EXIT_OK
    same = " with the same --database" if args.database else ""
    print(f"{safe_url(url)}: schema {current or '(empty)'}, this version needs {head}: run `{UPGRADE_COMMAND}`{same}")
    return EXIT_INVALID


def run_backup(args: argparse.Namespace) -> int:
    """Write a consistent copy of the records to FILE."""
    from sqlalchemy.exc import SQLAlchemyError

    from deal_records.backup import BackupError, backup
    from deal_records.database import BadDatabaseUrl, database_url, driver_message

    try:
        print(backup(database_url(args.database), args.file).message)
    except (BadDatabaseUrl, BackupError) as error:
        print(f"playbook db: error: {error}", file=sys.stderr)
        return EXIT_INVALID
    except SQLAlchemyError as error:
        print(f"playbook db: error: cannot back up: {driver_message(error)}", file=sys.stderr)
        return EXIT_INVALID
    return EXIT_OK


def run_restore(args: argparse.Namespace) -> int:
    """Restore FILE into an empty database (or replace everything with --force)."""
    from sqlalchemy.exc import SQLAlchemyError

    from deal_records.backup import BackupError, restore
    from deal_records.database import BadDatabaseUrl, database_url, driver_message

    try:
        print(restore(database_url(args.database), args.file, args.force, args.ignore_connected_sessions).message)
    except (BadDatabaseUrl, BackupError) as error:
        print(f"playbook db: error: {error}", file=sys.stderr)
        return EXIT_INVALID
    except SQLAlchemyError as error:
        print(f"playbook db: error: cannot restore: {driver_message(error)}", file=sys.stderr)
        return EXIT_INVALID
    print("run `playbook db upgrade` with the same --database if the backup came from an older version")
    return EXIT_OK
