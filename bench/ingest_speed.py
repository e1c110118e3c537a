"""Ingestion speed: local files in one process, queue workers over HTTP, Slack calls, and slash-command acks.

    python bench/ingest_speed.py [--local] [--readers] [--slack] [--queue [--rounds=N] [--workers=1,2,4]]
                                 [--ack-only] [--slack-http] [POSTGRES_ADMIN_URL]

With no mode flag, every part runs.

--local: `briefing-bot ingest` of the 181 pages of ../shared/articles/scrapinghub as local .html files (unzipped
to a temporary folder, never into the repository), one process, SQLite: pages a second, CPU seconds and peak
memory (RSS), and the ratio to a reference timed in the same run: trafilatura alone in its fast mode with metadata
(`bare_extraction(html, with_metadata=True, fast=True)`) on the same files, in its own process. The machine is
shared, so the ratios (of wall and of CPU time) are the figures to compare between runs.

--readers: body-text F1 on the 181 pages against ground-truth.json, for the bot's reader and for each
trafilatura setting tried, with one scorer for all (words, lowercased, as a bag; a page read as nothing scores
0), and milliseconds a page.

--slack: CPU a Slack call over HTTPS (the check mark and the reply that close each page), in the calling thread:
slack_sdk's WebClient given no TLS context (as the bot used it before 2026-12-07), given one, and the bot's
web_client.

--queue: serves the same pages from 127.0.0.1, fakes Slack's Web API on 127.0.0.1 over HTTPS as Slack's is (a test
CA's certificate, trusted through SSL_CERT_FILE with a public bundle; --slack-http: plain HTTP, as this bench ran
before 2026-12-07, which hid what TLS costs each Slack call), and runs real `briefing-bot worker` processes (1, 2
and 4) against PostgreSQL and Redis on this machine (a scratch database is created and dropped). A round's jobs are
recorded first, as `serve` records them, and the clock starts when their ids are handed to the workers, once every
worker waits on the queue: it times the workers from a full queue. --rounds=N runs each worker count N times and
reports the median, the machine being shared; the ratio to one worker is the median of each round's ratio (a round
runs 1, 2 and 4 workers a moment apart, one and two swapped every other round, so that a machine slowly getting
faster or slower favours neither; each round starts from a vacuumed database after a checkpoint); --workers=1,2 runs
only those counts (one is always run: the ratios are to it). It also prints the CPU a page of the workers, of the
bench's own fakes and of the whole machine (every process on it).
--ack-only: then it starts `briefing-bot serve` (HTTP, gunicorn; the answers go to the fake's response_url) and
sends 50 signed /briefing commands at once, several rounds, timing each ack and each answer's arrival.
"""

from __future__ import annotations

import gzip
import os
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx
from redis import Redis
from sqlalchemy import func, select, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bot.config import Settings  # noqa: E402
from bot.ingest.jobs import JobRunner, Notifier  # noqa: E402
from bot.ingest.queue import redis_dispatch  # noqa: E402
from storage.db import make_engine, make_sessionmaker, migrate  # noqa: E402
from storage.models import Job  # noqa: E402
from tests.conftest import (  # noqa: E402
    SIGNING_SECRET,
    FakeSlack,
    Pages,
    RunningBot,
    free_port,
    kill_group,
    tls_server,
)

SCRAPINGHUB = ROOT.parent / "shared" / "articles" / "scrapinghub"
PAGES = SCRAPINGHUB / "html"


class Silent(Notifier):
    def working(self, *a: str) -> None: ...

    def finished(self, *a: object) -> None: ...


def env_for(db: str, slack: FakeSlack, queue: str) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": db, "REDIS_URL": "redis://127.0.0.1:6379/0", "QUEUE_NAME": queue,
           "SLACK_BOT_TOKEN": "xoxb-bench", "SLACK_SIGNING_SECRET": SIGNING_SECRET,
           "SLACK_API_URL": slack.url + "/api/", "FETCH_ALLOW_PRIVATE": "1", "FETCH_RETRIES": "0",
           "LOG_LEVEL": "WARNING", "DOTENV_PATH": "/nonexistent"}
    if slack.url.startswith("https:"):
        env["SSL_CERT_FILE"] = str(TLS_BUNDLE)
    return env


