"""Format answers and ingest replies for Slack (Block Kit with a text fallback) and the terminal."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date

from bot.answers import Answer, Group, Item, Query
from storage.queries import COUNT_CAP

MAX_BLOCKS = 50
MAX_SECTION = 3000
MAX_WORDS_CHARS = 600
MAX_CHOICES = 5
SHOW_MORE = "show_more"
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


def cut(text: str, limit: int = MAX_WORDS_CHARS) -> str:
    """Shorten at a word boundary, marking the cut."""
    if len(text) <= limit:
        return text
    head = text[:limit].rsplit(" ", 1)[0]
    return head.rstrip(" ,;:") + "\u2026"


def _day(d: date | None) -> str:
    return d.strftime("%a %-d %b %Y") if d else "date unknown"


def _line(item: Item, slack: bool) -> str:
    words = cut(" ".join(item.words.split()))
    if item.kind != "direct" and item.cue and item.cue[:1].isalpha():  # a transcript's ":" says nothing more
        words = f"_{item.cue}_ {words}" if slack else f"({item.cue}) {words}"
    where = f", {item.place}" if item.place else ""
    if item.also_in:
        where += f" \u00b7 also in {item.also_in} other source{'s' if item.also_in > 1 else ''}"
    title = item.source_title or item.source_site or item.source_url
    if slack:
        source = f"<{escape(item.source_url)}|{escape(cut(title, 80))}>" if item.source_url.startswith("http") \
            else escape(title)
        return f"\u2022 {escape(words)}  \u2014 {_day(item.said_on)}{escape(where)} \u00b7 {source}"
    return f"  - {words}\n    {_day(item.said_on)}{where} \u00b7 {title} <{item.source_url}>"


def _speaker(group: Group, slack: bool) -> str:
    name = escape(group.speaker) if slack else group.speaker
    role = f", {escape(group.role) if slack else group.role}" if group.role else ""
    return f"*{name}*{role}" if slack else f"{name}{role}"


def _summary(answer: Answer) -> str:
    shown = sum(len(g.items) for g in answer.groups)
    more = f"; {answer.more_text} more" if answer.more else ""
    return f"{plural(shown, 'statement')} from {plural(len(answer.groups), 'speaker')}, newest first{more}"


def to_text(answer: Answer) -> str:
    """The answer as plain text: the CLI's output and Slack's notification fallback."""
    lines = [answer.heading]
    if answer.message:
        lines.append(answer.message)
        lines += [f"  - {name}" for name, _ in answer.choices]
        if answer.confirm:
            lines.append(f"To go ahead, repeat the command as: {answer.confirm}")
        return "\n".join(lines)
    lines.append(_summary(answer))
    for g in answer.groups:
        lines.append("")
        lines.append(_speaker(g, slack=False))
        lines += [_line(i, slack=False) for i in g.items]
    if answer.more:
        lines.append(f"\n{answer.more_text} more statements not shown.")
    return "\n".join(lines)


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
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": escape(_summary(answer))}]})
    hidden = 0
    for g in answer.groups:
        for text in _group_sections(g):
            if len(blocks) >= MAX_BLOCKS - 2:
                hidden += text.count("\n\u2022 ") + 1
                continue
            blocks.append(_section(text))
    if answer.more or hidden:
        more = f"{hidden + answer.more:,}" if answer.total <= answer.shown + COUNT_CAP else answer.more_text
        blocks.append({"type": "context", "elements": [
            {"type": "mrkdwn", "text": f"{more} more statements not shown."}]})
    if answer.next is not None and len(blocks) < MAX_BLOCKS:
        blocks.append({"type": "actions", "elements": [_button("Show more", SHOW_MORE, answer.next)]})
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
    # Split a speaker's lines across sections so none passes 3,000 characters.
    out: list[str] = []
    current = _speaker(g, slack=True)
    for item in g.items:
        line = _line(item, slack=True)
        if len(current) + 1 + len(line) > MAX_SECTION:
            out.append(current)
            current = _speaker(g, slack=True) + " (cont.)"
        current += "\n" + line
    out.append(current)
    return out


def _section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:MAX_SECTION]}}


def plural(n: int, noun: str) -> str:
    """'1 statement', '2 statements', '1,200 statements'."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def ingest_reply(results: list, skipped: int = 0) -> str:  # list[IngestResult]
    """The one thread reply for a message's links: what was stored, or why not."""
    lines = []
    for r in results:
        # Titles, names and reasons come from the page or its server: shown as written, never as formatting.
        title = inert(cut(r.title, 100)) if r.title else escape(cut(r.url, 100))
        who = ", ".join(inert(s) for s in r.speakers[:6]) + (" and others" if len(r.speakers) > 6 else "")
        if r.status == "stored":
            lines.append(f"Stored {plural(r.statements, 'statement')} from {who or 'unnamed sources'}: {title}"
                         if r.statements else f"Stored {title}, but found no attributed statements in it.")
        elif r.status == "duplicate":
            lines.append(f"Already stored ({plural(r.statements, 'statement')} from {who or 'unnamed sources'}): "
                         f"{title}")
        else:
            lines.append(f"Could not read {escape(cut(r.url, 200))}: {inert(r.reason or 'unknown error')}")
    if skipped:
        lines.append(f"Skipped {plural(skipped, 'more link')}: at most {len(results)} are read from one message.")
    return "\n".join(lines)
