"""How much a statement is about a topic: in its own words (2) or only in the sentence around them (1).

Answers on a topic take the statements about it first; the index leads with the strength.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 01:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Statements stored before this revision count as about their topics: nothing is demoted unread.
    op.add_column("statement_topics", sa.Column("strength", sa.SmallInteger(), nullable=False, server_default="2"))
    op.drop_index("ix_statement_topics_team_topic_said", table_name="statement_topics")
    op.create_index("ix_statement_topics_team_topic_strength_said", "statement_topics",
                    ["team_id", "topic_id", "strength", "said_on", "statement_id"])


def downgrade() -> None:
    op.drop_index("ix_statement_topics_team_topic_strength_said", table_name="statement_topics")
    op.create_index("ix_statement_topics_team_topic_said", "statement_topics",
                    ["team_id", "topic_id", "said_on", "statement_id"])
    with op.batch_alter_table("statement_topics") as batch:
        batch.drop_column("strength")
