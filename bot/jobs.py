"""Run ingestion jobs after Slack's ack: recorded in the database first, so a restart finishes them."""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot.blocks import ingest_reply
from bot.config import Settings
from bot.pipeline import IngestResult, Origin, ingest
from storage import queries

log = logging.getLogger(__name__)
TRANSIENT = {"timeout", "unreachable", "server_error"}
DB_ATTEMPTS = 6


class Notifier(Protocol):
    """Where job progress goes: Slack reactions and a thread reply, or nowhere in tests."""

    def working(self, team_id: str, channel_id: str, message_ts: str) -> None: ...

    def finished(self, team_id: str, channel_id: str, message_ts: str, reply: str, ok: bool) -> None: ...


class JobRunner:
    """A small in-process worker pool; the jobs table is the source of truth."""

    def __init__(self, sessions: sessionmaker[Session], settings: Settings, notifier: Notifier) -> None:
        self.sessions = sessions
        self.settings = settings
        self.notifier = notifier
        self.pool = ThreadPoolExecutor(max_workers=settings.workers, thread_name_prefix="ingest")

    def enqueue(self, team_id: str, channel_id: str, message_ts: str, user_id: str | None,
                urls: list[str], skipped: int, private: bool = False, attempt: int = 0) -> int | None:
        """Record the message's job and start it; None if Slack already delivered this message.

        While the database is away the record is retried with backoff, so a link posted during an
        outage is still read once it is back."""
        try:
            with self.sessions.begin() as session:
                job_id = queries.create_job(session, team_id, channel_id, message_ts, user_id, urls, skipped,
                                            private)
        except OperationalError:
            if attempt + 1 >= DB_ATTEMPTS:
                log.error("message %s/%s dropped: database unavailable", channel_id, message_ts)
                raise
            self._later(attempt, self.enqueue, team_id, channel_id, message_ts, user_id, urls, skipped, private,
                        attempt + 1)
            return None
        if job_id is not None:
            self.submit(job_id)
        return job_id

    def submit(self, job_id: int, resumed: bool = False) -> None:
        """Hand a recorded job to a worker: here, this process's thread pool."""
        self.pool.submit(self.run, job_id, 0, resumed)

    def _later(self, attempt: int, fn, *args) -> None:  # noqa: ANN001
        delay = self.settings.retry_backoff * 2**attempt
        log.warning("database unavailable; retrying in %.1f s", delay)
        timer = threading.Timer(delay, lambda: self.pool.submit(fn, *args))
        timer.daemon = True
        timer.start()

    def resume(self) -> int:
        """Start the jobs a previous process left unfinished (a claim token keeps each reply single)."""
        with self.sessions.begin() as session:
            ids = queries.unfinished_jobs(session)
        for job_id in ids:
            self.submit(job_id, resumed=True)
        return len(ids)

    def run(self, job_id: int, attempt: int = 0, resumed: bool = False) -> None:
        try:
            self.run_once(job_id, resumed=resumed or attempt > 0)
        except OperationalError:
            # The database is away: try the whole job again later, a bounded number of times.
            if attempt + 1 >= DB_ATTEMPTS:
                log.error("job %s left for the next start: database unavailable", job_id)
                return
            self._later(attempt, self.run, job_id, attempt + 1, True)

    def run_once(self, job_id: int, resumed: bool = False) -> None:
        """Claim a job, ingest its links and reply in the thread; database errors propagate."""
        with self.sessions.begin() as session:
            claimed = queries.claim_job(session, job_id, reclaim=resumed)
            if claimed is None:
                return
            job, token = claimed
            team, channel, ts = job.team_id, job.channel_id, job.message_ts
            origin = Origin(team, channel, job.user_id, job.private)
            urls, skipped = list(job.urls), job.skipped
        self.notifier.working(team, channel, ts)
        results = [self._ingest(origin, url) for url in urls]
        ok = any(r.status != "failed" for r in results)
        reply = ingest_reply(results, skipped)
        with self.sessions.begin() as session:
            still_ours = queries.finish_job(session, job_id, token, "done" if ok else "failed", reply)
        if still_ours:
            self.notifier.finished(team, channel, ts, reply, ok)

    def _ingest(self, origin: Origin, url: str) -> IngestResult:
        """One link, with transient failures (timeouts, 5xx) retried with backoff."""
        for attempt in range(self.settings.fetch_retries + 1):
            try:
                result = ingest(self.sessions, self.settings, origin, url)
            except OperationalError:
                raise
            except Exception:  # one bad page must not sink the others
                log.exception("ingesting %s failed", url)
                return IngestResult(url, "failed", reason="an internal error; it has been logged")
            if result.code not in TRANSIENT or attempt == self.settings.fetch_retries:
                return result
            time.sleep(self.settings.retry_backoff * 2**attempt)
        return result

    def shutdown(self) -> None:
        self.pool.shutdown(wait=True)
