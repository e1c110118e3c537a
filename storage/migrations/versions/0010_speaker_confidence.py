"""How sure the reader is of a statement's speaker, whether the speaker is a name or kept as written, and the
candidate rule that produced the statement.

Added without a table copy on SQLite (ADD COLUMN): the statements table keeps its full-text triggers.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 01:10:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("statements", sa.Column("confidence", sa.Float(), nullable=True))
    op.add_column("statements", sa.Column("speaker_resolved", sa.Boolean(), nullable=True))
    op.add_column("statements", sa.Column("rule", sa.String(32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("statements") as batch:
        for column in ("rule", "speaker_resolved", "confidence"):
            batch.drop_column(column)
