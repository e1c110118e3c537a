"""A trained speaker resolver: whom "he", "the governor", "the company" or "CBP" stands for.

For a speaker mention that is not a name, every person or organisation the article named before it is a candidate;
each candidate gets features (how recently and how often it was named, whether it opens this sentence or the one
before, whether it spoke last, gender and role-word agreement, whether the mention is its acronym, which hand rule
would pick it) and a logistic model scores it. The best candidate above the model's threshold is the speaker, with
its probability as the confidence; below it the mention is kept as the article writes it, unresolved.

The weights are learned by scripts/train_resolver.py (scikit-learn, training only) and stored in
data/resolver.json; scoring here is plain Python.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

MODEL_PATH = Path(__file__).parent / "data" / "resolver.json"
MAX_CANDIDATES = 12  # the most recently named: an article's speakers are never further back than that
WORD = re.compile(r"\b[a-z][a-z\-]+")
# Abbreviated titles as role words: "Gov. Eric Holcomb" answers to "the governor".
ABBREVIATIONS = {"gov": "governor", "sen": "senator", "rep": "representative", "gen": "general", "pres": "president",
                 "sec": "secretary", "adm": "admiral", "col": "colonel", "lt": "lieutenant", "capt": "captain",
                 "ceo": "executive", "cfo": "officer"}
CONNECTORS = {"of", "and", "&", "for", "the", "de"}  # inside an organisation's name: "Customs and Border Protection"


@dataclass(frozen=True)
class Model:
    """Logistic weights over named features, and the probability from which a candidate is taken."""

    weights: dict[str, float]
    bias: float
    threshold: float
    types: frozenset[str] = frozenset({"he", "she"})  # the mention types it resolves; the hand rules keep the rest

    def prob(self, feats: dict[str, float]) -> float:
        z = self.bias + sum(self.weights.get(k, 0.0) * v for k, v in feats.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def explain(self, feats: dict[str, float], n: int = 3) -> str:
        """The features that weighed most for this score, strongest first: 'spoke_last +1.9, rank0 +0.8'."""
        parts = sorted(((self.weights.get(k, 0.0) * v, k) for k, v in feats.items()), key=lambda x: -abs(x[0]))
        return ", ".join(f"{k} {w:+.1f}" for w, k in parts[:n] if abs(w) >= 0.05)


def load(path: Path = MODEL_PATH) -> Model | None:
    """The shipped model, or None when there is none (the hand rules then answer alone)."""
    if not path.exists():
        return None
    d = json.loads(path.read_text())
    return Model(weights=dict(d["weights"]), bias=float(d["bias"]), threshold=float(d["threshold"]),
                 types=frozenset(d["types"]))


MODEL = load()


@dataclass
class Entity:
    """A person or organisation the article names: its mentions outside quotations, and the words around them."""

    name: str
    kind: str  # person | org | place | group (a group quoted as written: "South Korean officials")
    positions: list[int] = field(default_factory=list)
    context: set[str] = field(default_factory=set)
    gender: str | None = None  # "he" | "she" for a person, when the text says


@dataclass
class Candidate:
    entity: Entity
    feats: dict[str, float]
    prob: float = 0.0


def mention_type(kind: str, text: str, heads: frozenset[str]) -> str | None:
    """Which kind of mention the model resolves (None: the hand rules keep it): a pronoun, a role ("the governor"),
    an organisation noun ("the company", "the statement") or an acronym ("CBP")."""
    words = text.split()
    low = text.lower()
    if kind == "pronoun":
        return low if low in {"he", "she", "they", "it"} else None
    if kind == "role":
        return "role"
    bare = words[1:] if words and words[0].lower() in {"the", "its", "their"} else words
    if kind == "group" and len(bare) == 1 and bare[0].isupper() and 2 <= len(bare[0].rstrip(".")) <= 6:
        return "acronym"
    if kind in {"group", "anonymous"} and words and words[0].lower() in {"the", "its", "a", "an"} \
            and len(words) <= 4 and all(w.islower() for w in words) and words[-1].lower() in heads:
        return "noun"
    return None


def acronym_of(name: str) -> str:
    """'Customs and Border Protection' -> 'CBP'; 'Drug Enforcement Administration' -> 'DEA'."""
    return "".join(w[0] for w in name.replace("-", " ").split() if w.lower() not in CONNECTORS and w[:1].isupper())


def acronyms(name: str) -> set[str]:
    """The initials of a name and of its endings: 'U.S. Customs and Border Protection' -> UCBP, CBP, BP, P."""
    words = [w for w in name.replace("-", " ").split() if w.lower() not in CONNECTORS and w[:1].isupper()]
    return {"".join(w[0] for w in words[k:]) for k in range(len(words) - 1)}


def context_words(text: str, start: int, end: int) -> set[str]:
    """Lower-case words just around a mention: its title before it, its apposition after it."""
    out: set[str] = set()
    for w in WORD.findall(text[max(0, start - 60) : end + 70].lower()):
        out.add(ABBREVIATIONS.get(w, w))
    return out


def features(mtype: str, mention_words: list[str], pos: int, e: Entity, rank: int, ctx: Context) -> dict[str, float]:
    """The features of one (mention, candidate) pair. Crosses with the mention's type are few: the data are few."""
    group = "pron" if mtype in {"he", "she"} else "thing" if mtype in {"they", "it"} else mtype
    f: dict[str, float] = {f"{group}|{e.kind}": 1.0}
    before = [p for p in e.positions if p < pos]
    last = before[-1] if before else pos
    f["dist"] = math.log1p(max(0, pos - last)) / 8
    f[f"{group}|rank{min(rank, 3)}"] = 1.0
    if last >= ctx.sentence_start:
        f["same_sentence"] = 1.0
    elif last >= ctx.previous_start >= 0:
        f["previous_sentence"] = 1.0
    f["count"] = math.log1p(len(before)) / 3
    if e.name == ctx.most_named.get(e.kind):
        f["most_named"] = 1.0
    if ctx.spoken:
        if ctx.spoken[-1] == e.name:
            f[f"{group}|spoke_last"] = 1.0
        elif e.name in ctx.spoken:
            f["spoke_before"] = 1.0
    if mtype in {"he", "she"}:
        f["gender_agree" if e.gender == mtype else "gender_clash" if e.gender else "gender_unknown"] = 1.0
    if group in {"role", "noun"}:
        head = mention_words[-1]
        mods = {w for w in mention_words[:-1] if w not in {"the", "a", "an", "its", "their"}}
        if head in e.context or head in ctx.roles.get(e.name, ""):
            f[f"{group}|head_near"] = 1.0
        if mods & e.context:
            f["modifier_near"] = 1.0
        if head in e.name.lower().split():
            f["head_in_name"] = 1.0
    if mtype == "acronym":
        if "".join(mention_words).upper().rstrip(".") in acronyms(e.name):
            f["acronym"] = 1.0
        if e.name.lower() == mention_words[0].lower():
            f["same_as_mention"] = 1.0  # "CBP" named before "CBP said": the full name, if any, is better
    if e.positions and e.positions[0] == ctx.first_named:
        f["first_named"] = 1.0
    for rule, who in ctx.rules.items():
        if who == e.name:
            f[f"rule:{rule}"] = 1.0
    return f


