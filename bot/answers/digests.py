"""Digests: a channel's daily or weekly summary of what was stored on a topic or person since the last one.

When a digest is due is APScheduler's cron arithmetic (its CronTrigger), checked by the sweeper of every
process; a lease in the database makes one process send it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy.orm import Session, sessionmaker

from bot.answers import answers
from bot.answers.answers import Query
from bot.answers.watches import Post
from storage import queries
from storage.models import Digest

log = logging.getLogger(__name__)
DIGEST_LIMIT = 50
LEASE_SECONDS = 120


def next_send(period: str, hour: int, minute: int, weekday: int, tz: str, after: datetime) -> datetime:
    """The first time at or after `after` (UTC) that the digest is due."""
    trigger = CronTrigger(hour=hour, minute=minute, day_of_week=weekday if period == "weekly" else None,
                          timezone=tz)
    due = trigger.get_next_fire_time(None, after.replace(tzinfo=UTC) + timedelta(microseconds=1))
    assert due is not None  # a daily or weekly cron always fires again
    return due.astimezone(UTC)


def digest_round(sessions: sessionmaker[Session], post: Callable[[Post], None], now: datetime | None = None) -> int:
    """Send every digest that is due; returns how many were sent."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    with sessions() as session:
        candidates = [(d.id, d.sent_at or d.created_at, d.period, d.hour, d.minute, d.weekday, d.tz)
                      for d in queries.free_digests(session)]
    sent = 0
    for digest_id, last, period, hour, minute, weekday, tz in candidates:
        if next_send(period, hour, minute, weekday, tz, last) > now:
            continue
        with sessions.begin() as session:
            digest = queries.lease_digest(session, digest_id, last if last is not None else None, LEASE_SECONDS)
            if digest is None:
                continue
            newest = queries.latest_statement_id(session, digest.team_id)
            got = answers.answer(session, digest.team_id, Query("briefing", digest.query),
                                 channel=digest.channel_id, limit=DIGEST_LIMIT, after_id=digest.seen_id)
            team_id, channel_id, text = digest.team_id, digest.channel_id, digest.query
        label = "Daily" if period == "daily" else "Weekly"
        got.heading = f"{label} digest {digest_id}: " + got.heading.split(": ", 1)[-1]
        if not got.groups:
            got.message = f"Nothing new on \u201c{text}\u201d since the last digest."
        got.next = got.asked = None
        try:
            post(Post(team_id, channel_id, digest_id, got))
        except Exception as exc:
            log.error("digest %s was not posted, will try again: %s", digest_id, exc)
            with sessions.begin() as session:
                queries.release(session, Digest, digest_id)
            continue
        newest = max([newest] + [i.statement_id for g in got.groups for i in g.items])
        with sessions.begin() as session:
            queries.digest_sent(session, digest_id, newest, sent_at=now.astimezone(UTC))
        sent += 1
    return sent
