"""Learn the extra attribution cues from PolNeAR train.

    python scripts/train_cues.py ../shared/eval/polnear-train.jsonl > /tmp/cues.json
    cp /tmp/cues.json bot/extract/data/cues.json   # (the package reads the old file while this runs)

A word form becomes a cue when annotators marked it as (part of) an attribution cue in at least MIN_COUNT
places and in at least MIN_PRECISION of the places it occurs outside quotations. The hand-written speech verbs
in cues.py stay as they are: this adds what they miss ("endorsed", "blasted", "believes", "the poll shows").

The defaults (4, 0.35) were chosen with `python bench/cue_cv.py`: 3-fold cross-validation on polnear-train (learn
on two thirds, score the third with score_quotes.py), taking the loosest setting whose news-dev statement F1 stays
within .01 of the strictest one's: looser settings read more of PolNeAR's beliefs and attitudes, which news-dev
(speech only) does not count. Measured so: (5, .40) CV .651 / news-dev .875; (4, .35) CV .659 / .873;
(5, .30) CV .662 / .862.
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import sys

from bot.extract.sentences import find_quotes

WORD = re.compile(r"[A-Za-z]+(?:[-'][A-Za-z]+)*")
# Function words and nouns that occur inside cue phrases but do not carry them.
NOT_CUES = {"to", "of", "in", "on", "for", "a", "an", "the", "has", "have", "had", "is", "are", "was", "were",
            "been", "be", "also", "about", "with", "not", "did", "do", "does", "out", "against", "t", "that",
            "by", "as", "at", "it", "his", "her", "their", "its", "he", "she", "they", "repeatedly", "publicly",
            "widely", "recently", "strongly", "reportedly", "statement", "interview", "criticism", "clear",
            "known", "named", "titled", "made", "went", "put", "according", "citing", "assertion", "assumption",
            "complaints", "eager", "wary", "outspoken", "impassioned", "footage", "suggestion", "ve", "quick"}


def _quoted(text: str) -> dict[int, bool]:
    """Word starts inside quotation marks: the extractor never reads a cue there ("I think" in a quote)."""
    inside: dict[int, bool] = {}
    for para in re.finditer(r"[^\n]+", text):
        for q in find_quotes(text, para.start(), para.end())[0]:
            for m in WORD.finditer(text, q.start, q.end):
                inside[m.start()] = True
    return inside


def learn(lines: list[str], min_count: int, min_precision: float) -> dict[str, float]:
    seen: collections.Counter[str] = collections.Counter()
    marked: collections.Counter[str] = collections.Counter()
    for line in lines:
        art = json.loads(line)
        text = art["text"].replace("''", '" ')
        quoted = _quoted(text)
        for m in WORD.finditer(text):
            if not quoted.get(m.start()):
                seen[m.group().lower()] += 1
        starts: set[int] = set()
        for st in art["statements"]:
            for s, e in (st.get("cue") or {}).get("spans", []):
                for m in WORD.finditer(text, s, e):
                    if m.start() not in starts and not quoted.get(m.start()):
                        starts.add(m.start())
                        marked[m.group().lower()] += 1
    return {w: round(marked[w] / seen[w], 3) for w in sorted(marked)
            if marked[w] >= min_count and marked[w] / seen[w] >= min_precision and w not in NOT_CUES
            and not w.endswith("ly")}  # adverbs ride along with a cue ("flatly denied"); they are not one


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gold")
    ap.add_argument("--min-count", type=int, default=4)
    ap.add_argument("--min-precision", type=float, default=0.35)
    args = ap.parse_args()
    with open(args.gold, encoding="utf-8") as f:
        cues = learn(f.readlines(), args.min_count, args.min_precision)
    json.dump({"source": "PolNeAR v1.0.0 train", "min_count": args.min_count,
               "min_precision": args.min_precision, "cues": cues}, sys.stdout, indent=0, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
