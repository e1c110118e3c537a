"""Every query the bot makes. Functions take a session; the caller owns the transaction."""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar, cast

from sqlalchemy import (
    ColumnElement,
    CursorResult,
    Date,
    Row,
    Select,
    Table,
    delete,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
    text,
    true,
    update,
)
from sqlalchemy.orm import Session, joinedload

from storage.models import (
    Actor,
    Alias,
    Article,
    ArticleSource,
    Digest,
    Feed,
    FeedItem,
    Job,
    Statement,
    Topic,
    Watch,
    statement_topics,
)

WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_WORDS = 12


def url_key(url: str, private_channel: str | None = None) -> str:
    """A private channel's copy of an article is its own: what it holds is shown only there."""
    scoped = f"{url}#private:{private_channel}" if private_channel else url
    return hashlib.sha256(scoped.encode()).hexdigest()


def _insert(session: Session, model):  # noqa: ANN001, ANN202
    return _dialect_insert(session.get_bind().dialect.name, model)


def _dialect_insert(dialect: str, model):  # noqa: ANN001, ANN202
    # Imported here: the PostgreSQL dialect takes a while to load, and a SQLite command line never needs it.
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(model)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(model)


# ---- articles -------------------------------------------------------------------------------

def find_article(session: Session, team_id: str, url: str, private_channel: str | None = None) -> Article | None:
    return session.scalars(
        select(Article).where(Article.team_id == team_id, Article.url_key == url_key(url, private_channel))
    ).first()


@dataclass
class NewStatement:
    """What the pipeline hands storage for one statement."""

    text: str
    kind: str
    speaker: str | None
    role: str | None
    cue: str | None
    said_on: date | None
    place: str | None
    start: int
    end: int
    topics: list[str]
    said_precision: str = "day"
    core_topics: frozenset[str] = frozenset()  # the topics in the words themselves or who said them
    confidence: float = 1.0
    resolved: bool = True
    rule: str = ""
    disputed: str = ""  # the article's own words holding the claim false
    score: float | None = None  # the statement classifier's P(a real speech or writing act)


def fingerprint(speaker: str | None, text: str) -> str:
    """The same words by the same speaker, whatever the punctuation or the outlet."""
    words = " ".join(WORD.findall(f"{speaker or ''} {text}".lower()))
    return hashlib.sha1(words.encode()).hexdigest()


class AlreadyStored(Exception):
    """The article is stored already: a racing ingest never replaces it."""


# Column widths, so a long og:site_name or role is shortened rather than refused by PostgreSQL.
NAME_CHARS = 255
MAX_SEARCH_CHARS = 100_000  # PostgreSQL's tsvector holds at most 1 MB; the words beyond add nothing findable


def _fit(value: str | None, limit: int = NAME_CHARS) -> str | None:
    return value[:limit] if value else value


def save_article(session: Session, article: Article, statements: Sequence[NewStatement]) -> Article:
    """Store an article with its statements; an earlier failed attempt at the same URL is replaced, a stored
    copy never is (AlreadyStored). The unique (team, url) key stops a racing insert.

    A constant number of statements whatever the article holds: names, actors, topics and first copies are
    each resolved in one query, and the statements and their topic links are inserted in bulk."""
    article.url_key = url_key(article.url, article.private_channel)
    article.site, article.author = _fit(article.site), _fit(article.author)
    article.id = _insert_article(session, article)
    statements = _unique([replace(s, speaker=_fit(s.speaker), role=_fit(s.role), place=_fit(s.place),
                                  cue=_fit(s.cue, 64)) for s in statements],
                         _full_names(session, article.team_id, article.private_channel,
                                     {s.speaker for s in statements if s.speaker and s.resolved}))
    if not statements:
        return article
    # Only a name is a person across articles: "a spokesman" in two articles is two people.
    actors = _actor_ids(session, article.team_id, {s.speaker for s in statements if s.speaker and s.resolved})
    topic_ids = _topic_ids(session, {t for s in statements for t in s.topics})
    prints = [fingerprint(s.speaker, s.text) for s in statements]
    firsts = _first_copies(session, article.team_id, article.private_channel, prints)
    rows = [_statement_row(article, s, fp, firsts.get(fp), actors.get(s.speaker) if s.speaker and s.resolved else None)
            for s, fp in zip(statements, prints, strict=True)]
    table = cast(Table, Statement.__table__)
    # Rows as an executemany, their ids read back by article (new in this transaction: its statements are these;
    # fingerprints, unique within it, tell which id is whose). An INSERT ... RETURNING of many rows is one new
    # query text for each article, which psycopg parses in Python every time: more CPU than the rest of the store.
    session.execute(insert(table), rows)
    ids: dict[str, int] = {fp: sid for fp, sid in session.execute(select(table.c.fingerprint, table.c.id)
                                                                  .where(table.c.article_id == article.id))}
    links = [{"statement_id": ids[fp], "topic_id": topic_ids[t], "team_id": article.team_id, "said_on": s.said_on,
              "private_channel": article.private_channel, "strength": 2 if t in s.core_topics else 1}
             for s, fp in zip(statements, prints, strict=True) if fp not in firsts
             for t in dict.fromkeys(s.topics)]  # copies are counted with their first, never listed
    if links:
        session.execute(statement_topics.insert(), links)
    return article


