"""Answers and ingest replies as Slack shows them: Block Kit with an escaped text fallback."""

from __future__ import annotations

import json
from dataclasses import asdict, replace

from bot.answers.answers import Answer, Group, Query
from bot.answers.wording import Run, cut, ingest_lines, outlet, runs, summary, when_where, words
from storage.queries import COUNT_CAP

MAX_BLOCKS = 50
MAX_SECTION = 3000
MAX_CHOICES = 5
SHOW_MORE = "show_more"
EXPORT_CSV = "export_csv"  # the whole result as a CSV file, sent to the asker in a direct message
PICK_ACTOR = "pick_actor"
CONFIRM = "confirm"  # "Yes, redefine": the button's value is the command that goes ahead (`alias! ...`)
CANCEL = "cancel"
MAX_OFFSET = 100_000
MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL
STALE_BUTTON = "That button is out of date or malformed. Ask again with `/briefing` or `/who-said`."
INERT = str.maketrans({c: f"\u2060{c}\u2060" for c in "*_~`"})


def escape(text: str) -> str:
    """Make article text inert in Slack: no <!channel>, <@U123> or hidden links can survive."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def inert(text: str) -> str:
    """Escape text and keep Slack from pairing its *, _, ~ and ` into bold, italics, strikes or code.

    A word joiner (invisible, U+2060) on each side of such a character means no pair of them can
    open or close formatting, since Slack wants a space or punctuation there; the text reads the same."""
    return escape(text).translate(INERT)


def to_fallback(answer: Answer) -> str:
    """Slack's notification text for an answer: the heading, the summary and who is quoted, escaped."""
    lines = [answer.heading, answer.message or summary(answer)]
    lines += [f"\u2022 {g.speaker}" + (f", {g.role}" if g.role else "") for g in answer.groups]
    return cut(escape("\n".join(lines)), 3000)


def _speaker(group: Group) -> str:
    return f"*{inert(group.speaker)}*" + (f", {inert(group.role)}" if group.role else "")


def _run_lines(run: Run) -> list[str]:
    """Each statement of the run, then its article's outlet, title and link once."""
    lines = [f"\u2022 {escape(words(i))}  \u2014 {escape(when_where(i))}" for i in run.items]
    item = run.first
    title = inert(cut(item.source_title or item.source_url, 80))
    link = f"<{escape(item.source_url)}|{title}>" if item.source_url.startswith("http") else title
    lines.append(f"      _{inert(outlet(item))}_ \u00b7 {link}")
    return lines


def to_blocks(answer: Answer) -> list[dict]:
    """Block Kit within Slack's limits: at most 50 blocks and 3,000 characters a section."""
    blocks: list[dict] = [_section(f"*{escape(answer.heading)}*")]
    if answer.message:
        blocks.append(_section(escape(answer.message)))
        if answer.choices:
            blocks.append({"type": "actions", "elements": [
                _button(name, PICK_ACTOR, query) for name, query in answer.choices[:MAX_CHOICES]]})
        if answer.confirm:
            blocks.append({"type": "actions", "elements": [
                {**_button("Yes, redefine", CONFIRM, None), "value": answer.confirm[:2000], "style": "danger"},
                {**_button("Cancel", CANCEL, None), "value": "cancel"}]})
        return blocks
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": escape(summary(answer))}]})
    hidden = 0
    for g in answer.groups:
        for text in _group_sections(g):
            if len(blocks) >= MAX_BLOCKS - 2:
                hidden += text.count("\n\u2022 ")  # one bullet a statement
                continue
            blocks.append(_section(text))
    if answer.more or hidden:
        more = f"{hidden + answer.more:,}" if answer.total <= answer.shown + COUNT_CAP else answer.more_text
        blocks.append({"type": "context", "elements": [
            {"type": "mrkdwn", "text": f"{more} more statements not shown."}]})
    buttons = [_button("Show more", SHOW_MORE, answer.next)] if answer.next is not None else []
    if answer.asked is not None:
        buttons.append(_button("Export CSV", EXPORT_CSV, replace(answer.asked, offset=0)))
    if buttons and len(blocks) < MAX_BLOCKS:
        blocks.append({"type": "actions", "elements": buttons})
    return blocks


def _button(label: str, action_id: str, query: Query | None) -> dict:
    return {"type": "button", "text": {"type": "plain_text", "text": cut(label, 70)}, "action_id": action_id,
            "value": encode_query(query) if query else ""}


def encode_query(query: Query) -> str:
    return json.dumps(asdict(query), separators=(",", ":"))[:2000]


def decode_query(value: str) -> Query | None:
    """A button's query back; None for anything that is not one (buttons can be forged)."""
    try:
        data = json.loads(value)
        q = Query(kind=str(data["kind"]), text=str(data["text"])[:200], offset=max(0, int(data.get("offset", 0))),
                  actor_id=int(data["actor_id"]) if data.get("actor_id") is not None else None)
    except (ValueError, TypeError, KeyError, OverflowError, AttributeError):
        return None
    # Numbers the database cannot take would fail the query, and no button of ours goes that far.
    if q.kind not in {"briefing", "who-said"} or q.offset > MAX_OFFSET or not 0 <= (q.actor_id or 0) <= MAX_ID:
        return None
    return q


def _group_sections(g: Group) -> list[str]:
    # Split a speaker's lines across sections so none passes 3,000 characters; an article's run stays whole.
    out: list[str] = []
    current = _speaker(g)
    for run in runs(g.items):
        chunk = "\n".join(_run_lines(run))[:MAX_SECTION - 200]
        if len(current) + 1 + len(chunk) > MAX_SECTION:
            out.append(current)
            current = _speaker(g) + " (cont.)"
        current += "\n" + chunk
    out.append(current)
    return out


def _section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:MAX_SECTION]}}


def ingest_reply(results: list, skipped: int = 0) -> str:  # list[IngestResult]
    """The one thread reply for a message's links: what was stored, or why not. Titles, names and reasons come
    from the page or its server: shown as written, never as formatting."""
    return "\n".join(ingest_lines(results, skipped, page_text=inert, link=escape))
