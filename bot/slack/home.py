"""The App Home tab: what the person set up (watches, feeds, digests) with buttons to stop them, and the latest
statements they may see."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.answers import answers
from bot.slack.blocks import escape, to_blocks
from storage import queries
from storage.models import Digest, Feed, Watch

STOP_WATCH, STOP_FEED, STOP_DIGEST = "home_stop_watch", "home_stop_feed", "home_stop_digest"
LATEST = 10
MAX_ROWS = 15  # of each kind: a Home view holds at most 100 blocks


def home_view(session: Session, team_id: str, user_id: str) -> dict:
    """The Home tab as a Block Kit view. Latest statements: public ones only, since the tab is not a channel."""
    blocks: list[dict] = [_header("Your watches, feeds and digests")]
    rows = [(f"Watch {w.id} in <#{w.channel_id}>: `/{w.kind} {escape(w.query)}`", STOP_WATCH, w.id)
            for w in queries.list_watches(session, team_id) if w.created_by == user_id][:MAX_ROWS]
    rows += [(f"Feed {f.id} in <#{f.channel_id}>: {escape(f.url)}", STOP_FEED, f.id)
             for f in queries.list_feeds(session, team_id) if f.created_by == user_id][:MAX_ROWS]
    rows += [(f"Digest {d.id} in <#{d.channel_id}>: {escape(d.query)}, {d.period} at {d.hour:02d}:{d.minute:02d} UTC",
              STOP_DIGEST, d.id) for d in queries.list_digests(session, team_id) if d.created_by == user_id][:MAX_ROWS]
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
    rows: list[Watch | Feed | Digest] = []
    if action_id == STOP_WATCH:
        rows += queries.list_watches(session, team_id)
    elif action_id == STOP_FEED:
        rows += queries.list_feeds(session, team_id)
    elif action_id == STOP_DIGEST:
        rows += queries.list_digests(session, team_id)
    mine = [row for row in rows if row.id == int(value) and row.created_by == user_id]
    if not mine:
        return False
    remove = {STOP_WATCH: queries.remove_watch, STOP_FEED: queries.remove_feed, STOP_DIGEST: queries.remove_digest}
    return remove[action_id](session, team_id, mine[0].channel_id, mine[0].id)


def _header(text: str) -> dict:
    return {"type": "header", "text": {"type": "plain_text", "text": text[:150]}}


def _text(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}
