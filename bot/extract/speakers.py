"""Find the speaker mention next to a reporting verb and resolve it to a person or group."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.extract import resolver
from bot.extract.resolver import Entity, Model
from bot.extract.topics import is_place_or_org

# A number keeps its inner separators but not a comma or full stop after it: "2012," is "2012" and ",".
TOKEN = re.compile(r"[A-Za-z\u00C0-\u024F][\w.'\u2019\-]*|\d{1,3}-year-old\b|\d+(?:[,.:]\d+)*\w*|[^\s\w]")
# "the 56-year-old said": a person described by age, kept as written (it fits anyone the article names).
AGE = re.compile(r"\d{1,3}-year-old")
PRONOUNS = {"he", "she", "they", "i", "we", "it", "you"}
HONORIFICS = {"mr.", "mrs.", "ms.", "dr.", "mr", "mrs", "ms", "dr", "sir", "dame", "prof."}
ROLE_WORDS = {
    "president", "secretary", "minister", "spokesman", "spokeswoman", "spokesperson", "senator", "sen.",
    "rep.", "representative", "congressman", "congresswoman", "governor", "gov.", "mayor", "chairman",
    "chairwoman", "chair", "director", "chief", "leader", "ambassador", "general", "gen.", "commander",
    "officer", "official", "adviser", "advisor", "aide", "premier", "chancellor", "king", "queen",
    "prince", "judge", "justice", "attorney", "lawyer", "professor", "analyst", "economist", "ceo",
    "executive", "founder", "manager", "candidate", "nominee", "lt.", "col.", "admiral", "adm.", "envoy",
    "deputy", "speaker", "head", "coach", "front-runner", "frontrunner", "hopeful", "challenger",
    "incumbent", "captain", "strategist", "pollster", "researcher", "scientist",
    "editor", "reporter", "correspondent", "columnist", "author", "host", "commissioner", "councilman",
    "councilwoman", "lawmaker", "diplomat", "negotiator", "prosecutor", "sheriff", "pope", "cardinal",
    "bishop", "rabbi", "imam", "sgt.", "capt.", "maj.", "lieutenant", "colonel", "major", "sergeant",
    "vice", "businessman", "businesswoman", "activist", "organizer", "surrogate", "partner",
    "owner", "expert", "fellow", "dean", "student", "member", "whip", "counsel", "treasurer", "clerk",
    "delegate", "superdelegate", "administrator", "inspector",
}
# Words that end a backward scan for a noun phrase: verbs, prepositions, determiners, conjunctions.
STOP = {
    "and", "or", "but", "that", "which", "who", "whom", "whose", "when", "where", "while", "as", "if",
    "because", "after", "before", "since", "though", "although", "than", "to", "in", "on", "at", "by",
    "for", "with", "from", "into", "about", "over", "under", "of", "is", "was", "are", "were", "be",
    "been", "has", "have", "had", "not", "also", "so", "then", "there", "this", "these", "those", "what",
    "said", "says", "say", "told", "it", "its", "his", "her", "their", "our", "my", "your", "we", "he",
    "she", "they", "i", "you", "him", "them", "us", "me", "would", "will", "could", "should", "can",
    "may", "might", "must", "do", "does", "did", "just", "even", "only", "now", "later", "still",
}
DETERMINERS = {"the", "a", "an", "another", "one", "two", "three", "several", "many", "some", "other",
               "both", "most", "all"}
SKIP_BEFORE_CUE = {"also", "has", "have", "had", "would", "will", "later", "previously", "recently", "then",
                   "kept", "keeps", "began", "begins", "started", "starts", "continued", "continues",
                   "repeatedly", "publicly", "once", "again", "further", "already", "privately",
                   "first", "reportedly", "initially", "earlier", "separately", "likewise", "simply",
                   "flatly", "quickly", "often", "frequently", "long", "since", "never", "always",
                   "originally", "openly", "explicitly", "specifically", "clearly", "angrily", "now",
                   "formally", "officially", "tearfully", "bluntly", "firmly", "correctly", "falsely", "instead",
                   "soon", "still", "yet", "even", "twice", "all", "both"}
ANONYMOUS = {"source", "sources", "person", "people", "someone", "insider", "insiders", "witness",
             "witnesses", "somebody"}
CONTENDERS = {"front-runner", "frontrunner", "hopeful", "challenger", "incumbent", "contender", "favorite",
              "favourite"}
# Singular nouns that can speak: "the company said", "her friend said", "the report says".
_INSTITUTIONS = {
    "company", "ministry", "department", "agency", "government", "police", "military", "army", "navy",
    "campaign", "court", "committee", "council", "office", "group", "organization", "organisation", "firm",
    "bank", "union", "party", "administration", "brokerage", "network", "newspaper", "paper", "magazine",
    "website", "outlet", "station", "channel", "broadcaster", "studio", "label", "publisher", "airline",
    "carrier", "hospital", "school", "university", "college", "team", "club", "league", "board", "panel",
    "jury", "commission", "embassy", "consulate", "regime", "prosecution", "secretariat", "senate", "cabinet",
    "junta", "parliament", "bureau", "service", "foundation", "charity", "fund", "retailer", "manufacturer",
    "maker", "automaker", "developer", "operator", "utility", "city", "county", "district", "province"}
SPEAKER_NOUNS = _INSTITUTIONS | {
    "house", "state", "defense", "judge", "family", "coroner", "sheriff", "prosecutor", "lawyer",
    "statement", "report", "study", "survey", "poll", "lawsuit", "complaint", "filing", "memo", "letter",
    "release", "document", "indictment", "ruling", "order", "post", "tweet", "analysis",
    "friend", "father", "mother", "brother", "sister", "wife", "husband", "son", "daughter", "neighbor",
    "neighbour", "colleague", "relative", "cousin", "uncle", "aunt", "partner", "owner", "victim", "suspect",
    "man", "woman", "resident", "witness", "teacher", "doctor", "nurse", "pilot", "driver", "officer"}
# Bare group nouns that take the place named before them: "in Seoul, where officials said".
GROUP_NOUNS = {"officials", "authorities", "police", "lawmakers", "leaders", "diplomats", "prosecutors",
               "investigators", "analysts", "experts", "residents", "government", "ministry", "military"}
# Plural nouns for people who hold views: the groups a learned cue ("believe", "oppose") may speak for.
PEOPLE_NOUNS = GROUP_NOUNS | _INSTITUTIONS | {
    "voters", "supporters", "critics", "opponents", "advocates", "activists", "members", "residents", "citizens",
    "americans", "people", "protesters", "demonstrators", "workers", "employees", "executives", "investors",
    "traders", "economists", "scientists", "researchers", "doctors", "lawyers", "judges", "senators",
    "republicans", "democrats", "conservatives", "liberals", "progressives", "candidates", "donors", "parents",
    "students", "teachers", "fans", "users", "customers", "consumers", "respondents", "delegates", "allies",
    "rivals", "aides", "advisers", "staff", "staffers", "spokesmen", "sources", "insiders", "observers",
    "strategists", "pollsters", "governors", "mayors", "ministers", "presidents", "administration", "campaign",
    "government", "party", "committee", "court", "company", "group", "union", "agency", "network"}
# Capitalised words that begin sentences or name things, never a person's first name.
NOT_NAME = {"the", "a", "an", "but", "and", "in", "on", "at", "for", "if", "as", "when", "while", "after",
            "this", "that", "these", "those", "it", "he", "she", "they", "we", "i", "his", "her", "there",
            "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
            "february", "march", "april", "may", "june", "july", "august", "september", "october",
            "november", "december", "so", "yet", "speaking", "asked", "meanwhile", "still", "both",
            "last", "earlier", "since", "then", "now", "according", "what", "how", "why", "where", "who",
            "like", "even", "just", "only", "also", "good", "every", "each", "such", "sitting", "another",
            "because", "although", "though", "unless", "whether", "once", "here", "however", "instead",
            "correction", "update", "clarification", "editor's", "editor’s"}
# A run of capitalised words never crosses a sentence's end: a word ending in a full stop ends the run ("in Russia.
# He said", "at the U.N. Linda Thomas-Greenfield said") unless it is an initial or a title that comes before a name
# ("John F. Kennedy", "Rep. G.K. Butterfield", "Lt. Col. Alexander Vindman").
_TITLES = r"(?:Mr|Mrs|Ms|Dr|Sen|Sens|Rep|Reps|Gov|Gen|Lt|Col|Sgt|Capt|Cmdr|Adm|Maj|Prof|Rev|St|Ft|Mt|Hon)\."
_JOINS = r"(?:" + _TITLES + r"|(?!U\.S\.|U\.N\.|U\.K\.|E\.U\.)(?:[A-Z]\.){1,3})"
_PLAIN = r"[A-Z][\w'\u2019\-]*(?![\w'\u2019.\-])"
_LAST = r"(?:(?:[A-Z]\.){2,}|[A-Z][\w'\u2019\-]*\.?)"
JOINS = re.compile(_JOINS)


def _ends_sentence(word: str) -> bool:
    """A word with a full stop that may end a sentence: not an initial or a title before a name ("F.", "Sen.")."""
    return word.endswith(".") and word.lower() not in KEEPS_DOT_BEFORE_NAME and not JOINS.fullmatch(word)


def _title_prefix(word: Tok, run: list[Tok]) -> bool:
    """'U.S.' before 'Defense Secretary Lloyd Austin' belongs to the title; before 'Linda Thomas-Greenfield' (no
    title word) it ends a sentence: 'at the U.N. Linda Thomas-Greenfield said'."""
    return bool(ACRONYM.fullmatch(word.text)) and any(x.low in ROLE_WORDS for x in run)


ACRONYM = re.compile(r"(?:[A-Z]\.){2,}")
ACRONYM_WORD = re.compile(r"[A-Z]{2,}|(?:[A-Z]\.){2,}")
# Prepositions and conjunctions that open a sentence before a name: "To Maria Lund, it was a surprise."
LEADING_NOT_NAME = {"to", "by", "with", "from", "into", "about", "over", "under", "of", "or", "though", "although",
                    "than", "because", "via", "during", "despite", "without", "unlike", "amid", "per", "among"}
# Words on one line only, and a particle ("de", "van") only as a whole word: not the "da" of "darling".
CAP_RUN = re.compile(r"\b(?:" + _JOINS + r"[ \t]+|" + _PLAIN + r"[ \t]+(?:(?:de|van|von|bin|al|da|del|la|le)[ \t]+)*)*"
                     + _LAST)
ORG_WORDS = {"house", "department", "party", "news", "times", "post", "ministry", "office", "council",
             "committee", "court", "university", "agency", "association", "union", "bank", "group",
             "press", "journal", "company", "corporation", "inc.", "network", "senate", "congress",
             "administration", "campaign", "foundation", "institute", "street", "city", "county",
             "state", "states", "republic", "kingdom", "nations", "forces", "army", "navy", "police",
             "inc", "corp", "corp.", "co", "co.", "ltd", "ltd.", "llc", "plc"}  # "Norland Mining Corp." is no one
# Nouns that end the names of public bodies, never a person's surname: "Customs and Border Protection".
ORG_ENDINGS = {"protection", "security", "enforcement", "prevention", "affairs", "services", "development",
               "research", "education", "transportation", "commerce", "treasury", "resources", "intelligence",
               "safety", "immigration", "customs", "revenue"}
ORG_WORDS |= ORG_ENDINGS


# The head words of an organisation whose name goes on after "of", "for" or "on": "the Centers for Disease Control and
# Prevention", "the Council on Foreign Relations", "the Department of the Interior". A person's name never ends in one,
# so "John Smith of Reuters" is Smith, of Reuters.
ORG_HEADS = {"department", "departments", "ministry", "bureau", "council", "centre", "center", "centers", "centres",
             "institute", "institutes", "office", "board", "commission", "committee", "subcommittee", "agency",
             "administration", "association", "federation", "union", "society", "foundation", "organization",
             "organisation", "university", "college", "school", "academy", "court", "division", "authority",
             "service", "services", "league", "alliance", "coalition", "fund", "party", "bank", "corps", "conference",
             "chamber", "secretariat", "command", "museum", "hospital", "church", "caucus", "network", "republic",
             "kingdom", "states", "city", "house", "force", "forces", "panel", "program", "programme",
             "project", "friends", "sisters", "brotherhood", "trust", "tribunal"}
ORG_LINKS = {"of", "for", "on"}
BODY_NOUNS = ORG_HEADS | {"delegation", "campaign", "team", "staff", "group", "company", "firm", "office", "lab",
                          "laboratory", "bureau", "desk", "newsroom", "chapter", "branch", "caucus", "government"}
TITLE_OF = re.compile(r"\b([A-Za-z]+) of $")  # "Secretary of " before a capitalised run
# "the Security Council on Friday": a day or month after "on" is when, not the rest of a name.
WHEN_NAMES = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february",
              "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"}
# Words an organisation's name ends with after an "and": "... and Human Services", "Food and Drug Administration".
ORG_ENDS = ORG_HEADS | {"development", "research", "prevention", "affairs", "studies", "statistics", "technology",
                        "security", "welfare", "science", "sciences", "education", "health", "safety", "protection",
                        "management", "environment", "explosives", "trade", "industry", "labor", "labour"}


# "The company said": nouns that stand for the organisation the article has just named.
ORG_NOUNS = {"company", "firm", "brokerage", "label", "retailer", "manufacturer", "maker", "automaker", "startup",
             "bank", "lender", "insurer", "network", "studio", "publisher", "airline", "carrier", "developer",
             "operator", "agency", "organization", "organisation", "group", "charity", "nonprofit", "club", "team",
             "league", "utility", "broadcaster", "newspaper", "company's", "conglomerate", "giant", "chain"}
# Participles that stand in titles: "said acting director Jane Doe", "said ranking member Bobby Scott".
TITLE_PARTICIPLES = {"acting", "outgoing", "incoming", "ranking", "leading", "founding", "managing", "presiding",
                     "visiting", "sitting", "reigning", "governing", "retiring", "striking", "working", "consulting",
                     "supervising", "commanding", "marketing", "polling", "publishing", "reporting", "training"}
ALIAS_NOUNS = ORG_NOUNS | _INSTITUTIONS | {"coalition", "alliance", "association", "institute", "firm"}
ISSUED = {"statement", "release", "letter", "filing", "memo", "announcement"}
# "Norland Rail issued a statement", "Norland Rail has released a letter": who issued the document.
ISSUED_BY = re.compile(r"(?P<who>(?:[A-Z][\w&.'\u2019-]*\s+){0,4}[A-Z][\w&.'\u2019-]*)\s+(?:has\s+|had\s+)?"
                       r"(?:issued|released|put out|published|sent|shared|posted)\s+(?:a|an|its)\s+(?:[a-z-]+\s+)?"
                       r"(?P<doc>statement|release|letter|memo|announcement)\b")
KEEPS_DOT_BEFORE_NAME = {"jr.", "sr."}  # "Martin Luther King Jr. Day"
KEEPS_DOT = {"jr.", "sr.", "inc.", "co.", "corp.", "ltd.", "bros.", "u.s.", "u.k.", "u.n."}


@dataclass
class Mention:
    """A speaker mention as written, with where it stands and the role written beside it."""

    start: int
    end: int
    text: str
    kind: str  # name | pronoun | role | group | anonymous
    role: str | None = None


# How sure a speaker is, by how it was found (see README: the extractor's confidence scale).
NAMED = 0.95  # a full name in the attribution itself
SURNAME = 0.9  # a surname in the attribution, of a person the article named in full
LABELLED = 0.9  # a transcript's "NAME:" label, the person named elsewhere in the article
GROUP_NAMED = 0.85  # an organisation or group named in the attribution: "the Pentagon", "South Korean officials"
PRONOUN_SENTENCE = 0.8  # "he" or "she" = the person the sentence opens with
PRONOUN_BEFORE = 0.7  # "he" or "she" = the person the sentence before opens with
PRONOUN_QUOTED = 0.7  # "he" or "she" = the person of that gender quoted just before
GROUP_AS_WRITTEN = 0.6  # "officials", "experts": right as written, but no one named
THEY_IT = 0.6  # "they" or "it" = the group or organisation quoted just before
ISSUER = 0.6  # "the statement" = the organisation quoted just before
ALIASED = 0.85  # "the group" = what the article named so: "The group, Harbor Workers Coalition, ..."
ORG_BEFORE = 0.6  # "the company" = the organisation the sentence before opens with
ORG_NOUN = 0.25  # "the company" = the organisation the article names most
DESCRIBED = 0.8  # "the president" = the one person the article calls so: "President Ana Ruiz", "Ruiz, the president,"
DESCRIBED_NEAR = 0.7  # "the governor" = of the two the article calls so, the one it names here
EPITHET = 0.5  # "the actor" = the one person the text names there
PAIR = 0.6  # "both men" = the two people named together just before
ROLE_ACROSS = 0.4  # "the spokesman" = the person the article gave that role
AS_WRITTEN = 0.3  # a description no one in the article answers to: kept as written, unresolved
FALLBACK = 0.2  # "he" = the latest person named of that gender, no one quoted yet: a guess
ANONYMOUS_SOURCE = 0.3  # "a source said": no one to name
UNKNOWN = 0.1  # nothing to resolve the mention to


@dataclass
class Resolution:
    """Whom a speaker mention stands for (None: no one), how sure that is in [0, 1], and why, in words."""

    name: str | None
    confidence: float
    why: str
    resolved: bool = True  # False: the name is the mention as written (or None), not a person or group found


@dataclass
class Tok:
    text: str
    start: int
    end: int

    @property
    def low(self) -> str:
        return self.text.lower()

    @property
    def cap(self) -> bool:
        return self.text[:1].isupper()


def text_of(toks: list[Tok]) -> str:
    return " ".join(x.text for x in toks)


def tokens(text: str, start: int, end: int) -> list[Tok]:
    return [Tok(m.group(), m.start(), m.end()) for m in TOKEN.finditer(text, start, end)]


class Ahead:
    """The tokens of text[start:end], read from the text only as far as the caller looks: the speaker after a
    verb ('said Lloyd Austin, the defense secretary') is a few words, however long the sentence goes on."""

    def __init__(self, text: str, start: int, end: int) -> None:
        self._matches = TOKEN.finditer(text, start, end)
        self._read: list[Tok] = []

    def has(self, i: int) -> bool:
        """Whether there is an i-th token (i >= 0); reads up to it."""
        while len(self._read) <= i:
            m = next(self._matches, None)
            if m is None:
                return False
            self._read.append(Tok(m.group(), m.start(), m.end()))
        return True

    def __getitem__(self, i: int) -> Tok:
        if i < 0 or not self.has(i):
            raise IndexError(i)
        return self._read[i]

    def upto(self, i: int) -> list[Tok]:
        """The tokens before the i-th, as a list."""
        self.has(i - 1)
        return self._read[:i]


def _strip_possessive(t: str) -> str:
    for suffix in ("'s", "\u2019s"):
        if t.endswith(suffix):
            return t[: -len(suffix)]
    return t


def plausible(m: Mention | None) -> Mention | None:
    """Drop mentions no reader would call a speaker: 'Tuesday', 'his', 'meeting was'."""
    if m is None or m.kind == "pronoun":
        return m
    if CONTRACTED.search(m.text):
        return None  # "We've asked", "You're promised": a clause, not a subject
    if any(w in MODALS for w in m.text.split()):
        return None
    words = [w.lower().strip(".,'\u2019") for w in m.text.split()]
    if all(w in NOT_NAME or w in STOP for w in words):
        return None
    if any(w in VERBISH for w in words) or words[-1].endswith(("'s", "\u2019s")):
        return None
    if words[0] in PREPOSITIONS:
        return None  # "Despite parliamentary reports urging", "among retailers that said": the object of a preposition
    if words[-1] in MEASURES and m.text.split()[-1].islower():
        return None  # "spent 45 seconds explaining", "the number who said": amounts and spans of time speak for no one
    return m


# Prepositions STOP leaves out: a phrase that opens with one is no subject.
PREPOSITIONS = {"among", "amid", "amongst", "despite", "against", "between", "through", "throughout", "within",
                "without", "during", "toward", "towards", "across", "around", "behind", "beyond", "upon", "unlike",
                "per", "via", "including", "except", "besides", "regarding", "concerning", "like"}
# Nouns of amount and time: "45 seconds", "the number", "the share": never who speaks.
MEASURES = {"second", "seconds", "minute", "minutes", "hour", "hours", "day", "days", "week", "weeks", "month",
            "months", "year", "years", "decade", "decades", "time", "times", "number", "numbers", "share", "amount",
            "total", "majority", "minority", "half", "third", "quarter", "rest", "dozen", "dozens", "hundreds",
            "thousands", "millions"}
VERBISH = {"was", "were", "is", "are", "has", "have", "had", "be", "been", "his", "her", "its", "their",
           "contradicts", "says", "said", "told"}
# A modal written in lower case ends a subject, never stands in one: "Words cannot describe" ("Will" is a name).
MODALS = {"cannot", "can", "could", "will", "would", "should", "must", "might", "may", "shall"}
# "We've asked", "You're promised", "I'd say": the writer's voice or a clause, never a speaker's name.
# "WASHINGTON – Two officers were charged ...": the place the story was filed from, never a speaker.
DATELINE = re.compile(r"(?:[A-Z][A-Z .,'’-]+|[A-Z][\w .'’-]{1,30}, [A-Z][A-Za-z.]{1,12})(?:\s*\([^)]{1,40}\))?"
                      r"\s*[–—-]{1,2}\s")
CONTRACTED = re.compile(r"\b(?:we|you|i|they)['\u2019](?:ve|re|ll|d|m)\b", re.I)
# A name right after one of these is the object of a preposition, not the subject: "authorities in China's Inner
# Mongolia have confirmed", "scientists using a telescope atop Mauna Kea confirmed".
PREPOSITION_BEFORE = re.compile(r"\b(?:in|at|atop|from|near|inside|outside|across|throughout|into|with|by|over|"
                                r"under|beside|behind|toward|towards|via)\s+(?:the\s+)?$")


def mention_before(text: str, start: int, cue_start: int) -> Mention | None:
    """The subject noun phrase ending just before a cue verb, if one stands there."""
    m = plausible(_mention_before(text, start, cue_start))
    if m is not None and DATELINE.match(text, m.start):
        return None  # "New York, NY - ..., the company announced": where the story was filed, not who spoke
    if m is not None and (m.kind == "name" or m.kind == "group" and m.text[:1].isupper() and is_place_or_org(m.text)) \
            and PREPOSITION_BEFORE.search(text, max(start, m.start - 12), m.start):
        # The name (or "the UK") is a place or thing the subject is at or with: the subject is the noun before the
        # preposition when that is people ("Health authorities in ..."); else no one can be named here.
        before = tokens(text, max(start, m.start - 60), m.start)
        k = len(before) - 2 - (before[-2].low == "the" if len(before) > 1 else 0)
        if k >= 0 and before[k].low in PEOPLE_NOUNS:
            return Mention(before[k].start, before[k].end, before[k].text, "group")
        return None
    return None if m is not None and opener(text, start, m) else m


# Words that open a sentence before its subject: "However, the group said", "During the debate, Trump said".
OPENING_WORDS = {"however", "during", "meanwhile", "still", "instead", "indeed", "yet", "also", "moreover",
                 "nevertheless", "nonetheless", "furthermore", "besides", "otherwise", "despite", "after", "before",
                 "amid", "since", "though", "although", "while", "when", "then", "later", "earlier", "today",
                 "yesterday", "now", "so", "thus", "hence", "finally", "first", "second", "again", "here", "there"}


def opener(text: str, start: int, m: Mention) -> bool:
    """A lone capitalised word that opens the sentence and that the article writes in lower case too ('However,'),
    taken for a name: no speaker."""
    if m.kind != "name" or " " in m.text or text[start:m.start].strip(" \t\"\u201c'\u2018"):
        return False
    low = m.text.lower()
    if low in OPENING_WORDS:
        return True
    # "Unsurprisingly, ...", "Chastened, ...": not "Delegates said".
    return text.startswith(",", m.end) and (low.endswith("ly") or re.search(r"\b" + re.escape(low) + r"\b", text)
                                           is not None)


def _mention_before(text: str, start: int, cue_start: int) -> Mention | None:
    toks = tokens(text, start, cue_start)
    i = len(toks) - 1
    if i >= 0 and toks[i].text == ")":
        # "Roger Wicker (R-Miss.) said": step over the party-and-state tag.
        k = i
        while k >= 0 and toks[k].text != "(":
            k -= 1
        if k > 0 and i - k <= 8:
            i = k - 1
    while i >= 0 and (toks[i].low in SKIP_BEFORE_CUE or toks[i].text in DASHES
                      or (toks[i].low.endswith("ly") and toks[i].text.islower() and len(toks[i].text) > 4)):
        if toks[i].text in DASHES and (k := _aside_start(toks, i)) > 0:
            i = k  # "Ana Silva — whose father built the bridge — promised": the subject stands before the aside
        i -= 1  # adverbs and auxiliaries: "He also warned", "Trump has repeatedly said"
    if i > 0 and (k := _relative_start(toks, i)) > 0:
        i = k - 1  # "Some drivers who waited all day reported": the verb's subject is who the clause is about
    if i >= 0 and toks[i].text == ",":
        # An appositive between subject and verb: "Kirby, the spokesman, said", possibly with commas of
        # its own ("Nelson, a fellow at the institute in Munich, Germany, said"): walk back to the name.
        inside = _noun_phrase(toks, i - 1)
        if inside is not None and person_shaped(inside.text):
            # "One delegate not on the slate, Kelly Schmidt, told POLITICO": the name is the aside.
            j = i - 1
            while j >= 0 and toks[j].text != ",":
                j -= 1
            if j >= 1 and inside.start > toks[j].start and (toks[j - 1].text.islower() or toks[0].low in DETERMINERS):
                # ... or "The company that runs the AMAs, Dick Clark Productions, denies": a description, then the name.
                return inside
            before = _noun_phrase(toks, j - 1) if j >= 1 and inside.start > toks[j].start else None
            if before is not None and before.kind == "role" and inside.kind == "name":
                # "Norland's ambassador to Britain, Lee Chan, accused": the title, then whose it is.
                inside.role = inside.role or _clean_role(before.text)
                return inside
        end = i
        fallback: tuple[Mention, int] | None = None
        for _ in range(4):
            j = end - 1
            while j >= 0 and toks[j].text != ",":
                j -= 1
            if j <= 0 or i - j > 30:
                break
            head = _noun_phrase(toks, j - 1)
            if head is not None and _object_of_preposition(toks, head, end):
                # "Cmdr. Ana Ruiz, a spokesperson for Inherent Resolve, the operation in Syria, told": the name
                # after 'for' is what the aside is about; the speaker stands further back.
                end = j
                continue
            if head is not None and not (head.kind == "group" and is_place_or_org(head.text)):
                if head.kind == "name" and len(head.text.split()) >= 2 or head.kind in {"pronoun", "role"}:
                    return _with_appositive(text, toks, head, j, i)
                # "…in Munich, Germany, said": a lone capitalised word may be a place; look further back.
                fallback = fallback or (head, j)
            end = j
        return _with_appositive(text, toks, *fallback, i) if fallback else None
    if i < 0:
        return None
    return _issuer(toks, _noun_phrase(toks, i))


DASHES = {"\u2014", "\u2013", "-"}
APPOSITIVE_PREPOSITIONS = {"for", "of", "at", "with", "from", "in", "on", "to", "against", "about", "by"}


def _object_of_preposition(toks: list[Tok], head: Mention, end: int) -> bool:
    """Whether a phrase found before a comma stands after a preposition of the same aside ('a spokesperson for
    Inherent Resolve,'): the aside's object, not the subject."""
    k = next((n for n, x in enumerate(toks[:end]) if x.start == head.start), None)
    return k is not None and k > 0 and toks[k - 1].low in APPOSITIVE_PREPOSITIONS


def _aside_start(toks: list[Tok], i: int) -> int:
    """Where the aside that the dash at i closes opens (its opening dash), within the sentence; -1 if none."""
    for k in range(i - 1, max(-1, i - 40), -1):
        if toks[k].text in DASHES:
            # "Two states — Norland and Sudland — criticised it": a short aside of names is the subject itself.
            names = all(t.text[:1].isupper() or t.low in {"and", "&"} for t in toks[k + 1 : i])
            return k if i - k > 2 and not (names and i - k <= 6) else -1
        if toks[k].text in {".", "!", "?", ";"}:
            break
    return -1


def _relative_start(toks: list[Tok], i: int) -> int:
    """Where a 'who' clause ending at i opens ("drivers who waited all day"), within a few words and no comma."""
    for k in range(i, max(-1, i - 12), -1):
        if toks[k].text in {",", ";", ":", "(", ")", "\u201c", "\u201d", '"'} or toks[k].text in DASHES:
            return -1
        if toks[k].low == "who":
            return k if k < i and toks[k - 1].text[:1].isalpha() else -1
    return -1


# Documents that speak for whoever issued them, and the verbs that issue them: "the Council issued a statement
# warning ...", "a report from Norland Capital Partners said".
DOCUMENTS = {"statement", "release", "letter", "filing", "memo", "announcement", "report", "post", "tweet", "note",
             "notice", "study", "survey", "poll", "update", "blog"}
ISSUING = {"issued", "released", "published", "sent", "posted", "shared", "wrote", "tweeted", "filed", "emailed",
           "out"}  # "put out"


def _issuer(toks: list[Tok], m: Mention | None) -> Mention | None:
    """A document's issuer where the sentence names it: 'the Harbour Council issued a statement calling ...'
    is the Council speaking. 'In a letter calling for ...': the letter is not the speaker (None)."""
    if m is None or m.kind not in {"anonymous", "group"} or m.text.split()[-1].lower() not in DOCUMENTS:
        return m
    k = next((n for n, x in enumerate(toks) if x.start == m.start), 0) - 1
    if k >= 0 and toks[k].low in {"in", "via", "through"}:
        return None
    if k < 0 or toks[k].low not in ISSUING:
        return m
    k -= 2 if toks[k].low == "out" else 1
    while k >= 0 and toks[k].low in SKIP_BEFORE_CUE:
        k -= 1
    if k >= 0 and toks[k].text == ",":
        # "the Harbour Council, which runs the port, issued a statement": step over the aside.
        j = k - 1
        while j >= 0 and toks[j].text != ",":
            j -= 1
        if j >= 1 and toks[j + 1].low in {"which", "who", "whose"}:
            k = j - 1
    who = _noun_phrase(toks, k)
    return who if who is not None and who.kind != "anonymous" else m


def person_shaped(name: str) -> bool:
    """Two or three capitalised words, none an acronym or an institution's word: 'Kelly Schmidt'."""
    words = name.split()
    return 2 <= len(words) <= 3 and all(w[:1].isupper() and not w.isupper() for w in words) \
        and not any(w.lower().rstrip(".") in ORG_WORDS for w in words) and not is_place_or_org(name)


def _with_appositive(text: str, toks: list[Tok], head: Mention, j: int, i: int) -> Mention:
    appositive = text[toks[j + 1].start : toks[i - 1].end] if i - 1 > j else None
    if appositive and (appositive.split()[0].lower() in {"who", "which", "whose"}
                       or appositive.split()[0].lower().endswith(("ing", "ed"))
                       or appositive.split(",")[0].strip().isdigit()):
        appositive = None
    if head.role is None and appositive and head.kind == "name":
        head.role = _clean_role(appositive.split(",")[0])
    return head


def _noun_phrase(toks: list[Tok], i: int) -> Mention | None:
    if i < 0:
        return None
    t = toks[i]
    if t.low in PRONOUNS:
        return Mention(t.start, t.end, t.text, "pronoun")
    if t.low in {"that", "this", "which", "what", "who"}:
        return None  # "That said, ...", "which said": not a speaker
    if not t.text[:1].isalpha() and not AGE.fullmatch(t.text):
        return None
    j = i
    if t.cap:
        while j - 1 >= 0 and (toks[j - 1].cap or toks[j - 1].low in {"de", "van", "von", "bin", "al", "da"}) \
                and toks[j - 1].low not in NOT_NAME - {"may", "march"} \
                and not (_ends_sentence(toks[j - 1].text) and not _title_prefix(toks[j - 1], toks[j : i + 1])):
            j -= 1
        if j - 2 >= 0 and toks[j - 1].low == "to" and toks[j - 2].low in ROLE_WORDS:
            # "China's ambassador to Britain accused ...": the ambassador speaks, not Britain.
            k = j - 2
            while k - 1 >= 0 and toks[k - 1].text[:1].isalpha() and toks[k - 1].low not in STOP \
                    and toks[k - 1].low not in DETERMINERS and j - k < 6:
                k -= 1
            if is_place_or_org(text_of(toks[j : i + 1])):
                return Mention(toks[k].start, t.end, text_of(toks[k : i + 1]), "role")
            split = next((p for p in range(j + 1, i) if is_place_or_org(text_of(toks[j:p]))
                          and person_shaped(text_of(toks[p : i + 1]))), None)
            if split is not None:
                # "the ambassador to Britain Lee Chan said": the place ends the title, the name follows.
                name = " ".join(_strip_possessive(x.text) for x in toks[split : i + 1])
                return Mention(toks[split].start, t.end, name, "name", text_of(toks[k:split]))
        while True:
            of = j - 1 - (j - 2 >= 0 and toks[j - 1].low == "the")  # "of" or "of the"
            if of >= 1 and toks[of].low == "of" and toks[of - 1].cap and not _links(toks[of - 1]):
                # "John Smith of Reuters said", "Dr. Ana Lopez of the state health department": the person, of the
                # outlet or body after "of".
                person = _noun_phrase(toks, of - 1)
                parts = person.text.split() if person is not None else []
                if person is not None and person.kind == "name" and not is_place_or_org(person.text) \
                        and not ACRONYM_WORD.fullmatch(person.text) and len(parts) <= 3 \
                        and (len(parts) > 1 or _lone_name(person.text, person.start > toks[0].start)):
                    person.role = person.role or text_of(toks[of + 1 : i + 1])
                    return person
            if j - 2 >= 0 and toks[j - 1].low in ORG_LINKS and toks[j - 2].cap \
                    and (toks[j - 1].low != "on" or _links(toks[j - 2]) and toks[j].low not in WHEN_NAMES):
                j -= 2  # "Office for the Western District of New York", "Secretary of State"
            elif j - 3 >= 0 and toks[j - 1].low == "the" and toks[j - 2].low in ORG_LINKS and toks[j - 3].cap:
                j -= 3  # "Department of the Interior"
            elif j - 2 >= 0 and toks[j - 1].low in {"and", "&"} and toks[j - 2].cap \
                    and _joins(toks, j - 2, _cap_run(toks, j)):
                j -= 2  # "Department of Health and Human Services", "Food and Drug Administration"
            else:
                break
            while j - 1 >= 0 and toks[j - 1].cap and toks[j - 1].low not in NOT_NAME:
                j -= 1
        run = toks[j : i + 1]
        role_end = max((k for k, x in enumerate(run) if x.low in ROLE_WORDS), default=-1)
        if 0 <= role_end < len(run) - 2 and run[role_end + 1].low == "of":
            role_end += 2
        name_toks = [x for x in run[role_end + 1 :] if x.low not in HONORIFICS]
        role_toks = run[: role_end + 1]
        # Extend the role back over lowercase title words: "national security spokesman".
        k = j - 1
        while role_end >= 0 and k >= 0 and toks[k].text.isalpha() and toks[k].low not in STOP \
                and toks[k].low not in DETERMINERS and j - k < 5:
            role_toks.insert(0, toks[k])
            k -= 1
        if not name_toks:
            # "the President said": a role phrase standing for a person.
            return Mention(run[0].start, t.end, " ".join(x.text for x in run), "role")
        role = _role_with_lowercase(toks, j, role_toks) if role_end < 0 else " ".join(x.text for x in role_toks)
        name = " ".join(_strip_possessive(x.text) for x in name_toks)
        if name.endswith(".") and len(name_toks[-1].text) > 3 and name_toks[-1].low not in KEEPS_DOT:
            name = name[:-1]  # "said Ed Rendell.": the sentence's full stop is not part of the name
        # "Council on American-Islamic Relations director Nihad Awad": a person after the title, whatever its body.
        kind = "name" if role_end >= 0 and person_shaped(name) else "group" if _looks_like_group(run, toks, j) \
            else "name"
        start = name_toks[0].start if kind == "name" else run[0].start
        if kind == "group":
            name = " ".join(x.text for x in run)
            if name.endswith(".") and len(run[-1].text) > 3 and run[-1].low not in KEEPS_DOT:
                name = name[:-1]  # "according to the Vestry Institute.": the sentence's full stop
        return Mention(start, t.end, name, kind, role or None)
    # A common-noun phrase: "officials", "South Korean officials", "the spokesman", "a source".
    while j - 1 >= 0 and toks[j - 1].text[:1].isalpha() and i - j < 5 \
            and (toks[j - 1].low not in STOP or toks[j - 1].text == "US"):  # "the US military", not "us"
        j -= 1
        if toks[j].low in DETERMINERS:
            break
    words = toks[j : i + 1]
    if words[0].low == "the" and t.low in CONTENDERS:
        # "the GOP front-runner said": a person known by a role in a race.
        return Mention(words[0].start, t.end, " ".join(x.text for x in words), "role")
    if t.low not in ANONYMOUS and t.low not in ROLE_WORDS and t.low not in GROUP_NOUNS and not AGE.fullmatch(t.low) \
            and t.low not in SPEAKER_NOUNS and not (t.low.endswith("s") and not t.low.endswith("ss")):
        return None  # "the meeting", "most": not a speaker we could name
    text = " ".join(x.text for x in words)
    if len(words) == 1 and t.low in GROUP_NOUNS and j >= 3 and toks[j - 1].low == "where" \
            and toks[j - 2].text == ",":
        # "sparked concerns in South Korea, where officials condemned it": officials of that place.
        k = j - 3
        while k - 1 >= 0 and toks[k - 1].cap:
            k -= 1
        if toks[j - 3].cap and k <= j - 3:
            place = " ".join(x.text for x in toks[k : j - 2])
            return Mention(t.start, t.end, f"{place} {t.text}", "group")
    if words[0].low in {"a", "an", "one", "another"} or (t.low in ANONYMOUS and len(words) <= 2
                                                         and not any(x.cap for x in words)):
        kind = "anonymous"
    elif (t.low in ROLE_WORDS or AGE.fullmatch(t.low)) and words[0].low == "the":
        kind = "role"
    else:
        kind = "group"
    return Mention(words[0].start, t.end, text, kind)


def _links(head: Tok) -> bool:
    """Whether an organisation's name goes on after this word and "of"/"for"/"on": "Council on ...", or a title's
    ("Secretary of State"; not "Peter King of New York", whose title word is a surname)."""
    low = head.low.rstrip(".")
    return low in ORG_HEADS or low in ROLE_WORDS and low not in SURNAME_TITLES


SURNAME_TITLES = {"king", "bishop", "judge", "dean", "marshal", "chancellor", "pope", "prince", "duke", "earl"}
PARTY_WORDS = {"republican", "democrat", "independent", "libertarian", "conservative", "liberal", "socialist",
               "labour", "tory", "green"}


def _lone_name(word: str, inside: bool) -> bool:
    """Whether one capitalised word before "of" is a person's (sur)name: not a sentence's first word ("Supporters of
    Sanders"), a plural, a party ("Republican of Arizona") or a title."""
    low = word.lower()
    return inside and not low.endswith("s") and low not in PARTY_WORDS and low not in ROLE_WORDS \
        and low not in GROUP_NOUNS


def _cap_run(toks: Sequence[Tok] | Ahead, j: int, most: int | None = None) -> list[Tok]:
    """The capitalised words from j on (at most `most`), in a token list or read ahead."""
    run: list[Tok] = []
    while most is None or len(run) < most:
        try:
            tok = toks[j]
        except IndexError:
            break
        if not tok.cap:
            break
        run.append(tok)
        j += 1
    return run


def _and_continues(after: list[Tok], linked: bool, one_word_before: bool) -> bool:
    """Whether the capitalised words after an "and" go on one organisation's name: they end as one does and one word
    stands before the "and" ("Food and Drug Administration", not "United Nations and European Union"), or the "and"
    follows an organisation's "of" and no person's name comes after it ("... of Homeland Security and Alex Azar"
    is two)."""
    if not after:
        return False
    if after[-1].low.rstrip(".") in ORG_ENDS and (linked or one_word_before):
        return True
    return linked and not person_shaped(" ".join(x.text for x in after))


def _joins(toks: list[Tok], k: int, after: list[Tok]) -> bool:
    """_and_continues for the "and" after the capitalised words ending at k, read backwards from a cue."""
    one_word_before = k == 0 or not toks[k - 1].cap or toks[k - 1].low in DETERMINERS
    return _and_continues(after, _linked(toks, k), one_word_before)


def _linked(toks: list[Tok], k: int) -> bool:
    """Whether the capitalised words ending at k follow an organisation's "of"/"for"/"on" ("... of Health" in
    "Department of Health and Human Services"), so that an "and" after them is inside the name, not a list."""
    while k >= 0 and toks[k].cap:
        k -= 1
    if k >= 1 and toks[k].low == "the":
        k -= 1
    return k >= 1 and toks[k].low in ORG_LINKS and toks[k - 1].cap and _links(toks[k - 1])


def _role_with_lowercase(toks: list[Tok], j: int, _role_toks: list[Tok]) -> str | None:
    # "U.S. national security spokesman John Kirby": lowercase title words then the name.
    k = j - 1
    found: list[Tok] = []
    while k >= 0 and toks[k].text[:1].isalpha() and toks[k].low not in STOP and toks[k].low not in DETERMINERS \
            and len(found) < 6:
        found.insert(0, toks[k])
        k -= 1
    if found and found[-1].low in ROLE_WORDS:
        return " ".join(x.text for x in found)
    return None


def _looks_like_group(run: list[Tok], toks: list[Tok], j: int) -> bool:
    if any(x.low in {"of", "for", "the", "on", "and", "&"} for x in run):
        return True
    last = run[-1].low.rstrip(".")
    if last in ORG_WORDS or is_place_or_org(" ".join(x.text for x in run)):
        return True
    if j > 0 and toks[j - 1].low == "the":
        return True
    return len(run) == 1 and run[0].text.isupper() and len(run[0].text) > 1


def mention_after(text: str, start: int, end: int) -> Mention | None:
    """The subject after an inverted cue: '..., said Lloyd Austin, the defense secretary.'"""
    return plausible(_mention_after(text, start, end))


def _mention_after(text: str, start: int, end: int) -> Mention | None:
    toks = Ahead(text, start, end)
    if not toks.has(0):
        return None
    i = 0
    if toks[0].low in PRONOUNS:
        return Mention(toks[0].start, toks[0].end, toks[0].text, "pronoun")
    while toks.has(i) and (toks[i].low in DETERMINERS or (_wordlike(toks[i].text) and not toks[i].cap
                                                               and toks[i].low not in STOP)):
        if toks[i].low.endswith("ing") and toks[i].low not in TITLE_PARTICIPLES:
            return None  # "said having Trump on the ticket ...": a clause follows the verb, not its subject
        i += 1
    j = i
    linked = False  # past an organisation's "of"/"for"/"on": an "and" is inside its name
    while toks.has(j) and not (j > i and _ends_sentence(toks[j - 1].text)):
        if toks[j].cap or toks[j].low in {"de", "van", "von", "bin", "al"} \
                or (toks[j].low in ROLE_WORDS and toks.has(j + 1) and toks[j + 1].cap):
            j += 1  # "former Pennsylvania governor Ed Rendell": a title word inside the name's run
        elif j > i and toks.has(j + 1) and toks[j + 1].cap and toks[j + 1].low not in WHEN_NAMES and (
                toks[j].low in ORG_LINKS and _links(toks[j - 1])
                or toks[j].low in {"and", "&"} and _and_continues(_cap_run(toks, j + 1, 6), linked, j == i + 1)):
            j, linked = j + 2, True  # "the Centers for Disease Control and Prevention", "the Council on ..."
        elif j > i and toks.has(j + 2) and toks[j].low in ORG_LINKS and toks[j + 1].low == "the" \
                and toks[j + 2].cap and _links(toks[j - 1]):
            j, linked = j + 3, True  # "the Department of the Interior"
        else:
            break
    if j == i:
        if i == 0:
            return None
        words = toks.upto(i)
        k = i
        if toks.has(i) and toks[i].low in {"in", "at", "for", "of", "on"} \
                and words[-1].low.rstrip(".") in ROLE_WORDS | ANONYMOUS:
            # "said another witness in the impeachment probe, former adviser Fiona Hill": over the description's
            # own words to the comma and the name it introduces.
            k = next((n for n in range(i + 1, i + 8) if toks.has(n) and toks[n].text in {",", ".", ";"}), i)
        if toks.has(k + 1) and toks[k].text == "," and (toks[k + 1].cap or k > i and toks[k + 1].text.isalpha()):
            # "said the company's chief executive, John J. Ferriola": the name after the title.
            named = _mention_after(text, toks[k + 1].start, end)
            if named is not None and named.kind == "name" and (k == i or person_shaped(named.text)):
                named.role = named.role or " ".join(x.text for x in words if x.low not in DETERMINERS)
                return named
        head = words[-1].low.rstrip(".")
        issuer = _issued_by(text, toks, i, end) if head in DOCUMENTS else None
        if issuer is not None:
            return issuer
        if words[0].low in {"a", "an", "one", "another"}:
            kind = "anonymous"
        elif head in GROUP_NOUNS or (head.endswith("s") and head not in ROLE_WORDS and not head.endswith("ss")):
            kind = "group"  # ", say experts.": the group as named
        else:
            kind = "role"
        name = " ".join(x.text for x in words).rstrip(".")
        return Mention(words[0].start, words[0].start + len(name), name, kind)
    if toks.has(j) and toks[j].low in DOCUMENTS:
        issuer = _issued_by(text, toks, j + 1, end)  # "the Sales Watch report from Norland Capital"
        if issuer is not None:
            return issuer
    if toks.has(j) and toks[j - 1].text.endswith(("'s", "\u2019s")):
        # "said The We Company's recently named executive chair Marcelo Claure": the owner belongs to the title.
        named = _mention_after(text, toks[j].start, end)
        if named is not None and named.kind == "name":
            named.role = named.role or _clean_role(text[toks[0].start : named.start])
            return named
    named = _noun_phrase(toks.upto(j), j - 1)
    if named is not None and named.kind == "name" and named.role is None and toks.has(j + 1) and j > i \
            and toks[j].low == "of" and (toks[j + 1].cap or toks[j + 1].low == "the"):
        # "said Peter Morgan of the Sierra Club": the person, of the body after "of".
        k = end_k = j + 1 + (toks[j + 1].low == "the")
        while toks.has(end_k) and (toks[end_k].cap or toks[end_k].low in ORG_LINKS | {"and", "&"}
                                   and toks.has(end_k + 1) and toks[end_k + 1].cap):
            end_k += 1
        if end_k > k and toks.has(end_k) and toks[end_k].low.rstrip(".,") in BODY_NOUNS:
            end_k += 1  # "of the New York delegation"
        if end_k > k:
            named.role = text[toks[j + 1].start : toks[end_k - 1].end].rstrip(".,")
            return named
    return named and _appositive(text, toks, j, named)


def _issued_by(text: str, toks: Ahead, i: int, end: int) -> Mention | None:
    """The named issuer after a document: 'a report from Norland Capital Partners', 'by the Vestry Institute'."""
    if not (toks.has(i + 1) and toks[i].low in {"from", "by"}):
        return None
    if not (toks[i + 1].cap or toks[i + 1].low == "the" and toks.has(i + 2) and toks[i + 2].cap):
        return None  # "a report by seven physicians": no name to credit
    named = _mention_after(text, toks[i + 1].start, end)
    if named is None or named.kind not in {"name", "group"} or not named.text[:1].isupper() or len(named.text) < 2:
        return None  # "a report by K! Radio" read as "K": no issuer rather than a letter
    return named


def _wordlike(t: str) -> bool:
    """A word, hyphens and a sentence's full stop aside: 'co-author', 'experts.', '43-year-old'."""
    return _strip_possessive(t.rstrip(".")).replace("-", "").isalpha() or AGE.fullmatch(t.rstrip(".")) is not None


def _appositive(text: str, toks: Ahead, j: int, m: Mention | None) -> Mention | None:
    if m is None:
        return None
    if m.role is None and toks.has(j) and toks[j].text == ",":
        k = j + 1
        while toks.has(k) and toks[k].text not in {",", ".", ";", "\u2014"}:
            k += 1
        if k > j + 1 and (toks[j + 1].low in {"the", "a", "an"} | ROLE_WORDS
                          or (POSSESSIVE_ROLE.match(text, toks[j + 1].start) and toks[k - 1].low in ROLE_WORDS)):
            m.role = _clean_role(text[toks[j + 1].start : toks[k - 1].end])
    return m


# "said Ali Khamenei, Iran's supreme leader,": a place's or body's title for the person.
POSSESSIVE_ROLE = re.compile(r"[A-Z][\w.&-]*(?: [A-Z][\w.&-]*){0,3}['\u2019]s [a-z]")


def _clean_role(s: str) -> str:
    s = s.strip(" ,")
    for det in ("the ", "a ", "an "):
        if s.lower().startswith(det):
            return s[len(det) :]
    return s


OPENING_NAME = re.compile(r"(?:(?:When|After|As|While|Although|Though|Because|If|Once|Before|Since|Later|Then),?\s+)?"
                          r"(?:(?:Mr|Mrs|Ms|Dr)\.\s+)?(?:[A-Z][\w'\u2019-]+\s+){0,3}(?P<name>[A-Z][\w\u2019-]+)\b(?!['\u2019]s)"
                          r"(?=\s+[a-z]|,\s+(?:however|too|though|meanwhile|instead|also|in turn|for (?:his|her) part)"
                          r"\b)")  # "Buser, however, is counting on it."
# A clause put before the main one: "While the campaign did not appeal to Julie Graham, she said ...".
FRONTED = re.compile(r"(?:While|Although|Though|When|After|As|Because|If|Once|Before|Since|Despite|Even though)\b"
                     r"(?![^\n]*\b(?:asked|about|speaking|told)\b)[^\n]*,\s*$")  # not "When asked about Hale, she"
HONORIFIC_NAME = re.compile(r"\b(Mr|Mrs|Ms)\.? ([A-Z][\w'\u2019-]+)")
GENDERED = re.compile(r"\b(he|his|him|she|her|hers)\b", re.I)
SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}


