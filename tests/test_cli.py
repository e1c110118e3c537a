"""The CLI: in-process commands, and `briefing-bot demo` in a fresh virtual environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from tests.conftest import ROOT, SEED_HTML


def run(capsys, *args: str) -> str:  # noqa: ANN001
    with pytest.raises(SystemExit) as done:
        main(list(args))
    assert done.value.code == 0
    return capsys.readouterr().out


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("DOTENV_PATH", str(tmp_path / "none.env"))
    return tmp_path


def test_ingest_then_briefing_and_who_said(env: Path, capsys) -> None:  # noqa: ANN001
    out = run(capsys, "ingest", str(SEED_HTML))
    assert out.startswith("Stored") and "Lloyd Austin" in out
    out = run(capsys, "briefing", "dprk")
    assert "Lloyd Austin, U.S. Defense Secretary" in out and "South Korean officials" in out
    out = run(capsys, "who-said", "troops")
    assert "John Kirby" in out


def test_extract_jsonl_writes_one_line_per_input(env: Path, capsys, tmp_path: Path) -> None:  # noqa: ANN001
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "text": '"We are ready," Ana Silva said.', "published": None}) + "\n"
                   + json.dumps({"id": "b", "text": "", "published": "2024-01-02"}) + "\n")
    lines = [json.loads(x) for x in run(capsys, "extract", "--jsonl", str(src)).splitlines()]
    assert [x["id"] for x in lines] == ["a", "b"]
    (st,) = lines[0]["statements"]
    assert st["speaker"] == "Ana Silva" and st["kind"] == "direct" and st["start"] == 0
    assert set(st) >= {"text", "start", "end", "kind", "speaker", "speaker_start", "speaker_end", "role", "cue",
                       "said_on", "place"}


def test_demo_works_from_a_fresh_virtual_environment(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, str(ROOT)], check=True, timeout=900)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL", "PYTHONPATH"))}
    out = subprocess.run([str(venv / "bin" / "briefing-bot"), "demo"], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=300, check=True).stdout
    assert "/briefing dprk" in out and "/who-said troops" in out
    for name in ("Lloyd Austin", "John Kirby", "South Korean officials"):
        assert name in out


def fails(capsys, *args: str) -> str:  # noqa: ANN001
    """A user's mistake: exit status 2 and one line on stderr, no traceback."""
    with pytest.raises(SystemExit) as done:
        main(list(args))
    assert done.value.code == 2
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err and err.count("\n") == 0, err
    return err


