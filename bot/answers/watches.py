"""Watches: a channel's standing queries, answered again with only what is new, and posted in batches."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from bot.answers import answers
from bot.answers.answers import Answer, Query
from storage import queries
from storage.models import Watch

log = logging.getLogger(__name__)
WATCH_LIMIT = 50  # statements in one batch; more wait for the next
LEASE_SECONDS = 120


@dataclass
class Post:
    """One batch for one watch: what would be posted in its channel."""

    team_id: str
    channel_id: str
    watch_id: int
    answer: Answer


def run_round(sessions: sessionmaker[Session], batch_minutes: float, post: Callable[[Post], None],
              channel: str | None = None) -> int:
    """Post every due watch's new statements (one message a watch); returns how many batches were posted.

    A watch is due when statements were stored after its mark and it has not posted for batch_minutes.
    A lease on each watch keeps several processes from posting the same batch; a failed post keeps the
    statements for the next round."""
    with sessions.begin() as session:
        due = queries.due_watches(session, batch_minutes * 60)
    posted = 0
    for watch_id in due:
        batch = _batch(sessions, watch_id, channel)
        if batch is None:
            continue
        post_, newest = batch
        if post_ is not None:
            try:
                post(post_)
            except Exception as exc:
                log.error("watch %s: the batch for %s was not posted, will try again: %s", watch_id,
                          post_.channel_id, exc)
                with sessions.begin() as session:
                    queries.release(session, Watch, watch_id)
                continue
            posted += 1
        with sessions.begin() as session:
            queries.watch_done(session, watch_id, newest, posted=post_ is not None)
    return posted


def _batch(sessions: sessionmaker[Session], watch_id: int, channel: str | None) -> tuple[Post | None, int] | None:
    """Lease a watch and answer its query with the statements stored after its mark."""
    with sessions.begin() as session:
        watch = queries.lease_watch(session, watch_id, LEASE_SECONDS)
        if watch is None or (channel is not None and watch.channel_id != channel):
            if watch is not None:
                queries.release(session, Watch, watch_id)
            return None
        newest = queries.latest_statement_id(session, watch.team_id)
        got = answers.answer(session, watch.team_id, Query(watch.kind, watch.query), channel=watch.channel_id,
                             limit=WATCH_LIMIT, after_id=watch.seen_id)
        team_id, channel_id, kind, text = watch.team_id, watch.channel_id, watch.kind, watch.query
    if not got.groups:
        return None, newest
    # Statements stored while this batch was read are in it: the mark moves past them too.
    newest = max([newest] + [i.statement_id for g in got.groups for i in g.items])
    got.heading = f"New on watch {watch_id} (/{kind} {text}): " + got.heading.split(": ", 1)[-1]
    got.next = got.asked = None  # a batch is complete in itself
    return Post(team_id, channel_id, watch_id, got), newest
