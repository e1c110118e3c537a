"""Whom a statement is credited to: the speaker resolution rules, on short made-up texts of news shapes."""

from __future__ import annotations

from datetime import date

import pytest

from bot.extract import extract_statements

PUBLISHED = date(2024, 10, 23)


def _speakers(text: str, words: str) -> list[str | None]:
    return [s.speaker for s in extract_statements(text, PUBLISHED) if words in s.text]


@pytest.mark.parametrize(
    ("text", "speaker", "words"),
    [
        ("After the vote, the Harbour Council issued a statement warning that the port would close.",
         "Harbour Council", "the port would close"),
        ("The Harbour Council, which runs the port, issued a statement saying that fees would rise.",
         "Harbour Council", "fees would rise"),
        ('"Demand will stay weak," said a report from Norland Capital Partners.', "Norland Capital Partners",
         "Demand will stay weak"),
        ("Sales rose 4% in May, according to a report by the Vestry Institute.", "Vestry Institute",
         "Sales rose 4% in May"),
    ],
)
def test_a_document_speaks_for_whoever_issued_it(text: str, speaker: str, words: str) -> None:
    assert _speakers(text, words) == [speaker]


def test_a_letter_the_speaker_wrote_in_is_not_the_speaker() -> None:
    text = "In a letter calling for a hearing, Mayor Ana Silva said that the outages endanger lives."
    assert "a letter" not in {s.speaker for s in extract_statements(text, PUBLISHED)}
    assert _speakers(text, "the outages endanger lives") == ["Ana Silva"]


def test_the_group_is_what_the_article_named_it() -> None:
    text = ("Workers at the firm organised. The group, Harbor Workers Coalition, formed in recent weeks.\n\n"
            "The group said on Monday that the new contract has confused employees.")
    assert _speakers(text, "the new contract has confused employees") == ["Harbor Workers Coalition"]


def test_the_company_stays_as_written_when_the_article_never_says_which() -> None:
    text = "Shares fell on Monday. The company said that it would cut 300 jobs."
    (s,) = [s for s in extract_statements(text, PUBLISHED) if "300 jobs" in s.text]
    assert s.speaker == "The company" and not s.resolved


@pytest.mark.parametrize(
    "text",
    [
        "The union met the owners on Monday. However, the union rejected the offer, and said that it was too low.",
        "Meanwhile, the union rejected the offer and said that it was too low.",
    ],
)
def test_a_word_opening_the_sentence_is_not_the_speaker(text: str) -> None:
    speakers = _speakers(text, "it was too low")
    assert speakers and all(s is not None and s.lower().endswith("union") for s in speakers), speakers


def test_words_before_a_name_are_not_part_of_it() -> None:
    text = ("To Maria Lund, the result was a surprise. BBC presenter Emily Hart asked about it.\n\n"
            '"It was a fair vote," Lund said. Hart said that the vote would stand.')
    assert _speakers(text, "It was a fair vote") == ["Maria Lund"]
    assert _speakers(text, "the vote would stand") == ["Emily Hart"]
