"""Migrations: the schema they build is the models' schema, and 0007 carries old data over per workspace."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from storage.db import make_engine, migrate
from storage.models import Base


def _ours(obj, name, type_, reflected, compare_to) -> bool:  # noqa: ANN001
    # As in storage/migrations/env.py: the hand-written full-text index and slack_sdk's OAuth tables aside.
    name = name or ""
    return not name.startswith(("statements_fts", "slack_")) and "search_vector" not in name


def test_migrations_build_exactly_the_models(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate(engine)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"include_object": _ours, "compare_type": False})
        assert compare_metadata(ctx, Base.metadata) == []
    engine.dispose()


def test_0007_gives_each_workspace_its_own_actor_and_drops_shared_roles(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate(engine, "0006")
    with engine.begin() as conn:
        actor = conn.execute(text("INSERT INTO actors (name, role) VALUES ('Ann Lee', 'director of Nightjar') "
                                  "RETURNING id")).scalar()
        for n, team in ((1, "T1"), (2, "T2")):
            conn.execute(text("INSERT INTO articles (id, team_id, url, url_key, status) "
                              "VALUES (:n, :team, 'https://a.example/', :key, 'stored')"),
                         {"n": n, "team": team, "key": f"k{n}"})
            conn.execute(text("INSERT INTO statements (id, article_id, team_id, actor_id, text, kind, speaker, "
                              "start, \"end\", search_text) VALUES (:n, :n, :team, :actor, 'We are ready', 'direct', "
                              "'Ann Lee', 0, 10, 'Ann Lee We are ready')"), {"n": n, "team": team, "actor": actor})
        conn.execute(text("INSERT INTO jobs (team_id, channel_id, message_ts, urls, skipped, status, attempts, "
                          "private) VALUES ('T1', 'C1', '1.1', '[]', 0, 'failed', 1, false)"))
    migrate(engine)
    with engine.connect() as conn:
        actors = conn.execute(text("SELECT team_id, name FROM actors ORDER BY team_id")).all()
        assert [tuple(a) for a in actors] == [("T1", "Ann Lee"), ("T2", "Ann Lee")]
        pairs = conn.execute(text("SELECT s.team_id, a.team_id FROM statements s JOIN actors a "
                                  "ON a.id = s.actor_id")).all()
        assert sorted(tuple(p) for p in pairs) == [("T1", "T1"), ("T2", "T2")]
        job = conn.execute(text("SELECT status, ok, reply_sent_at IS NOT NULL FROM jobs")).one()
        assert job[0] == "done" and not job[1] and job[2]  # a finished job is not replied to again
    engine.dispose()


def test_0014_gives_actors_already_stored_their_surname(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate(engine, "0013")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO actors (team_id, name) VALUES ('T1', 'John Kirby'), ('T1', 'Kirby'), "
                          "('T1', 'Mary Ann de Souza')"))
    migrate(engine)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT name, surname FROM actors ORDER BY name")).all()
    assert [tuple(r) for r in rows] == [("John Kirby", "kirby"), ("Kirby", None), ("Mary Ann de Souza", "souza")]
    engine.dispose()


def test_the_head_read_from_the_version_files_is_alembics_and_a_database_at_head_is_left_alone(db_url: str) -> None:
    # Every start checks the schema without loading Alembic: the head it compares with must be Alembic's.
    from alembic.script import ScriptDirectory

    from storage.db import alembic_config, head_revision, schema_at_head

    engine = make_engine(db_url)
    assert head_revision() == ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    migrate(engine, "0013")
    assert not schema_at_head(engine)
    migrate(engine)
    assert schema_at_head(engine)
    migrate(engine)  # again: nothing to do
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head_revision()
    engine.dispose()
