"""The statement classifier: how likely a candidate the rules found is a real statement (a speech or writing act).

A logistic regression over sparse, general features of the candidate (its rule and cue, the words right around the
cue, the speaker mention's kind, the content's shape), trained by scripts/train_classifier.py on PolNeAR train's
speech and writing acts and news-train. The weights ship as data/classifier.json; scoring is a pure-Python sum, so
start-up imports no numerical library. No feature names an article, a person or a place.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

from bot.extract.sentences import Span
from bot.extract.speakers import Mention

WORD = re.compile(r"[\w'\u2019-]+|[\"\u201c\u201d,.;:!?()\u2014]")
QUOTE_CHARS = "\"\u201c\u201d"
DETERMINERS = {"a", "an", "the", "this", "that", "these", "those", "his", "her", "their", "its", "our", "my",
               "some", "any", "another", "each", "every", "no"}
PRONOUNS = {"he", "she", "they", "it", "we", "i", "you", "him", "them", "us", "me"}
# Words read as themselves around a cue; any other word is read by its shape only (capitalised, number, ...).
CLOSED = DETERMINERS | PRONOUNS | {
    "that", "to", "of", "in", "on", "at", "by", "for", "with", "about", "as", "from", "into", "over", "after",
    "and", "but", "or", "if", "whether", "what", "why", "how", "who", "when", "where", "which", "while", "not",
    "also", "has", "have", "had", "is", "was", "are", "were", "be", "been", "will", "would", "could", "can",
    "should", "may", "might", "must", "did", "does", "do", "then", "later", "earlier", "again", "repeatedly",
    "publicly", "previously", "once", "recently", "last", "this", "up", "out", "off", "back", "there", "so",
    "it", "reporters", "journalists", "officials", "spokesman", "spokeswoman", "spokesperson", "statement",
    "interview", "told", "said", "says", "one", "two", "more", "than", "all", "many", "much", "being", "having",
}


def _shape(word: str) -> str:
    """A word as a feature: closed-class words as themselves, any other by its shape."""
    low = word.lower()
    if low in CLOSED:
        return low
    if word in QUOTE_CHARS:
        return "QUOTE"
    if not word[:1].isalnum():
        # Punctuation as itself; a word the tokenizer read with its apostrophe ("'Half") by its shape.
        return word if len(word) == 1 else _shape(word.strip("'\u2019-") or "x")
    if word[:1].isdigit():
        return "NUM"
    if word.isupper() and len(word) > 1:
        return "UPPER"
    if word[:1].isupper():
        return "Cap"
    if low.endswith("ing"):
        return "x-ing"
    if low.endswith("ed"):
        return "x-ed"
    if low.endswith("ly"):
        return "x-ly"
    return "x"


def _bucket(n: int, edges: tuple[int, ...]) -> str:
    for e in edges:
        if n <= e:
            return f"<={e}"
    return f">{edges[-1]}"


def features(text: str, sent: Span, rule: str, cue: str | None, lemma: str | None, cue_span: Span | None,
             mention: Mention | None, content: list[Span], resolved: bool, has_speaker: bool,
             confidence: float) -> list[str]:
    """The candidate's features, as names; each present feature counts 1."""
    feats = [f"rule={rule}"]
    words = " ".join(text[p.start : p.end] for p in content)
    n_words = len(words.split())
    quoted = any(c in words for c in QUOTE_CHARS)
    feats += [f"len={_bucket(n_words, (2, 4, 8, 15, 30, 60))}", f"quoted={quoted}", f"pieces={min(len(content), 3)}",
              f"rule={rule}|quoted={quoted}"]
    first = words.lstrip(QUOTE_CHARS + " ")[:1]
    feats.append("starts=upper" if first.isupper() else "starts=lower" if first.islower() else "starts=other")
    end = words.rstrip(QUOTE_CHARS + " ")[-1:]
    feats.append(f"ends={end if end in '.!?,' else 'word'}")
    if "?" in words:
        feats.append("question")
    cw = WORD.findall(words)
    if cw:
        feats.append(f"c1={_shape(cw[0])}")
        if len(cw) > 1:
            feats.append(f"c12={_shape(cw[0])}_{_shape(cw[1])}")
    if lemma is not None:
        feats += [f"lemma={lemma}", f"lemma={lemma}|rule={rule}", f"lemma={lemma}|quoted={quoted}"]
    if cue and cue_span is not None:
        form = cue.lower()
        feats.append("cue=" + ("ing" if form.endswith("ing") else "ed" if form.endswith(("ed", "aid", "old", "ote"))
                               else "s" if form.endswith("s") else "base"))
        after = WORD.findall(text[cue_span.end : min(sent.end, cue_span.end + 40)])[:2]
        before = WORD.findall(text[max(sent.start, cue_span.start - 40) : cue_span.start])[-2:]
        a1 = _shape(after[0]) if after else "END"
        a2 = _shape(after[1]) if len(after) > 1 else "END"
        b1 = _shape(before[-1]) if before else "START"
        b2 = _shape(before[-2]) if len(before) > 1 else "START"
        feats += [f"a1={a1}", f"a12={a1}_{a2}", f"b1={b1}", f"b21={b2}_{b1}"]
        if lemma is not None:
            feats += [f"lemma={lemma}|a1={a1}", f"lemma={lemma}|b1={b1}"]
        if content:
            feats.append("content=" + ("before" if content[0].start < cue_span.start else "after"))
        # Where the cue stands in its sentence: a verb far into a long sentence is more often an ordinary one.
        feats.append(f"cue_at={_bucket(len(text[sent.start : cue_span.start].split()), (0, 3, 8, 15, 30))}")
    if mention is None:
        feats.append("mention=none")
    else:
        feats.append(f"mention={mention.kind}")
        mwords = mention.text.split()
        head = mwords[-1].lower() if mwords else ""
        if mention.kind != "name":
            feats.append(f"head={_shape(head) if head not in CLOSED else head}")
            if mention.kind in {"role", "group", "anonymous"} and head.isalpha() and mwords[-1].islower():
                feats.append(f"head_noun={head}")  # "officials", "spokesman", "aides": who speaks for whom
        feats.append(f"mention_words={_bucket(len(mwords), (1, 2, 4, 8))}")
        if mention.role:
            feats.append("mention_role")
        if cue_span is not None:
            feats.append("mention=" + ("before" if mention.start < cue_span.start else "after"))
    feats.append(f"speaker={'resolved' if resolved else 'as-written' if has_speaker else 'none'}")
    # The resolver's confidence is a small scale of named steps (README): each step is its own feature.
    feats.append(f"speaker_confidence={round(confidence, 2)}")
    if mention is not None:
        feats.append(f"speaker_confidence={round(confidence, 2)}|mention={mention.kind}")
    feats.append(f"sent_words={_bucket(len(text[sent.start : sent.end].split()), (8, 15, 25, 40, 70))}")
    if any(c in text[sent.start : sent.end] for c in QUOTE_CHARS):
        feats.append("sent_has_quote")
    return feats


