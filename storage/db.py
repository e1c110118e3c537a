"""Engines, sessions and migrations: the one place that knows how to reach the database."""

from __future__ import annotations

import re
import time
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

from storage.errors import is_outage

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
# `revision: str = "0014"` and `down_revision: str | None = "0013"`, as Alembic writes them in a version file.
PING_AFTER_IDLE = 5.0  # seconds a pooled PostgreSQL connection may rest before it is checked on its way out
_REVISION_LINE = re.compile(r"^(revision|down_revision)\b[^=\n]*=\s*(?:[\"']([^\"']+)[\"']|None)", re.M)


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets WAL, a busy timeout and enforced foreign keys.

    `postgres://` (what hosting platforms hand out) means PostgreSQL through psycopg 3, as `postgresql://`."""
    for scheme in ("postgresql://", "postgres://"):
        if url.startswith(scheme):
            url = "postgresql+psycopg://" + url.removeprefix(scheme)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record) -> None:  # noqa: ANN001
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    engine = create_engine(url, pool_size=10, max_overflow=10)
    _ping_when_idle(engine)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    """SQLAlchemy's pre-ping, but only for a connection that rested in the pool: a job takes one five times in a
    few milliseconds, and a round trip each time cost more than any of its small queries. A connection that
    rested (the server restarted, a proxy dropped it) is still tested, and replaced if it does not answer; one
    that broke in the last seconds fails its statement, which callers already treat as an outage."""

    @event.listens_for(engine, "connect")
    def _fresh(dbapi_conn, record) -> None:  # noqa: ANN001
        record.info["rested_since"] = time.monotonic()

    @event.listens_for(engine, "checkin")
    def _rest(dbapi_conn, record) -> None:  # noqa: ANN001
        record.info["rested_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _check(dbapi_conn, record, proxy) -> None:  # noqa: ANN001
        if getattr(dbapi_conn, "closed", False) or getattr(dbapi_conn, "broken", False):
            raise DisconnectionError("the connection was closed")  # the pool connects again
        if time.monotonic() - record.info.get("rested_since", 0.0) < PING_AFTER_IDLE:
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except Exception as exc:
            raise DisconnectionError(f"the connection did not answer: {exc}") from exc


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def engine_of(sessions: sessionmaker[Session]) -> Engine:
    """The engine a sessionmaker of make_sessionmaker binds its sessions to."""
    return sessions.kw["bind"]


def autocommit(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    """Sessions whose every statement commits on its own: for a lone write, one round trip instead of BEGIN, the
    statement and COMMIT (same pool, same database)."""
    return sessionmaker(engine_of(sessions).execution_options(isolation_level="AUTOCOMMIT"), expire_on_commit=False)


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


@lru_cache(maxsize=1)
def head_revision() -> str | None:
    """The newest migration, read from the version files' own revision lines: knowing it costs a few file reads,
    where loading Alembic costs a tenth of a second at every start of the command line. None if not one head."""
    revisions, parents = set(), set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        found = dict(_REVISION_LINE.findall(path.read_text(encoding="utf-8")))
        if found.get("revision"):
            revisions.add(found["revision"])
            parents.add(found.get("down_revision") or None)
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def schema_at_head(engine: Engine) -> bool:
    """Whether the database says it is at the newest migration already (one query, no Alembic)."""
    head = head_revision()
    if head is None:
        return False
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [head]
    except DBAPIError as exc:
        if is_outage(exc):
            raise  # the database is away: say so, as a migration would
        return False  # no alembic_version table yet: a new database


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to a revision, the newest by default (idempotent). At head already, Alembic is not even
    imported: every command-line start and every worker checks."""
    if revision == "head" and schema_at_head(engine):
        return
    from alembic import command

    with engine.connect() as conn:
        sqlite = engine.dialect.name == "sqlite"
        if sqlite:
            # Batch migrations copy and drop tables: with foreign keys on, the drop would cascade.
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()
        with conn.begin():
            cfg = alembic_config(engine)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
        if sqlite:
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")
            conn.commit()
