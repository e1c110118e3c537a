"""Read a fetched page: the article's text and metadata, or a clear reason it is not an article."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from bot.errors import Unreadable

MIN_TEXT_CHARS = 150  # a news brief of three or four short paragraphs is an article
MIN_PROSE_WORDS = 30  # words in sentence-like lines: index pages are many short headlines
SENTENCE_END = (".", "!", "?", "\u201d", '"', "\u2019", "'", ")")


class NotArticle(Unreadable):
    """The page holds no readable article."""


@dataclass
class Page:
    text: str
    title: str | None = None
    site: str | None = None
    author: str | None = None
    published: date | None = None
    canonical_url: str | None = None


def read_html(content: bytes | str, url: str, encoding: str | None = None) -> Page:
    """Extract the main text and metadata of a news page with trafilatura."""
    import trafilatura

    html = _decode(content, encoding).replace("\x00", "")  # PostgreSQL text cannot hold NUL
    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                      include_tables=False)
    if doc is None or isinstance(doc, dict):
        raise NotArticle("too_short", "no article text found on the page")
    text = doc.text or ""
    if len(text) < MIN_TEXT_CHARS:
        raise NotArticle("too_short", "no article text found on the page (too short, an index page, "
                                      "or behind a paywall or consent wall)")
    if _prose_words(text) < MIN_PROSE_WORDS:
        raise NotArticle("index", "the page is a list of links or headlines, not an article")
    return Page(text=text, title=doc.title, site=doc.sitename or urlsplit(url).hostname, author=doc.author,
                published=_date(doc.date), canonical_url=_same_site(doc.url, url))


def read_text(text: str, title: str | None = None) -> Page:
    """A plain-text article (a local .txt file): the text as it is, but for NUL bytes no database text holds."""
    text = text.replace("\x00", "")
    if len(text.strip()) < MIN_TEXT_CHARS:
        raise NotArticle("too_short", "the text is too short to be an article")
    return Page(text=text.strip(), title=title)


def _prose_words(text: str) -> int:
    """Words in lines that read as sentences: ten words or more, or five or more ending as a sentence ends
    (a headline does not end with a full stop; a brief's short paragraphs do)."""
    total = 0
    for line in text.splitlines():
        n = len(line.split())
        if n >= 10 or (n >= 5 and line.rstrip().endswith(SENTENCE_END)):
            total += n
    return total


def _decode(content: bytes | str, encoding: str | None) -> str:
    if isinstance(content, str):
        return content
    if not content.strip():
        raise NotArticle("empty", "the page is empty")
    head = content[:4096]
    if head.count(b"\x00") > 8 or sum(b < 9 for b in head) > 64:
        raise NotArticle("binary", "the link served binary data, not an article")
    if encoding is None:
        encoding = _meta_charset(head) or "utf-8"
    try:
        return content.decode(encoding, errors="replace")
    except LookupError:
        return content.decode("utf-8", errors="replace")


def _meta_charset(head: bytes) -> str | None:
    import re

    m = re.search(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_\-]+)", head, re.I)
    return m.group(1).decode("ascii") if m else None


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _same_site(canonical: str | None, url: str) -> str | None:
    # Trust a page's canonical URL only on its own host, so a page cannot claim another site's article.
    if not canonical or urlsplit(canonical).scheme not in {"http", "https"}:
        return None
    return canonical if urlsplit(canonical).hostname == urlsplit(url).hostname else None
