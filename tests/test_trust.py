"""Nothing crosses, nothing is lost: roles and names stay with their audience, racing ingests store one copy,
every posted message gets exactly one reply, deleted messages and uninstalls take their data with them."""

from __future__ import annotations

import json
import logging
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DataError

from bot.answers import answers
from bot.answers.terminal import to_text
from bot.config import Settings
from bot.ingest.jobs import JobRunner
from bot.ingest.pipeline import Origin, ingest
from storage import queries
from storage.models import Article, ArticleSource, Job, Statement
from tests.conftest import SEED_HTML

NIGHTJAR = ("Nightjar review widens\n\n\u201cWe will publish the full findings next month,\u201d said Maximilian Zorn, "
            "the director of Project Nightjar, on Tuesday.\n")
BUDGET = ("Budget talks stall\n\n\u201cThe budget for the radar programme is not settled,\u201d Zorn said "
          "on Wednesday.\n")
RADAR = "Radar plans\n\n\u201cThe radar programme will go ahead,\u201d said Maximilian Zorn on Thursday.\n"
SEED = SEED_HTML.read_bytes()
FILLER = ("\n\nThe review began in the spring after a series of delays in the programme, which has been running "
          "for several years across three sites. Its budget was set before the latest increase in costs, and "
          "the committee in charge meets again in the new year to look at the figures in detail.\n")


def page(tmp_path: Path, name: str, body: str) -> str:
    path = tmp_path / f"{name}.txt"
    path.write_text(body + FILLER, encoding="utf-8")
    return str(path)


def ask(sessions, team: str, query: str, channel: str | None, kind: str = "briefing") -> str:  # noqa: ANN001
    with sessions() as s:
        return to_text(answers.answer(s, team, answers.Query(kind, query), channel=channel))


class Replies:
    """A notifier that records the replies a runner sends, optionally failing the first ones."""

    def __init__(self, fail_first: int = 0) -> None:
        self.sent: list[tuple[str, str, bool]] = []
        self.failures = fail_first
        self.event = threading.Event()

    def working(self, *args: str) -> None: ...

    def finished(self, team: str, channel: str, ts: str, reply: str, ok: bool, hourglass: bool = True) -> None:
        if self.failures:
            self.failures -= 1
            raise RuntimeError("chat.postMessage answered 503")
        self.sent.append((ts, reply, ok))
        self.event.set()

    def wait(self, count: int = 1, timeout: float = 30) -> list[tuple[str, str, bool]]:
        deadline = time.monotonic() + timeout
        while len(self.sent) < count and time.monotonic() < deadline:
            self.event.wait(0.1)
        assert len(self.sent) >= count, f"only {len(self.sent)} replies"
        return self.sent


def until(check, timeout: float = 20) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def fast(settings: Settings) -> Settings:
    from dataclasses import replace

    return replace(settings, job_stale_after=1, retry_backoff=0.1, fetch_retries=0)


# ---- leaks ----------------------------------------------------------------------------------

def test_a_role_and_a_full_name_read_in_a_private_channel_stay_there(sessions, settings, tmp_path) -> None:  # noqa: ANN001
    ingest(sessions, settings, Origin("T1", "G1", "U1", private=True), page(tmp_path, "nightjar", NIGHTJAR))
    ingest(sessions, settings, Origin("T1", "C1", "U1"), page(tmp_path, "budget", BUDGET))
    ingest(sessions, settings, Origin("T2", "C5", "U5"), page(tmp_path, "radar", RADAR))
    inside = ask(sessions, "T1", "maximilian zorn", "G1")
    assert "Maximilian Zorn, director of Project Nightjar" in inside
    # The public article says only "Zorn": it is not given the name or the role learned in private.
    public = ask(sessions, "T1", "zorn", "C1")
    assert "radar programme is not settled" in public
    assert "Nightjar" not in public and "Maximilian" not in public
    assert "Nightjar" not in ask(sessions, "T1", "maximilian zorn", "C1")
    # Another workspace quoting the same full name never sees the role.
    other = ask(sessions, "T2", "maximilian zorn", "C5")
    assert "radar programme will go ahead" in other and "Nightjar" not in other and "director" not in other