# Nouns that stand for an organisation or a person the article names: "the company", "the statement", "the actor".
RESOLVED_NOUNS = frozenset(ORG_NOUNS | ISSUED | ROLE_WORDS | _INSTITUTIONS | {"report", "post", "actor", "actress",
                                                                             "singer", "star", "agent", "utility"})
OPENERS = {"although", "maybe", "amid", "however", "meanwhile", "despite", "here", "yeah", "no", "yes", "ah", "oh",
           "wait", "well", "today", "another", "over", "without", "all", "check", "unlike", "like", "during"}
MONTHS = {"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "today", "yesterday"}
JOINERS = {" of ", " of the ", " for ", " for the ", " & "}


def _joined(text: str, names: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Capitalised runs joined over 'of', 'for' and '&' ("Department of Justice", "Pacific Gas & Electric"), but
    not from a sentence's first word ("Agents of ..."); over 'and' when the article writes the name's initials
    ("Customs and Border Protection" ... "CBP"); and after "U.S." ("U.S. Customs")."""
    out: list[tuple[int, str]] = []
    for pos, run in names:
        if out:
            p0, r0 = out[-1]
            gap = text[p0 + len(r0) : pos]
            opens = " " not in r0 and (p0 == 0 or text[max(0, p0 - 2) : p0].strip()[-1:] in {"", ".", "!", "?"})
            initials = gap == " and " and any(len(a) >= 3 and re.search(r"\b" + a + r"\b", text)
                                              for a in resolver.acronyms(f"{r0} and {run}"))
            # "Customs and Border Protection": a public body's name, whose last word no person's name ends in.
            body = gap == " and " and run.split()[-1].lower().rstrip(".,") in ORG_ENDINGS \
                and (len(r0.split()) <= 2 or " for " in r0 or " of " in r0)
            if gap in JOINERS and not opens or gap == " " and ACRONYM.fullmatch(r0.split()[-1]) or initials or body:
                out[-1] = (p0, r0 + gap + run)
                continue
        out.append((pos, run))
    return out


def _initials_fit(short: str, name: str) -> bool:
    """Whether an acronym is a name's initials: of its last words ('U.S. Customs and Border Protection' -> 'CBP'),
    or, three letters or more, of words inside it ('Chinese Center for Disease Control and Prevention' -> 'CDC')."""
    if short in resolver.acronyms(name):
        return True
    words = [w for w in name.replace("-", " ").split() if w.lower() not in resolver.CONNECTORS and w[:1].isupper()]
    initials = "".join(w[0] for w in words)
    return len(short) >= 3 and short in initials


def _surname(name: str) -> str:
    words = [w for w in name.lower().replace(",", " ").split() if w not in SUFFIXES]
    return words[-1] if words else name.lower()


# "The group, Harbor Workers Coalition, formed ...", "The company that owns the port, Norland Docks, says": the article
# names what "the group" or "the company" stands for.
_CAPWORD = r"[A-Z][\w&.'\u2019!-]*"
ALIAS = re.compile(r"\b[Tt]he (?P<noun>[a-z]+)(?: (?:that|which) [^,.;\n]{1,80})?, (?P<name>" + _CAPWORD
                   + r"(?: (?:of |for |and |& )?" + _CAPWORD + r"){0,5}),")


# What a person known for their work is called in place of their name: "said the actor", "the singer told".
EPITHETS = {"actor", "actress", "singer", "star", "rapper", "musician", "guitarist", "drummer", "bassist", "artist",
            "comedian", "entertainer", "model", "athlete", "player", "quarterback", "footballer", "songwriter",
            "filmmaker", "novelist", "writer", "billionaire", "entrepreneur", "mogul", "tycoon", "celebrity",
            "performer", "dancer", "chef", "designer", "influencer", "youtuber"}
# Two people spoken of together, and two people named together: "Both men said", "King and Weeks were ...".
PAIR_MENTION = re.compile(r"(?:[Bb]oth|[Tt]he two|[Tt]he) (?:men|women|brothers|sisters|pair|couple|hostages|"
                          r"friends|partners)|[Tt]he pair|[Tt]he couple")
PAIR_NAMES = re.compile(r"\b(?P<a>[A-Z][\w'\u2019-]+) and (?P<b>[A-Z][\w'\u2019-]+)\b(?!['\u2019]s| [A-Z])")
# Who speaks for an organisation: "a spokesperson said", "an agency spokesman told us" is the organisation speaking.
SPOKES = {"spokesman", "spokeswoman", "spokesperson", "spokespeople", "spokesmen", "spokeswomen", "representative"}
# The nouns for a government body, and the words in the name of one: "the agency" is never WeWork, "the company"
# never the Department of Justice.
AGENCY_NOUNS = {"agency", "department", "ministry", "bureau", "administration", "office", "commission", "regulator"}
GOVERNMENT_WORDS = {"department", "ministry", "agency", "administration", "bureau", "office", "commission",
                    "committee", "court", "police", "congress", "senate", "house", "government", "parliament", "army",
                    "navy", "military", "council", "security", "attorney", "general", "state", "states", "republic",
                    "kingdom", "nations", "forces", "party", "campaign", "protection", "service", "federal",
                    "national", "city", "county", "school", "university"}
# The nouns for an organisation the text is about: not "the team" or "the group", often people ("a group of
# researchers"), nor outlets ("the network").
FOCUS_NOUNS = AGENCY_NOUNS | {"company", "firm", "brokerage", "label", "retailer", "manufacturer", "maker",
                              "automaker", "startup", "bank", "lender", "insurer", "studio", "publisher", "airline",
                              "carrier", "developer", "operator", "organization", "organisation", "charity",
                              "nonprofit", "utility", "conglomerate", "giant", "chain", "business", "platform"}
# Nouns a public body's name holds: "the department" is a Department of something.
NAMED_BODY_NOUNS = {"department", "ministry", "bureau", "commission", "office", "administration"}
# Outlets: what the article is told, or quotes from, not what "the company" means.
OUTLET_WORDS = {"news", "times", "post", "journal", "press", "magazine", "tribune", "herald", "daily", "radio",
                "tv", "television", "reuters", "newsweek", "politifact", "bloomberg", "cnn", "bbc", "nbc", "cbs",
                "abc", "npr", "msnbc", "fox", "guardian", "telegraph", "associated", "wire", "chronicle", "gazette"}
SENTENCE_END = re.compile(r"[.!?][\"\u201d\u2019']?\s|\n")
# A name right after these is an object: "harm to Omar and ... his beliefs" says nothing of Omar's gender.
OBJECT_OF = re.compile(r"\b(?:to|of|for|with|by|at|on|about|against|from|toward|towards|into|than|like)\s+$")
# An organisation named right after these is spoken to or about: "told Reuters", "contacted by NBC News".
OBJECT_BEFORE = re.compile(r"\b(?:told|to|by|with|tells|telling)\s+(?:the\s+)?$", re.I)


def _fits_noun(name: str, noun: str | None) -> bool:
    """Whether an organisation's name fits what the article calls it: 'the agency' a government body, 'the
    company' a business; no outlet is either."""
    words = {w.lower().strip(".,'\u2019") for w in name.split()}
    if words & OUTLET_WORDS:
        return False
    if noun is None or noun in {"group", "organization", "organisation"}:
        return True
    if noun in NAMED_BODY_NOUNS:
        return noun in words  # "the commission" is the Utilities Commission, not the Governor's Office
    government = bool(words & GOVERNMENT_WORDS) or name in KNOWN_AGENCIES \
        or bool(resolver.acronyms(name) & KNOWN_AGENCIES)
    return government if noun in AGENCY_NOUNS else not government


# "The president" answers to "President Ana Ruiz" but not to "Vice President Ana Ruiz" nor a former one: these
# words make another title of the noun after them.
TITLE_MODIFIERS = {"vice", "deputy", "former", "ex", "assistant", "associate", "attorney", "surgeon", "under",
                   "acting", "interim", "late", "lieutenant"}
# Singular nouns a person is described by, beside the titles: "the suspect, Tom Hale,", "the actor Tom Hale".
PERSON_NOUNS = ROLE_WORDS | {"suspect", "man", "woman", "victim", "actor", "actress", "singer", "star", "rapper",
                             "musician", "guitarist", "drummer", "player", "defendant", "plaintiff", "gunman",
                             "doctor", "nurse", "teacher", "pilot", "driver", "resident", "witness", "boy", "girl"}
DESCRIBED_ORG_NOUNS = (ORG_NOUNS | _INSTITUTIONS) - {"company's", "city", "county", "district", "province", "state",
                                                       "house", "service", "office", "paper", "post", "order"}
DESCRIBING = PERSON_NOUNS | DESCRIBED_ORG_NOUNS
# An organisation's kind, read from a word in its name: "Norland Mining Corp." is a company, whatever else it is.
ORG_KIND_WORDS = {
    "agency": {"agency", "administration", "department", "bureau"},
    "company": {"inc", "inc.", "corp", "corp.", "co", "co.", "company", "corporation", "ltd", "ltd.", "llc", "plc"},
    "firm": {"inc", "inc.", "corp", "corp.", "co", "co.", "company", "corporation", "ltd", "ltd.", "llc", "plc"},
    "utility": {"electric", "power", "energy", "gas", "utilities", "utility", "edison", "water"},
    "bank": {"bank", "bancorp"},
    "airline": {"airlines", "airways", "air"},
}
# Government agencies known by their initials alone: "NASA said" names 'the agency' as well as 'NASA Agency' would.
KNOWN_AGENCIES = {"NASA", "FBI", "CIA", "NSA", "EPA", "FDA", "FAA", "FEMA", "NOAA", "DEA", "ATF", "TSA", "CBP",
                  "IRS", "SEC", "FCC", "FTC", "CDC", "NIH", "USDA", "ESA", "IAEA", "NHTSA", "NTSB", "OSHA"}
# "Hale, the suspect,", "Ruiz, the company's chief executive,", "Kotak, a brokerage,": a name, then what it is.
DESCRIBED_AFTER = re.compile(r",\s+(?:(?:the|a|an|its|his|her|their)\s+|[A-Z][\w.&-]*['\u2019]s\s+)?"
                             r"(?P<desc>(?:[a-z][\w'\u2019-]*\s+){0,3}?[a-z][\w-]*)(?=,|\.|;|\s+(?:of|at|for|to|in|"
                             r"on|with|from|who|whose|which|and|since)\b)")
# "The suspect, Tom Hale,", "the chief executive, Ruiz,": what the article calls someone, then the name.
DESCRIBED_BEFORE = re.compile(r"\b[Tt]he\s+(?P<desc>(?:[a-z][\w'\u2019-]*\s+){0,3}?[a-z][\w-]*),\s+(?P<name>"
                              + _CAPWORD + r"(?: (?:of |for |and |& )?" + _CAPWORD + r"){0,5}),")
LOWER_WORD = re.compile(r"[a-z][\w'\u2019-]*")


def _title_word(word: str) -> bool:
    """Whether a word may end a title or description: a quick test before title_key."""
    w = _strip_possessive(word.lower()).rstrip(".,")
    return resolver.ABBREVIATIONS.get(w, w).removeprefix("co-") in DESCRIBING


def title_key(words: Sequence[str]) -> str | None:
    """The noun a description ends in, with a word that makes another title of it: 'the country's chief
    executive' -> 'executive', 'Vice President' -> 'vice president', 'Gov.' -> 'governor', 'co-founder' -> 'founder'.
    None: the words end in no noun a person or organisation is described by."""
    low = [_strip_possessive(w.lower()).rstrip(".,") for w in words]
    low = [resolver.ABBREVIATIONS.get(w, w) for w in low]
    low = [w[3:] if w.startswith("co-") else w for w in low]
    if not low or low[-1] not in DESCRIBING:
        return None
    if len(low) > 1 and low[-2] in TITLE_MODIFIERS:
        return f"{low[-2]} {low[-1]}"
    return low[-1]



@dataclass
class _Named:
    """The names of an article's people and organisations, and where each is written, in text order."""

    key: int  # how many people were known when read
    found: dict[str, Entity]
    starts: list[int]
    names: list[str]  # the name written at each start
    unlike: set[str]  # names taken for people's that are organisations' (People._org_like)


@dataclass
class People:
    """Who has been named so far in one article: full names by surname, and roles."""

    by_surname: dict[str, str] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)
    # People quoted so far, latest last, who may be called "he" (or "she"): their gender, or none known.
    quoted: dict[str, dict[str, None]] = field(default_factory=lambda: {"he": {}, "she": {}})
    genders: dict[str, str] = field(default_factory=dict)  # full name -> "he" | "she", from the text
    mentions: list[tuple[int, str]] = field(default_factory=list)  # (offset, full name) of people named
    names: list[tuple[int, str]] = field(default_factory=list)  # (offset, name) of every capitalised name
    text: str = ""
    sentence_start: int = 0  # where the sentence being read begins: a name there is the likeliest "he" or "she"
    previous_start: int = -1  # where the sentence before it begins (-1: none): its subject is the next likeliest
    last_group: tuple[int, str] | None = None  # (offset, name) of the latest group quoted: whom "they" means
    last_org: tuple[int, str] | None = None  # the latest organisation quoted: whom "it" means
    # For "he" and "she": the offsets of the people named who may be called so, and their names.
    _named: dict[str, tuple[list[int], list[str]]] = field(default_factory=lambda: {"he": ([], []), "she": ([], [])})
    _orgs: tuple[int, list[int], list[str]] | None = None  # _organisations(), for this many people known
    model: Model | None = None  # the trained resolver for pronouns, roles, organisation nouns, acronyms (None: rules)
    spoken: list[tuple[int, str, str]] = field(default_factory=list)  # (offset, speaker, kind) of speakers found
    _lower: set[str] = field(default_factory=set)  # the article's lower-case words: "However" is no one's name
    _ents: tuple[int, list[Entity]] | None = None  # _entities(), for this many people and speakers known
    _index: _Named | None = None  # _names_index(), for this many people known
    _written: dict[str, int] = field(default_factory=dict)  # _times_written()
    _as_name: dict[str, bool] = field(default_factory=dict)  # _written_as_name()
    aliases: list[tuple[int, str, str]] = field(default_factory=list)  # (offset, "group", "Harbor Workers Coalition")
    described: list[tuple[int, str, str]] = field(default_factory=list)  # (offset, "president", "Ana Ruiz")
    _inferred: set[int] = field(default_factory=set)  # where a mention was taken for the organisation in focus
    _fulls: dict[str, set[str]] = field(default_factory=dict)  # every full name written with a surname
    _described_read: bool | None = None  # whether described has been read from the text

    def prescan(self, text: str, quoted: Sequence[tuple[int, int]] = ()) -> None:
        """Full names in the article; those inside quotations name surnames but are not who 'he' or 'she' is."""
        self.text = text
        inside = iter(sorted(quoted))
        q = next(inside, None)
        for m in CAP_RUN.finditer(text):
            while q is not None and q[1] <= m.start():
                q = next(inside, None)
            in_quote = q is not None and q[0] <= m.start() < q[1]
            if not in_quote:
                self.names.append((m.start(), m.group()))
            if " " not in m.group():
                continue  # one capitalised word: a sentence's first word or a surname, never a full name
            words = [w for w in m.group().split() if w.lower() not in HONORIFICS]
            while words and (words[0].lower().rstrip(".") in NOT_NAME | LEADING_NOT_NAME
                             or words[0].lower() in ROLE_WORDS):
                words = words[1:]
            if any(w.lower() in ROLE_WORDS for w in words):
                words = words[max(i for i, w in enumerate(words) if w.lower() in ROLE_WORDS) + 1 :]
            if len(words) > 2 and ACRONYM_WORD.fullmatch(words[0]) and not words[1].isupper():
                words = words[1:]  # "BBC Emily Hart": the outlet before a name, not the name's first word
            if len(words) > 2 and text[max(0, m.start() - 4) : m.start()] in {" to ", " of "} \
                    and is_place_or_org(words[0]) and not is_place_or_org(" ".join(words)):
                words = words[1:]  # "ambassador to Britain Lee Chan": the place ends the title
            elif len(words) > 2 and (title := TITLE_OF.search(text, max(0, m.start() - 30), m.start())) \
                    and title.group(1).lower() in ROLE_WORDS:
                # "Secretary of State Mike Pompeo", "Secretary of Homeland Security Jeh Johnson": the department
                # ends the title; the name is its last words (with a middle initial).
                words = words[-3:] if len(words[-2]) == 2 and words[-2].endswith(".") else words[-2:]
            words = [_strip_possessive(w) for w in words]
            if words and words[-1].endswith(".") and len(words[-1]) > 3 and words[-1].lower() not in KEEPS_DOT:
                words[-1] = words[-1][:-1]  # "met Luis Ortega.": the sentence's full stop
            if 2 <= len(words) <= 4 and words[-1].lower().rstrip(".") not in ORG_WORDS \
                    and not is_place_or_org(" ".join(words)) \
                    and all(len(w) > 1 for w in words[-1:]):
                full = self.by_surname.setdefault(_surname(" ".join(words)), " ".join(words))
                self._fulls.setdefault(_surname(full), set()).add(" ".join(words))
                if not in_quote:
                    self.mentions.append((m.start(), full))
        self._lower = set(resolver.WORD.findall(text))
        self._genders(text)
        for m in ALIAS.finditer(text):
            if m.group("noun") in ALIAS_NOUNS:  # an organisation's noun: "the company, Adam Lane," is not written
                self.aliases.append((m.start(), m.group("noun"), m.group("name").rstrip(".")))

    def _describe(self, text: str) -> None:
        """What the article calls each person and organisation it names, where it says so: 'President Ana Ruiz',
        'the actor Tom Hale', 'Hale, the suspect,', 'The suspect, Tom Hale,', 'Norland Mining Corp.'."""
        for m in CAP_RUN.finditer(text):
            after = DESCRIBED_AFTER.match(text, m.end()) if text.startswith(",", m.end()) else None
            if after and not any(w[:1].isupper() for w in after.group("desc").split()):
                key = title_key(after.group("desc").split())
                if key:
                    self._described_as(m.start(), key, m.group())
            words = m.group().split()
            k = max((n for n, w in enumerate(words[:-1]) if _title_word(w) and title_key(words[: n + 1])), default=-1)
            if k >= 0 and (words[k] != _strip_possessive(words[k]) or any(w.lower() in HONORIFICS for w in words[:k])):
                continue  # "Mr. King's Norland Radio": a name, not a title, before the name
            if k >= 0:  # "US President Ana Ruiz", "Republican Gov. Eric Holcomb"
                key, name_words = title_key(words[: k + 1]), words[k + 1 :]
            else:
                # The words just before the name, when they end in a lower-case noun: "the actor Tom Hale".
                before = text[max(0, m.start() - 40) : m.start()].split() if text[m.start() - 1 : m.start()] == " " \
                    else []
                name_words = words
                if len(before) > 1 and before[-1] in {"to", "of"}:
                    # "the ambassador to Britain Lee Chan": the place belongs to the title.
                    if len(words) < 3 or not is_place_or_org(words[0]):
                        continue
                    name_words, before = words[1:], before[:-1]
                if not before or not LOWER_WORD.fullmatch(before[-1]) or not _title_word(before[-1]):
                    continue
                key = title_key(before[-2:])
            if key:
                self._described_as(m.start(), key, " ".join(name_words))
        for m in DESCRIBED_BEFORE.finditer(text):
            key = title_key(m.group("desc").split())
            if key:
                self._described_as(m.start("name"), key, m.group("name"))
        orgs = [(pos, name) for pos, run in _joined(text, self.names) if (name := self._organisation_name(run))]
        for pos, name in orgs:
            low = {w.lower().rstrip(",") for w in name.split()}
            for noun, kinds in ORG_KIND_WORDS.items():
                if low & kinds:
                    self.described.append((pos, noun, name))
            for w in low & DESCRIBED_ORG_NOUNS:
                self.described.append((pos, w, name))  # "the bank": "Norland Bank"
            if name in KNOWN_AGENCIES:
                fits = {n for _, n in orgs if n != name and name in resolver.acronyms(n)}
                # "CBP" where the article spells it out once: "Customs and Border Protection".
                self.described.append((pos, "agency", fits.pop() if len(fits) == 1 else name))

    def _organisation_name(self, run: str) -> str | None:
        """A capitalised run as an organisation's name ('The Norland Bank's' -> 'Norland Bank'); None: a person's
        name, a place, or a single word no organisation is called by."""
        words = [_strip_possessive(w) for w in run.split()]
        while words and words[0].lower() in NOT_NAME:
            words = words[1:]
        if not words:
            return None
        name = " ".join(words)
        if name.endswith(".") and words[-1].lower() not in KEEPS_DOT:
            name = name[:-1]
        if len(words) == 1 and (len(name) < 2 or name.lower() in self._lower):
            return None
        if self.by_surname.get(_surname(name)) or is_place_or_org(name):
            return None
        return name

    def _described_as(self, pos: int, key: str, name: str) -> None:
        name = _strip_possessive(name.rstrip(",")).rstrip(".") if not name.endswith(tuple(KEEPS_DOT)) else name
        words = [w for w in name.split() if w.lower() not in HONORIFICS]
        if not words:
            return
        full = self.by_surname.get(_surname(" ".join(words)))
        if full and {w.lower() for w in words} <= {w.lower() for w in full.split()}:
            if len(words) == 1 and (len({n.lower() for n in self._fulls.get(_surname(full), set())}) > 1
                                    or next((p for p, n in self.mentions if n == full), pos) >= pos):
                # "President Ruiz" where the article names Ana Ruiz and Luis Ruiz, or names Ana Ruiz only later:
                # whose title it is is unknown.
                return
            if key in PERSON_NOUNS:
                self.described.append((pos, key, full))
        elif key in DESCRIBED_ORG_NOUNS and len(words) >= 1 and self._organisation_name(" ".join(words)):
            self.described.append((pos, key, " ".join(words)))

    def _by_description(self, m: Mention, near: bool = False) -> str | None:
        """Whom 'the president', 'the suspect' or 'the agency' stands for, when the article calls exactly one
        person so (anywhere in it) or exactly one organisation (before the mention): a wrong name costs more than
        none. near: of several so called, the one this paragraph or the one before names, when it names no other
        ('Gov. Eric Holcomb' and 'Gov. Matt Bevin'; 'Holcomb's office said ... The governor said')."""
        first = m.text.split()[0]
        if first.lower() != "the" and first == _strip_possessive(first):
            return None  # "Mr. King", "Retired General": a name or a title on its own, not "the king"
        key = title_key(m.text.split())
        if key is None and m.kind == "role":
            words = m.text.split()
            last = max((n for n, w in enumerate(words) if title_key(words[: n + 1])), default=-1)
            key = title_key(words[: last + 1]) if last >= 0 else None
        if key is None:
            return None
        if self._described_read is None:
            # Read on the first description asked about: most articles never ask.
            self._describe(self.text)
            self._described_read = True
        people = {name for _, k, name in self.described if k == key and name in self.by_surname.values()}
        orgs = {name for pos, k, name in self.described if k == key and pos < m.start
                and name not in self.by_surname.values()}
        fits = (people if key in PERSON_NOUNS else set()) | (orgs if key.split()[-1] in DESCRIBED_ORG_NOUNS else set())
        if near and len(fits) > 1:
            start = self._paragraph_before(m.start)
            fits &= set(self._named_between(start, m.start))
        if len(fits) != 1:
            return None
        who = fits.pop()
        # "the Democratic nominee" is not the Republican one: the mention's proper words must stand by the name where
        # the article calls it so ("Wikileaks co-founder Tom Hale" for "the Wikileaks founder").
        proper = {_strip_possessive(w).lower() for w in m.text.split()[1:] if w[:1].isupper()} - {key.split()[-1]}
        around = [self.text[max(0, pos - 80) : min(pos + len(who) + 40, m.start if m.start > pos else len(self.text))]
                  .lower() for pos, k, name in self.described if k == key and name == who]
        if proper and not any(all(re.search(r"\b" + re.escape(w) + r"\b", t) for w in proper) for t in around):
            return None
        return who

    def _genders(self, text: str) -> None:
        """He or she for each person: 'Mr.'/'Ms.', or the pronoun that first follows the name nearby."""
        for m in HONORIFIC_NAME.finditer(text):
            full = self.by_surname.get(m.group(2).lower())
            if full:
                self.genders.setdefault(full, "he" if m.group(1) == "Mr" else "she")
        # Every name of a person outside quotations, surnames too: "Sowers didn't know Patrick ... his visit" says
        # nothing of Sowers, since Patrick stands between.
        named: list[tuple[int, int, str]] = []
        for pos, run in self.names:
            words = [_strip_possessive(w).rstrip(".,") for w in run.split() if w.lower() not in HONORIFICS]
            full = self.by_surname.get(_surname(" ".join(words))) if words else None
            if full and {w.lower() for w in words} <= {w.lower() for w in full.split()}:
                named.append((pos, pos + len(run), full))
        votes: dict[str, dict[str, int]] = {}
        for k, (pos, end, full) in enumerate(named):
            owner = text.startswith(("'s", "\u2019s"), end) or text[end - 2 : end] in {"'s", "\u2019s"}
            if full in self.genders or owner or OBJECT_OF.search(text, max(0, pos - 12), pos):
                continue  # "Carlineo's attorney ... her client", "harm to Omar ... his": not whom the pronoun means
            p = GENDERED.search(text, end, min(len(text), end + 120))
            if p and SENTENCE_END.search(text, end, p.start()):
                continue  # "... owned by Scooter Braun. In a post she ...": another sentence may be about another
            if p and not any(other < p.start() for other, _, _ in named[k + 1 : k + 2]):
                # Names come in text order: the next one is the only one that could stand between.
                said = votes.setdefault(full, {"he": 0, "she": 0})
                said["he" if p.group(1).lower() in {"he", "his", "him"} else "she"] += 1
        for full, said in votes.items():
            if said["he"] != said["she"] and min(said.values()) * 2 < max(said.values()):
                self.genders[full] = max(said, key=lambda g: said[g])
        for pronoun in ("he", "she"):
            fits = [(pos, n) for pos, n in self.mentions if self.genders.get(n, pronoun) == pronoun]
            self._named[pronoun] = ([pos for pos, _ in fits], [n for _, n in fits])

    def heard(self, m: Mention, speaker: str) -> None:
        """Note who has just spoken: whom a later "he", "she", "they" or "it" most likely means."""
        if m.start in self._inferred:
            # An organisation the text is about, not named where it spoke ("the company", "a spokesperson"): no
            # one "he", "she" or "it" may mean on that guess alone.
            self.spoken.append((m.start, speaker, "group"))
            return
        person = m.kind in {"name", "role", "pronoun"} and m.text.lower() not in {"they", "it"}
        self.spoken.append((m.start, speaker, "person" if person else "group"))
        if m.kind in {"name", "role", "pronoun"}:
            for pronoun, quoted in self.quoted.items():
                quoted.pop(speaker, None)
                if self.genders.get(speaker, pronoun) == pronoun:
                    quoted[speaker] = None
        elif m.kind == "group" and m.text.split()[-1].lower() not in ISSUED:
            # "Officials said ... They believe ...", "The company said ... It expects ...".
            if m.text.split()[-1].lower().endswith("s"):
                self.last_group = (m.start, speaker)
            else:
                self.last_org = (m.start, speaker)

    def register(self, name: str, role: str | None) -> None:
        key = _surname(name)
        if len(name.split()) >= 2:
            self.by_surname.setdefault(key, name)
        if role:
            self.roles[self.by_surname.get(key, name)] = role

    def resolve(self, m: Mention) -> Resolution:
        """Whom a mention stands for (a full name or a group's name), how sure that is, and why."""
        mtype = resolver.mention_type(m.kind, m.text, RESOLVED_NOUNS)
        if mtype is not None and (self.model is not None and mtype in self.model.types or resolver.RECORD is not None):
            ruled = self._resolve(m)
            ranked = self._ranked(m, mtype, ruled)
            if ranked is not None:
                return ranked
            return ruled
        if mtype == "acronym" or m.kind in {"group", "name"} and len(m.text.split()) == 2 and m.text[:1].isupper() \
                and ACRONYM_WORD.fullmatch(m.text.split()[-1].rstrip(".")):
            full = self._expanded(m)  # "CBP", "Chinese CDC"
            if full:
                return Resolution(full, GROUP_NAMED, f"'{m.text}' = {full}, whose initials it is")
        return self._resolve(m)

    def _expanded(self, m: Mention) -> str | None:
        """The organisation named before an acronym whose initials it is, when only one is: 'CBP' ->
        'U.S. Customs and Border Protection', 'Chinese CDC' -> 'Chinese Center for Disease Control and Prevention'.
        Not a name taken for a person's ('Live Nation'): 'the IMF' stays as written rather than risk a person."""
        *before, short = m.text.split()
        short = short.rstrip(".").replace(".", "")
        fits = {e.name for e in self._entities() if e.kind != "person" and e.positions[0] < m.start
                and e.name != short and _initials_fit(short, e.name) and all(w in e.name.split() for w in before)}
        return fits.pop() if len(fits) == 1 else None

    def _ranked(self, m: Mention, mtype: str, ruled: Resolution) -> Resolution | None:
        """The trained resolver's answer: the best candidate above its threshold, else the mention as written."""
        ctx = resolver.Context(self.sentence_start, self.previous_start, [n for _, n, _ in self.spoken],
                               self.roles, {}, 0, self._rule_answers(m, mtype, ruled))
        model = self.model or resolver.Model({}, 0.0, 1.0)
        cands = resolver.rank(model, mtype, m.text, m.start, self._entities(), ctx)
        if resolver.RECORD is not None:
            resolver.RECORD.append((m.start, m.end, m.text, mtype, [(c.entity.name, c.feats) for c in cands]))
        if self.model is None or mtype not in self.model.types:
            return None
        best = cands[0] if cands else None
        runner = f"; next {cands[1].entity.name} {cands[1].prob:.2f}" if len(cands) > 1 else ""
        if best is not None and best.prob >= model.threshold:
            return Resolution(best.entity.name, round(best.prob, 2),
                              f"'{m.text}' = {best.entity.name}: resolver {best.prob:.2f} "
                              f"({model.explain(best.feats)}){runner}")
        if mtype == "acronym":
            return None  # an acronym is a name as written: the rules keep it
        doubt = f"perhaps {best.entity.name} {best.prob:.2f}{runner}" if best else "no one named before it"
        name = None if m.kind == "pronoun" else m.text
        return Resolution(name, round(best.prob, 2) if best else UNKNOWN,
                          f"'{m.text}': resolver unsure ({doubt}), kept as written", resolved=False)

    def _rule_answers(self, m: Mention, mtype: str, ruled: Resolution) -> dict[str, str]:
        """Whom each hand rule would pick: the model learns how far to trust each."""
        out: dict[str, str] = {}
        if mtype in {"he", "she"}:
            for rule, who in (("sentence", self._named_in_sentence(m.start, mtype)),
                              ("before", self._named_in_sentence(self.sentence_start, mtype, self.previous_start)),
                              ("quoted", next(reversed(self.quoted[mtype]), None))):
                if who:
                    out[rule] = who
            positions, names = self._named[mtype]
            k = bisect_left(positions, m.start)
            if k:
                out["latest"] = names[k - 1]
        elif mtype in {"role", "noun"}:
            org = self._organisation_opening(self.previous_start, self.sentence_start)
            if org:
                out["org_before"] = org
            org = self._organisation_before(m.start)
            if org:
                out["org_most"] = org
        if ruled.resolved and ruled.name and ruled.confidence < NAMED:
            out[mtype + "_rule"] = ruled.name
        return out

    def _entities(self) -> list[Entity]:
        """The people and organisations named outside quotations, and the groups heard: whom a mention may mean."""
        key = len(self.by_surname) * 100_000 + len(self.spoken)
        if self._ents is not None and self._ents[0] == key:
            return self._ents[1]
        found = {name: Entity(e.name, e.kind, list(e.positions), set(e.context), e.gender)
                 for name, e in self._names_index().found.items()}
        for pos, speaker, kind in self.spoken:
            if speaker not in found:
                found[speaker] = Entity(speaker, "person" if kind == "person" else "group")
            if pos not in found[speaker].positions:
                found[speaker].positions.append(pos)
                found[speaker].positions.sort()
        self._ents = (key, list(found.values()))
        return self._ents[1]

    def _names_index(self) -> _Named:
        """The people and organisations named outside quotations (not the speakers heard), and where, in text order:
        read again only when a person is added, so that each mention asks only about the names near it."""
        if self._index is not None and self._index.key == len(self.by_surname):
            return self._index
        found: dict[str, Entity] = {}
        first_words = {w.lower() for n in self.by_surname.values() for w in n.split()[:-1]}
        runs = _joined(self.text, self.names)
        for pos, run in runs:
            words = [w if ACRONYM.fullmatch(w) else _strip_possessive(w).rstrip(".,") for w in run.split()]
            words = [w for w in words if w.lower() not in HONORIFICS]
            if words and self._opens_sentence(pos) and (words[0].lower() in self._lower or words[0].endswith("ly")
                                                        or words[0].lower() in STOP | SKIP_BEFORE_CUE | OPENERS):
                words = words[1:]  # "Although CBP ...", "Unsurprisingly, ...": a sentence's first word
            while words and (words[0].lower() in NOT_NAME or words[0].lower() in ROLE_WORDS
                             or words[0].lower() in MONTHS):
                words = words[1:]
            if any(w.lower() in ROLE_WORDS for w in words):
                words = words[max(i for i, w in enumerate(words) if w.lower() in ROLE_WORDS) + 1 :]
            if not words:
                continue
            name = " ".join(words)
            # A name joined over "of" or "and" is an organisation's, even where its end looks like a person's name.
            full = None if any(w.lower() in resolver.CONNECTORS for w in words) else self.by_surname.get(_surname(name))
            if full and {w.lower() for w in words} <= {w.lower() for w in full.split()}:
                e = found.setdefault(full, Entity(full, "person", gender=self.genders.get(full)))
            elif full or (len(words) == 1 and (words[0].lower() in self._lower or words[0].lower() in first_words
                                               or len(words[0]) < 2)):
                continue  # "Jack" of a person named in full, or a sentence's first word ("However")
            else:
                kind = "place" if is_place_or_org(name) and not any(w.lower() in ORG_WORDS for w in words) else "org"
                e = found.setdefault(name, Entity(name, kind))
            e.positions.append(pos)
            e.context |= resolver.context_words(self.text, pos, pos + len(run))
        for e in found.values():
            if e.kind == "person" and e.gender is None:
                e.gender = self._gender_near(e.positions)
        at = sorted((p, e.name) for e in found.values() for p in e.positions)
        # A two-word name taken for a person's that the article writes as organisations' are written: in full every
        # time, more than once, never with "he" or "she" ("Norland Rail" ... "Norland Rail"), where a person's is
        # shortened to the surname ("Holcomb").
        unlike = {e.name for e in found.values() if e.kind == "person" and e.gender is None and len(e.positions) >= 2
                  and all(self.text.startswith(e.name, p) or self.text.startswith(e.name, p + 4) for p in e.positions)}
        self._index = _Named(len(self.by_surname), found, [p for p, _ in at], [n for _, n in at], unlike)
        return self._index

    def _named_between(self, start: int, end: int) -> dict[str, str]:
        """The people and organisations named in text[start:end] (outside quotations), and those heard there under
        a name of their own ('CBP said' for Customs and Border Protection), not as 'he' or 'the company': each
        with its kind (person, org, place; person or group for one only heard)."""
        ix = self._names_index()
        out = {n: ix.found[n].kind for n in ix.names[bisect_left(ix.starts, start) : bisect_left(ix.starts, end)]}
        for pos, speaker, kind in reversed(self.spoken):  # heard in text order: the latest are last
            if pos < start:
                break
            word = self.text[pos : pos + 12].split()[:1]
            if pos < end and word and word[0][:1].isupper() and word[0].lower() not in PRONOUNS | DETERMINERS:
                out.setdefault(speaker, ix.found[speaker].kind if speaker in ix.found else kind)
        return out

    def _gender_near(self, positions: list[int]) -> str | None:
        """'he' or 'she' as the pronouns just after a person's mentions mostly say, when the text never said
        (a surname-only mention counts too): 'Swift ... her label'."""
        votes = {"he": 0, "she": 0}
        for pos in positions:
            p = GENDERED.search(self.text, pos, min(len(self.text), pos + 100))
            if p:
                votes["he" if p.group(1).lower() in {"he", "his", "him"} else "she"] += 1
        if votes["he"] != votes["she"] and min(votes.values()) * 2 < max(votes.values()):
            return max(votes, key=lambda k: votes[k])
        return None

    def _times_written(self, word: str) -> int:
        """How often the article writes a word as a whole word (asked once per word)."""
        if word not in self._written:
            self._written[word] = len(re.findall(r"\b" + re.escape(word) + r"\b", self.text))
        return self._written[word]

    def _org_like(self, name: str) -> bool:
        """Whether a name the article writes is an organisation's: as the names read, or a name taken for a person's
        written as organisations' are ('Norland Rail' in full each time, never 'he' or 'she')."""
        ix = self._names_index()
        e = ix.found.get(name)
        return e is not None and (e.kind == "org" or name in ix.unlike)

    def _paragraph_before(self, pos: int) -> int:
        """Where the paragraph before the one holding pos begins (blank lines aside): how far back an organisation
        stays in focus."""
        here = self.text.rfind("\n", 0, pos)
        if here < 0:
            return 0
        j = here
        while j > 0 and self.text[j - 1] == "\n":
            j -= 1
        return self.text.rfind("\n", 0, j) + 1

    def _org_in_focus(self, pos: int, noun: str | None, modifier: str | None = None) -> str | None:
        """The organisation the text is about at pos, of the kind the noun says ('company', 'agency'; None: any):
        the one the sentence or the sentence before opens with, else the one named most of those named in this
        paragraph, else in the one before; with the mention's modifier in its name if one has it ('the production
        company': Dick Clark Productions). Outlets and the objects of 'told', 'by', 'to' are what the text speaks
        to, not about."""
        start = max(self._paragraph_before(pos), pos - 1500)
        paragraph = self.text.rfind("\n", 0, pos) + 1
        found: list[tuple[tuple[bool, int], str]] = []
        ix = self._names_index()
        k0, k1 = bisect_left(ix.starts, start), bisect_left(ix.starts, pos)
        latest = {name: p for p, name in zip(ix.starts[k0:k1], ix.names[k0:k1], strict=True)
                  if not OBJECT_BEFORE.search(self.text, max(0, p - 14), p)}
        for name, last in latest.items():
            if not self._org_like(name) or not _fits_noun(name, noun):
                continue
            if " " not in name and self._times_written(name) < 2:
                continue  # one word written once ("15 percent Hispanic"): no organisation in focus
            # This paragraph before the one before; then the one named most in the article.
            found.append(((last >= paragraph, len(ix.found[name].positions)), name))
        stem = modifier[:5].lower() if modifier and len(modifier) >= 4 else None
        if stem and any(stem in name.lower() for _, name in found):
            found = [(key, name) for key, name in found if stem in name.lower()]
        else:
            stem = None
        for begin, end in ((self.sentence_start, pos), (self.previous_start, self.sentence_start)):
            org = self._organisation_opening(begin, end) if begin >= 0 and begin < end else None
            if org:
                # The whole name where it goes on over "and": "Customs and Border Protection, part of ...".
                org = next((n for n in self._named_between(begin, begin + 5)
                            if n.startswith(org + " ") and self._org_like(n)), org)
            if org and _fits_noun(org, noun) and (stem is None or stem in org.lower()):
                return org
        found.sort(reverse=True)
        if not found or len(found) > 1 and found[0][0] == found[1][0]:
            return None  # two as likely: "Norland Corp. agreed to buy Eastfield Inc. The company said": say less
        return found[0][1]

    def _opens_sentence(self, pos: int) -> bool:
        before = self.text[max(0, pos - 3) : pos].rstrip(" \"\u201c'\u2018")
        return not before or before[-1] in ".!?\n:"

    def _resolve(self, m: Mention) -> Resolution:
        if m.kind == "name":
            full = self.by_surname.get(_surname(m.text), m.text)
            if len(m.text.split()) > len(full.split()):
                full = m.text
            self.register(full, m.role)
            if full != m.text:
                return Resolution(full, SURNAME, f"named in the attribution; '{m.text}' = {full}, named earlier")
            return Resolution(full, NAMED, "named in the attribution")
        if m.kind == "pronoun":
            return self._pronoun(m)
        if m.kind == "role":
            named = self._by_description(m)
            if named:
                return Resolution(named, DESCRIBED, f"'{m.text}' = {named}, the only one the article calls so")
            named = self._by_description(m, near=True)
            if named:
                return Resolution(named, DESCRIBED_NEAR, f"'{m.text}' = {named}, the one the article calls so that "
                                                         "it names here")
            head = next((w for w in reversed(m.text.lower().split()) if w in ROLE_WORDS), m.text.split()[-1].lower())
            for person, role in reversed(self.roles.items()):
                if head in role.lower():
                    return Resolution(person, ROLE_ACROSS, f"'{m.text}' = {person}, whose role the article gave as "
                                                           f"'{role}'")
            spoke = self._spokesperson(m) or self._in_focus(m) or self._person_in_focus(m)
            if spoke:
                return spoke
            return Resolution(m.text, AS_WRITTEN, f"'{m.text}': no one named with that role", resolved=False)
        if m.kind == "group":
            words = m.text.split()
            if len(words) == 2 and words[0].lower() == "the" and words[1].lower() in ISSUED:
                # '"...," the statement said.': whoever issued it, quoted just before.
                issuers = [g for g in (self.last_org, self.last_group) if g and m.start - g[0] < 1500]
                if issuers:
                    who = max(issuers)[1]
                    return Resolution(who, ISSUER, f"'{m.text}' = {who}, the organisation quoted just before")
                issued = self._issued_before(m.start, words[1].lower())
                if issued:
                    return Resolution(issued, ISSUER, f"'{m.text}' = {issued}, who the article says issued it")
            named = self._alias(m) if len(words) == 2 and words[0].lower() == "the" else None
            if named:
                return Resolution(named, ALIASED, f"'{m.text}' = {named}, as the article named it before")
            named = self._by_description(m) if words[0].lower() == "the" else None
            if named:
                return Resolution(named, DESCRIBED, f"'{m.text}' = {named}, the only one the article calls so")
            named = self._by_description(m, near=True) if words[0].lower() == "the" else None
            if named:
                return Resolution(named, DESCRIBED_NEAR, f"'{m.text}' = {named}, the one the article calls so that "
                                                         "it names here")
            focus = self._in_focus(m)
            if focus:
                return focus
            if len(words) == 2 and words[0].lower() in {"the", "its"} and words[1].lower() in ORG_NOUNS:
                org = self._organisation_before(m.start)  # "the company said": the one named most, a guess
                if org:
                    return Resolution(m.text, ORG_NOUN, f"'{m.text}': perhaps {org}, the organisation named most "
                                                          "(unresolved)", resolved=False)
                return Resolution(m.text, AS_WRITTEN, f"'{m.text}': no organisation named before it",
                                  resolved=False)
            focus = self._person_in_focus(m) or self._pair(m)
            if focus:
                return focus
            text = m.text[4:] if m.text.lower().startswith("the ") else m.text
            if any(w[:1].isupper() for w in text.split()):
                return Resolution(text, GROUP_NAMED, "an organisation or group named in the attribution")
            return Resolution(text, GROUP_AS_WRITTEN, "a group as the article describes it", resolved=False)
        spoke = self._spokesperson(m) if m.kind == "anonymous" else None
        if spoke:
            return spoke
        if any(w.lower().strip(".,") in ANONYMOUS for w in m.text.split()):
            return Resolution(None, ANONYMOUS_SOURCE, f"'{m.text}': an anonymous source", resolved=False)
        return Resolution(m.text, AS_WRITTEN, f"'{m.text}': someone the article does not name", resolved=False)

    def _in_focus(self, m: Mention) -> Resolution | None:
        """'The company', 'said the production company': the organisation of that kind the text is about there;
        'the office release', 'the company statement': the one that issued it."""
        words = m.text.split()
        if len(words) == 3 and words[-1].lower() in DOCUMENTS and words[1].lower() in FOCUS_NOUNS:
            words = words[:2]  # "according to the office release": the office's
        noun = words[-1].lower()
        if not (2 <= len(words) <= 3 and words[0].lower() in {"the", "its"} and all(w.islower() for w in words[1:])
                and noun in FOCUS_NOUNS):
            return None
        org = self._org_in_focus(m.start, noun, words[1] if len(words) == 3 else None)
        if org is None:
            return None
        self._inferred.add(m.start)
        # "The attorney general is investigating WeWork. The company said ...": the organisation it is about.
        return Resolution(org, ORG_BEFORE, f"'{m.text}' = {org}, the {noun} the text is about here")

    def _pair(self, m: Mention) -> Resolution | None:
        """'Both men', 'the two women', 'the pair' = the two people the text last names together, in this paragraph
        or the one before: 'King and Weeks were abducted in 2016. ... Both men claimed ...'."""
        if not PAIR_MENTION.fullmatch(m.text):
            return None
        start = self._paragraph_before(m.start)
        for p in reversed(list(PAIR_NAMES.finditer(self.text, start, m.start))):
            a, b = (self._full_name(p.group(k)) for k in ("a", "b"))
            if a and b and a != b:
                who = f"{a} and {b}"
                return Resolution(who, PAIR, f"'{m.text}' = {who}, the two people named together just before")
        return None

    def _full_name(self, surname: str) -> str | None:
        """The full name the article writes a surname in, where it does: 'King' -> 'Kevin King' (from 'American
        Kevin King', a place's people before it; 'King' is a title too, so the people named are not asked)."""
        full = self.by_surname.get(surname.lower())
        runs = [full] if full and _surname(full) == surname.lower() \
            else [run for _, run in self.names]
        for run in runs:
            words = [w for w in run.split() if w.lower() not in HONORIFICS]
            if len(words) >= 2 and words[-1] == surname:
                while len(words) > 2 and (is_place_or_org(words[0]) or words[0].lower() in NOT_NAME):
                    words = words[1:]  # "Australian Timothy Weeks": where he is from, not his name
                if not any(w.lower() in ROLE_WORDS or is_place_or_org(w) for w in words[:-1]):
                    return " ".join(words)
        return None

    def _person_in_focus(self, m: Mention) -> Resolution | None:
        """'said the actor', 'the singer and guitarist told': what the article calls the one person it names in this
        paragraph and the one before, when it calls no one so in words."""
        words = m.text.split()
        if words[0].lower() == "the":
            words = words[1:]
        if not words or len(words) > 2 or not all(w.islower() for w in words) or words[-1] not in EPITHETS:
            return None
        start = self._paragraph_before(m.start)
        unlike = self._names_index().unlike
        people = {n for n, kind in self._named_between(start, m.start).items() if kind == "person" and n not in unlike}
        if len(people) > 1:
            # Several named: the one the sentence before opens with ("Simmons teased the tour ... the singer and
            # guitarist told the audience").
            opening = OPENING_NAME.match(self.text, self.previous_start, self.sentence_start) \
                if 0 <= self.previous_start < self.sentence_start <= m.start else None
            full = self.by_surname.get(_surname(opening.group("name"))) if opening else None
            if full in people:
                return Resolution(full, EPITHET, f"'{m.text}' = {full}, whom the sentence before opens with")
        if len(people) != 1:
            return None
        who = people.pop()
        return Resolution(who, EPITHET, f"'{m.text}' = {who}, the one person named here")

    def _spokesperson(self, m: Mention) -> Resolution | None:
        """'A spokesperson', 'the spokesman', 'an agency spokesman' with no name: the organisation in focus speaks,
        as the article's readers take it ('CBP did not accept the offer. A spokesperson said ...')."""
        words = [w.lower() for w in m.text.split()]
        if words[-1] not in SPOKES or not all(w.islower() for w in m.text.split()[1:]) or len(words) > 3 \
                or words[0] not in {"a", "an", "the", "one", "another"}:
            return None
        noun = words[-2] if len(words) == 3 and words[-2] in FOCUS_NOUNS else None
        if len(words) == 3 and noun is None:
            return None  # "a campaign spokesman", "a former spokesman": not known whose
        if noun is None and any(self._opens_with_person(begin, end) for begin, end in
                                ((self.sentence_start, m.start), (self.previous_start, self.sentence_start))):
            return None  # "Mayor Ana Ruiz criticised Norland Rail. A spokesperson said": perhaps hers
        org = self._org_in_focus(m.start, noun)
        if org is None:
            return None
        self._inferred.add(m.start)
        return Resolution(org, ORG_BEFORE, f"'{m.text}' = {org}, the organisation the text is about here")

    def _opens_with_person(self, begin: int, end: int) -> bool:
        """Whether text[begin:end] is a sentence that opens with a person the article names."""
        if not 0 <= begin < end:
            return False
        opening = OPENING_NAME.match(self.text, begin, end)
        return opening is not None and self.by_surname.get(_surname(opening.group("name"))) is not None

    def _alias(self, m: Mention) -> str | None:
        """What 'the group' stands for where the article said so before: 'The group, Harbor Workers Coalition, ...'."""
        noun = m.text.split()[-1].lower()
        return next((name for pos, n, name in reversed(self.aliases) if n == noun and pos <= m.start), None)

    def _pronoun(self, m: Mention) -> Resolution:
        pronoun = m.text.lower()
        if pronoun == "they" and self.last_group and m.start - self.last_group[0] < 600:
            return Resolution(self.last_group[1], THEY_IT, f"'{m.text}' = {self.last_group[1]}, the group quoted "
                                                           "just before")
        if pronoun == "it" and self.last_org and m.start - self.last_org[0] < 600:
            return Resolution(self.last_org[1], THEY_IT, f"'{m.text}' = {self.last_org[1]}, the organisation "
                                                         "quoted just before")
        if pronoun not in {"he", "she"}:
            return Resolution(None, UNKNOWN, f"'{m.text}': no one it stands for", resolved=False)
        # A person named earlier in the same sentence ("When Carlineo was approached, he told police");
        # else the latest person quoted who can be called so; else the latest such person named.
        named = self._named_in_sentence(m.start, pronoun)
        if named:
            return Resolution(named, PRONOUN_SENTENCE, f"'{m.text}' = {named}, whom the sentence opens with")
        named = self._named_in_fronted(m.start, pronoun)
        if named:
            return Resolution(named, PRONOUN_BEFORE, f"'{m.text}' = {named}, the one person named in the clause "
                                                     "before it")
        named = self._named_in_sentence(self.sentence_start, pronoun, self.previous_start)
        if named:
            # "Netanyahu visited the settlement on Tuesday. '...,' he told settler leaders": the subject just before.
            return Resolution(named, PRONOUN_BEFORE, f"'{m.text}' = {named}, whom the sentence before opens with")
        fits = next(reversed(self.quoted[pronoun]), None)
        if fits:
            return Resolution(fits, PRONOUN_QUOTED, f"'{m.text}' = {fits}, the person quoted just before")
        positions, names = self._named[pronoun]
        k = bisect_left(positions, m.start)
        if k:
            # No one quoted yet: the latest person named is only a guess. Say so rather than name them.
            return Resolution(None, FALLBACK, f"'{m.text}': no one quoted before it; perhaps {names[k - 1]}, "
                                              "the person named just before (unresolved)", resolved=False)
        return Resolution(None, UNKNOWN, f"'{m.text}': no one named before it", resolved=False)

    def _named_in_fronted(self, pos: int, pronoun: str) -> str | None:
        """The one person the clause before 'he' or 'she' names, where that clause opens the sentence: 'While the
        campaign did not appeal to Julie Graham, a health officer, she said ...'. Two people there: no one."""
        start = self.sentence_start
        if start < 0 or FRONTED.match(self.text, start, pos) is None:
            return None
        fits = {n for n, kind in self._named_between(start, pos).items() if kind == "person" and len(n.split()) >= 2}
        if len(fits) != 1:
            return None
        who = fits.pop()
        return who if self.genders.get(who) == pronoun else None  # known to be "she", not only not known as "he"

    def _named_in_sentence(self, pos: int, pronoun: str, start: int | None = None) -> str | None:
        """The person a sentence opens with, when 'he' or 'she' comes later in it: 'When Carlineo was approached,
        he told police'. Only its subject: names later in it are objects ('a call to Omar's office')."""
        start = self.sentence_start if start is None else start
        if start < 0:
            return None
        m = OPENING_NAME.match(self.text, start, pos)
        if m is None:
            return None
        full = self.by_surname.get(_surname(m.group("name")))
        if full and len(full.split()) >= 2 and self.genders.get(full, pronoun) == pronoun:
            return full
        return None

    def _organisation_opening(self, start: int, end: int) -> str | None:
        """The organisation a sentence opens with ("WeWork faces layoffs", "The Pentagon said"), if it does."""
        if start < 0:
            return None
        m = CAP_RUN.match(self.text, start + 4 if self.text.startswith("The ", start) else start, end)
        if m is None or not self.text.startswith(" ", m.end()):
            return None
        org = _strip_possessive(m.group()).rstrip(".")
        words = org.split()
        full = self.by_surname.get(_surname(org))
        # A person's surname, or their full name: not the first word of a name taken for a person's ("Amazon Music
        # Unlimited").
        person = full is not None and {w.lower() for w in words} <= {w.lower() for w in full.split()}
        if words[0].lower() in NOT_NAME or person or any(w.lower() in ROLE_WORDS for w in words) \
                or is_place_or_org(org) and not any(w.lower() in ORG_WORDS for w in words):
            return None  # a person, a title, a place, or a sentence's first word ("Meanwhile")
        if len(words) == 1 and not self._written_as_name(words[0]):
            return None  # "Shares fell. The company said": a word capitalised only where it opens a sentence
        return org

    def _written_as_name(self, word: str) -> bool:
        """Whether the article writes a word as names are: never in lower case, and capitalised inside a sentence
        or more than once ('Norland faces layoffs', not 'Shares fell')."""
        if word.lower() in self._lower:
            return False
        if word not in self._as_name:  # asked once per word: the text is searched whole for it
            found = [m.start() for m in re.finditer(r"\b" + re.escape(word) + r"\b", self.text)]
            self._as_name[word] = len(found) > 1 or any(not self._opens_sentence(pos) for pos in found)
        return self._as_name[word]

    def _issued_before(self, pos: int, document: str) -> str | None:
        """Who the article last says issued such a document before pos, when no one was quoted just before:
        "Norland Rail issued a statement on Monday. ... 'We regret it,' the statement continued." """
        last = deque(ISSUED_BY.finditer(self.text, max(0, pos - 3000), pos), maxlen=1)  # the latest one
        if not last or last[0].group("doc").lower() != document:
            return None
        who = last[0].group("who")
        return None if who.split()[0].lower() in NOT_NAME or who.lower() in PRONOUNS else who

    def _organisation_before(self, pos: int) -> str | None:
        """The organisation the article names most often, first named before pos: its company, agency or group."""
        if self._orgs is None or self._orgs[0] != len(self.by_surname):
            # Which names are people's changes only as people are added: read the names again only then.
            self._orgs = (len(self.by_surname), *self._organisations())
        _, firsts, best = self._orgs
        k = bisect_left(firsts, pos)
        return best[k - 1] if k else None

    def _organisations(self) -> tuple[list[int], list[str]]:
        """The organisations named, in the order first named: where each is first named, and the most named of
        those named up to it (ties: the first named)."""
        people = set(self.by_surname) | {w.lower() for n in self.by_surname.values() for w in n.split()}
        counts: dict[str, int] = {}
        first: dict[str, int] = {}
        for start, name in self.names:
            words = [_strip_possessive(w).rstrip(".,") for w in name.split() if w.lower().rstrip(".") not in NOT_NAME]
            if not words or any(w.lower() in people or w.lower() in ROLE_WORDS for w in words):
                continue
            org = " ".join(words)
            if len(words) == 1 and not self._written_as_name(org):
                continue  # "However", "Most": capitalised only where a sentence opens
            if len(org) > 1 and not is_place_or_org(org):
                counts[org] = counts.get(org, 0) + 1
                first.setdefault(org, start)
        firsts: list[int] = []
        best: list[str] = []
        for org in counts:
            if not best or counts[org] > counts[best[-1]]:
                best.append(org)
            else:
                best.append(best[-1])
            firsts.append(first[org])
        return firsts, best

    def role_of(self, name: str | None) -> str | None:
        return self.roles.get(name) if name else None
