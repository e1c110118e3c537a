"""Build the Slack app: one App, its listeners registered, nothing else."""

from __future__ import annotations

import logging
import ssl
import urllib.request
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.ingest.jobs import JobRunner
from bot.slack import listeners
from bot.slack.blocks import ingest_reply
from bot.slack.oauth import client_for_team, oauth_enabled, oauth_settings
from bot.slack.pool import PooledHandler
from storage.db import engine_of

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def tls_context() -> ssl.SSLContext:
    """One TLS context for every HTTPS call urllib makes in this process: slack_sdk's Web API clients, bolt's
    respond() and the OAuth flow all call urlopen(). Left to itself urllib builds a context for each call, reading the
    machine's certificate bundle again (about 30 ms of CPU a call here, more than reading a page:
    bench/ingest_speed.py --slack); a context handed to slack_sdk makes urllib build a new opener for each call, and
    cannot ride along when bolt deep-copies a request for its lazy listeners. So it goes in urllib's default opener,
    urllib's own way to set what urlopen uses. The trust is ssl.create_default_context's (the system's certificates;
    SSL_CERT_FILE and SSL_CERT_DIR still apply); a context is safe to share between threads, and each connection
    still checks its own certificate and host name."""
    context = ssl.create_default_context()
    # Calls ride kept-alive connections (bot/slack/pool.py). Behind a proxy slack_sdk's clients open their own, and
    # anything else calling urlopen is left to urllib's ProxyHandler and HTTPSHandler, which the pool would bypass.
    handler = urllib.request.HTTPSHandler(context=context) if urllib.request.getproxies() else PooledHandler(context)
    urllib.request.install_opener(urllib.request.build_opener(handler))
    return context


def web_client(settings: Settings) -> WebClient:
    """A Web API client that retries on rate limits (429 Retry-After), 5xx answers and dropped connections."""
    tls_context()  # urllib's opener holds the process's one TLS context from now on
    client = WebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url or WebClient.BASE_URL)
    client.retry_handlers.extend([RateLimitErrorRetryHandler(max_retry_count=3),
                                  ServerErrorRetryHandler(max_retry_count=2),
                                  ConnectionErrorRetryHandler(max_retry_count=2)])
    return client


class SlackNotifier:
    """Job progress as Slack shows it: an hourglass on a message whose pages take a while, then a check mark (or a
    warning) and one reply in its thread."""

    WORKING, DONE, FAILED = "hourglass_flowing_sand", "white_check_mark", "warning"

    def __init__(self, client_for: Callable[[str], WebClient]) -> None:
        self.client_for = client_for  # each workspace has its own bot token under OAuth

    def working(self, team_id: str, channel_id: str, message_ts: str) -> None:
        self._react(team_id, "add", channel_id, message_ts, self.WORKING)

    def finished(self, team_id: str, channel_id: str, message_ts: str, reply: str, ok: bool,
                 hourglass: bool = True) -> None:
        if hourglass:
            self._react(team_id, "remove", channel_id, message_ts, self.WORKING)
        self._react(team_id, "add", channel_id, message_ts, self.DONE if ok else self.FAILED)
        self.client_for(team_id).chat_postMessage(channel=channel_id, thread_ts=message_ts, text=reply,
                                                  unfurl_links=False, unfurl_media=False)

    def post(self, team_id: str, channel_id: str, text: str, blocks: list[dict] | None = None) -> None:
        """A message of the bot's own in a channel (a watch's batch, a feed that keeps failing)."""
        self.client_for(team_id).chat_postMessage(channel=channel_id, text=text, blocks=blocks or None,
                                                  unfurl_links=False, unfurl_media=False)

    def _react(self, team_id: str, how: str, channel: str, ts: str, name: str) -> None:
        try:
            client = self.client_for(team_id)
            call = client.reactions_add if how == "add" else client.reactions_remove
            call(channel=channel, timestamp=ts, name=name)
        except Exception as exc:  # a missing reaction must never stop the reply
            log.warning("reactions.%s %s failed: %s", how, name, exc)


def notifier(settings: Settings, sessions: sessionmaker[Session], client: WebClient | None = None) -> SlackNotifier:
    """Posts job progress with the workspace's own token (OAuth) or the one bot token."""
    return SlackNotifier(client_for_team(settings, engine_of(sessions), client or web_client(settings)))


def make_runner(settings: Settings, sessions: sessionmaker[Session], client: WebClient) -> JobRunner:
    """Jobs go to `briefing-bot worker` on Redis when REDIS_URL is set, else to this process's own pool; its
    sweeper also posts watches."""
    slack = notifier(settings, sessions, client)
    if settings.redis_url:
        from bot.ingest.queue import queued_runner

        runner = queued_runner(sessions, settings, slack, ingest_reply)
    else:
        runner = JobRunner(sessions, settings, slack, render=ingest_reply)
    return with_watches(runner, slack)


def with_watches(runner: JobRunner, slack: SlackNotifier) -> JobRunner:
    """Each sweep posts the watches that are due, as Block Kit messages in their channels, and polls due feeds."""
    from bot.answers.watches import Post, run_round
    from bot.slack.blocks import to_blocks, to_fallback

    def post(batch: Post) -> None:
        slack.post(batch.team_id, batch.channel_id, to_fallback(batch.answer), to_blocks(batch.answer))

    runner.rounds.append(lambda: run_round(runner.sessions, runner.settings.watch_batch_minutes, post))

    from bot.answers.digests import digest_round

    runner.rounds.append(lambda: digest_round(runner.sessions, post))

    from bot.ingest.feeds import Notice, poll_round

    def tell(notice: Notice) -> None:
        slack.post(notice.team_id, notice.channel_id, notice.text)

    # Feeds followed in a channel are polled by the same sweeper; their items feed the watches.
    runner.rounds.append(lambda: poll_round(runner.sessions, runner.settings, tell))
    return runner


def build_app(settings: Settings, sessions: sessionmaker[Session], runner: JobRunner | None = None,
              client: WebClient | None = None, verify_token: bool = True) -> tuple[App, JobRunner]:
    """verify_token=False: no auth.test here, so the app is built while Slack is unreachable (bot/slack/health.py)."""
    socket_mode = bool(settings.slack_app_token)
    if oauth_enabled(settings):
        # Many workspaces: bolt finds each one's token in the installation store.
        client = client or web_client(replace(settings, slack_bot_token=None))
        app = App(client=client, signing_secret=settings.slack_signing_secret or "",
                  oauth_settings=oauth_settings(settings, engine_of(sessions)),
                  request_verification_enabled=not socket_mode, process_before_response=True)
    else:
        client = client or web_client(settings)
        # process_before_response: an event's job is recorded before Slack hears 200, so a failed
        # insert makes Slack retry instead of losing the link; commands answer in lazy listeners.
        app = App(client=client, signing_secret=settings.slack_signing_secret or "",
                  request_verification_enabled=not socket_mode, process_before_response=True,
                  token_verification_enabled=verify_token)
    runner = runner or make_runner(settings, sessions, client)
    listeners.register(app, sessions, runner, settings)

    @app.error
    def on_error(error: Exception, logger: logging.Logger) -> None:
        logger.exception("unhandled error in a listener: %s", error)

    return app, runner
