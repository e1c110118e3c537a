"""Time /briefing and /who-said at a million statements: `python bench/search_speed.py [DATABASE_URL]`.

Fills a fresh database (default: SQLite in a temporary folder; pass a PostgreSQL URL for the scale path)
with 100,000 articles, 20,000 speakers and 1,000,000 statements of generated news-like text and topics
(Zipf-distributed, so some topics and words are common and others rare), then times the slash-command
code path the server runs (answer + Block Kit) for a common and a rare topic and keyword.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta

from sqlalchemy import insert, text

from bot.answers.answers import Query
from bot.extract.topics import aliases
from bot.slack.listeners.commands import reply
from storage.db import make_engine, make_sessionmaker, migrate
from storage.models import Actor, Article, Statement, Topic, statement_topics

TEAM = "TBENCH"
NEWS_WORDS = ("troops sanctions talks missile election border ceasefire economy inflation tariffs vaccine "
              "protest strike court ruling summit treaty nuclear drone attack aid refugees oil gas climate "
              "budget deficit reform minister parliament vote campaign soldiers weapons security intelligence "
              "trade exports growth unemployment hospital police investigation arrest crisis negotiations").split()


def zipf_choice(rng: random.Random, items: list, s: float = 1.1):  # noqa: ANN201
    weights = [1 / (i + 1) ** s for i in range(len(items))]
    return lambda k: rng.choices(items, weights=weights, k=k)


def fill(url: str, n_articles: int, per_article: int, n_speakers: int, seed: int = 7) -> dict:
    rng = random.Random(seed)
    engine = make_engine(url)
    migrate(engine)
    topic_names = sorted({t for ts in aliases().values() for t in ts})
    rng.shuffle(topic_names)
    pick_topics = zipf_choice(rng, topic_names)
    fillers = [f"w{i}" for i in range(5000)]
    vocab = fillers[:100] + NEWS_WORDS + fillers[100:]  # "troops" ranks 101st: common, not everywhere
    pick_words = zipf_choice(rng, vocab, 1.0)
    speakers = [f"{rng.choice('ABCDEFGHIJKLMNOPRSTVW')}{i} Person{i}" for i in range(n_speakers)]
    start = date(2020, 1, 1)
    t0 = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(insert(Topic), [{"id": i + 1, "name": n} for i, n in enumerate(topic_names)])
        conn.execute(insert(Actor), [{"id": i + 1, "team_id": TEAM, "name": n} for i, n in enumerate(speakers)])
    topic_id = {n: i + 1 for i, n in enumerate(topic_names)}
    sid = 0
    batch = 2000
    for a0 in range(0, n_articles, batch):
        arts, sts, links = [], [], []
        for a in range(a0 + 1, min(a0 + batch, n_articles) + 1):
            day = start + timedelta(days=rng.randrange(5 * 365))
            url_ = f"https://news{a % 97}.example.com/story/{a}"
            arts.append({"id": a, "team_id": TEAM, "url": url_, "url_key": hashlib.sha256(url_.encode()).hexdigest(),
                         "title": f"Story {a}", "site": "Example News", "published": day, "status": "stored",
                         "text": ""})
            topics = list(dict.fromkeys(pick_topics(2)))
            for _ in range(per_article):
                sid += 1
                spk = rng.randrange(n_speakers)
                words = " ".join(pick_words(24))
                own = list(dict.fromkeys(topics + pick_topics(1)))
                sts.append({"id": sid, "article_id": a, "team_id": TEAM, "actor_id": spk + 1,
                            "speaker": speakers[spk], "role": "official", "text": words, "kind": "indirect",
                            "cue": "said", "said_on": day, "start": 0, "end": len(words),
                            "fingerprint": f"{sid:040x}",
                            "search_text": f"{speakers[spk]} official said {' '.join(own)} {words}"})
                links += [{"statement_id": sid, "topic_id": topic_id[t], "team_id": TEAM, "said_on": day,
                           "strength": 2 if t in topics else 1} for t in own]
        with engine.begin() as conn:
            conn.execute(insert(Article), arts)
            conn.execute(insert(Statement), sts)
            conn.execute(insert(statement_topics), links)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("ANALYZE"))
        else:
            conn.execute(text("ANALYZE"))
    fill_s = time.perf_counter() - t0
    return {"engine": engine, "fill_s": fill_s, "statements": sid, "topics": topic_names}


def size_mb(engine, url: str) -> float:  # noqa: ANN001
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            return conn.execute(text("SELECT pg_database_size(current_database())")).scalar() / 1e6
    path = url.removeprefix("sqlite:///")
    return sum(os.path.getsize(p) for p in (path, path + "-wal") if os.path.exists(p)) / 1e6


def timed(sessions, query: Query, runs: int) -> tuple[float, float, int]:  # noqa: ANN001
    times = []
    total = 0
    for i in range(runs + 3):
        t = time.perf_counter()
        out = reply(sessions, (TEAM, None), query)
        if i >= 3:  # the first calls warm caches; the figure is for a running server
            times.append((time.perf_counter() - t) * 1000)
        total = len(out.get("blocks") or [])
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))], total


def counts(engine, topic: str, word: str) -> tuple[int, int]:  # noqa: ANN001
    with engine.connect() as conn:
        t = conn.execute(text("SELECT count(*) FROM statement_topics st JOIN topics t ON t.id = st.topic_id "
                              "WHERE t.name = :n"), {"n": topic}).scalar()
        w = conn.execute(text("SELECT count(*) FROM statements WHERE search_text LIKE :w"),
                         {"w": f"% {word} %"}).scalar()
    return t, w


def main(argv: list[str]) -> None:
    p = argparse.ArgumentParser()
    p.add_argument("url", nargs="?")
    p.add_argument("--articles", type=int, default=100_000)
    p.add_argument("--per-article", type=int, default=10)
    p.add_argument("--speakers", type=int, default=20_000)
    p.add_argument("--runs", type=int, default=50)
    p.add_argument("--reuse", action="store_true", help="time an already filled database (fill: nan)")
    args = p.parse_args(argv)
    url = args.url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    if args.reuse:
        engine = make_engine(url)
        migrate(engine)
        with engine.connect() as conn:
            n = conn.execute(text("SELECT count(*) FROM statements")).scalar()
            names = conn.execute(text("SELECT t.name FROM topics t ORDER BY t.id")).scalars().all()
        info = {"engine": engine, "fill_s": float("nan"), "statements": n, "topics": list(names)}
    else:
        if url.startswith("postgresql"):
            admin = make_engine(url).execution_options(isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        info = fill(url, args.articles, args.per_article, args.speakers)
        engine = info["engine"]
    print(f"database: {engine.dialect.name}; {info['statements']:,} statements, {args.articles:,} articles, "
          f"{args.speakers:,} speakers")
    print(f"fill: {info['fill_s']:.0f} s; size {size_mb(engine, url):,.0f} MB")
    sessions = make_sessionmaker(engine)
    common_topic, rare_topic = info["topics"][0], info["topics"][-40]
    for label, q, probe in [
        ("briefing, common topic", Query("briefing", common_topic), (common_topic, "")),
        ("briefing, rare topic", Query("briefing", rare_topic), (rare_topic, "")),
        ("who-said, common word", Query("who-said", "troops"), ("", "troops")),
        ("who-said, rare word", Query("who-said", "w4321"), ("", "w4321")),
    ]:
        n_topic, n_word = counts(engine, probe[0] or "-", probe[1] or "-")
        p50, p95, blocks = timed(sessions, q, args.runs)
        matches = n_topic if probe[0] else n_word
        print(f"{label:24} /{q.kind} {q.text!r}: {matches:,} matches; p50 {p50:.1f} ms, p95 {p95:.1f} ms "
              f"({blocks} blocks)")


if __name__ == "__main__":
    main(sys.argv[1:])
