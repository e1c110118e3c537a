"""Find the links in a Slack message, as Slack writes them: <url> or <url|label>."""

from __future__ import annotations

import re

# Slack wraps links in angle brackets and escapes any other < and > as &lt; and &gt;, so a link is
# the text between a < and the next >. Matching [^<>] keeps the scan linear: a stray < ends the
# attempt at once, where a greedy match over it made '<a:<a:<a:...' take seconds.
BRACKETED = re.compile(r"<([^<>]*)>")
# <@U1>, <#C1|name> and <!here> are mentions, not links: a target needs a scheme.
TARGET = re.compile(r"[a-zA-Z][a-zA-Z0-9+.\-]*:[^|\s]+")
IGNORED_SCHEMES = {"mailto", "tel", "slack"}


def find_links(text: str | None) -> list[str]:
    """Distinct link targets in message order (any scheme but mailto/tel; the fetcher vets them)."""
    out: dict[str, None] = {}
    for m in BRACKETED.finditer(text or ""):
        target = m.group(1).split("|", 1)[0]
        if not TARGET.fullmatch(target):
            continue
        url = target.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
        if url.split(":", 1)[0].lower() in IGNORED_SCHEMES:
            continue
        out.setdefault(url, None)
    return list(out)
