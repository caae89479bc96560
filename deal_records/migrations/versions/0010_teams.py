"""Teams: the manager whose weekly digest covers each rep.

Revision ID: 0010_teams
Revises: 0009_digests
Create Date: 2026-12-06 16:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_teams"
down_revision: str | None = "0009_digests"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "team_members",
        sa.Column("rep_id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["manager_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["rep_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("rep_id"),
    )
    op.create_index(op.f("ix_team_members_manager_id"), "team_members", ["manager_id"], unique=False)


def downgrade() -> None:
    """Undo this revision."""
    op.drop_index(op.f("ix_team_members_manager_id"), table_name="team_members")
    op.drop_table("team_members")
