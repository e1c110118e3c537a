"""Answer /briefing and /who-said from storage, as plain data for the formatter."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from functools import partial
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from bot.answers.windows import split_window
from bot.extract.topics import topics_for_query
from storage import queries
from storage.models import Digest, Feed, Statement, Watch

PAGE = 20
MAX_ID = 2**31 - 1
UNSURE = 0.5  # below this speaker confidence an answer says the speaker is uncertain
# Below this classifier score an answer says the reading is uncertain: on news-dev 11 of 20 such statements are
# real statements with the right speaker (.91 above it); on PolNeAR dev (speech) .66 are statements (.89 above).
UNSURE_READING = 0.9
MAX_QUERY_CHARS = 200
BRIEFING_USAGE = ("Usage: `/briefing TOPIC_OR_PERSON`, for example `/briefing dprk`, `/briefing lloyd austin` or "
                  "`/briefing dprk since last week`: the latest statements, newest first, grouped by who said "
                  "them. `/briefing alias NAME = ALIAS, ALIAS` adds this workspace's own names for a topic; "
                  "`/briefing aliases` lists them. `/briefing watch TOPIC_OR_PERSON` posts new statements on it "
                  "in this channel; `/briefing watches` lists the channel's watches, `/briefing unwatch ID` stops "
                  "one.")
WHO_SAID_USAGE = ("Usage: `/who-said KEYWORD`, for example `/who-said troops` or `/who-said \"nuclear "
                  "programme\" in 2024`: every speaker who said something about it, with their words and sources.")
# `alias!` goes ahead where `alias` would ask first (redefining a built-in topic name).
ALIAS = re.compile(r"^alias(!?)\s+(.+?)\s*=\s*(.+)$", re.I | re.S)
ALIAS_COMMAND = re.compile(r"^alias!?\s", re.I)
# Bounds: one command is one short write, whatever is pasted (a 650 KB one held SQLite's lock 102 s).
MAX_ALIAS_COMMAND = 1000  # characters
MAX_ALIASES_PER_COMMAND = 20
MAX_ALIAS_CHARS = 100  # a name or an alias
MAX_ALIASES_PER_WORKSPACE = 500


@dataclass(frozen=True)
class Query:
    """What was asked, kept whole so "Show more" and the person buttons can ask it again."""

    kind: str  # briefing | who-said
    text: str
    offset: int = 0
    actor_id: int | None = None


@dataclass
class Item:
    words: str
    kind: str
    cue: str | None
    said_on: date | None
    place: str | None
    source_url: str
    source_title: str | None
    source_site: str | None = None
    also_in: int = 0  # other sources carrying the same words
    said_precision: str = "day"  # day, week (said_on is its Monday), month (its 1st) or year
    speaker_unsure: bool = False  # the reader is not sure who said it: the answer says so
    score: float | None = None  # the statement classifier's P(a real statement) (None: stored before it was kept)
    disputed: str = ""  # the article's own words holding the claim false: the answer shows them
    statement_id: int = 0

    @property
    def reading_unsure(self) -> bool:
        """The reader is not sure these words are a statement: the answer says so."""
        return self.score is not None and self.score < UNSURE_READING


@dataclass
class Group:
    speaker: str
    role: str | None
    items: list[Item]


@dataclass
class Answer:
    heading: str
    groups: list[Group] = field(default_factory=list)
    total: int = 0
    shown: int = 0
    message: str | None = None  # usage help, "nothing found", or a question
    choices: list[tuple[str, Query]] = field(default_factory=list)  # ambiguous names, each with its query
    confirm: str | None = None  # the command that goes ahead anyway, when the message asks "are you sure?"
    next: Query | None = None  # the next page, when there is one
    asked: Query | None = None  # the query answered, for an export of the whole result

    @property
    def more(self) -> int:
        return max(0, self.total - self.shown)

    @property
    def more_text(self) -> str:
        """'12 more', or 'more than 1,000 more' where counting stopped."""
        if self.total > self.shown + queries.COUNT_CAP:
            return f"more than {queries.COUNT_CAP:,}"
        return f"{self.more:,}"


def respond(session: Session, team_id: str, query: Query, channel: str | None = None,
            today: date | None = None, user: str | None = None, private: bool = False) -> Answer:
    """The one place that decides what a command is: a watch or feed command, a workspace alias command, or a
    query. Slack's slash commands and buttons and the command line all come through here; `private` says the
    channel is private (what a feed followed there brings is shown there only)."""
    if query.offset == 0 and query.actor_id is None:
        managed = manage_watches(session, team_id, channel or CLI_CHANNEL, query, user)
        if managed is None and query.kind == "briefing":
            managed = manage_feeds(session, team_id, channel or CLI_CHANNEL, private, query.text, user)
        if managed is None and query.kind == "briefing":
            managed = manage_digests(session, team_id, channel or CLI_CHANNEL, query.text, user)
        if managed is None and query.kind == "briefing":
            managed = manage_aliases(session, team_id, query.text)
        if managed is not None:
            return managed
    return answer(session, team_id, query, today=today, channel=channel)


FEED = re.compile(r"^(follow|unfollow|feeds)\b\s*(.*)$", re.I | re.S)


def manage_feeds(session: Session, team_id: str, channel: str, private: bool, text: str,
                 user: str | None) -> Answer | None:
    """`follow FEED_URL`, `feeds`, `unfollow ID`; None when the text is a query."""
    m = FEED.match(" ".join(text.replace("\x00", "").split()))
    if not m:
        return None
    verb, rest = m.group(1).lower(), m.group(2).strip().strip("<>").split("|")[0]
    if verb == "feeds":
        rows = queries.channel_rows(session, Feed, team_id, channel)
        lines = [f"{f.id}: {f.url}" + (f" (failing: {f.last_error})" if f.failures else "") for f in rows]
        return Answer("Feeds", message="\n".join(lines) if lines else
                      "No feeds in this channel. Follow one: `/briefing follow https://example.com/rss`")
    if verb == "unfollow":
        return _stop("Feeds", "feed", rest, "Stopped following feed",
                     lambda n: queries.remove_channel_row(session, Feed, team_id, channel, n))
    parts = urlsplit(rest)
    if parts.scheme not in {"http", "https"} or not parts.hostname or len(rest) > 2000:
        return Answer("Feeds", message="Give the feed's address: `/briefing follow https://example.com/rss`")
    url = parts._replace(netloc=parts.netloc.rsplit("@", 1)[-1]).geturl()  # no user:password@ kept
    feed = queries.add_feed(session, team_id, channel, private, url, user)
    where = " (this channel is private: what it brings stays here)" if private else ""
    return Answer("Feeds", message=f"Following {url} (feed {feed.id}){where}: its new articles are read now and "
                                   f"then every few minutes. `/briefing unfollow {feed.id}` stops it.")


DIGEST = re.compile(r"^(?:(digests)|undigest\s+(\S+)|digest\s+(.+?)\s+(daily|weekly)"
                    r"(?:\s+(?:at\s+)?(\d{1,2})(?::(\d{2}))?)?|(digest)\b.*)$", re.I | re.S)


def manage_digests(session: Session, team_id: str, channel: str, text: str, user: str | None) -> Answer | None:
    """`digest TOPIC_OR_PERSON daily|weekly [HH:MM]` (UTC), `digests`, `undigest ID`; None when text is a query."""
    m = DIGEST.match(" ".join(text.replace("\x00", "").split()))
    if not m:
        return None
    listing, stop, what, period, hour, minute, bad = m.groups()
    usage = "Say what and how often: `/briefing digest dprk daily 08:00` or `/briefing digest kirby weekly` (UTC)."
    if listing:
        rows = queries.channel_rows(session, Digest, team_id, channel)
        lines = [f"{d.id}: {d.query}, {d.period} at {d.hour:02d}:{d.minute:02d} {d.tz}" for d in rows]
        return Answer("Digests", message="\n".join(lines) if lines else f"No digests in this channel. {usage}")
    if stop is not None:
        return _stop("Digests", "digest", stop, "Stopped digest",
                     lambda n: queries.remove_channel_row(session, Digest, team_id, channel, n))
    h, mi = int(hour or 8), int(minute or 0)
    if bad or not what or h > 23 or mi > 59:
        return Answer("Digests", message=usage)
    digest = queries.add_digest(session, team_id, channel, what[:MAX_QUERY_CHARS], period.lower(), h, mi, user)
    when = "every day" if digest.period == "daily" else f"every {date(2024, 1, 1 + digest.weekday):%A}"
    return Answer("Digests", message=f"Digest {digest.id}: what was said on \u201c{digest.query}\u201d, {when} at "
                                     f"{h:02d}:{mi:02d} UTC. `/briefing undigest {digest.id}` stops it.")


def _stop(title: str, noun: str, number: str, done: str, remove: Callable[[int], bool]) -> Answer:
    """`unwatch 3`, `unfollow 2`, `undigest 1`: stop one of this channel's by its number."""
    listing = f"`/briefing {noun}s` lists them"
    if not number.isdigit() or int(number) > MAX_ID:
        return Answer(title, message=f"Give the {noun}'s number: `/briefing un{'follow' if noun == 'feed' else noun} "
                                     f"2` ({listing}).")
    if remove(int(number)):
        return Answer(title, message=f"{done} {number}.")
    return Answer(title, message=f"No {noun} {number} in this channel ({listing}).")


