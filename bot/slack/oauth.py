"""Installs in many workspaces: Slack's OAuth flow, with installations and states in our database."""

from __future__ import annotations

import hashlib
import hmac

from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine

from bot.config import Settings

BOT_SCOPES = ["channels:history", "groups:history", "chat:write", "reactions:write", "commands", "files:write",
              "im:write"]
STATE_SECONDS = 600


class SignedStateStore(SQLAlchemyOAuthStateStore):
    """States kept in the database (single use, ten minutes) and signed with SLACK_STATE_SECRET."""

    def __init__(self, secret: str, engine: Engine) -> None:
        super().__init__(expiration_seconds=STATE_SECONDS, engine=engine)
        self.secret = secret.encode()

    def _sign(self, state: str) -> str:
        return hmac.new(self.secret, state.encode(), hashlib.sha256).hexdigest()[:32]

    def issue(self, *args, **kwargs) -> str:  # noqa: ANN002, ANN003
        state = super().issue(*args, **kwargs)
        return f"{state}.{self._sign(state)}"

    def consume(self, state: str) -> bool:
        raw, _, sig = state.rpartition(".")
        if not raw or not hmac.compare_digest(sig, self._sign(raw)):
            return False
        return super().consume(raw)


def oauth_enabled(settings: Settings) -> bool:
    return bool(settings.slack_client_id and settings.slack_client_secret)


def installation_store(settings: Settings, engine: Engine) -> SQLAlchemyInstallationStore:
    return SQLAlchemyInstallationStore(client_id=settings.slack_client_id or "", engine=engine)


def oauth_settings(settings: Settings, engine: Engine) -> OAuthSettings:
    """/slack/install and /slack/oauth_redirect, storing each workspace's bot token."""
    return OAuthSettings(
        client_id=settings.slack_client_id, client_secret=settings.slack_client_secret, scopes=BOT_SCOPES,
        installation_store=installation_store(settings, engine),
        state_store=SignedStateStore(settings.slack_state_secret or settings.slack_client_secret or "", engine),
        install_path="/slack/install", redirect_uri_path="/slack/oauth_redirect",
    )


def client_for_team(settings: Settings, engine: Engine, base: WebClient):  # noqa: ANN201
    """A function giving the Web API client that speaks for one workspace."""
    if not oauth_enabled(settings):
        return lambda team_id: base
    store = installation_store(settings, engine)

    def client(team_id: str) -> WebClient:
        bot = store.find_bot(enterprise_id=None, team_id=team_id)
        if bot is None:
            raise LookupError(f"the app is not installed in workspace {team_id}")
        return WebClient(token=bot.bot_token, base_url=base.base_url, retry_handlers=base.retry_handlers)

    return client
