"""Wire Slack events and commands to small callbacks."""

from __future__ import annotations

from slack_bolt import App
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.ingest.jobs import JobRunner
from bot.slack.listeners import commands, events


def register(app: App, sessions: sessionmaker[Session], runner: JobRunner, settings: Settings) -> None:
    events.register(app, runner, settings, sessions)
    commands.register(app, sessions)