def test_database_settings_a_user_gets_wrong_are_named(tmp_path: Path, capsys, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("DOTENV_PATH", str(tmp_path / "none.env"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'missing' / 'folder' / 'b.db'}")
    err = fails(capsys, "briefing", "dprk")
    assert "DATABASE_URL" in err and str(tmp_path / "missing" / "folder") in err
    monkeypatch.setenv("DATABASE_URL", "not a url at all")
    assert "DATABASE_URL=not a url at all is not a database URL" in fails(capsys, "who-said", "troops")
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres:hunter2@127.0.0.1:1/nowhere")
    err = fails(capsys, "migrate")
    assert "cannot open the database" in err and "hunter2" not in err


def test_postgres_urls_as_hosting_platforms_write_them_work(pg_url: str, tmp_path: Path, capsys, monkeypatch) -> None:  # noqa: ANN001
    from sqlalchemy import text

    from storage.db import make_engine

    with make_engine(pg_url).begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    monkeypatch.setenv("DOTENV_PATH", str(tmp_path / "none.env"))
    monkeypatch.setenv("DATABASE_URL", pg_url.replace("postgresql://", "postgres://", 1))
    assert "Lloyd Austin" in run(capsys, "ingest", str(SEED_HTML))


def test_files_that_cannot_be_read_get_a_reason_and_nothing_is_stored(env: Path, capsys) -> None:  # noqa: ANN001
    pdf = env / "report.pdf"
    pdf.write_bytes(b"%PDF-1.4 " + b"x" * 2000)
    for source, reason in ((str(env / "nope.html"), "no such file"), (str(env), "is a folder"),
                           (str(pdf), "not an article file")):
        with pytest.raises(SystemExit) as done:
            main(["ingest", source])
        assert done.value.code == 2
        out = capsys.readouterr().out
        assert reason in out and "Traceback" not in out
    assert "Nothing found" in run(capsys, "who-said", "x")
    assert "no such file" in fails(capsys, "extract", str(env / "nope.txt"))
    assert "is a folder" in fails(capsys, "extract", str(env))
    assert "no such file" in fails(capsys, "extract", "--jsonl", str(env / "nope.jsonl"))


def test_ingest_of_many_shows_progress_and_a_summary(env: Path, capsys) -> None:  # noqa: ANN001
    with pytest.raises(SystemExit):
        main(["ingest", str(SEED_HTML), str(SEED_HTML), str(env / "gone.html")])
    out = capsys.readouterr().out
    run_lines = out.splitlines()
    assert run_lines[0].startswith("[1/3] Stored") and run_lines[1].startswith("[2/3] Already stored")
    assert run_lines[2].startswith("[3/3] Could not read")
    assert run_lines[-1] == "Done: 1 stored, 1 already stored, 1 failed (not_found 1); 3 sources in all."


def test_answers_export_as_json_and_csv_and_page(env: Path, capsys) -> None:  # noqa: ANN001
    import csv
    import io

    run(capsys, "ingest", str(SEED_HTML))
    data = json.loads(run(capsys, "briefing", "dprk", "--json"))
    assert data["query"] == "dprk" and data["heading"].startswith("Briefing: dprk")
    austin = [s for s in data["statements"] if s["speaker"] == "Lloyd Austin"]
    assert austin and austin[0]["role"] == "U.S. Defense Secretary" and austin[0]["said_on"] == "2024-10-23"
    assert austin[0]["said_precision"] == "day"
    assert austin[0]["url"].endswith("seed-dprk-troops.html") and austin[0]["title"]
    rows = list(csv.DictReader(io.StringIO(run(capsys, "who-said", "troops", "--csv"))))
    assert {"John Kirby", "Lloyd Austin"} <= {r["speaker"] for r in rows}
    assert len(rows) == len(json.loads(run(capsys, "who-said", "troops", "--json"))["statements"])
    second = json.loads(run(capsys, "who-said", "troops", "--json", "--page", "2"))
    assert second["page"] == 2 and second["statements"] == []  # fewer than 20: one page
    assert "--page counts from 1" in fails(capsys, "briefing", "dprk", "--page", "0")


def test_extract_explain_prints_rule_confidence_and_why(env: Path, capsys, tmp_path: Path) -> None:  # noqa: ANN001
    src = tmp_path / "a.txt"
    src.write_text('"We are ready," Ana Silva said. "It will take years," she added.\n'
                   "A spokesman said the plan was dead.\n", encoding="utf-8")
    out = run(capsys, "extract", "--explain", str(src))
    blocks = out.strip().split("\n\n")
    assert len(blocks) == 3
    lines = blocks[0].splitlines()
    assert lines[:5] == ['"We are ready,"', "  speaker: Ana Silva", "  rule: quote+verb (cue: said)",
                         "  confidence: 0.95", "  why: named in the attribution"]
    # The statement classifier's decision: its score, the threshold passed and what weighed most.
    assert lines[5].startswith("  classifier: P(statement) ") and "kept (threshold " in lines[5]
    assert "weighs most: " in lines[5] and len(lines) == 6
    assert "'she' = Ana Silva, the person quoted just before" in blocks[1]
    assert "speaker: A spokesman [unresolved]" in blocks[2]


def _articles(folder: Path) -> list[Path]:
    """Three articles (the seed page, a syndicated copy of it, a text file) and one that is not."""
    folder.mkdir()
    (folder / "sub").mkdir()
    (folder / "a-seed.html").write_bytes(SEED_HTML.read_bytes())
    (folder / "sub" / "b-copy.html").write_bytes(SEED_HTML.read_bytes().replace(b"<title>", b"<title>Copy: "))
    (folder / "c-radar.txt").write_text("Radar plans\n\n\u201cThe radar programme will go ahead on time and on budget,"
                                        "\u201d said Maximilian Zorn on Thursday, after the committee met again.\n"
                                        + "The review began in the spring after a series of delays. " * 4)
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4")
    return sorted(folder.rglob("*.*"))


def _stored(url: str) -> list[tuple]:
    from sqlalchemy import select

    from storage.db import make_engine, make_sessionmaker
    from storage.models import Article, Statement

    with make_sessionmaker(make_engine(url))() as s:
        rows = s.execute(select(Article.url, Statement.speaker, Statement.text, Statement.role, Statement.said_on,
                                Statement.duplicate_of.is_(None)).join(Statement.article)
                         .order_by(Article.url, Statement.start)).all()
        topics = [sorted(t.name for t in st.topics) for st in s.scalars(
            select(Statement).join(Statement.article).order_by(Article.url, Statement.start))]
    return [(*r, t) for r, t in zip(rows, topics, strict=True)]


def test_ingest_of_a_folder_reads_its_article_files(env: Path, capsys) -> None:  # noqa: ANN001
    _articles(env / "pages")
    out = run(capsys, "ingest", str(env / "pages")).splitlines()
    assert out[0].startswith("[1/3] Stored") and out[-1] == "Done: 3 stored, 0 already stored, 0 failed; " \
        "3 sources in all."
    assert "Maximilian Zorn" in run(capsys, "who-said", "radar")


def test_ingest_reads_a_file_of_links(env: Path, capsys, pages, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("FETCH_ALLOW_PRIVATE", "1")
    seed = pages.add("/seed.html", SEED_HTML.read_bytes())
    links = env / "links.txt"
    links.write_text(f"# this week\n{seed}\n\n{pages.url}/gone.html\n")
    with pytest.raises(SystemExit):
        main(["ingest", "--urls", str(links)])
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("[1/2] Stored") and out[1].startswith("[2/2] Could not read")
    assert out[-1] == "Done: 1 stored, 0 already stored, 1 failed (not_found 1); 2 sources in all."
    assert "Lloyd Austin" in run(capsys, "briefing", "dprk")


def test_ingest_in_parallel_stores_what_one_process_stores(env: Path, capsys, monkeypatch) -> None:  # noqa: ANN001
    files = [str(f) for f in _articles(env / "pages")]
    sources = [*files, files[0], str(env / "gone.html")]  # a page twice, and one that is not there
    outputs, stored = [], []
    for jobs in ("1", "2"):
        url = f"sqlite:///{env / f'jobs{jobs}.db'}"
        monkeypatch.setenv("DATABASE_URL", url)
        with pytest.raises(SystemExit):
            main(["ingest", *sources, "--jobs", jobs])
        outputs.append(capsys.readouterr().out)
        stored.append(_stored(url))
    assert outputs[0] == outputs[1] and stored[0] == stored[1]
    assert "Done: 3 stored, 1 already stored, 2 failed" in outputs[1]
    assert any(not first for *_, first, _ in stored[1])  # the syndicated copy's quotes point at the first
