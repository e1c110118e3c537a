"""Shared fixtures: fresh databases, pages served on 127.0.0.1, a fake Slack Web API, a running bot."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest
from slack_sdk.signature import SignatureVerifier

from bot.config import Settings
from storage.db import make_engine, make_sessionmaker, migrate

ROOT = Path(__file__).resolve().parents[1]
SEED_HTML = ROOT / "bot" / "data" / "seed-dprk-troops.html"
SIGNING_SECRET = "test-signing-secret"
PG_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---- databases ------------------------------------------------------------------------------

def _postgres_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A throwaway PostgreSQL database for this test run."""
    if not _postgres_available():
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
    from sqlalchemy import text

    name = f"briefing_test_{uuid.uuid4().hex[:8]}"
    admin = make_engine(PG_ADMIN_URL).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    url = request.getfixturevalue("pg_url")
    engine = make_engine(url)
    from sqlalchemy import text

    with engine.begin() as conn:  # a clean schema for each test
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    return url


@pytest.fixture
def sessions(db_url: str):  # noqa: ANN201
    engine = make_engine(db_url)
    migrate(engine)
    yield make_sessionmaker(engine)
    engine.dispose()


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings(database_url=db_url, fetch_allow_private=True, workers=2, team_id="T1")


# ---- local HTTP servers ---------------------------------------------------------------------

class _Connections(ThreadingHTTPServer):
    """A threading HTTP server that counts the connections it accepted and knows the ones still open."""

    daemon_threads = True

    def __init__(self, *args: object) -> None:
        self.accepted, self.open = 0, set[socket.socket]()
        super().__init__(*args)  # type: ignore[arg-type]

    def process_request(self, request, client_address) -> None:  # noqa: ANN001
        self.accepted += 1
        self.open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request) -> None:  # noqa: ANN001
        self.open.discard(request)
        super().shutdown_request(request)


class _Server:
    def __init__(self, handler: type[BaseHTTPRequestHandler], tls: ssl.SSLContext | None = None) -> None:
        """tls: serve HTTPS with this server context (a test CA's certificate for 127.0.0.1, as Slack's real API is
        HTTPS only); each connection's handshake runs in its own handler thread, not in the accepting one."""
        self.httpd = _Connections(("127.0.0.1", 0), handler)
        if tls is not None:
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True, do_handshake_on_connect=False)
        self.port = self.httpd.server_address[1]
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def connections(self) -> int:
        """How many connections clients have opened to this server so far."""
        return self.httpd.accepted

    def hang_up(self) -> None:
        """Close every open connection, as a server does with idle kept-alive ones."""
        for sock in list(self.httpd.open):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class Pages(_Server):
    """Canned pages on 127.0.0.1: path -> (status, headers, body), or a function that writes the answer."""

    def __init__(self) -> None:
        self.routes: dict[str, object] = {}
        self.seen: list[tuple[str, dict[str, str]]] = []
        routes, seen = self.routes, self.seen

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802
                seen.append((self.path, dict(self.headers)))
                route = routes.get(self.path, (404, {"Content-Type": "text/html"}, b"missing"))
                if callable(route):
                    try:
                        route(self)
                    except OSError:
                        pass  # the client hung up, as a fetcher with limits should
                    self.close_connection = True
                    return
                status, headers, body = route
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        super().__init__(Handler)

    def add(self, path: str, body: bytes, content_type: str = "text/html; charset=utf-8", status: int = 200,
            headers: dict[str, str] | None = None) -> str:
        self.routes[path] = (status, {"Content-Type": content_type, **(headers or {})}, body)
        return self.url + path


def held_page(release: threading.Event, asked: threading.Event | None = None):  # noqa: ANN201
    """A route whose page (the seed article) is sent only once the test sets `release`; it sets `asked` when the
    request has come in."""

    def answer(handler) -> None:  # noqa: ANN001
        if asked is not None:
            asked.set()
        release.wait(timeout=30)
        body = SEED_HTML.read_bytes()
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return answer


class FakeSlack(_Server):
    """Slack's Web API and response_url endpoints on loopback, recording every call; over HTTPS with `tls`."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.calls: list[tuple[str, dict]] = []
        self.raw: list[tuple[str, str]] = []  # (path, body as sent): file uploads are not forms
        self.arrivals: dict[str, float] = {}  # path -> when its first call came (time.monotonic)
        self.tokens: list[tuple[str, str]] = []  # (path, Authorization header)
        self.answers: dict[str, dict] = {}  # method -> the JSON to answer instead of the default
        self.statuses: dict[str, list[tuple[int, dict[str, str]]]] = {}  # method -> statuses to answer first
        calls, raws, tokens, answers, statuses = self.calls, self.raw, self.tokens, self.answers, self.statuses
        arrivals = self.arrivals
        self.arrived = arrived = threading.Condition()  # notified on every call: wait_for wakes at once

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # connections kept alive, as Slack's are
            disable_nagle_algorithm = True  # the headers and the body written apart go out at once

            def do_POST(self) -> None:  # noqa: N802
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                if "json" in (self.headers.get("Content-Type") or ""):
                    data = json.loads(raw or "{}")
                else:
                    data = {k: v[0] for k, v in parse_qs(raw).items()}
                method = self.path.rsplit("/", 1)[-1]
                with arrived:
                    raws.append((self.path, raw))
                    arrivals.setdefault(self.path, time.monotonic())
                    calls.append((self.path, data))
                    tokens.append((self.path, self.headers.get("Authorization") or ""))
                    status, extra = statuses[method].pop(0) if statuses.get(method) else (200, {})
                    arrived.notify_all()
                body = answers.get(method) or {
                    "ok": True, "user_id": "UBOT", "bot_id": "BBOT", "team_id": "T1", "user": "bot",
                    "team": "Test", "url": "https://test.slack.com/", "ts": "1.000"}
                if status != 200:
                    body = {"ok": False, "error": "ratelimited" if status == 429 else "fatal_error"}
                out = json.dumps(body).encode()
                self.send_response(status)
                for k, v in extra.items():
                    self.send_header(k, v)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            def log_message(self, *args: object) -> None:
                pass

        super().__init__(Handler, tls)

    def named(self, path_part: str) -> list[dict]:
        return [d for p, d in list(self.calls) if path_part in p]

    def wait_for(self, path_part: str, count: int = 1, timeout: float = 30) -> list[dict]:
        """The calls to a method once `count` have come, waking on each call; an error after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self.arrived:
            while len(found := self.named(path_part)) < count:
                if not self.arrived.wait(deadline - time.monotonic()):
                    raise AssertionError(f"fake Slack got no {path_part} call; calls: {[p for p, _ in self.calls]}")
            return found