CLI_CHANNEL = "cli"  # where the command line's watches post: it sees what a public channel sees
WATCH = re.compile(r"^(watch|unwatch|watches)\b\s*(.*)$", re.I | re.S)


def manage_watches(session: Session, team_id: str, channel: str, query: Query, user: str | None) -> Answer | None:
    """`watch TOPIC_OR_PERSON` (or KEYWORD for who-said), `watches`, `unwatch ID`; None when the text is a query."""
    m = WATCH.match(" ".join(query.text.replace("\x00", "").split()))
    if not m:
        return None
    verb, rest = m.group(1).lower(), m.group(2).strip()[:MAX_QUERY_CHARS]
    command = f"/{query.kind}"
    if verb == "watches":
        rows = queries.channel_rows(session, Watch, team_id, channel)
        lines = [f"{w.id}: /{w.kind} {w.query}" for w in rows]
        return Answer("Watches", message="\n".join(lines) if lines else
                      f"No watches in this channel. Start one: `{command} watch dprk`")
    if verb == "unwatch":
        return _stop("Watches", "watch", rest, "Stopped watch",
                     lambda n: queries.remove_channel_row(session, Watch, team_id, channel, n))
    if not rest:
        return Answer("Watches", message=f"Say what to watch: `{command} watch dprk`.")
    watch = queries.add_watch(session, team_id, channel, query.kind, rest, user)
    return Answer("Watches", message=f"Watching `{command} {rest}` (watch {watch.id}): new statements on it are "
                                     f"posted in this channel. `/briefing unwatch {watch.id}` stops it.")


