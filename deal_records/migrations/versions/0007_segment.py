"""Deal segments: each deal's and check's segment (Enterprise, SMB …), which decides the milestones with
`required_when.segment` it needs; NULL when none was given (the deal is then taken as in every segment).

Revision ID: 0007_segment
Revises: 0006_idempotency
Create Date: 2026-12-03 17:45:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_segment"
down_revision: str | None = "0006_idempotency"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("segment", sa.String(length=100), nullable=True))
    with op.batch_alter_table("checks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("segment", sa.String(length=100), nullable=True))


def downgrade() -> None:
    """Undo this revision."""
    with op.batch_alter_table("checks", schema=None) as batch_op:
        batch_op.drop_column("segment")
    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.drop_column("segment")
