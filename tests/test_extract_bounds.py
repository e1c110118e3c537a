"""The extractor on hostile articles: long paragraphs are read in linear time, and no article reads forever."""

from __future__ import annotations

import io
import json
import time
from datetime import date
from pathlib import Path

import pytest

from bot.extract import TooSlow, extract_statements, statements
from bot.extract.jsonl import run_jsonl
from bot.ingest.pipeline import ingest
from bot.slack.blocks import ingest_reply
from storage import queries

PUBLISHED = date(2024, 1, 5)
FIRST = ["Anna", "Boris", "Carla", "Dmitri", "Elena", "Felix", "Greta", "Hugo", "Irene", "Jonas"]
LAST = ["Adler", "Berg", "Castro", "Dorn", "Eriksen", "Falk", "Gomez", "Haas", "Ivanov", "Jensen"]


def _name(i: int) -> str:
    """One of 10,000 people, each with a surname of their own: 'Dmitri Adleradlerbergdorn' is number 13."""
    return f"{FIRST[i % 10]} {''.join(LAST[int(d)] for d in f'{i:04}').title()}"


def _quotes(n: int) -> str:
    return " ".join(f'"Quote number {i} is on the record," said {_name(i)}.' for i in range(n))


def test_5000_quotes_in_one_paragraph_are_5000_statements_by_their_speakers() -> None:
    started = time.monotonic()
    found = extract_statements(_quotes(5000), PUBLISHED)
    took = time.monotonic() - started
    assert [(s.text, s.speaker) for s in found] == [
        (f'"Quote number {i} is on the record,"', _name(i)) for i in range(5000)
    ]
    assert took < 20  # a guard against quadratic time (0.6 s here); bench/extract_speed.py measures it


def test_he_and_she_in_a_long_paragraph_mean_the_latest_person_quoted() -> None:
    text = " ".join(f'"Quote number {i} is on the record," said {_name(i)}. "And more of it today," she added.'
                    for i in range(2000))
    found = extract_statements(text, PUBLISHED)
    assert [s.speaker for s in found] == [_name(i) for i in range(2000) for _ in range(2)]


def test_a_1_5_mb_quotation_is_one_statement() -> None:
    body = " ".join(["word"] * 300_000)
    found = extract_statements(f'"{body}," said John Smith.', PUBLISHED)
    assert [(len(s.text), s.speaker) for s in found] == [(len(body) + 3, "John Smith")]


@pytest.fixture
def tiny_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(statements, "TIME_LIMIT", 0.001)


def test_an_article_over_the_time_bound_stops_with_a_reason(tiny_bound) -> None:  # noqa: ANN001
    with pytest.raises(TooSlow) as err:
        extract_statements(_quotes(5000), PUBLISHED)
    assert err.value.code == "too_slow"
    assert err.value.message.startswith("the article took too long to read (over 0.001 seconds)")


def test_an_article_over_the_time_bound_gets_a_clear_thread_reply(sessions, settings, tmp_path: Path,  # noqa: ANN001
                                                                  tiny_bound) -> None:  # noqa: ANN001
    path = tmp_path / "quotes.txt"
    path.write_text(_quotes(5000), encoding="utf-8")
    result = ingest(sessions, settings, "T1", str(path))
    assert (result.status, result.code, result.statements) == ("failed", "too_slow", 0)
    reply = ingest_reply([result])
    assert reply.startswith(f"Could not read {path.resolve().as_uri()}: the article took too long to read")
    with sessions() as session:  # a local file that failed is not recorded (a link would be, to try again)
        assert queries.find_article(session, "T1", path.resolve().as_uri(), None) is None


def test_an_evaluation_line_over_the_time_bound_gets_an_error_not_a_crash(tiny_bound) -> None:  # noqa: ANN001
    out = io.StringIO()
    lines = [json.dumps({"id": "long", "text": _quotes(5000)}), json.dumps({"id": "next", "text": "x"})]
    run_jsonl(lines, out)
    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert first["id"] == "long" and first["statements"] == [] and "too long to read" in first["error"]
    assert second["id"] == "next"
