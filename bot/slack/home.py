"""The App Home tab: what the person set up (watches, feeds, digests) with buttons to stop them, and the latest
statements they may see."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.answers import answers
from bot.slack.blocks import escape, to_blocks
from storage import queries
from storage.models import Digest, Feed, Watch
from storage.queries import Leased

STOP_WATCH, STOP_FEED, STOP_DIGEST = "home_stop_watch", "home_stop_feed", "home_stop_digest"
LATEST = 10
MAX_ROWS = 15  # of each kind: a Home view holds at most 100 blocks


def home_view(session: Session, team_id: str, user_id: str) -> dict:
    """The Home tab as a Block Kit view. Latest statements: public ones only, since the tab is not a channel."""
    blocks: list[dict] = [_header("Your watches, feeds and digests")]
    rows = [(f"Watch {w.id} in <#{w.channel_id}>: `/{w.kind} {escape(w.query)}`", STOP_WATCH, w.id)
            for w in queries.channel_rows(session, Watch, team_id) if w.created_by == user_id][:MAX_ROWS]
    rows += [(f"Feed {f.id} in <#{f.channel_id}>: {escape(f.url)}", STOP_FEED, f.id)
             for f in queries.channel_rows(session, Feed, team_id) if f.created_by == user_id][:MAX_ROWS]
    rows += [(f"Digest {d.id} in <#{d.channel_id}>: {escape(d.query)}, {d.period} at {d.hour:02d}:{d.minute:02d} UTC",
              STOP_DIGEST, d.id)
             for d in queries.channel_rows(session, Digest, team_id) if d.created_by == user_id][:MAX_ROWS]
    if not rows:
        blocks.append(_text("None yet. In a channel: `/briefing watch dprk`, `/briefing follow FEED_URL` or "
                            "`/briefing digest dprk daily 08:00`."))
    for text, action, item_id in rows:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text},
                       "accessory": {"type": "button", "text": {"type": "plain_text", "text": "Stop"},
                                     "action_id": action, "value": str(item_id), "style": "danger"}})
    blocks.append({"type": "divider"})
    blocks.append(_header("Latest statements (public channels)"))
    blocks += to_blocks(answers.latest(session, team_id, limit=LATEST))[1:]  # the header above is its heading
    return {"type": "home", "blocks": blocks[:100]}


def stop(session: Session, team_id: str, user_id: str, action_id: str, value: str) -> bool:
    """Stop a watch, feed or digest from the Home tab; only the person who set it up may (buttons can be forged)."""
    if not value.isdigit() or int(value) > answers.MAX_ID:
        return False
    if action_id == STOP_WATCH:
        return _stop_mine(session, Watch, team_id, user_id, int(value))
    if action_id == STOP_FEED:
        return _stop_mine(session, Feed, team_id, user_id, int(value))
    if action_id == STOP_DIGEST:
        return _stop_mine(session, Digest, team_id, user_id, int(value))
    return False


def _stop_mine(session: Session, model: type[Leased], team_id: str, user_id: str, row_id: int) -> bool:
    mine = [row for row in queries.channel_rows(session, model, team_id)
            if row.id == row_id and row.created_by == user_id]
    return bool(mine) and queries.remove_channel_row(session, model, team_id, mine[0].channel_id, row_id)


def _header(text: str) -> dict:
    return {"type": "header", "text": {"type": "plain_text", "text": text[:150]}}


def _text(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}
