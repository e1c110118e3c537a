"""The schema: articles, actors, statements, topics and ingestion jobs."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Named constraints so that Alembic migrations stay stable across dialects.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


# Team, strength and date are copied here so "the statements most about a topic, newest first" is one index
# range scan.
statement_topics = Table(
    "statement_topics",
    Base.metadata,
    Column("statement_id", ForeignKey("statements.id", ondelete="CASCADE"), primary_key=True),
    Column("topic_id", ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True, index=True),
    Column("team_id", String(32), nullable=True),
    Column("said_on", Date, nullable=True),
    Column("private_channel", String(32), nullable=True),
    # 2: the topic is in the words themselves (or who said them); 1: only in the sentence around them.
    Column("strength", SmallInteger, nullable=False, server_default="2"),
    Index("ix_statement_topics_team_topic_strength_said", "team_id", "topic_id", "strength", "said_on",
          "statement_id"),
)


class Article(Base):
    __tablename__ = "articles"
    __table_args__ = (UniqueConstraint("team_id", "url_key", name="uq_articles_team_url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    url: Mapped[str] = mapped_column(Text)
    # sha256 of the canonical URL: a fixed-width key any database can index uniquely.
    url_key: Mapped[str] = mapped_column(String(64))
    title: Mapped[str | None] = mapped_column(Text)
    site: Mapped[str | None] = mapped_column(String(255))
    author: Mapped[str | None] = mapped_column(String(255))
    published: Mapped[date | None] = mapped_column(Date)
    text: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="stored")  # stored | failed
    failure: Mapped[str | None] = mapped_column(Text)
    posted_by: Mapped[str | None] = mapped_column(String(32))
    channel_id: Mapped[str | None] = mapped_column(String(32))
    # Set when posted in a private channel (or DM): then only that channel sees it.
    private_channel: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())

    statements: Mapped[list[Statement]] = relationship(
        back_populates="article", cascade="all, delete-orphan", passive_deletes=True
    )


class Actor(Base):
    """A speaker's name within one workspace. It holds nothing read from an article but the name, and a
    name is shown only with statements the asker may see; roles live on the statements they came with."""

    __tablename__ = "actors"
    __table_args__ = (UniqueConstraint("team_id", "name", name="uq_actors_team_name"),
                      Index("ix_actors_team_surname", "team_id", "surname"))

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(255))
    # The last word of a name of two words or more, lowercased: "Kirby" alone finds "John Kirby" by index.
    surname: Mapped[str | None] = mapped_column(String(255))


class ArticleSource(Base):
    """A Slack message that posted an article's link: deleting the message deletes what only it brought in."""

    __tablename__ = "article_sources"
    __table_args__ = (Index("ix_article_sources_message", "team_id", "channel_id", "message_ts"),)

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    message_ts: Mapped[str] = mapped_column(String(32), primary_key=True)


class Topic(Base):
    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)


