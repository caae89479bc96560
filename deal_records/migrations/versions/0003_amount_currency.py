"""The currency of each deal's and check's amount (an ISO code, or NULL when the amount named none),
and the index the pipeline counts deals per currency with.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 03:35:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("currency", sa.String(length=3), nullable=True))
        batch_op.create_index("ix_deals_currency_amount", ["currency", "amount"], unique=False)
    with op.batch_alter_table("checks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("currency", sa.String(length=3), nullable=True))


def downgrade() -> None:
    """Undo this revision."""
    with op.batch_alter_table("checks", schema=None) as batch_op:
        batch_op.drop_column("currency")
    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.drop_index("ix_deals_currency_amount")
        batch_op.drop_column("currency")
