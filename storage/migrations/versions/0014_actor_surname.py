"""An indexed surname on actors: completing 'Kirby' to 'John Kirby' costs the same however many actors there are.

The surname is the name's last word, lowercased, for names of two words or more (what `LIKE '% Kirby'` found by
scanning every actor of the workspace).

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29 02:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("actors", sa.Column("surname", sa.String(255), nullable=True))
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, name FROM actors WHERE name LIKE '% %'")).all()
    updates = [{"id": actor_id, "surname": name.rsplit(" ", 1)[1].lower()} for actor_id, name in rows]
    for start in range(0, len(updates), 1000):
        conn.execute(sa.text("UPDATE actors SET surname = :surname WHERE id = :id"), updates[start:start + 1000])
    op.create_index("ix_actors_team_surname", "actors", ["team_id", "surname"])


def downgrade() -> None:
    op.drop_index("ix_actors_team_surname", table_name="actors")
    with op.batch_alter_table("actors") as batch:
        batch.drop_column("surname")
