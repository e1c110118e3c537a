"""How precise a statement's date is: day, week, month or year ("last week" is not a day).

Added without a table copy on SQLite (ADD COLUMN): the statements table keeps its full-text triggers.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 00:50:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("statements", sa.Column("said_precision", sa.String(8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("statements") as batch:
        batch.drop_column("said_precision")
