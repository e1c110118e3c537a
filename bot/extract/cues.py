"""The reporting verbs that mark a statement, as compiled patterns."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

DATA = Path(__file__).parent / "data"
# What may follow "added" when it is no statement: "Barcelona added a goal", "the club added two players", "added to
# his titles", "the costs add up", "Smith added his seventh".
THING_OBJECT = re.compile(r"(?:a|an|another|one|two|three|four|five|six|seven|eight|nine|ten|several|more|\d[\d,.]*)\s"
                          r"|(?:to|up)\b|(?:his|her|their|its)\s+(?:first|second|third|\w+th|\d+(?:st|nd|rd|th))\b",
                          re.I)
# "a family of proteins called G-coupled receptors", "a tool called Patient Watch, collects": naming, not speech, when
# a thing is named ("officials called Smith a liar" has people for a subject and the complement that naming lacks).
NAMED_AS = re.compile(r"(?:[A-Z][\w'\u2019.-]*\s*)+(?:\([^)]{1,40}\)\s*)?(?:[,.;:]|$|(?:that|which|who|is|are|was|"
                      r"were|has|have|will|can)\b)")


@dataclass(frozen=True)
class Lexicon:
    """The words that mark a statement, read from bot/extract/data/lexicon.json and cues.json. Frozen: one is
    built per set of learned cues and handed to extract_statements, so cross-validation builds its own and nothing
    reads a module global that another caller changed.

    - form_to_lemma: every cue form and its verb. The hand-written speech and writing acts ("speech_verbs") keep
      their lemma; each learned form (scripts/train_cues.py, PolNeAR train's speech acts: "blasted", "touted") is
      its own lemma. Findings, agreements and signals are not there: each cost statement precision when tried.
    - learned: the learned forms, which need someone to hold them and no quotation.
    - needs_quote: verbs that report speech only when a quotation follows ("condemned it as \"a grave threat\"").
    - needs_said_object: ordinary verbs that report speech only when their object is what was said ("added that").
    - findings / finding_subject: verbs that also report what a study found, not a statement when that is the
      subject ("the study revealed", "polls suggest").
    - takes_audience: verbs whose object is the audience, skipped before the content ("told reporters that").
    - document_sources: papers and polls that are sources in their own right ("the survey shows").
    - papers: what an outlet publishes, which speaks for the outlet ("The Wrap's report claims").
    - disputing: what the writer says of a claim they hold false, in its sentence ("falsely claimed", "said,
      without evidence,"); verdict: the sentence after it that says so ("That is false.", "There is no evidence").
    """

    form_to_lemma: Mapping[str, str]
    learned: frozenset[str]
    needs_quote: frozenset[str]
    needs_said_object: frozenset[str]
    findings: frozenset[str]
    finding_subject: re.Pattern[str]
    takes_audience: frozenset[str]
    document_sources: frozenset[str]
    papers: frozenset[str]
    disputing: re.Pattern[str]
    verdict: re.Pattern[str]
    cue: re.Pattern[str]

    @classmethod
    def build(cls, learned_forms: Iterable[str], lists: Mapping[str, Any] | None = None) -> Lexicon:
        lists = lists if lists is not None else _lists()
        hand = {form: lemma for lemma, forms in lists["speech_verbs"].items() for form in forms}
        forms = set(learned_forms) - hand.keys()
        # A learned form that is a hand verb's base form ("mention") has that verb's lemma, but is read with the
        # learned cues' care: it is a noun as often as a verb ("our previous mention"). The hand verb's own forms
        # ("mentioned") stay hand forms.
        form_to_lemma = {**hand, **{form: form for form in forms}}
        return cls(
            form_to_lemma=MappingProxyType(form_to_lemma),
            learned=frozenset(forms),
            needs_quote=frozenset(lists["needs_quote"]),
            needs_said_object=frozenset(lists["needs_said_object"]),
            findings=frozenset(lists["findings"]),
            finding_subject=re.compile(r"\b(?:" + "|".join(lists["finding_subjects"]) + r")$", re.I),
            takes_audience=frozenset(lists["takes_audience"]),
            document_sources=frozenset(lists["document_sources"]),
            papers=frozenset(lists["papers"]),
            disputing=re.compile(r"\b(?:" + "|".join(map(re.escape, lists["disputing_adverbs"])) + r")\b", re.I),
            verdict=_verdict(lists["verdicts"]),
            cue=re.compile(r"(?<![\w-])(?:" + _trie_pattern(list(form_to_lemma)) + r")(?![\w-])"),
        )

    def find(self, text: str, start: int, end: int) -> list[re.Match[str]]:
        """Reporting verbs in text[start:end], two-word forms ('pointed out') included."""
        return list(self.cue.finditer(text, start, end))

    def is_learned(self, form: str | None) -> bool:
        return form in self.learned


def _verdict(verdicts: list[str]) -> re.Pattern[str]:
    """A sentence that holds the one before it false: "That claim is false.", "There is no evidence", "(False.)"."""
    words = "|".join(map(re.escape, verdicts))
    return re.compile(r"[\s\"\u201d\u2019)]*\(?(?:(?:that|this|it|the|these|those|both)(?: \w+){0,2}?"
                      r"(?:'s|\u2019s| is| was| are| were)(?: \w+ly)? (?:" + words + r")\b"
                      r"|there(?:'s|\u2019s| is| was) no evidence|(?:" + words + r")\.|fact.check:)", re.I)


@lru_cache(maxsize=1)
def _lists() -> dict[str, Any]:
    return json.loads((DATA / "lexicon.json").read_text(encoding="utf-8"))


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


def learned_forms() -> list[str]:
    """The learned cue words the package ships (bot/extract/data/cues.json)."""
    return json.loads((DATA / "cues.json").read_text(encoding="utf-8"))["cues"]


LEXICON = Lexicon.build(learned_forms())  # the package's own: what extraction reads unless handed another


ACCORDING = re.compile(r"(?<![\w-])(?:according to|citing)(?![\w-])", re.I)
PARTICIPLE = re.compile(r"ing$")
