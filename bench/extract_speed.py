"""Time the extractor on hostile articles built to make it slow: `python bench/extract_speed.py [N] [--unbounded]`.

Each input is one article with N (default 5,000) repeats of a pattern: attributed quotes in one paragraph,
quotes by N different people, "according to" clauses, runs of capitalised words, unclosed quotation marks,
one 1.5 MB quotation, quotes in as many paragraphs, and attributions in one sentence that never ends.
Extraction time should grow with the article's length, not its square: doubling N should about double each
time. An article that passes the per-article time bound says so; --unbounded lifts the bound to show the
true cost.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SYLLABLES = ["ba", "ko", "ri", "ten", "mal", "dor", "vi", "su", "len", "gar", "po", "nes", "tri", "hal", "mu", "zan"]


def name(i: int) -> str:
    """A distinct made-up person's name for each i: 'Bako Rimal'."""
    parts = []
    for _ in range(4):
        parts.append(SYLLABLES[i % 16])
        i //= 16
    return f"{(parts[0] + parts[1]).title()} {(parts[2] + parts[3]).title()}n"


def same_speaker(n: int) -> str:
    return " ".join(f'"Quote number {i} is here," said John Smith.' if i % 2 == 0 else
                    f'"Quote number {i} is here," she added.' for i in range(n))


def different_speakers(n: int) -> str:
    return " ".join(f'"Quote number {i} is here," said {name(i)}.' for i in range(n))


def according_to(n: int) -> str:
    return " ".join(f"Prices rose by {i} percent this year, according to {name(i)}." for i in range(n))


def capitalised(n: int) -> str:
    words = ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel", "India", "Juliet"]
    return " ".join(words[i % 10] for i in range(10 * n)) + " said the plan would work."


def unclosed(n: int) -> str:
    return " ".join(f'He said "this is number {i}' for i in range(n))


def one_long_quote(n: int) -> str:
    body = " ".join("word" for _ in range(300 * n // 5))  # 300,000 words, 1.5 MB at N = 5,000
    return f'"{body}," said John Smith.'


def many_paragraphs(n: int) -> str:
    return "\n".join(f'"Quote number {i} is here," said {name(i)}.' for i in range(n))


def one_sentence(n: int) -> str:
    return " ".join(f'"quote number {i} is here," said John Smith, and' for i in range(n)) + " more."


CASES: list[tuple[str, Callable[[int], str]]] = [
    ("attributed quotes in one paragraph", same_speaker),
    ("quotes by different people in one paragraph", different_speakers),
    ("'according to' clauses in one paragraph", according_to),
    ("x10 capitalised words in one paragraph", capitalised),
    ("unclosed quotation marks in one paragraph", unclosed),
    ("x300 words in one quotation", one_long_quote),
    ("attributed quotes in as many paragraphs", many_paragraphs),
    ("attributions in one sentence with no full stop", one_sentence),
]


def main(argv: list[str]) -> None:
    from bot.extract import statements
    from bot.extract.statements import TooSlow, extract_statements

    if "--unbounded" in argv:
        statements.TIME_LIMIT = None  # measure the whole cost, however long
    args = [a for a in argv if a != "--unbounded"]
    n = int(args[0]) if args else 5000
    only = args[1:]
    extract_statements('"It is over," Ana Silva of France said last month.', date(2024, 1, 5))  # one-time loads
    for label, build in CASES:
        if only and not any(o in label for o in only):
            continue
        text = build(n)
        t0 = time.perf_counter()
        try:
            found = f"{len(extract_statements(text, date(2024, 1, 5))):,} statements"
        except TooSlow:
            found = f"stopped by the {statements.TIME_LIMIT:g} s time bound"
        took = time.perf_counter() - t0
        print(f"{n:,} {label} ({len(text) / 1e6:.2f} MB): {took:.2f} s, {found}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
