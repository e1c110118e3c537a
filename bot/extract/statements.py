"""The extraction engine: statements with speaker, role, cue, date and place, from article text.

It reads an article paragraph by paragraph and sentence by sentence, in stages that each do one thing:
1. candidates: quotations with a reporting verb, a verb and what it reports, "according to", a transcript's
   "NAME:" label, 'Name: "..."' (_labelled, _sentence, _attribution, _according); each says which rule found it,
   and a rule's doubts are a veto the classifier may overrule ("condemned the move" has no quotation);
2. speaker resolution (_resolved, speakers.People): the mention as written, to a name with a confidence and why;
3. scoring (_kept): hard rules no model overrules (no one to credit, a word capitalised only because it opens the
   sentence, a learned cue with no agent), then the statement classifier's probability against its threshold;
4. date and place (_when_where): said in the sentence, else the speaker's statement before, else the article's date;
then quotations continuing a speaker (_floating) and the article's own verdicts on a claim (_disputed).
The word lists are data (bot/extract/data/lexicon.json, read into one frozen Lexicon); the models are data too
(classifier.json, and resolver.json when one is trained), each handed in, none read from module state.
"""

from __future__ import annotations

import re
import time
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date
from itertools import accumulate

from bot.errors import Unreadable
from bot.extract import classifier, when
from bot.extract.cues import ACCORDING, LEXICON, NAMED_AS, THING_OBJECT, Lexicon
from bot.extract.resolver import MODEL as RESOLVER
from bot.extract.resolver import Model
from bot.extract.sentences import Span, find_quotes, split_sentences
from bot.extract.speakers import (
    FALLBACK,
    LABELLED,
    NOT_NAME,
    PEOPLE_NOUNS,
    ROLE_WORDS,
    SPEAKER_NOUNS,
    UNKNOWN,
    Mention,
    People,
    Resolution,
    mention_after,
    mention_before,
    person_shaped,
)
from bot.extract.subjects import other_subject, sentence_subject, source_before

PARAGRAPH = re.compile(r"[^\n]+")
CONTRACTION = re.compile(r"(?:n't|n\u2019t|'ve|\u2019ve|'d|\u2019d|'re|\u2019re|'ll|\u2019ll|'m|\u2019m)$", re.I)
IMPERSONAL = {"seems", "seemed", "seem", "appears", "appeared", "appear", "sounds", "sounded", "looks", "looked"}
NAME_PARTICLES = {"de", "van", "von", "bin", "al", "da", "del", "la", "le", "of", "the", "for", "and", "&"}
# What may stand between a cue and its content: "said in a statement on Tuesday that ...".
LEAD_IN = re.compile(
    r"(?:\s*(?:,|:|\u2014|that\b|of\b|about\b|(?:again|also|later|then|publicly|repeatedly|falsely|wrongly)\b|"
    r"without (?:offering |providing |citing |giving )?(?:any )?evidence\b|"
    r"(?:on|in|at|during|via|through|over) (?:a |an |his |her |their |the )?(?:(?!that\b)[\w-]+ ){0,2}?"
    r"(?:statement|interview|speech|post|letter|tweet|email|e-mail|press release|press conference|"
    r"news conference|briefing|op-ed|video|message|radio|television|TV|Twitter|Facebook|X|Instagram|blog post|blog|"
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Fox News|CNN|MSNBC|NBC|CBS|ABC)\b"
    r"(?: (?:with|to|on) (?:the )?[A-Z][\w.&'\u2019-]*(?: [A-Z][\w.&'\u2019-]*)*)?|"
    r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|yesterday|today)\b|"
    r"(?:last|this) (?:week|month|year|night)\b))*\s*"
)
AUDIENCE = re.compile(
    r"\s*(?:(?:the |a |an |his |her |their )?(?:[A-Z][\w.&'\u2019-]*(?: [A-Z][\w.&'\u2019-]*)*"
    r"(?: (?:interviewer|host|anchor|reporters?|audience|crowd|newspaper|program|programme|show|podcast))?|"
    r"reporters|journalists|supporters|voters|lawmakers|members|crowds?|audiences?|viewers|listeners|"
    r"him|her|them|us|me|you|the (?:[a-z]+ )?(?:crowd|audience|newspaper|paper|outlet|station|network|"
    r"committee|magazine|agency|broadcaster|channel|senators?|court|jury|room|media|press|public))|"
    r"(?:[a-z]+ ){0,2}(?:reporters|journalists))(?![\w'\u2019-])"  # whole words: "the media" is not "the me"
)
ADVERBS_AT_END = re.compile(r"(?:\s+[a-z]+ly)+\s*$")
# Participles that report speech: ", adding that ..." ends the words before it, and ", repeatedly calling for ..." is
# the clause subject's ("constantly slamming the processor" is not among them).
SPEECH_PARTICIPLES = {"adding", "saying", "calling", "noting", "warning", "arguing", "insisting", "explaining",
                      "describing", "stressing", "claiming", "urging", "telling", "declaring", "acknowledging",
                      "accusing", "suggesting", "asserting", "referring", "citing", "pointing", "reiterating",
                      "echoing", "responding", "speaking", "writing", "quoting"}
PARTICIPLE_CLAUSE = re.compile(
    r",\s+(?:" + "|".join(sorted(SPEECH_PARTICIPLES)) + r")\b"
    r"|,?\s+(?:but|and|while)\s+(?=(?:he|she|they|we|I|[A-Z][\w'\u2019-]+)\s+(?:also\s+)?"
    r"(?:said|says|added|noted|told|argued|insisted)\b)"
)
OTHER_SPEAKER = re.compile(r",\s+(while|whereas|with)\s+(?:the\s+|its\s+|their\s+)?[A-Z][\w.'\u2019&-]*"
                           r"(?:\s+[\w.'\u2019&-]+){0,5}\s+$")
SECOND_VERB = re.compile(r",?\s+(?:and|but)\s+(?:then\s+|also\s+|later\s+)?$")
# "..., while the city's police deny ...", "..., and both analysts and sources in the camp told ...": a clause with a
# subject of its own, in lower case too, before another reporting verb.
OTHER_CLAUSE = re.compile(r"(?:,[\"\u201d]?|[\"\u201d],)\s+(?:while|whereas|and|but)\s+(?=\S)")
COORDINATED = re.compile(r"\b(?:and|but)(?: (?:also|then|later))?\s*$")
CLAUSE_BREAK = re.compile(r"[,;]")
# Verbs news puts before their subject ("..., said X"); after others a noun is their object ("cited problems").
INVERTS = {"say", "add", "write", "continue", "explain", "reply", "respond", "insist", "argue"}
# "said Heiserman of the CORE Teachers.", "says Dossym Satpayev in Almaty.": where the speaker is from.
AFFILIATION = re.compile(r"\s+(?:of|at|in|from|with|for|on)(?:\s+(?!that\b)[\w'\u2019.&-]+){1,5}[.!?\"\u201d]*\s*$")
TAIL = re.compile(r"^[\s,.;:!?\"\u201d\u2019)]*$")
QUOTE_CHARS = "\"\u201c\u201d"
MIN_QUOTE_WORDS = 3
# A statement with no speaker and no more confidence than this is left out: "he" with no one quoted before it is
# only a guess at whoever was named last, and "Unattributed" words help no reader.
UNSURE = FALLBACK
CONTINUING = 0.9  # a quotation continuing the one before it: its speaker's confidence, a little less
# How long reading one article may take, in CPU seconds of the thread reading it (None: no bound): the work the
# article costs, whatever else the machine is doing meanwhile. Tests and benches change it here.
TIME_LIMIT: float | None = 5.0


class TooSlow(Unreadable):
    """An article whose reading passed the time bound: stopped, with a reason fit to show the user."""

    def __init__(self, limit: float) -> None:
        super().__init__("too_slow", f"the article took too long to read (over {limit:g} seconds), so it was not "
                                     "stored; it may be unusually long or repetitive")


class _Clock:
    """One article's time bound, checked between steps (a paragraph, a sentence, a reporting verb, a quote)."""

    def __init__(self, limit: float | None) -> None:
        self.limit = limit
        self.deadline = None if limit is None else time.thread_time() + limit

    def check(self) -> None:
        if self.deadline is not None and time.thread_time() > self.deadline:
            raise TooSlow(self.limit or 0)


