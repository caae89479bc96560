"""Alembic's environment: migrate the connection or URL given by deal_records.schema."""

from __future__ import annotations

from alembic import context

from deal_records.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    """Run on the connection passed in `config.attributes` (see deal_records.schema)."""
    connection = config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