TLS_BUNDLE = Path(tempfile.gettempdir()) / f"bench-ca-{os.getpid()}.pem"


def tls_slack() -> FakeSlack:
    """A fake Slack over HTTPS, as Slack's Web API is: its certificate is a test CA's, and the clients trust it
    through SSL_CERT_FILE, a public bundle (certifi's) with the test CA added, so that loading the certificates
    costs what it costs on a real machine (a bundle of some 140) and not what loading one certificate costs."""
    import certifi
    import trustme

    ca = trustme.CA()
    TLS_BUNDLE.write_bytes(Path(certifi.where()).read_bytes() + ca.cert_pem.bytes())
    os.environ["SSL_CERT_FILE"] = str(TLS_BUNDLE)  # this process's clients too (--slack)
    return FakeSlack(tls=tls_server(ca))


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of one process so far (its threads included)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _machine_busy() -> float:
    """CPU seconds the whole machine has been busy (every process: PostgreSQL, Redis, these fakes, others)."""
    ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")  # all but idle and iowait


def _wait_until_listening(redis_url: str, workers: int, timeout: float = 120) -> None:
    """Until every worker waits on the queue (its BRPOP): started, warmed up, ready; a clock started earlier would
    time their start-up too, the longer the more workers share the two cores."""
    redis, deadline = Redis.from_url(redis_url), time.monotonic() + timeout
    while sum(c.get("cmd") == "brpop" for c in redis.client_list()) < workers:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{workers} workers did not start listening within {timeout:.0f} s")
        time.sleep(0.05)
    redis.close()


def ingest_round(db: str, urls: list[str], workers: int, slack: FakeSlack) -> float:
    engine = make_engine(db)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    migrate(engine)
    # Every round starts from the same state: the last round's dirty pages written and its dropped tables vacuumed
    # now, not by PostgreSQL's background processes while this round is timed.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM"))
        conn.execute(text("CHECKPOINT"))
    sessions = make_sessionmaker(engine)
    queue = f"bench-{uuid.uuid4().hex[:8]}"
    env = env_for(db, slack, queue)
    procs = [subprocess.Popen([sys.executable, "-m", "bot", "worker"], env=env, start_new_session=True)
             for _ in range(workers)]
    _wait_until_listening(env["REDIS_URL"], workers)
    settings = Settings(database_url=db, redis_url=env["REDIS_URL"], queue_name=queue)
    # The jobs are recorded first, as `serve` records them, and handed to the workers when the clock starts: what is
    # timed is the workers' throughput from a full queue, not `serve` recording jobs on the same two cores.
    ids: list[int] = []
    recorder = JobRunner(sessions, settings, Silent(), dispatch=ids.append)
    for i, url in enumerate(urls):
        recorder.enqueue("TBENCH", "C1", f"{i}.0", "U1", [url], 0)
    dispatch = redis_dispatch(settings)
    replied = len(slack.named("chat.postMessage"))
    cpu_before = sum(_cpu_seconds(p.pid) for p in procs)
    fakes_before = _cpu_seconds(os.getpid())  # this process: the page server and the fake Slack
    busy_before = _machine_busy()
    start = time.perf_counter()
    for job_id in ids:
        dispatch(job_id)
    enqueued = time.perf_counter() - start
    # Done when every message has its reply in (fake) Slack: watched in this process's memory, not by querying the
    # database that the workers are busy with.
    slack.wait_for("chat.postMessage", count=replied + len(ids), timeout=600)
    elapsed = time.perf_counter() - start
    with sessions() as s:
        left = s.scalar(select(func.count(Job.id)).where(Job.status != "done"))
    assert not left, f"{left} jobs replied to but not done"
    cpu = sum(_cpu_seconds(p.pid) for p in procs) - cpu_before
    fakes = _cpu_seconds(os.getpid()) - fakes_before
    busy = _machine_busy() - busy_before
    for p in procs:
        kill_group(p, 15)
    engine.dispose()
    n = len(urls)
    print(f"  ({workers} worker{'s' if workers > 1 else ''}: {n} job ids pushed in {enqueued:.2f} s; CPU a page: "
          f"workers {cpu * 1000 / n:.1f} ms, the bench's page server and fake Slack {fakes * 1000 / n:.1f} ms, "
          f"whole machine {busy * 1000 / n:.1f} ms, {busy / elapsed:.2f} of its {os.cpu_count()} cores busy)")
    return elapsed


