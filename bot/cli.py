"""The command line: `briefing-bot serve|ingest|briefing|who-said|extract|demo|migrate`."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import Settings

if TYPE_CHECKING:
    from bot.extract.statements import Statement

EXAMPLES = {
    "serve": "briefing-bot serve            # HTTP on $PORT, or Socket Mode when SLACK_APP_TOKEN is set",
    "worker": "REDIS_URL=redis://127.0.0.1:6379/0 briefing-bot worker",
    "ingest": "briefing-bot ingest https://example.com/news/story.html article.html   |   "
              "briefing-bot ingest pages/ --urls links.txt --jobs 2",
    "briefing": "briefing-bot briefing dprk since last week   |   briefing-bot briefing lloyd austin --json",
    "who-said": "briefing-bot who-said '\"nuclear programme\"' in 2024 --csv > statements.csv",
    "extract": "briefing-bot extract article.txt   |   briefing-bot extract --jsonl in.jsonl > out.jsonl",
    "demo": "briefing-bot demo",
    "watch": "briefing-bot briefing watch dprk && briefing-bot ingest story.html && briefing-bot watch",
    "follow": "briefing-bot follow https://example.com/world/rss.xml",
    "feeds": "briefing-bot feeds",
    "poll-feeds": "briefing-bot poll-feeds   # from cron, every 15 minutes",
    "migrate": "briefing-bot migrate",
}


QUERY_HELP = """\
A query may end with a date window: "since last week", "before 2020", "in october 2024", "on 3 march
2024", "yesterday", "last month", "this year", "between 1 and 15 March", "in the last 7 days"; a
window on its own lists everything in it. Words in "quotation marks" match as a phrase; other words match with
stemming (troop finds troops). `briefing alias NAME = A, B` adds the workspace's own names for a
topic; `briefing aliases` lists them.

