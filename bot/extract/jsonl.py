"""The evaluation interface: lines of {id, text, published} in, lines of {id, statements} out."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from typing import TextIO

from bot.extract.cues import LEXICON, Lexicon
from bot.extract.statements import TooSlow, extract_statements


def parse_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def run_jsonl(lines: Iterable[str], out: TextIO, lexicon: Lexicon = LEXICON) -> int:
    """Extract every line's statements; a bad or too slow line gets an empty list, never a crash."""
    n = 0
    for line in lines:
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            text = item.get("text") or ""
            statements = [s.to_json() for s in extract_statements(text, parse_date(item.get("published")), lexicon)]
            out.write(json.dumps({"id": item.get("id"), "statements": statements}, ensure_ascii=False) + "\n")
        except TooSlow as exc:  # the line's id is known: say which article was too slow
            out.write(json.dumps({"id": item.get("id"), "statements": [], "error": exc.message}) + "\n")
        except (ValueError, AttributeError) as exc:
            out.write(json.dumps({"id": None, "statements": [], "error": str(exc)}) + "\n")
        n += 1
    return n
