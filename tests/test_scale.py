"""Several `serve` processes and several workers on one PostgreSQL and one Redis: nothing doubled or lost; a worker
stopped or held up by a page finishes what it holds."""

from __future__ import annotations

import signal
import threading
import uuid
from collections import Counter

import pytest
from sqlalchemy import func, select

from storage.db import make_engine, make_sessionmaker
from storage.models import Article, Job, Statement
from tests.conftest import SEED_HTML, held_page, redis_available

pytestmark = pytest.mark.skipif(not redis_available(), reason="Redis is not running on 127.0.0.1:6379")


def _queue(**extra: str) -> dict[str, str]:
    """The settings of `serve` and workers sharing a queue of their own on the local Redis."""
    return {"REDIS_URL": "redis://127.0.0.1:6379/0", "QUEUE_NAME": f"test-{uuid.uuid4().hex[:8]}", **extra}


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_many_processes_store_once_and_reply_once(start_bot, start_worker, pages, fake_slack, db_url) -> None:  # noqa: ANN001
    queue = _queue(WEB_CONCURRENCY="2")
    bots = [start_bot(**queue), start_bot(**queue)]
    for _ in range(2):
        start_worker(**queue)
    html = SEED_HTML.read_text().replace('rel="canonical"', 'rel="x"')
    urls = [pages.add(f"/story-{i}.html", html.replace("Rome", f"Rome {i}").encode()) for i in range(3)]
    events = [({"type": "message", "channel": "C1", "user": "U1", "ts": f"20.{m}",
                "text": f"<{urls[m % 3]}> and again <{urls[(m + 1) % 3]}>"}, f"Ev{m}") for m in range(8)]

    def deliver(bot, event, event_id, retry) -> None:  # noqa: ANN001
        headers = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"} if retry else {}
        assert bot.event(event, event_id=event_id, headers=headers).status_code == 200

    # Each message reaches both servers at once, as a slow ack and Slack's retry would make it.
    threads = [threading.Thread(target=deliver, args=(bots[i], ev, eid, i == 1))
               for ev, eid in events for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    replies = fake_slack.wait_for("chat.postMessage", count=8, timeout=60)
    threads_answered = Counter(r["thread_ts"] for r in fake_slack.named("chat.postMessage"))
    assert threads_answered == {f"20.{m}": 1 for m in range(8)}
    assert all("Lloyd Austin" in r["text"] for r in replies)

    sessions = make_sessionmaker(make_engine(db_url))
    with sessions() as s:
        assert s.scalar(select(func.count(Job.id))) == 8
        assert s.scalar(select(func.count(Article.id))) == 3
        per_article = s.execute(select(Statement.article_id, func.count()).group_by(Statement.article_id)).all()
        assert len({n for _, n in per_article}) == 1  # every copy stored whole, none twice
        assert s.scalar(select(func.count()).select_from(Job).where(Job.status != "done")) == 0


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_a_job_whose_worker_was_killed_is_finished_by_the_next_worker(start_bot, start_worker, pages, fake_slack,
                                                                      db_url) -> None:  # noqa: ANN001
    from tests.conftest import kill_group
    from tests.test_hostile import drip

    queue = _queue(FETCH_TIMEOUT="60", JOB_STALE_AFTER="3")
    bot = start_bot(**queue)
    first = start_worker(**queue)
    pages.routes["/slow.html"] = drip
    bot.event({"type": "message", "channel": "C1", "user": "U1", "ts": "40.1", "text": f"<{pages.url}/slow.html>"})
    fake_slack.wait_for("reactions.add")  # the worker has the job and is reading the dripping page
    kill_group(first, signal.SIGKILL)
    pages.add("/slow.html", SEED_HTML.read_bytes())
    # Restarted at once, within the stale window: the job is not stale yet when the worker starts, and it is
    # still taken over once its heartbeat has stopped for long enough.
    start_worker(**queue)
    replies = fake_slack.wait_for("chat.postMessage", timeout=60)
    assert len(replies) == 1 and replies[0]["thread_ts"] == "40.1" and "Lloyd Austin" in replies[0]["text"]


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_a_worker_told_to_stop_finishes_the_page_at_hand_and_replies(start_bot, start_worker, pages, fake_slack,
                                                                     db_url) -> None:  # noqa: ANN001
    queue = _queue()
    bot = start_bot(**queue)
    worker = start_worker(**queue)
    release, asked = threading.Event(), threading.Event()
    pages.routes["/held.html"] = held_page(release, asked)
    bot.event({"type": "message", "channel": "C1", "user": "U1", "ts": "41.1", "text": f"<{pages.url}/held.html>"})
    assert asked.wait(timeout=30)  # the worker is reading the page
    worker.send_signal(signal.SIGTERM)  # a deploy stops it
    release.set()
    # No other worker runs: the reply can only come from the stopping one.
    replies = fake_slack.wait_for("chat.postMessage", timeout=20)
    assert replies[0]["thread_ts"] == "41.1" and "Lloyd Austin" in replies[0]["text"]
    assert worker.wait(timeout=20) == 0


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_a_job_past_its_time_is_answered_and_the_worker_goes_on(start_bot, start_worker, pages, fake_slack,
                                                                db_url) -> None:  # noqa: ANN001
    from tests.test_hostile import drip

    queue = _queue(FETCH_TIMEOUT="60", JOB_TIMEOUT="2")
    bot = start_bot(**queue)
    start_worker(**queue)
    pages.routes["/drip.html"] = drip  # a byte a second for a minute: within the fetch's own limit
    seed = pages.add("/seed.html", SEED_HTML.read_bytes())
    bot.event({"type": "message", "channel": "C1", "user": "U1", "ts": "42.1", "text": f"<{pages.url}/drip.html>"})
    bot.event({"type": "message", "channel": "C1", "user": "U1", "ts": "42.2", "text": f"<{seed}>"})
    replies = {r["thread_ts"]: r["text"] for r in fake_slack.wait_for("chat.postMessage", count=2, timeout=30)}
    assert "took too long" in replies["42.1"]
    assert "Lloyd Austin" in replies["42.2"]
