"""Slack link parsing and the Block Kit formatter: escaping, limits, "N more"."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from bot.answers.answers import Answer, Group, Item
from bot.answers.terminal import to_text
from bot.ingest.links import find_links
from bot.slack.blocks import MAX_BLOCKS, MAX_SECTION, escape, to_blocks


def test_links_are_read_as_slack_writes_them() -> None:
    text = "see <https://a.example/x?a=1&amp;b=2|story> and <http://b.example/> and <@U123> <#C1|general> <!here>"
    assert find_links(text) == ["https://a.example/x?a=1&b=2", "http://b.example/"]


def test_duplicate_links_count_once_and_mailto_is_not_a_link() -> None:
    assert find_links("<https://a.example/> <https://a.example/|again> <mailto:x@y.z|x>") == ["https://a.example/"]


@given(st.text())
def test_link_parser_accepts_any_text(text: str) -> None:
    for url in find_links(text):
        assert ":" in url


def _answer(n_speakers: int, per_speaker: int, words: str = "We are ready.") -> Answer:
    groups = [Group(f"Speaker {i}", "minister", [Item(words, "direct", None, date(2024, 1, 1), None,
                                                      "https://n.example/a", "A story")] * per_speaker)
              for i in range(n_speakers)]
    return Answer("Briefing: test", groups, total=n_speakers * per_speaker + 7, shown=n_speakers * per_speaker)


def test_article_text_cannot_ping_or_hide_links() -> None:
    answer = _answer(1, 1, words='"<!channel> call <@U123> now, see <http://evil.example|bank>" & more')
    rendered = str(to_blocks(answer))
    assert "<!channel>" not in rendered and "<@U123>" not in rendered and "<http://evil" not in rendered
    assert "&lt;!channel&gt;" in rendered and "&amp; more" in rendered
    assert escape("<a>&") == "&lt;a&gt;&amp;"


def test_blocks_stay_within_slack_limits_and_say_how_many_more() -> None:
    blocks = to_blocks(_answer(80, 30, words="x " * 400))
    assert len(blocks) <= MAX_BLOCKS
    assert all(len(b["text"]["text"]) <= MAX_SECTION for b in blocks if b["type"] == "section")
    assert "more statements not shown" in blocks[-1]["elements"][0]["text"]


def test_text_fallback_names_speakers_and_more() -> None:
    text = to_text(_answer(2, 1))
    assert "Speaker 0, minister" in text and "7 more statements" in text


def test_the_reporting_verb_prefixes_reported_speech_but_not_a_transcript_colon() -> None:
    item = Item("the talks had failed", "indirect", "warned", date(2024, 1, 1), None, "https://n.example/a", "A story")
    transcript = Item("This is a man who never ran a negative ad", "indirect", ":", date(2024, 1, 1), None,
                      "https://n.example/b", "B story")
    text = to_text(Answer("Briefing: test", [Group("Ana Silva", None, [item, transcript])], total=2, shown=2))
    assert "- warned the talks had failed (" in text
    assert "(:)" not in text and ": This" not in text and "- This is a man who never ran a negative ad" in text


def test_an_articles_source_is_shown_once_after_its_statements() -> None:
    story = dict(source_url="https://n.example/a", source_title="R&D budget talks", source_site="The Post")
    items = [Item(f"\u201cWe will need {n} more,\u201d", "direct", "said", date(2024, 1, 1), None, **story)
             for n in range(3)]
    answer = Answer("Who said: budget", [Group("Ana Silva", "minister", items)], total=3, shown=3)
    text = to_text(answer)
    assert text.count("R&D budget talks") == 1 and text.count("https://n.example/a") == 1
    assert "The Post \u00b7 R&D budget talks <https://n.example/a>" in text  # the terminal shows R&D, not R&amp;D
    assert "- \u201cWe will need 0 more.\u201d (Mon 1 Jan 2024)" in text  # a quote's trailing comma ends it
    slack = str(to_blocks(answer))
    assert slack.count("n.example/a|") == 1 and "R&amp;D budget talks" in slack and "R&D" not in slack


def test_words_without_quotation_marks_are_quoted_when_direct() -> None:
    item = Item("We are ready", "direct", None, None, None, "https://n.example/a", None)
    text = to_text(Answer("Who said: ready", [Group("Ana Silva", None, [item])], total=1, shown=1))
    assert "- \u201cWe are ready\u201d (date unknown)" in text and "n.example <https://n.example/a>" in text