def test_a_role_belongs_to_the_statement_it_was_read_with(sessions, settings, tmp_path) -> None:  # noqa: ANN001
    ingest(sessions, settings, Origin("T1", "C1", "U1"), page(tmp_path, "radar", RADAR))
    ingest(sessions, settings, Origin("T1", "G1", "U1", private=True), page(tmp_path, "nightjar", NIGHTJAR))
    # In public only the statement without a role is visible: no role is shown for him at all.
    public = ask(sessions, "T1", "maximilian zorn", "C1")
    assert "radar programme will go ahead" in public and "director" not in public


def test_credentials_in_a_link_are_never_stored_or_shown(sessions, settings, pages) -> None:  # noqa: ANN001
    pages.add("/cred.html", SEED.replace(b'rel="canonical"', b'rel="x"'))
    good = f"http://reader:s3cret@127.0.0.1:{pages.port}/cred.html"
    missing = f"https://admin:hunter2@127.0.0.1:{pages.port}/missing.html"
    replies = Replies()
    runner = JobRunner(sessions, fast(settings), replies)
    runner.enqueue("T1", "C1", "1.1", "U1", [good, missing], 0)
    (_, reply, _), = replies.wait()
    runner.shutdown()
    assert "Stored" in reply and "Could not read" in reply
    assert "s3cret" not in reply and "hunter2" not in reply and "reader:" not in reply
    with sessions() as s:
        stored = json.dumps([list(s.scalars(select(Article.url))), list(s.scalars(select(Job.urls)))])
        assert f"127.0.0.1:{pages.port}/cred.html" in stored
        assert "s3cret" not in stored and "hunter2" not in stored
        assert "s3cret" not in ask(sessions, "T1", "troops", "C1", "who-said")
    assert all("s3cret" not in path for path, _ in pages.seen)


def _delete(bot, channel: str, ts: str, event_id: str) -> None:  # noqa: ANN001
    resp = bot.event({"type": "message", "subtype": "message_deleted", "hidden": True, "channel": channel,
                      "deleted_ts": ts, "ts": f"{ts}9", "previous_message": {"type": "message", "ts": ts}},
                     event_id=event_id)
    assert resp.status_code == 200


def _who_said(bot, fake_slack, n: int, text: str, **where: str) -> str:  # noqa: ANN001
    bot.command("/who-said", text, fake_slack.url + f"/respond/t{n}", **where)
    return json.dumps(fake_slack.wait_for(f"/respond/t{n}")[0])


def test_deleting_a_message_deletes_what_only_it_brought(bot, pages, fake_slack) -> None:  # noqa: ANN001
    url = pages.add("/deleted.html", SEED)
    bot.event({"type": "message", "channel": "C1", "user": "U1", "ts": "60.1", "text": f"<{url}>"}, event_id="E1")
    assert fake_slack.wait_for("chat.postMessage")[0]["text"].startswith("Stored")
    bot.event({"type": "message", "channel": "C2", "user": "U2", "ts": "60.2", "text": f"<{url}>"}, event_id="E2")
    assert fake_slack.wait_for("chat.postMessage", count=2)[1]["text"].startswith("Already stored")
    _delete(bot, "C1", "60.1", "E3")
    assert "John Kirby" in _who_said(bot, fake_slack, 1, "troops")  # the message in C2 still carries it
    _delete(bot, "C2", "60.2", "E4")
    gone = _who_said(bot, fake_slack, 2, "troops")
    assert "Kirby" not in gone and "Nothing found" in gone