# What an article's upsert writes: every column but the ones the database fills in.
ARTICLE_COLUMNS = tuple(c.key for c in Article.__table__.columns if c.key not in {"id", "created_at"})


def _insert_article(session: Session, article: Article) -> int:
    """The article's row in one statement, returning its id: an earlier failed attempt at the URL is taken over
    (it holds no statements), a stored copy stays as it is (AlreadyStored)."""
    values = {k: getattr(article, k) for k in ARTICLE_COLUMNS}
    values["status"] = values["status"] or "stored"
    article_id = session.scalar(_article_upsert(session.get_bind().dialect.name), values)
    if article_id is None:
        raise AlreadyStored(article.url)
    return article_id


@functools.cache
def _article_upsert(dialect: str):  # noqa: ANN202
    # Built once, its values bound at execution: one cached statement, no per-article coercion of every column.
    table = cast(Table, Article.__table__)
    stmt = _dialect_insert(dialect, table)
    return stmt.on_conflict_do_update(
        index_elements=[table.c.team_id, table.c.url_key], where=table.c.status == "failed",
        set_={**{k: stmt.excluded[k] for k in ARTICLE_COLUMNS}, "created_at": func.now()}).returning(table.c.id)


def _unique(statements: list[NewStatement], full: dict[str, str]) -> list[NewStatement]:
    """Surnames completed to full names; the same words by the same speaker twice in one article are one
    statement, not "another source" (the first is kept)."""
    statements = [replace(s, speaker=full.get(s.speaker, s.speaker)) if s.speaker else s for s in statements]
    unique = {fingerprint(s.speaker, s.text): s for s in reversed(statements)}
    return [s for s in statements if unique.get(fingerprint(s.speaker, s.text)) is s]


def _statement_row(article: Article, s: NewStatement, fp: str, first: int | None, actor: int | None) -> dict:
    return {"article_id": article.id, "team_id": article.team_id, "text": s.text, "kind": s.kind,
            "speaker": s.speaker, "role": s.role, "cue": s.cue, "said_on": s.said_on,
            "said_precision": s.said_precision, "place": s.place, "start": s.start, "end": s.end,
            "fingerprint": fp, "duplicate_of": first, "actor_id": actor, "private_channel": article.private_channel,
            "confidence": s.confidence, "speaker_resolved": s.resolved, "rule": s.rule[:32] or None,
            "disputed": s.disputed[:200] or None, "score": s.score,
            "search_text": " ".join(filter(None, [s.speaker, s.role, s.cue, " ".join(s.topics), s.text]))
            [:MAX_SEARCH_CHARS]}


def add_source(session: Session, article_id: int, team_id: str, channel_id: str, message_ts: str) -> None:
    """Remember that a Slack message posted this article (again: a repost is a source too)."""
    session.execute(_source_insert(session.get_bind().dialect.name),
                    {"article_id": article_id, "team_id": team_id, "channel_id": channel_id, "message_ts": message_ts})


@functools.cache
def _source_insert(dialect: str):  # noqa: ANN202
    return _dialect_insert(dialect, ArticleSource.__table__).on_conflict_do_nothing(
        index_elements=["article_id", "channel_id", "message_ts"])


def forget_message(session: Session, team_id: str, channel_id: str, message_ts: str) -> int:
    """A deleted message takes with it the articles that only it posted, and its job; returns articles deleted."""
    mine = ArticleSource.team_id == team_id, ArticleSource.channel_id == channel_id, \
        ArticleSource.message_ts == message_ts
    ids = set(session.scalars(select(ArticleSource.article_id).where(*mine)))
    session.execute(delete(ArticleSource).where(*mine))
    others = set(session.scalars(select(ArticleSource.article_id).where(ArticleSource.article_id.in_(ids))))
    # Only articles a Slack message brought in: one stored from the command line stays.
    gone = sorted(session.scalars(select(Article.id).where(Article.id.in_(ids - others),
                                                           Article.channel_id.is_not(None))))
    delete_articles(session, gone)
    session.execute(delete(Job).where(Job.team_id == team_id, Job.channel_id == channel_id,
                                      Job.message_ts == message_ts))
    return len(gone)


def delete_articles(session: Session, ids: Sequence[int]) -> None:
    """Delete articles with their statements; a quote another article also carries stays listed there."""
    if not ids:
        return
    _promote_copies(session, ids)
    in_them = Statement.article_id.in_(ids)
    # Copies first, then first copies: SQLite's full-text triggers then see every row as it was indexed.
    session.execute(delete(Statement).where(in_them, Statement.duplicate_of.is_not(None)))
    session.execute(delete(Statement).where(in_them))
    session.execute(delete(Article).where(Article.id.in_(ids)))
    session.flush()
    session.expire_all()


