"""Digests: a channel's daily or weekly summary, sent once when due, with what was stored since the last one."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from bot.answers import answers
from bot.answers.answers import Query
from bot.answers.digests import digest_round
from bot.answers.terminal import to_text
from bot.answers.watches import Post
from bot.ingest.pipeline import ingest
from storage.models import Digest
from tests.conftest import SEED_HTML


def command(sessions, text: str, channel: str = "C1") -> str:  # noqa: ANN001
    with sessions.begin() as s:
        return answers.respond(s, "T1", Query("briefing", text), channel=channel, user="U1").message or ""


def created(sessions) -> datetime:  # noqa: ANN001
    with sessions() as s:
        return s.query(Digest).one().sent_at.replace(tzinfo=UTC)


def at(day: datetime, hour: int, minute: int = 1) -> datetime:
    return day.replace(hour=hour, minute=minute, second=0, microsecond=0)


def first_due(start: datetime, hour: int, minute: int, every: int = 1) -> datetime:
    """The first HH:MM after start on a day the digest runs (daily: any; weekly: start's weekday)."""
    due = at(start, hour, minute)
    while due <= start:
        due += timedelta(days=every)
    return due


def test_a_daily_digest_is_sent_once_a_day_with_what_is_new(sessions, settings) -> None:  # noqa: ANN001
    assert "every day at 08:00 UTC" in command(sessions, "digest dprk daily 08:00")
    start = created(sessions)
    ingest(sessions, settings, "T1", str(SEED_HTML))
    posts: list[Post] = []
    due = first_due(start, 8, 0)
    assert digest_round(sessions, posts.append, now=due - timedelta(minutes=1)) == 0  # not yet
    assert digest_round(sessions, posts.append, now=due) == 1
    assert posts[0].channel_id == "C1" and posts[0].answer.heading.startswith("Daily digest 1: dprk")
    assert "Lloyd Austin" in to_text(posts[0].answer)
    assert digest_round(sessions, posts.append, now=due + timedelta(hours=1)) == 0  # once a day
    assert digest_round(sessions, posts.append, now=due + timedelta(days=1)) == 1
    assert "Nothing new on \u201cdprk\u201d since the last digest" in to_text(posts[1].answer)


def test_a_weekly_digest_waits_a_week(sessions, settings) -> None:  # noqa: ANN001
    command(sessions, "digest troops weekly 06:30")
    start = created(sessions)
    ingest(sessions, settings, "T1", str(SEED_HTML))
    posts: list[Post] = []
    due = first_due(start, 6, 30, every=7)
    assert digest_round(sessions, posts.append, now=due - timedelta(minutes=1)) == 0
    assert digest_round(sessions, posts.append, now=due) == 1
    assert posts[0].answer.heading.startswith("Weekly digest 1: troops")
    assert digest_round(sessions, posts.append, now=due + timedelta(days=6)) == 0  # a week, not a day
    assert digest_round(sessions, posts.append, now=due + timedelta(days=7)) == 1


def test_digests_are_listed_stopped_and_explained(sessions) -> None:  # noqa: ANN001
    command(sessions, "digest lloyd austin weekly")
    assert command(sessions, "digests") == "1: lloyd austin, weekly at 08:00 UTC"
    assert "No digest 1 in this channel" in command(sessions, "undigest 1", channel="C2")
    assert command(sessions, "undigest 1") == "Stopped digest 1."
    for bad in ("digest dprk hourly", "digest dprk daily 25:00", "digest"):
        assert "Say what and how often" in command(sessions, bad), bad


def test_two_processes_send_a_digest_once(sessions, settings) -> None:  # noqa: ANN001
    command(sessions, "digest dprk daily 08:00")
    when = first_due(created(sessions), 8, 0)
    posts: list[Post] = []
    rounds = [threading.Thread(target=digest_round, args=(sessions, posts.append, when)) for _ in range(4)]
    for t in rounds:
        t.start()
    for t in rounds:
        t.join()
    assert len(posts) == 1
