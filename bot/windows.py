"""Date windows in queries: 'dprk since last week', 'in october 2024', 'before 2020'."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from storage.queries import Window

WINDOW = re.compile(r"(?:^|\s)(since|after|before|until|in|during)\s+(.+)$", re.I)
YEAR = re.compile(r"^[1-9]\d{3}$")
MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
          "dec"}
MONTH_YEAR = re.compile(r"^[a-z]{3,9}\.? [1-9]\d{3}$", re.I)


def split_window(query: str, today: date | None = None) -> tuple[str, Window | None, str | None]:
    """The query without its date window, the window, and how to say it; no window if none parses."""
    m = WINDOW.search(query)
    if not m:
        return query, None, None
    word, when = m.group(1).lower(), m.group(2).strip()
    span = _span(when, today or date.today())
    if span is None:
        return query, None, None
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
