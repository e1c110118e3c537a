"""SQLite full-text search in date order: rowid = (day said << 32) | statement id, team as a token.

FTS5 reads a match newest first straight from its index (ORDER BY rowid DESC LIMIT n) and takes a date
window as a rowid range, so /who-said stays fast however many statements match.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 09:00:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = "((CAST(julianday(coalesce({r}.said_on, '1970-01-01')) AS INTEGER) << 32) | {r}.id)"
DOC = "('zzteam' || {r}.team_id || ' ' || {r}.search_text)"


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in ("statements_ai", "statements_ad", "statements_au"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS statements_fts")
    # Contentless: the words live in statements; the index only answers "which rowids match".
    op.execute("CREATE VIRTUAL TABLE statements_fts USING fts5(doc, content='', "
               "tokenize='porter unicode61 remove_diacritics 2')")
    op.execute("CREATE TRIGGER statements_ai AFTER INSERT ON statements WHEN new.duplicate_of IS NULL BEGIN "
               f"INSERT INTO statements_fts(rowid, doc) VALUES ({KEY.format(r='new')}, {DOC.format(r='new')}); END")
    op.execute("CREATE TRIGGER statements_ad AFTER DELETE ON statements WHEN old.duplicate_of IS NULL BEGIN "
               f"INSERT INTO statements_fts(statements_fts, rowid, doc) "
               f"VALUES ('delete', {KEY.format(r='old')}, {DOC.format(r='old')}); END")
    op.execute(f"INSERT INTO statements_fts(rowid, doc) SELECT {KEY.format(r='s')}, {DOC.format(r='s')} "
               "FROM statements s WHERE s.duplicate_of IS NULL")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in ("statements_ai", "statements_ad"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS statements_fts")
    op.execute("CREATE VIRTUAL TABLE statements_fts USING fts5(search_text, content='statements', "
               "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')")
    op.execute("CREATE TRIGGER statements_ai AFTER INSERT ON statements WHEN new.duplicate_of IS NULL BEGIN "
               "INSERT INTO statements_fts(rowid, search_text) VALUES (new.id, new.search_text); END")
    op.execute("CREATE TRIGGER statements_ad AFTER DELETE ON statements WHEN old.duplicate_of IS NULL BEGIN "
               "INSERT INTO statements_fts(statements_fts, rowid, search_text) "
               "VALUES ('delete', old.id, old.search_text); END")
    op.execute("INSERT INTO statements_fts(rowid, search_text) "
               "SELECT id, search_text FROM statements WHERE duplicate_of IS NULL")
