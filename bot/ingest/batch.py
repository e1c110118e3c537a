"""Ingest many sources at once: folders and lists of links expanded, pages read in parallel, one writer storing."""

from __future__ import annotations

import multiprocessing
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.ingest.pipeline import LOCAL_TYPES, IngestResult, Origin, Read, find_stored, ingest, locate, read, store

AHEAD = 4  # pages read ahead of the writer, per reader process


def expand(sources: Iterable[str], url_files: Iterable[str] = ()) -> list[str]:
    """Sources as given, a folder replaced by its .html, .htm and .txt files (sorted, subfolders too), then
    the lines of each file of links (blank lines and # comments skipped; "-" is standard input)."""
    out: list[str] = []
    for source in sources:
        folder = Path(source)
        found = sorted(str(p) for p in folder.rglob("*") if p.suffix.lower() in LOCAL_TYPES and p.is_file()) \
            if "://" not in source and folder.is_dir() else []
        out += found or [source]  # a folder with no article files is itself a source that says so
    for name in url_files:
        text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8", errors="replace")
        out += [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return out


def ingest_all(sessions: sessionmaker[Session], settings: Settings, origin: Origin | str, sources: list[str],
               jobs: int = 1) -> Iterator[IngestResult]:
    """Each source's result, in the order given; with jobs > 1, that many processes fetch, read and extract
    while this one stores, in order, so what is stored is what one process would store."""
    origin = Origin(origin) if isinstance(origin, str) else origin
    if jobs <= 1 or len(sources) <= 1:
        for source in sources:
            yield ingest(sessions, settings, origin, source)
        return
    with ProcessPoolExecutor(jobs, mp_context=_context()) as pool:
        pending: deque[IngestResult | Future[Read]] = deque()
        for source in sources:
            pending.append(_start(pool, sessions, settings, origin, source))
            while len(pending) > jobs * AHEAD:
                yield _finish(sessions, origin, pending.popleft())
        while pending:
            yield _finish(sessions, origin, pending.popleft())


def _start(pool: ProcessPoolExecutor, sessions: sessionmaker[Session], settings: Settings, origin: Origin,
           source: str) -> IngestResult | Future[Read]:
    """A source's result known now (no page, or stored already), or its page being read by a reader process."""
    located = locate(source)
    if isinstance(located, IngestResult):
        return located
    url, path = located
    return find_stored(sessions, origin, url) or pool.submit(read, url, path, settings)


def _finish(sessions: sessionmaker[Session], origin: Origin, started: IngestResult | Future[Read]) -> IngestResult:
    if isinstance(started, IngestResult):
        return started
    done = started.result()
    if (stored := find_stored(sessions, origin, done.url)) is not None:  # the same page earlier in the list
        return stored
    return store(sessions, origin, done)


def _context():  # noqa: ANN202
    # Forked readers start at once with the modules this process has loaded; elsewhere the platform's default.
    if sys.platform == "linux":
        import trafilatura  # noqa: F401

        import bot.extract  # noqa: F401

        return multiprocessing.get_context("fork")
    return None
