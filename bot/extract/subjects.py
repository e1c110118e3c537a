"""Who speaks when no name stands before the verb: described sources, relative clauses, coordinated verbs,
a sentence's subject, and bare noun phrases ("Several supporters of reform said")."""

from __future__ import annotations

import re

from bot.extract.sentences import Span
from bot.extract.speakers import (
    CONTRACTED,
    DATELINE,
    DETERMINERS,
    OPENING_WORDS,
    PEOPLE_NOUNS,
    PREPOSITIONS,
    PRONOUNS,
    ROLE_WORDS,
    SKIP_BEFORE_CUE,
    SPEAKER_NOUNS,
    STOP,
    VERBISH,
    Mention,
    Tok,
    mention_after,
    mention_before,
    opener,
    plausible,
    tokens,
)

REFLEXIVE = {"himself", "herself", "themselves", "itself"}
COORDINATORS = {"and", "but", "yet"}
RELATIVES = {"who", "which", "that"}
# Words that end a subject phrase read backwards from its verb.
CLAUSE_WORDS = {"and", "but", "or", "that", "which", "who", "when", "where", "while", "because", "as", "if",
                "after", "before", "since", "though", "although", "so", "than", "whether", "what", "how"}


def other_subject(text: str, sent: Span, cue_start: int) -> Mention | None:
    """A subject the name-and-role reader does not know: 'Cruz himself said', '... and said' (the sentence's
    subject), '..., who said' (whom the clause is about), 'Several supporters of reform said', '46 percent said'."""
    toks = tokens(text, sent.start, cue_start)
    i = len(toks) - 1
    while i >= 0 and (toks[i].low in SKIP_BEFORE_CUE or (toks[i].low.endswith("ly") and toks[i].text.islower())):
        i -= 1
    if i < 0:
        return None
    if toks[i].low in REFLEXIVE:
        return mention_before(text, sent.start, toks[i].start)
    if toks[i].low in COORDINATORS:
        return sentence_subject(text, sent, toks[i].start)
    if toks[i].low in RELATIVES and i > 0:
        k = i - 1 if toks[i - 1].text != "," else i - 2  # "Tom Perez, who said": the name before the comma
        if k < 0:
            return None
        return mention_before(text, sent.start, toks[k].end) or plausible(_phrase_before(toks, k))
    return plausible(_phrase_before(toks, i))


def source_before(text: str, sent: Span, end: int) -> Mention | None:
    """'a source close to him' (anonymous), 'people familiar with the talks' (a group as described)."""
    source = SOURCE_PHRASE.search(text, max(sent.start, end - 120), end)
    if source is None:
        return None
    phrase = source.group().strip(" ,")
    kind = "group" if source.group("head").endswith(("s", "people")) else "anonymous"
    return Mention(source.start(), source.start() + len(phrase), phrase, kind)


def _phrase_before(toks: list[Tok], i: int) -> Mention | None:
    """The noun phrase ending at token i, read back to a comma or a clause word; None if a verb stands in it."""
    j = i
    while j - 1 >= 0 and toks[j - 1].text[:1].isalnum() and toks[j - 1].low not in CLAUSE_WORDS and i - j < 7:
        j -= 1
    words = toks[j : i + 1]
    if j > 0 and toks[j - 1].text[:1].isalnum() and toks[j - 1].low not in CLAUSE_WORDS:
        return None  # longer than a subject
    lows = [w.low for w in words]
    if (lows[0] in STOP and lows[0] not in DEMONSTRATIVES) or lows[0] in PREPOSITIONS | OPENING_WORDS \
            or lows[-1] in STOP | DETERMINERS \
            or not words[-1].text[:1].isalnum() or any(_not_in_subject(w) for w in lows):
        return None
    kind = "anonymous" if lows[0] in {"a", "an", "one", "another"} else "group"
    return Mention(words[0].start, words[-1].end, " ".join(w.text for w in words), kind)


# "Thirty-one percent of those surveyed say": poll respondents named by how they were asked.
RESPONDENTS = {"surveyed", "polled", "interviewed", "questioned", "asked", "sampled"}
# "a source close to him said", "people familiar with the talks said": sources described, not named.
SOURCE_PHRASE = re.compile(
    r"(?:\b(?:a|an|one|two|three|several|other|another|some|the)\s+)?(?:[\w-]+\s+){0,2}"
    r"(?P<head>source|sources|person|people|official|officials|insider|insiders|aide|aides|adviser|advisers|"
    r"diplomat|diplomats|executive|executives|lawmaker|lawmakers|analyst|analysts)\s+"
    r"(?:close to|familiar with|briefed on|with knowledge of|knowledgeable about|involved in|inside|within|"
    r"who (?:spoke|asked|requested|declined))(?:\s+[\w'\u2019.-]+){1,8}?\s*,?\s*$")