def test_an_uninstalled_workspace_loses_its_data_and_only_it(bot, pages, fake_slack, sessions) -> None:  # noqa: ANN001
    url = pages.add("/uninstall.html", SEED)
    for n, team in enumerate(("T1", "T2")):
        bot.event({"type": "message", "channel": "C1", "user": "U1", "ts": f"61.{n}", "text": f"<{url}>"},
                  team=team, event_id=f"E{n}")
        fake_slack.wait_for("chat.postMessage", count=n + 1)
    assert bot.event({"type": "app_uninstalled"}, team="T1", event_id="E9").status_code == 200
    assert "Nothing found" in _who_said(bot, fake_slack, 3, "troops", team="T1")
    assert "John Kirby" in _who_said(bot, fake_slack, 4, "troops", team="T2")
    with sessions() as s:
        for model in (Article, Statement, Job):
            assert s.scalar(select(func.count()).select_from(model).where(model.team_id == "T1")) == 0
    # A revoked bot token is an uninstall too.
    bot.event({"type": "tokens_revoked", "tokens": {"bot": ["UBOT"]}}, team="T2", event_id="E10")
    assert "Nothing found" in _who_said(bot, fake_slack, 5, "troops", team="T2")


def _fts_ok(sessions) -> None:  # noqa: ANN001
    with sessions() as s:
        if s.get_bind().dialect.name == "sqlite":
            s.execute(text("INSERT INTO statements_fts(statements_fts, rank) VALUES ('integrity-check', 1)"))


def test_a_syndicated_copy_stays_listed_when_the_first_copy_is_deleted(sessions, settings, tmp_path) -> None:  # noqa: ANN001
    first, copy = tmp_path / "first.html", tmp_path / "copy.html"
    first.write_bytes(SEED.replace(b'rel="canonical"', b'rel="x"'))
    copy.write_bytes(SEED.replace(b'rel="canonical"', b'rel="x"'))
    for ts, path in (("70.1", first), ("70.2", copy)):
        assert ingest(sessions, settings, Origin("T1", "C1", "U1", message_ts=ts), str(path)).status == "stored"
    before = ask(sessions, "T1", "troops", None, "who-said")
    assert "also in 1 other source" in before
    with sessions.begin() as s:
        assert queries.forget_message(s, "T1", "C1", "70.1") == 1
    _fts_ok(sessions)
    after = ask(sessions, "T1", "troops", None, "who-said")
    assert "John Kirby" in after and "copy.html" in after and "also in" not in after
    assert "Lloyd Austin" in ask(sessions, "T1", "dprk", None)  # the topic links moved to the copy
    with sessions.begin() as s:
        queries.forget_message(s, "T1", "C1", "70.2")
    _fts_ok(sessions)
    assert "Nothing found" in ask(sessions, "T1", "troops", None, "who-said")
    assert ingest(sessions, settings, Origin("T1", "C1", "U1", message_ts="70.3"), str(first)).status == "stored"
    _fts_ok(sessions)


def test_a_sentence_repeated_in_one_article_is_one_statement(sessions, settings, tmp_path) -> None:  # noqa: ANN001
    quote = "\u201cThe radar programme will go ahead,\u201d said Maximilian Zorn on Thursday.\n\n"
    ingest(sessions, settings, "T1", page(tmp_path, "twice", "Radar\n\n" + quote + "Other news.\n\n" + quote))
    got = ask(sessions, "T1", "radar", None, "who-said")
    assert got.count("will go ahead") == 1 and "other source" not in got


# ---- losses ---------------------------------------------------------------------------------

def _after_a_pause(handler) -> None:  # noqa: ANN001 - every reader is mid-fetch at once
    body = SEED.replace(b'rel="canonical"', b'rel="x"')
    time.sleep(0.5)
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def test_one_link_posted_in_five_channels_at_once_is_stored_once(bot, pages, fake_slack, sessions) -> None:  # noqa: ANN001
    pages.routes["/race.html"] = _after_a_pause
    url = f"{pages.url}/race.html"
    threads = [threading.Thread(target=bot.event, args=({"type": "message", "channel": f"C{n}", "user": "U1",
                                                         "ts": f"80.{n}", "text": f"<{url}>"},),
                                kwargs={"event_id": f"E{n}"}) for n in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    replies = [c["text"] for c in fake_slack.wait_for("chat.postMessage", count=5)]
    assert sum(r.startswith("Stored") for r in replies) == 1, replies
    assert sum(r.startswith("Already stored") for r in replies) == 4, replies
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(Article)) == 1
        assert s.scalar(select(func.count()).select_from(ArticleSource)) == 5
    assert "John Kirby" in _who_said(bot, fake_slack, 6, "troops")


