"""The command line: `briefing-bot serve|ingest|briefing|who-said|extract|demo|migrate`."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from bot.config import Settings

EXAMPLES = {
    "serve": "briefing-bot serve            # HTTP on $PORT, or Socket Mode when SLACK_APP_TOKEN is set",
    "worker": "REDIS_URL=redis://127.0.0.1:6379/0 briefing-bot worker",
    "ingest": "briefing-bot ingest https://example.com/news/story.html article.html",
    "briefing": "briefing-bot briefing dprk",
    "who-said": "briefing-bot who-said troops",
    "extract": "briefing-bot extract article.txt   |   briefing-bot extract --jsonl in.jsonl > out.jsonl",
    "demo": "briefing-bot demo",
    "migrate": "briefing-bot migrate",
}


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    settings = Settings.from_env()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    sys.exit(args.func(args, settings) or 0)


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
    cmd("ingest", _ingest, "read pages (URLs or local .html/.txt files) and store their statements") \
        .add_argument("sources", nargs="+", metavar="URL_OR_FILE")
    cmd("briefing", _briefing, "the latest statements on a topic or by a person").add_argument("query", nargs="*")
    cmd("who-said", _who_said, "every speaker who said something matching a keyword") \
        .add_argument("query", nargs="*")
    e = cmd("extract", _extract, "print extracted statements as JSON, without storing")
    e.add_argument("file", nargs="?", help="a .txt or .html article")
    e.add_argument("--jsonl", metavar="IN.jsonl", help="lines of {id, text, published}")
    e.add_argument("--published", help="publication date (YYYY-MM-DD) for a single file")
    cmd("demo", _demo, "ingest the bundled example article and answer /briefing dprk and /who-said troops")
    cmd("migrate", _migrate, "apply database migrations")
    return p


def _sessions(settings: Settings, migrate: bool = True):  # noqa: ANN202
    from storage.db import make_engine, make_sessionmaker
    from storage.db import migrate as apply

    engine = make_engine(settings.database_url)
    if migrate:
        apply(engine)
    return make_sessionmaker(engine)


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from bot.server import serve

    return serve(settings, args.mode)


def _worker(args: argparse.Namespace, settings: Settings) -> int:
    from bot.queue import work

    return work(settings)


def _migrate(args: argparse.Namespace, settings: Settings) -> int:
    _sessions(settings)
    print("database is up to date")
    return 0


def _ingest(args: argparse.Namespace, settings: Settings) -> int:
    from bot.blocks import ingest_reply
    from bot.pipeline import ingest

    sessions = _sessions(settings)
    failed = 0
    for source in args.sources:
        result = ingest(sessions, settings, settings.team_id, source)
        failed += result.status == "failed"
        print(ingest_reply([result]))
    return 1 if failed == len(args.sources) else 0


def _answer(kind: str, query: str, settings: Settings, sessions=None) -> str:  # noqa: ANN001
    from bot import answers
    from bot.blocks import to_text

    sessions = sessions or _sessions(settings)
    with sessions.begin() as session:
        answer = answers.manage_aliases(session, settings.team_id, query) if kind == "briefing" else None
        return to_text(answer or answers.answer(session, settings.team_id, answers.Query(kind, query)))


def _briefing(args: argparse.Namespace, settings: Settings) -> int:
    print(_answer("briefing", " ".join(args.query), settings))
    return 0


def _who_said(args: argparse.Namespace, settings: Settings) -> int:
    print(_answer("who-said", " ".join(args.query), settings))
    return 0


def _extract(args: argparse.Namespace, settings: Settings) -> int:
    from bot.extract import TooSlow, extract_statements
    from bot.extract.jsonl import parse_date, run_jsonl
    from bot.reader import NotArticle, read_html

    if args.jsonl:
        with (sys.stdin if args.jsonl == "-" else open(args.jsonl, encoding="utf-8")) as f:
            run_jsonl(f, sys.stdout)
        return 0
    if not args.file:
        print("give a FILE or --jsonl IN.jsonl", file=sys.stderr)
        return 2
    path = Path(args.file)
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
        statements = [s.to_json() for s in extract_statements(text, published)]
    except TooSlow as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    print(json.dumps({"id": path.name, "statements": statements}, ensure_ascii=False, indent=2))
    return 0


def _demo(args: argparse.Namespace, settings: Settings) -> int:
    from bot.pipeline import ingest

    sessions = _sessions(settings)
    example = Path(__file__).with_name("data") / "seed-dprk-troops.html"
    result = ingest(sessions, settings, settings.team_id, str(example))
    from bot.blocks import ingest_reply

    print(ingest_reply([result]))
    for kind, query in (("briefing", "dprk"), ("who-said", "troops")):
        print(f"\n$ /{kind} {query}")
        print(_answer(kind, query, settings, sessions))
    return 0 if result.status != "failed" else 1


if __name__ == "__main__":
    main()
