"""Train the speaker resolver (bot/extract/data/resolver.json): `python scripts/train_resolver.py [--write]`.

Needs the `train` extra (scikit-learn). Examples come from running the extractor itself, with the hand rules, over
  - ../shared/eval/news-train.jsonl: each pronoun, role, organisation noun or acronym the extractor resolves that
    is a gold speaker; a candidate is right when its name agrees with the gold reference (the scorer's test);
  - ../shared/nlp/gum (with --gum): the same mentions in GUM's documents; a candidate is right when one of its
    mentions is in the mention's coreference chain.
A logistic regression ranks each mention's candidates. Folds are by document (6 folds, fixed seed). The threshold
is the lowest probability at which cross-validated decisions are right at least PRECISION of the time: a wrong
speaker costs a user more than a missing one. It prints, per threshold, the precision and recall of the decisions,
and with --e2e the cross-validated extractor figures on news-train (each fold's articles read with a model trained
on the other folds).
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(SHARED / "tools"))

from bot.extract import resolver  # noqa: E402
from bot.extract.jsonl import parse_date  # noqa: E402
from bot.extract.statements import extract_statements  # noqa: E402

PRECISION = 0.90
FOLDS = 6
SEED = 15
C = 0.5  # inverse regularisation: the examples are a few hundred mentions

Example = tuple[str, str, list[tuple[str, dict[str, float], bool]]]  # (document, mention type, candidates)


def _record(text: str, published: str | None) -> list:
    resolver.RECORD = []
    try:
        extract_statements(text, parse_date(published), resolver=None)
        return resolver.RECORD
    finally:
        resolver.RECORD = None


def news_examples(path: Path) -> Iterator[Example]:
    from score_quotes import gold_name, names_agree

    for line in path.open():
        a = json.loads(line)
        golds = [(set(range(s, e)), gold_name(g)) for g in a["statements"] if g.get("speaker")
                 for s, e in g["speaker"]["spans"]]
        for start, end, _text, mtype, cands in _record(a["text"], a.get("published")):
            ref = next((n for span, n in golds if n and span & set(range(start, end))), None)
            if ref is None:
                continue
            yield a["id"], mtype, [(name, f, names_agree(name, ref)) for name, f in cands]


def gum_docs(folder: Path) -> Iterator[tuple[str, str, list[tuple[int, int, str]]]]:
    """(document, text, [(start, end, chain)]) for each GUM file: paragraphs as blank-line breaks."""
    for path in sorted(folder.glob("GUM_*.conllu")):
        parts: list[str] = []
        pos = 0
        open_: dict[str, list[int]] = {}
        mentions: list[tuple[int, int, str]] = []
        for line in path.open():
            if line.startswith("# newpar") and not line.startswith("# newpar_"):
                if parts:
                    parts.append("\n\n")
                    pos += 2
                continue
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t")
            if "-" in cols[0] or "." in cols[0]:
                continue
            word, misc = cols[1], cols[9]
            if parts and not parts[-1].endswith(("\n", " ")):
                pass
            start = pos
            parts.append(word)
            pos += len(word)
            ent = next((x[len("Entity="):] for x in misc.split("|") if x.startswith("Entity=")), "")
            for opened in _opens(ent):
                open_.setdefault(opened, []).append(start)
            for closed in _closes(ent):
                if open_.get(closed):
                    mentions.append((open_[closed].pop(), pos, closed))
            if "SpaceAfter=No" not in misc:
                parts.append(" ")
                pos += 1
        yield path.stem, "".join(parts), mentions


def _opens(ent: str) -> list[str]:
    import re

    return [m.group(1) for m in re.finditer(r"\((\d+)", ent)]


def _closes(ent: str) -> list[str]:
    import re

    out = []
    for m in re.finditer(r"\((\d+)[^()]*?\)|(\d+)\)", ent):
        out.append(m.group(1) or m.group(2))
    return out


def gum_examples(folder: Path) -> Iterator[Example]:
    for doc, text, mentions in gum_docs(folder):
        for start, end, _text, mtype, cands in _record(text, None):
            chain = next((c for s, e, c in mentions if s <= start and end <= e and e - s <= end - start + 40), None)
            if chain is None:
                continue
            spans = [(s, e) for s, e, c in mentions if c == chain and s < start]
            labelled = []
            for name, f in cands:
                # A candidate is right when the text names it inside a mention of the chain.
                right = any(name.split()[-1] in text[s:e] for s, e in spans)
                labelled.append((name, f, right))
            yield doc, mtype, labelled


def fit(examples: list[Example]):  # -> (DictVectorizer, LogisticRegression)
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    rows = [f for _, _, cands in examples for _, f, _ in cands]
    ys = [int(y) for _, _, cands in examples for _, _, y in cands]
    vec = DictVectorizer()
    x = vec.fit_transform(rows)
    clf = LogisticRegression(C=C, max_iter=2000, class_weight=None, random_state=SEED)
    clf.fit(x, ys)
    return vec, clf


def to_model(vec, clf, threshold: float) -> resolver.Model:
    weights = {k: round(float(w), 4) for k, w in zip(vec.get_feature_names_out(), clf.coef_[0], strict=True)}
    return resolver.Model(weights, round(float(clf.intercept_[0]), 4), threshold)


def decisions(model: resolver.Model, examples: list[Example]) -> list[tuple[float, bool, bool, str]]:
    """(best probability, best is right, any candidate right, mention type) per mention."""
    out = []
    for _, mtype, cands in examples:
        if not cands:
            out.append((0.0, False, False, mtype))
            continue
        scored = sorted(((model.prob(f), y) for _, f, y in cands), key=lambda x: -x[0])
        out.append((scored[0][0], scored[0][1], any(y for _, _, y in cands), mtype))
    return out


def folds(docs: list[str]) -> dict[str, int]:
    order = sorted(set(docs))
    random.Random(SEED).shuffle(order)
    return {d: k % FOLDS for k, d in enumerate(order)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gum", action="store_true", help="add GUM's coreference chains to the examples")
    ap.add_argument("--e2e", action="store_true", help="cross-validated extractor figures on news-train")
    ap.add_argument("--write", action="store_true", help="write bot/extract/data/resolver.json")
    args = ap.parse_args()
    news = list(news_examples(SHARED / "eval" / "news-train.jsonl"))
    gum = list(gum_examples(SHARED / "nlp" / "gum")) if args.gum else []
    print(f"examples: news-train {len(news)} mentions, GUM {len(gum)}")
    fold = folds([d for d, _, _ in news])
    cv: list[tuple[float, bool, bool, str]] = []
    models = {}
    for k in range(FOLDS):
        train = [x for x in news if fold[x[0]] != k] + gum
        vec, clf = fit(train)
        models[k] = to_model(vec, clf, 0.0)
        cv += decisions(models[k], [x for x in news if fold[x[0]] == k])
    n = len(cv)
    reachable = sum(1 for _, _, r, _ in cv if r)
    print(f"news-train CV: {n} mentions, the right one among the candidates for {reachable}; "
          f"argmax right {sum(1 for _, b, _, _ in cv if b)}")
    threshold = 1.0
    for t in [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]:
        taken = [b for p, b, _, _ in cv if p >= t]
        prec = sum(taken) / len(taken) if taken else 1.0
        print(f"  threshold {t:.1f}: resolves {len(taken)}, precision {prec:.3f}, recall {sum(taken) / n:.3f}")
        if prec >= PRECISION and t < threshold:
            threshold = t
    by_type: dict[str, list[bool]] = {}
    for p, b, _, mt in cv:
        by_type.setdefault(mt, []).append(b if p >= threshold else False)
    print(f"threshold {threshold}: right at it, by mention type: "
          + ", ".join(f"{t} {sum(v)}/{len(v)}" for t, v in sorted(by_type.items())))
    if args.e2e:
        _e2e(fold, news, gum, threshold)
    if args.write:
        vec, clf = fit(news + gum)
        model = to_model(vec, clf, threshold)
        out = ROOT / "bot" / "extract" / "data" / "resolver.json"
        out.write_text(json.dumps({"_comment": "scripts/train_resolver.py: logistic weights of bot/extract/resolver.py",
                                   "threshold": model.threshold, "bias": model.bias,
                                   "weights": dict(sorted(model.weights.items()))}, indent=1) + "\n")
        print(f"wrote {out}")


def _e2e(fold: dict[str, int], news: list[Example], gum: list[Example], threshold: float) -> None:
    gold = SHARED / "eval" / "news-train.jsonl"
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as out:
        models = {}
        for k in range(FOLDS):
            vec, clf = fit([x for x in news if fold[x[0]] != k] + gum)
            models[k] = to_model(vec, clf, threshold)
        for line in gold.open():
            a = json.loads(line)
            model = models[fold[a["id"]]] if a["id"] in fold else models[0]
            sts = extract_statements(a["text"], parse_date(a.get("published")), resolver=model)
            out.write(json.dumps({"id": a["id"], "statements": [s.to_json() for s in sts]}) + "\n")
    score = subprocess.run([sys.executable, str(SHARED / "tools" / "score_quotes.py"), str(gold), out.name],
                           capture_output=True, text=True, check=True).stdout
    print("news-train, cross-validated by document:\n" + score.strip())


if __name__ == "__main__":
    main()
