"""Slash commands and their buttons: /briefing, /who-said, "Show more", "which person?" and "are you sure?"."""

from __future__ import annotations

import logging

from slack_bolt import Ack, App, Respond
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot import answers
from bot.answers import Query
from bot.blocks import (
    CANCEL,
    CONFIRM,
    PICK_ACTOR,
    SHOW_MORE,
    STALE_BUTTON,
    decode_query,
    to_blocks,
    to_fallback,
)

log = logging.getLogger(__name__)
APOLOGY = "Sorry, the briefing store is unavailable right now. Please try again in a minute."


def register(app: App, sessions: sessionmaker[Session]) -> None:
    # Acks run in the request's own thread; the answers run after, in bolt's worker threads ("lazy"
    # listeners), so a queue of slow answers can never hold back an ack past Slack's 3 seconds.
    def ack_now(ack: Ack) -> None:
        ack()

    def briefing(command: dict, respond: Respond) -> None:
        respond(**reply(sessions, _where(command), Query("briefing", command.get("text") or "")))

    def who_said(command: dict, respond: Respond) -> None:
        respond(**reply(sessions, _where(command), Query("who-said", command.get("text") or "")))

    def show_more(body: dict, action: dict, respond: Respond) -> None:
        respond(**button_reply(sessions, _where(body), action, replace=False))

    def pick_actor(body: dict, action: dict, respond: Respond) -> None:
        respond(**button_reply(sessions, _where(body), action, replace=True))

    def confirm(body: dict, action: dict, respond: Respond) -> None:
        command = action.get("value") or ""
        if command.startswith("alias! "):  # buttons can be forged: this one only ever goes ahead with an alias
            respond(**reply(sessions, _where(body), Query("briefing", command)), replace_original=True)

    def cancel(respond: Respond) -> None:
        respond(text="Cancelled: nothing changed.", response_type="ephemeral", replace_original=True)

    app.command("/briefing")(ack=ack_now, lazy=[briefing])
    app.command("/who-said")(ack=ack_now, lazy=[who_said])
    app.action(SHOW_MORE)(ack=ack_now, lazy=[show_more])
    app.action(PICK_ACTOR)(ack=ack_now, lazy=[pick_actor])
    app.action(CONFIRM)(ack=ack_now, lazy=[confirm])
    app.action(CANCEL)(ack=ack_now, lazy=[cancel])


def _where(body: dict) -> tuple[str, str | None]:
    """The workspace and channel a command or button press comes from."""
    team = (body.get("team") or {}).get("id") or body.get("team_id") or "unknown"
    return team, (body.get("channel") or {}).get("id") or body.get("channel_id")


def button_reply(sessions: sessionmaker[Session], where: tuple[str, str | None], action: dict, replace: bool) -> dict:
    """The message for a button press; a forged or garbled button is told so (beside the original), not ignored."""
    query = decode_query(str(action.get("value") or ""))
    if query is None:
        return {"text": STALE_BUTTON, "response_type": "ephemeral", "replace_original": False}
    return {**reply(sessions, where, query), "replace_original": replace}


def reply(sessions: sessionmaker[Session], where: tuple[str, str | None], query: Query) -> dict:
    """The message for a query asked in (workspace, channel), or an apology when the database is away."""
    team_id, channel = where
    try:
        with sessions.begin() as session:
            answer = answers.respond(session, team_id, query, channel=channel)
    except OperationalError:
        log.exception("database unavailable")
        return {"text": APOLOGY, "response_type": "ephemeral"}
    # The fallback text is mrkdwn too: escape it like the blocks, then shorten.
    return {"text": to_fallback(answer), "blocks": to_blocks(answer), "response_type": "ephemeral"}
