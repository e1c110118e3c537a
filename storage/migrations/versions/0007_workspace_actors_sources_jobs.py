"""Actors per workspace without roles; the messages that posted each article; jobs that say what is true.

- actors: one row per (workspace, name); the role moves to the statements only (it was shared across
  workspaces and channels, so a role read in a private channel showed everywhere).
- article_sources: which Slack messages posted an article, so deleting a message deletes what only it
  brought in.
- jobs: results kept per link across attempts, a heartbeat for claims, a retry time, and whether the
  reply went out.
- SQLite's full-text index follows a statement promoted from copy to first copy (and back), so deleting
  the first copy of a syndicated quote never leaves the index pointing at rows it does not hold.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 00:10:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = "((CAST(julianday(coalesce({r}.said_on, '1970-01-01')) AS INTEGER) << 32) | {r}.id)"


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table("actors") as batch:
        batch.add_column(sa.Column("team_id", sa.String(32), nullable=True))
        batch.drop_constraint("uq_actors_name", type_="unique")
    # One actor per workspace that quoted the name; statements move to their workspace's row.
    op.execute("INSERT INTO actors (team_id, name) SELECT DISTINCT s.team_id, a.name FROM statements s "
               "JOIN actors a ON a.id = s.actor_id WHERE a.team_id IS NULL AND s.team_id IS NOT NULL")
    op.execute("UPDATE statements SET actor_id = (SELECT n.id FROM actors n JOIN actors o ON o.name = n.name "
               "WHERE o.id = statements.actor_id AND n.team_id = statements.team_id) "
               "WHERE actor_id IS NOT NULL")
    op.execute("DELETE FROM actors WHERE team_id IS NULL")
    with op.batch_alter_table("actors") as batch:
        batch.alter_column("team_id", existing_type=sa.String(32), nullable=False)
        batch.drop_column("role")
        batch.create_unique_constraint("uq_actors_team_name", ["team_id", "name"])

    op.create_table(
        "article_sources",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("message_ts", sa.String(32), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE",
                                name=op.f("fk_article_sources_article_id_articles")),
        sa.PrimaryKeyConstraint("article_id", "channel_id", "message_ts", name=op.f("pk_article_sources")),
    )
    op.create_index("ix_article_sources_message", "article_sources", ["team_id", "channel_id", "message_ts"])
    # Articles posted before this revision: the message of the job that named them, where it is known.
    op.execute("INSERT INTO article_sources (article_id, team_id, channel_id, message_ts) "
               "SELECT a.id, a.team_id, a.channel_id, j.message_ts FROM articles a JOIN jobs j "
               "ON j.team_id = a.team_id AND j.channel_id = a.channel_id AND j.user_id = a.posted_by "
               "AND j.id = (SELECT min(j2.id) FROM jobs j2 WHERE j2.team_id = a.team_id "
               "AND j2.channel_id = a.channel_id AND j2.user_id = a.posted_by)")

    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("results", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("ok", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("run_after", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("heartbeat_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("dispatched_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("reply_sent_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("error", sa.Text(), nullable=True))
    # Finished jobs were replied to (or never will be); "interrupted" was never written.
    op.execute("UPDATE jobs SET ok = (status = 'done'), reply_sent_at = updated_at, status = 'done' "
               "WHERE status IN ('done', 'failed')")
    op.execute("UPDATE jobs SET status = 'queued' WHERE status = 'interrupted'")
    op.create_index("ix_jobs_status", "jobs", ["status"])

    if sqlite:
        new, old = KEY.format(r="new"), KEY.format(r="old")
        op.execute("CREATE TRIGGER statements_promoted AFTER UPDATE OF duplicate_of ON statements "
                   "WHEN old.duplicate_of IS NOT NULL AND new.duplicate_of IS NULL BEGIN "
                   f"INSERT INTO statements_fts(rowid, doc) VALUES ({new}, new.search_text); END")
        op.execute("CREATE TRIGGER statements_demoted AFTER UPDATE OF duplicate_of ON statements "
                   "WHEN old.duplicate_of IS NULL AND new.duplicate_of IS NOT NULL BEGIN "
                   "INSERT INTO statements_fts(statements_fts, rowid, doc) "
                   f"VALUES ('delete', {old}, old.search_text); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS statements_promoted")
        op.execute("DROP TRIGGER IF EXISTS statements_demoted")
    op.drop_index("ix_jobs_status", table_name="jobs")
    with op.batch_alter_table("jobs") as batch:
        for column in ("error", "reply_sent_at", "dispatched_at", "heartbeat_at", "run_after", "ok", "results"):
            batch.drop_column(column)
    op.drop_index("ix_article_sources_message", table_name="article_sources")
    op.drop_table("article_sources")
    # Back to one actor per name: the first workspace's row keeps it.
    op.execute("UPDATE statements SET actor_id = (SELECT min(n.id) FROM actors n JOIN actors o ON o.name = n.name "
               "WHERE o.id = statements.actor_id) WHERE actor_id IS NOT NULL")
    op.execute("DELETE FROM actors WHERE id NOT IN (SELECT min(id) FROM actors GROUP BY name)")
    with op.batch_alter_table("actors") as batch:
        batch.drop_constraint("uq_actors_team_name", type_="unique")
        batch.add_column(sa.Column("role", sa.String(255), nullable=True))
        batch.drop_column("team_id")
        batch.create_unique_constraint("uq_actors_name", ["name"])
