"""Ingest and query through the Python API, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select

from bot.answers import answers
from bot.ingest.pipeline import canonical_url, ingest
from storage import queries
from storage.models import Article
from tests.conftest import SEED_HTML


def _names(answer: answers.Answer) -> list[str]:
    return [g.speaker for g in answer.groups]


def test_ingest_stores_statements_and_answers_find_them(sessions, settings) -> None:
    result = ingest(sessions, settings, "T1", str(SEED_HTML))
    assert result.status == "stored" and result.statements >= 8
    assert {"Lloyd Austin", "John Kirby", "Volodymyr Zelenskyy"} <= set(result.speakers)
    with sessions() as s:
        for query in ("dprk", "North Korea", "north korean", "Pyongyang"):
            names = _names(answers.briefing(s, "T1", query))
            assert {"Lloyd Austin", "John Kirby", "South Korean officials"} <= set(names), query
        assert {"Lloyd Austin", "John Kirby"} <= set(_names(answers.who_said(s, "T1", "troop")))
        austin = answers.briefing(s, "T1", "austin")
        assert _names(austin) == ["Lloyd Austin"] and austin.groups[0].role == "U.S. Defense Secretary"


def test_workspaces_do_not_see_each_others_articles(sessions, settings) -> None:
    ingest(sessions, settings, "T1", str(SEED_HTML))
    with sessions() as s:
        assert answers.briefing(s, "T2", "dprk").groups == []
        assert queries.count_statements(s, "T2") == 0


def test_second_ingest_is_a_duplicate_and_stores_nothing(sessions, settings) -> None:
    ingest(sessions, settings, "T1", str(SEED_HTML))
    with sessions() as s:
        before = queries.count_statements(s, "T1")
    again = ingest(sessions, settings, "T1", str(SEED_HTML))
    assert again.status == "duplicate"
    with sessions() as s:
        assert queries.count_statements(s, "T1") == before


def test_a_link_that_failed_is_read_again_when_posted_again(sessions, settings, pages) -> None:
    url = pages.add("/story.html", b"<html><body>Back soon.</body></html>", status=503)
    first = ingest(sessions, settings, "T1", url)
    assert first.status == "failed"
    pages.add("/story.html", SEED_HTML.read_bytes())
    again = ingest(sessions, settings, "T1", url)
    assert again.status == "stored" and "John Kirby" in again.speakers
    with sessions() as s:
        rows = s.scalars(select(Article).where(Article.team_id == "T1")).all()
        assert [(a.status, a.failure) for a in rows] == [("stored", None)]  # the failure is replaced, not kept
        assert "John Kirby" in _names(answers.who_said(s, "T1", "troops"))
    assert ingest(sessions, settings, "T1", url).status == "duplicate"  # a stored copy is never replaced


def test_odd_queries_answer_or_say_nothing_found(sessions, settings) -> None:
    ingest(sessions, settings, "T1", str(SEED_HTML))
    odd = ['"troops', "troops)", "* NEAR", "x' OR 1=1 --", "; DROP TABLE statements;", "AND OR NOT",
           "\u202eevil\u202c", "\U0001f680 rockets", "a" * 10_000, "", "(", "NEAR(troops russia)"]
    with sessions() as s:
        for q in odd:
            for fn in (answers.briefing, answers.who_said):
                answer = fn(s, "T1", q)
                assert answer.groups or answer.message, q
        assert queries.count_statements(s, "T1") > 0


def test_tracking_parameters_and_fragments_are_dropped() -> None:
    assert canonical_url("HTTPS://News.Example.com/a?utm_source=x&id=3#top") == "https://news.example.com/a?id=3"


def test_upgrading_a_filled_0001_database_keeps_every_link(tmp_path) -> None:  # noqa: ANN001
    from sqlalchemy import text

    from storage.db import make_engine, make_sessionmaker, migrate

    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    migrate(engine, "0001")
    with engine.connect() as conn:
        with conn.begin():
            conn.execute(text("INSERT INTO articles (id, team_id, url, url_key, status) "
                              "VALUES (1, 'T1', 'u', 'k', 'stored')"))
            conn.execute(text("INSERT INTO statements (id, article_id, text, kind, start, \"end\", search_text, "
                              "said_on) VALUES (1, 1, 'troops', 'indirect', 0, 5, 'troops are here', '2024-10-23')"))
            conn.execute(text("INSERT INTO topics (id, name) VALUES (1, 'North Korea')"))
            conn.execute(text("INSERT INTO statement_topics (statement_id, topic_id) VALUES (1, 1)"))
    migrate(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT team_id, said_on FROM statement_topics")).one() == ("T1", "2024-10-23")
        assert conn.execute(text("SELECT team_id FROM statements")).scalar() == "T1"
    with make_sessionmaker(engine)() as session:
        page = queries.search_statements(session, "T1", words="troop")
        assert [s.id for s in page.statements] == [1] and page.total == 1


def test_a_short_news_brief_is_stored(sessions, settings, tmp_path) -> None:  # noqa: ANN001
    paras = ["Police closed the Elm Street bridge on Monday morning.",
             "A lorry had struck the railing shortly after six.",
             "\u201cNobody was hurt,\u201d the fire service said in a statement.",
             "Engineers expect the bridge to reopen by Wednesday evening."]
    page = tmp_path / "brief.html"
    page.write_text("<html><head><title>Bridge closed after crash</title></head><body><article><h1>Bridge closed "
                    "after crash</h1>" + "".join(f"<p>{p}</p>" for p in paras) + "</article></body></html>")
    result = ingest(sessions, settings, "T1", str(page))
    assert result.status == "stored" and "fire service" in result.speakers
    headlines = tmp_path / "index.html"
    items = "".join(f"<li><a href='/s{i}'>Council row over bridge repairs number {i}</a></li>" for i in range(40))
    headlines.write_text(f"<html><body><ul>{items}</ul></body></html>")
    assert ingest(sessions, settings, "T1", str(headlines)).code == "index"


def test_a_japanese_article_is_stored_and_its_headline_list_is_not(sessions, settings, tmp_path) -> None:  # noqa: ANN001
    # Written without spaces: its words are counted by characters, and only lines that end as sentences do.
    paras = ["先日、不正に改造したスマートフォンを販売したとして、二十代の男性が逮捕されたというニュースがありました。",
             "報道によると、販売されたのは機能制限を解除した端末で、警察は商標法違反の疑いで捜査を進めています。",
             "専門家は、改造された端末には安全上の問題があり、購入しないよう注意を呼びかけています。"]
    page = tmp_path / "ja.html"
    page.write_text("<html><head><meta charset='utf-8'><title>男性を逮捕</title></head><body><article><h1>男性を逮捕"
                    "</h1>" + "".join(f"<p>{p}</p>" for p in paras) + "</article></body></html>", encoding="utf-8")
    assert ingest(sessions, settings, "T1", str(page)).status == "stored"
    headlines = tmp_path / "ja-index.html"
    item = "<li><a href='/s{0}'>改造スマートフォン販売で男性逮捕 警察が捜査 第{0}報</a></li>"
    items = "".join(item.format(i) for i in range(40))
    headlines.write_text(f"<html><head><meta charset='utf-8'></head><body><ul>{items}</ul></body></html>",
                         encoding="utf-8")
    assert ingest(sessions, settings, "T1", str(headlines)).code == "index"