@dataclass
class Statement:
    """One thing someone said, located in the article text."""

    text: str
    start: int
    end: int
    kind: str
    speaker: str | None
    speaker_start: int | None
    speaker_end: int | None
    role: str | None
    cue: str | None
    said_on: date | None
    place: str | None
    said_precision: str = "day"  # how precise said_on is: day, week (its Monday), month (its 1st) or year
    # The sentence (or, for a quote continuing another, the earlier statement's sentence) around it.
    context_start: int = 0
    context_end: int = 0
    spans: list[Span] = field(default_factory=list)  # the pieces of a statement split around its speaker
    confidence: float = 1.0  # how sure the speaker is, in [0, 1]: see README, "the extractor's confidence scale"
    rule: str = ""  # the candidate rule that found it: quote+verb, verb+that, according-to, label, continuation...
    resolved: bool = True  # False: speaker is the mention as the article writes it ("a spokesman"), or None
    why: str = ""  # why this speaker, in words: "named in the attribution", "'he' = the person quoted just before"
    disputed: str = ""  # the article's own words holding the claim false: "falsely", "That is false."
    score: float = 1.0  # the statement classifier's P(a real speech or writing act), in [0, 1]
    features: list[str] = field(default_factory=list)  # what the classifier read (--explain shows the weightiest)

    def to_json(self) -> dict:
        d = dict(self.__dict__)  # flat fields: cheaper than dataclasses.asdict's deep copy
        d["said_on"] = self.said_on.isoformat() if self.said_on else None
        del d["context_start"], d["context_end"], d["spans"], d["features"]
        return d


@dataclass
class _Found:
    content: list[Span]
    mention: Mention | None
    cue: str | None
    cue_span: Span | None
    rule: str = ""
    # The rule that would have dropped it ("needs-quote", "short", ...): kept only if the classifier is sure.
    veto: str = ""


STATEMENT_MODEL = classifier.load()  # the shipped statement classifier, read once; never changed


def extract_statements(text: str, published: date | None = None, lexicon: Lexicon = LEXICON,
                       resolver: Model | None = RESOLVER,
                       statement_model: classifier.Model = STATEMENT_MODEL) -> list[Statement]:
    """Every statement in the article, in text order; TooSlow when reading it takes over TIME_LIMIT seconds.
    lexicon: the cue words to read (the package's own unless cross-validation hands in another); resolver: the
    speaker resolver's model (likewise; None: the hand rules alone); statement_model: the statement classifier,
    which scores each candidate and drops those below its threshold (classifier.RULES: what the rules keep)."""
    clock = _Clock(TIME_LIMIT)
    if "''" not in text:
        return _extract(text, published, clock, lexicon, resolver, statement_model)
    # Some papers (the NYT's archive style) write quotation marks as two apostrophes. Read them as '"' plus a
    # space, which keeps every offset, then give each statement its words as the article wrote them.
    found = _extract(text.replace("''", '" '), published, clock, lexicon, resolver, statement_model)
    for st in found:
        # A closing mark read as '"' ends one character early: take in its second apostrophe.
        st.spans = [Span(p.start, p.end + 1) if text[p.end - 1 : p.end + 1] == "''" else p for p in st.spans]
        st.end = st.spans[-1].end
        st.text = " \u2026 ".join(text[p.start : p.end] for p in st.spans)
    return found


def _extract(text: str, published: date | None, clock: _Clock, lex: Lexicon, model: Model | None,
             judge: classifier.Model) -> list[Statement]:
    paragraphs = [(para, find_quotes(text, para.start(), para.end())[0]) for para in PARAGRAPH.finditer(text)]
    people = People(model=model)
    people.prescan(text, [(q.start, q.end) for _, quotes in paragraphs for q in quotes])
    first_line_end = len(text) if (nl := text.find("\n")) < 0 else nl
    lowered: str | None = None  # the text in lower case, made once, for a title line's capitalised verbs
    out: list[Statement] = []
    latest = _Latest()
    lookups = _Lookups(text)
    for para, quotes in paragraphs:
        clock.check()
        if para.start() > first_line_end and _headline(para.group()):
            continue  # "Biden says he will run again" between paragraphs: a link to another story
        para_out: list[Statement] = []
        labelled = _labelled(text, para, people, lookups, lex)
        if labelled is not None:
            st = _statement(text, Span(para.start(), para.end()), labelled, people, published, latest, lex)
            if st is not None and _kept(text, Span(para.start(), para.end()), labelled, st, judge, lex):
                para_out.append(st)
                latest.add(st)
        starts = [q.start for q in quotes]
        for sent in split_sentences(text, para.start(), para.end(), quotes):
            clock.check()
            people.previous_start, people.sentence_start = people.sentence_start, sent.start
            sent_quotes = quotes[bisect_left(starts, sent.start) : bisect_left(starts, sent.end)]
            cue_text = text
            if sent.start <= first_line_end and _title_cased(text[sent.start : sent.end]):
                lowered = lowered or text.lower()
                cue_text = lowered if len(lowered) == len(text) else text
            if _writers_question(text, sent, sent_quotes):
                continue  # "What did the prosecutors say?": the writer asks; no one is quoted saying it
            for found in _sentence(text, sent, sent_quotes, cue_text, clock, lex):  # 1. candidates
                st = _resolved(text, sent, found, people, lex)  # 2. speaker resolution
                if not _someone(st) or _capitalised_word(text, found.mention, lookups) \
                        or lex.is_learned(st.cue) and not _agent(text, found.mention, st.speaker, st.cue, lookups, lex):
                    continue  # 3. scoring: say less rather than guess; no model overrules these
                if _kept(text, sent, found, st, judge, lex):  # 3. scoring: the classifier
                    if found.veto and found.mention and st.speaker and st.resolved:
                        people.heard(found.mention, st.speaker)
                    _when_where(text, sent, st, published, latest)  # 4. date and place
                    para_out.append(st)
                    latest.add(st)
        para_out += _floating(text, para.start(), quotes, para_out, out, clock, judge)
        for st in para_out:
            st.disputed = _disputed(text, st, lex)
        para_out.sort(key=lambda s: s.start)
        latest.end_paragraph(para_out)
        out += para_out
    return out


ASKS = re.compile(r"\W*(?:(?:and|but|so|or|yet|then)\s+)?(?:what|why|how|who|whom|whose|when|where|which|is|are|was|"
                  r"were|do|does|did|has|have|had|can|could|will|would|should|shall|may|might|must)\b", re.I)


CUE_BEFORE_COLON = re.compile(r"\b(?:ask|asks|asked|asking|wonder|wonders|wondered|said|says|wrote|writes|tweeted|"
                              r"posted|added)\b[^.!?]*$")


def _writers_question(text: str, sent: Span, quotes: list[Span]) -> bool:
    """A sentence that opens as a question and ends with a question mark outside any quotation: the writer's own
    question ("But has he called for changing them?"). One that reports a question is kept ("He asked: ...?")."""
    end = len(text[sent.start : sent.end].rstrip()) + sent.start - 1
    if text[end] != "?" or any(q.start < end < q.end for q in quotes):
        return False
    colon = text.rfind(": ", sent.start, end)  # "More to the point: how did he write those books?"
    if ASKS.match(text, sent.start, end) is not None:
        return True
    return colon >= 0 and not any(q.start <= colon < q.end for q in quotes) \
        and ASKS.match(text, colon + 2, end) is not None \
        and not CUE_BEFORE_COLON.search(text, max(sent.start, colon - 40), colon)


def _disputed(text: str, st: Statement, lex: Lexicon) -> str:
    """The writer's words that hold the claim false, if any: around it in its sentence ("falsely claimed that",
    "said, without evidence, that"), or the sentence right after it ("That is false.", "There is no evidence")."""
    gaps = [Span(a.end, b.start) for a, b in zip(st.spans, st.spans[1:], strict=False)]
    spans = [Span(st.context_start, st.start), *gaps, Span(st.end, st.context_end)]
    for p in spans:
        if (m := lex.disputing.search(text, p.start, p.end)) is not None:
            return m.group()
    verdict = lex.verdict.match(text, st.context_end)
    if verdict is None:
        return ""
    sentence_end = re.search(r"[.!?]|$", text[verdict.end() - 1 : verdict.end() + 200])
    end = verdict.end() - 1 + (sentence_end.end() if sentence_end else 0)
    return text[verdict.start() : end].strip().strip('"\u201d)')


HEADLINE_END = tuple(".!?\"\u201d\u2019)\u2026:;,")


def _kept(text: str, sent: Span, f: _Found, st: Statement, judge: classifier.Model, lex: Lexicon) -> bool:
    """Score a candidate with the statement classifier: whether it reaches the model's threshold."""
    lemma = None if f.cue is None else lex.form_to_lemma.get(f.cue, f.cue.lower())
    st.features = classifier.features(text, sent, st.rule, f.cue, lemma, f.cue_span, f.mention, st.spans,
                                      st.resolved, st.speaker is not None, st.confidence)
    if f.veto:
        st.features += [f"veto={f.veto}", f"veto={f.veto}|lemma={lemma}"]
    st.score = judge.score(st.features)
    return st.score >= (judge.vetoed_threshold if f.veto else judge.threshold)


