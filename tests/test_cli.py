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
