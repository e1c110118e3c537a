"""Every query the bot makes. Functions take a session; the caller owns the transaction."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, and_, delete, func, literal_column, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, joinedload

from storage.models import Actor, Article, Job, Statement, Topic, statement_topics

WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_WORDS = 12


def url_key(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()


def _insert(session: Session, model):  # noqa: ANN001, ANN202
    return (pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert)(model)


# ---- articles -------------------------------------------------------------------------------

def find_article(session: Session, team_id: str, url: str) -> Article | None:
    return session.scalars(
        select(Article).where(Article.team_id == team_id, Article.url_key == url_key(url))
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


def save_article(session: Session, article: Article, statements: Sequence[NewStatement]) -> Article:
    """Store an article with its statements, replacing an earlier failed attempt at the same URL."""
    article.url_key = url_key(article.url)
    old = find_article(session, article.team_id, article.url)
    if old is not None:
        session.delete(old)
        session.flush()
    session.add(article)
    actors = _actor_ids(session, {(s.speaker, s.role) for s in statements if s.speaker})
    topic_ids = _topic_ids(session, {t for s in statements for t in s.topics})
    for s in statements:
        st = Statement(
            text=s.text, kind=s.kind, speaker=s.speaker, role=s.role, cue=s.cue, said_on=s.said_on,
            place=s.place, start=s.start, end=s.end, actor_id=actors.get(s.speaker) if s.speaker else None,
            search_text=" ".join(filter(None, [s.speaker, s.role, " ".join(s.topics), s.text])),
        )
        article.statements.append(st)
        session.flush()
        if s.topics:
            session.execute(statement_topics.insert(),
                            [{"statement_id": st.id, "topic_id": topic_ids[t]} for t in dict.fromkeys(s.topics)])
    session.flush()
    return article


def _actor_ids(session: Session, speakers: Iterable[tuple[str, str | None]]) -> dict[str, int]:
    roles: dict[str, str | None] = {}
    for name, role in speakers:
        roles[name] = roles.get(name) or role
    if not roles:
        return {}
    # Insert-or-ignore keeps one actor per name even when workers race.
    session.execute(_insert(session, Actor).values([{"name": n, "role": r} for n, r in roles.items()])
                    .on_conflict_do_nothing(index_elements=["name"]))
    rows = session.execute(select(Actor.id, Actor.name, Actor.role).where(Actor.name.in_(roles))).all()
    for actor_id, name, role in rows:
        if roles[name] and role != roles[name]:
            session.execute(update(Actor).where(Actor.id == actor_id).values(role=roles[name]))
    return {name: actor_id for actor_id, name, _ in rows}


def _topic_ids(session: Session, names: set[str]) -> dict[str, int]:
    if not names:
        return {}
    session.execute(_insert(session, Topic).values([{"name": n} for n in names])
                    .on_conflict_do_nothing(index_elements=["name"]))
    return dict(session.execute(select(Topic.name, Topic.id).where(Topic.name.in_(names))).all())


def save_failure(session: Session, article: Article) -> None:
    """Record why a page could not be read; a later post of the link tries again."""
    article.url_key = url_key(article.url)
    session.execute(delete(Article).where(Article.team_id == article.team_id,
                                          Article.url_key == article.url_key, Article.status == "failed"))
    session.add(article)
    session.flush()


# ---- search ---------------------------------------------------------------------------------

@dataclass
class Window:
    since: date | None = None
    until: date | None = None


def find_actors(session: Session, name: str) -> list[Actor]:
    """Actors whose full name or surname is the query ('austin', 'lloyd austin')."""
    q = " ".join(WORD.findall(name.lower()))
    if not q:
        return []
    exact = session.scalars(select(Actor).where(func.lower(Actor.name) == q)).all()
    if exact:
        return list(exact)
    return list(session.scalars(select(Actor).where(func.lower(Actor.name).like(f"% {_like_escape(q)}",
                                                                                escape="\\")).limit(10)))


def _like_escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_statements(
    session: Session,
    team_id: str,
    *,
    topics: Sequence[str] = (),
    actor_ids: Sequence[int] = (),
    words: str | None = None,
    window: Window | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Statement], int]:
    """Statements matching any of topics, actors or words, newest first, with the total count."""
    conds = []
    if topics:
        conds.append(Statement.id.in_(
            select(statement_topics.c.statement_id).join(Topic).where(Topic.name.in_(topics))))
    if actor_ids:
        conds.append(Statement.actor_id.in_(actor_ids))
    if words:
        match = _fulltext(session, words)
        if match is not None:
            conds.append(match)
    if not conds:
        return [], 0
    stmt: Select = select(Statement).join(Article).where(Article.team_id == team_id, or_(*conds))
    if window and window.since:
        stmt = stmt.where(Statement.said_on >= window.since)
    if window and window.until:
        stmt = stmt.where(Statement.said_on < window.until)
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    rows = session.scalars(
        stmt.options(joinedload(Statement.article), joinedload(Statement.actor))
        .order_by(Statement.said_on.desc().nulls_last(), Statement.article_id.desc(), Statement.start)
        .limit(limit).offset(offset)
    ).unique().all()
    return list(rows), total


def _fulltext(session: Session, words: str):  # noqa: ANN202
    """A stemmed full-text condition; user text is reduced to plain words, so it can never be a syntax error."""
    terms = WORD.findall(words)[:MAX_QUERY_WORDS]
    if not terms:
        return None
    if session.get_bind().dialect.name == "postgresql":
        vector = literal_column("statements.search_vector")
        return vector.op("@@")(func.plainto_tsquery("english", " ".join(terms)))
    fts = " ".join('"' + t.replace('"', "") + '"' for t in terms)
    return Statement.id.in_(text("SELECT rowid FROM statements_fts WHERE statements_fts MATCH :q")
                            .bindparams(q=fts).columns(literal_column("rowid")))


def count_statements(session: Session, team_id: str) -> int:
    return session.scalar(select(func.count(Statement.id)).join(Article).where(Article.team_id == team_id)) or 0


# ---- jobs -----------------------------------------------------------------------------------

def create_job(session: Session, team_id: str, channel_id: str, message_ts: str, user_id: str | None,
               urls: list[str], skipped: int) -> int | None:
    """Record a message's links; None when this message was already recorded (a Slack retry)."""
    result = session.execute(
        _insert(session, Job).values(team_id=team_id, channel_id=channel_id, message_ts=message_ts,
                                     user_id=user_id, urls=urls, skipped=skipped, status="queued", attempts=0)
        .on_conflict_do_nothing(index_elements=["team_id", "channel_id", "message_ts"])
        .returning(Job.id)
    )
    return result.scalar()


