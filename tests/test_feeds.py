"""Feeds: followed per channel, polled with conditional requests, each new item read once like a posted link,
privately where followed privately, and a feed that keeps failing is reported once."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from sqlalchemy import update

from bot.answers import answers
from bot.answers.answers import Query
from bot.answers.terminal import to_text
from bot.ingest.feeds import Notice, poll_round
from storage.models import Feed
from tests.conftest import SEED_HTML

SEED = SEED_HTML.read_bytes().replace(b'rel="canonical"', b'rel="x"')


def rss(*links: str) -> bytes:
    items = "".join(f"<item><title>Story {n}</title><link>{link}</link></item>" for n, link in enumerate(links))
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>World</title><link>https://n.example/</link>'
            f"<description>News</description>{items}</channel></rss>").encode()


def serve_feed(pages, body: bytes) -> str:  # noqa: ANN001
    """An RSS feed on 127.0.0.1 that answers 304 to a request carrying its ETag."""
    def route(handler) -> None:  # noqa: ANN001
        if handler.headers.get("If-None-Match") == '"v1"':
            handler.send_response(304)
            handler.end_headers()
            return
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        handler.send_header("ETag", '"v1"')
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    pages.routes["/feed.xml"] = route
    return f"{pages.url}/feed.xml"


def follow(sessions, url: str, channel: str = "C1", private: bool = False) -> str:  # noqa: ANN001
    with sessions.begin() as s:
        got = answers.respond(s, "T1", Query("briefing", f"follow {url}"), channel=channel, private=private)
        return got.message or ""


def due_now(sessions) -> None:  # noqa: ANN001
    with sessions.begin() as s:
        s.execute(update(Feed).values(next_poll_at=None))


def who_said(sessions, channel: str | None) -> str:  # noqa: ANN001
    with sessions() as s:
        return to_text(answers.answer(s, "T1", Query("who-said", "troops"), channel=channel))


def test_a_followed_feeds_new_items_are_read_once_with_conditional_requests(sessions, settings, pages) -> None:  # noqa: ANN001
    pages.add("/a.html", SEED)
    pages.add("/b.html", SEED.replace(b"Lloyd Austin", b"Lloyd J. Austin"))
    url = serve_feed(pages, rss(f"{pages.url}/a.html", f"{pages.url}/b.html"))
    assert "Following" in follow(sessions, url)
    notices: list[Notice] = []
    results = poll_round(sessions, settings, notices.append)
    assert sorted(r.status for r in results) == ["stored", "stored"] and notices == []
    assert "John Kirby" in who_said(sessions, "C5")  # followed in a public channel: public
    assert poll_round(sessions, settings, notices.append) == []  # not due again yet
    due_now(sessions)
    assert poll_round(sessions, settings, notices.append) == []
    feed_requests = [h for p, h in pages.seen if p == "/feed.xml"]
    assert len(feed_requests) == 2 and feed_requests[1].get("If-None-Match") == '"v1"'
    assert [p for p, _ in pages.seen].count("/a.html") == 1


def test_a_feed_followed_in_a_private_channel_stores_privately(sessions, settings, pages) -> None:  # noqa: ANN001
    pages.add("/p.html", SEED)
    follow(sessions, serve_feed(pages, rss(f"{pages.url}/p.html")), channel="G1", private=True)
    poll_round(sessions, settings, lambda n: None)
    assert "John Kirby" in who_said(sessions, "G1")
    assert "Nothing found" in who_said(sessions, "C1")


def test_a_failing_feed_is_reported_once(sessions, settings, pages) -> None:  # noqa: ANN001
    pages.add("/page.html", SEED)  # an article, not a feed
    follow(sessions, f"{pages.url}/page.html")
    follow(sessions, f"{pages.url}/gone.xml")
    notices: list[Notice] = []
    for _ in range(5):
        poll_round(sessions, settings, notices.append)
        due_now(sessions)
    assert len(notices) == 2 and all(n.channel_id == "C1" for n in notices)
    texts = " ".join(n.text for n in notices)
    assert "not a feed" in texts and "not found" in texts and "keeps failing" in texts
    with sessions() as s:
        assert "failing" in answers.respond(s, "T1", Query("briefing", "feeds"), channel="C1").message


def test_two_processes_never_poll_a_feed_at_once(sessions, settings, pages) -> None:  # noqa: ANN001
    pages.add("/once.html", SEED)
    follow(sessions, serve_feed(pages, rss(f"{pages.url}/once.html")))
    rounds = [threading.Thread(target=poll_round, args=(sessions, settings, lambda n: None)) for _ in range(4)]
    for t in rounds:
        t.start()
    for t in rounds:
        t.join()
    assert [p for p, _ in pages.seen].count("/feed.xml") == 1
    assert [p for p, _ in pages.seen].count("/once.html") == 1


def test_feeds_are_listed_and_unfollowed_and_addresses_checked(sessions, settings) -> None:  # noqa: ANN001
    assert "Give the feed's address" in follow(sessions, "javascript:alert(1)")
    assert "Following https://news.example/rss (feed 1)" in follow(sessions, "https://user:pw@news.example/rss")
    with sessions.begin() as s:
        assert answers.respond(s, "T1", Query("briefing", "feeds"), channel="C1").message == \
            "1: https://news.example/rss"
        assert "No feed 1" in answers.respond(s, "T1", Query("briefing", "unfollow 1"), channel="C2").message
        assert answers.respond(s, "T1", Query("briefing", "unfollow 1"), channel="C1").message == \
            "Stopped following feed 1."


def test_private_addresses_in_a_feed_are_refused(sessions, settings, pages) -> None:  # noqa: ANN001
    # The guard is the fetcher's: with private addresses refused, a feed on 127.0.0.1 is never read.
    follow(sessions, serve_feed(pages, rss(f"{pages.url}/x.html")))
    notices: list[Notice] = []
    strict = replace(settings, fetch_allow_private=False)
    for _ in range(3):
        poll_round(sessions, strict, notices.append)
        due_now(sessions)
    assert pages.seen == [] and "private addresses" in notices[0].text


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_poll_feeds_from_the_command_line(settings, pages, tmp_path, capsys, monkeypatch) -> None:  # noqa: ANN001
    from bot.cli import main

    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("DOTENV_PATH", str(tmp_path / "none.env"))
    monkeypatch.setenv("FETCH_ALLOW_PRIVATE", "1")
    pages.add("/c.html", SEED)
    url = serve_feed(pages, rss(f"{pages.url}/c.html"))

    def run(*args: str) -> str:
        with pytest.raises(SystemExit) as done:
            main(list(args))
        assert done.value.code == 0
        return capsys.readouterr().out

    assert "Following" in run("follow", url)
    assert url in run("feeds")
    polled = run("poll-feeds")
    assert polled.startswith("Stored ") and "John Kirby" in polled
    assert "No new articles" in run("poll-feeds")
