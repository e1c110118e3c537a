"""Cross-validate the learned cue lexicon: `python bench/cue_cv.py [MIN_COUNT MIN_PRECISION ...]`.

Splits polnear-train into three folds by line; for each, learns the lexicon (scripts/train_cues.py) on the other
two, extracts the held-out third with it and scores all three thirds together with score_quotes.py against their
speech and writing acts only (the attributions whose cue train_cues.is_speech_act accepts: the product's scope).
Then scores news-train with the lexicon learned on all of polnear-train: the guard the thresholds were chosen
against (news-dev stays an unseen check).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT / "scripts"))


def _score(gold_lines: list[str], predict: Callable[[TextIO], None]) -> str:
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as g, \
            tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as p:
        g.writelines(gold_lines)
        predict(p)
    out = subprocess.run([sys.executable, str(SHARED / "tools" / "score_quotes.py"), g.name, p.name],
                         capture_output=True, text=True, check=True).stdout
    return out.strip().splitlines()[-1]


def _speech_only(line: str) -> str:
    """The article with only its speech and writing acts as gold statements."""
    import json

    from train_cues import speech_cue

    art = json.loads(line)
    text = art["text"].replace("''", '" ')
    art["statements"] = [st for st in art["statements"] if speech_cue(text, st.get("cue") or {})]
    return json.dumps(art) + "\n"


def _cross_validate(train: list[str], min_count: int, min_precision: float) -> str:
    from train_cues import learn

    from bot.extract.cues import Lexicon
    from bot.extract.jsonl import run_jsonl

    folds = [[line for i, line in enumerate(train) if i % 3 == k] for k in range(3)]
    lexicons = [learn([line for i, line in enumerate(train) if i % 3 != k], min_count, min_precision)
                for k in range(3)]

    def predict(out: TextIO) -> None:
        for part, cues in zip(folds, lexicons, strict=True):
            run_jsonl(part, out, Lexicon.build(cues))

    return _score([_speech_only(line) for part in folds for line in part], predict)


def main(argv: list[str]) -> None:
    from train_cues import learn

    from bot.extract.cues import Lexicon
    from bot.extract.jsonl import run_jsonl

    train = (SHARED / "eval" / "polnear-train.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    news = (SHARED / "eval" / "news-train.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    pairs = list(zip(argv[::2], argv[1::2], strict=False))
    settings = [(int(a), float(b)) for a, b in pairs] or [(4, 0.5), (3, 0.4), (2, 0.25)]
    for min_count, min_precision in settings:
        cv = _cross_validate(train, min_count, min_precision)
        lexicon = Lexicon.build(learn(train, min_count, min_precision))
        guard = _score(news, lambda out, lexicon=lexicon: run_jsonl(news, out, lexicon))
        print(f"({min_count}, {min_precision}): 3-fold CV on polnear-train {cv}")
        print(f"({min_count}, {min_precision}): news-train {guard}")


if __name__ == "__main__":
    main(sys.argv[1:])
