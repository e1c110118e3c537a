"""Serve the Slack app: Socket Mode with an app token, else HTTP under gunicorn."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable

from bot.config import Settings

log = logging.getLogger(__name__)


def create_wsgi(settings: Settings) -> Callable:
    """The WSGI app: POST /slack/events for Slack, GET /healthz for load balancers."""
    from slack_bolt.adapter.wsgi import SlackRequestHandler

    from bot.app import build_app
    from storage.db import make_engine, make_sessionmaker

    sessions = make_sessionmaker(make_engine(settings.database_url))
    app, runner = build_app(settings, sessions)
    resumed = runner.resume()
    if resumed:
        log.info("resumed %d unfinished ingestion jobs", resumed)
    slack = SlackRequestHandler(app, path="/slack/events")

    def wsgi(environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz":
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"ok"]
        return slack(environ, start_response)

    return wsgi


def serve(settings: Settings) -> int:
    from storage.db import make_engine, migrate

    migrate(make_engine(settings.database_url))
    if settings.slack_app_token:
        return _socket_mode(settings)
    if not settings.slack_signing_secret or not settings.slack_bot_token:
        log.error("SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET must be set (see .env.example)")
        return 2
    _gunicorn(settings)
    return 0


def _socket_mode(settings: Settings) -> int:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.app import build_app
    from storage.db import make_engine, make_sessionmaker

    app, runner = build_app(settings, make_sessionmaker(make_engine(settings.database_url)))
    runner.resume()
    SocketModeHandler(app, settings.slack_app_token).start()
    return 0


def _gunicorn(settings: Settings) -> None:
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", f"0.0.0.0:{settings.port}")
            self.cfg.set("workers", int(os.environ.get("WEB_CONCURRENCY", "1")))
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("threads", 8)
            self.cfg.set("timeout", 60)
            self.cfg.set("graceful_timeout", 20)
            self.cfg.set("loglevel", settings.log_level.lower())

        def load(self) -> Callable:
            return create_wsgi(settings)  # built in each worker, after the fork

    Server().run()
