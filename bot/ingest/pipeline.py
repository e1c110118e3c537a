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
from bot.errors import Unreadable
from bot.extract import Statement as Extracted
from bot.extract import extract_statements
from bot.extract.topics import topics_in
from bot.ingest.fetch import Fetched, fetch
from bot.ingest.reader import Page, read_html, read_text
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
    """Drop credentials, fragments and tracking parameters: the same article is stored once, no secret kept."""
    try:
        parts = urlsplit(url.strip())
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                 if not k.lower().startswith(TRACKING)]
        netloc = parts.netloc.rsplit("@", 1)[-1].lower()  # user:secret@ never reaches storage or a reply
        return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", urlencode(query), ""))
    except ValueError:  # not a URL the fetcher could read either: it says why
        return strip_userinfo(url.strip())


def strip_userinfo(url: str) -> str:
    """The link without user:password@, for anything stored or shown before it is read."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    authority, slash, path = rest.partition("/")
    return f"{scheme}{sep}{authority.rsplit('@', 1)[-1]}{slash}{path}"


@dataclass(frozen=True)
class Origin:
    """Where a link was posted: the workspace, and the channel when it came from Slack."""

    team_id: str
    channel_id: str | None = None
    user_id: str | None = None
    private: bool = False  # a private channel or DM: what it stores is shown only there
    message_ts: str | None = None  # the Slack message that posted the link: deleting it deletes what it brought

    @property
    def private_channel(self) -> str | None:
        return self.channel_id if self.private and self.channel_id else None


@dataclass
class Read:
    """A page read and its statements extracted, or why it could not be: plain data, so a reader process can
    hand it to the one process that stores."""

    url: str
    is_local: bool
    page: Page | None = None
    statements: list[queries.NewStatement] = field(default_factory=list)
    speakers: list[str] = field(default_factory=list)
    code: str | None = None  # set when the page could not be read
    reason: str | None = None


Then = Callable[[Session, "IngestResult"], None]


def ingest(sessions: sessionmaker[Session], settings: Settings, origin: Origin | str, source: str, *,
           fetcher: Callable[..., Fetched] = fetch, looked_up: bool = False, then: Then | None = None
           ) -> IngestResult:
    """Store one page's statements unless it is stored already; failures are recorded, never raised.
    `looked_up`: the caller has just found no stored copy (stored_copy), so it is not looked for again.
    `then`: more work for the transaction that stores the page, if it is stored (a job's finish).

    Database errors propagate: the caller tells an outage (try again later) from bad data."""
    origin = Origin(origin) if isinstance(origin, str) else origin
    located = locate(source)
    if isinstance(located, IngestResult):
        return located
    url, path = located
    if not looked_up and (done := find_stored(sessions, origin, url)) is not None:
        return done
    return store(sessions, origin, read(url, path, settings, fetcher), then)


EXAMPLE = Path(__file__).parents[1] / "data" / "seed-dprk-troops.html"


def warm_up(settings: Settings) -> None:
    """Read the bundled example once, without storing it, and resolve one date as dateparser does: a worker that
    does this before it takes jobs serves its first pages as fast as the rest (loading the reader, the
    extractor's tables and dateparser's English takes a quarter of a second of CPU once per process)."""
    from datetime import date

    from bot.extract.when import resolve

    read(EXAMPLE.resolve().as_uri(), EXAMPLE, settings)
    resolve("in october", date(2024, 11, 1))


def locate(source: str) -> tuple[str, Path | None] | IngestResult:
    """The URL a source is stored under and its local file (None for a link), or why it names no page."""
    local = Path(source)
    if _is_file(local):
        return local.resolve().as_uri(), local
    if problem := _not_a_page(source, local):
        return IngestResult(source, "failed", reason=problem.message, code=problem.code)  # nothing to record
    return canonical_url(source), None


def read(url: str, path: Path | None, settings: Settings, fetcher: Callable[..., Fetched] = fetch) -> Read:
    """Fetch (or open the local file), read and extract one page; no database is touched."""
    try:
        page = _read_local(path) if path is not None else _read_remote(url, settings, fetcher)
    except Unreadable as exc:
        return Read(url, path is not None, code=exc.code, reason=exc.message)
    try:
        found = extract_statements(page.text, page.published)
    except Unreadable as exc:  # TooSlow: the article took longer to read than its bound
        return Read(url, path is not None, code=exc.code, reason=exc.message)
    return Read(url, path is not None, page, [_to_new(page.text, s) for s in found], _speakers(found))


def store(sessions: sessionmaker[Session], origin: Origin, done: Read, then: Then | None = None) -> IngestResult:
    """Store what was read (or record why it could not be), unless the page is stored already by now; `then`
    runs in the storing transaction, with the result, when the page is stored."""
    url, page = done.url, done.page
    if page is None:
        if not done.is_local:  # a link that failed is tried again when posted again; a local file just says why
            _record_failure(sessions, origin, url, done.reason or "")
        return IngestResult(url, "failed", reason=done.reason, code=done.code)
    if page.canonical_url and canonical_url(page.canonical_url) != url:
        url = canonical_url(page.canonical_url)
        if (stored := find_stored(sessions, origin, url)) is not None:
            return stored
    article = Article(team_id=origin.team_id, url=url, title=page.title, site=page.site, author=page.author,
                      published=page.published, text=page.text, status="stored", posted_by=origin.user_id,
                      channel_id=origin.channel_id, private_channel=origin.private_channel)
    result = IngestResult(url, "stored", page.title, done.speakers, len(done.statements))
    try:
        with sessions.begin() as session:
            queries.save_article(session, article, done.statements)
            _add_source(session, origin, article.id)
            if then is not None:
                then(session, result)
    except (IntegrityError, queries.AlreadyStored):
        # Another worker stored the same article a moment ago: theirs stays, this message is its source too.
        return find_stored(sessions, origin, url) or IngestResult(url, "duplicate", title=page.title)
    return result


def find_stored(sessions: sessionmaker[Session], origin: Origin, url: str) -> IngestResult | None:
    with sessions.begin() as session:
        return stored_copy(session, origin, url)


def stored_copy(session: Session, origin: Origin, url: str) -> IngestResult | None:
    """The stored copy of a page (its URL as locate gives it) this origin may see, noting the origin as a source
    of it; in the caller's transaction (a job looks its links up in the one that claims it)."""
    # A public copy serves every channel; a private channel also has its own.
    for scope in dict.fromkeys([None, origin.private_channel]):
        art = queries.find_article(session, origin.team_id, url, scope)
        if art is not None and art.status == "stored":
            _add_source(session, origin, art.id)
            speakers = list(dict.fromkeys(s.speaker for s in art.statements if s.speaker))
            return IngestResult(url, "duplicate", art.title, speakers, len(art.statements))
    return None


def _add_source(session: Session, origin: Origin, article_id: int) -> None:
    if origin.channel_id and origin.message_ts:
        queries.add_source(session, article_id, origin.team_id, origin.channel_id, origin.message_ts)


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # a link too long to be a file name is a link: the fetcher says what is wrong with it
        return False


LOCAL_TYPES = {".html", ".htm", ".txt"}


def _not_a_page(source: str, path: Path) -> Unreadable | None:
    """A source with no scheme is a local path (the command line's): say plainly why it cannot be read."""
    if "://" in source or source.lower().startswith(("http:", "https:")):
        return None
    try:
        folder = path.is_dir()
    except OSError:
        return None
    if folder:
        return Unreadable("bad_url", f"{source} is a folder with no .html, .htm or .txt files in it")
    return Unreadable("not_found", f"{source}: no such file (or give a link starting with https://)")


def _read_local(path: Path) -> Page:
    if path.suffix.lower() not in LOCAL_TYPES:
        kind = path.suffix or "a file without an extension"
        raise Unreadable("not_article", f"{path.name} is not an article file (.html, .htm or .txt) but {kind}")
    data = path.read_bytes()
    if path.suffix.lower() in {".html", ".htm"}:
        return read_html(data, path.resolve().as_uri())
    return read_text(data.decode("utf-8", errors="replace"), title=path.stem)


def _read_remote(url: str, settings: Settings, fetcher: Callable[..., Fetched]) -> Page:
    fetched = fetcher(url, allow_private=settings.fetch_allow_private, total_timeout=settings.fetch_timeout)
    return read_html(fetched.content, fetched.url, fetched.encoding)


def _record_failure(sessions: sessionmaker[Session], origin: Origin, url: str, reason: str) -> None:
    try:
        with sessions.begin() as session:
            queries.save_failure(session, Article(team_id=origin.team_id, url=url, status="failed", failure=reason,
                                                  posted_by=origin.user_id, channel_id=origin.channel_id,
                                                  private_channel=origin.private_channel))
    except IntegrityError:
        log.info("failure for %s already recorded", url)


def _to_new(text: str, s: Extracted) -> queries.NewStatement:
    # Topics come from the whole sentence around the words ("officials condemned it" is about its subject), and
    # from who said it: the words of "Iran's supreme leader" are on Iran wherever the article gave his role.
    # The statement is about a topic when its words or its speaker's name say it; around them or in the role
    # ("a farmer who sells grain to Russia"), it is a passing mention, still found but after.
    about = " ".join(filter(None, [text[s.context_start : s.context_end], s.role, s.speaker]))
    core = frozenset(topics_in(" ".join(filter(None, [s.text, s.speaker]))))
    return queries.NewStatement(text=s.text, kind=s.kind, speaker=s.speaker, role=s.role, cue=s.cue,
                                said_on=s.said_on, said_precision=s.said_precision, place=s.place,
                                start=s.start, end=s.end, topics=topics_in(about), core_topics=core,
                                confidence=s.confidence, resolved=s.resolved, rule=s.rule,
                                disputed=s.disputed, score=round(s.score, 3))


def _speakers(found: list[Extracted]) -> list[str]:
    return list(dict.fromkeys(s.speaker for s in found if s.speaker))
