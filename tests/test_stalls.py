"""Stalls (issue #11): slow clients, Slack unreachable at start-up, oversized alias commands."""

from __future__ import annotations

import json
import socket
import threading
import time
from urllib.parse import urlencode

import pytest

from bot.answers import answers
from bot.answers.answers import Answer
from bot.answers.terminal import to_text
from storage import queries
from tests.conftest import RunningBot

# ---- slow clients ---------------------------------------------------------------------------

def trickle(port: int, connected: threading.Semaphore, stop: threading.Event, closed: list[float],
            started: float) -> None:
    """A client sending a request's headers one byte every 0.5 s, never finishing (gives up after 15 s)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
            s.sendall(b"POST /slack/events HTTP/1.1\r\nX-Pad: ")
            connected.release()
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
    connected, stop, closed, started = threading.Semaphore(0), threading.Event(), [], time.monotonic()
    clients = [threading.Thread(target=trickle, args=(port, connected, stop, closed, started), daemon=True)
               for _ in range(50)]
    for t in clients:
        t.start()
    try:
        for _ in clients:  # every slow client is in before the commands
            assert connected.acquire(timeout=5)
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


def _get(s: socket.socket) -> bytes:
    """One GET /healthz on an open connection; the status line of its answer, read whole (chunked or not)."""
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: bot\r\n\r\n")
    data = b""
    while b"\r\n\r\n" not in data or not _whole(data):
        chunk = s.recv(65536)
        assert chunk, "the server closed the connection instead of answering"
        data += chunk
    return data.split(b"\r\n")[0]


def _whole(response: bytes) -> bool:
    head, body = response.split(b"\r\n\r\n", 1)
    lengths = [int(line.split(b":")[1]) for line in head.lower().split(b"\r\n") if line.startswith(b"content-length")]
    return len(body) >= lengths[0] if lengths else body.endswith(b"0\r\n\r\n")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_kept_alive_connection_waits_for_its_next_request_then_closes(start_bot) -> None:  # noqa: ANN001
    """A proxy in front reuses an idle connection until its own idle timeout (60 s for nginx and AWS's): `serve`
    closed one after 2 s, and the request a proxy or client sent at that moment was reset."""
    bot: RunningBot = start_bot(HEADER_TIMEOUT="1", KEEPALIVE_TIMEOUT="4")
    with socket.create_connection(("127.0.0.1", int(bot.url.rsplit(":", 1)[1])), timeout=10) as s:
        assert b" 200 " in _get(s)
        # Idle past the header timeout and gunicorn's default keep-alive (2 s), within 4 s: the server must not
        # hang up (recv returning b"" is it hanging up; a timeout is the connection still waiting).
        s.settimeout(2.5)
        with pytest.raises(TimeoutError):
            s.recv(1)
        s.settimeout(10)
        assert b" 200 " in _get(s)
        idle_from = time.monotonic()
        assert s.recv(1) == b""  # closed once idle for the keep-alive timeout, not held forever
        assert 3 < time.monotonic() - idle_from < 8


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


# ---- aliases: bounded, NUL-free, built-in names redefined only when confirmed ---------------

def alias_cmd(sessions, text: str, team: str = "T1") -> Answer:  # noqa: ANN001
    with sessions.begin() as s:
        got = answers.manage_aliases(s, team, text)
        assert got is not None
        return got


def test_alias_commands_are_bounded_with_a_clear_message(sessions) -> None:  # noqa: ANN001
    huge = "alias North Korea = " + ", ".join(f"name number {i}" for i in range(50_000))  # ~650 KB
    started = time.monotonic()
    assert "at most 1,000 characters" in alias_cmd(sessions, huge).message
    assert time.monotonic() - started < 1
    many = "alias North Korea = " + ", ".join(f"n{i}" for i in range(21))
    assert "at most 20 aliases" in alias_cmd(sessions, many).message
    assert "at most 100 characters" in alias_cmd(sessions, "alias North Korea = " + "x" * 101).message
    with sessions.begin() as s:
        assert queries.list_aliases(s, "T1") == []
        queries.set_aliases(s, "T1", "Somewhere", (f"old {i}" for i in range(495)))
    six = "alias North Korea = " + ", ".join(f"new {i}" for i in range(6))
    assert "at most 500" in alias_cmd(sessions, six).message
    assert alias_cmd(sessions, "alias North Korea = old 1, new 1, new 2, new 3, new 4, new 5").message.startswith(
        "Saved")  # redefining one of its own names adds nothing to the workspace's count


def test_nul_bytes_are_stripped_from_aliases_and_queries(sessions) -> None:  # noqa: ANN001
    saved = alias_cmd(sessions, "alias North\x00 Korea = hermit\x00 kingdom")
    assert saved.message == "Saved: hermit kingdom \u2192 North Korea"
    with sessions.begin() as s:
        assert answers.briefing(s, "T1", "hermit\x00 kingdom").heading == "Briefing: hermit kingdom (North Korea)"


def test_redefining_a_built_in_name_asks_first(sessions) -> None:  # noqa: ANN001
    asked = alias_cmd(sessions, "alias France = north korea, hexagon")
    assert "North Korea" in asked.message and asked.confirm == "alias! France = north korea, hexagon"
    assert "alias! France = north korea, hexagon" in to_text(asked)  # the CLI's way to confirm
    with sessions.begin() as s:
        assert queries.list_aliases(s, "T1") == []  # nothing changes until confirmed
    assert alias_cmd(sessions, "alias North Korea = dprk").confirm is None  # same meaning: nothing to ask
    assert alias_cmd(sessions, asked.confirm).message == "Saved: north korea, hexagon \u2192 France"
    with sessions.begin() as s:
        assert answers.briefing(s, "T1", "north korea").heading == "Briefing: north korea (France)"


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_confirmation_buttons_over_http(bot, fake_slack) -> None:  # noqa: ANN001
    def press(button: dict, n: int) -> dict:
        payload = {"type": "block_actions", "team": {"id": "T1"}, "user": {"id": "U1"}, "api_app_id": "A1",
                   "token": "x", "trigger_id": "1.2", "response_url": f"{fake_slack.url}/respond/{n}",
                   "container": {"type": "message"}, "channel": {"id": "C1"},
                   "actions": [{"type": "button", "action_id": button["action_id"], "block_id": "b",
                                "value": button["value"], "action_ts": "1.1"}]}
        assert bot.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"
                        ).status_code == 200
        return fake_slack.wait_for(f"/respond/{n}")[0]

    def ask(n: int) -> dict[str, dict]:
        bot.command("/briefing", "alias France = north korea", f"{fake_slack.url}/respond/{n}")
        blocks = fake_slack.wait_for(f"/respond/{n}")[0]["blocks"]
        return {b["text"]["text"]: b for b in blocks[-1]["elements"]}

    cancelled = press(ask(1)["Cancel"], 2)
    assert cancelled["replace_original"] is True and "nothing changed" in cancelled["text"].lower()
    saved = press(ask(3)["Yes, redefine"], 4)
    assert saved["replace_original"] is True and "Saved: north korea" in saved["text"]
    bot.command("/briefing", "north korea", f"{fake_slack.url}/respond/5")
    assert "(France)" in fake_slack.wait_for("/respond/5")[0]["text"]
