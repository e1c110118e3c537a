"""The reporting verbs that mark a statement, as compiled patterns."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

# Speech and writing acts: verb stems with their inflections, as news writes them. Findings, agreements and signals
# are not statements ("the study concluded", "agreed to pay", "indicated", "signaled", "lobbied"): each
# cost news-train or polnear-dev-speech statement precision more than it gave recall (measured one by one).
SPEECH_VERBS = {
    "say": ["say", "says", "said", "saying"],
    "tell": ["tell", "tells", "told", "telling"],
    "add": ["add", "adds", "added", "adding"],
    "warn": ["warn", "warns", "warned", "warning"],
    "confirm": ["confirm", "confirms", "confirmed", "confirming"],
    "announce": ["announce", "announces", "announced", "announcing"],
    "state": ["stated", "stating"],  # "states" is nearly always the noun
    "explain": ["explain", "explains", "explained", "explaining"],
    "note": ["notes", "noted", "noting"],
    "argue": ["argue", "argues", "argued", "arguing"],
    "insist": ["insist", "insists", "insisted", "insisting"],
    "claim": ["claim", "claims", "claimed", "claiming"],
    "deny": ["deny", "denies", "denied", "denying"],
    "write": ["write", "writes", "wrote", "writing"],
    "tweet": ["tweet", "tweets", "tweeted", "tweeting"],
    "report": ["report", "reports", "reported", "reporting"],
    "declare": ["declare", "declares", "declared", "declaring"],
    "acknowledge": ["acknowledge", "acknowledges", "acknowledged", "acknowledging"],
    "admit": ["admit", "admits", "admitted", "admitting"],
    "suggest": ["suggest", "suggests", "suggested", "suggesting"],
    "predict": ["predict", "predicts", "predicted", "predicting"],
    "promise": ["promise", "promises", "promised", "promising"],
    "vow": ["vow", "vows", "vowed", "vowing"],
    "pledge": ["pledge", "pledges", "pledged", "pledging"],
    "respond": ["responds", "responded", "responding"],
    "reply": ["replies", "replied", "replying"],
    "continue": ["continued"],
    "recall": ["recalls", "recalled", "recalling"],
    "stress": ["stressed", "stresses", "stressing"],
    "emphasize": ["emphasized", "emphasizes", "emphasised"],
    "assert": ["asserted", "asserts", "asserting"],
    "contend": ["contends", "contended"],
    "maintain": ["maintains", "maintained"],
    "concede": ["concedes", "conceded", "conceding"],
    "allege": ["alleges", "alleged", "alleging"],
    "caution": ["cautioned", "cautions", "cautioning"],
    "urge": ["urge", "urges", "urged", "urging"],
    "ask": ["asked", "asks", "asking"],
    "point": ["pointed out", "points out", "pointing out"],
    "remark": ["remarked"],
    "observe": ["observed", "observes"],
    "comment": ["commented"],
    "testify": ["testified", "testifies"],
    "boast": ["boasted", "boasts", "boasting"],
    "complain": ["complained", "complains", "complaining"],
    "estimate": ["estimated", "estimates"],
    "reveal": ["revealed", "reveals", "revealing"],
    "disclose": ["disclosed"],
    "joke": ["joked", "jokes", "joking"],
    "quip": ["quipped"],
    "shout": ["shouted", "shouts", "shouting"],
    "yell": ["yelled", "yells"],
    "scream": ["screamed", "screams"],
    "exclaim": ["exclaimed"],
    "whisper": ["whispered"],
    "plead": ["pleaded", "pleads"],
    "order": ["ordered", "orders"],
    "chant": ["chanted"],
    "hint": ["hinted", "hints"],
    "demand": ["demanded", "demands", "demanding"],
    "reject": ["rejected", "rejects"],
    "recount": ["recounted"],
    "mention": ["mentioned"],
    "post": ["posted"],
    "threaten": ["threatened", "threatens"],
    "accuse": ["accused", "accuses", "accusing"],
    "describe": ["described", "describes", "describing"],
    "call": ["called", "calls", "calling"],
    "condemn": ["condemned", "condemns", "condemning"],
    "dismiss": ["dismissed", "dismisses"],
    "praise": ["praised", "praises"],
    "criticize": ["criticized", "criticised", "criticizes"],
    "label": ["labeled", "labelled"],
    "brand": ["branded"],
    "confess": ["confessed", "confesses", "confessing"],
    "dispute": ["disputed", "disputes", "disputing"],
    "beg": ["begged", "begs", "begging"],
    "implore": ["implored", "implores"],
}
# Verbs that report speech only when a quotation follows ("condemned it as \"a grave threat\"").
NEEDS_QUOTE = {"reject", "order", "chant", "dismiss", "condemn", "label", "brand", "threaten", "ask", "post",
               "estimate", "continue"}
# Ordinary verbs that report speech only when their object is what was said, not a thing: "added that ...",
# '"...," he added', but not "Barcelona added a goal" or "the club added two players".
NEEDS_SAID_OBJECT = {"add"}
THING_OBJECT = re.compile(r"(?:a|an|another|one|two|three|four|five|six|seven|eight|nine|ten|several|more|\d[\d,.]*)\s",
                          re.I)
# Verbs that also report what a document or a study found ("the study revealed", "polls suggest", "the report
# estimated"): not a statement when that is the subject.
FINDINGS = {"reveal", "suggest", "estimate", "predict", "show", "find"}
DOCUMENT = re.compile(r"\b(?:stud(?:y|ies)|polls?|surveys?|reports?|data|research|analys[ie]s|figures|statistics|"
                      r"findings|results|evidence|models?|documents?|records?|filings?)$", re.I)
# Verbs whose object is the audience, skipped before the content: "told reporters that ..."
TAKES_AUDIENCE = {"tell", "warn", "assure", "remind", "ask", "urge"}

FORM_TO_LEMMA = {form: lemma for lemma, forms in SPEECH_VERBS.items() for form in forms}
# Cue words learned from PolNeAR train's speech and writing acts by scripts/train_cues.py: inflections and verbs the
# list above leaves out ("blasted", "touted", "reiterated"); no beliefs or findings. Each is its own lemma and needs no
# quotation.
HAND = frozenset(FORM_TO_LEMMA)
LEARNED: set[str] = set()


def _trie_pattern(words: list[str]) -> str:
    """One regex alternation shaped as a trie: the engine rejects most positions at the first letter."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return emit(trie)


