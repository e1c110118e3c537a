"""Ingestion throughput with 1, 2 and 4 RQ workers, and slash-command ack latency under load.

    python bench/ingest_speed.py [POSTGRES_ADMIN_URL]

Serves the 181 real pages of ../shared/articles/scrapinghub from 127.0.0.1, fakes Slack's Web API on
127.0.0.1, and runs real `briefing-bot worker` processes against PostgreSQL and Redis on this machine
(a scratch database is created and dropped). Then it starts `briefing-bot serve` (HTTP, gunicorn) and
sends 50 signed /briefing commands at once, several rounds, timing each ack.
"""

from __future__ import annotations

import gzip
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import httpx
from sqlalchemy import func, select, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bot.config import Settings  # noqa: E402
from bot.jobs import Notifier  # noqa: E402
from bot.queue import QueuedRunner  # noqa: E402
from storage.db import make_engine, make_sessionmaker, migrate  # noqa: E402
from storage.models import Job  # noqa: E402
from tests.conftest import SIGNING_SECRET, FakeSlack, Pages, RunningBot, free_port, kill_group  # noqa: E402

PAGES = ROOT.parent / "shared" / "articles" / "scrapinghub" / "html"


class Silent(Notifier):
    def working(self, *a: str) -> None: ...

    def finished(self, *a: object) -> None: ...


def env_for(db: str, slack: FakeSlack, queue: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": db, "REDIS_URL": "redis://127.0.0.1:6379/0", "QUEUE_NAME": queue,
            "SLACK_BOT_TOKEN": "xoxb-bench", "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": slack.url + "/api/", "FETCH_ALLOW_PRIVATE": "1", "FETCH_RETRIES": "0",
            "LOG_LEVEL": "WARNING", "DOTENV_PATH": "/nonexistent"}


def ingest_round(db: str, urls: list[str], workers: int, slack: FakeSlack) -> float:
    engine = make_engine(db)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    migrate(engine)
    sessions = make_sessionmaker(engine)
    queue = f"bench-{uuid.uuid4().hex[:8]}"
    env = env_for(db, slack, queue)
    procs = [subprocess.Popen([sys.executable, "-m", "bot", "worker"], env=env, start_new_session=True)
             for _ in range(workers)]
    time.sleep(3)  # workers up and listening
    settings = Settings(database_url=db, redis_url=env["REDIS_URL"], queue_name=queue)
    runner = QueuedRunner(sessions, settings, Silent())
    start = time.perf_counter()
    for i, url in enumerate(urls):
        runner.enqueue("TBENCH", "C1", f"{i}.0", "U1", [url], 0)
    while True:
        with sessions() as s:
            left = s.scalar(select(func.count(Job.id)).where(Job.status.in_(["queued", "running"])))
        if not left:
            break
        time.sleep(0.05)
    elapsed = time.perf_counter() - start
    for p in procs:
        kill_group(p, 15)
    engine.dispose()
    return elapsed


def ack_latency(db: str, slack: FakeSlack, concurrent: int = 50, rounds: int = 6) -> list[float]:
    port = free_port()
    env = {**env_for(db, slack, "unused"), "PORT": str(port), "WEB_CONCURRENCY": "2"}
    env.pop("REDIS_URL")
    proc = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--http"], env=env, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    bot = RunningBot(url, proc)
    times: list[float] = []
    lock = threading.Lock()

    def one(i: int) -> None:
        t = time.perf_counter()
        resp = bot.command("/briefing", ["trump", "china", "police", "election"][i % 4], slack.url + f"/respond/{i}")
        with lock:
            times.append((time.perf_counter() - t) * 1000 if resp.status_code == 200 else float("inf"))

    for r in range(rounds):
        threads = [threading.Thread(target=one, args=(r * concurrent + i,)) for i in range(concurrent)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    kill_group(proc, 15)
    return times


def main(argv: list[str]) -> None:
    ack_only = "--ack-only" in argv
    argv = [a for a in argv if a != "--ack-only"]
    admin_url = argv[0] if argv else "postgresql://postgres@127.0.0.1:5432/test"
    name = f"briefing_bench_{uuid.uuid4().hex[:6]}"
    admin = make_engine(admin_url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    db = admin_url.rsplit("/", 1)[0] + "/" + name
    pages, slack = Pages(), FakeSlack()
    urls = [pages.add(f"/{p.stem}.html", gzip.decompress(p.read_bytes())) for p in sorted(PAGES.glob("*.gz"))]
    try:
        print(f"{len(urls)} pages served from 127.0.0.1; PostgreSQL + Redis; `briefing-bot worker` processes")
        for workers in () if ack_only else (1, 2, 4):
            elapsed = ingest_round(db, urls, workers, slack)
            print(f"ingest, {workers} worker{'s' if workers > 1 else ' '}: {len(urls)} pages in {elapsed:.1f} s = "
                  f"{len(urls) / elapsed:.1f} pages/s")
        if ack_only:
            ingest_round(db, urls, 2, slack)
        times = sorted(ack_latency(db, slack))
        p50, p99 = statistics.median(times), times[int(0.99 * (len(times) - 1))]
        print(f"ack latency, 50 concurrent /briefing x {len(times) // 50} rounds (gunicorn 2 workers x 8 threads): "
              f"p50 {p50:.0f} ms, p99 {p99:.0f} ms, max {times[-1]:.0f} ms")
    finally:
        pages.close()
        slack.close()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main(sys.argv[1:])