def _headline(para: str) -> bool:
    """A one-line paragraph of a few words that does not end as a sentence ends: a related story's headline."""
    line = para.strip()
    return "\n" not in line and len(line.split()) <= 15 and not line.endswith(HEADLINE_END)


def _someone(st: Statement) -> bool:
    """Whether a statement has someone to credit: a speaker, or an anonymous source the article itself leaves
    unnamed. Words whose 'he' or 'it' stands for no one found are left out: say less rather than guess."""
    return st.speaker is not None or st.confidence > UNSURE


class _Latest:
    """The latest statement by each speaker, in the order statements were found: where a statement that says no
    date or place takes them from. A lookup per statement, not a walk back over all the article's statements."""

    def __init__(self) -> None:
        self.before: dict[str, Statement] = {}  # in the paragraphs read, in text order
        self.here: dict[str, Statement] = {}  # in the paragraph being read, in the order found

    def add(self, st: Statement) -> None:
        if st.speaker:
            self.here[st.speaker] = st

    def end_paragraph(self, para_out: list[Statement]) -> None:
        self.before.update((s.speaker, s) for s in para_out if s.speaker)
        self.here.clear()

    def of(self, speaker: str | None) -> Statement | None:
        return (self.here.get(speaker) or self.before.get(speaker)) if speaker else None


def _sentence_initial(text: str, i: int) -> bool:
    before = text[max(0, i - 3) : i].rstrip(" \"\u201c")
    return not before or before[-1] in ".!?\n"


class _Lookups:
    """Answers about the whole article, worked out once per article and word: an article saying "Water believes"
    or "SMITH:" a thousand times is read once for the word, not a thousand times. They go with the article."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._mid_sentence: dict[str, bool] = {}
        self._outside_labels: dict[str, list[int]] = {}
        self._lower: dict[str, bool] = {}

    def named_mid_sentence(self, word: str) -> bool:
        if word not in self._mid_sentence:
            self._mid_sentence[word] = _named_mid_sentence(self.text, word)
        return self._mid_sentence[word]

    def written_lower(self, word: str) -> bool:
        """Whether the article writes the word in lower case somewhere ("stir" for "Stir")."""
        if word not in self._lower:
            self._lower[word] = re.search(r"\b" + re.escape(word.lower()) + r"\b", self.text) is not None
        return self._lower[word]

    def named_outside_labels(self, surname: str) -> list[int]:
        if surname not in self._outside_labels:
            self._outside_labels[surname] = _named_outside_labels(self.text, surname)
        return self._outside_labels[surname]


def _named_mid_sentence(text: str, word: str) -> bool:
    """Whether the article capitalises the word where a sentence does not start: a proper name."""
    return any(not _sentence_initial(text, m.start()) for m in re.finditer(r"\b" + re.escape(word) + r"\b", text))


def _capitalised_word(text: str, mention: Mention | None, lookups: _Lookups) -> bool:
    """A one-word 'name' that opens a sentence, is never capitalised elsewhere and is written in lower case
    elsewhere in the article: a word capitalised because it starts the sentence ("Stir together ..."), no one."""
    if mention is None or mention.kind != "name" or " " in mention.text or not _sentence_initial(text, mention.start):
        return False
    word = mention.text
    if word.lower() in PEOPLE_NOUNS or word.endswith("s"):
        return False  # "Prosecutors told reporters", "Delegates questioned": people all the same
    return not lookups.named_mid_sentence(word) and lookups.written_lower(word)


def _agent(text: str, mention: Mention | None, speaker: str | None, cue: str | None, lookups: _Lookups,
           lex: Lexicon) -> bool:
    """Whether a learned cue ("endorsed", "believes") has someone to hold it: a person, a role, an organisation
    or a group of people. In general news such words mostly follow things ("the videos show", "the sites offered")."""
    if mention is None:
        return False
    words = mention.text.split()
    if any(CONTRACTION.search(w) for w in words):
        return False  # "didn't", "we've": a clause, not a subject
    head = words[-1].lower()
    if mention.kind == "role" or head in lex.document_sources:
        return True  # "the candidate believes", "a new poll shows"
    if head in {"they", "it"}:
        # "they fear", "it endorsed": someone holds the view, though the text may not say who; but "it seems" holds
        # nothing, and "I" or "we" outside a quotation is the writer's own voice.
        return not (head == "it" and cue in IMPERSONAL)
    if speaker is None:
        return False  # "you feel", "Often" or "the videos" show: no one holds a view there
    if mention.kind == "pronoun":
        return True
    if mention.kind == "name":
        if len(words) == 1 and _sentence_initial(text, mention.start) and not lookups.named_mid_sentence(words[0]) \
                and not (words[0].endswith("s") and words[0][:-1].isalpha()):
            # "Water", "Research", "Sitting" at a sentence's start are capitalised there, not names; plurals such as
            # "Delegates" or "Scholars" are groups of people all the same.
            return False
        return all(w[:1].isupper() or w.lower() in NAME_PARTICLES for w in words)
    return mention.kind == "group" and (words[-1][:1].isupper() or head in PEOPLE_NOUNS)


def _title_cased(sentence: str) -> bool:
    """A title line capitalises its verbs ("Cruz Slams Trump Over ..."). Only the article's first line is read so:
    lists of other stories' titles further down are not its news."""
    words = sentence.split()
    return len(words) >= 3 and sum(w[:1].isupper() for w in words) >= 0.7 * len(words)


def _sentence(text: str, sent: Span, quotes: list[Span], cue_text: str, clock: _Clock, lex: Lexicon) -> list[_Found]:
    """cue_text is the text cues are looked for in: the text itself, or a title line in lower case (same offsets)."""
    found: list[_Found] = []
    covered: list[Span] = []
    vetoed = 0  # how many of found a rule vetoed
    for m in _cues(text, cue_text, sent, quotes, lex):
        clock.check()
        if any(c.start <= m.start() < c.end for c in covered):
            inner = _inner(text, sent, quotes, m, lex)
            if inner is not None and not any(_same_words(inner.content, g.content) for g in found
                                             if g.cue_span is not None and g.cue_span.start > inner.content[0].start):
                found.append(inner)  # the outer statement keeps its words: they report this one too
            continue
        f = _attribution(text, sent, quotes, m, [g for g in found if not g.veto], lex)
        if f is None or any(_same_words(f.content, g.content) for g in found if not g.veto):
            continue
        if f.rule == "according-to" and _reports_itself(text, sent, quotes, f, m, lex):
            continue  # "According to NPR, Li Jifeng, a doctor, wrote that ...": Li's words, read from her own verb
        if not f.veto:
            # A reading the rules keep wins over a vetoed one of the same words; a vetoed one covers nothing.
            if vetoed:  # (most sentences have none: no second pass over the candidates)
                found = [g for g in found if not (g.veto and _same_words(f.content, g.content))]
                vetoed = sum(1 for g in found if g.veto)
            covered += f.content
        elif any(_same_words(f.content, g.content) for g in found):
            continue
        else:
            vetoed += 1
        found.append(f)
    for colon in COLON_QUOTE.finditer(text, sent.start, sent.end):
        clock.check()
        # 'Republican pollster Daron Shaw: "Historically, ..."': a name, a colon, then the quotation.
        quote = next((q for q in quotes if q.start == colon.end() - 1), None)
        if quote is None or any(c.start <= colon.start() < c.end or c.start <= quote.start < c.end for c in covered):
            continue  # ('Ana Silva told Reuters: "..."': the quotation is hers, read already; Reuters only heard it)
        mention = mention_before(text, sent.start, colon.start())
        if mention is not None and mention.kind in {"name", "role"} and mention.end == colon.start():
            found.append(_Found([quote], mention, ":", Span(colon.start(), colon.start() + 1), "colon-quote"))
    return found


# "..., after employees of a car dealership said he ...", "... when Sondland told officials ...": a subordinate clause
# with a speaker of its own inside the words another verb reports.
SUBORDINATE = re.compile(r"\b(?:after|when|because|before|since|until|once|as)\s+(?:the\s+|a\s+|an\s+)?")
INNER_LEMMAS = {"say", "tell", "write", "report", "announce", "state", "testify"}


RELATIVE_OBJECT = re.compile(r"\b(?:which|whom|what)\s+(?:[^\s,;.]+\s+){0,6}$", re.I)
TESTIFIED_WHERE = re.compile(r"(?:\s+(?:side-by-side|publicly|privately|again|later|today|Tuesday|Monday|Wednesday|"
                             r"Thursday|Friday|Saturday|Sunday))*\s+(?:before|at|in|to|on|during)\s+(?!that\b)"
                             r"(?:(?!\bthat\b)[^,;\"\u201c])*$")
