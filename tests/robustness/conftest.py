"""The self-check app fixtures (a built playbook, the app, a test client) and the records database, shared with tests/app and tests/records."""

from tests.app.conftest import app, client, site_dir
from tests.records.conftest import database_url, migrated_postgres, migrated_sqlite, reused_postgres

__all__ = ["app", "client", "database_url", "migrated_postgres", "migrated_sqlite", "reused_postgres", "site_dir"]
