"""A regression guard: the extractor's scores on the gold sets never fall more than .01 below the floors
recorded in bench/floors.json (raise them as the figures rise)."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.extract.jsonl import run_jsonl

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
FLOORS = {k: v for k, v in json.loads((ROOT / "bench" / "floors.json").read_text()).items() if k.endswith(".jsonl")}
SLACK = 0.01
FIGURES = {
    "statement_f1": re.compile(r"statement_f1=([\d.]+)"),
    "attributed_f1": re.compile(r"attributed_f1=([\d.]+)"),
    "attributed_p": re.compile(r"attributed \(match and right speaker\): P ([\d.]+)"),
}


def score(gold: Path, tmp_path: Path) -> dict[str, float]:
    """Extract every article of a gold set, then score with the evaluation's own scorer."""
    out = io.StringIO()
    with gold.open(encoding="utf-8") as lines:
        run_jsonl(lines, out)
    pred = tmp_path / f"{gold.stem}.pred.jsonl"
    pred.write_text(out.getvalue(), encoding="utf-8")
    report = subprocess.run([sys.executable, str(SHARED / "tools" / "score_quotes.py"), str(gold), str(pred)],
                            capture_output=True, text=True, check=True).stdout
    return {name: float(m.group(1)) for name, rx in FIGURES.items() if (m := rx.search(report))}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_extraction_quality_does_not_fall_below_its_floor(name: str, tmp_path: Path) -> None:
    gold = SHARED / "eval" / name
    if not gold.exists() or not (SHARED / "tools" / "score_quotes.py").exists():
        pytest.skip(f"the gold set {gold} is not here (it lives in ../shared beside the repository)")
    got = score(gold, tmp_path)
    assert set(got) == set(FIGURES), f"the scorer's report changed shape: {got}"
    fallen = {k: (got[k], floor) for k, floor in FLOORS[name].items() if got[k] < floor - SLACK}
    assert not fallen, f"{name}: figure (now, floor) fell more than {SLACK}: {fallen}"