def _promote_copies(session: Session, ids: Sequence[int]) -> None:
    # The earliest copy elsewhere becomes the first copy, with the topic links the first had.
    firsts = select(Statement.id).where(Statement.article_id.in_(ids), Statement.duplicate_of.is_(None))
    rows = session.execute(select(Statement.id, Statement.duplicate_of, Statement.said_on)
                           .where(Statement.duplicate_of.in_(firsts), Statement.article_id.not_in(ids))
                           .order_by(Statement.id)).all()
    heirs: dict[int, tuple[int, date | None]] = {}
    for sid, first, said_on in rows:
        if first is not None:
            heirs.setdefault(first, (sid, said_on))
    st = statement_topics.c
    for first, (heir, said_on) in heirs.items():
        session.execute(update(Statement).where(Statement.duplicate_of == first, Statement.id != heir)
                        .values(duplicate_of=heir))
        session.execute(update(Statement).where(Statement.id == heir).values(duplicate_of=None))
        session.execute(statement_topics.insert().from_select(
            ["statement_id", "topic_id", "team_id", "said_on", "private_channel", "strength"],
            select(literal_column(str(heir)), st.topic_id, st.team_id, literal(said_on, Date), st.private_channel,
                   st.strength).where(st.statement_id == first)))


def forget_workspace(session: Session, team_id: str) -> None:
    """The app was uninstalled: everything the workspace stored goes."""
    ids = list(session.scalars(select(Article.id).where(Article.team_id == team_id)))
    for start in range(0, len(ids), 500):
        delete_articles(session, ids[start:start + 500])
    for model in (Actor, Alias, Job, Watch, Feed, Digest):
        session.execute(delete(model).where(model.team_id == team_id))


def _first_copies(session: Session, team_id: str, private_channel: str | None, prints: list[str]) -> dict[str, int]:
    if not prints:
        return {}
    scope = Statement.private_channel == private_channel if private_channel else Statement.private_channel.is_(None)
    rows = session.execute(select(Statement.fingerprint, func.min(Statement.id))
                           .where(Statement.team_id == team_id, Statement.fingerprint.in_(set(prints)),
                                  Statement.duplicate_of.is_(None), scope)
                           .group_by(Statement.fingerprint)).all()
    return {fp: sid for fp, sid in rows if fp is not None}


def surname(name: str) -> str | None:
    """The last word of a name of two words or more, lowercased: what a lone 'Kirby' is looked up by."""
    return name.rsplit(" ", 1)[1].lower() if " " in name else None


def _full_names(session: Session, team_id: str, private_channel: str | None, names: set[str]) -> dict[str, str]:
    """'Kirby' alone is the 'John Kirby' already quoted in this workspace, when he is the only Kirby, and only
    from statements the new statement's own audience may see: a name read in a private channel stays there.

    One query for all the article's names, by the indexed surname column."""
    lone = {n.lower(): n for n in names if " " not in n and n[:1].isupper()}
    if not lone:
        return {}
    seen_here = select(Statement.id).where(Statement.actor_id == Actor.id, Statement.team_id == team_id,
                                           _visible(Statement.private_channel, private_channel))
    rows = session.execute(select(Actor.surname, Actor.name)
                           .where(Actor.team_id == team_id, Actor.surname.in_(lone), seen_here.exists())).all()
    bearers: dict[str, list[str]] = {}
    for key, full in rows:
        bearers.setdefault(str(key), []).append(full)
    return {lone[key]: fulls[0] for key, fulls in bearers.items() if len(fulls) == 1}


def _actor_ids(session: Session, team_id: str, names: set[str]) -> dict[str, int]:
    return _ids(session, Actor, Actor.name, names, lambda n: {"team_id": team_id, "name": n, "surname": surname(n)},
                Actor.team_id == team_id, conflict=["team_id", "name"])


def _topic_ids(session: Session, names: set[str]) -> dict[str, int]:
    return _ids(session, Topic, Topic.name, names, lambda n: {"name": n}, conflict=["name"])


def _ids(session: Session, model: type[Actor] | type[Topic], key, names: set[str], row: Callable[[str], dict],  # noqa: ANN001
         *where: ColumnElement[bool], conflict: list[str]) -> dict[str, int]:
    """The ids of names, the missing ones inserted: one query when all are known (most topics, a speaker quoted
    before), two otherwise. Inserted in sorted order, so two workers adding the same new names never deadlock;
    insert-or-ignore keeps one row per name when they race, and the names another worker just added are read."""
    if not names:
        return {}
    found: dict[str, int] = {k: i for k, i in session.execute(select(key, model.id).where(*where, key.in_(names)))}
    missing = sorted(names - found.keys())
    if missing:
        # Rows as parameters, not literal VALUES: one cached statement whatever the count (a VALUES list of a new
        # length was compiled again for every article); into the table, as the ORM's bulk path costs more.
        added = session.execute(_insert(session, model.__table__).on_conflict_do_nothing(index_elements=conflict)
                                .returning(key, model.id), [row(n) for n in missing])
        found.update({k: i for k, i in added})
        if raced := [n for n in missing if n not in found]:
            found.update({k: i for k, i in session.execute(select(key, model.id).where(*where, key.in_(raced)))})
    return found


def save_failure(session: Session, article: Article) -> None:
    """Record why a page could not be read; a later post of the link tries again."""
    article.url_key = url_key(article.url, article.private_channel)
    session.execute(delete(Article).where(Article.team_id == article.team_id,
                                          Article.url_key == article.url_key, Article.status == "failed"))
    session.add(article)
    session.flush()


