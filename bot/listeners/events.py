"""Message events: links posted in a channel become ingestion jobs."""

from __future__ import annotations

import re

from slack_bolt import App

from bot.config import Settings
from bot.jobs import JobRunner
from bot.links import find_links

# Plain user posts only: edits, deletions, unfurls and bot posts carry a subtype or a bot_id.
ACCEPTED_SUBTYPES = {None, "thread_broadcast", "file_share"}
PRIVATE_TYPES = {"group", "im", "mpim"}  # private channels and DMs: their articles stay there


def is_user_post(event: dict) -> bool:
    return event.get("subtype") in ACCEPTED_SUBTYPES and not event.get("bot_id") and bool(event.get("user"))


def register(app: App, runner: JobRunner, settings: Settings) -> None:
    @app.event("message", matchers=[is_user_post])
    def on_message(event: dict, body: dict, context: dict) -> None:
        links = find_links(event.get("text"))
        if not links:
            return
        team = body.get("team_id") or context.get("team_id") or event.get("team") or "unknown"
        private = event.get("channel_type") in PRIVATE_TYPES
        runner.enqueue(team, event["channel"], event["ts"], event.get("user"), links[: settings.max_links],
                       max(0, len(links) - settings.max_links), private)

    @app.event(re.compile(".*"))
    def ignore_other_events() -> None:
        """Every other event (edits, unfurls, unknown types) is acknowledged and ignored."""
