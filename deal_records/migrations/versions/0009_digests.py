"""Weekly digests: each digest delivered to a user, so the next reports only what changed since.

Revision ID: 0009_digests
Revises: 0008_buyer_declined
Create Date: 2026-12-04 03:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_digests"
down_revision: str | None = "0008_buyer_declined"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "digest_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_digest_deliveries_user_id_sent_at", "digest_deliveries", ["user_id", "sent_at"], unique=False)


def downgrade() -> None:
    """Undo this revision."""
    op.drop_index("ix_digest_deliveries_user_id_sent_at", table_name="digest_deliveries")
    op.drop_table("digest_deliveries")