def _relative_object(text: str, sent: Span, mention_start: int, cue_end: int) -> bool:
    """Whether the subject follows 'which', 'whom' or 'what' whose verb's object that pronoun is: 'the lander, which
    Bezos announced'. Not 'in which he said ...' (a setting), nor 'what he called "experiments"' (words quoted)."""
    rel = RELATIVE_OBJECT.search(text, max(sent.start, mention_start - 60), mention_start)
    if rel is None or re.search(r"\b(?:in|on|at|of|for|during|with|by|from|to|under|after)\s+$",
                                text[max(sent.start, rel.start() - 10) : rel.start()]):
        return False
    return not re.match(r"\s*(?:as\s+|it\s+|him\s+|her\s+|them\s+)?(?:an?\s+|the\s+)?[\"\u201c]", text[cue_end:])


CONDITION = re.compile(r"\b(?:if|unless|whether)\s+$", re.I)


def _reports_itself(text: str, sent: Span, quotes: list[Span], f: _Found, m: re.Match, lex: Lexicon) -> bool:
    """Whether the words after an 'according to' source open with a speaker and a reporting verb of their own."""
    after = next((p for p in f.content if p.start >= m.end()), None)
    if after is None:
        return False
    for cue in lex.find(text, after.start, after.end):
        form = cue.group()
        if form.endswith("ing") or lex.is_learned(form) or lex.form_to_lemma.get(form) not in INNER_LEMMAS:
            continue
        own = _attribution(text, Span(after.start, sent.end), quotes, cue, [], lex)
        return own is not None and not own.veto and own.mention is not None and own.mention.start == after.start \
            and own.mention.kind in {"name", "group", "role"}
    return False


def _inner(text: str, sent: Span, quotes: list[Span], m: re.Match, lex: Lexicon) -> _Found | None:
    """A statement reported inside another's words, in a clause of its own: its speaker a name, a role or a group
    named right after the clause's conjunction ("after employees of a dealership said he tried to steal a van")."""
    form = m.group()
    if form.endswith("ing") or lex.is_learned(form) or lex.form_to_lemma.get(form) not in INNER_LEMMAS:
        return None
    if PASSIVE_BEFORE.search(text, max(sent.start, m.start() - 16), m.start()) and BY_AGENT.match(text, m.end()):
        return _attribution(text, sent, quotes, m, [], lex)  # "Vindman said he was told by Bolton to ..."
    opening = max(SUBORDINATE.finditer(text, max(sent.start, m.start() - 80), m.start()), default=None,
                  key=lambda x: x.start())
    if opening is None or any(c in text[opening.end() : m.start()] for c in ",;\"\u201c\u201d"):
        return None
    clause = Span(opening.end(), sent.end)
    f = _attribution(text, clause, [q for q in quotes if q.start >= clause.start], m, [], lex)
    if f is None or f.veto or f.mention is None or f.rule not in {"verb+that", "verb+words"} \
            or f.mention.kind not in {"name", "group", "role"} or text[clause.start : f.mention.start].strip():
        return None
    return f


def _same_words(a: list[Span], b: list[Span]) -> bool:
    """Two readings of one sentence that found (nearly) the same words: keep the first."""
    x, y = _union(a), _union(b)
    size_x, size_y = sum(e - s for s, e in x), sum(e - s for s, e in y)
    return bool(size_x and size_y) and _overlap(x, y) >= 0.8 * min(size_x, size_y)


def _union(spans: list[Span]) -> list[tuple[int, int]]:
    """The characters the spans cover, as ranges in order that neither overlap nor touch."""
    out: list[tuple[int, int]] = []
    for p in sorted((p.start, p.end) for p in spans if p.end > p.start):
        if out and p[0] <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], p[1]))
        else:
            out.append(p)
    return out


def _overlap(x: list[tuple[int, int]], y: list[tuple[int, int]]) -> int:
    """How many characters two such lists of ranges share: counted range by range, not character by character."""
    shared, i, j = 0, 0, 0
    while i < len(x) and j < len(y):
        shared += max(0, min(x[i][1], y[j][1]) - max(x[i][0], y[j][0]))
        if x[i][1] < y[j][1]:
            i += 1
        else:
            j += 1
    return shared


COLON_QUOTE = re.compile(r":\s*[\"\u201c]")
# A paragraph opening with who speaks: "JOEL BENENSON: This is a man ...", "Rep. Trey Gowdy (R-S.C.): ...",
# "Clinton: I support D.C. statehood".
LABEL = re.compile(r"(?P<name>(?:[A-Z][\w.'\u2019-]*)(?: [A-Z][\w.'\u2019-]*){0,3})(?: \([A-Z]-[\w. ]+\))? ?:\s*(?=\S)")
NOT_LABELS = {"photo", "photos", "video", "related", "update", "updated", "note", "source", "sources", "read", "watch",
              "see", "also", "editor", "editors", "credit", "image", "caption", "warning", "breaking", "exclusive",
              "analysis", "opinion", "live", "listen", "correction", "disclosure", "pictured", "top", "more", "click",
              "sign", "subscribe", "follow", "share", "tags", "topics", "filed", "posted", "published", "by",
              "contact", "email", "phone", "tel", "address", "date", "time", "location", "price", "cost", "q", "a",
              "question", "answer", "here", "this", "that", "why", "how", "what", "who", "when", "where", "the",
              "bottom", "step", "part", "chapter", "day", "week", "fact", "facts", "background", "context",
              "quote", "quotes", "summary", "verdict", "result", "results", "score", "final", "total", "example",
              "dear"}


def _named_elsewhere(lookups: _Lookups, surname: str, para_start: int, para_end: int) -> bool:
    """A transcript's or headline's speaker is named in the article outside the labels too."""
    named = lookups.named_outside_labels(surname)
    return bool(named) and (named[0] < para_start or named[-1] >= para_end)


def _named_outside_labels(text: str, surname: str) -> list[int]:
    """Where the article names the surname other than in a 'NAME:' label, in order."""
    named = []
    read, label = 0, LABEL.match(text, 0)  # a line's label is read once, each newline found once
    for m in re.finditer(r"\b" + re.escape(surname) + r"\b", text, re.I):
        newline = text.rfind("\n", read, m.start())
        if newline >= 0:
            label = LABEL.match(text, newline + 1)
        read = m.start()
        if label is None or m.start() >= label.end():
            named.append(m.start())
    return named


def _sentence_like(words: str) -> bool:
    """Four or more words, mostly words, some in lower case: not '1 Green, 1 Red, 1 tsp.' or a list of places."""
    toks = words.split()
    alpha = [t for t in toks if t.strip(".,;:!?\"'()\u201c\u201d").isalpha()]
    return len(toks) >= 4 and len(alpha) >= 0.7 * len(toks) and sum(t.islower() for t in alpha) >= 2


def _labelled(text: str, para: re.Match, people: People, lookups: _Lookups, lex: Lexicon) -> _Found | None:
    """A paragraph that opens with its speaker's name and a colon, as transcripts and headlines write it."""
    m = LABEL.match(text, para.start(), para.end())
    if m is None:
        return None
    name = m.group("name")
    words = name.split()
    if words[0].lower().rstrip(".") in NOT_LABELS | NOT_NAME or words[-1].lower() in NOT_LABELS:
        return None
    document = len(words) == 1 and name.lower() in lex.document_sources  # "Poll: ..." reports
    shaped = person_shaped(name.title() if name.isupper() else name) \
        or len(words) == 1 and person_shaped(people.by_surname.get(name.lower(), ""))
    if not document and not (shaped and _named_elsewhere(lookups, words[-1], para.start(), para.end())):
        return None  # "Update:", "Portion Fix Containers:", a police blotter's names: labels, not speakers
    content = _trim(text, m.end(), para.end())
    if content is None or not _sentence_like(text[content.start : content.end]):
        return None
    mention = Mention(m.start(), m.start() + len(name), name, "name")
    colon = text.index(":", m.end("name"))
    return _Found([content], mention, ":", Span(colon, colon + 1), "label")


OWNED = re.compile(r"^(?P<owner>(?:[A-Z][\w.&-]*\s+){0,3}[A-Z][\w.&-]*)['\u2019]s\s+(?P<rest>.*)$")


