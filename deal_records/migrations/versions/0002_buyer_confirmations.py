"""Buyer confirmation requests, the requests the confirmation page counts per address, and each
check's buyer-confirmed milestones.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 02:12:41.160208
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "request_hits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=40), nullable=False),
        sa.Column("key_sha256", sa.String(length=64), nullable=False),
        sa.Column("hit_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("request_hits", schema=None) as batch_op:
        batch_op.create_index("ix_request_hits_scope_key_at", ["scope", "key_sha256", "hit_at"], unique=False)

    op.create_table(
        "confirmation_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("company", sa.String(length=200), nullable=False),
        sa.Column("statements", sa.JSON(), nullable=False),
        sa.Column("buyer_name", sa.String(length=200), nullable=False),
        sa.Column("buyer_email", sa.String(length=254), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("answered_by", sa.String(length=200), nullable=True),
        sa.Column("reply", sa.JSON(), nullable=True),
        sa.Column("check_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["check_id"],
            ["checks.id"],
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
        ),
        sa.ForeignKeyConstraint(
            ["deal_id"],
            ["deals.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_sha256"),
    )
    with op.batch_alter_table("confirmation_requests", schema=None) as batch_op:
        batch_op.create_index("ix_confirmation_requests_deal_id_id", ["deal_id", "id"], unique=False)

    with op.batch_alter_table("checks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("buyer_confirmed", sa.Text(), server_default="", nullable=False))


def downgrade() -> None:
    """Undo this revision."""
    with op.batch_alter_table("checks", schema=None) as batch_op:
        batch_op.drop_column("buyer_confirmed")

    with op.batch_alter_table("confirmation_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_confirmation_requests_deal_id_id")

    op.drop_table("confirmation_requests")
    with op.batch_alter_table("request_hits", schema=None) as batch_op:
        batch_op.drop_index("ix_request_hits_scope_key_at")

    op.drop_table("request_hits")
