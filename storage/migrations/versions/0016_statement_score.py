"""The statement classifier's probability that the words are a real speech or writing act: an answer marks a reading
the classifier was not sure of, and exports carry the figure.

Added without a table copy on SQLite (ADD COLUMN): the statements table keeps its full-text triggers.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-29 05:10:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("statements", sa.Column("score", sa.Float, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("statements") as batch:
        batch.drop_column("score")
