"""Answer /briefing and /who-said from storage, as plain data for the formatter."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from bot.topics import topics_for_query
from storage import queries
from storage.models import Statement

PAGE = 20
MAX_QUERY_CHARS = 200
BRIEFING_USAGE = ("Usage: `/briefing TOPIC_OR_PERSON`, for example `/briefing dprk` or `/briefing lloyd austin`: "
                  "the latest statements, newest first, grouped by who said them.")
WHO_SAID_USAGE = ("Usage: `/who-said KEYWORD`, for example `/who-said troops`: every speaker who said "
                  "something about it, with their words and sources.")


@dataclass
class Item:
    words: str
    kind: str
    cue: str | None
    said_on: date | None
    place: str | None
    source_url: str
    source_title: str | None


@dataclass
class Group:
    speaker: str
    role: str | None
    items: list[Item]


@dataclass
class Answer:
    heading: str
    groups: list[Group] = field(default_factory=list)
    total: int = 0
    shown: int = 0
    message: str | None = None  # usage help or "nothing found"
    choices: list[str] = field(default_factory=list)  # ambiguous actor names

    @property
    def more(self) -> int:
        return max(0, self.total - self.shown)


def briefing(session: Session, team_id: str, query: str, offset: int = 0) -> Answer:
    """Latest statements on a topic or by an actor, newest first, grouped by speaker."""
    q = _clean(query)
    if not q:
        return Answer("Briefing", message=BRIEFING_USAGE)
    topics = topics_for_query(q)
    actor_ids: list[int] = []
    if not topics:
        actors = queries.find_actors(session, q)
        if len(actors) > 1:
            return Answer(f"Briefing: {q}", message=f"“{q}” fits several people: which one?",
                          choices=[a.name for a in actors])
        actor_ids = [a.id for a in actors]
    words = None if topics or actor_ids else q
    rows, total = queries.search_statements(session, team_id, topics=topics, actor_ids=actor_ids, words=words,
                                            limit=PAGE, offset=offset)
    label = q + (f" ({', '.join(topics)})" if topics and topics[0].lower() != q.lower() else "")
    return _answer(f"Briefing: {label}", rows, total, offset,
                   f"Nothing found on “{q}” yet. Post a link to an article about it and ask again.")


def who_said(session: Session, team_id: str, query: str, offset: int = 0) -> Answer:
    """Every speaker whose statements match the keyword, with words and sources."""
    q = _clean(query)
    if not q:
        return Answer("Who said", message=WHO_SAID_USAGE)
    rows, total = queries.search_statements(session, team_id, topics=topics_for_query(q), words=q,
                                            limit=PAGE, offset=offset)
    return _answer(f"Who said: {q}", rows, total, offset, f"Nobody has been quoted on “{q}” yet.")


def _clean(query: str | None) -> str:
    return " ".join((query or "").split())[:MAX_QUERY_CHARS]


def _answer(heading: str, rows: list[Statement], total: int, offset: int, empty: str) -> Answer:
    if not rows:
        return Answer(heading, message=empty)
    groups = []
    for speaker, sts in queries.statements_by_speaker(rows).items():
        role = next((s.role for s in sts if s.role), None) or (sts[0].actor.role if sts[0].actor else None)
        groups.append(Group(speaker, role, [_item(s) for s in sts]))
    return Answer(heading, groups, total, offset + len(rows))


def _item(s: Statement) -> Item:
    return Item(s.text, s.kind, s.cue, s.said_on, s.place, s.article.url, s.article.title or s.article.site)
