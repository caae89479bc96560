"""Deal changes: an append-only table of renamings, CRM id changes and owner moves per deal.

Revision ID: 0011_deal_changes
Revises: 0010_teams
Create Date: 2026-12-07 07:20:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_deal_changes"
down_revision: str | None = "0010_teams"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "deal_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=20), nullable=False),
        sa.Column("before", sa.String(length=320), nullable=True),
        sa.Column("after", sa.String(length=320), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["changed_by_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["deal_id"], ["deals.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_deal_changes_deal_id_id", "deal_changes", ["deal_id", "id"], unique=False)


def downgrade() -> None:
    """Undo this revision."""
    op.drop_index("ix_deal_changes_deal_id_id", table_name="deal_changes")
    op.drop_table("deal_changes")