def claim_job(session: Session, job_id: int, reclaim: bool = False) -> Job | None:
    """Mark a queued (or interrupted) job running; None if another worker has it or it is finished."""
    states = ["queued", "interrupted", "running"] if reclaim else ["queued", "interrupted"]
    res = session.execute(update(Job).where(Job.id == job_id, Job.status.in_(states))
                          .values(status="running", attempts=Job.attempts + 1))
    if res.rowcount != 1:
        return None
    return session.get(Job, job_id)


def finish_job(session: Session, job_id: int, status: str, reply: str) -> None:
    session.execute(update(Job).where(Job.id == job_id).values(status=status, reply=reply))


def unfinished_jobs(session: Session) -> list[int]:
    """Jobs a crash left behind: queued, or running when the process died; run them again."""
    session.execute(update(Job).where(Job.status == "running").values(status="interrupted"))
    return list(session.scalars(select(Job.id).where(Job.status.in_(["queued", "interrupted"]))
                                .order_by(Job.id)))


def statements_by_speaker(statements: Sequence[Statement]) -> dict[str, list[Statement]]:
    """Group in order of each speaker's newest statement (the list is already newest first)."""
    groups: dict[str, list[Statement]] = {}
    for s in statements:
        groups.setdefault(s.speaker or "Unattributed", []).append(s)
    return groups


__all__ = [
    "NewStatement", "Window", "and_", "claim_job", "count_statements", "create_job", "find_actors",
    "find_article", "finish_job", "save_article", "save_failure", "search_statements",
    "statements_by_speaker", "unfinished_jobs", "url_key",
]
