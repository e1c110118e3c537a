"""Alembic environment: runs against the connection the app hands over, or alembic.ini's URL."""

from alembic import context
from sqlalchemy import create_engine

from storage.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    import os

    url = os.environ.get("DATABASE_URL") or config.get_main_option("sqlalchemy.url")
    from storage.db import make_engine

    engine = make_engine(url) if url else create_engine("sqlite:///briefing.db")
    with engine.begin() as conn:
        _run(conn)


def _include(obj, name, type_, reflected, compare_to) -> bool:  # noqa: ANN001
    # The full-text index is written by hand in the migrations, and slack_sdk defines its OAuth tables
    # (created in 0005): autogenerate leaves both alone.
    name = name or ""
    return not name.startswith(("statements_fts", "slack_")) and "search_vector" not in name


def _run(connection) -> None:  # noqa: ANN001
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_object=_include,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
