"""Watches: a channel's standing query posts what is new, in batches, once, and only what that channel may see."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from bot.answers import answers
from bot.answers.answers import Query
from bot.answers.terminal import to_text
from bot.answers.watches import Post, run_round
from bot.ingest.pipeline import Origin, ingest
from storage.models import Digest, Watch
from tests.conftest import SEED_HTML

SEED = SEED_HTML.read_bytes()


def command(sessions, text: str, channel: str, kind: str = "briefing") -> str:  # noqa: ANN001
    with sessions.begin() as s:
        return answers.respond(s, "T1", Query(kind, text), channel=channel, user="U1").message or ""


def copy(tmp_path, name: str) -> str:  # noqa: ANN001
    page = tmp_path / f"{name}.html"
    page.write_bytes(SEED.replace(b'rel="canonical"', b'rel="x"').replace(b"Lloyd Austin", b"Lloyd J. Austin"))
    return str(page)


def test_a_watch_posts_what_is_new_once(sessions, settings, tmp_path) -> None:  # noqa: ANN001
    assert "Watching `/briefing dprk` (watch 1)" in command(sessions, "watch dprk", "C1")
    posts: list[Post] = []
    assert run_round(sessions, 0, posts.append) == 0  # nothing stored yet
    ingest(sessions, settings, Origin("T1", "C9", "U2"), str(SEED_HTML))
    assert run_round(sessions, 0, posts.append) == 1
    (batch,) = posts
    assert batch.channel_id == "C1" and batch.answer.heading.startswith("New on watch 1 (/briefing dprk)")
    assert "Lloyd Austin" in to_text(batch.answer)
    assert run_round(sessions, 0, posts.append) == 0  # posted once
    ingest(sessions, settings, Origin("T1", "C9", "U2"), copy(tmp_path, "later"))
    assert run_round(sessions, 0, posts.append) == 1 and "Lloyd J. Austin" in to_text(posts[-1].answer)


def test_batches_wait_for_the_batch_period(sessions, settings, tmp_path) -> None:  # noqa: ANN001
    command(sessions, "watch troops", "C1", kind="who-said")
    posts: list[Post] = []
    ingest(sessions, settings, "T1", str(SEED_HTML))
    assert run_round(sessions, 10, posts.append) == 1
    ingest(sessions, settings, "T1", copy(tmp_path, "later"))
    assert run_round(sessions, 10, posts.append) == 0  # posted less than ten minutes ago
    with sessions.begin() as s:
        s.execute(update(Watch).values(posted_at=datetime.now(UTC).replace(tzinfo=None) - timedelta(minutes=11)))
    assert run_round(sessions, 10, posts.append) == 1 and "Lloyd J. Austin" in to_text(posts[-1].answer)


def test_a_public_channels_watch_never_shows_a_private_channels_statements(sessions, settings) -> None:  # noqa: ANN001
    command(sessions, "watch dprk", "C1")
    command(sessions, "watch dprk", "G1")
    posts: list[Post] = []
    ingest(sessions, settings, Origin("T1", "G1", "U1", private=True), str(SEED_HTML))
    run_round(sessions, 0, posts.append)
    assert [p.channel_id for p in posts] == ["G1"]


def test_watches_are_listed_and_stopped_per_channel(sessions) -> None:  # noqa: ANN001
    command(sessions, "watch dprk", "C1")
    command(sessions, "watch troops", "C1", kind="who-said")
    assert command(sessions, "watches", "C1") == "1: /briefing dprk\n2: /who-said troops"
    assert "No watches in this channel" in command(sessions, "watches", "C2")
    assert "No watch 1 in this channel" in command(sessions, "unwatch 1", "C2")
    assert command(sessions, "unwatch 1", "C1") == "Stopped watch 1."
    assert command(sessions, "watches", "C1") == "2: /who-said troops"
    assert "Give the watch's number" in command(sessions, "unwatch x; drop table", "C1")


def test_two_processes_post_a_batch_once(sessions, settings) -> None:  # noqa: ANN001
    command(sessions, "watch dprk", "C1")
    ingest(sessions, settings, "T1", str(SEED_HTML))
    posts: list[Post] = []
    lock = threading.Lock()

    def slow_post(batch: Post) -> None:
        with lock:
            posts.append(batch)

    rounds = [threading.Thread(target=run_round, args=(sessions, 0, slow_post)) for _ in range(4)]
    for t in rounds:
        t.start()
    for t in rounds:
        t.join()
    assert len(posts) == 1


def test_a_failed_post_is_tried_again(sessions, settings) -> None:  # noqa: ANN001
    command(sessions, "watch dprk", "C1")
    ingest(sessions, settings, "T1", str(SEED_HTML))

    def refuse(batch: Post) -> None:
        raise RuntimeError("chat.postMessage answered 503")

    assert run_round(sessions, 0, refuse) == 0
    posts: list[Post] = []
    assert run_round(sessions, 0, posts.append) == 1 and "Lloyd Austin" in to_text(posts[0].answer)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_watch_set_in_slack_posts_in_its_channel(start_bot, pages, fake_slack) -> None:  # noqa: ANN001
    bot = start_bot(WATCH_BATCH_MINUTES="0", JOB_STALE_AFTER="1")
    bot.command("/briefing", "watch dprk", fake_slack.url + "/respond/w1", channel="C7")
    assert "Watching" in fake_slack.wait_for("/respond/w1")[0]["text"]
    url = pages.add("/w.html", SEED)
    bot.event({"type": "message", "channel": "C1", "user": "U1", "ts": "80.1", "text": f"<{url}>"})
    fake_slack.wait_for("chat.postMessage", count=2)
    posts = [c for c in fake_slack.named("chat.postMessage") if c.get("channel") == "C7"]
    assert len(posts) == 1 and "thread_ts" not in posts[0]
    assert "New on watch 1" in posts[0]["text"] and "Lloyd Austin" in json.dumps(posts[0]["blocks"])


def test_the_command_line_watches_too(tmp_path, capsys, monkeypatch) -> None:  # noqa: ANN001
    from bot.cli import main

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'w.db'}")
    monkeypatch.setenv("DOTENV_PATH", str(tmp_path / "none.env"))

    def run(*args: str) -> str:
        with pytest.raises(SystemExit) as done:
            main(list(args))
        assert done.value.code == 0
        return capsys.readouterr().out

    assert "Watching" in run("briefing", "watch", "dprk")
    run("ingest", str(SEED_HTML))
    out = run("watch")
    assert "New on watch 1 (/briefing dprk)" in out and "Lloyd Austin" in out
    assert "Nothing new" in run("watch")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_home_tab_lists_what_you_set_up_and_stops_it(bot, pages, fake_slack, sessions) -> None:  # noqa: ANN001
    from urllib.parse import urlencode

    url = pages.add("/home.html", SEED)
    bot.event({"type": "message", "channel": "C1", "user": "U1", "ts": "81.1", "text": f"<{url}>"})
    fake_slack.wait_for("chat.postMessage")
    bot.command("/briefing", "watch dprk", fake_slack.url + "/respond/h1", channel="C7")
    fake_slack.wait_for("/respond/h1")
    bot.event({"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home"}, event_id="Eh1")
    (call,) = fake_slack.wait_for("views.publish")
    view = json.loads(call["view"]) if isinstance(call["view"], str) else call["view"]
    assert call["user_id"] == "U1" and "Watch 1 in <#C7>" in json.dumps(view) and "Lloyd Austin" in json.dumps(view)
    (stop,) = [b["accessory"] for b in view["blocks"] if b.get("accessory", {}).get("action_id") == "home_stop_watch"]
    # Someone else's forged press changes nothing; the owner's stops the watch.
    for user, left in (("U2", 1), ("U1", 0)):
        published = len(fake_slack.named("views.publish"))
        body = {"type": "block_actions", "team": {"id": "T1"}, "user": {"id": user}, "api_app_id": "A1",
                "trigger_id": "1.2", "container": {"type": "view"}, "view": {"type": "home"},
                "actions": [{"type": "button", "action_id": "home_stop_watch", "block_id": "b",
                             "value": stop["value"], "action_ts": "1.1"}]}
        form = urlencode({"payload": json.dumps(body)})
        assert bot.post(form, "application/x-www-form-urlencoded").status_code == 200
        fake_slack.wait_for("views.publish", count=published + 1)
        with sessions() as s:
            assert s.query(Watch).count() == left


def _feed(pages, *links: str) -> str:  # noqa: ANN001
    from tests.test_feeds import rss, serve_feed

    return serve_feed(pages, rss(*links))


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_feed_followed_in_slack_becomes_answerable(start_bot, pages, fake_slack) -> None:  # noqa: ANN001
    bot = start_bot(WATCH_BATCH_MINUTES="0", JOB_STALE_AFTER="1")
    pages.add("/f1.html", SEED)
    bot.command("/briefing", f"follow {_feed(pages, pages.url + '/f1.html')}", fake_slack.url + "/respond/f1")
    assert "Following" in fake_slack.wait_for("/respond/f1")[0]["text"]
    deadline = time.monotonic() + 30
    while not any(p == "/f1.html" for p, _ in pages.seen) and time.monotonic() < deadline:
        time.sleep(0.1)  # the first poll runs at once, in the sweeper
    for n in range(2, 60):
        bot.command("/who-said", "troops", fake_slack.url + f"/respond/f{n}")
        if "John Kirby" in json.dumps(fake_slack.wait_for(f"/respond/f{n}")[0]):
            break
        time.sleep(0.2)
    else:
        raise AssertionError("the feed's article never became answerable")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_private_channels_feed_never_reaches_a_public_watch(start_bot, pages, fake_slack) -> None:  # noqa: ANN001
    bot = start_bot(WATCH_BATCH_MINUTES="0", JOB_STALE_AFTER="1")
    for n, channel in enumerate(("C1", "G1")):
        bot.command("/briefing", "watch dprk", fake_slack.url + f"/respond/pw{n}", channel=channel)
        fake_slack.wait_for(f"/respond/pw{n}")
    pages.add("/secret.html", SEED)
    bot.command("/briefing", f"follow {_feed(pages, pages.url + '/secret.html')}", fake_slack.url + "/respond/pf",
                channel="G1")
    assert "this channel is private" in fake_slack.wait_for("/respond/pf")[0]["text"]
    posted = fake_slack.wait_for("chat.postMessage", timeout=30)
    time.sleep(1.5)  # a few more sweeps: would the public watch post too?
    channels = [c["channel"] for c in fake_slack.named("chat.postMessage")]
    assert channels == ["G1"] and "Lloyd Austin" in json.dumps(posted[0]["blocks"])


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_digest_fires_once_with_two_processes_running(start_bot, pages, fake_slack, sessions) -> None:  # noqa: ANN001
    first = start_bot(JOB_STALE_AFTER="1")
    start_bot(JOB_STALE_AFTER="1")  # a second process on the same database, sweeping too
    url = pages.add("/d.html", SEED)
    first.event({"type": "message", "channel": "C1", "user": "U1", "ts": "82.1", "text": f"<{url}>"})
    fake_slack.wait_for("chat.postMessage")
    now = datetime.now(UTC)
    first.command("/briefing", f"digest dprk daily {now:%H:%M}", fake_slack.url + "/respond/d1", channel="C5")
    assert "Digest 1" in fake_slack.wait_for("/respond/d1")[0]["text"]
    with sessions.begin() as s:  # as if the last digest went out yesterday: today's is due
        s.execute(update(Digest).values(sent_at=(now - timedelta(days=1, minutes=5)).replace(tzinfo=None),
                                        seen_id=0))
    posts = [c for c in fake_slack.wait_for("chat.postMessage", count=2, timeout=30) if c["channel"] == "C5"]
    time.sleep(2)  # both processes sweep several more times
    posts = [c for c in fake_slack.named("chat.postMessage") if c["channel"] == "C5"]
    assert len(posts) == 1 and "Daily digest 1" in posts[0]["text"]
