"""When and where a statement was made, read from the words around its attribution."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import lru_cache

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|March|Mar\.|April|Apr\.|May|June|July|Aug(?:ust|\.)?|" \
         r"Sept?(?:ember|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)"
TIME_EXPR = re.compile(
    r"\b(?:(?:earlier|later) (?:this|last) (?:week|month|year)|(?:last|this) (?:week|month|year)|"
    r"yesterday|today|(?:earlier|later) today|"
    r"(?:on |last |earlier |late |later )?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)|"
    + MONTHS + r" \d{1,2}(?:, \d{4})?|"
    r"(?:in |last )" + MONTHS + r"(?: \d{4})?)\b",
    re.I,
)
# A place only where the attribution says where it was said: "Speaking in Rome", "said at the UN".
PLACE = re.compile(r"(?:^\s*(?:Speaking|Addressing|Appearing|Interviewed|Writing)\b[^,]{0,60}?|"
                   r"^\s*|\b(?:said|told \w+|spoke|says)\s+)(?:in|at) "
                   r"((?:the )?[A-Z][\w'\u2019.-]+(?:[ -][A-Z][\w'\u2019.-]+){0,3})")
NOT_PLACES = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
              "february", "march", "april", "may", "june", "july", "august", "september", "october",
              "november", "december", "an", "a", "the"}


def said_on(segment: str, published: date | None) -> tuple[date | None, str]:
    """The date a time expression in segment points to, resolved against the publication date, and how
    precise the expression is: 'day', 'week' (the date is that week's Monday), 'month' (its 1st) or 'year'."""
    m = TIME_EXPR.search(segment)
    if not m or published is None:
        return None, "day"
    expr = m.group().lower()
    day = resolve(expr, published)
    unit = precision(expr)
    if day is not None:
        if unit == "week":
            day -= timedelta(days=day.weekday())
        elif unit == "month":
            day = day.replace(day=1)
        elif unit == "year":
            day = day.replace(month=1, day=1)
    return day, unit


def precision(expr: str) -> str:
    """'last week' is a week, 'in October' a month, 'this year' a year; a weekday or a dated day is a day."""
    for unit in ("week", "month", "year"):
        if expr.endswith(unit):
            return unit
    if re.search(r"\d", expr) or any(d in expr for d in WEEKDAYS) or "day" in expr:
        return "day"
    return "month"  # "in October", "last March"


@lru_cache(maxsize=4096)
def resolve(expr: str, published: date) -> date | None:
    for i, day in enumerate(WEEKDAYS):
        if day in expr:
            # The most recent such weekday on or before publication.
            return published - timedelta(days=(published.weekday() - i) % 7)
    if "yesterday" in expr:
        return published - timedelta(days=1)
    if "today" in expr:
        return published
    if "this week" in expr or "this month" in expr or "this year" in expr:
        return published
    import dateparser  # imported late: it takes a while to load and most articles never need it

    base = datetime(published.year, published.month, published.day)
    text = expr.removeprefix("in ").removeprefix("earlier ").removeprefix("later ")
    parsed = dateparser.parse(text, settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past",
                                              "PREFER_DAY_OF_MONTH": "first"}, languages=["en"])
    if parsed is None or parsed.date() > published:
        return None
    return parsed.date()


def place(before: str, after: str) -> str | None:
    """A place named in the attribution: 'Speaking in Rome, ...', '... said at the White House'."""
    for m in [*PLACE.finditer(before), *PLACE.finditer(after)]:
        name = m.group(1).rstrip(".")  # "said in October." ends a sentence: the full stop is not the name's
        if name.split()[0].lower() not in NOT_PLACES or name.lower().startswith("the "):
            if name.split()[-1].lower() not in NOT_PLACES:
                return name
    return None
