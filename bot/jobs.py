"""Run ingestion jobs after Slack's ack: recorded in the database first, so a restart finishes them."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

from sqlalchemy.orm import Session, sessionmaker

from bot.blocks import ingest_reply
from bot.config import Settings
from bot.pipeline import IngestResult, ingest
from storage import queries

log = logging.getLogger(__name__)


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
                urls: list[str], skipped: int) -> int | None:
        """Record the message's job and start it; None if Slack already delivered this message."""
        with self.sessions.begin() as session:
            job_id = queries.create_job(session, team_id, channel_id, message_ts, user_id, urls, skipped)
        if job_id is not None:
            self.pool.submit(self.run, job_id)
        return job_id

    def resume(self) -> int:
        """Start the jobs a previous process left unfinished."""
        with self.sessions.begin() as session:
            ids = queries.unfinished_jobs(session)
        for job_id in ids:
            self.pool.submit(self.run, job_id)
        return len(ids)

    def run(self, job_id: int) -> None:
        with self.sessions.begin() as session:
            job = queries.claim_job(session, job_id)
            if job is None:
                return
            team, channel, ts, user = job.team_id, job.channel_id, job.message_ts, job.user_id
            urls, skipped = list(job.urls), job.skipped
        self.notifier.working(team, channel, ts)
        results: list[IngestResult] = []
        for url in urls:
            try:
                results.append(ingest(self.sessions, self.settings, team, url, posted_by=user, channel_id=channel))
            except Exception:  # one bad page must not sink the others
                log.exception("ingesting %s failed", url)
                results.append(IngestResult(url, "failed", reason="an internal error; it has been logged"))
        ok = any(r.status != "failed" for r in results)
        reply = ingest_reply(results, skipped)
        with self.sessions.begin() as session:
            queries.finish_job(session, job_id, "done" if ok else "failed", reply)
        self.notifier.finished(team, channel, ts, reply, ok)

    def shutdown(self) -> None:
        self.pool.shutdown(wait=True)
