"""Answers and ingest results as a terminal shows them: plain text, nothing escaped."""

from __future__ import annotations

from bot.answers import Answer, Group
from bot.wording import cut, outlet, plural, runs, summary, when_where, words


def to_text(answer: Answer) -> str:
    """The CLI's answer: heading, summary, then each speaker once with their statements and sources."""
    lines = [answer.heading]
    if answer.message:
        lines.append(answer.message)
        lines += [f"  - {name}" for name, _ in answer.choices]
        if answer.confirm:
            lines.append(f"To go ahead, repeat the command as: {answer.confirm}")
        return "\n".join(lines)
    lines.append(summary(answer))
    for g in answer.groups:
        lines += ["", *group_lines(g)]
    if answer.more:
        lines.append(f"\n{answer.more_text} more statements not shown.")
    return "\n".join(lines)


def group_lines(g: Group) -> list[str]:
    lines = [g.speaker + (f", {g.role}" if g.role else "")]
    for run in runs(g.items):
        lines += [f"  - {words(i)} ({when_where(i)})" for i in run.items]
        title = cut(run.first.source_title, 100) if run.first.source_title else ""
        lines.append(f"    {outlet(run.first)}" + (f" \u00b7 {title}" if title else "") + f" <{run.first.source_url}>")
    return lines


def ingest_lines(results: list, skipped: int = 0) -> list[str]:  # list[IngestResult]
    """One line a link: what was stored, or why not."""
    lines = []
    for r in results:
        title = cut(r.title or r.url, 100)
        who = ", ".join(r.speakers[:6]) + (" and others" if len(r.speakers) > 6 else "")
        if r.status == "stored":
            lines.append(f"Stored {plural(r.statements, 'statement')} from {who or 'unnamed sources'}: {title}"
                         if r.statements else f"Stored {title}, but found no attributed statements in it.")
        elif r.status == "duplicate":
            lines.append(f"Already stored ({plural(r.statements, 'statement')} from {who or 'unnamed sources'}): "
                         f"{title}")
        else:
            lines.append(f"Could not read {cut(r.url, 200)}: {r.reason or 'unknown error'}")
    if skipped:
        lines.append(f"Skipped {plural(skipped, 'more link')}: at most {len(results)} are read from one message.")
    return lines
