"""A statement the article itself holds false ("falsely claimed", "That is false."): the article's words, so that an
answer shows the claim with them rather than as plain fact.

Added without a table copy on SQLite (ADD COLUMN): the statements table keeps its full-text triggers.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-29 03:50:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("statements", sa.Column("disputed", sa.String(200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("statements") as batch:
        batch.drop_column("disputed")