def use_learned(forms: Iterable[str]) -> None:
    """Read these learned cue words from now on, beside the hand-written verbs (cross-validation swaps them)."""
    global CUE
    forms = set(forms) - HAND
    LEARNED.clear()
    LEARNED.update(forms - SPEECH_VERBS.keys())
    for form in set(FORM_TO_LEMMA) - HAND:
        del FORM_TO_LEMMA[form]
    # Each learned form is its own lemma; one that is a hand verb's base form ("accuse") is read as that verb, so
    # that learning it does not make the hand verb's own forms ("accused") read as learned ones.
    FORM_TO_LEMMA.update({form: form for form in forms})
    CUE = re.compile(r"(?<![\w-])(?:" + _trie_pattern(list(FORM_TO_LEMMA)) + r")(?![\w-])")


CUE: re.Pattern[str]
use_learned(json.loads((Path(__file__).parent / "data" / "cues.json").read_text(encoding="utf-8"))["cues"])


def find_cues(text: str, start: int, end: int) -> list[re.Match]:
    """Reporting verbs in text[start:end], two-word forms ('pointed out') included."""
    return list(CUE.finditer(text, start, end))


ACCORDING = re.compile(r"(?<![\w-])(?:according to|citing)(?![\w-])", re.I)
PARTICIPLE = re.compile(r"ing$")
