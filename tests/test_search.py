"""Topics, aliases, actors, full-text search, date windows, syndicated copies and paging (both databases)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from bot.answers import answers
from bot.answers.answers import Query
from bot.ingest.pipeline import ingest
from tests.conftest import SEED_HTML

SEED = SEED_HTML.read_bytes()


@pytest.fixture
def seeded(sessions, settings):  # noqa: ANN001, ANN201
    assert ingest(sessions, settings, "T1", str(SEED_HTML)).status == "stored"
    return sessions


def names(a: answers.Answer) -> set[str]:
    return {g.speaker for g in a.groups}


def words(a: answers.Answer) -> str:
    return " ".join(i.words for g in a.groups for i in g.items)


@pytest.mark.parametrize("query", ["dprk", "DPRK", "north korea", "North Korean", "pyongyang", "the DPRK"])
def test_a_country_is_found_by_every_name(seeded, query: str) -> None:  # noqa: ANN001
    with seeded() as s:
        for kind in ("briefing", "who-said"):
            got = answers.answer(s, "T1", Query(kind, query))
            assert {"Lloyd Austin", "John Kirby", "South Korean officials"} <= names(got), (kind, query)
            assert "(North Korea)" in got.heading


def test_capitals_acronyms_and_demonyms_name_their_country(seeded) -> None:  # noqa: ANN001
    with seeded() as s:
        for query in ("kyiv", "ukrainian", "ukraine"):
            assert "Volodymyr Zelenskyy" in names(answers.briefing(s, "T1", query)), query
        for query in ("us", "U.S.", "america", "washington", "united states"):
            assert "Lloyd Austin" in names(answers.briefing(s, "T1", query)), query


def test_stemming_matches_word_forms(seeded) -> None:  # noqa: ANN001
    with seeded() as s:
        assert {"Lloyd Austin", "John Kirby"} <= names(answers.who_said(s, "T1", "troop"))
        assert "John Kirby" in names(answers.who_said(s, "T1", "soldier"))
        assert "Lloyd Austin" in names(answers.who_said(s, "T1", "warn"))


def test_quoted_phrases_match_as_phrases(seeded) -> None:  # noqa: ANN001
    with seeded() as s:
        got = answers.who_said(s, "T1", '"highly concerning probability"')
        assert names(got) == {"John Kirby"}
        assert answers.who_said(s, "T1", '"probability concerning"').groups == []


def test_aliases_are_per_workspace(seeded) -> None:  # noqa: ANN001
    with seeded.begin() as s:
        saved = answers.manage_aliases(s, "T1", "alias North Korea = hermit kingdom, the north")
        assert "hermit kingdom" in saved.message
    with seeded.begin() as s:
        assert "hermit kingdom" in answers.manage_aliases(s, "T1", "aliases").message
        assert "John Kirby" in names(answers.briefing(s, "T1", "Hermit  Kingdom"))
        assert answers.manage_aliases(s, "T2", "aliases").message.startswith("No aliases")
        assert answers.briefing(s, "T2", "hermit kingdom").groups == []
        assert answers.manage_aliases(s, "T1", "troops") is None


def test_a_name_that_fits_several_people_asks_which(seeded, settings, tmp_path: Path) -> None:  # noqa: ANN001
    other = SEED.decode().replace("John Kirby", "Jane Kirby").replace("Kirby told", "Jane Kirby told")
    page = tmp_path / "other.html"
    page.write_text(other.replace("us-confirms-north-korean", "another-story"))
    assert ingest(seeded, settings, "T1", str(page)).status == "stored"
    with seeded() as s:
        got = answers.briefing(s, "T1", "kirby")
        assert got.groups == [] and {n for n, _ in got.choices} == {"John Kirby", "Jane Kirby"}
        pick = dict(got.choices)["Jane Kirby"]
        assert names(answers.answer(s, "T1", pick)) == {"Jane Kirby"}
        assert names(answers.briefing(s, "T1", "john kirby")) == {"John Kirby"}


def test_date_windows(seeded) -> None:  # noqa: ANN001
    with seeded() as s:
        got = answers.briefing(s, "T1", "dprk in october 2024")
        assert "Lloyd Austin" in names(got) and "in october 2024" in got.heading
        got = answers.briefing(s, "T1", "dprk before 2020")
        assert got.groups == [] and "before 1 Jan 2020" in got.message
        assert answers.who_said(s, "T1", "troops since oct 1 2024").groups
        assert answers.who_said(s, "T1", "troops since last week").groups == []


@pytest.mark.parametrize("query,today,heading", [
    ("dprk yesterday", date(2024, 10, 24), "yesterday (23 Oct 2024)"),
    ("dprk last month", date(2024, 11, 15), "last month (1 Oct 2024 to 31 Oct 2024)"),
    ("dprk this year", date(2024, 12, 1), "this year (1 Jan 2024 to 31 Dec 2024)"),
    ("dprk in the last 7 days", date(2024, 10, 25), "in the last 7 days (since 19 Oct 2024)"),
    ("dprk between 20 and 23 October 2024", date(2025, 1, 1), "between 20 Oct 2024 and 23 Oct 2024"),
    ("dprk from September to October 2024", date(2025, 1, 1), "between 1 Sep 2024 and 31 Oct 2024"),
])
def test_windows_people_type_are_used_and_named(seeded, query: str, today: date, heading: str) -> None:  # noqa: ANN001
    with seeded() as s:
        got = answers.answer(s, "T1", Query("briefing", query), today=today)
        assert "Lloyd Austin" in names(got) and heading in got.heading
        # The day after the window, the same words find nothing, and say which window was used.
        later = answers.answer(s, "T1", Query("briefing", query), today=date(2026, 6, 1))
        if "2024" not in query:  # a relative window moves with the day it is asked
            assert later.groups == [] and "Nothing found" in (later.message or "")


def test_a_window_on_its_own_lists_everything_in_it(seeded) -> None:  # noqa: ANN001
    with seeded() as s:
        got = answers.answer(s, "T1", Query("briefing", "since 1 october 2024"))
        assert {"Lloyd Austin", "John Kirby"} <= names(got) and got.heading == "Briefing: everything since 1 Oct 2024"
        none = answers.answer(s, "T1", Query("who-said", "between 1 and 15 March 2020"))
        assert none.groups == [] and "Nothing found between 1 Mar 2020 and 15 Mar 2020" in (none.message or "")


def test_a_surname_several_people_share_asks_which_one(sessions, settings, tmp_path: Path) -> None:  # noqa: ANN001
    filler = ("\n\nThe hearing ran for most of the day, with questions on the family's business dealings abroad "
              "and on the timing of several payments made over the past decade, according to the record. The committee "
              "will publish its report in the spring, once the remaining witnesses have been heard.\n")
    for name, who in (("joe", "Joe Biden"), ("hunter", "Hunter Biden"), ("bare", "Biden")):
        page = tmp_path / f"{name}.txt"
        page.write_text(f"Hearing\n\n\u201cThe payments were lawful,\u201d {who} said on Tuesday.{filler}")
        assert ingest(sessions, settings, "T1", str(page)).status == "stored"
    with sessions() as s:
        got = answers.briefing(s, "T1", "biden")
        labels = [label for label, _ in got.choices]
        assert "fits several people" in (got.message or "") and {"Joe Biden", "Hunter Biden"} <= set(labels)
        picked = dict(got.choices)["Hunter Biden"]
        assert names(answers.answer(s, "T1", picked)) == {"Hunter Biden"}
        assert names(answers.briefing(s, "T1", "joe biden")) == {"Joe Biden"}


def test_dates_are_as_precise_as_the_article(sessions, settings, tmp_path: Path) -> None:  # noqa: ANN001
    from bot.answers.terminal import to_text

    body = "".join(f"<p>{p}</p>" for p in (
        "\u201cThe reservoir levels are lower than at any time in the last decade,\u201d Ana Silva said last week.",
        "\u201cWe warned the ministry about the drought in the autumn,\u201d Marco Rossi said in October.",
        "\u201cRationing will start next month in the northern districts,\u201d Lena Berg said on Tuesday.",
        "The water authority has asked households to cut their use by a fifth, and farmers in the region "
        "have been told to expect smaller allocations for the coming season than in any recent year.",
    ))
    page = tmp_path / "drought.html"
    page.write_text(f"<html><head><title>Drought</title><meta property='article:published_time' "
                    f"content='2024-02-28'></head><body><article><h1>Drought</h1>{body}</article></body></html>")
    assert ingest(sessions, settings, "T1", str(page)).status == "stored"
    with sessions() as s:
        text = to_text(answers.briefing(s, "T1", "since 2000"))
    assert "(week of 19 Feb 2024)" in text  # "last week": the week, not a day
    assert "(Oct 2023)" in text  # "in October": the month, and no place called "October."
    assert "(Tue 27 Feb 2024)" in text  # "on Tuesday": the day


def test_a_topic_finds_statements_by_its_people(sessions, settings, tmp_path: Path) -> None:  # noqa: ANN001
    page = tmp_path / "leader.txt"
    page.write_text(
        "Leader warns of response\n\n\u201cWe will answer at a time of our choosing,\u201d said Ayatollah Ali "
        "Khamenei, Iran's supreme leader, on Wednesday.\n\nThe speech was broadcast live and was followed by a "
        "march through the centre of the city, a week after the strikes on military sites in the south.\n\n"
        "\u201cThe answer will be measured and it will come,\u201d Khamenei said.\n")
    assert ingest(sessions, settings, "T1", str(page)).status == "stored"
    with sessions() as s:
        got = answers.briefing(s, "T1", "iran")
    # The second statement names no country: its speaker's role does.
    assert names(got) == {"Ayatollah Ali Khamenei"} and "answer will be measured" in words(got)


def test_statements_about_a_topic_come_before_passing_mentions(sessions, settings, tmp_path: Path) -> None:  # noqa: ANN001
    filler = ("\n\nThe ministry will publish its figures next month, after a season of storms and late frosts that "
              "hit the southern provinces hardest and left several towns without power for days.\n")
    stories = {
        "about": ("Withdrawal call", "\u201cRussia must withdraw its troops from the border,\u201d said Marco Rossi on "
                  "Monday.", "2024-03-04"),
        "passing": ("Harvest", "\u201cThe harvest was the best in a decade,\u201d said Ana Silva, a farmer who sells "
                    "grain to buyers in Russia, on Friday.", "2024-03-08"),
    }
    for name, (title, para, day) in stories.items():
        page = tmp_path / f"{name}.html"
        page.write_text(f"<html><head><title>{title}</title><meta property='article:published_time' content='{day}'>"
                        f"</head><body><article><h1>{title}</h1><p>{para}</p><p>{filler}</p></article></body></html>")
        assert ingest(sessions, settings, "T1", str(page)).status == "stored"
    with sessions() as s:
        everything = answers.briefing(s, "T1", "russia")
        assert names(everything) >= {"Marco Rossi", "Ana Silva"}  # a passing mention still counts
        first = answers.answer(s, "T1", Query("briefing", "russia"), limit=1)
    assert names(first) == {"Marco Rossi"}  # though older, it is the one about Russia


def test_syndicated_copies_are_one_entry(seeded, settings, tmp_path: Path) -> None:  # noqa: ANN001
    copy = tmp_path / "syndicated.html"
    copy.write_text(SEED.decode().replace("us-confirms-north-korean", "syndicated-copy"))
    assert ingest(seeded, settings, "T1", str(copy)).status == "stored"
    with seeded() as s:
        got = answers.who_said(s, "T1", '"highly concerning probability"')
        (item,) = [i for g in got.groups for i in g.items]
        assert item.also_in == 1


def test_paging_continues_without_repeats(seeded, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(answers, "PAGE", 3)
    seen: list[str] = []
    with seeded() as s:
        query: Query | None = Query("briefing", "dprk")
        while query is not None:
            got = answers.answer(s, "T1", query)
            seen += [i.words for g in got.groups for i in g.items]
            query = got.next
        assert len(seen) == len(set(seen)) == got.total >= 7


def test_show_more_and_person_buttons_over_http(bot, pages, fake_slack) -> None:  # noqa: ANN001
    from urllib.parse import urlencode

    url = pages.add("/s.html", SEED)
    bot.event({"type": "message", "channel": "C1", "user": "U1", "ts": "11.1", "text": f"<{url}>"})
    fake_slack.wait_for("chat.postMessage")
    bot.command("/who-said", "russia", fake_slack.url + "/respond/20")
    first = fake_slack.wait_for("/respond/20")[0]
    assert "Show more" not in json.dumps(first)  # one page only: no button
    value = json.dumps({"kind": "briefing", "text": "dprk", "offset": 2})
    payload = {"type": "block_actions", "team": {"id": "T1"}, "user": {"id": "U1"}, "api_app_id": "A1",
               "token": "x", "trigger_id": "1.2", "response_url": fake_slack.url + "/respond/21",
               "container": {"type": "message"}, "channel": {"id": "C1"},
               "actions": [{"type": "button", "action_id": "show_more", "block_id": "b", "value": value,
                            "action_ts": "1.1"}]}
    assert bot.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded").status_code == 200
    more = fake_slack.wait_for("/respond/21")[0]
    assert more["replace_original"] is False and "Briefing: dprk" in more["text"]


def test_a_surname_alone_joins_the_person_already_known(seeded, settings, tmp_path: Path) -> None:  # noqa: ANN001
    later = tmp_path / "later.txt"
    later.write_text("The talks stalled again on Friday after a long night of negotiations in Geneva, where "
                     "delegations from a dozen countries had gathered to settle the terms of a ceasefire.\n"
                     '"We are not there yet, and we will keep working on it," Kirby told reporters on Friday. '
                     "The delegations are expected to meet again next week, officials from both sides said.")
    assert ingest(seeded, settings, "T1", str(later)).status == "stored"
    with seeded() as s:
        got = answers.briefing(s, "T1", "john kirby")
        assert names(got) == {"John Kirby"} and "We are not there yet" in words(got)


def test_an_unnamed_speaker_stays_unnamed_and_an_unsure_one_says_so(sessions) -> None:  # noqa: ANN001
    from bot.answers.terminal import to_text
    from storage import queries
    from storage.models import Actor, Article

    def said(words: str, speaker: str, *, resolved: bool = True, confidence: float = 1.0) -> queries.NewStatement:
        return queries.NewStatement(text=words, kind="indirect", speaker=speaker, role=None, cue="said",
                                    said_on=date(2024, 5, 2), place=None, start=0, end=len(words),
                                    topics=["Italy"], core_topics=frozenset({"Italy"}), confidence=confidence,
                                    resolved=resolved)

    with sessions.begin() as s:
        for n in (1, 2):
            queries.save_article(s, Article(team_id="T1", url=f"https://n.example/{n}", title=f"Story {n}",
                                            status="stored"),
                                 [said(f"Italy will raise spending on the rail network {n}", "a spokesman",
                                       resolved=False, confidence=0.3),
                                  said(f"Italy will sign the agreement {n}", "Marco Rossi", confidence=0.4)])
    with sessions() as s:
        got = answers.briefing(s, "T1", "italy")
        assert s.query(Actor).filter(Actor.name == "a spokesman").count() == 0  # not a person across articles
    labels = [g.speaker for g in got.groups]
    assert labels.count("a spokesman (not named)") == 2 and labels.count("Marco Rossi") == 1
    text = to_text(got)
    assert text.count("speaker uncertain") == 4


def test_a_claim_the_article_holds_false_is_shown_with_its_words(sessions, settings, tmp_path: Path) -> None:  # noqa: ANN001
    from bot.answers.terminal import to_text
    from bot.slack.blocks import to_blocks

    page = tmp_path / "check.txt"
    page.write_text("Fact check: the Lakeside dam\n\n"
                    "Governor Tom Ellery falsely claimed on Monday that the Lakeside dam had burst twice this "
                    "spring. Maria Lund, an engineer, said the dam held through both storms. "
                    '"We inspected every metre of it," Lund told reporters.\n\n'
                    "Mayor Ana Silva said on Tuesday that the dam was flooded by the river. That claim is "
                    "false: the river stayed below its banks all spring.")
    assert ingest(sessions, settings, "T1", str(page)).status == "stored"
    with sessions() as s:
        got = answers.briefing(s, "T1", "dam")
    by = {g.speaker: g.items for g in got.groups}
    assert [i.disputed for i in by["Tom Ellery"]] == ["falsely"]
    assert by["Ana Silva"][0].disputed.startswith("That claim is false")
    assert all(not i.disputed for i in by["Maria Lund"])
    text = to_text(got)
    assert text.count("the article disputes it") == 2
    assert "the article disputes it: \u201cfalsely\u201d" in str(to_blocks(got))


def test_a_reading_the_classifier_doubts_says_so_and_exports_its_score(sessions) -> None:  # noqa: ANN001
    from bot.answers.export import to_csv
    from bot.answers.terminal import to_text
    from bot.slack.blocks import to_blocks
    from storage import queries
    from storage.models import Article

    def said(words: str, score: float | None) -> queries.NewStatement:
        return queries.NewStatement(text=words, kind="indirect", speaker="Marco Rossi", role=None, cue="said",
                                    said_on=date(2024, 5, 2), place=None, start=0, end=len(words),
                                    topics=["Italy"], core_topics=frozenset({"Italy"}), score=score)

    with sessions.begin() as s:
        queries.save_article(s, Article(team_id="T1", url="https://n.example/1", title="Story", status="stored"),
                             [said("Italy will sign the rail agreement", 0.97),
                              said("Italy added a third line to the network", 0.62),
                              said("Italy will raise spending on ports", None)])  # stored before scores were
    with sessions() as s:
        got = answers.briefing(s, "T1", "italy")
    items = {i.words: i for g in got.groups for i in g.items}
    assert [w for w, i in items.items() if i.reading_unsure] == ["Italy added a third line to the network"]
    assert to_text(got).count("may not be a statement") == 1
    assert str(to_blocks(got)).count("may not be a statement") == 1
    csv = to_csv(got)
    assert "statement_score" in csv.splitlines()[0] and ",0.62," in csv and ",0.97," in csv


def test_an_ingested_statement_keeps_the_classifiers_score(sessions, settings, tmp_path: Path) -> None:  # noqa: ANN001
    from bot.extract import classifier
    from storage.models import Statement

    page = tmp_path / "seed.html"
    page.write_bytes(SEED_HTML.read_bytes())
    assert ingest(sessions, settings, "T1", str(page)).status == "stored"
    with sessions() as s:
        stored = [st.score for st in s.query(Statement)]
    # Every kept statement passed the classifier's threshold, and its score is what answers mark by.
    threshold = classifier.load().threshold
    assert stored and all(score is not None and threshold <= score <= 1 for score in stored)
