"""Ingestion jobs: recorded in the database before they run; one sweeper retries, resumes and resends.

The jobs table is the truth. A job is `queued` (not before `run_after`), `running` (its runner beats
`heartbeat_at`), or `done` (every link has its result and the reply is written; `reply_sent_at` says
whether it went out). Every retry, of a page that timed out, a database outage, a dead process or a
reply Slack refused, is the same move: the job goes back to `queued` with a later `run_after`, or its
reply stays unsent, and the sweeper in any live process picks it up.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass
from functools import partial
from typing import Protocol

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.ingest.pipeline import IngestResult, Origin, Then, ingest, locate, stored_copy, strip_userinfo
from storage import queries
from storage.db import autocommit
from storage.errors import is_outage

log = logging.getLogger(__name__)
TRANSIENT = {"timeout", "unreachable", "server_error"}
MAX_ATTEMPTS = 8  # claims of one job before its remaining links are reported as not read
MAX_BACKOFF = 60.0
OUTAGE_REASON = "the briefing store was unavailable; post the link again later"


class JobTimeout(Exception):
    """Raised in a job that ran past its time (a worker's backstop; a fetch has its own deadline): the link being
    read fails with that reason and the job is finished, not tried again."""


class Notifier(Protocol):
    """Where job progress goes: Slack reactions and a thread reply, or nowhere in tests."""

    def working(self, team_id: str, channel_id: str, message_ts: str) -> None: ...

    def finished(self, team_id: str, channel_id: str, message_ts: str, reply: str, ok: bool,
                 hourglass: bool = True) -> None:
        """hourglass=False: none was shown, so there is none to take off."""
        ...


class Timers:
    """Calls due after a delay, kept in one thread for all jobs: a timer thread started and cancelled for every
    job cost the worker more than some of its pages' reading (and took the interpreter's lock from it twice).
    What is due runs in a thread of its own, started only then (a slow Slack call holds up no other job)."""

    def __init__(self) -> None:
        self.due: list[tuple[float, int, Callable[[], object]]] = []
        self.count = itertools.count()
        self.changed = threading.Condition()
        self.thread: threading.Thread | None = None
        self.stopped = False

    def later(self, delay: float, call: Callable[[], object]) -> None:
        with self.changed:
            heapq.heappush(self.due, (time.monotonic() + delay, next(self.count), call))
            if self.thread is None:
                self.thread = threading.Thread(target=self._loop, name="timers", daemon=True)
                self.thread.start()
            if self.due[0][2] is call:  # sooner than what the thread waits for
                self.changed.notify()

    def stop(self) -> None:
        """Drop what is not due yet and end the thread (the runner is shutting down)."""
        with self.changed:
            self.stopped = True
            self.due.clear()
            self.changed.notify()

    def _loop(self) -> None:
        while True:
            with self.changed:
                while not self.stopped and (not self.due or self.due[0][0] > time.monotonic()):
                    self.changed.wait(self.due[0][0] - time.monotonic() if self.due else None)
                if self.stopped:
                    return
                call = heapq.heappop(self.due)[2]
            try:
                call()
            except Exception:  # one call's error must not stop the others
                log.exception("a timed call failed")


class Hourglass:
    """The "working on it" reaction of one job, shown only once the job has taken `after` seconds: a page read
    at once gets its reply without a reaction flickering on and off (and two Slack calls fewer). It is added from
    its own thread, so the runner reads the page meanwhile."""

    def __init__(self, notifier: Notifier, origin: Origin, after: float, timers: Timers) -> None:
        self.notifier, self.origin = notifier, origin
        self.state = "waiting"  # -> "showing" -> "shown", or -> "cancelled"
        self.changed = threading.Condition()
        timers.later(after, self._due)

    def _due(self) -> None:
        if self.state == "waiting":  # a job over by now needs no thread
            threading.Thread(target=self.show, name="hourglass", daemon=True).start()

    def show(self) -> None:
        """Add it now (its time ran out, or the job waits for a retry), unless it is there or the job is over."""
        with self.changed:
            if self.state != "waiting":
                return
            self.state = "showing"
        try:
            self.notifier.working(self.origin.team_id, self.origin.channel_id or "", self.origin.message_ts or "")
        except Exception as exc:  # a missing reaction must never stop the job
            log.warning("the hourglass was not added to %s: %s", self.origin.message_ts, exc)
        with self.changed:
            self.state = "shown"
            self.changed.notify_all()

    def stop(self) -> bool:
        """The job is over: cancel a hourglass not shown yet; returns whether one was (it must be taken off),
        after it is on, so the reply never overtakes it."""
        with self.changed:
            if self.state == "waiting":
                self.state = "cancelled"
            self.changed.wait_for(lambda: self.state != "showing")
            return self.state == "shown"


Dispatch = Callable[[int], None]
Render = Callable[[list[IngestResult], int], str]  # a message's results as its reply, in the notifier's medium


def plain_reply(results: list[IngestResult], skipped: int) -> str:
    from bot.answers.terminal import ingest_lines

    return "\n".join(ingest_lines(results, skipped))


@dataclass
class Closing:
    """How a job was closed: its reply, and whether this claim was still the latest (False: taken over)."""

    reply: str
    ok: bool
    finished: bool


class JobRunner:
    """Records, runs and finishes jobs; `dispatch` hands a job id to whoever runs it (a pool or a queue)."""

    def __init__(self, sessions: sessionmaker[Session], settings: Settings, notifier: Notifier,
                 dispatch: Dispatch | None = None, render: Render = plain_reply) -> None:
        self.sessions = sessions
        self.marks = autocommit(sessions)  # "reply sent": one statement
        self.settings = settings
        self.notifier = notifier
        self.render = render
        self.pool: ThreadPoolExecutor | None = None
        if dispatch is None:
            self.pool = ThreadPoolExecutor(max_workers=settings.workers, thread_name_prefix="ingest")
            pool = self.pool

            def dispatch(job_id: int) -> None:
                pool.submit(self.run, job_id)

        self.dispatch = dispatch
        self.running: dict[int, int] = {}  # job id -> claim token, for the heartbeat
        # Replies this process is sending: their lease is beaten too, so a Slack call slower than the lease (its own
        # retries of a 503) is never sent a second time by another sweeper meanwhile.
        self.sending: set[int] = set()
        # The sweeper hands unsent replies to this pool, so a slow send never holds back the heartbeat.
        self.reply_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="reply")
        self.timers = Timers()  # when the jobs' hourglasses are due
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.sweeper: threading.Thread | None = None
        self.rounds_thread: threading.Thread
        self.rounds: list[Callable[[], object]] = []  # more work the sweeper does each round (watches)

    # ---- recording ----------------------------------------------------------------------------

    def enqueue(self, team_id: str, channel_id: str, message_ts: str, user_id: str | None,
                urls: list[str], skipped: int, private: bool = False) -> int | None:
        """Record the message's job and hand it on; None if Slack already delivered this message.

        A database error raises: Slack then hears an error and delivers the event again, so the link
        is never held only in memory."""
        urls = [strip_userinfo(u) for u in urls]
        with self.sessions.begin() as session:
            # Recorded as handed on in the same transaction: if the hand-over fails, the sweeper hands it on.
            job_id = queries.create_job(session, team_id, channel_id, message_ts, user_id, urls, skipped, private,
                                        dispatched=True)
        if job_id is not None:
            try:
                self.dispatch(job_id)
            except Exception as exc:  # the queue is away: the sweeper hands it on later
                log.warning("job %s not handed on yet (%s); the sweeper will", job_id, exc)
        return job_id

    def _hand_on(self, job_id: int) -> None:
        try:
            with self.sessions.begin() as session:
                if not queries.mark_dispatched(session, job_id):
                    return
            self.dispatch(job_id)
        except Exception as exc:  # the queue or database is away: the sweeper hands it on later
            log.warning("job %s not handed on yet (%s); the sweeper will", job_id, exc)

    # ---- running ------------------------------------------------------------------------------

    def run(self, job_id: int) -> None:
        """Claim a job, read its links that have no result yet, then finish it or put it back for later."""
        try:
            self._run(job_id)
        except Exception as exc:
            # Whatever stopped it (an outage, a crash in a step), the job stays unfinished: once its
            # heartbeat stops, the sweeper puts it back in the queue.
            log.exception("job %s stopped: %s", job_id, exc)

    def _run(self, job_id: int) -> None:
        with self.sessions.begin() as session:
            job = queries.claim_job(session, job_id)
            if job is None:
                return
            token = job.attempts
            origin = Origin(job.team_id, job.channel_id, job.user_id, job.private, job.message_ts)
            urls, skipped, results = list(job.urls), job.skipped, dict(job.results or {})
            looked_up = self._stored_already(session, origin, urls, results)
        with self.lock:
            self.running[job_id] = token
        # A retried job's hourglass went on at its first claim, or when it was put back to wait.
        hourglass = Hourglass(self.notifier, origin, self.settings.hourglass_after, self.timers) if token == 1 \
            else None
        shown = token > 1
        try:
            outage, closing = self._read(origin, urls, results, final=token >= MAX_ATTEMPTS, looked_up=looked_up,
                                         finish=partial(self._finish_with, job_id, token, urls, skipped, results))
            if closing is None:
                with self.sessions.begin() as session:
                    pending = [u for u in urls if u not in results]
                    if pending and token < MAX_ATTEMPTS:
                        if hourglass is not None:
                            hourglass.show()  # it waits for a retry: the user sees it is not forgotten
                        delay = min(MAX_BACKOFF, self.settings.retry_backoff * 2 ** (token - 1))
                        queries.retry_job(session, job_id, token, results, delay, outage or "a page timed out")
                        log.info("job %s: %d links to try again in %.0f s", job_id, len(pending), delay)
                        return
                    closing = self._finish(session, job_id, token, urls, skipped, results)
            if not closing.finished:
                return  # another runner took it over
            reply, ok = closing.reply, closing.ok
        finally:
            with self.lock:
                self.running.pop(job_id, None)
            if hourglass is not None:
                shown = hourglass.stop()
        # Finishing took the reply's lease: the reply is recorded, now sent, then marked sent.
        self._deliver_soon(job_id, origin.team_id, origin.channel_id or "", origin.message_ts or "", reply, ok, shown)

    def _deliver_soon(self, job_id: int, team: str, channel: str, ts: str, reply: str, ok: bool,
                      hourglass: bool) -> None:
        """Send the reply from the reply pool while this runner takes its next job: the Slack calls and the "reply
        sent" mark wait there, not on the job's path. Its lease beats from now on (it is in `sending`), and a
        process that stops sends what it holds first (shutdown); one that dies leaves it to another's sweeper."""
        with self.lock:
            self.sending.add(job_id)
        try:
            self.reply_pool.submit(self._deliver, job_id, team, channel, ts, reply, ok, hourglass) \
                .add_done_callback(_log_error)
        except RuntimeError:  # the pool is shut: this process is stopping
            self._deliver(job_id, team, channel, ts, reply, ok, hourglass)

    @staticmethod
    def _stored_already(session: Session, origin: Origin, urls: list[str], results: dict) -> set[str]:
        """In the claim's transaction (one fewer a job): the links stored already get their result; returns
        the links looked up and not found, which ingest need not look up again (unless a link comes twice)."""
        looked_up, seen = set(), set()
        for url in urls:
            located = locate(url) if url not in results else None
            if isinstance(located, tuple) and located[0] not in seen:
                seen.add(located[0])
                if (done := stored_copy(session, origin, located[0])) is not None:
                    results[url] = asdict(done)
                else:
                    looked_up.add(url)
        return looked_up

    def _finish(self, session: Session, job_id: int, token: int, urls: list[str], skipped: int, results: dict
                ) -> Closing:
        """Close the job with its reply, if this claim is still the latest."""
        done = [IngestResult(**results[u]) for u in urls]
        reply, ok = self.render(done, skipped), any(r.status != "failed" for r in done)
        return Closing(reply, ok, queries.finish_job(session, job_id, token, results, reply, ok))

    def _finish_with(self, job_id: int, token: int, urls: list[str], skipped: int, results: dict, session: Session,
                     url: str, result: IngestResult) -> Closing:
        """The finish of a job whose last link is `url`, in the transaction that stores its page: a job of one
        link commits once for its page and its reply, not twice."""
        return self._finish(session, job_id, token, urls, skipped, {**results, url: asdict(result)})

    def _read(self, origin: Origin, urls: list[str], results: dict, final: bool, looked_up: set[str] | None = None,
              finish: Callable[[Session, str, IngestResult], Closing] | None = None
              ) -> tuple[str | None, Closing | None]:
        """Read the links without a result; returns why some must wait (an outage), if so, and how the job was
        closed when the store of its last link closed it too."""
        for url in urls:
            if url in results:
                continue
            closed: list[Closing] = []
            then: Then | None = None
            if finish is not None and all(u in results for u in urls if u != url):
                def then(session: Session, result: IngestResult, url: str = url, closed: list = closed) -> None:
                    closed.append(finish(session, url, result))
            try:
                result = ingest(self.sessions, self.settings, origin, url, looked_up=url in (looked_up or ()),
                                then=then)
            except DBAPIError as exc:
                if is_outage(exc) and not final:
                    log.warning("database unavailable while reading %s: %s", url, exc)
                    return "database unavailable", None
                log.exception("storing %s failed", url)
                reason = OUTAGE_REASON if is_outage(exc) else "it could not be stored; the error has been logged"
                result = IngestResult(url, "failed", reason=reason, code="storage")
            except JobTimeout as exc:
                log.error("reading %s stopped: %s", url, exc)
                result = IngestResult(url, "failed", reason=f"reading it took too long ({exc})", code="too_slow")
            except Exception:  # one bad page must not sink the others
                log.exception("ingesting %s failed", url)
                result = IngestResult(url, "failed", reason="an internal error; it has been logged", code="internal")
            if result.code in TRANSIENT and not final and self._may_retry(results, url):
                continue
            results[url] = asdict(result)
            if closed and result.status == "stored":  # "stored": the transaction that closed the job committed
                return None, closed[0]
        return None, None

    def _may_retry(self, results: dict, url: str) -> bool:
        # Transient page failures get FETCH_RETRIES more tries, counted per link.
        tries = results.setdefault("_tries", {})
        tries[url] = tries.get(url, 0) + 1
        return tries[url] <= self.settings.fetch_retries

    # ---- replying -----------------------------------------------------------------------------

    def send_reply(self, job_id: int) -> None:
        """Post a finished job's reply once: take the reply's lease, send, then mark it sent."""
        with self.sessions.begin() as session:
            job = queries.lease_reply(session, job_id, self.settings.job_stale_after)
            if job is None:
                return
            team, channel, ts, reply, ok = job.team_id, job.channel_id, job.message_ts, job.reply or "", bool(job.ok)
        self._deliver(job_id, team, channel, ts, reply, ok)

    def _deliver(self, job_id: int, team: str, channel: str, ts: str, reply: str, ok: bool,
                 hourglass: bool = True) -> None:
        """Send a reply whose lease this process holds, then mark it sent; on failure the lease runs out.
        A reply sent later by a sweeper does not know whether the hourglass went on: it tries to take it off."""
        with self.lock:
            self.sending.add(job_id)
        try:
            self.notifier.finished(team, channel, ts, reply, ok, hourglass)
        except Exception as exc:
            log.error("reply to %s/%s not sent, will try again: %s", channel, ts, exc)
            with self.sessions.begin() as session:
                queries.reply_failed(session, job_id, str(exc)[:500])
            return
        finally:
            with self.lock:
                self.sending.discard(job_id)
        with self.marks() as session:
            queries.reply_sent(session, job_id)

    # ---- the sweeper --------------------------------------------------------------------------

    def sweep(self) -> None:
        """One round: beat the heartbeat of this process's jobs, requeue jobs whose runner died, hand on
        due jobs nobody holds, and send replies that did not go out."""
        with self.lock:
            mine, sending = dict(self.running), set(self.sending)
        stale = self.settings.job_stale_after
        with self.sessions.begin() as session:
            queries.beat(session, mine, sending)
            requeued = queries.requeue_stale(session, stale)
            due = queries.due_jobs(session, stale)
            unsent = queries.unsent_replies(session, stale)
        if requeued:
            log.warning("jobs %s lost their runner; queued again", requeued)
        for job_id in due:
            self._hand_on(job_id)
        for job_id in unsent:
            self.reply_pool.submit(self.send_reply, job_id).add_done_callback(_log_error)

    def start(self) -> None:
        """Start the sweeper thread (a first round runs at once: jobs left by a stopped process), and a second
        thread for the other rounds (watches, feeds), so a slow feed never holds back the heartbeat."""
        if self.sweeper is not None:
            return
        interval = max(0.2, min(1.0, self.settings.job_stale_after / 4))

        def loop(works: list[Callable[[], object]]) -> None:
            while not self.stopping.is_set():
                for work in works:
                    try:
                        work()
                    except Exception as exc:
                        log.warning("%s failed (database unavailable?): %s", getattr(work, "__name__", "round"),
                                    exc)
                self.stopping.wait(interval)

        self.sweeper = threading.Thread(target=loop, args=([self.sweep],), name="job-sweeper", daemon=True)
        self.sweeper.start()
        self.rounds_thread = threading.Thread(target=loop, args=(self.rounds,), name="rounds", daemon=True)
        self.rounds_thread.start()

    def shutdown(self) -> None:
        self.stopping.set()
        if self.sweeper is not None:
            self.sweeper.join(timeout=5)
            self.rounds_thread.join(timeout=5)
        if self.pool is not None:
            self.pool.shutdown(wait=True)
        self.timers.stop()
        self.reply_pool.shutdown(wait=True)


def _log_error(future: Future) -> None:
    # What the reply pool runs has no caller to raise to: a database error marking a reply sent is logged here (the
    # reply's lease then runs out and a sweeper sends it again).
    if (exc := future.exception()) is not None:
        log.error("sending a reply failed: %s", exc, exc_info=exc)
