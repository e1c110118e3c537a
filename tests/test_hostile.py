"""Hostile input and faults: links, pages, Slack requests, output and crashes. Nothing leaks or is lost.

Only 127.0.0.1 is ever connected to: private-range and metadata cases go through the address check
with a stubbed resolver, and pinning is shown by connecting a made-up host name to 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import json
import signal
import threading
import time

import pytest

from bot.answers import answers
from bot.config import Settings
from bot.ingest import fetch
from bot.ingest.fetch import FetchError, check_url
from bot.ingest.pipeline import ingest
from bot.ingest.reader import NotArticle, read_html
from tests.conftest import SEED_HTML, kill_group

ARTICLE = SEED_HTML.read_bytes()


def refuse_dns(host: str, port: int) -> list[str]:
    raise AssertionError(f"{host} is a literal address: no resolver call expected")


def stub_dns(table: dict[str, list[str]]):  # noqa: ANN201
    def resolve(host: str, port: int) -> list[str]:
        return table[host]

    return resolve


# ---- server-side request forgery ------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "http://127.0.0.1/", "http://10.0.0.1/", "http://172.16.5.4/", "http://192.168.0.1/admin",
    "http://169.254.169.254/latest/meta-data/", "http://[::1]/", "http://2130706433/", "http://0x7f000001/",
    "http://127.1/", "http://0177.0.0.1/", "http://[::ffff:10.0.0.1]/", "http://0.0.0.0/",
])
def test_literal_private_addresses_are_refused_without_dns(url: str) -> None:
    with pytest.raises(FetchError) as err:
        check_url(url, allow_private=False, resolver=refuse_dns)
    assert err.value.code == "blocked"


@pytest.mark.parametrize("host,ips", [
    ("localhost", ["127.0.0.1", "::1"]), ("intranet.corp", ["10.1.1.1"]), ("router.home", ["192.168.1.1"]),
    ("cloud-meta.evil", ["169.254.169.254"]), ("mixed.evil", ["93.184.216.34", "172.16.0.9"]),
])
def test_hostnames_that_resolve_to_private_addresses_are_refused(host: str, ips: list[str]) -> None:
    with pytest.raises(FetchError) as err:
        check_url(f"https://{host}/story", allow_private=False, resolver=stub_dns({host: ips}))
    assert err.value.code == "blocked"


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://x.example/a", "gopher://x.example:70/",
                                 "javascript:alert(1)", "data:text/html,hi"])
def test_other_schemes_are_refused(url: str) -> None:
    with pytest.raises(FetchError) as err:
        check_url(url, allow_private=False, resolver=refuse_dns)
    assert err.value.code == "bad_url"


def test_connection_goes_to_the_vetted_address_not_a_second_dns_answer(pages, monkeypatch) -> None:  # noqa: ANN001
    # Pretend 127.0.0.1 is public so the guard passes; a name only the stub knows must reach it.
    monkeypatch.setattr(fetch, "is_public_address", lambda ip: ip == "127.0.0.1")
    pages.add("/a.html", b"<html>pinned</html>")
    got = fetch.fetch(f"http://news.invalid:{pages.port}/a.html",
                      resolver=stub_dns({"news.invalid": ["127.0.0.1"]}))
    assert got.content == b"<html>pinned</html>"
    assert pages.seen[-1][1]["Host"] == f"news.invalid:{pages.port}"


def test_private_links_get_a_clear_thread_reply(start_bot, pages, fake_slack) -> None:  # noqa: ANN001
    bot = start_bot(FETCH_ALLOW_PRIVATE="0")
    url = pages.add("/a.html", ARTICLE)
    text = f"<{url}> <file:///etc/passwd> <http://2130706433:{pages.port}/a.html>"
    bot.event({"type": "message", "channel": "C1", "user": "U1", "ts": "5.1", "text": text})
    reply = fake_slack.wait_for("chat.postMessage")[0]["text"]
    assert reply.count("private addresses are not fetched") == 2 and "only http and https" in reply
    assert pages.seen == []


# ---- hostile pages --------------------------------------------------------------------------

def drip(handler) -> None:  # noqa: ANN001
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", "100000")
    handler.end_headers()
    for _ in range(60):
        handler.wfile.write(b"<")
        handler.wfile.flush()
        time.sleep(1)


def endless_chunks(handler) -> None:  # noqa: ANN001
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()
    chunk = b"<p>" + b"x" * 65536
    for _ in range(800):  # 50 MB, unannounced
        handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))


def test_dripping_server_times_out_within_the_limit(pages) -> None:  # noqa: ANN001
    pages.routes["/drip"] = drip
    started = time.monotonic()
    with pytest.raises(FetchError) as err:
        fetch.fetch(pages.url + "/drip", allow_private=True, total_timeout=2)
    assert err.value.code == "timeout" and time.monotonic() - started < 5


def test_unannounced_50mb_body_is_cut_at_5mb(pages) -> None:  # noqa: ANN001
    pages.routes["/big"] = endless_chunks
    with pytest.raises(FetchError, match="larger than 5 MB"):
        fetch.fetch(pages.url + "/big", allow_private=True)


@pytest.mark.parametrize("body,code", [
    (b"", "empty"),
    (bytes(range(256)) * 40, "binary"),
    (b"<html><body><ul>" + b"".join(b'<li><a href="/s%d">Story %d</a></li>' % (i, i) for i in range(40))
     + b"</ul></body></html>", "index"),
    (b"<html><body><h1>Subscribe to continue reading</h1><p>This article is for subscribers. "
     b"<a href='/login'>Log in</a></p><div class='consent'>We value your privacy. Accept cookies?</div>"
     b"</body></html>", "too_short"),
])
def test_pages_without_an_article_are_named_for_what_they_are(body: bytes, code: str) -> None:
    with pytest.raises(NotArticle) as err:
        read_html(body, "https://news.example.com/x")
    assert err.value.code == code


def test_charset_from_the_page_when_the_header_has_none() -> None:
    html = ARTICLE.decode().replace('<meta charset="utf-8">', '<meta charset="windows-1252">')
    html = html.replace("Zelenskyy", "Zelensk\u00ff")
    page = read_html(html.encode("cp1252"), "https://news.example.com/x")
    assert "Zelensk\u00ff" in page.text


def test_wrong_charset_header_still_reads_the_article() -> None:
    page = read_html(ARTICLE.decode().replace("Kirby", "K\u00efrby").encode("latin-1", errors="replace"),
                     "https://news.example.com/x", encoding="utf-8")
    assert "Lloyd Austin" in page.text  # undecodable bytes are replaced, nothing crashes


def test_slow_page_gets_a_reply_and_commands_answer_meanwhile(start_bot, pages, fake_slack) -> None:  # noqa: ANN001
    bot = start_bot(FETCH_TIMEOUT="3")
    pages.routes["/slow"] = drip
    bot.event({"type": "message", "channel": "C1", "user": "U1", "ts": "6.1", "text": f"<{pages.url}/slow>"})
    time.sleep(0.5)
    started = time.monotonic()
    assert bot.command("/briefing", "dprk", fake_slack.url + "/respond/9").status_code == 200
    fake_slack.wait_for("/respond/9", timeout=3)
    assert time.monotonic() - started < 3
    reply = fake_slack.wait_for("chat.postMessage", timeout=15)[0]["text"]
    assert "took too long" in reply


# ---- hostile Slack requests -----------------------------------------------------------------

@pytest.mark.parametrize("body,ctype", [
    ('{"type": "event_callback", "event": ', "application/json"),
    ("[1, 2, 3]", "application/json"),
    ("%%%&&&=", "application/x-www-form-urlencoded"),
    ("payload=%7Bnot-json", "application/x-www-form-urlencoded"),
    ("\xff\xfe", "application/json"),
])
def test_malformed_bodies_get_400_and_the_bot_lives_on(bot, body: str, ctype: str) -> None:  # noqa: ANN001
    assert bot.post(body, ctype).status_code == 400
    assert bot.command("/briefing", "", "http://127.0.0.1:9/none").status_code == 200


def test_unknown_event_types_are_acknowledged_and_ignored(bot, fake_slack) -> None:  # noqa: ANN001
    assert bot.event({"type": "totally_new_event", "x": 1}).status_code == 200
    assert bot.event({"type": "reaction_added", "reaction": "eyes"}, event_id="Ev9").status_code == 200
    time.sleep(0.5)
    assert fake_slack.named("chat.postMessage") == []


def test_fifty_links_are_bounded_and_the_reply_says_how_many_were_skipped(bot, pages, fake_slack) -> None:  # noqa: ANN001
    links = " ".join(f"<{pages.url}/missing-{i}>" for i in range(50))
    bot.event({"type": "message", "channel": "C1", "user": "U1", "ts": "7.1", "text": links})
    reply = fake_slack.wait_for("chat.postMessage")[0]["text"]
    assert reply.count("Could not read") == 5 and "Skipped 45 more links" in reply
    assert len(pages.seen) == 5


# ---- output cannot ping or hide links -------------------------------------------------------

def test_article_text_is_escaped_in_replies_and_answers(bot, pages, fake_slack) -> None:  # noqa: ANN001
    hostile = ARTICLE.decode().replace(
        "These soldiers then traveled onward",
        "&lt;!channel&gt; &lt;@U0ADMIN&gt; see &lt;https://evil.example|bank login&gt; These soldiers then traveled")
    url = pages.add("/hostile.html", hostile.encode())
    bot.event({"type": "message", "channel": "C1", "user": "U1", "ts": "8.1", "text": f"<{url}>"})
    fake_slack.wait_for("chat.postMessage")
    bot.command("/who-said", "soldiers", fake_slack.url + "/respond/8")
    payload = json.dumps(fake_slack.wait_for("/respond/8")[0])
    assert "U0ADMIN" in payload  # the words are there ...
    for raw in ("<!channel>", "<@U0ADMIN>", "<https://evil.example"):
        assert raw not in payload  # ... but inert


# ---- faults ---------------------------------------------------------------------------------

def test_kill_9_during_ingestion_then_restart_finishes_the_job(start_bot, pages, fake_slack) -> None:  # noqa: ANN001
    pages.routes["/story"] = drip
    first = start_bot(FETCH_TIMEOUT="60", JOB_STALE_AFTER="2")
    first.event({"type": "message", "channel": "C1", "user": "U1", "ts": "9.1", "text": f"<{pages.url}/story>"})
    fake_slack.wait_for("reactions.add")  # the job is running: fetching the dripping page
    kill_group(first.proc, signal.SIGKILL)
    assert fake_slack.named("chat.postMessage") == []
    pages.add("/story", ARTICLE)
    start_bot(JOB_STALE_AFTER="2")  # a new process on the same database picks the job up once its heartbeat stops
    reply = fake_slack.wait_for("chat.postMessage")
    assert len(reply) == 1 and reply[0]["thread_ts"] == "9.1" and "Lloyd Austin" in reply[0]["text"]


def test_commands_apologise_when_the_database_is_down() -> None:
    from bot.slack.listeners.commands import APOLOGY, reply
    from storage.db import make_engine, make_sessionmaker

    dead = make_sessionmaker(make_engine("postgresql://postgres@127.0.0.1:1/none"))
    assert reply(dead, ("T1", None), answers.Query("briefing", "dprk"))["text"] == APOLOGY


def test_sqlite_wal_serves_readers_while_a_writer_ingests(tmp_path) -> None:  # noqa: ANN001
    from storage.db import make_engine, make_sessionmaker, migrate

    engine = make_engine(f"sqlite:///{tmp_path / 'wal.db'}")
    migrate(engine)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    sessions = make_sessionmaker(engine)
    settings = Settings(database_url="", team_id="T1")
    page = tmp_path / "page.html"
    page.write_bytes(ARTICLE)
    errors: list[BaseException] = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            try:
                with sessions() as s:
                    answers.briefing(s, "T1", "dprk")
                    answers.who_said(s, "T1", "troops")
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)

    readers = [threading.Thread(target=read) for _ in range(4)]
    for t in readers:
        t.start()
    for i in range(8):
        copy = tmp_path / f"copy{i}.html"
        copy.write_bytes(ARTICLE.replace(b'rel="canonical"', b'rel="x"'))
        assert ingest(sessions, settings, "T1", str(copy)).status == "stored"
    done.set()
    for t in readers:
        t.join()
    assert errors == []
    with sessions() as s:
        assert len(answers.briefing(s, "T1", "dprk").groups) >= 3


class Outage:
    """A TCP relay to PostgreSQL on loopback that can be cut and restored: the database 'going away'."""

    def __init__(self, target_port: int = 5432) -> None:
        import socket

        self.target = ("127.0.0.1", target_port)
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.listener.listen(16)
        self.up = True
        self.conns: list = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        import socket

        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            self.conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(a, b) -> None:  # noqa: ANN001
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        finally:
            for s in (a, b):
                s.close()

    def cut(self) -> None:
        import socket

        self.up = False
        for s in self.conns:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
        self.conns.clear()

    def restore(self) -> None:
        self.up = True


def test_ingestion_waits_out_a_database_outage(pg_url: str, tmp_path) -> None:  # noqa: ANN001
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    from bot.ingest.jobs import JobRunner
    from storage import queries
    from storage.db import make_engine, make_sessionmaker, migrate

    admin = make_engine(pg_url)
    with admin.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    migrate(admin)
    relay = Outage()
    db = pg_url.replace("127.0.0.1:5432", f"127.0.0.1:{relay.port}")
    engine = make_engine(db)
    sessions = make_sessionmaker(engine)
    finished: list[tuple[str, bool]] = []

    class Recorder:
        def working(self, *a: str) -> None: ...

        def finished(self, team: str, channel: str, ts: str, reply: str, ok: bool, hourglass: bool = True) -> None:
            finished.append((reply, ok))

    settings = Settings(database_url=db, team_id="T1", retry_backoff=0.2, job_stale_after=1)
    runner = JobRunner(sessions, settings, Recorder())
    page = tmp_path / "story.html"
    page.write_bytes(ARTICLE)
    with sessions.begin() as s:  # recorded just before the database goes away
        queries.create_job(s, "T1", "C1", "10.1", "U1", [str(page)], 0)
    relay.cut()
    with pytest.raises(OperationalError):  # a message posted now is refused, so Slack delivers it again
        runner.enqueue("T1", "C1", "10.2", "U1", [str(page)], 0)
    runner.start()  # the sweeper keeps trying while the database is away
    time.sleep(1.2)
    assert finished == []
    relay.restore()
    deadline = time.monotonic() + 30
    while not finished and time.monotonic() < deadline:
        time.sleep(0.1)
    assert finished and finished[0][1] and "Lloyd Austin" in finished[0][0]
    runner.shutdown()
    engine.dispose()


def test_every_hostile_page_gets_its_own_clear_reason_in_one_reply(bot, pages, fake_slack) -> None:  # noqa: ANN001
    import gzip as gz

    links = {
        "big": pages.add("/big.html", b"<p>" + b"a" * (6 * 1024 * 1024)),
        "bomb": pages.add("/bomb.html", gz.compress(b" " * (30 * 1024 * 1024)), headers={"Content-Encoding": "gzip"}),
        "binary": pages.add("/bin.html", bytes(range(256)) * 64),
        "empty": pages.add("/empty.html", b""),
        "index": pages.add("/index.html", b"<html><body><ul>" + b"".join(
            b'<li><a href="/s%d">Story number %d</a></li>' % (i, i) for i in range(60)) + b"</ul></body></html>"),
    }
    text = " ".join(f"<{u}>" for u in links.values())
    bot.event({"type": "message", "channel": "C1", "user": "U1", "ts": "14.1", "text": text})
    reply = fake_slack.wait_for("chat.postMessage", timeout=30)[0]["text"]
    assert reply.count("Could not read") == 5
    for reason in ("larger than 5 MB", "binary data", "page is empty", "list of links or headlines"):
        assert reason in reply
    assert bot.command("/briefing", "dprk", fake_slack.url + "/respond/14").status_code == 200
