"""Serve the Slack app: Socket Mode with an app token, else HTTP under gunicorn."""

from __future__ import annotations

import io
import json
import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import replace
from urllib.parse import parse_qs

from slack_sdk.signature import SignatureVerifier

from bot.config import Settings

log = logging.getLogger(__name__)
MAX_BODY = 1024 * 1024  # Slack's payloads are a few KB


def create_wsgi(settings: Settings) -> Callable:
    """The WSGI app: POST /slack/events for Slack, GET /healthz for load balancers."""
    settings = replace(settings, slack_app_token=None)  # HTTP mode verifies signatures, always
    from slack_bolt.adapter.wsgi import SlackRequestHandler

    from bot.slack.app import build_app
    from bot.slack.health import SlackCheck
    from bot.slack.oauth import oauth_enabled
    from storage.db import make_engine, make_sessionmaker

    sessions = make_sessionmaker(make_engine(settings.database_url))
    # Slack may be out of reach right now: start anyway, and verify the token in the background.
    app, runner = build_app(settings, sessions, verify_token=False)
    runner.start()  # the sweeper: finishes what stopped processes left, retries, resends replies
    check = None if oauth_enabled(settings) else SlackCheck(app.client).start()
    slack = SlackRequestHandler(app, path="/slack/events")
    verifier = SignatureVerifier(settings.slack_signing_secret or "")

    def wsgi(environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz":
            health = check.health() if check else {"status": "ok", "slack": "tokens per workspace (OAuth)"}
            start_response("200 OK", [("Content-Type", "application/json")])
            return [json.dumps(health).encode()]
        if environ.get("PATH_INFO") == "/slack/events" and environ.get("REQUEST_METHOD") == "POST":
            problem = _vet(environ, verifier)
            if problem:
                return _plain(start_response, *problem)
        return slack(environ, start_response)

    return wsgi


def _plain(start_response: Callable, status: str, text: str) -> list[bytes]:
    start_response(status, [("Content-Type", "text/plain; charset=utf-8")])
    return [text.encode()]


def _vet(environ: dict, verifier: SignatureVerifier) -> tuple[str, str] | None:
    """Check size, signature and shape before bolt sees a request: 413, 401 or 400, never a crash."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return "400 Bad Request", "bad content length"
    if length > MAX_BODY:
        return "413 Payload Too Large", "request too large"
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)  # hand the same bytes on to bolt
    headers = {"x-slack-request-timestamp": environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", ""),
               "x-slack-signature": environ.get("HTTP_X_SLACK_SIGNATURE", "")}
    # The verifier turns a missing or non-numeric timestamp into a ValueError: that is a 401 too.
    if not headers["x-slack-request-timestamp"].isdigit() or not verifier.is_valid_request(body, headers):
        return "401 Unauthorized", "invalid request signature"
    try:
        _parse(body.decode("utf-8"), environ.get("CONTENT_TYPE") or "")
    except (ValueError, UnicodeDecodeError):
        return "400 Bad Request", "malformed request body"
    return None


def _parse(text: str, content_type: str) -> dict:
    if "json" in content_type:
        data = json.loads(text)
    else:
        form = parse_qs(text, strict_parsing=True)
        data = json.loads(form["payload"][0]) if "payload" in form else {k: v[0] for k, v in form.items()}
        if "payload" not in form and "command" not in data and "ssl_check" not in data:
            raise ValueError("neither a command nor an interaction")
    if not isinstance(data, dict):
        raise ValueError("not an object")
    return data


def serve(settings: Settings, mode: str | None = None) -> int:
    """Socket Mode when asked or when SLACK_APP_TOKEN is set (and HTTP was not asked), else HTTP."""
    from storage.db import make_engine, migrate

    migrate(make_engine(settings.database_url))
    if mode == "socket" and not settings.slack_app_token:
        log.error("Socket Mode needs SLACK_APP_TOKEN (an app-level token with connections:write)")
        return 2
    if mode == "socket" or (mode is None and settings.slack_app_token):
        return _socket_mode(settings)
    from bot.slack.oauth import oauth_enabled

    if not settings.slack_signing_secret or not (settings.slack_bot_token or oauth_enabled(settings)):
        log.error("set SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID and "
                  "SLACK_CLIENT_SECRET (installs in many): see .env.example")
        return 2
    _gunicorn(settings)
    return 0


def _socket_mode(settings: Settings) -> int:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.slack.app import build_app
    from storage.db import make_engine, make_sessionmaker

    app, runner = build_app(settings, make_sessionmaker(make_engine(settings.database_url)))
    runner.start()
    SocketModeHandler(app, settings.slack_app_token).start()
    return 0


def _gunicorn(settings: Settings) -> None:
    """gunicorn with uvicorn's worker: requests are read on an event loop, so clients that trickle
    bytes hold sockets, not the threads that answer Slack (see bot/slack/asgi.py)."""
    from gunicorn.app.base import BaseApplication

    from bot.slack.asgi import to_asgi, worker_class

    class Server(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", f"0.0.0.0:{settings.port}")
            self.cfg.set("workers", int(os.environ.get("WEB_CONCURRENCY", "1")))
            self.cfg.set("worker_class", worker_class(settings.header_timeout))
            self.cfg.set("keepalive", settings.keepalive_timeout)  # uvicorn's keep-alive timeout
            self.cfg.set("timeout", 60)
            self.cfg.set("graceful_timeout", 20)
            self.cfg.set("loglevel", settings.log_level.lower())

        def load(self) -> Callable:
            return to_asgi(create_wsgi(settings), MAX_BODY)  # built in each worker, after the fork

    Server().run()