def test_a_reply_lost_with_its_process_is_sent_on_start_up_once(sessions, settings, tmp_path) -> None:  # noqa: ANN001
    story = page(tmp_path, "radar", RADAR)
    dying = Replies(fail_first=1)  # the process "dies" between recording the reply and sending it
    first = JobRunner(sessions, fast(settings), dying)
    first.enqueue("T1", "C1", "90.1", "U1", [story], 0)
    until(lambda: dying.failures == 0)
    first.shutdown()  # never sweeps again
    with sessions() as s:
        job = s.scalars(select(Job)).one()
        assert job.status == "done" and job.reply_sent_at is None
    replies = Replies()
    second = JobRunner(sessions, fast(settings), replies)
    second.start()
    assert [ts for ts, _, _ in replies.wait()] == ["90.1"]

    def marked_sent() -> bool:
        with sessions() as s:
            return s.scalars(select(Job)).one().reply_sent_at is not None

    until(marked_sent)
    for _ in range(3):
        second.sweep()
    second.shutdown()
    assert len(replies.sent) == 1


def test_slack_refusing_a_reply_several_times_still_gets_it_exactly_once(start_bot, pages, fake_slack) -> None:  # noqa: ANN001
    fake_slack.statuses["chat.postMessage"] = [(503, {})] * 5
    bot = start_bot(JOB_STALE_AFTER="1")
    url = pages.add("/refused.html", SEED)
    bot.event({"type": "message", "channel": "C1", "user": "U1", "ts": "91.1", "text": f"<{url}>"})
    calls = fake_slack.wait_for("chat.postMessage", count=6, timeout=40)
    assert all(c["thread_ts"] == "91.1" for c in calls)
    # Once delivered, nothing more is sent: a later command is answered after at least two more sweeps.
    bot.command("/briefing", "dprk", fake_slack.url + "/respond/r1")
    fake_slack.wait_for("/respond/r1")
    time.sleep(2.5)
    assert len(fake_slack.named("chat.postMessage")) == 6


class SlowReplies(Replies):
    """Slack taking longer over one reply than the reply's lease (its own 503 retries on a loaded machine)."""

    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds = seconds
        self.calls = 0

    def finished(self, team: str, channel: str, ts: str, reply: str, ok: bool, hourglass: bool = True) -> None:
        self.calls += 1
        threading.Event().wait(self.seconds)  # the call in flight, not a wait for a result
        super().finished(team, channel, ts, reply, ok, hourglass)


def test_a_reply_slower_than_its_lease_is_sent_once(sessions, settings, tmp_path) -> None:  # noqa: ANN001
    replies = SlowReplies(seconds=3)  # the lease is 1 s: the sweeper runs several rounds meanwhile
    runner = JobRunner(sessions, fast(settings), replies)
    runner.start()
    job_id = runner.enqueue("T1", "C1", "95.1", "U1", [page(tmp_path, "radar", RADAR)], 0)
    replies.wait()
    with sessions() as s:
        until(lambda: s.get(Job, job_id, populate_existing=True).reply_sent_at is not None)
    runner.shutdown()
    assert replies.calls == 1 and len(replies.sent) == 1