DEMONSTRATIVES = {"those", "these"}  # "Those in favor of reform said"
INSIDE_SUBJECT = {"of", "for", "in", "at", "from", "on"} | DEMONSTRATIVES


def _not_in_subject(w: str) -> bool:
    """A verb, pronoun or clause word: what a bare subject phrase cannot hold."""
    return w in VERBISH or w in PRONOUNS or CONTRACTED.search(w) is not None \
        or (w.endswith(("ed", "ing", "'s", "\u2019s")) and "-" not in w and w not in RESPONDENTS) \
        or (w in STOP and w not in INSIDE_SUBJECT)


SUBJECT_LEAD = re.compile(r"^[A-Z][a-z]+(?: [\w'\u2019-]+){0,4}, ")


def sentence_subject(text: str, sent: Span, end: int) -> Mention | None:
    """The noun phrase a sentence opens with (after an opening phrase such as 'On Monday,')."""
    start = sent.start
    lead = SUBJECT_LEAD.match(text[start:end])
    for begin in (start, start + lead.end()) if lead else (start,):
        owner = POSSESSOR.match(text, begin, end)
        if owner:
            # "Mr. Trump's rivals have seized on it, saying ...": the rivals speak, not Trump.
            phrase = owner.group().strip()
            return Mention(owner.start(), owner.start() + len(phrase), phrase, "group")
        mention = mention_after(text, begin, end)
        for _ in range(2):
            # "However, the group raised alarm ..., and said", "Later, however, it issued ...": the subject
            # follows the opening words.
            if mention is None or not (opener(text, begin, mention) or mention.text in OPENING_WORDS):
                break
            mention = _head_phrase(mention_after(text, mention.end + 1, end)) if text.startswith(",", mention.end) \
                else None
        if mention is not None and PARTICIPLE_OPENING.match(text, mention.start, end):
            # "Rattled by the reviews, as well as the costs, Ruiz revised her plan, promising ...": the subject is
            # the first name after the opening phrase's commas.
            mention = next((x for c in re.finditer(",", text[mention.end : end])
                            if (x := mention_after(text, mention.end + c.end(), end)) is not None
                            and x.kind in {"name", "pronoun", "role"}), None)
        mention = _head_phrase(mention)
        if mention is not None and mention.kind != "anonymous" and not DATELINE.match(text, mention.start):
            return mention
    return None


# A sentence opening with a participle and its preposition: "Rattled by", "Speaking at", "Asked about".
PARTICIPLE_OPENING = re.compile(r"[A-Z][a-z]+(?:ed|ing|en) (?:by|with|about|at|on|in|to|for|from|after|over|"
                                r"under|as|during)\b")




def _head_phrase(m: Mention | None) -> Mention | None:
    """A lower-case subject read on to its verb cut at its head noun: 'the group raised alarm' -> 'the group'."""
    if m is not None and m.kind in {"role", "group"}:
        words = m.text.split()
        first = next((k for k, w in enumerate(words) if w.lower() in SPEAKER_NOUNS | PEOPLE_NOUNS | ROLE_WORDS), None)
        if first is not None and any(w.endswith(("ly", "ed")) and w.islower() for w in words[first + 1 :]):
            # "The doctor subsequently prescribed the man": an adverb or a verb after the noun ends the subject.
            text = " ".join(words[: first + 1])
            return Mention(m.start, m.start + len(text), text,
                           "role" if words[first].lower() in ROLE_WORDS else "group")
    if m is None or m.kind not in {"role", "group"} or m.text[:1].isupper() and m.kind == "group":
        return m
    words = m.text.split()
    nouns = SPEAKER_NOUNS | PEOPLE_NOUNS | ROLE_WORDS
    if words[-1].lower() in nouns:
        return m  # "the company's chief executive": read to its head already
    head = next((k for k, w in enumerate(words) if w.lower() in nouns), None)
    if head is None or words[0].lower() in OPENING_WORDS:
        return None
    after = words[head + 1].lower() if head + 1 < len(words) else ""
    if not (after.endswith(("ed", "s")) or after in VERBISH):
        return m  # "the unreleased department video": no verb after the noun, nothing overread
    text = " ".join(words[: head + 1])
    return Mention(m.start, m.start + len(text), text, "group" if words[head].lower() not in ROLE_WORDS else "role")


POSSESSOR = re.compile(r"(?:(?:Mr|Mrs|Ms|Dr|Sen|Gov|Rep)\. )?(?:[A-Z][\w.-]*\s){0,3}[A-Z][\w.-]*(?:'s|\u2019s)"
                       r"(?:\s[a-z][\w-]*){1,3}?(?=\s(?:have|has|had|were|was|are|is|reached|said|say|says|\w+ed)\b)")