# ---- search ---------------------------------------------------------------------------------

@dataclass
class Window:
    since: date | None = None
    until: date | None = None  # exclusive


COUNT_CAP = 1000  # beyond this many matches the answer says "more than 1,000": counting all costs time


@dataclass
class Page:
    statements: list[Statement]
    total: int  # at most COUNT_CAP + 1, which stands for "more than COUNT_CAP"
    copies: dict[int, int]  # statement id -> how many other sources carry the same words


def _visible(column, channel: str | None):  # noqa: ANN001, ANN202
    """Public statements, plus those posted in the private channel asking."""
    return column.is_(None) if channel is None else or_(column.is_(None), column == channel)


def find_actors(session: Session, team_id: str, name: str, channel: str | None = None) -> list[Actor]:
    """Actors quoted here whose full name or surname is the query ('austin', 'lloyd austin')."""
    q = " ".join(WORD.findall(name.lower()))
    if not q:
        return []
    quoted_here = select(Statement.actor_id).where(Statement.team_id == team_id, Statement.actor_id == Actor.id,
                                                   _visible(Statement.private_channel, channel))
    base = select(Actor).where(Actor.team_id == team_id, quoted_here.exists())
    exact = session.scalars(base.where(func.lower(Actor.name) == q)).all()
    if exact and " " in q:  # a full name is that person
        return list(exact)
    # A surname is everyone who bears it ("biden": Joe, Hunter, and a "Biden" the article left unresolved).
    # One word is looked up by the indexed surname; more ("de gaulle") by the end of the name.
    ends = Actor.surname == q if " " not in q else func.lower(Actor.name).like("% " + _like_escape(q), escape="\\")
    bearers = session.scalars(base.where(ends).order_by(Actor.name).limit(10)).all()
    return list({a.id: a for a in [*exact, *bearers]}.values())


def _like_escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_statements(
    session: Session,
    team_id: str,
    *,
    topic: str | None = None,
    actor_ids: Sequence[int] = (),
    words: str | None = None,
    window: Window | None = None,
    channel: str | None = None,
    limit: int = 20,
    offset: int = 0,
    after_id: int = 0,
) -> Page:
    """Statements on a topic, by actors, or matching words (the first given), newest first.

    Only what this channel may see: public statements, and its own if it is a private channel. after_id keeps
    only statements stored after that one (what a watch has not posted yet)."""
    scope = Scope(team_id, channel, window, limit, offset, after_id)
    if topic:
        ids, total = _by_topic(session, scope, topic)
    elif actor_ids:
        ids, total = _by_condition(session, scope, Statement.actor_id.in_(actor_ids))
    elif not words:  # a date window on its own: everything in it
        ids, total = _by_condition(session, scope, true())
    elif session.get_bind().dialect.name == "sqlite":
        ids, total = _by_fts5(session, scope, words or "")
    else:
        cond = _tsquery(words or "")
        ids, total = _by_condition(session, scope, cond, fulltext=True) if cond is not None else ([], 0)
    if not ids:
        return Page([], total, {})
    rows = {s.id: s for s in session.scalars(
        select(Statement).where(Statement.id.in_(ids))
        .options(joinedload(Statement.article), joinedload(Statement.actor))).unique()}
    copies = {first: n for first, n in session.execute(
        select(Statement.duplicate_of, func.count()).where(Statement.duplicate_of.in_(ids))
        .group_by(Statement.duplicate_of)) if first is not None}
    return Page([rows[i] for i in ids if i in rows], total, copies)


def _window(stmt: Select, column, window: Window | None) -> Select:  # noqa: ANN001
    if window and window.since:
        stmt = stmt.where(column >= window.since)
    if window and window.until:
        stmt = stmt.where(column < window.until)
    return stmt


@dataclass
class Scope:
    """Who asks (workspace and channel), over which dates, and which page."""

    team_id: str
    channel: str | None
    window: Window | None
    limit: int
    offset: int
    after_id: int = 0


def _by_topic(session: Session, scope: Scope, topic: str) -> tuple[list[int], int]:
    # One range of ix_statement_topics_team_topic_strength_said: the statements about the topic first (it is
    # in their words), then those that only mention it around them; newest first within each.
    topic_id = session.scalar(select(Topic.id).where(Topic.name == topic))
    if topic_id is None:
        return [], 0
    st = statement_topics.c
    base = _window(select(st.statement_id).where(st.team_id == scope.team_id, st.topic_id == topic_id,
                                                 _visible(st.private_channel, scope.channel),
                                                 st.statement_id > scope.after_id),
                   st.said_on, scope.window)
    ids = session.scalars(base.order_by(st.strength.desc(), st.said_on.desc(), st.statement_id.desc())
                          .limit(scope.limit).offset(scope.offset)).all()
    return list(ids), _capped_count(session, base, scope.offset)


