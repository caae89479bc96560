"""The milestones whose standing answer is the buyer's "Not quite", per check ("id id ..."), beside
`buyer_confirmed`: the pipeline says how many buyer-confirmed deals also have a declined outcome
without decoding every check's answers. Filled for the checks saved before it.

Revision ID: 0008_buyer_declined
Revises: 0007_segment
Create Date: 2026-12-04 02:40:00.000000
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_buyer_declined"
down_revision: str | None = "0007_segment"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1_000


def _declined(answers: object) -> str:
    """The ids whose stored answer carries the buyer's "agreed": false, as the app stores them."""
    if isinstance(answers, str):
        answers = json.loads(answers)
    if not isinstance(answers, dict):
        return ""
    return " ".join(
        sorted(
            milestone_id
            for milestone_id, item in answers.items()
            if isinstance(item, dict) and isinstance(item.get("buyer"), dict) and item["buyer"].get("agreed") is False
        )
    )


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("checks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("buyer_declined", sa.Text(), server_default="", nullable=False))
    connection = op.get_bind()
    checks = sa.table("checks", sa.column("id", sa.Integer), sa.column("answers"), sa.column("buyer_declined"))
    last = 0
    while True:
        rows = connection.execute(
            sa.select(checks.c.id, checks.c.answers).where(checks.c.id > last).order_by(checks.c.id).limit(BATCH)
        ).all()
        if not rows:
            break
        for check_id, answers in rows:
            declined = _declined(answers)
            if declined:
                connection.execute(checks.update().where(checks.c.id == check_id).values(buyer_declined=declined))
        last = rows[-1][0]


def downgrade() -> None:
    """Undo this revision."""
    with op.batch_alter_table("checks", schema=None) as batch_op:
        batch_op.drop_column("buyer_declined")
