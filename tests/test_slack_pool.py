"""Slack calls ride kept-alive connections (bot/slack/pool.py): one TLS handshake for many replies, no reply lost or
doubled when Slack closes a connection, a proxy still honoured, a forked process on connections of its own."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest

from bot.config import Settings
from bot.slack.app import SlackNotifier, tls_context, web_client
from tests.conftest import ROOT, FakeSlack, _Server, tls_server


@pytest.fixture
def own_context(test_ca, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:  # noqa: ANN001
    """The process's TLS context and connection pool made anew, as in a new process, trusting the test CA."""
    monkeypatch.setenv("SSL_CERT_FILE", str(test_ca[1]))
    tls_context.cache_clear()
    try:
        yield
    finally:  # later tests in this process get the machine's certificates and a pool of their own again
        tls_context.cache_clear()
        urllib.request.install_opener(None)  # type: ignore[arg-type]


@pytest.fixture
def notifier(tls_slack: FakeSlack, own_context: None) -> SlackNotifier:
    """Job replies to the HTTPS fake Slack through the bot's own client."""
    client = web_client(Settings(slack_bot_token="xoxb-test", slack_api_url=tls_slack.url + "/api/"))
    return SlackNotifier(lambda team: client)


def _replies(slack: FakeSlack, thread_ts: str) -> list[dict]:
    return [c for c in slack.named("chat.postMessage") if c.get("thread_ts") == thread_ts]


def test_replies_share_one_connection_and_one_slack_closed_loses_none(notifier, tls_slack) -> None:  # noqa: ANN001
    for i in range(3):
        notifier.finished("T1", "C1", f"{i}.0", "Stored 2 statements", True, hourglass=False)
    assert len(tls_slack.wait_for("chat.postMessage", count=3)) == 3
    # Six calls (a check mark and a reply each), one TLS handshake: urllib alone opened a connection for every call.
    assert tls_slack.connections == 1

    tls_slack.hang_up()  # Slack (or a proxy on the way) drops the idle connection
    notifier.finished("T1", "C1", "3.0", "Stored 1 statement", True, hourglass=False)
    assert len(tls_slack.wait_for("chat.postMessage", count=4)) == 4
    assert len(_replies(tls_slack, "3.0")) == 1  # sent once on a new connection, neither lost nor doubled
    assert tls_slack.connections == 2


def test_a_call_slack_is_slow_to_answer_is_not_sent_again(test_ca, own_context) -> None:  # noqa: ANN001
    """A message Slack has not answered for within the client's timeout may well be posted already: it must fail
    once, not be sent again (and posted twice) by the retry meant for connections that never got through."""
    release, seen = threading.Event(), []

    class Slow(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802
            seen.append(self.rfile.read(int(self.headers["Content-Length"])))
            release.wait(30)

        def log_message(self, *args: object) -> None:
            pass

    slow = _Server(Slow, tls_server(test_ca[0]))
    try:
        client = web_client(Settings(slack_bot_token="xoxb-test", slack_api_url=slow.url + "/api/"))
        client.timeout = 1
        with pytest.raises(TimeoutError):
            client.chat_postMessage(channel="C1", text="posted once")
        assert len(seen) == 1
    finally:
        release.set()
        slow.close()


def test_a_forked_process_opens_connections_of_its_own(notifier, tls_slack) -> None:  # noqa: ANN001
    """A process forked after its parent talked to Slack (a server that loads its app before forking workers) must
    not write on the parent's TLS connection: the two would garble each other's records."""
    notifier.finished("T1", "C1", "1.0", "from the parent", True, hourglass=False)
    tls_slack.wait_for("chat.postMessage")
    pid = os.fork()
    if pid == 0:  # the child: one reply, then out, whatever happens
        signal.alarm(20)
        code = 1
        try:
            notifier.finished("T1", "C1", "2.0", "from the child", True, hourglass=False)
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert _replies(tls_slack, "2.0")
    assert tls_slack.connections == 2
    notifier.finished("T1", "C1", "3.0", "the parent again", True, hourglass=False)
    assert len(tls_slack.wait_for("chat.postMessage", count=3)) == 3
    assert len(_replies(tls_slack, "3.0")) == 1
    assert tls_slack.connections == 2  # the parent's own connection was left to it, unharmed


def test_behind_a_proxy_slack_calls_still_go_through_it(fake_slack: FakeSlack) -> None:
    """A workspace behind a corporate proxy (HTTP_PROXY / HTTPS_PROXY) reaches Slack only through it: slack_sdk's
    clients read those variables and open their own connections through the proxy, and anything else that calls
    urllib in the process keeps urllib's ProxyHandler rather than the pool."""
    proxy = FakeSlack()  # answers as Slack would, and records the absolute URLs a proxy is asked for
    try:
        env = {**os.environ, "HTTP_PROXY": proxy.url, "http_proxy": proxy.url, "NO_PROXY": "", "no_proxy": ""}
        code = ("import urllib.request; from bot.config import Settings; from bot.slack.app import web_client; "
                f"web_client(Settings(slack_bot_token='xoxb-test', slack_api_url='{fake_slack.url}/api/'))"
                ".chat_postMessage(channel='C1', text='through the proxy'); "
                f"urllib.request.urlopen('{fake_slack.url}/api/api.test', data=b'', timeout=30)")
        subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True, timeout=60)
        assert [p for p, _ in proxy.calls] == [f"{fake_slack.url}/api/chat.postMessage",
                                               f"{fake_slack.url}/api/api.test"]
        assert fake_slack.calls == []
    finally:
        proxy.close()