def _by_condition(session: Session, scope: Scope, cond, fulltext: bool = False) -> tuple[list[int], int]:  # noqa: ANN001
    base = _window(select(Statement.id).where(Statement.team_id == scope.team_id, Statement.duplicate_of.is_(None),
                                              _visible(Statement.private_channel, scope.channel), cond,
                                              Statement.id > scope.after_id),
                   Statement.said_on, scope.window)
    total = _capped_count(session, base, scope.offset)
    newest_first = (Statement.said_on.desc(), Statement.id.desc())
    if fulltext and total <= scope.offset + COUNT_CAP:
        # Few matches: read them all through the GIN index, then sort. (Left to itself PostgreSQL walks
        # the date index backwards testing every row, which is quick for common words only.)
        found = base.add_columns(Statement.said_on).cte("matches").prefix_with("MATERIALIZED")
        ids = session.scalars(select(found.c.id).order_by(found.c.said_on.desc(), found.c.id.desc())
                              .limit(scope.limit).offset(scope.offset)).all()
    else:
        ids = session.scalars(base.order_by(*newest_first).limit(scope.limit).offset(scope.offset)).all()
    return list(ids), total


def _capped_count(session: Session, base: Select, offset: int) -> int:
    return session.scalar(select(func.count()).select_from(base.limit(offset + COUNT_CAP + 1).subquery())) or 0


PHRASE = re.compile(r'"([^"]+)"')


def parse_terms(query: str) -> tuple[list[str], list[str]]:
    """Quoted phrases and loose words, reduced to plain word characters (so no search syntax survives)."""
    phrases = [" ".join(WORD.findall(p)) for p in PHRASE.findall(query)]
    rest = PHRASE.sub(" ", query)
    return [p for p in phrases if p][:MAX_QUERY_WORDS], WORD.findall(rest)[:MAX_QUERY_WORDS]


def _tsquery(query: str):  # noqa: ANN202
    """PostgreSQL: a stemmed condition on the generated tsvector; phrases in quotation marks as phrases."""
    phrases, words = parse_terms(query)
    parts: list[ColumnElement] = [func.phraseto_tsquery("english", p) for p in phrases]
    if words:
        parts.append(func.plainto_tsquery("english", " ".join(words)))
    if not parts:
        return None
    tsq = parts[0]
    for p in parts[1:]:
        tsq = tsq.op("&&")(p)
    return literal_column("statements.search_vector").op("@@")(tsq)


FTS_KEY_SHIFT = 32  # statements_fts rowid = (julian day said << 32) | statement id (migration 0003)
FTS_ID_MASK = (1 << FTS_KEY_SHIFT) - 1
JULIAN_ORDINAL = 1721424.5  # julianday() of date.fromordinal(1)


def _by_fts5(session: Session, scope: Scope, query: str) -> tuple[list[int], int]:
    """SQLite: FTS5 yields matches newest first from its own index (rowid = day << 32 | id); each hit's
    workspace and channel are checked on its row by primary key, and a date window is a rowid range."""
    phrases, words = parse_terms(query)
    if not phrases and not words:
        return [], 0
    params: dict = {"q": " ".join(['"' + p + '"' for p in phrases] + ['"' + w + '"' for w in words]),
                    "team": scope.team_id, "n": scope.limit, "o": scope.offset,
                    "cap": scope.offset + COUNT_CAP + 1, "channel": scope.channel, "after": scope.after_id}
    where = ("statements_fts MATCH :q AND s.team_id = :team AND s.id > :after AND "
             + ("s.private_channel IS NULL" if scope.channel is None
                else "(s.private_channel IS NULL OR s.private_channel = :channel)"))
    if scope.window and scope.window.since:
        where += " AND f.rowid >= :lo"
        params["lo"] = _fts_day(scope.window.since) << FTS_KEY_SHIFT
    if scope.window and scope.window.until:
        where += " AND f.rowid < :hi"
        params["hi"] = _fts_day(scope.window.until) << FTS_KEY_SHIFT
    hits = f"FROM statements_fts f JOIN statements s ON s.id = (f.rowid & {FTS_ID_MASK}) WHERE {where}"
    ids = session.execute(text(f"SELECT s.id {hits} ORDER BY f.rowid DESC LIMIT :n OFFSET :o"), params).scalars()
    total = session.execute(text(f"SELECT count(*) FROM (SELECT 1 {hits} LIMIT :cap)"), params).scalar() or 0
    return list(ids), total


def _fts_day(d: date) -> int:
    return int(d.toordinal() + JULIAN_ORDINAL)  # as CAST(julianday(d) AS INTEGER) in the trigger


# ---- workspace aliases ----------------------------------------------------------------------

def set_aliases(session: Session, team_id: str, name: str, aliases: Iterable[str]) -> list[str]:
    """Store ALIAS -> NAME for a workspace; a later definition of the same alias replaces it.

    One delete and one insert however many aliases: the caller (bot.answers.answers) bounds how many."""
    keys = list(dict.fromkeys(k for k in map(alias_key, aliases) if k))
    if keys:
        session.execute(delete(Alias).where(Alias.team_id == team_id, Alias.alias.in_(keys)))
        session.add_all(Alias(team_id=team_id, alias=k, name=name.replace("\x00", "")[:200]) for k in keys)
        session.flush()
    return keys


def alias_key(alias: str) -> str:
    """How an alias is stored and looked up: lower case, single spaces, no NUL (PostgreSQL refuses it)."""
    return " ".join(alias.replace("\x00", "").lower().split())[:200]


