"""Where the deal records are: the setting that names the database and its default.

Kept apart from `deal_records.database` so that a command reading them (`playbook validate` looks
for saved deals only when there are some) does not import SQLAlchemy and Alembic to do so.
"""

from __future__ import annotations

DATABASE_ENV = "PLAYBOOK_DATABASE_URL"
DEFAULT_DATABASE = "sqlite:///playbook.db"