@pytest.fixture
def pages() -> Iterator[Pages]:
    server = Pages()
    yield server
    server.close()


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    server = FakeSlack()
    yield server
    server.close()


@pytest.fixture(scope="session")
def test_ca(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """A certificate authority of the tests' own (trustme), and its certificate as a file for SSL_CERT_FILE."""
    import trustme

    ca = trustme.CA()
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return ca, path


def tls_server(ca) -> ssl.SSLContext:  # noqa: ANN001
    """A server context holding a certificate for 127.0.0.1 issued by `ca`."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    return context


@pytest.fixture
def tls_slack(test_ca) -> Iterator[FakeSlack]:  # noqa: ANN001
    """The fake Slack over HTTPS, as Slack's API is, its certificate issued by `test_ca`."""
    server = FakeSlack(tls=tls_server(test_ca[0]))
    yield server
    server.close()


# ---- the running bot ------------------------------------------------------------------------

class RunningBot:
    def __init__(self, url: str, proc: subprocess.Popen) -> None:
        self.url = url
        self.proc = proc
        self.verifier = SignatureVerifier(SIGNING_SECRET)
        # One pooled client: a new one per request would cost more than the request (SSL setup).
        self.http = httpx.Client(timeout=10, limits=httpx.Limits(max_connections=100))

    def post(self, body: str, content_type: str, *, timestamp: int | None = None, forge: bool = False,
             headers: dict[str, str] | None = None) -> httpx.Response:
        ts = str(timestamp if timestamp is not None else int(time.time()))
        sig = self.verifier.generate_signature(timestamp=ts, body=body)
        if forge:
            sig = sig[:-4] + ("0000" if not sig.endswith("0000") else "1111")
        h = {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig,
             **(headers or {})}
        return self.http.post(self.url + "/slack/events", content=body, headers=h)

    def event(self, event: dict, *, event_id: str = "Ev1", team: str = "T1", **kw: object) -> httpx.Response:
        body = json.dumps({"type": "event_callback", "team_id": team, "api_app_id": "A1", "event": event,
                           "event_id": event_id, "event_time": int(time.time())})
        return self.post(body, "application/json", **kw)

    def command(self, name: str, text: str, response_url: str, *, team: str = "T1", channel: str = "C1",
                **kw: object) -> httpx.Response:
        from urllib.parse import urlencode

        body = urlencode({"command": name, "text": text, "team_id": team, "channel_id": channel, "user_id": "U1",
                          "response_url": response_url, "trigger_id": "1.2.3", "api_app_id": "A1"})
        return self.post(body, "application/x-www-form-urlencoded", **kw)


@pytest.fixture
def bot_env(tmp_path: Path, fake_slack: FakeSlack, db_url: str):  # noqa: ANN201
    def env(**extra: str) -> dict[str, str]:
        out = {**os.environ, "DATABASE_URL": db_url, "SLACK_BOT_TOKEN": "xoxb-test",
               "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": fake_slack.url + "/api/",
               "FETCH_ALLOW_PRIVATE": "1", "LOG_LEVEL": "WARNING", "DOTENV_PATH": str(tmp_path / "none.env"),
               "FETCH_RETRIES": "0", **extra}
        out.pop("SLACK_APP_TOKEN", None)
        return out

    return env


@pytest.fixture
def start_bot(tmp_path: Path, bot_env):  # noqa: ANN001, ANN201
    """Start `briefing-bot serve` as a real process; extra environment variables as keywords."""
    procs: list[subprocess.Popen] = []

    def start(**extra: str) -> RunningBot:
        port = free_port()
        env = bot_env(PORT=str(port), **extra)
        proc = subprocess.Popen([sys.executable, "-m", "bot", "serve"], env=env, cwd=tmp_path,
                                start_new_session=True)
        procs.append(proc)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                    return RunningBot(url, proc)
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError("the bot did not start")
            time.sleep(0.1)

    yield start
    for proc in procs:
        kill_group(proc, signal.SIGTERM)


def kill_group(proc: subprocess.Popen, sig: int) -> None:
    """Signal the bot and its gunicorn workers together."""
    try:
        os.killpg(proc.pid, sig)
        proc.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture
def bot(start_bot) -> RunningBot:  # noqa: ANN001
    return start_bot()


def redis_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def start_worker(tmp_path: Path, bot_env):  # noqa: ANN001, ANN201
    """Start `briefing-bot worker` processes (RQ on the local Redis)."""
    procs: list[subprocess.Popen] = []

    def start(**extra: str) -> subprocess.Popen:
        proc = subprocess.Popen([sys.executable, "-m", "bot", "worker"], env=bot_env(**extra), cwd=tmp_path,
                                start_new_session=True)
        procs.append(proc)
        return proc

    yield start
    for proc in procs:
        kill_group(proc, signal.SIGTERM)
