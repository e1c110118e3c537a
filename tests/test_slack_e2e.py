"""The whole loop over real HTTP: a signed message with a link, then signed slash commands."""

from __future__ import annotations

import ssl
import threading
import time
import urllib.request

import pytest
import trustme
from slack_sdk.errors import SlackClientError

from bot.config import Settings
from bot.slack.app import SlackNotifier, tls_context, web_client
from tests.conftest import SEED_HTML, FakeSlack, held_page, tls_server


def _post_link(bot, pages, ts: str = "1700000000.000100", **kw):  # noqa: ANN001, ANN202
    url = pages.add("/world/dprk-troops.html", SEED_HTML.read_bytes())
    event = {"type": "message", "channel": "C1", "user": "U1", "ts": ts, "text": f"Worth reading <{url}|this>"}
    return bot.event(event, **kw)


def _all_text(payload: dict) -> str:
    blocks = payload.get("blocks") or []
    return payload.get("text", "") + " ".join(str(b) for b in blocks)


def test_link_is_stored_and_commands_answer_with_the_right_speakers(bot, pages, fake_slack) -> None:
    resp = _post_link(bot, pages)
    assert resp.status_code == 200
    reply = fake_slack.wait_for("chat.postMessage")[0]
    assert reply["thread_ts"] == "1700000000.000100"
    assert "Lloyd Austin" in reply["text"] and "John Kirby" in reply["text"]
    assert fake_slack.named("reactions.add")[-1]["name"] == "white_check_mark"

    started = time.monotonic()
    resp = bot.command("/briefing", "dprk", fake_slack.url + "/respond/1")
    assert resp.status_code == 200 and time.monotonic() - started < 3
    answer = _all_text(fake_slack.wait_for("/respond/1")[0])
    for name in ("Lloyd Austin", "John Kirby", "South Korean officials"):
        assert name in answer

    bot.command("/who-said", "troops", fake_slack.url + "/respond/2")
    answer = _all_text(fake_slack.wait_for("/respond/2")[0])
    assert "Lloyd Austin" in answer and "John Kirby" in answer


def test_a_page_read_at_once_gets_its_reply_and_no_hourglass(start_bot, pages, fake_slack) -> None:  # noqa: ANN001
    bot = start_bot(HOURGLASS_AFTER="30")
    _post_link(bot, pages)
    assert "Lloyd Austin" in fake_slack.wait_for("chat.postMessage")[0]["text"]
    assert [d["name"] for d in fake_slack.named("reactions.add")] == ["white_check_mark"]
    assert fake_slack.named("reactions.remove") == []  # nothing flickered on and off


def test_a_slow_page_shows_the_hourglass_until_its_reply(start_bot, pages, fake_slack) -> None:  # noqa: ANN001
    bot = start_bot(HOURGLASS_AFTER="0.2")
    release = threading.Event()
    pages.routes["/held.html"] = held_page(release)  # the page is sent once the test has seen the hourglass
    bot.event({"type": "message", "channel": "C1", "user": "U1", "ts": "5.1", "text": f"<{pages.url}/held.html>"})
    assert fake_slack.wait_for("reactions.add")[0]["name"] == "hourglass_flowing_sand"
    assert fake_slack.named("chat.postMessage") == []
    release.set()
    assert "Lloyd Austin" in fake_slack.wait_for("chat.postMessage")[0]["text"]
    assert [d["name"] for d in fake_slack.named("reactions.remove")] == ["hourglass_flowing_sand"]
    assert [d["name"] for d in fake_slack.named("reactions.add")] == ["hourglass_flowing_sand", "white_check_mark"]


def test_forged_and_stale_signatures_get_401(bot, pages, fake_slack) -> None:
    assert _post_link(bot, pages, forge=True).status_code == 401
    assert _post_link(bot, pages, timestamp=int(time.time()) - 600).status_code == 401
    time.sleep(0.5)
    assert fake_slack.named("chat.postMessage") == []


def test_retried_event_is_stored_once_and_answered_once(bot, pages, fake_slack) -> None:
    assert _post_link(bot, pages).status_code == 200
    for n in (1, 2):
        assert _post_link(bot, pages, headers={"X-Slack-Retry-Num": str(n),
                                               "X-Slack-Retry-Reason": "http_timeout"}).status_code == 200
    fake_slack.wait_for("chat.postMessage")
    time.sleep(1.5)
    assert len(fake_slack.named("chat.postMessage")) == 1
    bot.command("/briefing", "john kirby", fake_slack.url + "/respond/3")
    blocks = str(fake_slack.wait_for("/respond/3")[0]["blocks"])
    assert blocks.count("3,000 North Korean troops") == 1


def test_link_posted_again_is_not_fetched_again(bot, pages, fake_slack) -> None:
    _post_link(bot, pages, ts="1.1")
    fake_slack.wait_for("chat.postMessage")
    pages.routes.clear()  # a second fetch would now fail
    _post_link(bot, pages, ts="1.2")
    second = fake_slack.wait_for("chat.postMessage", count=2)[1]
    assert second["thread_ts"] == "1.2" and second["text"].startswith("Already stored")


def test_bots_own_messages_edits_and_unfurls_are_ignored(bot, pages, fake_slack) -> None:
    url = pages.add("/a.html", SEED_HTML.read_bytes())
    text = f"<{url}>"
    bot.event({"type": "message", "channel": "C1", "bot_id": "BBOT", "ts": "2.1", "text": text})
    bot.event({"type": "message", "subtype": "message_changed", "channel": "C1", "ts": "2.2",
               "message": {"text": text, "user": "U1"}}, event_id="Ev2")
    assert bot.event({"type": "link_shared", "channel": "C1", "links": [{"url": url}]},
                     event_id="Ev3").status_code == 200
    time.sleep(1.5)
    assert fake_slack.named("chat.postMessage") == []