def _document_owner(text: str, mention: Mention, lex: Lexicon) -> Mention:
    """"The Wrap's report claims", "according to The Verge's Stadia review": the paper speaks for its owner."""
    m = OWNED.match(mention.text)
    if m is None:
        return mention
    # The paper is the mention's last word ("Wrap's report") or the word right after it ("Verge's Stadia review").
    words = [*m.group("rest").split()[-1:], *text[mention.end : mention.end + 40].split()[:1]]
    if not any(w.lower().strip(".,;:") in lex.papers or w.lower().strip(".,;:") in lex.document_sources
               for w in words):
        return mention
    owner = m.group("owner")
    return Mention(mention.start, mention.start + len(owner), owner, "group")


PERSON_WORDS = PEOPLE_NOUNS | SPEAKER_NOUNS | ROLE_WORDS  # nouns for people, their groups and their offices


def _a_thing(mention: Mention | None, any_kind: bool = False) -> bool:
    """A subject that is neither a name nor people: "a family of proteins", "the new tool"."""
    if mention is None:
        return True
    last = mention.text.split()[-1]
    head = last.lower().strip(".,")
    return (any_kind or mention.kind in {"group", "anonymous"}) and last.islower() \
        and not {head, head.removesuffix("s"), head.removesuffix("es")} & PERSON_WORDS


def _appositive_subject(text: str, sent: Span, cue_start: int) -> bool:
    """Whether all the sentence says before the verb is a person and their role or asides: "Maria Lund, an engineer,",
    "Donna Rawlings, 59, of Ashton, who watched the ceremony,"."""
    subject = mention_before(text, sent.start, cue_start)
    return subject is not None and not text[sent.start : subject.start].strip(' "\u201c') \
        and (subject.role is not None or subject.kind == "name" and text[subject.end : cue_start].lstrip()[:1] == ",")


# What follows a participle that describes a thing: "announced at the start of the week", "published in May".
PARTICIPLE_AFTER = re.compile(r"\s+(?:at|in|on|by|last|earlier|this|during|from|to)\b")


def _described_thing(text: str, sent: Span, end: int) -> bool:
    """Whether a comma and a thing stand right before a participle: '..., a deal announced at ...'."""
    m = APPOSITIVE_THING.search(text, max(sent.start, end - 60), end)
    return m is not None and m.group(1).lower() not in PERSON_WORDS \
        and m.group(1).lower().removesuffix("s") not in PERSON_WORDS


APPOSITIVE_THING = re.compile(r",\s+(?:a|an|the)\s+(?:[a-z][\w-]*\s+){0,2}([a-z][\w-]*)\s+$")


# An aside after a name, between dashes or commas: "John Bolton — Morrison's supervisor — ".
AGENT_ASIDE = re.compile(r"\s*(?:[\u2014\u2013]|--|,)\s*[^\u2014\u2013,.;\"\u201c\u201d]{1,80}?(?:[\u2014\u2013]|--|,)")


def _by_agent(text: str, sent: Span, m: re.Match, start: int, lex: Lexicon) -> _Found | None:
    """A passive reporting verb with its agent: 'he was told by John Bolton to go straight to the lawyers' is
    Bolton's statement; the one it was told to only heard it."""
    agent = mention_after(text, start, sent.end)
    if agent is None or agent.kind not in {"name", "group", "role"} \
            or any(c in text[start : agent.start] for c in ",;\u2014") or len(text[start : agent.start].split()) > 6:
        return None
    end = agent.end
    if (aside := AGENT_ASIDE.match(text, end, sent.end)) is not None:
        end = aside.end()
    lead = LEAD_IN.match(text, end, sent.end)
    cstart = lead.end() if lead else end
    if not text.startswith(("to ", "that "), cstart) and not (lead and lead.group().rstrip().endswith("that")):
        return None  # "was announced by the mayor on Tuesday": nothing said is reported here
    content = _trim(text, cstart + (5 if text.startswith("that ", cstart) else 0), _clause_end(text, cstart, sent.end,
                                                                                                lex))
    if content is None or len(text[content.start : content.end].split()) < 3:
        return None
    return _Found([content], agent, m.group(), Span(m.start(), m.end()), "verb+words")


def _cues(text: str, cue_text: str, sent: Span, quotes: list[Span], lex: Lexicon) -> list[re.Match]:
    ms = [*lex.find(cue_text, sent.start, sent.end), *ACCORDING.finditer(text, sent.start, sent.end)]
    ms.sort(key=lambda m: m.start())
    return [m for m in ms if not any(q.start < m.start() < q.end for q in quotes)]


