"""Date windows in queries: 'dprk since last week', 'in october 2024', 'yesterday', 'between 1 and 15 March'."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from storage.queries import Window

WINDOW = re.compile(r"(?:^|\s)(since|after|before|until|in|during|on)\s+(.+)$", re.I)
# Windows that need no preposition, at the end of the query (or the whole of it).
BETWEEN = re.compile(r"(?:^|\s)(?:between|from)\s+(.+?)\s+(?:and|to|until|-)\s+(.+)$", re.I)
LAST_N = re.compile(r"(?:^|\s)(?:(?:in|during|over|within)\s+)?(?:the\s+)?(?:last|past)\s+(\d{1,4})\s+"
                    r"(day|week|month|year)s?$", re.I)
NAMED = re.compile(r"(?:^|\s)(yesterday|today|(?:last|this|past|previous) (?:week|month|year))$", re.I)
YEAR = re.compile(r"^[1-9]\d{3}$")
DAY_ONLY = re.compile(r"^\d{1,2}(?:st|nd|rd|th)?$", re.I)
MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
          "dec"}
MONTH_YEAR = re.compile(r"^[a-z]{3,9}\.? [1-9]\d{3}$", re.I)

Split = tuple[str, Window | None, str | None]


def split_window(query: str, today: date | None = None) -> Split:
    """The query without its date window, the window, and how to say it; no window if none parses."""
    today = today or date.today()
    for reader in (_between, _last_n, _prepositional, _named):
        found = reader(query, today)
        if found is not None:
            return found
    return query, None, None


def _between(query: str, today: date) -> Split | None:
    m = BETWEEN.search(query)
    if not m:
        return None
    first, second = m.group(1).strip(), m.group(2).strip()
    end = _span(second, today)
    if end is None:
        return None
    if DAY_ONLY.match(first):  # "between 1 and 15 March": the first day shares the second's month and year
        try:
            start: date | None = end[0].replace(day=int(re.sub(r"\D", "", first)))
        except ValueError:
            return None
    else:
        span = _span(first, today)
        start = span[0] if span else None
        if start is not None and not re.search(r"\d{4}", first):  # "from January to March 2024": 2024 for both
            try:
                start = start.replace(year=end[0].year)
            except ValueError:
                return None
    if start is None or start >= end[1]:
        return None
    last = end[1] - timedelta(days=1)
    return query[: m.start()].strip(), Window(since=start, until=end[1]), f"between {_day(start)} and {_day(last)}"


def _last_n(query: str, today: date) -> Split | None:
    m = LAST_N.search(query)
    if not m:
        return None
    n, unit = int(m.group(1)), m.group(2).lower()
    days = n * {"day": 1, "week": 7, "month": 30, "year": 365}[unit]
    start = _earlier(today, days - 1)
    label = f"in the last {n} {unit}{'s' if n != 1 else ''} (since {_day(start)})"
    return query[: m.start()].strip(), Window(since=start, until=_later(today, 1)), label


def _named(query: str, today: date) -> Split | None:
    m = NAMED.search(query)
    if not m:
        return None
    words = m.group(1).lower()
    if words in {"today", "yesterday"}:
        start = today if words == "today" else _earlier(today, 1)
        return query[: m.start()].strip(), Window(since=start, until=_later(start, 1)), f"{words} ({_day(start)})"
    which, unit = words.split()
    start, end = _calendar(today, unit)
    if which != "this":
        start, end = _calendar(_earlier(start, 1), unit)
    last = end - timedelta(days=1)
    label = f"{which if which != 'previous' else 'last'} {unit} ({_day(start)} to {_day(last)})"
    return query[: m.start()].strip(), Window(since=start, until=end), label


def _calendar(d: date, unit: str) -> tuple[date, date]:
    """The calendar week (from Monday), month or year that holds d."""
    if unit == "week":
        start = _earlier(d, d.weekday())
        return start, _later(start, 7)
    if unit == "month":
        start = d.replace(day=1)
        return start, _later(start, 32).replace(day=1)
    start = d.replace(month=1, day=1)
    return start, date(d.year + 1, 1, 1) if d.year < date.max.year else date.max


def _prepositional(query: str, today: date) -> Split | None:
    m = WINDOW.search(query)
    if not m:
        return None
    word, when = m.group(1).lower(), m.group(2).strip()
    span = _span(when, today)
    if span is None:
        return None
    start, end = span
    rest = query[: m.start()].strip()
    if word in {"since", "after"}:
        return rest, Window(since=start), f"since {_day(start)}"
    if word in {"before", "until"}:
        return rest, Window(until=start), f"before {_day(start)}"
    label = f"in {when}" if end - start > timedelta(days=1) else f"on {_day(start)}"
    return rest, Window(since=start, until=end), label


def _span(text: str, today: date) -> tuple[date, date] | None:
    text = text.strip().rstrip("?.!")
    if YEAR.match(text):
        y = int(text)
        return date(y, 1, 1), date(y + 1, 1, 1) if y < date.max.year else date.max
    parsed = _parse(text, today)
    if parsed is None:
        return None
    if MONTH_YEAR.match(text) or text.lower().rstrip(".") in MONTHS:
        start = parsed.replace(day=1)
        return start, _later(start, 32).replace(day=1) if start < date.max.replace(day=1) else date.max
    return parsed, _later(parsed, 1)


def _later(d: date, days: int) -> date:
    """d plus some days; windows that would end past 9999 end at the last date there is (clamped, not refused)."""
    try:
        return d + timedelta(days=days)
    except OverflowError:
        return date.max


def _earlier(d: date, days: int) -> date:
    try:
        return d - timedelta(days=days)
    except OverflowError:
        return date.min


def _parse(text: str, today: date) -> date | None:
    import dateparser  # slow to import; only queries with a window need it

    if not re.search(r"\d|[a-z]{3}", text, re.I) or len(text) > 40:
        return None
    base = datetime(today.year, today.month, today.day)
    got = dateparser.parse(text, languages=["en"], settings={
        "RELATIVE_BASE": base, "PREFER_DATES_FROM": "past", "PREFER_DAY_OF_MONTH": "first"})
    return got.date() if got else None


def _day(d: date) -> str:
    return d.strftime("%-d %b %Y")
