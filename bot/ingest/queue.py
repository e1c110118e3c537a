"""Ingestion through RQ on Redis: `serve` records a job and queues its id; `briefing-bot worker` runs it.

RQ only carries job ids: retries, takeovers after a crash and unsent replies are the jobs table's sweeper's
(bot/ingest/jobs.py), so a lost Redis message or a Redis outage delays a job but never loses it."""

from __future__ import annotations

import logging
from collections.abc import Callable

from redis import Redis
from rq import Queue, SimpleWorker
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.ingest.jobs import Dispatch, JobRunner, Notifier, Render, plain_reply
from bot.ingest.pipeline import warm_up
from storage.db import make_engine, make_sessionmaker

log = logging.getLogger(__name__)
JOB_TIMEOUT = 600
# RQ keeps nothing a job returns: the jobs table holds results and replies. Kept only a day: a job RQ saw fail
# (killed by JOB_TIMEOUT); the sweeper has put it back in the queue anyway.
RESULT_TTL, FAILURE_TTL = 0, 86_400


def rq_dispatch(settings: Settings) -> Dispatch:
    """Hand job ids to RQ; a Redis error raises, and the sweeper hands the job on later."""
    queue = Queue(settings.queue_name, connection=Redis.from_url(settings.redis_url or "", socket_timeout=5,
                                                                 socket_connect_timeout=2))

    def dispatch(job_id: int) -> None:
        queue.enqueue(run_job, job_id, job_timeout=JOB_TIMEOUT, result_ttl=RESULT_TTL, failure_ttl=FAILURE_TTL,
                      description=f"ingest job {job_id}")

    return dispatch


def queued_runner(sessions: sessionmaker[Session], settings: Settings, notifier: Notifier,
                  render: Render = plain_reply) -> JobRunner:
    return JobRunner(sessions, settings, notifier, dispatch=rq_dispatch(settings), render=render)


# The worker process's runner, built once by `work` (SimpleWorker runs jobs in-process, so connections are reused).
_runner: JobRunner | None = None


def run_job(job_id: int) -> None:
    """The RQ task: run one recorded job (it finishes it, or puts it back in the queue for later)."""
    if _runner is None:
        raise RuntimeError("run_job runs inside `briefing-bot worker`")
    _runner.run(job_id)


def work(settings: Settings, make_runner: Callable[[sessionmaker[Session]], JobRunner]) -> int:
    """`briefing-bot worker`: run queued jobs until stopped, with the sweeper finishing what others left.
    make_runner builds the runner with its notifier (the Slack side hands it in: ingest never imports Slack)."""
    global _runner
    from storage.db import migrate

    if not settings.redis_url:
        log.error("REDIS_URL is not set: without it `serve` runs ingestion itself and no worker is needed")
        return 2
    engine = make_engine(settings.database_url)
    migrate(engine)
    runner = _runner = make_runner(make_sessionmaker(engine))
    warm_up(settings)
    runner.start()
    redis = Redis.from_url(settings.redis_url)
    # RQ logs three lines a job at INFO: at the bot's level, they are said only when asked for.
    SimpleWorker([Queue(settings.queue_name, connection=redis)], connection=redis).work(
        logging_level=settings.log_level)
    runner.shutdown()
    return 0