def answer(session: Session, team_id: str, query: Query, today: date | None = None,
           channel: str | None = None, limit: int = PAGE, after_id: int = 0) -> Answer:
    """The answer to a /briefing or /who-said query (aliases commands excepted: see manage_aliases).

    channel is where it was asked: what was posted in a private channel is shown only there."""
    text = " ".join(query.text.replace("\x00", "").split())[:MAX_QUERY_CHARS]  # PostgreSQL refuses NUL
    title = "Briefing" if query.kind == "briefing" else "Who said"
    if not text and query.actor_id is None:
        return Answer(title, message=BRIEFING_USAGE if query.kind == "briefing" else WHO_SAID_USAGE)
    rest, window, when = split_window(text, today)
    heading = f"{title}: {text}"
    search = partial(queries.search_statements, session, team_id, window=window, limit=limit,
                     offset=query.offset, channel=channel, after_id=after_id)
    name = queries.alias_for(session, team_id, rest) or rest
    topics = topics_for_query(name)
    if query.actor_id is not None:
        page = search(actor_ids=[query.actor_id])
    elif not rest and window is not None:  # "/briefing since last week": everything in the window
        heading = f"{title}: everything {when}"
        page = search(words="")
    elif topics:
        heading = f"{title}: {rest} ({topics[0]})" + (f", {when}" if when else "")
        page = search(topic=topics[0])
    else:
        actors = queries.find_actors(session, team_id, name, channel) if query.kind == "briefing" else []
        if len(actors) > 1:
            return Answer(heading, message=f"\u201c{rest}\u201d fits several people: which one?",
                          choices=[(a.name if " " in a.name else f"{a.name} (no first name given)",
                                    replace(query, actor_id=a.id)) for a in actors])
        if actors:
            page = search(actor_ids=[actors[0].id])
        else:
            page = search(words=name)
        if when:
            heading = f"{title}: {rest}, {when}"
    if not page.statements:
        where = f" {when}" if when else ""
        what = f"on \u201c{rest}\u201d{where}" if rest else (when or f"on \u201c{text}\u201d")
        return Answer(heading, message=f"Nothing found {what}. Post a link to an article about it, or try another "
                                       "name for it.")
    shown = query.offset + len(page.statements)
    nxt = replace(query, offset=shown) if shown < page.total else None
    return Answer(heading, _groups(page), page.total, shown, next=nxt, asked=query)


def latest(session: Session, team_id: str, channel: str | None = None, limit: int = PAGE) -> Answer:
    """The newest statements the channel may see, on any topic (the Home tab's list)."""
    page = queries.search_statements(session, team_id, words="", channel=channel, limit=limit)
    if not page.statements:
        return Answer("Latest statements", message="Nothing stored yet: post a link to an article in a channel.")
    return Answer("Latest statements", _groups(page), page.total, len(page.statements))


def briefing(session: Session, team_id: str, text: str, offset: int = 0) -> Answer:
    return answer(session, team_id, Query("briefing", text, offset))


def who_said(session: Session, team_id: str, text: str, offset: int = 0) -> Answer:
    return answer(session, team_id, Query("who-said", text, offset))


