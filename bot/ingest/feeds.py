"""Feeds a channel follows: polled on their own, with conditional requests, and each new item read like a link
posted in that channel (the same address guard, limits, dedupe and privacy)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.errors import Unreadable
from bot.ingest.fetch import fetch
from bot.ingest.pipeline import IngestResult, Origin, ingest
from storage import queries

log = logging.getLogger(__name__)
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml",
              "text/xml", "application/x-rss+xml")
MAX_ITEMS = 30  # links read from one poll; more wait for the next
LEASE_SECONDS = 600


@dataclass
class Notice:
    """A message for the channel that follows a feed (it keeps failing)."""

    team_id: str
    channel_id: str
    text: str


def poll_round(sessions: sessionmaker[Session], settings: Settings, tell: Callable[[Notice], None],
               read: Callable[..., IngestResult] = ingest, fetcher: Callable = fetch) -> list[IngestResult]:
    """Poll every due feed once (a lease keeps other processes off it) and read its new items."""
    with sessions.begin() as session:
        due = queries.due_feeds(session)
    results: list[IngestResult] = []
    for feed_id in due:
        results += _poll(sessions, settings, feed_id, tell, read, fetcher)
    return results


def _poll(sessions: sessionmaker[Session], settings: Settings, feed_id: int, tell: Callable[[Notice], None],
          read: Callable[..., IngestResult], fetcher: Callable) -> list[IngestResult]:
    import feedparser

    with sessions.begin() as session:
        feed = queries.lease_feed(session, feed_id, LEASE_SECONDS)
        if feed is None:
            return []
        team_id, channel_id, private, url = feed.team_id, feed.channel_id, feed.private, feed.url
        validators = dict(feed.validators or {})
    interval = settings.feed_interval_minutes * 60
    try:
        got = fetcher(url, allow_private=settings.fetch_allow_private, total_timeout=settings.fetch_timeout,
                      types=FEED_TYPES, validators=validators)
        if got.status == 304:
            links: list[str] = []
        else:
            parsed = feedparser.parse(got.content)
            if not parsed.entries and (parsed.bozo or not parsed.feed):
                raise Unreadable("not_feed", "it is not an RSS or Atom feed")
            links = [e.link for e in parsed.entries[:MAX_ITEMS] if isinstance(e.get("link"), str)]
    except Unreadable as exc:
        log.warning("feed %s (%s) failed: %s", feed_id, url, exc.message)
        with sessions.begin() as session:
            if queries.feed_polled(session, feed_id, interval, error=exc.message):
                tell(Notice(team_id, channel_id, f"The feed {url} keeps failing ({exc.message}). I will keep trying "
                                                 f"every {settings.feed_interval_minutes:g} minutes; `/briefing "
                                                 f"unfollow {feed_id}` stops it."))
        return []
    with sessions.begin() as session:
        new = queries.unseen_items(session, feed_id, links)
    origin = Origin(team_id, channel_id, None, private)
    results = []
    for link in new:  # an item is marked once read, so one the database lost is read at the next poll
        results.append(read(sessions, settings, origin, link))
        with sessions.begin() as session:
            queries.mark_item(session, feed_id, link)
    with sessions.begin() as session:
        queries.feed_polled(session, feed_id, interval, validators=got.validators)
    return results
