"""Slash commands: /briefing and /who-said, answered through response_url after the ack."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import Ack, App, Respond
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot import answers
from bot.blocks import cut, escape, to_blocks, to_text

log = logging.getLogger(__name__)
APOLOGY = "Sorry, the briefing store is unavailable right now. Please try again in a minute."


def register(app: App, sessions: sessionmaker[Session]) -> None:
    def handler(fn: Callable) -> Callable:
        def on_command(ack: Ack, command: dict, respond: Respond) -> None:
            ack()  # within Slack's 3 seconds, whatever the database holds
            respond(**_reply(sessions, fn, command))

        return on_command

    app.command("/briefing")(handler(answers.briefing))
    app.command("/who-said")(handler(answers.who_said))


def _reply(sessions: sessionmaker[Session], fn: Callable, command: dict) -> dict:
    try:
        with sessions() as session:
            answer = fn(session, command.get("team_id") or "unknown", command.get("text") or "")
    except OperationalError:
        log.exception("database unavailable")
        return {"text": APOLOGY, "response_type": "ephemeral"}
    # The fallback text is mrkdwn too: escape it like the blocks, then shorten.
    return {"text": cut(escape(to_text(answer)), 3000), "blocks": to_blocks(answer), "response_type": "ephemeral"}