def test_a_slow_slack_does_not_hold_back_the_next_page(sessions, settings, tmp_path) -> None:  # noqa: ANN001
    from dataclasses import replace

    replies = SlowReplies(seconds=2)
    runner = JobRunner(sessions, replace(settings, workers=1), replies)  # one runner: the pages take turns
    runner.start()
    first = runner.enqueue("T1", "C1", "96.1", "U1", [page(tmp_path, "radar", RADAR)], 0)
    second = runner.enqueue("T1", "C1", "96.2", "U1", [page(tmp_path, "sonar", RADAR.replace("radar", "sonar"))], 0)
    try:
        with sessions() as s:
            until(lambda: s.get(Job, second, populate_existing=True).status == "done", timeout=10)
            assert s.get(Job, first, populate_existing=True).reply_sent_at is None  # its reply is still on its way
    finally:
        runner.shutdown()  # a runner that stops sends the replies it holds first
    assert sorted(ts for ts, _, _ in replies.sent) == ["96.1", "96.2"] and replies.calls == 2
    with sessions() as s:
        assert all(s.get(Job, j, populate_existing=True).reply_sent_at is not None for j in (first, second))


class Hourglasses(Replies):
    """Records whether each job's hourglass went on and whether its reply was told to take it off."""

    def __init__(self) -> None:
        super().__init__()
        self.shown: list[str] = []
        self.taken_off: list[bool] = []

    def working(self, team: str, channel: str, ts: str) -> None:
        self.shown.append(ts)

    def finished(self, team: str, channel: str, ts: str, reply: str, ok: bool, hourglass: bool = True) -> None:
        self.taken_off.append(hourglass)
        super().finished(team, channel, ts, reply, ok, hourglass)


def test_a_job_waiting_for_a_retry_shows_the_hourglass_and_a_quick_one_does_not(sessions, settings, pages) -> None:  # noqa: ANN001
    from dataclasses import replace

    calls = []

    def busy_once(handler) -> None:  # noqa: ANN001
        calls.append(1)
        status, body = (503, b"busy") if len(calls) == 1 else (200, SEED)
        handler.send_response(status)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    pages.routes["/busy.html"] = busy_once
    quick = pages.add("/quick.html", SEED.replace(b'rel="canonical"', b'rel="x"'))
    notes = Hourglasses()
    # Long before the hourglass's second: only a job put back to wait for a retry shows it at once.
    runner = JobRunner(sessions, replace(fast(settings), fetch_retries=1, hourglass_after=60), notes)
    runner.start()
    runner.enqueue("T1", "C1", "96.1", "U1", [quick], 0)
    notes.wait(1)
    runner.enqueue("T1", "C1", "96.2", "U1", [pages.url + "/busy.html"], 0)
    notes.wait(2)
    runner.shutdown()
    assert len(calls) == 2 and notes.shown == ["96.2"]
    assert [ts for ts, _, _ in notes.sent] == ["96.1", "96.2"] and notes.taken_off == [False, True]


def test_a_failed_reply_is_logged(sessions, settings, tmp_path, caplog) -> None:  # noqa: ANN001
    replies = Replies(fail_first=2)
    runner = JobRunner(sessions, fast(settings), replies)
    runner.start()
    with caplog.at_level(logging.ERROR, logger="bot.ingest.jobs"):
        runner.enqueue("T1", "C1", "92.1", "U1", [page(tmp_path, "radar", RADAR)], 0)
        replies.wait()
    runner.shutdown()
    assert len(replies.sent) == 1
    assert sum("not sent" in r.getMessage() for r in caplog.records) == 2


def test_a_job_handed_to_a_queue_that_is_down_runs_once_it_is_back(sessions, settings, tmp_path) -> None:  # noqa: ANN001
    import redis

    down = threading.Event()
    down.set()
    replies = Replies()
    runner: JobRunner

    def dispatch(job_id: int) -> None:
        if down.is_set():
            raise redis.ConnectionError("Redis is down")
        threading.Thread(target=runner.run, args=(job_id,)).start()

    runner = JobRunner(sessions, fast(settings), replies, dispatch=dispatch)
    assert runner.enqueue("T1", "C1", "93.1", "U1", [page(tmp_path, "radar", RADAR)], 0) is not None
    runner.start()
    with sessions() as s:
        assert s.scalars(select(Job.status)).one() == "queued"
    down.clear()
    assert "Stored" in replies.wait()[0][1]
    runner.shutdown()