def count_aliases(session: Session, team_id: str, besides: Iterable[str] = ()) -> int:
    """A workspace's aliases, not counting those named in besides."""
    others = [k for k in map(alias_key, besides) if k]
    where = [Alias.team_id == team_id] + ([Alias.alias.not_in(others)] if others else [])
    return session.scalar(select(func.count(Alias.id)).where(*where)) or 0


def alias_for(session: Session, team_id: str, query: str) -> str | None:
    return session.scalar(select(Alias.name).where(Alias.team_id == team_id, Alias.alias == alias_key(query)))


def list_aliases(session: Session, team_id: str) -> list[tuple[str, str]]:
    rows = session.execute(select(Alias.name, Alias.alias).where(Alias.team_id == team_id)
                           .order_by(Alias.name, Alias.alias))
    return [(name, alias) for name, alias in rows]


def count_statements(session: Session, team_id: str) -> int:
    return session.scalar(select(func.count(Statement.id)).where(Statement.team_id == team_id)) or 0


# ---- jobs -----------------------------------------------------------------------------------

def create_job(session: Session, team_id: str, channel_id: str, message_ts: str, user_id: str | None,
               urls: list[str], skipped: int, private: bool = False, dispatched: bool = False) -> int | None:
    """Record a message's links; None when this message was already recorded (a Slack retry). `dispatched`: it is
    being handed to a runner now (as mark_dispatched notes), so the sweeper leaves it alone for a while."""
    result = session.execute(
        _insert(session, Job).values(team_id=team_id, channel_id=channel_id, message_ts=message_ts,
                                     user_id=user_id, urls=urls, skipped=skipped, status="queued", attempts=0,
                                     private=private, dispatched_at=_now() if dispatched else None)
        .on_conflict_do_nothing(index_elements=["team_id", "channel_id", "message_ts"])
        .returning(Job.id)
    )
    return result.scalar()


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _ago(seconds: float) -> datetime:
    return _now() - timedelta(seconds=seconds)


def _changed(result: object) -> bool:
    return cast(CursorResult, result).rowcount == 1


def mark_dispatched(session: Session, job_id: int, stale: float = 0) -> bool:
    """Note that a queued job is being handed to a runner; False if it is not queued or was just handed on."""
    recent = Job.dispatched_at.is_not(None) & (Job.dispatched_at > _ago(stale)) if stale else Job.id.is_(None)
    return _changed(session.execute(update(Job).where(Job.id == job_id, Job.status == "queued", ~recent)
                                    .values(dispatched_at=_now())))


