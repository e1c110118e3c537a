"""Many workspaces: the OAuth install flow, per-workspace tokens, and Web API retries."""

from __future__ import annotations

import re
import time

import httpx

from tests.conftest import SEED_HTML

OAUTH = {"SLACK_CLIENT_ID": "111.222", "SLACK_CLIENT_SECRET": "client-secret", "SLACK_STATE_SECRET": "state-secret",
         "SLACK_BOT_TOKEN": ""}


def install(bot, fake_slack, team: str) -> None:  # noqa: ANN001
    fake_slack.answers["oauth.v2.access"] = {
        "ok": True, "app_id": "A1", "authed_user": {"id": "U1"}, "scope": "chat:write,commands",
        "token_type": "bot", "access_token": f"xoxb-{team}", "bot_user_id": f"UB{team}",
        "team": {"id": team, "name": f"Team {team}"}, "enterprise": None, "is_enterprise_install": False}
    fake_slack.answers["auth.test"] = {"ok": True, "user_id": f"UB{team}", "bot_id": f"B{team}", "team_id": team,
                                       "url": "https://x.slack.com/", "user": "bot", "team": "x"}
    with httpx.Client(base_url=bot.url) as browser:
        page = browser.get("/slack/install")
        assert page.status_code == 200
        state = re.search(r"state=([\w.\-]+)", page.text).group(1)
        # The state cookie is Secure (https in production): hand it back as the browser would.
        cookie = page.headers["set-cookie"].split(";")[0]
        done = browser.get("/slack/oauth_redirect", params={"code": "abc", "state": state}, headers={"Cookie": cookie})
        assert done.status_code == 200, done.text
        # A state is single use: replaying the callback is refused.
        again = browser.get("/slack/oauth_redirect", params={"code": "abc", "state": state}, headers={"Cookie": cookie})
        assert again.status_code != 200


def test_install_then_each_workspace_is_answered_with_its_own_token(start_bot, pages, fake_slack) -> None:  # noqa: ANN001
    bot = start_bot(**OAUTH)
    install(bot, fake_slack, "T7")
    install(bot, fake_slack, "T8")
    url = pages.add("/s.html", SEED_HTML.read_bytes())
    bot.event({"type": "message", "channel": "C7", "user": "U1", "ts": "30.1", "text": f"<{url}>"}, team="T7")
    fake_slack.wait_for("chat.postMessage")
    posted = [tok for path, tok in fake_slack.tokens if path.endswith("chat.postMessage")]
    assert posted == ["Bearer xoxb-T7"]
    bot.event({"type": "message", "channel": "C8", "user": "U1", "ts": "30.2", "text": f"<{url}>"}, team="T8",
              event_id="Ev2")
    fake_slack.wait_for("chat.postMessage", count=2)
    posted = [tok for path, tok in fake_slack.tokens if path.endswith("chat.postMessage")]
    assert posted == ["Bearer xoxb-T7", "Bearer xoxb-T8"]
    # An event from a workspace that never installed the app is not processed.
    bot.event({"type": "message", "channel": "C9", "user": "U1", "ts": "30.3", "text": f"<{url}>"}, team="T9",
              event_id="Ev3")
    time.sleep(1)
    assert len(fake_slack.named("chat.postMessage")) == 2


def test_forged_oauth_state_is_refused(start_bot, fake_slack) -> None:  # noqa: ANN001
    bot = start_bot(**OAUTH)
    resp = httpx.get(bot.url + "/slack/oauth_redirect", params={"code": "abc", "state": "made-up.0000"})
    assert resp.status_code != 200
    assert fake_slack.named("oauth.v2.access") == []


def test_rate_limited_replies_are_retried(bot, pages, fake_slack) -> None:  # noqa: ANN001
    fake_slack.statuses["chat.postMessage"] = [(429, {"Retry-After": "1"}), (503, {})]
    url = pages.add("/s.html", SEED_HTML.read_bytes())
    bot.event({"type": "message", "channel": "C1", "user": "U1", "ts": "31.1", "text": f"<{url}>"})
    calls = fake_slack.wait_for("chat.postMessage", count=3, timeout=30)
    assert len(calls) == 3 and all(c["thread_ts"] == "31.1" for c in calls)
