"""Read a fetched page: the article's text and metadata, or a clear reason it is not an article."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from bot.errors import Unreadable

CONTROL_BYTES = bytes(range(9))  # below tab: text has almost none, binary data many
MIN_TEXT_CHARS = 150  # a news brief of three or four short paragraphs is an article
MIN_PROSE_WORDS = 30  # words in sentence-like lines: index pages are many short headlines
SENTENCE_END = (".", "!", "?", "\u201d", '"', "\u2019", "'", ")", "\u3002", "\uff01", "\uff1f", "\u300d", "\u300f")
# Chinese and Japanese are written without spaces between words: two such characters count as about a word.
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


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
    """Extract the main text and metadata of a news page with trafilatura, parsing the HTML once."""
    from trafilatura import bare_extraction
    from trafilatura.utils import load_html

    html = _decode(content, encoding).replace("\x00", "")  # PostgreSQL text cannot hold NUL
    tree = load_html(html)
    if tree is None:
        raise NotArticle("too_short", "no article text found on the page")
    meta = _metadata(tree, url)
    # Fast mode: no second opinion from readability and justext (body F1 on the scrapinghub pages .956 -> .959
    # with favor_recall, a third of the time; bench/ingest_speed.py --readers). The tree is copied, not re-parsed.
    doc = bare_extraction(tree, url=url, fast=True, favor_recall=True, include_comments=False,
                          include_tables=False)
    if doc is None or isinstance(doc, dict):
        raise NotArticle("too_short", "no article text found on the page")
    text = doc.text or ""
    if len(text) < MIN_TEXT_CHARS:
        raise NotArticle("too_short", "no article text found on the page (too short, an index page, "
                                      "or behind a paywall or consent wall)")
    if _prose_words(text) < MIN_PROSE_WORDS:
        raise NotArticle("index", "the page is a list of links or headlines, not an article")
    return Page(text=text, title=meta.title, site=meta.sitename or urlsplit(url).hostname, author=meta.author,
                published=_date(meta.date), canonical_url=_same_site(meta.url, url))


def _metadata(tree: Any, url: str) -> Any:
    """The metadata the bot keeps (title, site name, date, canonical URL; an author the page's meta tags name),
    as trafilatura reads it, without the categories, tags, licence and author search it would also do."""
    from htmldate import find_date
    from trafilatura.metadata import (
        META_URL,
        examine_meta,
        extract_meta_json,
        extract_sitename,
        extract_title,
        extract_url,
    )
    from trafilatura.settings import set_date_params

    meta = examine_meta(tree)
    if meta.author and " " not in meta.author:
        meta.author = None
    try:
        meta = extract_meta_json(tree, meta)
    except Exception:  # trafilatura's JSON-LD reader has bugs of its own; the meta tags stand
        pass
    meta.title = meta.title or extract_title(tree)
    meta.url = meta.url or extract_url(tree, url)
    # The quick date search finds nearly every date (179 of 181 pages); the extensive one is for the rest.
    meta.date = find_date(tree, **set_date_params(False), url=meta.url) or \
        find_date(tree, **set_date_params(True), url=meta.url)
    meta.sitename = meta.sitename or extract_sitename(tree)
    if meta.sitename:
        meta.sitename = meta.sitename.lstrip("@")
        if meta.sitename and "." not in meta.sitename and not meta.sitename[0].isupper():
            meta.sitename = meta.sitename.title()
    elif meta.url and (m := META_URL.match(meta.url)):
        meta.sitename = m[1]
    meta.clean_and_trim()
    return meta


def read_text(text: str, title: str | None = None) -> Page:
    """A plain-text article (a local .txt file): the text as it is, but for NUL bytes no database text holds."""
    text = text.replace("\x00", "")
    if len(text.strip()) < MIN_TEXT_CHARS:
        raise NotArticle("too_short", "the text is too short to be an article")
    return Page(text=text.strip(), title=title)


def _prose_words(text: str) -> int:
    """Words in lines that read as sentences: ten words or more, or five or more ending as a sentence ends
    (a headline does not end with a full stop; a brief's short paragraphs do). A line in Chinese or Japanese
    counts its characters by two and must end as a sentence does: its headlines are long in characters."""
    total = 0
    for line in text.splitlines():
        n, cjk = len(line.split()), len(CJK.findall(line)) // 2
        if (n >= 10 and not cjk) or (n + cjk >= 5 and line.rstrip().endswith(SENTENCE_END)):
            total += n + cjk
    return total


def _decode(content: bytes | str, encoding: str | None) -> str:
    if isinstance(content, str):
        return content
    if not content.strip():
        raise NotArticle("empty", "the page is empty")
    head = content[:4096]
    if head.count(b"\x00") > 8 or len(head) - len(head.translate(None, CONTROL_BYTES)) > 64:
        raise NotArticle("binary", "the link served binary data, not an article")
    if encoding is None:
        encoding = _meta_charset(head) or "utf-8"
    try:
        return content.decode(encoding, errors="replace")
    except LookupError:
        return content.decode("utf-8", errors="replace")


def _meta_charset(head: bytes) -> str | None:
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