class Statement(Base):
    __tablename__ = "statements"
    __table_args__ = (
        Index("ix_statements_team_said", "team_id", "said_on"),
        Index("ix_statements_team_fingerprint", "team_id", "fingerprint"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[str | None] = mapped_column(String(32))
    # The same words by the same speaker in a syndicated copy point at the first copy stored.
    fingerprint: Mapped[str | None] = mapped_column(String(40))
    duplicate_of: Mapped[int | None] = mapped_column(ForeignKey("statements.id", ondelete="SET NULL"), index=True)
    private_channel: Mapped[str | None] = mapped_column(String(32))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("actors.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))  # direct | indirect | mixed
    speaker: Mapped[str | None] = mapped_column(String(255))  # resolved name, None if anonymous
    role: Mapped[str | None] = mapped_column(String(255))
    cue: Mapped[str | None] = mapped_column(String(64))
    said_on: Mapped[date | None] = mapped_column(Date, index=True)
    said_precision: Mapped[str | None] = mapped_column(String(8))  # day | week | month | year; None: day
    confidence: Mapped[float | None] = mapped_column(Float)  # how sure the speaker is (None: stored before 0010)
    speaker_resolved: Mapped[bool | None] = mapped_column()  # False: kept as the article writes it
    rule: Mapped[str | None] = mapped_column(String(32))  # the candidate rule that produced it
    disputed: Mapped[str | None] = mapped_column(String(200))  # the article's words holding it false ("falsely")
    score: Mapped[float | None] = mapped_column(Float)  # the classifier's P(a speech act) (None: stored before 0016)
    place: Mapped[str | None] = mapped_column(String(255))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    # Speaker, topics and words in one field: what full-text search indexes.
    search_text: Mapped[str] = mapped_column(Text, default="")

    article: Mapped[Article] = relationship(back_populates="statements")
    actor: Mapped[Actor | None] = relationship()
    topics: Mapped[list[Topic]] = relationship(secondary=statement_topics)


class Alias(Base):
    """A workspace's own name for a topic: /briefing alias North Korea = hermit kingdom."""

    __tablename__ = "aliases"
    __table_args__ = (UniqueConstraint("team_id", "alias", name="uq_aliases_team_alias"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    alias: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(200))


class Job(Base):
    """One Slack message with links to ingest; unique per message so retries are no-ops."""

    __tablename__ = "jobs"
    __table_args__ = (UniqueConstraint("team_id", "channel_id", "message_ts", name="uq_jobs_message"),
                      Index("ix_jobs_status", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    message_ts: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str | None] = mapped_column(String(32))
    private: Mapped[bool] = mapped_column(default=False)  # posted in a private channel or DM
    urls: Mapped[list[str]] = mapped_column(JSON)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    # queued: waiting to run (not before run_after); running: claimed, its runner beats heartbeat_at;
    # done: every link has its result and the reply is written (reply_sent_at says whether it went out).
    status: Mapped[str] = mapped_column(String(16), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # claims so far; the latest is the claim token
    results: Mapped[dict | None] = mapped_column(JSON)  # url -> its final result, kept across attempts
    ok: Mapped[bool | None] = mapped_column()  # at least one link read
    reply: Mapped[str | None] = mapped_column(Text)
    run_after: Mapped[datetime | None] = mapped_column(DateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime)
    dispatched_at: Mapped[datetime | None] = mapped_column(DateTime)  # last handed to a queue
    reply_sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    error: Mapped[str | None] = mapped_column(Text)  # the last failure, for the logs and operators
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now(), onupdate=func.now())


class Watch(Base):
    """A channel's standing query: new statements that match it are posted there, in batches."""

    __tablename__ = "watches"
    __table_args__ = (Index("ix_watches_team_channel", "team_id", "channel_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))  # briefing | who-said
    query: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[str | None] = mapped_column(String(32))
    seen_id: Mapped[int] = mapped_column(Integer, default=0)  # statements up to this id are posted or older
    posted_at: Mapped[datetime | None] = mapped_column(DateTime)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime)  # a process is posting its batch
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class Feed(Base):
    """An RSS or Atom feed a channel follows: its new items are read like links posted there."""

    __tablename__ = "feeds"
    __table_args__ = (UniqueConstraint("team_id", "channel_id", "url", name="uq_feeds_team_channel_url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    private: Mapped[bool] = mapped_column(default=False)  # followed in a private channel: items stored there only
    url: Mapped[str] = mapped_column(String(2000))
    created_by: Mapped[str | None] = mapped_column(String(32))
    validators: Mapped[dict | None] = mapped_column(JSON)  # ETag and Last-Modified of the last answer
    next_poll_at: Mapped[datetime | None] = mapped_column(DateTime)  # None: poll at once
    lease_until: Mapped[datetime | None] = mapped_column(DateTime)
    failures: Mapped[int] = mapped_column(Integer, default=0)  # polls failed in a row
    failure_reported: Mapped[bool] = mapped_column(default=False)  # told the channel once
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class FeedItem(Base):
    """An item link a feed has shown already: read once, never again."""

    __tablename__ = "feed_items"

    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id", ondelete="CASCADE"), primary_key=True)
    link_key: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the item's link


class Digest(Base):
    """A channel's scheduled summary of what was stored on a topic or person since the last one."""

    __tablename__ = "digests"
    __table_args__ = (Index("ix_digests_team_channel", "team_id", "channel_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    query: Mapped[str] = mapped_column(String(200))
    period: Mapped[str] = mapped_column(String(8))  # daily | weekly
    hour: Mapped[int] = mapped_column(Integer)
    minute: Mapped[int] = mapped_column(Integer)
    weekday: Mapped[int] = mapped_column(Integer)  # weekly: 0 Monday .. 6 Sunday
    tz: Mapped[str] = mapped_column(String(64), default="UTC")
    created_by: Mapped[str | None] = mapped_column(String(32))
    seen_id: Mapped[int] = mapped_column(Integer, default=0)  # statements up to this id were in a digest or older
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)  # UTC
    lease_until: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