def _without_flush(session: Session) -> None:
    """This transaction's commit need not wait for PostgreSQL to flush its WAL to disk: a claim is made durable by
    the job's next commit (WAL is written in order), and should the server crash first, the job is queued again
    as if its runner had died. Flushes at COMMIT were what several workers waited on. Only for the caller's
    transaction (SET LOCAL)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL synchronous_commit = off"))


def claim_job(session: Session, job_id: int) -> Row | None:
    """Take a queued, due job to run, returning what running it needs (`attempts` is the claim token); None if
    someone else has it. The token (the claim's number) makes sure only the latest claimant may finish the job.
    Columns, not the ORM's Job: the claim is on every job's path and the runner only reads them."""
    _without_flush(session)
    due = or_(Job.run_after.is_(None), Job.run_after <= _now())
    return session.execute(update(Job).where(Job.id == job_id, Job.status == "queued", due)
                           .values(status="running", attempts=Job.attempts + 1, heartbeat_at=_now(), updated_at=_now())
                           .returning(Job.team_id, Job.channel_id, Job.user_id, Job.private, Job.message_ts,
                                      Job.urls, Job.skipped, Job.results, Job.attempts)).first()


def _held(job_id: int, token: int):  # noqa: ANN202
    return (Job.id == job_id) & (Job.attempts == token) & (Job.status == "running")


def retry_job(session: Session, job_id: int, token: int, results: dict, delay: float, error: str) -> bool:
    """Put a claimed job back in the queue, to run again in `delay` seconds, keeping the results so far."""
    return _changed(session.execute(update(Job).where(_held(job_id, token)).values(
        status="queued", results=results, run_after=_now() + timedelta(seconds=delay), dispatched_at=None,
        heartbeat_at=None, error=error[:500], updated_at=_now())))


def finish_job(session: Session, job_id: int, token: int, results: dict, reply: str, ok: bool) -> bool:
    """Close a job with its reply, if this claim is still the latest; False means another runner took it over.

    The finishing runner holds the reply's lease (as lease_reply gives it) and sends the reply at once."""
    return _changed(session.execute(update(Job).where(_held(job_id, token)).values(
        status="done", results=results, reply=reply, ok=ok, heartbeat_at=_now(), updated_at=_now())))


def beat(session: Session, running: dict[int, int], sending: set[int] | frozenset[int] = frozenset()) -> None:
    """The heartbeat of the jobs one process is running, and of the replies it is sending: while it beats, nobody
    takes them over."""
    if running or sending:
        _without_flush(session)  # a lost beat is one beat late; waiting on the disk held the job's row meanwhile
    for job_id, token in running.items():
        session.execute(update(Job).where(_held(job_id, token)).values(heartbeat_at=_now()))
    if sending:
        session.execute(update(Job).where(Job.id.in_(sending), Job.status == "done", Job.reply_sent_at.is_(None))
                        .values(heartbeat_at=_now()))


def requeue_stale(session: Session, stale: float) -> list[int]:
    """Running jobs whose runner stopped beating (a killed process) go back to the queue."""
    dead = (Job.status == "running") & or_(Job.heartbeat_at.is_(None), Job.heartbeat_at < _ago(stale))
    ids = list(session.scalars(select(Job.id).where(dead)))
    if ids:
        session.execute(update(Job).where(Job.id.in_(ids), dead).values(
            status="queued", run_after=None, dispatched_at=None, heartbeat_at=None, updated_at=_now()))
    return ids


def due_jobs(session: Session, stale: float) -> list[int]:
    """Queued jobs due to run that no runner has been handed lately (a lost queue message, Redis away)."""
    return list(session.scalars(select(Job.id).where(
        Job.status == "queued", or_(Job.run_after.is_(None), Job.run_after <= _now()),
        or_(Job.dispatched_at.is_(None), Job.dispatched_at < _ago(stale))).order_by(Job.id).limit(100)))


def lease_reply(session: Session, job_id: int, lease: float) -> Job | None:
    """Take the right to send a done job's unsent reply for `lease` seconds."""
    free = or_(Job.heartbeat_at.is_(None), Job.heartbeat_at < _ago(lease))
    return session.scalars(update(Job).where(Job.id == job_id, Job.status == "done", Job.reply_sent_at.is_(None),
                                             free)
                           .values(heartbeat_at=_now()).returning(Job)
                           .execution_options(populate_existing=True)).first()


def reply_failed(session: Session, job_id: int, error: str) -> None:
    """Slack did not take the reply: the lease runs out and the sweeper sends it again."""
    session.execute(update(Job).where(Job.id == job_id).values(error=error, updated_at=_now()))


def reply_sent(session: Session, job_id: int) -> None:
    """One statement: the caller runs it in autocommit (`storage.db.autocommit`), no BEGIN and COMMIT around it."""
    session.execute(update(Job).where(Job.id == job_id).values(reply_sent_at=_now(), heartbeat_at=None,
                                                               updated_at=_now()))


def unsent_replies(session: Session, lease: float) -> list[int]:
    return list(session.scalars(select(Job.id).where(
        Job.status == "done", Job.reply_sent_at.is_(None),
        or_(Job.heartbeat_at.is_(None), Job.heartbeat_at < _ago(lease))).order_by(Job.id).limit(100)))


# ---- watches --------------------------------------------------------------------------------

def latest_statement_id(session: Session, team_id: str) -> int:
    return session.scalar(select(func.max(Statement.id)).where(Statement.team_id == team_id)) or 0


def add_watch(session: Session, team_id: str, channel_id: str, kind: str, query: str, user_id: str | None) -> Watch:
    """A channel's standing query; it posts only what is stored from now on."""
    watch = Watch(team_id=team_id, channel_id=channel_id, kind=kind, query=query[:200], created_by=user_id,
                  seen_id=latest_statement_id(session, team_id))
    session.add(watch)
    session.flush()
    return watch


def due_watches(session: Session, batch_seconds: float) -> list[int]:
    """Watches with statements stored after their mark and no post within the batch period, nobody holding them."""
    newest = (select(func.max(Statement.id)).where(Statement.team_id == Watch.team_id)
              .correlate(Watch).scalar_subquery())
    quiet = or_(Watch.posted_at.is_(None), Watch.posted_at <= _ago(batch_seconds))
    return list(session.scalars(select(Watch.id).where(newest > Watch.seen_id, quiet, _unleased(Watch))
                                .order_by(Watch.id)))


Leased = TypeVar("Leased", Watch, Feed, Digest)


def channel_rows(session: Session, model: type[Leased], team_id: str, channel_id: str | None = None) -> list[Leased]:
    """A workspace's watches, feeds or digests (model says which), of one channel if given, oldest first."""
    where = [model.team_id == team_id] + ([model.channel_id == channel_id] if channel_id else [])
    return list(session.scalars(select(model).where(*where).order_by(model.id)))


def remove_channel_row(session: Session, model: type[Leased], team_id: str, channel_id: str, row_id: int) -> bool:
    """Stop one watch, feed or digest of a channel; False when the channel has none by that number."""
    return _changed(session.execute(delete(model).where(model.id == row_id, model.team_id == team_id,
                                                        model.channel_id == channel_id)))


def _unleased(model: type[Watch] | type[Feed] | type[Digest]) -> ColumnElement[bool]:
    return or_(model.lease_until.is_(None), model.lease_until < _now())


def _lease(session: Session, model: type[Leased], row_id: int, seconds: float, *still: ColumnElement[bool]
           ) -> Leased | None:
    """Hold a watch, feed or digest for one round (if nobody holds it and `still` holds), so that of several
    processes one posts or polls it."""
    if not _changed(session.execute(update(model).where(model.id == row_id, _unleased(model), *still)
                                    .values(lease_until=_now() + timedelta(seconds=seconds)))):
        return None
    row = session.get(model, row_id)
    if row is not None:
        session.refresh(row)
    return row


def release(session: Session, model: type[Watch] | type[Feed] | type[Digest], row_id: int) -> None:
    """Let go of a lease without recording a round (its post failed): the next round tries again."""
    session.execute(update(model).where(model.id == row_id).values(lease_until=None))


def lease_watch(session: Session, watch_id: int, seconds: float) -> Watch | None:
    """Hold a watch for one round, so two processes never post the same batch."""
    return _lease(session, Watch, watch_id, seconds)


def watch_done(session: Session, watch_id: int, seen_id: int, posted: bool) -> None:
    values: dict = {"seen_id": seen_id, "lease_until": None}
    if posted:
        values["posted_at"] = _now()
    session.execute(update(Watch).where(Watch.id == watch_id).values(**values))


# ---- feeds ----------------------------------------------------------------------------------

def add_feed(session: Session, team_id: str, channel_id: str, private: bool, url: str, user_id: str | None) -> Feed:
    """Follow a feed in a channel (again: the same feed once); its first poll is due at once."""
    found = session.scalars(select(Feed).where(Feed.team_id == team_id, Feed.channel_id == channel_id,
                                               Feed.url == url)).first()
    if found is not None:
        return found
    feed = Feed(team_id=team_id, channel_id=channel_id, private=private, url=url, created_by=user_id, failures=0,
                failure_reported=False)
    session.add(feed)
    session.flush()
    return feed


def _feed_due() -> ColumnElement[bool]:
    return or_(Feed.next_poll_at.is_(None), Feed.next_poll_at <= _now())


def due_feeds(session: Session) -> list[int]:
    return list(session.scalars(select(Feed.id).where(_feed_due(), _unleased(Feed)).order_by(Feed.id)))


def lease_feed(session: Session, feed_id: int, seconds: float) -> Feed | None:
    """Hold a due feed for one poll, so two processes never poll it at once."""
    return _lease(session, Feed, feed_id, seconds, _feed_due())


def unseen_items(session: Session, feed_id: int, links: list[str]) -> list[str]:
    """The links this feed has not shown before (each is marked once it has been read: mark_item)."""
    keys = {_link_key(link): link for link in links}
    seen = set(session.scalars(select(FeedItem.link_key).where(FeedItem.feed_id == feed_id,
                                                               FeedItem.link_key.in_(keys))))
    return [link for k, link in keys.items() if k not in seen]


def mark_item(session: Session, feed_id: int, link: str) -> None:
    session.execute(_insert(session, FeedItem).values(feed_id=feed_id, link_key=_link_key(link))
                    .on_conflict_do_nothing(index_elements=["feed_id", "link_key"]))


def _link_key(link: str) -> str:
    return hashlib.sha256(link.encode()).hexdigest()


def feed_polled(session: Session, feed_id: int, interval: float, *, validators: dict | None = None,
                error: str | None = None) -> bool:
    """Schedule the next poll; count a failure, and say whether it is time to tell the channel (once)."""
    feed = session.get(Feed, feed_id)
    if feed is None:
        return False
    feed.next_poll_at = _now() + timedelta(seconds=interval)
    feed.lease_until = None
    if error is None:
        feed.failures, feed.failure_reported, feed.last_error = 0, False, None
        if validators is not None:
            feed.validators = validators
        return False
    feed.failures += 1
    feed.last_error = error[:500]
    tell = feed.failures >= FEED_FAILURES_TO_REPORT and not feed.failure_reported
    if tell:
        feed.failure_reported = True
    return tell


FEED_FAILURES_TO_REPORT = 3


# ---- digests --------------------------------------------------------------------------------

def add_digest(session: Session, team_id: str, channel_id: str, query: str, period: str, hour: int, minute: int,
               user_id: str | None) -> Digest:
    digest = Digest(team_id=team_id, channel_id=channel_id, query=query[:200], period=period, hour=hour,
                    minute=minute, weekday=_now().weekday(), tz="UTC", created_by=user_id,
                    seen_id=latest_statement_id(session, team_id), sent_at=_now())
    session.add(digest)
    session.flush()
    return digest


def free_digests(session: Session) -> list[Digest]:
    return list(session.scalars(select(Digest).where(_unleased(Digest)).order_by(Digest.id)))


def lease_digest(session: Session, digest_id: int, sent_at: datetime | None, seconds: float) -> Digest | None:
    """Hold a digest that is due, if nobody sent it since `sent_at` (its last send) and nobody holds it."""
    same = Digest.sent_at.is_(None) if sent_at is None else Digest.sent_at == sent_at
    return _lease(session, Digest, digest_id, seconds, same)


def digest_sent(session: Session, digest_id: int, seen_id: int | None, sent_at: datetime | None = None) -> None:
    """Record a send at the round's time (UTC): the next is due at the schedule's next time after it."""
    values: dict = {"sent_at": (sent_at or _now()).replace(tzinfo=None), "lease_until": None}
    if seen_id is not None:
        values["seen_id"] = seen_id
    session.execute(update(Digest).where(Digest.id == digest_id).values(**values))

