"""Split a paragraph into quotation spans and sentences, keeping character offsets."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

OPEN_MARKS = "\u201c\""
CLOSE_FOR = {"\u201c": "\u201d\"", '"': '"\u201d'}

ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "st", "sen", "rep", "gov", "gen", "lt", "col", "maj", "capt", "sgt", "adm",
    "cmdr", "jr", "sr", "prof", "rev", "hon", "pres", "inc", "co", "corp", "ltd", "no", "vs", "etc",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "ft", "mt",
    "u.s", "u.n", "u.k", "e.u", "d.c", "a.m", "p.m", "u.s.a", "i.e", "e.g", "ave", "blvd", "dept", "gov't",
}
# A candidate boundary: end punctuation, closing quotes/brackets, then space and a capital or opener.
BOUNDARY = re.compile(r"[.!?]+[\"\u201d\u2019')\]]*(?=\s+[\"\u201c\u2018'(\[]?[A-Z0-9])")
CLOSING_QUOTES = "\"\u201d"
# A capitalised subject of up to four words, then a reporting verb: what follows a quote it attributes.
ATTRIBUTION_NEXT = re.compile(r"\s+(?:[A-Z][\w.'\u2019-]*\s+){1,4}(?:said|says|told|tweeted|wrote|added|asked|"
                              r"replied|explained|insisted|noted|continued|argued|shouted|declared|testified|"
                              r"recalled|responded|warned|claimed|acknowledged|admitted|joked|wondered|exclaimed|"
                              r"posted|stated|remarked|conceded|countered|quipped)\b")
WORD_BEFORE = re.compile(r"([\w.'\u2019-]+)$")


@dataclass(frozen=True)
class Span:
    start: int
    end: int


MARK = re.compile("[\u201c\u201d\"]")


def find_quotes(text: str, start: int, end: int) -> tuple[list[Span], bool]:
    """Quotation spans (marks included) in text[start:end]; the flag says one ran to the end unclosed."""
    spans: list[Span] = []
    opening = -1
    for m in MARK.finditer(text, start, end):
        i, c = m.start(), m.group()
        if opening < 0:
            if c in OPEN_MARKS and _opens(text, i, start):
                opening = i
        elif (c in CLOSE_FOR[text[opening]] or c == "\u201c" and text[i - 1] in ",.!?") and _closes(text, i, end):
            # A typed '\u201c' right after the quotation's last comma or full stop closes it ('unusual,\u201c said').
            spans.append(Span(opening, i + 1))
            opening = -1
    if opening >= 0:
        spans.append(Span(opening, end))
        return spans, True
    return spans, False


def _opens(text: str, i: int, start: int) -> bool:
    # A straight quote opens when it is not glued to a preceding word.
    return text[i] == "\u201c" or i == start or not text[i - 1].isalnum()


def _closes(text: str, j: int, end: int) -> bool:
    return text[j] == "\u201d" or j + 1 >= end or not text[j + 1].isalnum()


def split_sentences(text: str, start: int, end: int, quotes: list[Span]) -> list[Span]:
    """Sentence spans in text[start:end]; never splits inside a quotation (quotes: in order, not overlapping)."""
    out: list[Span] = []
    s = start
    starts = [q.start for q in quotes]
    for m in BOUNDARY.finditer(text, start, end):
        cut = m.end()
        i = bisect_left(starts, m.start()) - 1  # the one quotation that can hold the boundary: the last before it
        if i >= 0 and m.end() < quotes[i].end:
            continue
        if _is_abbreviation(text, m.start(), start):
            continue
        att = ATTRIBUTION_NEXT.match(text, m.end(), min(end, m.end() + 80)) \
            if text[m.end() - 1] in CLOSING_QUOTES else None
        if att is not None and not _new_statement(text, m, att.end()):
            continue  # '"... Kentucky!" Trump tweeted.': the attribution belongs with its quote
        out.append(Span(s, cut))
        s = cut
        while s < end and text[s].isspace():
            s += 1
    if s < end:
        out.append(Span(s, end))
    return out


def _new_statement(text: str, boundary: re.Match, verb_end: int) -> bool:
    """'... an "outlaw nation." Russia insisted that Pyongyang stop': after a full stop, a verb that goes on to say
    something of its own starts a sentence; it does not attribute the quotation before it."""
    if text.startswith((" that ", " to "), verb_end):
        return True
    return boundary.group()[0] == "." and text[verb_end : verb_end + 1] not in {".", ",", ";", ""}


def _is_abbreviation(text: str, dot: int, start: int) -> bool:
    if text[dot] != ".":
        return False
    m = _word_before(text, start, dot)
    if not m:
        return False
    word = m.group(1).lower().rstrip(".")
    if len(word) == 1 and word.isalpha():
        return True  # an initial: "John F. Kennedy"
    return word in ABBREVIATIONS or word.lstrip("(") in ABBREVIATIONS


def _word_before(text: str, start: int, end: int) -> re.Match | None:
    """WORD_BEFORE searched in text[start:end], reading only as far back as the word goes: a search from the
    paragraph's start at every full stop would read a long paragraph once per sentence."""
    width = 64
    while True:
        lo = max(start, end - width)
        m = WORD_BEFORE.search(text, lo, end)
        if m is None or m.start() > lo or lo == start:
            return m  # the word starts inside the window: no earlier start could match
        width *= 4
