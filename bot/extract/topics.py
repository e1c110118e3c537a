"""Topics as news names them: countries, their people, capitals and the usual acronyms."""

from __future__ import annotations

import re
from functools import lru_cache

# What no country library has: acronyms, governments named by their seat, common organisations.
CURATED: dict[str, tuple[str, ...]] = {
    "dprk": ("North Korea",), "rok": ("South Korea",), "prc": ("China",), "uk": ("United Kingdom",),
    "u.k.": ("United Kingdom",), "britain": ("United Kingdom",), "british": ("United Kingdom",),
    "great britain": ("United Kingdom",), "us": ("United States",), "u.s.": ("United States",),
    "usa": ("United States",), "u.s.a.": ("United States",), "america": ("United States",),
    "united states of america": ("United States",), "washington": ("United States",),
    "korean": ("South Korea",), "uae": ("United Arab Emirates",), "emirati": ("United Arab Emirates",),
    "russian federation": ("Russia",), "soviet": ("Russia",), "taiwanese": ("Taiwan",),
    "palestinian": ("Palestine",), "palestinians": ("Palestine",), "palestine": ("Palestine",),
    "gaza": ("Palestine",), "hamas": ("Hamas", "Palestine"), "israelis": ("Israel",),
    "eu": ("European Union",), "e.u.": ("European Union",), "european union": ("European Union",),
    "brussels": ("European Union", "Belgium"), "nato": ("NATO",), "north atlantic treaty organization": ("NATO",),
    "un": ("United Nations",), "u.n.": ("United Nations",), "united nations": ("United Nations",),
    "kremlin": ("Kremlin", "Russia"), "white house": ("White House", "United States"),
    "pentagon": ("Pentagon", "United States"), "state department": ("State Department", "United States"),
    "congress": ("Congress", "United States"), "iaea": ("IAEA",), "who": ("WHO",), "imf": ("IMF",),
    "world bank": ("World Bank",), "g7": ("G7",), "g20": ("G20",), "opec": ("OPEC",), "asean": ("ASEAN",),
    "african union": ("African Union",), "vatican": ("Vatican",), "holy see": ("Vatican",),
    "downing street": ("United Kingdom",), "beijing": ("China",), "moscow": ("Russia",),
    "kyiv": ("Ukraine",), "kiev": ("Ukraine",), "pyongyang": ("North Korea",), "seoul": ("South Korea",),
    "tehran": ("Iran",), "iranian": ("Iran",), "syrian": ("Syria",), "iraqi": ("Iraq",),
}
# Names a country library lists that news uses for something else.
AMBIGUOUS = {"georgia", "jordan", "chad", "turkey", "guinea", "niger", "victoria", "hamilton", "kingston",
             "georgetown", "city", "the valley", "san", "male", "nicosia", "independent", "us", "who"}
SHORT_UPPER_ONLY = {"us", "uk", "eu", "un", "who", "rok", "prc", "usa", "uae", "imf", "g7", "g20"}
WORD_RUN = re.compile(r"[A-Z][\w.'\u2019\-]*(?:\s+(?:of\s+|and\s+)?[A-Z][\w.'\u2019\-]*)*")
MAX_WORDS = 5


@lru_cache(maxsize=1)
def aliases() -> dict[str, tuple[str, ...]]:
    """Every alias, lowercased, mapped to the canonical topic names it stands for."""
    import countryinfo

    table: dict[str, tuple[str, ...]] = {}
    ranked = sorted(countryinfo.all_countries(), key=lambda c: -(c.population() or 0))
    for c in ranked:
        name = _common_name(c.name())
        forms = {c.name(), name, c.demonym() or ""}
        forms |= {s for s in (c.alt_spellings() or []) if len(s) > 3 and s.isascii()}
        capital = c.capital()
        if (c.population() or 0) >= 1_000_000 and capital:
            forms.add(capital.replace(" D.C.", ""))
        for form in forms:
            key = _key(form)
            if key and key not in table:
                table[key] = (name,)
            if key and key.endswith("n") and form == c.demonym():
                table.setdefault(key + "s", (name,))  # "Ukrainians"
    for key in AMBIGUOUS:
        table.pop(key, None)
    table.update(CURATED)
    return table


def _common_name(name: str) -> str:
    if "," in name:  # "Korea, Republic of" style
        return name
    return name.removeprefix("The ")


def _key(s: str) -> str:
    return re.sub(r"\s+", " ", s.strip().lower().removeprefix("the ")).rstrip("'\u2019s") \
        if s.lower().endswith(("'s", "\u2019s")) else re.sub(r"\s+", " ", s.strip().lower().removeprefix("the "))


def topics_in(text: str) -> list[str]:
    """Canonical topics named in a passage of news text, in order of first mention."""
    table = aliases()
    found: dict[str, None] = {}
    for run in WORD_RUN.finditer(text):
        words = run.group().split()
        i = 0
        while i < len(words):
            for n in range(min(MAX_WORDS, len(words) - i), 0, -1):
                phrase = " ".join(words[i : i + n])
                hit = _lookup(table, phrase)
                if hit:
                    found.update(dict.fromkeys(hit))
                    i += n
                    break
            else:
                i += 1
    return list(found)


def _lookup(table: dict[str, tuple[str, ...]], phrase: str) -> tuple[str, ...] | None:
    bare = phrase.rstrip(".,;:")
    for candidate in (phrase.rstrip(",;:"), bare, bare.removesuffix("'s").removesuffix("\u2019s")):
        key = candidate.lower()
        if key in SHORT_UPPER_ONLY and not candidate.replace(".", "").isupper():
            continue
        hit = table.get(key)
        if hit:
            return hit
    return None


def topics_for_query(query: str) -> list[str]:
    """The topics a user's words stand for ('dprk', 'north korean' -> North Korea), else []."""
    key = re.sub(r"\s+", " ", query.strip().lower()).removeprefix("the ")
    return list(aliases().get(key, ()))


def is_place_or_org(name: str) -> bool:
    """Whether a capitalised name is a country, capital, demonym or known organisation."""
    return _lookup(aliases(), name) is not None