def _attribution(text: str, sent: Span, quotes: list[Span], m: re.Match, prior: list[_Found],
                 lex: Lexicon) -> _Found | None:
    cue = m.group()
    cue_span = Span(m.start(), m.end())
    if cue.lower() in {"according to", "citing"}:
        return _according(text, sent, m)
    lemma = lex.form_to_lemma[cue]
    if cue.endswith("ing") and (GERUND_AFTER.search(text, max(sent.start, m.start() - 6), m.start())
                                or BE_BEFORE.search(text, max(sent.start, m.start() - 30), m.start())
                                and ENDS_HERE.match(text, m.end())):
        return None  # "studies show that adding exercise helps", "early results are promising.": no one speaks
    if not cue.endswith("ing") and PASSIVE_BEFORE.search(text, max(sent.start, m.start() - 16), m.start()):
        if (by := BY_AGENT.match(text, m.end())) is None:
            return None  # "The price wasn't announced.", "it was reported that": no one is said to have said it
        return _by_agent(text, sent, m, by.end(), lex)  # "he was told by John Bolton to go to the lawyers"
    if cue.endswith("ed") and PARTICIPLE_AFTER.match(text, m.end()) and _described_thing(text, sent, m.start()):
        return None  # "..., a deal announced at the beginning of the week": the deal was announced; no one speaks
    if text[max(sent.start, m.start() - 3) : m.start()].rstrip().endswith(("'s", "\u2019s")) \
            and not POSSESSED_SAYING.match(text, m.end()):
        return None  # "denied Swift's claims, saying": a noun, not a verb ("Trump's claim that ..." reports him)
    if lex.is_learned(cue) and (PASSIVE_AFTER.match(text, m.end()) or STRANDED.match(text, m.end())
                             or NOUN_BEFORE.search(text, max(sent.start, m.start() - 8), m.start())):
        return None  # "the opinions expressed in the article", "a plan endorsed by ...": no one speaks here
    before = text[sent.start : m.start()]
    after_end = _clause_end(text, m.end(), sent.end, lex)
    opening = _opening_quote(text, sent, quotes)
    mention: Mention | None
    # Inverted: '"...," said Austin.' or '..., says the report.'
    # ", repeatedly calling for ...": an adverb between the comma and the participle leaves it the clause's.
    last = ADVERBS_AT_END.sub("", before).rstrip()[-1:] if cue.lower() in SPEECH_PARTICIPLES \
        else before.rstrip()[-1:]
    if last in {",", '"', "\u201d", "\u201c"} and lemma not in lex.needs_quote and lemma not in {"tell", "call"}:
        # ("..., Jack Buser, director for games at Google, tells The Hollywood Reporter.": whom one tells is the
        # audience, never the speaker; "Such damage, called pulmonary fibrosis, is ...": what is called is a name.)
        mention = mention_after(text, m.end(), sent.end)
        tail = text[mention.end : sent.end] if mention else ""
        if mention is not None and opening is None and _appositive_subject(text, sent, m.start()):
            mention = None  # "Maria Lund, an engineer, said the dam held": she is the subject, not the words
        if mention is not None and opening is None and lemma in lex.needs_said_object \
                and _a_thing(mention, any_kind=True):
            mention = None  # "To the pears, add the juice of one lemon": a recipe adds things, no one speaks
        if mention is not None and (opening is not None and _adjacent(text, opening.end, m.start())
                                    or TAIL.match(CLAUSE_BREAK.split(tail)[0])
                                    or lemma in INVERTS and AFFILIATION.match(CLAUSE_BREAK.split(tail)[0])):
            content = _trim(text, sent.start, len(before.rstrip().rstrip(",")) + sent.start)
            return _Found(_with_later_quotes(content, quotes, m.end()), mention, cue, cue_span, "inverted") \
                if content else None
    shared = False  # the speaker is another clause's: what this verb reports follows it
    if prior and (cue.endswith("ing") and last == "," or COORDINATED.search(before[-24:])):
        # "..., adding that ..." / "... and said ...": the verb shares the clause's speaker.
        mention = prior[-1].mention
        shared = True
    elif cue.endswith("ing") and (last == "," or BY_DOING.search(before[-12:])):
        # "The candidate began by ..., saying that ...": the speaker is the sentence's subject.
        mention = sentence_subject(text, sent, m.start())
        shared = True
    else:
        subject_end = m.start()
        be = BE_BEFORE.search(text, max(sent.start, subject_end - 30), subject_end)
        if be and (cue.endswith("ing") or lex.is_learned(cue)):
            subject_end = be.start()  # "Trump has been talking about", "Officials are expected to"
        when_said = SUBJECT_TIME.search(text, max(sent.start, subject_end - 40), subject_end)
        if when_said:
            subject_end = when_said.start()  # "Sean Spicer on Thursday evening said"
        mention = source_before(text, sent, subject_end) or mention_before(text, sent.start, subject_end)
        if mention is not None and cue.endswith("ing") and AFTER_PREPOSITION.search(text, sent.start, mention.start):
            # "Swift posted on Twitter accusing ...": the name after a preposition is a place, not who speaks.
            mention = sentence_subject(text, sent, m.start())
        if mention is None:
            mention = other_subject(text, sent, m.start())
    if mention is None or lemma in lex.findings and (lex.finding_subject.search(mention.text) or _a_thing(mention)):
        return None  # "the study revealed", "those facts suggest": a finding, not words
    if not shared and mention.start < m.start() and CONDITION.search(text, max(sent.start, mention.start - 12),
                                                                      mention.start):
        return None  # "if the patient reports no birds in the home": a condition, not something said
    if not shared and mention.start < m.start() and _relative_object(text, sent, mention.start, m.end()):
        return None  # "the lander, which founder Jeff Bezos announced", "than what McKinley said": the object is before
    if lemma == "testify" and TESTIFIED_WHERE.match(text, m.end(), sent.end):
        return None  # "testified before the House committee on Tuesday.": where, not what
    if lemma == "call" and _a_thing(mention) and not PERSON_OBJECT.match(text, m.end()):
        return None  # "a poem called ...", "the script called for ...": naming or needing, not speech
    if not shared and opening is not None and mention.start > opening.start \
            and _near(text, opening.end, mention.start, lex):
        # '"...," Heyward said, via the Post-Gazette.': a quote opening the sentence, then its speaker.
        words = opening
        continued = CONTINUED.match(text, opening.end, mention.start)
        if continued:
            # '"We are seeing evidence that there are North Korean troops" in Russia, Austin said.': the words
            # after the quotation are part of what was said.
            words = Span(opening.start, continued.end(1))
        return _Found(_with_later_quotes(words, quotes, m.end()), mention, cue, cue_span, "quote+verb")
    if re.match(r"\s*,", text[m.end() : sent.end]) and mention.start > sent.start + 12 \
            and text[sent.start : mention.start].rstrip().rstrip(QUOTE_CHARS)[-1:] == ",":
        # "This campaign, he says, is different." / "..., Sanders said, a policy that ...": the words
        # stand around the attribution.
        content = _trim(text, sent.start, _before(text, mention.start))
        if content and lemma not in lex.needs_quote:
            rest = _trim(text, m.end(), sent.end)
            if rest and text[content.start].isupper() and text[rest.start].islower() \
                    and not text[rest.start:].startswith(("a ", "an ", "which ", "who ")):
                return _Found([content, rest], mention, cue, cue_span, "around")
            return _Found(_with_later_quotes(content, quotes, m.end()), mention, cue, cue_span, "around")
    if not shared and _content_before(text, sent, mention, m):
        # 'Apple was "pulled into the enterprise," CEO Tim Cook said Tuesday in a chat with ...' /
        # '..., Cook said while visiting ...': the words come first, then who said them and where.
        content = _trim(text, sent.start, _before(text, mention.start))
        if content and lemma not in lex.needs_quote:
            return _Found(_with_later_quotes(content, quotes, m.end()), mention, cue, cue_span, "words+verb")
    lead = LEAD_IN.match(text, m.end(), after_end)
    cstart = lead.end() if lead else m.end()
    aside = False  # "Cook told Benioff, which ...": nothing said after the audience
    if lemma in lex.takes_audience:
        aud = AUDIENCE.match(text, cstart, after_end)
        if aud and aud.end() > cstart:
            after_audience = text[aud.end() : aud.end() + 4].lstrip()
            aside = lemma not in lex.needs_quote and mention.start > sent.start + 10 \
                and after_audience[:1] in {",", "."} and after_audience[1:].lstrip()[:1] not in QUOTE_CHARS
            lead2 = LEAD_IN.match(text, aud.end(), after_end)
            cstart = lead2.end() if lead2 else aud.end()
    if aside or TAIL.match(text[cstart:sent.end]) or text[cstart:cstart + 1] in {",", ".", ";"}:
        # '"..." in Russia, Austin said.' / '... , Kirby told reporters.': the content stands before the speaker.
        end = _before(text, mention.start) if mention.start > sent.start else m.start()
        content = _trim(text, sent.start, end)
        if content is not None and len(text[content.start : content.end].split()) < 3 \
                and not any(content.start <= q.start < content.end for q in quotes):
            return None  # "Here's what the reviews say:", "After that, Ford wrote": no words are reported
        if not content:
            return None
        # '..., he estimated.' reports; '..., he ordered the officer to ...' need not
        veto = "needs-quote" if lemma in lex.needs_quote and not TAIL.match(text[cstart:sent.end]) else ""
        return _Found(_with_later_quotes(content, quotes, m.end()), mention, cue, cue_span, "words+verb", veto)
    content = _trim(text, cstart, after_end)
    if content is None or NO_CONTENT.match(text, content.start) or GAP.match(text, content.start) \
            or lemma == "call" and (NAMED_AS.match(text, content.start) and _a_thing(mention)
                                    or PHONED.match(text, content.start) or CALLED_NAME.match(text, content.start)
                                    or CALL_PARTICLE.match(text, content.start)):
        return None
    if _reported_at_end(text, content, lex):
        return None  # "A man pleaded guilty to ..., prosecutors said.": the sentence's last verb reports it all
    said_that = lead is not None and lead.group().rstrip().endswith("that")  # "ordered that ..." reports words
    quoted = any(content.start <= q.start < content.end for q in quotes)
    veto = ""
    if lemma in lex.needs_said_object and not said_that and THING_OBJECT.match(text, content.start):
        veto = "thing-object"  # "added two players"
    elif lemma in lex.needs_quote and not quoted and not said_that \
            and not (lemma == "ask" and QUESTION.match(text, content.start)):
        veto = "needs-quote"  # "condemned the move"
    elif len(text[content.start : content.end].split()) < (1 if lex.is_learned(cue) else 3) and not quoted:
        veto = "short"
    elif lemma in lex.takes_audience and not said_that and not quoted \
            and len(WHEN_WORDS.sub(" ", text[content.start : content.end]).split()) < 3:
        return None  # "told countries on Thursday.": whom and when, but nothing said, whatever a model scores
    return _Found([content], mention, cue, cue_span, "verb+that" if said_that else "verb+words", veto)


WHEN_WORDS = re.compile(r"\b(?:on|last|this|early|late|earlier|later)?\s*(?:Monday|Tuesday|Wednesday|Thursday|"
                        r"Friday|Saturday|Sunday|week|month|year|yesterday|today|morning|afternoon|evening|night)\b"
                        r"|[.,;]", re.I)
AFTER_PREPOSITION = re.compile(r"\b(?:on|in|at|to|with|from|for|by|about|into|via)\s+(?:the\s+)?$")
BE_BEFORE = re.compile(r"\s(?:is|was|are|were|been|being|has been|have been|had been|(?:is|was|are|were)n['\u2019]t)"
                       r"(?: (?:also|still|now|not))?\s+$")
SUBJECT_TIME = re.compile(
    r"\s(?:on |late |early |last |this |earlier |later )?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|"
    r"Sunday|week|month|year|night|yesterday|today)(?: (?:morning|afternoon|evening|night))?,?\s+$"
    # "Clark in October revealed": a month right after a name (not "Theresa May said", not an aside's end)
    r"|(?<=[a-z.])\sin (?:January|February|March|April|May|June|July|August|September|October|November|December)"
    r"\s+$")
# "won the seat by promising ...", "after mocking him": the sentence's subject does the speaking.
BY_DOING = re.compile(r"\b(?:by|after|while|before|when|without|in)\s+$")
# "asked whether ...", "asked Congress to ...": a question or a request put in words.
QUESTION = re.compile(r"(?:whether|if|what|why|how|who|when|where|which|to)\b|(?:[\w.'\u2019-]+ ){1,4}to\b")
# "something Kyiv believes is crucial", "what he said was wrong": the verb's object stood before it.
GAP = re.compile(r"(?:is|are|was|were|has|have|had|will|would|can|could|should|must|may|might|does|did|do)"
                 r"(?:n['\u2019]t)?\b|(?:won|can)['\u2019]t\b")
