"""Train the statement classifier (bot/extract/classifier.py) and write its weights.

    pip install -e '.[train]'
    python scripts/train_classifier.py ../shared/eval > /tmp/classifier.json
    cp /tmp/classifier.json bot/extract/data/classifier.json

Candidates are what the extractor finds with the neutral model (every candidate the rules produce, none dropped),
on PolNeAR train and news-train. A candidate is a real statement when it matches a gold one by the scorer's rule
(shared characters cover more than 30% of the gold statement, pairs taken greedily, best overlap first): a second
reading of the same words is a negative. PolNeAR's gold keeps only speech and writing acts (its beliefs and
findings are not statements here), as polnear-dev-speech was made. A logistic regression (scikit-learn, fixed seed)
learns P(statement); the threshold is chosen on 5-fold cross-validation over articles (never on news-dev), scored
end to end with score_quotes.py's own matching: the highest threshold whose cross-validated news-train attributed
F1 stays within TOLERANCE of its best, for precision. --report prints the cross-validated figures for each
threshold.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import ModuleType

from bot.extract import classifier
from bot.extract.statements import Statement, TooSlow, extract_statements

sys.path.insert(0, str(Path(__file__).parent))
from train_cues import speech_cue  # noqa: E402  (scripts/ is not a package)

SEED = 0
FOLDS = 5
C = 0.3  # inverse regularisation: chosen on the cross-validation below (see the report)
NEWS_WEIGHT = 4.0  # news-train is the product's kind of news and 30 times smaller than PolNeAR train
TOLERANCE = 0.005
LABEL = "statement"  # or "attributed": a statement with the right speaker
THRESHOLDS = [round(0.05 * i, 2) for i in range(0, 19)]


@dataclass
class Article:
    corpus: str
    gold: list[dict]
    found: list[Statement]
    labels: list[int]
    scores: list[float]


def _scorer(eval_dir: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("score_quotes", eval_dir.parent / "tools" / "score_quotes.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _pred(st: Statement) -> dict:
    return {"start": st.start, "end": st.end, "speaker": st.speaker, "speaker_start": st.speaker_start,
            "speaker_end": st.speaker_end}


def read(path: Path, corpus: str, speech_only: bool, sq: ModuleType) -> list[Article]:
    out = []
    for line in path.open(encoding="utf-8"):
        art = json.loads(line)
        text = art["text"]
        gold = [g for g in art["statements"] if not speech_only or speech_cue(text, g.get("cue") or {})]
        published = date.fromisoformat(art["published"][:10]) if art.get("published") else None
        try:
            found = extract_statements(text, published, model=classifier.NEUTRAL)
        except TooSlow:
            found = []
        labels = [0] * len(found)
        for i, j in sq.match(gold, [_pred(s) for s in found], 0.3):
            gn = sq.gold_name(gold[i])
            right = gn is None or bool(found[j].speaker and sq.names_agree(found[j].speaker, gn))
            labels[j] = 1 if LABEL == "statement" or right else 0
        out.append(Article(corpus, gold, found, labels, [1.0] * len(found)))
    return out


def fit(arts: list[Article], c: float, news_weight: float) -> classifier.Model:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    rows = [{f: 1 for f in st.features} for a in arts for st in a.found]
    y = [lab for a in arts for lab in a.labels]
    w = [news_weight if a.corpus == "news" else 1.0 for a in arts for _ in a.found]
    vec = DictVectorizer()
    x = vec.fit_transform(rows)
    lr = LogisticRegression(C=c, max_iter=2000, random_state=SEED)
    lr.fit(x, y, sample_weight=w)
    weights = {f: round(float(v), 4) for f, v in zip(vec.get_feature_names_out(), lr.coef_[0], strict=True)
               if abs(v) >= 1e-4}
    return classifier.Model(weights=weights, bias=round(float(lr.intercept_[0]), 4), threshold=0.0)


def figures(arts: list[Article], threshold: float, sq: ModuleType) -> dict[str, float]:
    """Statement and attributed P/R/F1 with the candidates scoring below threshold dropped, as the scorer counts."""
    tp = attr = n_pred = n_gold = 0
    for a in arts:
        kept = [_pred(s) for s, p in zip(a.found, a.scores, strict=True) if p >= threshold]
        n_pred += len(kept)
        n_gold += len(a.gold)
        for i, j in sq.match(a.gold, kept, 0.3):
            tp += 1
            gn = sq.gold_name(a.gold[i])
            attr += gn is None or bool(kept[j]["speaker"] and sq.names_agree(kept[j]["speaker"], gn))
    _, _, f = sq.prf(tp, n_pred, n_gold)
    pa, ra, fa = sq.prf(attr, n_pred, n_gold)
    return {"statement_f1": f, "attributed_p": pa, "attributed_r": ra, "attributed_f1": fa}


def cross_validate(arts: list[Article], c: float, news_weight: float) -> None:
    """Give every article its scores from a model trained on the other folds."""
    order = list(range(len(arts)))
    random.Random(SEED).shuffle(order)
    for k in range(FOLDS):
        held = set(order[k::FOLDS])
        model = fit([a for i, a in enumerate(arts) if i not in held], c, news_weight)
        for i in held:
            arts[i].scores = [model.score(st.features) for st in arts[i].found]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("eval_dir", type=Path, help="the folder of the gold sets (../shared/eval)")
    ap.add_argument("--c", type=float, default=C)
    ap.add_argument("--news-weight", type=float, default=NEWS_WEIGHT)
    ap.add_argument("--report", action="store_true", help="print the cross-validated figures to stderr")
    ap.add_argument("--cv-pred", type=Path, help="write news-train's cross-validated predictions here (JSONL)")
    ap.add_argument("--label", choices=["statement", "attributed"], default=LABEL)
    args = ap.parse_args()
    globals()["LABEL"] = args.label
    sq = _scorer(args.eval_dir)
    polnear = read(args.eval_dir / "polnear-train.jsonl", "polnear", True, sq)
    news = read(args.eval_dir / "news-train.jsonl", "news", False, sq)
    arts = polnear + news
    cross_validate(arts, args.c, args.news_weight)
    best = max(figures(news, t, sq)["attributed_f1"] for t in THRESHOLDS)
    threshold = max(t for t in THRESHOLDS if figures(news, t, sq)["attributed_f1"] >= best - TOLERANCE)
    if args.report:
        for t in THRESHOLDS:
            row = "  ".join(f"{name} " + " ".join(f"{v:.3f}" for v in figures(group, t, sq).values())
                            for name, group in (("news-train", news), ("polnear-train", polnear)))
            print(f"t={t:.2f}{' *' if t == threshold else '  '} {row}", file=sys.stderr)
        print("(each: statement F1, attributed P, R, F1; cross-validated)", file=sys.stderr)
    if args.cv_pred:
        with args.cv_pred.open("w", encoding="utf-8") as f:
            for line, a in zip(open(args.eval_dir / "news-train.jsonl", encoding="utf-8"), news, strict=True):
                kept = [_pred(s) for s, p in zip(a.found, a.scores, strict=True) if p >= threshold]
                f.write(json.dumps({"id": json.loads(line)["id"], "statements": kept}) + "\n")
    model = fit(arts, args.c, args.news_weight)
    json.dump({"source": "PolNeAR v1.0.0 train (speech and writing acts) and news-train", "c": args.c,
               "news_weight": args.news_weight, "seed": SEED, "threshold": threshold, "bias": model.bias,
               "weights": dict(sorted(model.weights.items()))}, sys.stdout, indent=0)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