def test_a_live_runners_job_is_not_taken_over(sessions, settings, pages) -> None:  # noqa: ANN001
    def slow(handler) -> None:  # noqa: ANN001 - the page arrives over about 3 s
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", str(len(SEED)))
        handler.end_headers()
        for i in range(0, len(SEED), len(SEED) // 6 + 1):
            handler.wfile.write(SEED[i:i + len(SEED) // 6 + 1])
            handler.wfile.flush()
            time.sleep(0.5)

    pages.routes["/slow.html"] = slow
    replies = Replies()
    live = JobRunner(sessions, fast(settings), replies)
    live.start()
    other = JobRunner(sessions, fast(settings), replies)  # a restarted worker beside it
    other.start()
    live.enqueue("T1", "C1", "94.1", "U1", [f"{pages.url}/slow.html"], 0)
    replies.wait()
    for runner in (live, other):
        runner.sweep()
        runner.shutdown()
    assert [p for p, _ in pages.seen].count("/slow.html") == 1
    assert len(replies.sent) == 1


# ---- what PostgreSQL refuses ----------------------------------------------------------------

def test_a_huge_quotation_is_stored_and_the_other_link_too(sessions, settings, tmp_path) -> None:  # noqa: ANN001
    huge = page(tmp_path, "huge", "Long speech\n\n\u201c" + "word " * 300_000 + ",\u201d said John Smith.\n")
    replies = Replies()
    runner = JobRunner(sessions, fast(settings), replies)
    runner.enqueue("T1", "C1", "95.1", "U1", [huge, page(tmp_path, "radar", RADAR)], 0)
    (_, reply, ok), = replies.wait()
    runner.shutdown()
    assert ok and reply.count("Stored 1 statement from") == 2, reply
    assert "John Smith" in ask(sessions, "T1", "word", None, "who-said")


def test_long_site_names_and_roles_are_shortened_not_refused(sessions) -> None:  # noqa: ANN001
    article = Article(team_id="T1", url="https://news.example/long", title="t", site="S" * 400, status="stored")
    said = queries.NewStatement(text="\u201cWe are ready,\u201d", kind="direct", speaker="Ann Lee", role="r" * 300,
                                cue="said", said_on=None, place="P" * 300, start=0, end=10, topics=[])
    with sessions.begin() as s:
        queries.save_article(s, article, [said])
    with sessions() as s:
        st = s.scalars(select(Statement)).one()
        assert len(st.role or "") == 255 and len(s.scalars(select(Article.site)).one() or "") == 255


def test_a_data_error_fails_that_link_only_and_is_not_retried(sessions, settings, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    import bot.ingest.jobs

    real = bot.ingest.jobs.ingest

    def picky(sessions, settings, origin, url, **options):  # noqa: ANN001, ANN003, ANN202
        if url.endswith("bad.txt"):
            raise DataError("INSERT ...", {}, Exception("value too long for type character varying(255)"))
        return real(sessions, settings, origin, url, **options)

    monkeypatch.setattr(bot.ingest.jobs, "ingest", picky)
    replies = Replies()
    runner = JobRunner(sessions, fast(settings), replies)
    runner.enqueue("T1", "C1", "96.1", "U1", [page(tmp_path, "bad", RADAR), page(tmp_path, "radar", RADAR)], 0)
    (_, reply, ok), = replies.wait()
    runner.shutdown()
    assert ok and "could not be stored" in reply and "Stored 1 statement from" in reply
    with sessions() as s:
        assert s.scalars(select(Job.attempts)).one() == 1


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_failed_job_insert_is_not_acknowledged(settings) -> None:  # noqa: ANN001
    from sqlalchemy.exc import OperationalError

    from storage.db import make_engine, make_sessionmaker

    dead = make_sessionmaker(make_engine("sqlite:////nonexistent/dir/x.db"))
    runner = JobRunner(dead, settings, Replies(), dispatch=lambda job_id: None)
    with pytest.raises(OperationalError):  # the listener fails, so Slack hears 500 and delivers it again
        runner.enqueue("T1", "C1", "97.1", "U1", ["https://news.example/a"], 0)
