"""Slash commands and their buttons: /briefing, /who-said, "Show more" and "which person?"."""

from __future__ import annotations

import logging

from slack_bolt import Ack, App, Respond
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot import answers
from bot.answers import Query
from bot.blocks import PICK_ACTOR, SHOW_MORE, cut, decode_query, escape, to_blocks, to_text

log = logging.getLogger(__name__)
APOLOGY = "Sorry, the briefing store is unavailable right now. Please try again in a minute."


def register(app: App, sessions: sessionmaker[Session]) -> None:
    @app.command("/briefing")
    def on_briefing(ack: Ack, command: dict, respond: Respond) -> None:
        ack()  # within Slack's 3 seconds, whatever the database holds
        respond(**reply(sessions, command.get("team_id") or "unknown", Query("briefing", command.get("text") or "")))

    @app.command("/who-said")
    def on_who_said(ack: Ack, command: dict, respond: Respond) -> None:
        ack()
        respond(**reply(sessions, command.get("team_id") or "unknown", Query("who-said", command.get("text") or "")))

    @app.action(SHOW_MORE)
    def on_show_more(ack: Ack, body: dict, action: dict, respond: Respond) -> None:
        ack()
        query = decode_query(action.get("value") or "")
        if query is not None:
            respond(**reply(sessions, _team(body), query), replace_original=False)

    @app.action(PICK_ACTOR)
    def on_pick_actor(ack: Ack, body: dict, action: dict, respond: Respond) -> None:
        ack()
        query = decode_query(action.get("value") or "")
        if query is not None:
            respond(**reply(sessions, _team(body), query), replace_original=True)


def _team(body: dict) -> str:
    return (body.get("team") or {}).get("id") or body.get("team_id") or "unknown"


def reply(sessions: sessionmaker[Session], team_id: str, query: Query) -> dict:
    """The message for a query, or an apology when the database cannot be reached."""
    try:
        with sessions.begin() as session:
            answer = None
            if query.kind == "briefing" and query.offset == 0 and query.actor_id is None:
                answer = answers.manage_aliases(session, team_id, query.text)
            answer = answer or answers.answer(session, team_id, query)
    except OperationalError:
        log.exception("database unavailable")
        return {"text": APOLOGY, "response_type": "ephemeral"}
    # The fallback text is mrkdwn too: escape it like the blocks, then shorten.
    return {"text": cut(escape(to_text(answer)), 3000), "blocks": to_blocks(answer), "response_type": "ephemeral"}