@dataclass
class Context:
    """What the features read about the article at the mention: set by People for each mention."""

    sentence_start: int
    previous_start: int
    spoken: list[str]  # speakers found so far, latest last
    roles: dict[str, str]  # person -> role the article gave
    most_named: dict[str, str]  # kind -> the entity of that kind named most before the mention
    first_named: int  # where the first entity is named: the article's subject
    rules: dict[str, str]  # hand rule -> whom it would pick


def rank(model: Model, mtype: str, mention_text: str, pos: int, entities: list[Entity], ctx: Context) \
        -> list[Candidate]:
    """The candidates for a mention at pos, best first, each with its probability."""
    words = [ABBREVIATIONS.get(w, w) for w in (x.lower().strip(".,'\u2019") for x in mention_text.split())]
    if mtype == "acronym":
        words = [mention_text.split()[-1].rstrip(".,")]
    named = [e for e in entities if e.positions and e.positions[0] < pos]
    named.sort(key=lambda e: -max(p for p in e.positions if p < pos))
    counts: dict[str, tuple[int, str]] = {}
    for e in named:
        n = sum(1 for p in e.positions if p < pos)
        if n > counts.get(e.kind, (0, ""))[0]:
            counts[e.kind] = (n, e.name)
    ctx.most_named = {k: v[1] for k, v in counts.items()}
    ctx.first_named = min((e.positions[0] for e in named), default=-1)
    out = [Candidate(e, features(mtype, words, pos, e, k, ctx)) for k, e in enumerate(named[:MAX_CANDIDATES])]
    for c in out:
        c.prob = model.prob(c.feats)
    out.sort(key=lambda c: -c.prob)
    return out


# Training only: when a list, every ranking appends (start, end, text, type, [(candidate, features)]) to it.
RECORD: list[tuple[int, int, str, str, list[tuple[str, dict[str, float]]]]] | None = None