# "declined to comment": a refusal carries no words to report; nor does "reported for duty".
NO_CONTENT = re.compile(r"to (?:comment|be interviewed|elaborate|respond|answer questions)\b|comment\b"
                        r"|(?:for|to|back to) (?:duty|work)\b")
# "the evidence the governments have pointed to in recent weeks": the object stood before the verb.
STRANDED = re.compile(r"\s+(?:to|at|on|for|about|out|up)\s*(?:in|on|at|that|which|,|\.|$)")
# "the talks", "their hopes": after a determiner the word is a noun.
NOUN_BEFORE = re.compile(r"\b(?:the|a|an|his|her|their|its|our|these|those|this|that)\s+$", re.I)
PASSIVE_AFTER = re.compile(r"\s+(?:by|in the|on the)\b")
def _opening_quote(text: str, sent: Span, quotes: list[Span]) -> Span | None:
    """The quotation a sentence begins with, if it does."""
    first = next((q for q in quotes if q.start >= sent.start), None)
    if first is None or text[sent.start : first.start].strip(" ([\u2014-"):
        return None
    return first


def _adjacent(text: str, end: int, start: int) -> bool:
    # Only punctuation and space between a quote's end and what follows: '," he said' / '" — said'.
    return start >= end and not text[end:start].strip(" ,;:\u2014-\u2013")


SETTING = re.compile(r"\s*,?\s*(?:while|during|at|in|on|before|after|when|as|via|from|outside|inside|last|this|"
                     r"earlier|later|yesterday|today|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
CLOSED_BEFORE = re.compile(r"(?:,[\"\u201d]|[\"\u201d],|,)\s*(?:[\w.'\u2019-]+\s+){0,8}$")


# The verbs that report a whole sentence from its end: "..., officials said.", "..., said Ana Silva, a spokeswoman."
REPORTS_ALL = {"say", "tell", "add", "write", "state", "explain", "testify"}
# What may stand between the comma and such a verb: who spoke, in up to ten words and no clause of its own.
NOT_SPEAKER_WORDS = {"which", "who", "whom", "whose", "that", "what", "although", "though", "and", "but", "or", "while",
                     "because", "as", "if", "when", "where", "since", "so", "yet", "than", "after", "before"}
TRAILING_SPEAKER = re.compile(r",[\"\u201d]?\s+(?:[\w.&'\u2019-]+\s+){0,10}$")


def _reported_at_end(text: str, content: Span, lex: Lexicon) -> bool:
    """Whether the words a verb reports end with a second attribution that reports the whole sentence, the first
    verb included: ", prosecutors said.", ", said the mayor's office in a statement." A verb that is no more than
    part of what was reported ("pleaded guilty", "called for rain") does not say who spoke."""
    for cue in lex.find(text, content.start, content.end):
        form = cue.group()
        if form.endswith("ing") or lex.is_learned(form) or lex.form_to_lemma[form] not in REPORTS_ALL:
            continue
        who = TRAILING_SPEAKER.search(text, max(content.start, cue.start() - 90), cue.start())
        if who is None or not NOT_SPEAKER_WORDS.isdisjoint(who.group().lower().split()):
            continue  # "..., which it said crashed", "..., although they say": a clause of the sentence's own
        rest = text[cue.end() : content.end]
        if len(rest.split()) <= 12 and not any(c in rest for c in QUOTE_CHARS) \
                and not re.match(r"\s+that\b", rest):
            return True
    return False


def _content_before(text: str, sent: Span, mention: Mention, m: re.Match) -> bool:
    """Words, a comma (or a closing quote), the speaker and verb, then only where or when it was said."""
    if not SETTING.match(text, m.end()):
        return False
    lead = LEAD_IN.match(text, m.end())
    if lead and lead.group().rstrip().endswith("that"):
        return False  # "the company said on Friday that ...": the words follow
    before = text[sent.start : mention.start]
    tail = before[-160:]  # anchored searches read only the end of the sentence so far
    if len(before.split()) < 4 or not CLOSED_BEFORE.search(tail):
        return False
    comma = tail.rstrip()[-1:] == "," or re.search(r",[\"\u201d]\s*$|[\"\u201d],\s*$", tail)
    return bool(comma or re.search(r"[\"\u201d]\s*(?:[\w.'\u2019-]+\s+){0,8}$", tail))


CONTINUED = re.compile(r"(\s+[a-z][^,.!?\"\u201c\u201d]*?),\s*$")
TITLE_ABBREVIATION = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|Sgt|Capt|Adm|Maj|Prof|Rev|St)\.")


def _near(text: str, end: int, start: int, lex: Lexicon) -> bool:
    """Only a speaker's titles between a quote and the name: '," NASA planetary scientist Lucas Paganini said'."""
    between = TITLE_ABBREVIATION.sub("", text[end:start])
    return start >= end and not any(c in between for c in '.!?"\u201c\u201d') and len(between.split()) <= 8 \
        and not lex.find(between, 0, len(between))


def _with_later_quotes(content: Span, quotes: list[Span], after: int) -> list[Span]:
    """The content, plus the quotes that continue it after the attribution: '"A," he said, "B."'"""
    return [content] + [q for q in quotes if q.start >= after]


def _according(text: str, sent: Span, m: re.Match) -> _Found | None:
    source_end = _source_end(text, m.end(), sent.end)
    mention = mention_after(text, m.end(), sent.end) or _source_phrase(text, m.end(), source_end)
    if mention is None:
        return None
    if mention.role and mention.role in text[source_end : sent.end]:
        aside = re.match(r"\s*" + re.escape(mention.role) + r"\s*,", text[source_end : sent.end])
        if aside and len(mention.role.split()) <= 8:
            source_end += aside.end()  # "According to Jane Starner, his aunt, the boy ...": the role is hers
        else:
            # "According to Reuters, the inquiry's questions include ...": what follows the comma was said.
            mention = Mention(mention.start, mention.end, mention.text, mention.kind)
    cue_span = Span(m.start(), m.end())
    before = _trim(text, sent.start, m.start())
    after = _trim(text, source_end, sent.end) if source_end < sent.end else None
    if after is not None and len(text[after.start : after.end].split()) < 3:
        after = None
    if before is None or len(text[before.start : before.end].split()) < 3:
        # "According to X, the words." / "Since November, according to X, the words.": they follow the source.
        spans = [p for p in (before, after) if p is not None] if after is not None else []
    elif after is not None and text[m.start() - 2 : m.start()].strip() == "," and text[after.start].islower():
        spans = [before, after]  # "Now, according to the poll, some are swinging": the words stand around it
    else:
        spans = [before]
    return _Found(spans, mention, m.group(), cue_span, "according-to") if spans else None


def _source_end(text: str, start: int, end: int) -> int:
    """Where the source named after 'according to' ends: at the next comma, or the sentence's end."""
    comma = text.find(",", start, end)
    return comma + 1 if comma > 0 else end


def _source_phrase(text: str, start: int, end: int) -> Mention | None:
    """A source the name reader does not know: 'recent polls', 'her lawyers in a court filing'."""
    span = _trim(text, start, end)
    if span is None:
        return None
    words = text[span.start : span.end].rstrip(".").split()
    if not 1 <= len(words) <= 12:
        return None
    kind = "anonymous" if words[0].lower() in {"a", "an", "one", "another"} else "group"
    return Mention(span.start, span.start + len(" ".join(words)), " ".join(words), kind)


def _clause_end(text: str, start: int, end: int, lex: Lexicon) -> int:
    m = PARTICIPLE_CLAUSE.search(text, start, end)
    end = m.start() if m else end
    for cue in lex.find(text, start, end):
        # "described this as X and accused him of Y": a second reporting verb starts a statement of its own.
        joined = SECOND_VERB.search(text, max(start, cue.start() - 16), cue.start())
        if joined and not lex.is_learned(cue.group()):
            return joined.start()
        # "..., while the league condemned it" / "..., with its minister warning of ...": another speaker's clause.
        other = OTHER_SPEAKER.search(text, max(start, cue.start() - 80), cue.start())
        if other and (other.group(1) != "with" or cue.group().endswith("ing")):
            return other.start()
        if (clause := _other_clause(text, start, cue.start())) is not None:
            return clause
    return end


def _other_clause(text: str, start: int, cue_start: int) -> int | None:
    """Where a clause with its own speaker opens before a reporting verb: the comma of "..., while the city's police
    deny", if the words between the conjunction and the verb are that speaker (a few words, no comma, a mention)."""
    for m in OTHER_CLAUSE.finditer(text, max(start, cue_start - 90), cue_start):
        between = text[m.end() : cue_start]
        if "," in between or len(between.split()) > 10:
            continue
        who = mention_before(text, m.end(), cue_start)
        if who is not None and who.start >= m.end() and who.kind != "anonymous":
            return m.start()
    return None