@dataclass(frozen=True)
class Model:
    """The trained weights, the intercept and the shipped thresholds: a candidate scoring below threshold is
    dropped, and one a rule vetoed (features "veto=...") is kept only from vetoed_threshold up (above 1: never)."""

    weights: dict[str, float]
    bias: float
    threshold: float
    vetoed_threshold: float = 2.0

    def score(self, feats: list[str]) -> float:
        """P(real statement), from the features: a sum of weights and a logistic."""
        z = self.bias + sum(self.weights.get(f, 0.0) for f in feats)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def top(self, feats: list[str], n: int = 3) -> list[tuple[str, float]]:
        """The features that weigh most in this decision, for --explain."""
        ranked = sorted(((f, self.weights.get(f, 0.0)) for f in set(feats)), key=lambda fw: -abs(fw[1]))
        return [fw for fw in ranked[:n] if fw[1]]


def load(path: Path | None = None) -> Model:
    data = json.loads((path or Path(__file__).parent / "data" / "classifier.json").read_text(encoding="utf-8"))
    return Model(weights=data["weights"], bias=data["bias"], threshold=data["threshold"],
                 vetoed_threshold=data.get("vetoed_threshold", 2.0))


RULES = Model(weights={}, bias=0.0, threshold=0.0)  # the rules alone: every candidate they keep, no vetoed one
EVERY = Model(weights={}, bias=0.0, threshold=0.0, vetoed_threshold=0.0)  # vetoed ones too: what training reads
