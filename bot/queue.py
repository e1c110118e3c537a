"""Ingestion through RQ on Redis: `serve` records a job and queues its id; `briefing-bot worker` runs it."""

from __future__ import annotations

import logging
from functools import lru_cache

from redis import Redis
from rq import Queue, Retry, SimpleWorker

from bot.config import Settings
from bot.jobs import JobRunner, Notifier
from storage.db import make_engine, make_sessionmaker

log = logging.getLogger(__name__)
RETRY = Retry(max=3, interval=[2, 10, 30])  # a database outage or a crash mid-job: try again, then stop
JOB_TIMEOUT = 600


class QueuedRunner(JobRunner):
    """Records jobs like the in-process runner, but workers anywhere run them."""

    def __init__(self, sessions, settings: Settings, notifier: Notifier) -> None:  # noqa: ANN001
        super().__init__(sessions, settings, notifier)
        self.queue = Queue(settings.queue_name, connection=Redis.from_url(settings.redis_url or ""))

    def submit(self, job_id: int, resumed: bool = False) -> None:
        self.queue.enqueue(run_job, job_id, resumed, retry=RETRY, job_timeout=JOB_TIMEOUT,
                           description=f"ingest job {job_id}")


@lru_cache(maxsize=1)
def _worker_runner() -> JobRunner:
    # Built once per worker process (SimpleWorker runs jobs in-process, so pools are reused).
    from bot.app import notifier

    settings = Settings.from_env()
    sessions = make_sessionmaker(make_engine(settings.database_url))
    return JobRunner(sessions, settings, notifier(settings, sessions))


def run_job(job_id: int, resumed: bool = False) -> None:
    """The RQ task: run one recorded job; a database error raises so RQ retries it later."""
    _worker_runner().run_once(job_id, resumed=True)


def work(settings: Settings) -> int:
    """`briefing-bot worker`: first queue what crashed processes left, then run jobs until stopped."""
    from storage.db import migrate

    if not settings.redis_url:
        log.error("REDIS_URL is not set: without it `serve` runs ingestion itself and no worker is needed")
        return 2
    migrate(make_engine(settings.database_url))
    redis = Redis.from_url(settings.redis_url)
    queue = Queue(settings.queue_name, connection=redis)
    runner = _worker_runner()
    with runner.sessions.begin() as session:
        from storage import queries

        stale = queries.unfinished_jobs(session, older_than=settings.job_stale_after)
    for job_id in stale:
        queue.enqueue(run_job, job_id, True, retry=RETRY, job_timeout=JOB_TIMEOUT)
    if stale:
        log.info("queued %d unfinished jobs left by stopped processes", len(stale))
    SimpleWorker([queue], connection=redis).work(with_scheduler=True)
    return 0