The database is DATABASE_URL (default sqlite:///briefing.db; postgresql://user@host/db for
PostgreSQL); the workspace is BRIEFING_TEAM (default "local"; a Slack team ID shares the bot's)."""


class CliError(Exception):
    """A mistake a user can fix: printed as one line, exit status 2."""


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    settings = Settings.from_env()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    if settings.log_level != "DEBUG":  # each page fetched is no news to the person at the terminal
        for noisy in ("httpx", "httpcore", "trafilatura"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        code = args.func(args, settings) or 0
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        code = 2
    sys.exit(code)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="briefing-bot", description="Who said what in the news, for Slack.")
    sub = p.add_subparsers(required=True, metavar="COMMAND")

    def cmd(name: str, func, help_: str) -> argparse.ArgumentParser:  # noqa: ANN001
        c = sub.add_parser(name, help=help_, description=help_, epilog="example: " + EXAMPLES[name])
        c.set_defaults(func=func)
        return c

    serve = cmd("serve", _serve, "run the Slack app")
    mode = serve.add_mutually_exclusive_group()
    mode.add_argument("--http", dest="mode", action="store_const", const="http", help="HTTP on $PORT")
    mode.add_argument("--socket", dest="mode", action="store_const", const="socket",
                      help="Socket Mode (needs SLACK_APP_TOKEN)")
    cmd("worker", _worker, "run ingestion jobs from the Redis queue (REDIS_URL)")
    i = cmd("ingest", _ingest, "read pages (URLs, local .html/.txt files or folders of them) and store their "
                               "statements")
    i.add_argument("sources", nargs="*", metavar="URL_OR_FILE_OR_FOLDER")
    i.add_argument("--urls", action="append", default=[], metavar="FILE",
                   help="also read the links (or file paths) in FILE, one a line; - for standard input")
    i.add_argument("--jobs", type=int, default=1, metavar="N",
                   help="read pages in N processes while one stores them (the same result as one process)")
    for name, func, help_ in (("briefing", _briefing, "the latest statements on a topic or by a person"),
                              ("who-said", _who_said, "every speaker who said something matching a keyword")):
        q = cmd(name, func, help_)
        q.formatter_class = argparse.RawDescriptionHelpFormatter
        q.description = f"{help_}.\n\n{QUERY_HELP}"
        q.add_argument("query", nargs="*")
        out = q.add_mutually_exclusive_group()
        out.add_argument("--json", dest="format", action="store_const", const="json",
                         help="one JSON object: the query, the heading and the statements")
        out.add_argument("--csv", dest="format", action="store_const", const="csv", help="the statements as CSV")
        q.add_argument("--page", type=int, default=1, metavar="N", help="page N of a long answer (20 a page)")
    e = cmd("extract", _extract, "print extracted statements as JSON, without storing")
    e.add_argument("file", nargs="?", help="a .txt or .html article")
    e.add_argument("--jsonl", metavar="IN.jsonl", help="lines of {id, text, published}")
    e.add_argument("--published", help="publication date (YYYY-MM-DD) for a single file")
    e.add_argument("--explain", action="store_true",
                   help="for each statement, its words, speaker, the rule that found it, the speaker's confidence "
                        "and why (example: briefing-bot extract --explain article.txt)")
    cmd("watch", _watch, "post (print) what the command line's watches have not shown yet: one round, for cron")
    cmd("follow", _follow, "follow an RSS or Atom feed: its new articles are read at each poll-feeds") \
        .add_argument("url", metavar="FEED_URL")
    cmd("feeds", _feeds, "list the followed feeds")
    cmd("poll-feeds", _poll_feeds, "poll the feeds that are due once and read their new articles")
    cmd("demo", _demo, "ingest the bundled example article and answer /briefing dprk and /who-said troops")
    cmd("migrate", _migrate, "apply database migrations")
    return p


def _sessions(settings: Settings, migrate: bool = True):  # noqa: ANN202
    """The database, or one line that names DATABASE_URL and what is wrong with it."""
    from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

    from storage.db import make_engine, make_sessionmaker
    from storage.db import migrate as apply

    shown = _masked(settings.database_url)
    try:
        engine = make_engine(settings.database_url)
        if migrate:
            apply(engine)
        else:
            engine.connect().close()
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        raise CliError(f"DATABASE_URL={shown} is not a database URL (sqlite:///briefing.db or "
                       f"postgresql://user@host/db): {exc}") from None
    except DBAPIError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        if settings.database_url.startswith("sqlite"):
            folder = Path(settings.database_url.split(":///", 1)[-1]).parent
            reason += f" (is the folder {folder} there and writable?)"
        raise CliError(f"cannot open the database DATABASE_URL={shown}: {reason}") from None
    return make_sessionmaker(engine)


def _masked(url: str) -> str:
    """The URL without its password, for messages."""
    head, at, tail = url.rpartition("@")
    if not at or "://" not in head:
        return url
    scheme, _, userinfo = head.partition("://")
    return f"{scheme}://{userinfo.split(':', 1)[0]}:***@{tail}" if ":" in userinfo else url


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from bot.slack.server import serve

    return serve(settings, args.mode)


def _worker(args: argparse.Namespace, settings: Settings) -> int:
    from bot.ingest.queue import work
    from bot.slack.app import make_runner, web_client

    # The Slack side builds the runner with its notifier; ingest never imports Slack.
    return work(settings, lambda sessions: make_runner(settings, sessions, web_client(settings)))


def _migrate(args: argparse.Namespace, settings: Settings) -> int:
    _sessions(settings)
    print("database is up to date")
    return 0


def _ingest(args: argparse.Namespace, settings: Settings) -> int:
    from collections import Counter

    from bot.answers.terminal import ingest_lines
    from bot.answers.wording import plural
    from bot.ingest.batch import expand, ingest_all

    if args.jobs < 1:
        raise CliError("--jobs counts processes, from 1")
    try:
        sources = expand(args.sources, args.urls)
    except OSError as exc:
        raise CliError(f"cannot read the list of links {exc.filename}: {exc.strerror}") from None
    if not sources:
        raise CliError("nothing to read: give links, files or folders with .html, .htm or .txt files, or --urls FILE")
    sessions = _sessions(settings)
    outcomes: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    n = len(sources)
    for i, result in enumerate(ingest_all(sessions, settings, settings.team_id, sources, args.jobs), 1):
        outcomes[result.status] += 1
        if result.status == "failed":
            reasons[result.code or "other"] += 1
        print((f"[{i}/{n}] " if n > 1 else "") + "\n".join(ingest_lines([result])), flush=True)
    if n > 1:
        why = f" ({', '.join(f'{code} {k}' for code, k in reasons.most_common())})" if reasons else ""
        print(f"Done: {outcomes['stored']} stored, {outcomes['duplicate']} already stored, "
              f"{outcomes['failed']} failed{why}; {plural(n, 'source')} in all.")
    return 2 if outcomes["failed"] == n else 0


def _answer(kind: str, query: str, settings: Settings, sessions=None, fmt: str | None = None,  # noqa: ANN001
            page: int = 1) -> str:
    from bot.answers import answers
    from bot.answers.export import to_csv, to_json
    from bot.answers.terminal import to_text

    if page < 1:
        raise CliError("--page counts from 1")
    sessions = sessions or _sessions(settings)
    with sessions.begin() as session:
        answer = answers.respond(session, settings.team_id,
                                 answers.Query(kind, query, offset=(page - 1) * answers.PAGE))
    if fmt == "json":
        return to_json(answer, query, page)
    if fmt == "csv":
        return to_csv(answer).rstrip("\n")
    text = to_text(answer)
    if answer.next is not None:
        text += f"\nNext page: add --page {page + 1}."
    return text


def _briefing(args: argparse.Namespace, settings: Settings) -> int:
    print(_answer("briefing", " ".join(args.query), settings, fmt=args.format, page=args.page))
    return 0


def _who_said(args: argparse.Namespace, settings: Settings) -> int:
    print(_answer("who-said", " ".join(args.query), settings, fmt=args.format, page=args.page))
    return 0


def _extract(args: argparse.Namespace, settings: Settings) -> int:
    from bot.extract import TooSlow, extract_statements
    from bot.extract.jsonl import parse_date, run_jsonl
    from bot.ingest.reader import NotArticle, read_html

    if args.jsonl:
        if args.jsonl != "-":
            _readable_file(Path(args.jsonl))
        with (sys.stdin if args.jsonl == "-" else open(args.jsonl, encoding="utf-8")) as f:
            run_jsonl(f, sys.stdout)
        return 0
    if not args.file:
        raise CliError("give a FILE or --jsonl IN.jsonl")
    path = Path(args.file)
    _readable_file(path)
    published = parse_date(args.published)
    if path.suffix.lower() in {".html", ".htm"}:
        try:
            page = read_html(path.read_bytes(), path.resolve().as_uri())
        except NotArticle as exc:
            print(f"error: {exc.message}", file=sys.stderr)
            return 1
        text, published = page.text, published or page.published
    else:
        text = path.read_text(encoding="utf-8", errors="replace")
    try:
        found = extract_statements(text, published)
    except TooSlow as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    if args.explain:
        print("\n\n".join(_explained(s) for s in found) or "no statements found")
        return 0
    statements = [s.to_json() for s in found]
    print(json.dumps({"id": path.name, "statements": statements}, ensure_ascii=False, indent=2))
    return 0


def _watch(args: argparse.Namespace, settings: Settings) -> int:
    from bot.answers.answers import CLI_CHANNEL
    from bot.answers.terminal import to_text
    from bot.answers.watches import Post, run_round

    def show(batch: Post) -> None:
        print(to_text(batch.answer), end="\n\n", flush=True)

    # The command line shows a batch when it is asked to: no waiting for the batch period.
    if not run_round(_sessions(settings), 0, show, channel=CLI_CHANNEL):
        print("Nothing new on the watches (`briefing-bot briefing watches` lists them).")
    return 0


def _follow(args: argparse.Namespace, settings: Settings) -> int:
    print(_answer("briefing", f"follow {args.url}", settings))
    return 0


def _feeds(args: argparse.Namespace, settings: Settings) -> int:
    print(_answer("briefing", "feeds", settings))
    return 0


def _poll_feeds(args: argparse.Namespace, settings: Settings) -> int:
    from bot.answers.terminal import ingest_lines
    from bot.ingest.feeds import Notice, poll_round

    def tell(notice: Notice) -> None:
        print(notice.text)

    results = poll_round(_sessions(settings), settings, tell)
    for line in ingest_lines(results):
        print(line)
    if not results:
        print("No new articles in the feeds that were due.")
    return 0


def _explained(s: Statement) -> str:
    """One statement as --explain prints it: the words, who said them, and how the extractor decided."""
    words = s.text if len(s.text) <= 200 else s.text[:197] + "..."
    who = s.speaker or "(no one named)"
    if not s.resolved:
        who += " [unresolved]"
    return (f"{words}\n  speaker: {who}\n  rule: {s.rule} (cue: {s.cue or 'none'})\n"
            f"  confidence: {s.confidence:.2f}\n  why: {s.why}"
            + (f"\n  disputed by the article: {s.disputed}" if s.disputed else "")
            + f"\n  classifier: {_decision(s)}")



def _decision(s: Statement) -> str:
    """The statement classifier's score, the threshold it passed and the features that weighed most."""
    from bot.extract.statements import STATEMENT_MODEL as MODEL

    veto = next((f.removeprefix("veto=") for f in s.features if f.startswith("veto=") and "|" not in f), None)
    threshold = MODEL.vetoed_threshold if veto else MODEL.threshold
    kept = f"P(statement) {s.score:.2f}, kept (threshold {threshold:.2f}"
    kept += f", raised for what the rule '{veto}' would drop)" if veto else ")"
    top = ", ".join(f"{f} {w:+.2f}" for f, w in MODEL.top(s.features))
    return kept + (f"; weighs most: {top}" if top else "")


def _readable_file(path: Path) -> None:
    if path.is_dir():
        raise CliError(f"{path} is a folder: give a file")
    if not path.is_file():
        raise CliError(f"{path}: no such file")


def _demo(args: argparse.Namespace, settings: Settings) -> int:
    from bot.ingest.pipeline import EXAMPLE, ingest

    sessions = _sessions(settings)
    result = ingest(sessions, settings, settings.team_id, str(EXAMPLE))
    from bot.answers.terminal import ingest_lines

    print("\n".join(ingest_lines([result])))
    for kind, query in (("briefing", "dprk"), ("who-said", "troops")):
        print(f"\n$ /{kind} {query}")
        print(_answer(kind, query, settings, sessions))
    return 0 if result.status != "failed" else 1


if __name__ == "__main__":
    main()
