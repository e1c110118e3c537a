"""Ingestion through Redis: `serve` records a job and pushes its id on a Redis list; `briefing-bot worker` pops
ids and runs them.

Redis only carries job ids: retries, takeovers after a crash and unsent replies are the jobs table's sweeper's
(bot/ingest/jobs.py), so a lost Redis message or a Redis outage delays a job but never loses it. That is why the
queue is a plain list, one LPUSH and one BRPOP a job: a task queue (RQ) kept registries, heartbeats and results of
its own that the jobs table already keeps, at 65-70 Redis commands a job, each a round trip the page waited on."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from types import FrameType

from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.ingest.jobs import Dispatch, JobRunner, JobTimeout, Notifier, Render, plain_reply
from bot.ingest.pipeline import warm_up
from storage.db import make_engine, make_sessionmaker

log = logging.getLogger(__name__)
WAIT = 1.0  # seconds an idle worker waits on Redis before it looks again whether it was asked to stop


def _redis(settings: Settings) -> tuple[Redis, str]:
    # The socket timeout outlasts a BRPOP's wait: a Redis that stops answering is an error, not a hang.
    redis = Redis.from_url(settings.redis_url or "", socket_timeout=WAIT + 5, socket_connect_timeout=2)
    return redis, f"briefing:jobs:{settings.queue_name}"


def redis_dispatch(settings: Settings) -> Dispatch:
    """Hand job ids to Redis; a Redis error raises, and the sweeper hands the job on later."""
    redis, key = _redis(settings)

    def dispatch(job_id: int) -> None:
        redis.lpush(key, job_id)

    return dispatch


def queued_runner(sessions: sessionmaker[Session], settings: Settings, notifier: Notifier,
                  render: Render = plain_reply) -> JobRunner:
    return JobRunner(sessions, settings, notifier, dispatch=redis_dispatch(settings), render=render)


def work(settings: Settings, make_runner: Callable[[sessionmaker[Session]], JobRunner]) -> int:
    """`briefing-bot worker`: run queued jobs until stopped, with the sweeper finishing what others left.
    make_runner builds the runner with its notifier (the Slack side hands it in: ingest never imports Slack).
    SIGTERM or Ctrl-C lets the job at hand finish and its reply go out, then stops; a second one stops at once
    (the job is then taken over by another process's sweeper)."""
    from storage.db import migrate

    if not settings.redis_url:
        log.error("REDIS_URL is not set: without it `serve` runs ingestion itself and no worker is needed")
        return 2
    engine = make_engine(settings.database_url)
    migrate(engine)
    runner = make_runner(make_sessionmaker(engine))
    warm_up(settings)
    stop = threading.Event()

    def asked_to_stop(signum: int, frame: FrameType | None) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()

    def timed_out(signum: int, frame: FrameType | None) -> None:
        raise JobTimeout(f"the job ran longer than {settings.job_timeout:.0f} s")

    signal.signal(signal.SIGTERM, asked_to_stop)
    signal.signal(signal.SIGINT, asked_to_stop)
    signal.signal(signal.SIGALRM, timed_out)
    redis, key = _redis(settings)
    runner.start()
    away = False
    try:
        while not stop.is_set():
            try:
                popped = redis.brpop([key], timeout=WAIT)
            except RedisError as exc:  # the jobs wait in the table meanwhile; the sweeper hands them on later
                if not away:
                    log.warning("Redis is unavailable (%s); waiting for it", exc)
                away = True
                stop.wait(WAIT)
                continue
            if away:
                log.warning("Redis is back")
                away = False
            if popped is not None:
                _run_timed(runner, int(popped[1]), settings.job_timeout)
    except KeyboardInterrupt:
        log.warning("stopped at once: the job at hand is left to the sweeper")
    finally:
        runner.shutdown()
    return 0


def _run_timed(runner: JobRunner, job_id: int, timeout: float) -> None:
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        runner.run(job_id)
    except JobTimeout as exc:  # raised outside a link's reading: the job stays unfinished, the sweeper takes it over
        log.error("job %s stopped: %s", job_id, exc)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
