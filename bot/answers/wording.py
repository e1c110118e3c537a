"""How an answer reads, whatever the medium: the words of a statement, its date, and its source once per article.

The renderers (bot/slack/blocks.py for Slack, bot/answers/terminal.py for the terminal) decide only markup and
escaping."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from bot.answers.answers import Answer, Item

MAX_WORDS_CHARS = 600
OPENING_QUOTES = "\"\u201c\u2018'\u00ab"


def cut(text: str, limit: int = MAX_WORDS_CHARS) -> str:
    """Shorten at a word boundary, marking the cut."""
    if len(text) <= limit:
        return text
    head = text[:limit].rsplit(" ", 1)[0]
    return head.rstrip(" ,;:") + "\u2026"


def plural(n: int, noun: str) -> str:
    """'1 statement', '2 statements', '1,200 statements'."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def day(d: date | None, precision: str = "day") -> str:
    """As precise as the article: 'Wed 23 Oct 2024', 'week of 19 Feb 2024', 'Oct 2024', '2024'."""
    if d is None:
        return "date unknown"
    if precision == "week":
        return f"week of {d.strftime('%-d %b %Y')}"
    if precision == "month":
        return d.strftime("%b %Y")
    if precision == "year":
        return str(d.year)
    return d.strftime("%a %-d %b %Y")


def words(item: Item) -> str:
    """A direct quote in quotation marks; reported speech as a clause that keeps its verb ('said the talks
    had failed'). A transcript's ':' adds nothing."""
    text = cut(" ".join(item.words.split()))
    if item.kind == "direct":
        if text[:1] not in OPENING_QUOTES:
            text = f"\u201c{text}\u201d"
        for comma in (",\u201d", ',"'):  # '"We are ready,"' is the start of a sentence: end it
            if text.endswith(comma):
                text = text[:-2] + "." + text[-1]
        return text
    if item.cue and item.cue[:1].isalpha():
        return f"{item.cue} {text}"
    return text


def when_where(item: Item) -> str:
    """'Wed 23 Oct 2024, Rome · also in 2 other sources'."""
    out = day(item.said_on, item.said_precision) + (f", {item.place}" if item.place else "")
    if item.also_in:
        out += f" \u00b7 also in {plural(item.also_in, 'other source')}"
    if item.speaker_unsure:
        out += " \u00b7 speaker uncertain"
    if item.reading_unsure:
        out += " \u00b7 may not be a statement"
    if item.disputed:
        out += f" \u00b7 the article disputes it: \u201c{cut(item.disputed, 80)}\u201d"
    return out


def outlet(item: Item) -> str:
    """The outlet's name: the page's site name, else its host."""
    if item.source_site:
        return item.source_site
    host = urlsplit(item.source_url).hostname or ""
    return host.removeprefix("www.") or "local file"


@dataclass
class Run:
    """Consecutive statements of one speaker from one article: the article's source is shown once after them."""

    items: list[Item]

    @property
    def first(self) -> Item:
        return self.items[0]


def runs(items: list[Item]) -> Iterator[Run]:
    current: list[Item] = []
    for item in items:
        if current and item.source_url != current[0].source_url:
            yield Run(current)
            current = []
        current.append(item)
    if current:
        yield Run(current)


def summary(answer: Answer) -> str:
    shown = sum(len(g.items) for g in answer.groups)
    more = f"; {answer.more_text} more" if answer.more else ""
    return f"{plural(shown, 'statement')} from {plural(len(answer.groups), 'speaker')}, newest first{more}"



def ingest_lines(results: list, skipped: int = 0, page_text: Callable[[str], str] = str,
                 link: Callable[[str], str] = str) -> list[str]:  # list[IngestResult]
    """One line a link: what was stored, or why not. The medium says how text from a page (titles, names,
    reasons) and links are made safe to show; the terminal shows them as they are."""
    lines = []
    for r in results:
        title = page_text(cut(r.title, 100)) if r.title else link(cut(r.url, 100))
        who = ", ".join(page_text(s) for s in r.speakers[:6]) + (" and others" if len(r.speakers) > 6 else "")
        if r.status == "stored":
            lines.append(f"Stored {plural(r.statements, 'statement')} from {who or 'unnamed sources'}: {title}"
                         if r.statements else f"Stored {title}, but found no attributed statements in it.")
        elif r.status == "duplicate":
            lines.append(f"Already stored ({plural(r.statements, 'statement')} from {who or 'unnamed sources'}): "
                         f"{title}")
        else:
            lines.append(f"Could not read {link(cut(r.url, 200))}: {page_text(r.reason or 'unknown error')}")
    if skipped:
        lines.append(f"Skipped {plural(skipped, 'more link')}: at most {len(results)} are read from one message.")
    return lines
