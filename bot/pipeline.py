"""Ingest one link: fetch, read, extract statements, store; one orchestrator over small steps."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.extract import Statement as Extracted
from bot.extract import extract_statements
from bot.fetch import Fetched, FetchError, fetch
from bot.reader import NotArticle, Page, read_html, read_text
from bot.topics import topics_in
from storage import queries
from storage.models import Article

log = logging.getLogger(__name__)
TRACKING = ("utm_", "fbclid", "gclid", "mc_", "ref_src", "cmpid")


@dataclass
class IngestResult:
    url: str
    status: str  # stored | duplicate | failed
    title: str | None = None
    speakers: list[str] = field(default_factory=list)
    statements: int = 0
    reason: str | None = None
    code: str | None = None  # why it failed: not_found, timeout, blocked, ...


def canonical_url(url: str) -> str:
    """Drop fragments and tracking parameters so the same article is stored once."""
    parts = urlsplit(url.strip())
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not k.lower().startswith(TRACKING)]
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", urlencode(query), ""))


def ingest(sessions: sessionmaker[Session], settings: Settings, team_id: str, source: str, *,
           posted_by: str | None = None, channel_id: str | None = None,
           fetcher: Callable[..., Fetched] = fetch) -> IngestResult:
    """Store one page's statements unless it is stored already; failures are recorded, never raised."""
    local = Path(source)
    url = local.resolve().as_uri() if local.is_file() else canonical_url(source)
    if (done := _stored(sessions, team_id, url)) is not None:
        return done
    try:
        page = _read_local(local) if local.is_file() else _read_remote(url, settings, fetcher)
    except (FetchError, NotArticle) as exc:
        _record_failure(sessions, team_id, url, exc.message, posted_by, channel_id)
        return IngestResult(url, "failed", reason=exc.message, code=exc.code)
    if page.canonical_url and canonical_url(page.canonical_url) != url:
        url = canonical_url(page.canonical_url)
        if (done := _stored(sessions, team_id, url)) is not None:
            return done
    found = extract_statements(page.text, page.published)
    article = Article(team_id=team_id, url=url, title=page.title, site=page.site, author=page.author,
                      published=page.published, text=page.text, status="stored",
                      posted_by=posted_by, channel_id=channel_id)
    try:
        with sessions.begin() as session:
            queries.save_article(session, article, [_to_new(page.text, s) for s in found])
    except IntegrityError:
        # Another worker stored the same article a moment ago.
        return _stored(sessions, team_id, url) or IngestResult(url, "duplicate", title=page.title)
    return IngestResult(url, "stored", page.title, _speakers(found), len(found))


def _stored(sessions: sessionmaker[Session], team_id: str, url: str) -> IngestResult | None:
    with sessions() as session:
        art = queries.find_article(session, team_id, url)
        if art is None or art.status != "stored":
            return None
        speakers = list(dict.fromkeys(s.speaker for s in art.statements if s.speaker))
        return IngestResult(url, "duplicate", art.title, speakers, len(art.statements))


def _read_local(path: Path) -> Page:
    data = path.read_bytes()
    if path.suffix.lower() in {".html", ".htm"}:
        return read_html(data, path.resolve().as_uri())
    return read_text(data.decode("utf-8", errors="replace"), title=path.stem)


def _read_remote(url: str, settings: Settings, fetcher: Callable[..., Fetched]) -> Page:
    fetched = fetcher(url, allow_private=settings.fetch_allow_private, total_timeout=settings.fetch_timeout)
    return read_html(fetched.content, fetched.url, fetched.encoding)


def _record_failure(sessions: sessionmaker[Session], team_id: str, url: str, reason: str,
                    posted_by: str | None, channel_id: str | None) -> None:
    try:
        with sessions.begin() as session:
            queries.save_failure(session, Article(team_id=team_id, url=url, status="failed", failure=reason,
                                                  posted_by=posted_by, channel_id=channel_id))
    except IntegrityError:
        log.info("failure for %s already recorded", url)


def _to_new(text: str, s: Extracted) -> queries.NewStatement:
    # Topics come from the whole sentence around the words: "officials condemned it" is about its subject.
    return queries.NewStatement(text=s.text, kind=s.kind, speaker=s.speaker, role=s.role, cue=s.cue,
                                said_on=s.said_on, place=s.place, start=s.start, end=s.end,
                                topics=topics_in(text[s.context_start : s.context_end]))


def _speakers(found: list[Extracted]) -> list[str]:
    return list(dict.fromkeys(s.speaker for s in found if s.speaker))