def ack_latency(db: str, slack: FakeSlack, concurrent: int = 50, rounds: int = 6) -> tuple[list[float], list[float]]:
    """Milliseconds to each command's ack, and to its answer at the fake's response_url (what the user waits for)."""
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
    acks: list[float] = []
    sent: dict[int, float] = {}
    lock = threading.Lock()
    answered = len(slack.named("/respond/"))

    def one(i: int) -> None:
        t = time.monotonic()
        resp = bot.command("/briefing", ["trump", "china", "police", "election"][i % 4], slack.url + f"/respond/{i}")
        with lock:
            sent[i] = t
            acks.append((time.monotonic() - t) * 1000 if resp.status_code == 200 else float("inf"))

    for r in range(rounds):
        threads = [threading.Thread(target=one, args=(r * concurrent + i,)) for i in range(concurrent)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        # The round's answers are in before the next round starts: each round is 50 users at once, not more.
        slack.wait_for("/respond/", count=answered + sum(a != float("inf") for a in acks), timeout=120)
    kill_group(proc, 15)
    answers = [(slack.arrivals[f"/respond/{i}"] - t) * 1000 for i, t in sent.items()
               if f"/respond/{i}" in slack.arrivals]
    return acks, answers + [float("inf")] * (len(sent) - len(answers))


# ---- local files, one process ----------------------------------------------------------------

REFERENCE = """
import sys, time
from pathlib import Path
from trafilatura import bare_extraction
for f in sorted(Path(sys.argv[1]).glob("*.html")):
    bare_extraction(f.read_bytes().decode("utf-8", errors="replace"), with_metadata=True, fast=True)
"""


def unzip_pages(folder: Path) -> list[Path]:
    """The 181 pages as .html files in a scratch folder (read at run time, never kept in the repository)."""
    out = []
    for p in sorted(PAGES.glob("*.gz")):
        target = folder / p.name.removesuffix(".gz")
        target.write_bytes(gzip.decompress(p.read_bytes()))
        out.append(target)
    return out


def timed(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds (user + system, with its reader processes), peak RSS in MB, and the output of
    one process. The peak is the process's own VmHWM, read while it runs: ru_maxrss would carry this bench's
    own memory over from the fork."""
    with open(cwd / "out.txt", "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        peak = 0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            peak = max(peak, _hwm_kb(proc.pid))
            time.sleep(0.02)
        wall = time.perf_counter() - start
    text_out = (cwd / "out.txt").read_text(errors="replace")
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{' '.join(cmd[:3])} failed:\n{text_out[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, peak / 1024, text_out


def _hwm_kb(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), 0)


def local_ingest(jobs: int = 1) -> None:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="ingest-bench-") as tmp:
        folder = Path(tmp) / "pages"
        folder.mkdir()
        files = unzip_pages(folder)
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/bench.db", "DOTENV_PATH": "/nonexistent",
               "LOG_LEVEL": "WARNING"}
        subprocess.run([sys.executable, "-m", "bot", "migrate"], env=env, check=True, capture_output=True)
        ref_wall, ref_cpu, ref_rss, _ = timed([sys.executable, "-c", REFERENCE, str(folder)], env, Path(tmp))
        cmd = [sys.executable, "-m", "bot", "ingest", *map(str, files)]
        if jobs > 1:
            cmd += ["--jobs", str(jobs)]
        wall, cpu, rss, out = timed(cmd, env, Path(tmp))
    n = len(files)
    summary = next((line for line in out.splitlines() if line.startswith("Done:")), out.strip()[-300:])
    print(f"reference, trafilatura fast + metadata alone: {n} pages in {ref_wall:.1f} s "
          f"({ref_cpu:.1f} s CPU), peak RSS {ref_rss:.0f} MB")
    print(f"ingest, local files, {jobs} process{'es' if jobs > 1 else ''}, SQLite: {n} pages in {wall:.1f} s = "
          f"{n / wall:.1f} pages/s ({cpu:.1f} s CPU = {n / cpu:.1f} pages/CPU-s), "
          f"peak RSS {rss:.0f} MB (the storing process); "
          f"ratio to reference {wall / ref_wall:.2f}x wall, {cpu / ref_cpu:.2f}x CPU")
    print(f"  {summary}")


# ---- reading quality --------------------------------------------------------------------------

WORDS = __import__("re").compile(r"\w+")


def body_f1(found: str | None, truth: str) -> float:
    """F1 of the words read against the words of the ground-truth body, as bags (case folded)."""
    from collections import Counter

    got, want = Counter(WORDS.findall((found or "").lower())), Counter(WORDS.findall(truth.lower()))
    common = sum((got & want).values())
    if not common:
        return 0.0
    precision, recall = common / sum(got.values()), common / sum(want.values())
    return 2 * precision * recall / (precision + recall)


def reader_settings() -> dict[str, object]:
    """Each reader tried: name -> function(html, url) returning the body text (None: nothing read)."""
    from trafilatura import bare_extraction

    from bot.ingest.reader import read_html

    def traf(**options: object):  # noqa: ANN202
        def read(html: str, url: str) -> str | None:
            doc = bare_extraction(html, url=url, include_comments=False, include_tables=False, **options)
            return getattr(doc, "text", None)
        return read

    def bot_reader(html: str, url: str) -> str | None:
        try:
            return read_html(html, url).text
        except Exception:  # a page the bot refuses reads as nothing
            return None

    return {
        "bot reader (bot/ingest/reader.py as it stands)": bot_reader,
        "trafilatura default (fallbacks), metadata": traf(with_metadata=True),
        "trafilatura fast, metadata": traf(with_metadata=True, fast=True),
        "trafilatura fast, no metadata": traf(fast=True),
        "trafilatura fast, favor_precision": traf(fast=True, favor_precision=True),
        "trafilatura fast, favor_recall": traf(fast=True, favor_recall=True),
        "trafilatura default (fallbacks), favor_precision": traf(favor_precision=True),
    }


def readers() -> None:
    import json

    truth = json.loads((SCRAPINGHUB / "ground-truth.json").read_text())
    pages = {p.name.split(".")[0]: gzip.decompress(p.read_bytes()).decode("utf-8", errors="replace")
             for p in sorted(PAGES.glob("*.gz"))}
    print(f"body-text F1 on {len(pages)} pages against ground-truth.json (words as a bag, mean per page)")
    for name, read in reader_settings().items():
        scores, start = [], time.process_time()
        for key, html in pages.items():
            scores.append(body_f1(read(html, truth[key].get("url") or f"https://example.com/{key}"),  # type: ignore[operator]
                                  truth[key]["articleBody"]))
        ms = (time.process_time() - start) * 1000 / len(pages)
        print(f"reader {name}: body F1 {statistics.mean(scores):.3f} (median {statistics.median(scores):.3f}, "
              f"{sum(s < 0.5 for s in scores)} pages below .5), {ms:.1f} ms CPU a page")


# ---- the whole bench ----------------------------------------------------------------------------

def main(argv: list[str]) -> None:
    rounds = next((int(a.split("=", 1)[1]) for a in argv if a.startswith("--rounds=")), 1)
    counts = next((sorted({1, *map(int, a.split("=", 1)[1].split(","))}) for a in argv
                   if a.startswith("--workers=")), [1, 2, 4])
    modes = {a for a in argv if a.startswith("--") and not a.startswith(("--rounds=", "--workers="))}
    argv = [a for a in argv if not a.startswith("--")]
    every = not modes & {"--local", "--readers", "--queue", "--ack-only", "--slack"}
    if every or "--readers" in modes:
        readers()
    if every or "--local" in modes:
        local_ingest()
        local_ingest(jobs=2)
    if every or "--slack" in modes:
        slack_calls()
    if every or modes & {"--queue", "--ack-only"}:
        queue_bench(argv, ack_only="--ack-only" in modes, rounds=rounds, counts=counts, tls="--slack-http" not in modes)


def slack_calls(pages: int = 40) -> None:
    """CPU of the two Slack calls that close each ingested page (the check mark, the thread reply), over HTTPS to
    the fake Slack, in the calling thread (the fake's own work is not counted): slack_sdk's WebClient as urllib
    serves it by itself (as the bot used it before), given a TLS context of its own, and the bot's web_client (which
    installs the process's one context and its pool of kept-alive connections in urllib, so it runs last)."""
    from slack_sdk import WebClient

    from bot.slack.app import SlackNotifier, web_client

    slack = tls_slack()
    try:
        settings = Settings(slack_bot_token="xoxb-bench", slack_api_url=slack.url + "/api/")
        api = settings.slack_api_url or ""
        clients = {"slack_sdk's WebClient, no TLS context given": lambda: WebClient("xoxb-bench", api),
                   "slack_sdk's WebClient given one TLS context": lambda: WebClient("xoxb-bench", api,
                                                                                    ssl=ssl.create_default_context()),
                   "the bot's web_client (one TLS context, kept-alive connections)": lambda: web_client(settings)}
        for name, make in clients.items():
            client = make()
            notifier = SlackNotifier(lambda team, client=client: client)
            notifier.finished("TBENCH", "C1", "0.0", "warm-up", True, hourglass=False)
            start = time.thread_time()
            for i in range(pages):
                notifier.finished("TBENCH", "C1", f"{i}.0", "Stored 3 statements from A, B: a title", True,
                                  hourglass=False)
            ms = (time.thread_time() - start) * 1000 / (2 * pages)
            print(f"Slack call over HTTPS, {name}: {ms:.1f} ms CPU a call ({2 * pages} calls)")
    finally:
        slack.close()
        TLS_BUNDLE.unlink(missing_ok=True)


def queue_bench(argv: list[str], ack_only: bool, rounds: int = 1, counts: list[int] | None = None,
                tls: bool = True) -> None:
    admin_url = argv[0] if argv else "postgresql://postgres@127.0.0.1:5432/test"
    name = f"briefing_bench_{uuid.uuid4().hex[:6]}"
    admin = make_engine(admin_url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    db = admin_url.rsplit("/", 1)[0] + "/" + name
    pages, slack = Pages(), tls_slack() if tls else FakeSlack()
    urls = [pages.add(f"/{p.stem}.html", gzip.decompress(p.read_bytes())) for p in sorted(PAGES.glob("*.gz"))]
    try:
        print(f"{len(urls)} pages served from 127.0.0.1; PostgreSQL + Redis; `briefing-bot worker` processes; "
              f"fake Slack over {'HTTPS' if tls else 'HTTP'}")
        counts = [] if ack_only else counts or [1, 2, 4]
        taken: dict[int, list[float]] = {w: [] for w in counts}
        for r in range(rounds):  # each round runs every count in turn: a busy spell slows them alike
            # 1, 2, 4, then 2, 1, 4: a drift favours neither of one and two workers, and each follows the
            # other and the previous round's four alike.
            for workers in counts if r % 2 == 0 else [*counts[:2][::-1], *counts[2:]]:
                taken[workers].append(ingest_round(db, urls, workers, slack))
        for workers in counts:
            elapsed = statistics.median(taken[workers])
            spread = f" (rounds in order: {', '.join(f'{len(urls) / t:.1f}' for t in taken[workers])})" \
                if rounds > 1 else ""
            # The ratio to one worker is taken within each round (they ran a moment apart), then its median.
            ratio = statistics.median(one / many for one, many in zip(taken[1], taken[workers], strict=True))
            print(f"ingest, {workers} worker{'s' if workers > 1 else ' '}: {len(urls)} pages in {elapsed:.1f} s = "
                  f"{len(urls) / elapsed:.1f} pages/s" + (f" ({ratio:.2f}x one worker)" if workers > 1 else "")
                  + spread)
        if ack_only:
            ingest_round(db, urls, 2, slack)
        for what, times in zip(("ack", "answer"), map(sorted, ack_latency(db, slack)), strict=True):
            p50, p99 = statistics.median(times), times[int(0.99 * (len(times) - 1))]
            print(f"{what} latency, 50 concurrent /briefing x {len(times) // 50} rounds (gunicorn 2 workers x 8 "
                  f"threads): p50 {p50:.0f} ms, p99 {p99:.0f} ms, max {times[-1]:.0f} ms")
    finally:
        pages.close()
        slack.close()
        TLS_BUNDLE.unlink(missing_ok=True)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main(sys.argv[1:])