def test_unreadable_link_gets_a_clear_reply(bot, pages, fake_slack) -> None:
    url = pages.add("/report.pdf", b"%PDF-1.7 binary", content_type="application/pdf")
    bot.event({"type": "message", "channel": "C1", "user": "U1", "ts": "3.1", "text": f"<{url}>"})
    reply = fake_slack.wait_for("chat.postMessage")[0]
    assert "not an article" in reply["text"]
    assert fake_slack.named("reactions.add")[-1]["name"] == "warning"


def test_empty_command_gets_usage_help(bot, fake_slack) -> None:
    bot.command("/briefing", "   ", fake_slack.url + "/respond/4")
    assert "Usage" in _all_text(fake_slack.wait_for("/respond/4")[0])
    bot.command("/who-said", "zebras", fake_slack.url + "/respond/5")
    assert "Nothing found on “zebras”" in _all_text(fake_slack.wait_for("/respond/5")[0])


def test_export_csv_sends_the_whole_answer_to_the_asker(bot, pages, fake_slack) -> None:  # noqa: ANN001
    import csv
    import io

    from tests.test_hostile_input import press

    fake_slack.answers["conversations.open"] = {"ok": True, "channel": {"id": "D42"}}
    fake_slack.answers["files.getUploadURLExternal"] = {"ok": True, "upload_url": fake_slack.url + "/upload/F1",
                                                        "file_id": "F1"}
    fake_slack.answers["files.completeUploadExternal"] = {"ok": True, "files": [{"id": "F1", "title": "x"}]}
    url = pages.add("/csv.html", SEED_HTML.read_bytes())
    bot.event({"type": "message", "channel": "C1", "user": "U1", "ts": "70.1", "text": f"<{url}>"})
    fake_slack.wait_for("chat.postMessage")
    bot.command("/briefing", "dprk", fake_slack.url + "/respond/x1")
    blocks = fake_slack.wait_for("/respond/x1")[0]["blocks"]
    (button,) = [e for b in blocks if b["type"] == "actions" for e in b["elements"] if e["action_id"] == "export_csv"]
    press(bot, "export_csv", button["value"], fake_slack.url + "/respond/x2")
    said = fake_slack.wait_for("/respond/x2")[0]
    assert said["text"] == "Sent you the CSV of 8 statements in a direct message."
    assert said["response_type"] == "ephemeral"
    assert fake_slack.named("conversations.open")[0]["users"] == "U1"
    done = fake_slack.wait_for("files.completeUploadExternal")[0]
    assert done["channel_id"] == "D42"
    (upload,) = [body for path, body in fake_slack.raw if path == "/upload/F1"]
    rows = list(csv.DictReader(io.StringIO(upload)))
    assert len(rows) == 8 and {"Lloyd Austin", "John Kirby"} <= {r["speaker"] for r in rows}


def test_over_https_the_reply_and_the_answers_reach_slack(start_bot, pages, tls_slack, test_ca) -> None:  # noqa: ANN001
    """Slack's API is HTTPS only, and a command's answer goes out from a lazy listener, which bolt gives a copy of
    the request, Web API client included: the bot's one TLS context must survive that copy."""
    bot = start_bot(SLACK_API_URL=tls_slack.url + "/api/", SSL_CERT_FILE=str(test_ca[1]))
    _post_link(bot, pages)
    assert "Lloyd Austin" in tls_slack.wait_for("chat.postMessage")[0]["text"]
    assert bot.command("/briefing", "dprk", tls_slack.url + "/respond/1").status_code == 200
    assert "John Kirby" in _all_text(tls_slack.wait_for("/respond/1")[0])


def test_slack_calls_read_the_certificates_once_and_still_check_them(tls_slack, test_ca, monkeypatch) -> None:  # noqa: ANN001
    """Each Slack call used to build a TLS context, reading the machine's certificate bundle again (about 30 ms of
    CPU a call, more than reading a page); the process's one context must still refuse a certificate nobody vouches
    for."""
    monkeypatch.setenv("SSL_CERT_FILE", str(test_ca[1]))  # the certificates this test's clients trust
    tls_context.cache_clear()  # the process's context is made anew by the first client, as in a new process
    try:
        client = web_client(Settings(slack_bot_token="xoxb-test", slack_api_url=tls_slack.url + "/api/"))
        reads: list[str] = []
        for method in ("load_default_certs", "load_verify_locations", "set_default_verify_paths"):
            real = getattr(ssl.SSLContext, method)
            monkeypatch.setattr(ssl.SSLContext, method, lambda self, *a, _real=real, _name=method, **k:
                                reads.append(_name) or _real(self, *a, **k))
        notifier = SlackNotifier(lambda team: client)
        for i in range(3):
            notifier.finished("T1", "C1", f"{i}.0", "Stored 2 statements", True, hourglass=False)
        assert len(tls_slack.wait_for("chat.postMessage", count=3)) == 3
        assert reads == []

        stranger = FakeSlack(tls=tls_server(trustme.CA()))  # a certificate from an authority nobody trusts
        try:
            client = web_client(Settings(slack_bot_token="xoxb-test", slack_api_url=stranger.url + "/api/"))
            with pytest.raises((SlackClientError, OSError)):
                client.chat_postMessage(channel="C1", text="hello")
            assert stranger.calls == []
        finally:
            stranger.close()
    finally:  # later tests in this process get a context of the machine's certificates again
        tls_context.cache_clear()
        urllib.request.install_opener(None)  # type: ignore[arg-type]