def manage_aliases(session: Session, team_id: str, text: str) -> Answer | None:
    """`/briefing alias NAME = A, B` and `/briefing aliases`; None when the text is a query."""
    text = " ".join(text.replace("\x00", "").split())  # PostgreSQL refuses NUL in text
    if text.lower() == "aliases":
        return _list_aliases(session, team_id)
    if not ALIAS_COMMAND.match(text):
        return None
    if len(text) > MAX_ALIAS_COMMAND:
        return _aliases_say(f"That alias command is {len(text):,} characters long; at most "
                            f"{MAX_ALIAS_COMMAND:,} characters fit in one. Add the aliases in a few commands.")
    m = ALIAS.match(text)
    if not m:
        return None
    force, name = m.group(1) == "!", m.group(2).strip()
    new = list(dict.fromkeys(a.strip().lower() for a in m.group(3).split(",") if a.strip()))
    problem = _alias_problem(session, team_id, name, new)
    if problem:
        return _aliases_say(problem)
    clashes = {a: topics_for_query(a)[0] for a in new if topics_for_query(a) not in ([], topics_for_query(name))}
    if clashes and not force:
        said = "; ".join(f"\u201c{a}\u201d already means {topic}" for a, topic in clashes.items())
        return Answer("Aliases", message=f"{said}. Redefine {'it' if len(clashes) == 1 else 'them'} to mean "
                                         f"{name} in this workspace? Nothing is saved until you confirm.",
                      confirm=f"alias! {name} = {', '.join(new)}")
    stored = queries.set_aliases(session, team_id, name, new)
    return _aliases_say(f"Saved: {', '.join(stored)} \u2192 {name}")


def _alias_problem(session: Session, team_id: str, name: str, new: list[str]) -> str | None:
    """Why an alias command cannot be saved as it is, or None."""
    if not new:
        return "Give at least one alias: `/briefing alias NAME = ALIAS, ALIAS`"
    if len(new) > MAX_ALIASES_PER_COMMAND:
        return f"You gave {len(new)} aliases; at most {MAX_ALIASES_PER_COMMAND} aliases fit in one command."
    too_long = next((n for n in [name, *new] if len(n) > MAX_ALIAS_CHARS), None)
    if too_long:
        return (f"\u201c{too_long[:40]}\u2026\u201d is {len(too_long)} characters long; a name or an alias can "
                f"be at most {MAX_ALIAS_CHARS} characters.")
    others = queries.count_aliases(session, team_id, besides=new)  # redefining an alias adds nothing
    if others + len(new) > MAX_ALIASES_PER_WORKSPACE:
        return (f"This workspace has {others} other aliases, and at most {MAX_ALIASES_PER_WORKSPACE} are kept: "
                f"there is room for {max(0, MAX_ALIASES_PER_WORKSPACE - others)} more.")
    return None


def _list_aliases(session: Session, team_id: str) -> Answer:
    rows = queries.list_aliases(session, team_id)
    if not rows:
        return _aliases_say("No aliases yet. Add one: `/briefing alias North Korea = hermit kingdom`")
    lines: dict[str, list[str]] = {}
    for name, alias in rows:
        lines.setdefault(name, []).append(alias)
    return _aliases_say("\n".join(f"{n}: {', '.join(a)}" for n, a in lines.items()))


def _aliases_say(message: str) -> Answer:
    return Answer("Aliases", message=message)


def _groups(page: queries.Page) -> list[Group]:
    # Within one day, an article reads in its own order (the indexes hand ties back in reverse).
    ordered = sorted(page.statements, key=lambda s: (-(s.said_on.toordinal() if s.said_on else 0),
                                                     -s.article_id, s.start))
    groups = []
    for (speaker, _), sts in _by_speaker(ordered).items():
        # A role belongs to the statement it was read with: only the shown statements' roles count.
        role = next((s.role for s in sts if s.role), None)
        groups.append(Group(speaker, role, [_item(s, page.copies.get(s.id, 0)) for s in sts]))
    return groups


def _by_speaker(statements: list[Statement]) -> dict[tuple[str, int], list[Statement]]:
    """Group in order of each speaker's newest statement (the list is already newest first). A speaker kept as
    the article wrote it ("a spokesman") is one person in that article only, and says so."""
    groups: dict[tuple[str, int], list[Statement]] = {}
    for s in statements:
        if s.speaker_resolved is False:
            key = (f"{s.speaker or 'someone'} (not named)", s.article_id)
        else:
            key = (s.speaker or "Unattributed", 0)
        groups.setdefault(key, []).append(s)
    return groups


def _item(s: Statement, also_in: int) -> Item:
    return Item(s.text, s.kind, s.cue, s.said_on, s.place, s.article.url, s.article.title, s.article.site,
                also_in=also_in, said_precision=s.said_precision or "day",
                speaker_unsure=s.confidence is not None and s.confidence < UNSURE, statement_id=s.id,
                disputed=s.disputed or "", score=s.score)
