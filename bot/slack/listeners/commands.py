"""Slash commands and their buttons: /briefing, /who-said, "Show more", "which person?" and "are you sure?"."""

from __future__ import annotations

import logging
import re

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot.answers import answers
from bot.answers.answers import Query
from bot.answers.export import to_csv
from bot.answers.wording import plural, summary
from bot.slack.blocks import (
    CANCEL,
    CONFIRM,
    EXPORT_CSV,
    PICK_ACTOR,
    SHOW_MORE,
    STALE_BUTTON,
    decode_query,
    to_blocks,
    to_fallback,
)

log = logging.getLogger(__name__)
WORDS = re.compile(r"\w+")
APOLOGY = "Sorry, the briefing store is unavailable right now. Please try again in a minute."


def register(app: App, sessions: sessionmaker[Session]) -> None:
    # Acks run in the request's own thread; the answers run after, in bolt's worker threads ("lazy"
    # listeners), so a queue of slow answers can never hold back an ack past Slack's 3 seconds.
    def ack_now(ack: Ack) -> None:
        ack()

    def briefing(command: dict, respond: Respond) -> None:
        respond(**reply(sessions, _where(command), Query("briefing", command.get("text") or ""),
                        command.get("user_id"), _private(command)))

    def who_said(command: dict, respond: Respond) -> None:
        respond(**reply(sessions, _where(command), Query("who-said", command.get("text") or ""),
                        command.get("user_id")))

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

    def export_csv(body: dict, action: dict, client: WebClient, respond: Respond) -> None:
        respond(text=send_csv(sessions, _where(body), action, (body.get("user") or {}).get("id"), client),
                response_type="ephemeral", replace_original=False)

    app.command("/briefing")(ack=ack_now, lazy=[briefing])
    app.command("/who-said")(ack=ack_now, lazy=[who_said])
    app.action(SHOW_MORE)(ack=ack_now, lazy=[show_more])
    app.action(PICK_ACTOR)(ack=ack_now, lazy=[pick_actor])
    app.action(CONFIRM)(ack=ack_now, lazy=[confirm])
    app.action(CANCEL)(ack=ack_now, lazy=[cancel])
    app.action(EXPORT_CSV)(ack=ack_now, lazy=[export_csv])


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


EXPORT_LIMIT = 1000


def send_csv(sessions: sessionmaker[Session], where: tuple[str, str | None], action: dict, user: str | None,
             client: WebClient) -> str:
    """Send the whole result (up to 1,000 statements) as a CSV file in a direct message to whoever asked."""
    query = decode_query(str(action.get("value") or ""))
    if query is None or not user:
        return STALE_BUTTON
    team_id, channel = where
    try:
        with sessions.begin() as session:
            answer = answers.answer(session, team_id, query, channel=channel, limit=EXPORT_LIMIT)
    except OperationalError:
        log.exception("database unavailable")
        return APOLOGY
    if not answer.groups:
        return "Nothing to export: that query finds no statements now."
    name = "-".join(WORDS.findall(query.text.lower()))[:60] or "statements"
    try:
        dm = client.conversations_open(users=user)["channel"]["id"]
        client.files_upload_v2(channel=dm, content=to_csv(answer), filename=f"{query.kind}-{name}.csv",
                               title=answer.heading, initial_comment=f"{answer.heading}: {summary(answer)}")
    except SlackApiError as exc:
        log.error("CSV export to %s failed: %s", user, exc.response.get("error"))
        return f"Sorry, the CSV could not be sent ({exc.response.get('error')})."
    return f"Sent you the CSV of {plural(answer.shown, 'statement')} in a direct message."


def _private(command: dict) -> bool:
    """A private channel or a DM: Slack names them so in a command's payload (and their ids start G or D)."""
    return (command.get("channel_name") in {"privategroup", "directmessage", "mpdm"}
            or str(command.get("channel_id") or "")[:1] in {"G", "D"})


def reply(sessions: sessionmaker[Session], where: tuple[str, str | None], query: Query,
          user: str | None = None, private: bool = False) -> dict:
    """The message for a query asked in (workspace, channel), or an apology when the database is away."""
    team_id, channel = where
    try:
        with sessions.begin() as session:
            answer = answers.respond(session, team_id, query, channel=channel, user=user, private=private)
    except OperationalError:
        log.exception("database unavailable")
        return {"text": APOLOGY, "response_type": "ephemeral"}
    # The fallback text is mrkdwn too: escape it like the blocks, then shorten.
    return {"text": to_fallback(answer), "blocks": to_blocks(answer), "response_type": "ephemeral"}
