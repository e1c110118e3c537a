"""Message events: links posted in a channel become ingestion jobs; deleted messages and uninstalls forget."""

from __future__ import annotations

import logging
import re

from slack_bolt import Ack, App
from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.ingest.jobs import JobRunner
from bot.ingest.links import find_links
from bot.slack.home import STOP_DIGEST, STOP_FEED, STOP_WATCH, home_view, stop
from storage import queries

log = logging.getLogger(__name__)
# Plain user posts only: edits, deletions, unfurls and bot posts carry a subtype or a bot_id.
ACCEPTED_SUBTYPES = {None, "thread_broadcast", "file_share"}
PRIVATE_TYPES = {"group", "im", "mpim"}  # private channels and DMs: their articles stay there


def is_user_post(event: dict) -> bool:
    return event.get("subtype") in ACCEPTED_SUBTYPES and not event.get("bot_id") and bool(event.get("user"))


def is_deletion(event: dict) -> bool:
    return event.get("subtype") == "message_deleted"


def _team(body: dict, context: dict, event: dict) -> str:
    return body.get("team_id") or context.get("team_id") or event.get("team") or "unknown"


def register(app: App, runner: JobRunner, settings: Settings, sessions: sessionmaker[Session],
             on_uninstall: list | None = None) -> None:
    @app.event("message", matchers=[is_user_post])
    def on_message(event: dict, body: dict, context: dict) -> None:
        links = find_links(event.get("text"))
        if not links:
            return
        private = event.get("channel_type") in PRIVATE_TYPES
        runner.enqueue(_team(body, context, event), event["channel"], event["ts"], event.get("user"),
                       links[: settings.max_links], max(0, len(links) - settings.max_links), private)

    @app.event("message", matchers=[is_deletion])
    def on_deleted(event: dict, body: dict, context: dict) -> None:
        """What only the deleted message brought in is deleted with it."""
        ts = event.get("deleted_ts") or (event.get("previous_message") or {}).get("ts")
        if not ts or not event.get("channel"):
            return
        with sessions.begin() as session:
            gone = queries.forget_message(session, _team(body, context, event), event["channel"], ts)
        log.info("message %s/%s deleted: %d articles forgotten", event["channel"], ts, gone)

    def uninstalled(body: dict, context: dict, event: dict) -> None:
        team = _team(body, context, event)
        forget_workspace(sessions, team)
        if app.installation_store is not None:  # many workspaces: its token goes too
            app.installation_store.delete_all(enterprise_id=body.get("enterprise_id"), team_id=team)

    @app.event("app_uninstalled")
    def on_uninstalled(body: dict, context: dict, event: dict) -> None:
        uninstalled(body, context, event)

    @app.event("tokens_revoked")
    def on_tokens_revoked(body: dict, context: dict, event: dict) -> None:
        # Without its bot token the app is gone from the workspace; a user token alone is none of ours.
        if (event.get("tokens") or {}).get("bot"):
            uninstalled(body, context, event)

    @app.event("app_home_opened")
    def on_home(event: dict, body: dict, context: dict, client: WebClient) -> None:
        publish_home(sessions, client, _team(body, context, event), event.get("user") or "")

    for action in (STOP_WATCH, STOP_FEED, STOP_DIGEST):
        @app.action(action)
        def on_stop(ack: Ack, body: dict, action: dict, client: WebClient) -> None:
            ack()
            team, user = (body.get("team") or {}).get("id") or "", (body.get("user") or {}).get("id") or ""
            with sessions.begin() as session:
                stop(session, team, user, action.get("action_id") or "", str(action.get("value") or ""))
            publish_home(sessions, client, team, user)

    @app.event(re.compile(".*"))
    def ignore_other_events() -> None:
        """Every other event (edits, unfurls, unknown types) is acknowledged and ignored."""


def publish_home(sessions: sessionmaker[Session], client: WebClient, team_id: str, user_id: str) -> None:
    if not user_id:
        return
    with sessions() as session:
        view = home_view(session, team_id, user_id)
    client.views_publish(user_id=user_id, view=view)


def forget_workspace(sessions: sessionmaker[Session], team_id: str) -> None:
    """Delete everything a workspace stored, its installation included."""
    with sessions.begin() as session:
        queries.forget_workspace(session, team_id)
    log.info("workspace %s uninstalled: its data is deleted", team_id)
