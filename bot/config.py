"""Settings, read once from the environment and .env into one object that travels explicitly."""

from __future__ import annotations

import os
from dataclasses import dataclass


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite:///briefing.db"
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str | None = None
    slack_client_id: str | None = None  # with the secret: OAuth installs in many workspaces
    slack_client_secret: str | None = None
    slack_state_secret: str | None = None
    port: int = 3000
    fetch_allow_private: bool = False
    log_level: str = "INFO"
    team_id: str = "local"  # the workspace the CLI reads and writes
    max_links: int = 5
    workers: int = 4
    fetch_timeout: float = 20.0  # seconds for a whole page; connecting gets at most 5
    fetch_retries: int = 2  # more tries for a page that timed out or answered 5xx
    retry_backoff: float = 2.0  # seconds before the first retry, doubling after
    redis_url: str | None = None  # set: ingestion jobs go through a Redis list to `briefing-bot worker`
    queue_name: str = "briefing-ingest"
    watch_batch_minutes: float = 10.0  # at most one post per watch this often (0: post at once)
    feed_interval_minutes: float = 15.0  # how often a followed feed is polled
    job_stale_after: float = 30.0  # seconds unfinished before a starting worker takes a job over
    job_timeout: float = 600.0  # seconds a worker gives one job before it stops it (a backstop: fetches have theirs)
    header_timeout: float = 10.0  # seconds a client has to send a request's headers before it is cut off
    # Seconds `serve` keeps an idle connection open for its next request: longer than the proxy or client in front
    # keeps one (nginx 60 s, AWS load balancers 60 s), or a request it sends as `serve` hangs up is reset.
    keepalive_timeout: int = 75
    hourglass_after: float = 1.0  # seconds a job runs before its message gets the hourglass reaction

    @classmethod
    def from_env(cls, load_dotenv_file: bool = True) -> Settings:
        if load_dotenv_file:
            from dotenv import load_dotenv

            load_dotenv(os.environ.get("DOTENV_PATH") or ".env", override=False)
        env = os.environ
        return cls(
            database_url=env.get("DATABASE_URL") or cls.database_url,
            slack_bot_token=env.get("SLACK_BOT_TOKEN") or None,
            slack_signing_secret=env.get("SLACK_SIGNING_SECRET") or None,
            slack_app_token=env.get("SLACK_APP_TOKEN") or None,
            slack_api_url=env.get("SLACK_API_URL") or None,
            slack_client_id=env.get("SLACK_CLIENT_ID") or None,
            slack_client_secret=env.get("SLACK_CLIENT_SECRET") or None,
            slack_state_secret=env.get("SLACK_STATE_SECRET") or None,
            port=int(env.get("PORT") or cls.port),
            fetch_allow_private=_flag(env.get("FETCH_ALLOW_PRIVATE")),
            log_level=(env.get("LOG_LEVEL") or cls.log_level).upper(),
            team_id=env.get("BRIEFING_TEAM") or cls.team_id,
            max_links=int(env.get("MAX_LINKS_PER_MESSAGE") or cls.max_links),
            workers=int(env.get("INGEST_WORKERS") or cls.workers),
            fetch_timeout=float(env.get("FETCH_TIMEOUT") or cls.fetch_timeout),
            fetch_retries=int(env.get("FETCH_RETRIES") or cls.fetch_retries),
            retry_backoff=float(env.get("RETRY_BACKOFF") or cls.retry_backoff),
            redis_url=env.get("REDIS_URL") or None,
            queue_name=env.get("QUEUE_NAME") or cls.queue_name,
            job_stale_after=float(env.get("JOB_STALE_AFTER") or cls.job_stale_after),
            job_timeout=float(env.get("JOB_TIMEOUT") or cls.job_timeout),
            watch_batch_minutes=float(env.get("WATCH_BATCH_MINUTES") or cls.watch_batch_minutes),
            feed_interval_minutes=float(env.get("FEED_INTERVAL_MINUTES") or cls.feed_interval_minutes),
            header_timeout=float(env.get("HEADER_TIMEOUT") or cls.header_timeout),
            keepalive_timeout=int(env.get("KEEPALIVE_TIMEOUT") or cls.keepalive_timeout),
            hourglass_after=float(env.get("HOURGLASS_AFTER") or cls.hourglass_after),
        )
