"""An answer as data to take elsewhere: one JSON object, or CSV rows (the same statements either way)."""

from __future__ import annotations

import csv
import io
import json

from bot.answers.answers import Answer

COLUMNS = ["speaker", "role", "words", "kind", "cue", "said_on", "said_precision", "place", "url", "site", "title",
           "also_in", "speaker_uncertain", "statement_score", "disputed_by_article"]


def rows(answer: Answer) -> list[dict]:
    """One dict a statement, in the answer's order, with its speaker and role."""
    return [{"speaker": g.speaker, "role": g.role, "words": i.words, "kind": i.kind, "cue": i.cue,
             "said_on": i.said_on.isoformat() if i.said_on else None, "said_precision": i.said_precision,
             "place": i.place, "url": i.source_url,
             "site": i.source_site, "title": i.source_title, "also_in": i.also_in,
             "speaker_uncertain": i.speaker_unsure, "statement_score": i.score, "disputed_by_article": i.disputed}
            for g in answer.groups for i in g.items]


def to_json(answer: Answer, query: str, page: int) -> str:
    """The query, its heading (with the date window used), the page, and the statements."""
    return json.dumps({"query": query, "heading": answer.heading, "message": answer.message,
                       "choices": [name for name, _ in answer.choices], "page": page, "total": answer.total,
                       "more": answer.more, "statements": rows(answer)}, ensure_ascii=False, indent=2)


def to_csv(answer: Answer) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows(answer))
    return out.getvalue()
