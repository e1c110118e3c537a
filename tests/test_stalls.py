"""Stalls (issue #11): slow clients, Slack unreachable at start-up, oversized alias commands."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from tests.conftest import RunningBot

# ---- slow clients ---------------------------------------------------------------------------

def trickle(port: int, stop: threading.Event, closed: list[float], started: float) -> None:
    """A client sending a request's headers one byte every 0.5 s, never finishing (gives up after 15 s)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
            s.sendall(b"POST /slack/events HTTP/1.1\r\nX-Pad: ")
            for _ in range(30):
                if stop.wait(0.5):
                    return
                s.sendall(b"a")
    except OSError:  # the server hung up on us
        closed.append(time.monotonic() - started)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_fifty_slow_clients_do_not_hold_up_commands(start_bot, fake_slack) -> None:  # noqa: ANN001
    bot: RunningBot = start_bot(HEADER_TIMEOUT="4")
    port = int(bot.url.rsplit(":", 1)[1])
    stop, closed, started = threading.Event(), [], time.monotonic()
    clients = [threading.Thread(target=trickle, args=(port, stop, closed, started), daemon=True) for _ in range(50)]
    for t in clients:
        t.start()
    try:
        time.sleep(1)  # let every slow client get its connection in first
        began = time.monotonic()
        assert bot.http.get(bot.url + "/healthz", timeout=3).status_code == 200
        assert bot.command("/briefing", "dprk", fake_slack.url + "/respond/1").status_code == 200
        assert time.monotonic() - began < 3
        fake_slack.wait_for("/respond/1", timeout=5)
        # The slow clients are cut off once their headers are overdue, not held forever.
        for t in clients:
            t.join(timeout=15)
        assert len(closed) == 50 and max(closed) < 12
    finally:
        stop.set()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_request_without_signature_headers_gets_401_not_500(bot) -> None:  # noqa: ANN001
    assert bot.http.post(bot.url + "/slack/events", content=b"{}",
                         headers={"Content-Type": "application/json"}).status_code == 401


# ---- Slack unreachable at start-up ----------------------------------------------------------

def wait_for_health(bot: RunningBot, slack: str, timeout: float = 20) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        health = bot.http.get(bot.url + "/healthz").json()
        if health["slack"] == slack or time.monotonic() > deadline:
            return health
        time.sleep(0.1)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_serve_starts_while_slack_is_unreachable_and_works_once_it_answers(start_bot, fake_slack) -> None:  # noqa: ANN001
    fake_slack.statuses["auth.test"] = [(503, {})] * 1000
    bot = start_bot()  # used to exit: gunicorn's worker failed to boot on auth.test
    health = wait_for_health(bot, "unreachable")
    assert health["status"] == "ok" and health["slack"] == "unreachable" and "fatal_error" in health["detail"]
    fake_slack.statuses["auth.test"].clear()  # Slack is back
    assert wait_for_health(bot, "verified")["slack"] == "verified"
    assert bot.command("/briefing", "dprk", fake_slack.url + "/respond/2").status_code == 200
    assert "Nothing found" in str(fake_slack.wait_for("/respond/2")[0])
