"""Nothing leaks: workspaces see only their own statements; a private channel's only there."""

from __future__ import annotations

import json

from tests.conftest import SEED_HTML


def answer_for(bot, fake_slack, n: int, text: str, **where: str) -> str:  # noqa: ANN001
    bot.command("/who-said", text, fake_slack.url + f"/respond/p{n}", **where)
    return json.dumps(fake_slack.wait_for(f"/respond/p{n}")[0])


def test_private_channel_statements_stay_in_that_channel(bot, pages, fake_slack) -> None:  # noqa: ANN001
    url = pages.add("/private.html", SEED_HTML.read_bytes())
    bot.event({"type": "message", "channel": "G1", "channel_type": "group", "user": "U1", "ts": "12.1",
               "text": f"<{url}>"})
    assert "Stored" in fake_slack.wait_for("chat.postMessage")[0]["text"]
    assert "John Kirby" in answer_for(bot, fake_slack, 1, "troops", channel="G1")
    for n, channel in ((2, "C1"), (3, "G2")):
        leaked = answer_for(bot, fake_slack, n, "troops", channel=channel)
        assert "Kirby" not in leaked and "Nothing found" in leaked
    bot.command("/briefing", "kirby", fake_slack.url + "/respond/p4", channel="C1")
    assert "Kirby" not in json.dumps(fake_slack.wait_for("/respond/p4")[0]["blocks"])

    # Posted later in a public channel, the article becomes visible everywhere (a public copy).
    bot.event({"type": "message", "channel": "C1", "channel_type": "channel", "user": "U2", "ts": "12.2",
               "text": f"<{url}>"}, event_id="Ev2")
    assert "Stored" in fake_slack.wait_for("chat.postMessage", count=2)[1]["text"]
    assert "John Kirby" in answer_for(bot, fake_slack, 5, "troops", channel="C9")


def test_workspaces_see_only_their_own(bot, pages, fake_slack) -> None:  # noqa: ANN001
    url = pages.add("/t1.html", SEED_HTML.read_bytes())
    bot.event({"type": "message", "channel": "C1", "user": "U1", "ts": "13.1", "text": f"<{url}>"})
    fake_slack.wait_for("chat.postMessage")
    assert "John Kirby" in answer_for(bot, fake_slack, 6, "troops", team="T1")
    other = answer_for(bot, fake_slack, 7, "troops", team="T2")
    assert "Kirby" not in other and "Nothing found" in other
    bot.command("/briefing", "dprk", fake_slack.url + "/respond/p8", team="T2")
    assert "Austin" not in json.dumps(fake_slack.wait_for("/respond/p8")[0]["blocks"])