def _before(text: str, mention_start: int) -> int:
    """Where the words end before a speaker's mention: 'the' of 'the Post reported' is not among them."""
    m = TRAILING_DETERMINER.search(text, max(0, mention_start - 8), mention_start)
    return m.start() if m else mention_start


PERSON_OBJECT = re.compile(r"\s+(?:him|her|them|me|us)\b")
PASSIVE_BEFORE = re.compile(r"\b(?:is|was|are|were|been|being|be|(?:is|was|are|were)n['\u2019]t)\s+(?:not\s+|also\s+|"
                            r"widely\s+|previously\s+|first\s+)?$")
BY_AGENT = re.compile(r"\s+by\s+(?!the way\b)")
GERUND_AFTER = re.compile(r"\b(?:that|of)\s+$")
ENDS_HERE = re.compile(r"\s*(?:[.!?;]|$)")
# "called him later", "called her on Tuesday": a telephone call, not words ("called him a liar" says something).
# "Everyone called him Mike": a name given, not words ("called him a liar" says something of him).
CALLED_NAME = re.compile(r"(?:him|her|them|me|us|it)\s+(?:[A-Z][\w'\u2019-]*\s*){1,3}(?:[.,;]|$)")
PHONED = re.compile(r"(?:him|her|them|me|us)\b\s*(?:later|back|again|yesterday|today|on\b|at\b|from\b|to\b|"
                    r"[.;]|$)")
# "called off the strike", "called up reservists": cancelling or summoning, not words.
CALL_PARTICLE = re.compile(r"(?:off|up)\b")
POSSESSED_SAYING = re.compile(r"\s+(?:that\b|[\"\u201c])")
TRAILING_DETERMINER = re.compile(r"\s(?:the|a|an)\s+$", re.I)


def _trim(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start] in " ,:;\u2014-":
        start += 1
    while end > start and text[end - 1] in " ,;:\u2014-":
        end -= 1
    if end - start < 2:
        return None
    return Span(start, end)


def _kind(text: str, spans: list[Span]) -> str:
    s = " ".join(text[p.start : p.end] for p in spans).strip()
    if not any(c in s for c in QUOTE_CHARS):
        return "indirect"
    marks = sum(s.count(c) for c in QUOTE_CHARS)
    if s[:1] in QUOTE_CHARS and s.rstrip(".,!? ")[-1:] in QUOTE_CHARS and marks <= 2 * len(spans):
        return "direct"
    return "mixed"


def _statement(text: str, sent: Span, f: _Found, people: People, published: date | None,
               latest: _Latest, lex: Lexicon) -> Statement | None:
    """A candidate's statement with its speaker resolved (stage 2), then its date and place (stage 4). The labels'
    path; sentences run the stages one by one, scoring between them."""
    st = _resolved(text, sent, f, people, lex)
    _when_where(text, sent, st, published, latest)
    return st


def _resolved(text: str, sent: Span, f: _Found, people: People, lex: Lexicon) -> Statement:
    """Stage 2: the candidate as a statement, its speaker resolved from the mention as written."""
    spans = sorted(f.content, key=lambda s: s.start)
    start, end = spans[0].start, spans[-1].end
    if f.mention is not None:
        f.mention = _document_owner(text, f.mention, lex)
    who = people.resolve(f.mention) if f.mention else Resolution(None, UNKNOWN, "no speaker found", resolved=False)
    speaker = who.name
    if f.mention and speaker and who.resolved and not f.veto:
        people.heard(f.mention, speaker)  # (a vetoed candidate is heard only once the classifier keeps it)
    role = (f.mention.role if f.mention else None) or people.role_of(speaker)
    words = " \u2026 ".join(text[p.start : p.end] for p in spans) if len(spans) > 1 else text[start:end]
    return Statement(
        text=words, start=start, end=end, kind=_kind(text, spans), speaker=speaker,
        speaker_start=f.mention.start if f.mention else None, speaker_end=f.mention.end if f.mention else None,
        role=role, cue=f.cue, said_on=None, place=None,
        context_start=min(sent.start, start),
        context_end=max(sent.end, end), spans=spans, resolved=who.resolved,
        confidence=min(who.confidence, LABELLED) if f.rule == "label" else who.confidence,
        rule="learned-cue" if lex.is_learned(f.cue) else f.rule, why=who.why,
    )


def _when_where(text: str, sent: Span, st: Statement, published: date | None, latest: _Latest) -> None:
    """Stage 4: when and where it was said: in its sentence, else as the speaker's statement before, else the
    article's date."""
    before, after = text[sent.start : st.start], text[st.end : sent.end]
    day, precision = when.said_on(before + " " + after, published)
    place = when.place(before, after)
    prev = latest.of(st.speaker)
    if day is None:
        day, precision = (prev.said_on, prev.said_precision) if prev else (published, "day")
    if place is None and prev is not None:
        place = prev.place
    st.said_on, st.said_precision, st.place = day, precision, place


def _floating(text: str, para_start: int, quotes: list[Span], here: list[Statement],
              earlier: list[Statement], clock: _Clock, judge: classifier.Model) -> list[Statement]:
    """Quotes with no attribution of their own that continue the speaker before them."""
    out: list[Statement] = []
    by_start = sorted(here, key=lambda s: s.start)
    starts = [s.start for s in by_start]
    reach = list(accumulate((s.end for s in by_start), max))  # the furthest end of the statements up to each
    by_end = sorted(range(len(here)), key=lambda k: here[k].end)
    ended = 0  # how many of by_end end before the quote being read (quotes come in text order)
    last = -1  # of those, the one found last: the latest statement before the quote
    for q in quotes:
        clock.check()
        k = bisect_left(starts, q.end)
        if k and reach[k - 1] > q.start:
            continue  # a statement overlaps the quote
        if len(text[q.start : q.end].split()) < MIN_QUOTE_WORDS:
            continue
        while ended < len(by_end) and here[by_end[ended]].end <= q.start:
            last = max(last, by_end[ended])
            ended += 1
        if out:
            src = out[-1]
        elif last >= 0:
            src = here[last]
        elif not text[para_start : q.start].strip() and earlier and earlier[-1].kind != "indirect" \
                and _next_paragraph(text, earlier[-1], para_start):
            # The paragraph opens with the quotation (after any indentation) right after the paragraph of the last
            # statement: it continues that speaker. Past a paragraph of the writer's own, the article may have
            # turned to someone else: a wrong speaker costs more than a missing statement.
            src = earlier[-1]
        else:
            continue
        if (src.speaker is None and src.speaker_start is None) or not _starts_sentence(text, q.start, para_start):
            continue
        st = Statement(text=text[q.start : q.end], start=q.start, end=q.end, kind="direct",
                             speaker=src.speaker, speaker_start=None, speaker_end=None, role=src.role,
                             cue=None, said_on=src.said_on, place=src.place, said_precision=src.said_precision,
                             context_start=min(src.context_start, q.start), context_end=max(src.context_end, q.end),
                             spans=[q], confidence=round(src.confidence * CONTINUING, 2), rule="continuation",
                             resolved=src.resolved, why=f"continues the quotation before it ({src.why})")
        st.features = classifier.features(text, Span(q.start, q.end), "continuation", None, None, None, None, [q],
                                          st.resolved, st.speaker is not None, st.confidence)
        st.features.append(f"source_score={min(9, int(src.score * 10))}")  # a doubtful source, a doubtful sequel
        st.score = judge.score(st.features)
        if st.score >= judge.threshold:
            out.append(st)
    return out


def _next_paragraph(text: str, src: Statement, para_start: int) -> bool:
    """Whether the paragraph at para_start comes right after the line where the statement src ends: nothing with
    words lies between, or one short line handing on to the quotation that names src's speaker or opens with a
    pronoun ("Smith continued:", "He added:")."""
    nl = text.find("\n", src.end, para_start)
    between = "" if nl < 0 else text[nl:para_start].strip()
    if not between:
        return True
    if "\n" in between or not between.endswith(":") or len(between.split()) > 8:
        return False
    surname = (src.speaker or "").split()[-1:]
    return between.split()[0].lower() in {"he", "she", "they"} \
        or bool(surname) and re.search(r"\b" + re.escape(surname[0]) + r"\b", between) is not None


def _starts_sentence(text: str, i: int, para_start: int) -> bool:
    j = i - 1
    while j >= para_start and text[j] == " ":
        j -= 1
    return j < para_start or text[j] in ".!?\"\u201d:"
