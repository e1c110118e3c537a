"""Answers and ingest results as a terminal shows them: plain text, nothing escaped."""

from __future__ import annotations

from bot.answers.answers import Answer, Group
from bot.answers.wording import cut, ingest_lines, outlet, runs, summary, when_where, words

__all__ = ["ingest_lines", "to_text"]


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
