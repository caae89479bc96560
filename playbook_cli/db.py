"""`playbook db`: migrate the deal records' database, or show its schema version."""

from __future__ import annotations

import argparse
import sys

from playbook_cli.common import EXIT_INVALID, EXIT_OK, HelpFormatter
from playbook_cli.records import CommandError, add_database_option, database_problem

EXAMPLE = """examples:
  playbook db upgrade                                   create or migrate ./playbook.db
  playbook db upgrade --database postgresql+psycopg://playbook@db.internal/playbook
  playbook db status                                    the schema version, and whether it is current

SQLite is migrated by `playbook serve` by itself; run `playbook db upgrade` after
installing a new version when the records are in PostgreSQL (the app refuses to start
on a database that is behind)."""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the db command."""
    parser = commands.add_parser(
        "db", help="migrate the deal records' database", epilog=EXAMPLE, formatter_class=HelpFormatter
    )
    actions = parser.add_subparsers(title="actions", metavar="ACTION", required=True)
    upgrade_parser = actions.add_parser("upgrade", help="create the tables or migrate them to this version")
    add_database_option(upgrade_parser)
    upgrade_parser.set_defaults(run=run_upgrade)
    status_parser = actions.add_parser("status", help="the schema version of the database")
    add_database_option(status_parser)
    status_parser.set_defaults(run=run_status)


def run_upgrade(args: argparse.Namespace) -> int:
    """Migrate to the newest schema."""
    from sqlalchemy.exc import SQLAlchemyError

    from deal_records.database import BadDatabaseUrl, database_url, make_engine, safe_url
    from deal_records.schema import upgrade

    try:
        url = database_url(args.database)
        engine = make_engine(url)
        try:
            before, after = upgrade(engine)
        finally:
            engine.dispose()
    except BadDatabaseUrl as error:
        print(f"playbook db: error: {error}", file=sys.stderr)
        return EXIT_INVALID
    except SQLAlchemyError as error:
        print(f"playbook db: error: cannot migrate {safe_url(url)}: {database_problem(error)}", file=sys.stderr)
        return EXIT_INVALID
    if before == after:
        print(f"{safe_url(url)} is up to date (schema {after})")
    else:
        print(f"{safe_url(url)} migrated from schema {before or '(empty)'} to {after}")
    return EXIT_OK


def run_status(args: argparse.Namespace) -> int:
    """Print the schema version and whether it is the newest."""
    from sqlalchemy.exc import SQLAlchemyError

    from deal_records.database import BadDatabaseUrl, database_url, make_engine, safe_url
    from deal_records.schema import UPGRADE_COMMAND, current_revision, head_revision

    try:
        url = database_url(args.database)
        engine = make_engine(url)
        try:
            current = current_revision(engine)
        finally:
            engine.dispose()
    except (BadDatabaseUrl, CommandError) as error:
        print(f"playbook db: error: {error}", file=sys.stderr)
        return EXIT_INVALID
    except SQLAlchemyError as error:
        print(f"playbook db: error: cannot open {safe_url(url)}: {database_problem(error)}", file=sys.stderr)
        return EXIT_INVALID
    head = head_revision()
    if current == head:
        print(f"{safe_url(url)}: schema {current} (current)")
        return EXIT_OK
    print(f"{safe_url(url)}: schema {current or '(empty)'}, this version needs {head}: run `{UPGRADE_COMMAND}`")
    return EXIT_INVALID
