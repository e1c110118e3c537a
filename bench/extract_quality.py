"""Score the statement extractor on a gold set and time it: `python bench/extract_quality.py [GOLD...]`.

Runs `briefing-bot extract --jsonl` (the same code path evaluation uses) on each gold file, then
../shared/tools/score_quotes.py, and prints the scorer's lines plus articles a second and peak memory.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
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


if __name__ == "__main__":
    main(sys.argv[1:])
