"""Score the statement extractor on a gold set and time it: `python bench/extract_quality.py [GOLD...]`.

Runs `briefing-bot extract --jsonl` (the same code path evaluation uses) on each gold file, then
../shared/tools/score_quotes.py, and prints the scorer's lines plus articles a second and peak memory.

It also reads the scrapinghub pages that no gold set annotates (unseen news of every kind: reviews, recipes,
sport) and counts what it finds there by the kind of cue: a learned cue or a "Name:" label firing often on them
is noise no gold set shows.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared"
DEFAULT = ["polnear-dev.jsonl", "polnear-dev-speech.jsonl", "news-dev.jsonl"]


def main(argv: list[str]) -> None:
    from datetime import date

    from bot.extract import extract_statements
    from bot.extract.jsonl import run_jsonl

    t0 = time.process_time()
    # One-time loads (country table, dateparser) are timed apart from the per-article figure.
    extract_statements('"It is over," Ana Silva of France said last month.', date(2024, 1, 5))
    print(f"start-up (imports, country table, dateparser): {time.process_time() - t0:.2f} s CPU")
    for name in argv or DEFAULT:
        gold = Path(name) if Path(name).exists() else SHARED / "eval" / name
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as out, gold.open() as src:
            lines = src.readlines()
            t0 = time.process_time()
            n = run_jsonl(lines, out)
            cpu = time.process_time() - t0
        score = subprocess.run([sys.executable, str(SHARED / "tools" / "score_quotes.py"), str(gold), out.name],
                               capture_output=True, text=True, check=True).stdout
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"== {gold.name}")
        print(score.strip())
        print(f"speed: {n} articles in {cpu:.2f} s CPU = {n / cpu:.0f} articles/s; peak RSS {rss:.0f} MB")
        print(json.dumps({"file": gold.name, "articles_per_s": round(n / cpu)}))
    if not argv:
        _unseen(extract_statements)


def _unseen(extract: Callable[..., list]) -> None:
    from bot.extract.cues import LEXICON

    annotated = {json.loads(line)["id"] for line in (SHARED / "eval" / "news-dev.jsonl").open()}
    pages = json.loads((SHARED / "articles" / "scrapinghub" / "ground-truth.json").read_text())
    counts = {"speech verbs and 'according to'": 0, "learned cues": 0, "'Name:' labels": 0, "floating quotes": 0}
    n = 0
    for key, page in pages.items():
        if key in annotated:
            continue
        n += 1
        for s in extract(page.get("articleBody") or "", None):
            kind = ("floating quotes" if s.cue is None else "learned cues" if LEXICON.is_learned(s.cue.lower())
                    else "'Name:' labels" if s.cue == ":" else "speech verbs and 'according to'")
            counts[kind] += 1
    print(f"== {n} unannotated scrapinghub pages: statements by kind of cue")
    print("; ".join(f"{k} {v}" for k, v in counts.items()))


if __name__ == "__main__":
    main(sys.argv[1:])
