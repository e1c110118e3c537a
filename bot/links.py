"""Find the links in a Slack message, as Slack writes them: <url> or <url|label>."""

from __future__ import annotations

import re

# Slack wraps links in angle brackets; <@U1>, <#C1|name> and <!here> are mentions, not links.
SLACK_LINK = re.compile(r"<([a-zA-Z][a-zA-Z0-9+.\-]*:[^|>\s]+)(?:\|[^>]*)?>")
IGNORED_SCHEMES = {"mailto", "tel", "slack"}


def find_links(text: str | None) -> list[str]:
    """Distinct link targets in message order (any scheme but mailto/tel; the fetcher vets them)."""
    out: dict[str, None] = {}
    for m in SLACK_LINK.finditer(text or ""):
        url = m.group(1).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
        if url.split(":", 1)[0].lower() in IGNORED_SCHEMES:
            continue
        out.setdefault(url, None)
    return list(out)
