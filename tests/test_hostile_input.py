"""Hostile input (issue #11): stalls, tunnelled private addresses, odd links, formatting, buttons, dates, NULs."""

# Only 127.0.0.1 is ever connected to: private-address cases go through the address check alone.

from __future__ import annotations

import json
import re
import time
from urllib.parse import urlencode

import pytest

from bot.answers import answers
from bot.answers.answers import Query
from bot.ingest import fetch
from bot.ingest.fetch import FetchError, check_url, is_public_address
from bot.ingest.links import find_links
from bot.ingest.pipeline import IngestResult, ingest
from bot.slack.blocks import ingest_reply
from tests.conftest import SEED_HTML

STALL_LIMIT = 2
# IPv6 addresses that lead to private IPv4 ones: 6to4, NAT64 (well-known and local-use), Teredo.
TUNNELLED_PRIVATE = ["2002:7f00:1::", "2002:0a00:0001::", "2002:c0a8:101::1", "64:ff9b::a00:1", "64:ff9b::7f00:1",
                     "64:ff9b:1::a00:1", "64:ff9b:1::5db8:d822", "2001:0:4136:e378:8000:63bf:f5ff:fffe", "2001::1"]

ODD_REDIRECTS = {"javascript:alert(1)": "javascript:", "data:text/html,hi": "data:", "file:///etc/passwd": "file:"}

HOSTILE_TITLE = "*Breaking* _news_ ~x~ `code` <!channel> <https://evil|click>"
# A formatting character Slack could pair: one without a word joiner (U+2060) on both sides.
BARE_FORMATTING = re.compile("(?<!\u2060)[*_~`]|[*_~`](?!\u2060)")

FORGED_BUTTONS = [
    ("show_more", '{"kind":"briefing","text":"dprk","offset":10000000000000000000}'),
    ("show_more", '{"kind":"who-said","text":"troops","offset":1e400}'),
    ("pick_actor", '{"kind":"briefing","text":"kim","actor_id":99999999999999999999}'),
    ("pick_actor", '{"kind":"briefing","text":"kim","actor_id":-1}'),
    ("show_more", "not json"),
    ("show_more", '["briefing"]'),
]

# Windows at the ends of the calendar, and how the answer names them.
EDGE_WINDOWS = {"since 31 december 9999": "since 31 Dec 9999", "after 9999-12-31": "since 31 Dec 9999",
                "in 9999": "in 9999", "in december 9999": "in december 9999", "before 0001-01-01": "before 1 Jan 1"}


def refuse_dns(host: str, port: int) -> list[str]:
    raise AssertionError(f"{host} is a literal address: no resolver call expected")


def header_drip(handler) -> None:  # noqa: ANN001
    # A status line, then one header line every 0.3 s: the headers never end.
    handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
    for i in range(100):
        handler.wfile.write(b"X-Drip-%d: a\r\n" % i)
        handler.wfile.flush()
        time.sleep(0.3)


def silent(handler) -> None:  # noqa: ANN001
    # Accept, read the request, answer nothing; returns once the client hangs up (or after 15 s).
    handler.connection.settimeout(15)
    handler.connection.recv(1)


# ---- the fetch timeout covers the whole exchange ---------------------------------------------

@pytest.mark.parametrize("route", [header_drip, silent])
def test_a_server_that_stalls_before_its_headers_end_times_out_in_time(pages, route) -> None:  # noqa: ANN001
    pages.routes["/stall"] = route
    started = time.monotonic()
    with pytest.raises(FetchError) as err:
        fetch.fetch(pages.url + "/stall", allow_private=True, total_timeout=STALL_LIMIT)
    assert err.value.code == "timeout"
    assert time.monotonic() - started < STALL_LIMIT + 1


# ---- private IPv4 addresses dressed as IPv6 -----------------------------------------------------

@pytest.mark.parametrize("ip", TUNNELLED_PRIVATE)
def test_literal_ipv6_tunnels_to_private_addresses_are_refused(ip: str) -> None:
    with pytest.raises(FetchError) as err:
        check_url(f"http://[{ip}]/", allow_private=False, resolver=refuse_dns)
    assert err.value.code == "blocked"


@pytest.mark.parametrize("ip", TUNNELLED_PRIVATE)
def test_names_resolving_to_ipv6_tunnels_to_private_addresses_are_refused(ip: str) -> None:
    with pytest.raises(FetchError) as err:
        check_url("https://news.invalid/story", allow_private=False, resolver=lambda host, port: [ip])
    assert err.value.code == "blocked"


def test_tunnels_to_public_addresses_stay_public() -> None:
    # 93.184.216.34 via 6to4 and via NAT64 (what DNS64 answers on an IPv6-only network).
    assert is_public_address("2002:5db8:d822::1") and is_public_address("64:ff9b::5db8:d822")


# ---- links no web page can be read from ---------------------------------------------------------

@pytest.mark.parametrize("location", ODD_REDIRECTS)
def test_a_redirect_to_a_script_data_or_file_link_is_named(pages, location: str) -> None:  # noqa: ANN001
    url = pages.add("/r", b"", status=302, headers={"Location": location})
    with pytest.raises(FetchError) as err:
        fetch.fetch(url, allow_private=True, total_timeout=5)
    assert err.value.code == "bad_url"
    assert f"redirects to a {ODD_REDIRECTS[location]} address" in err.value.message


def test_a_link_over_4096_characters_is_refused_unfetched(pages) -> None:  # noqa: ANN001
    with pytest.raises(FetchError) as err:
        fetch.fetch(pages.url + "/story?q=" + "a" * 5000, allow_private=True, total_timeout=5)
    assert err.value.code == "bad_url" and "longer than 4,096 characters" in err.value.message
    assert pages.seen == []


def test_odd_redirects_and_long_links_get_a_clear_thread_reply(sessions, settings, pages) -> None:  # noqa: ANN001
    redirect = pages.add("/r", b"", status=302, headers={"Location": "javascript:alert(1)"})
    results = [ingest(sessions, settings, "T1", redirect),
               ingest(sessions, settings, "T1", pages.url + "/story?q=" + "a" * 5000)]
    assert [(r.status, r.code) for r in results] == [("failed", "bad_url")] * 2
    reply = ingest_reply(results)
    assert reply.count("Could not read") == 2
    assert "redirects to a javascript: address" in reply and "longer than 4,096 characters" in reply


# ---- link parsing stays linear --------------------------------------------------------------

@pytest.mark.parametrize("noise", ["<", "<a:", "<http://x|", "<http://x ", "<a:a"])
def test_200kb_of_unclosed_brackets_is_read_in_linear_time(noise: str) -> None:
    text = noise * (200_000 // len(noise))
    started = time.monotonic()
    find_links(text)
    assert time.monotonic() - started < 1


def test_links_among_bracket_noise_are_still_found() -> None:
    text = ("<a:<a: see <https://a.example/x?a=1&amp;b=2|the story> <@U123> <#C1|general> <!here> "
            "<mailto:x@y.z|mail> <<http://b.example/> <http://b.example/|again>")
    assert find_links(text) == ["https://a.example/x?a=1&b=2", "http://b.example/"]


# ---- page titles cannot format the thread reply -----------------------------------------------

def test_a_page_title_shows_literally_in_the_thread_reply() -> None:
    stored = IngestResult("https://n.example/a", "stored", HOSTILE_TITLE, ["*Kim* _Jong_"], 2)
    failed = IngestResult("https://n.example/b", "failed", reason="that link is not an article but text/*x*")
    reply = ingest_reply([stored, failed])
    assert BARE_FORMATTING.search(reply) is None
    for raw in ("<!channel>", "<https://evil"):
        assert raw not in reply
    shown = reply.replace("\u2060", "")  # what a reader sees: the title as the page wrote it
    assert "*Kim* _Jong_: *Breaking* _news_ ~x~ `code` &lt;!channel&gt; &lt;https://evil|click&gt;" in shown
    assert "text/*x*" in shown


# ---- forged buttons -----------------------------------------------------------------------------

def press(bot, action_id: str, value: str, response_url: str):  # noqa: ANN001, ANN201
    payload = {"type": "block_actions", "team": {"id": "T1"}, "user": {"id": "U1"}, "api_app_id": "A1",
               "token": "x", "trigger_id": "1.2", "response_url": response_url,
               "container": {"type": "message"}, "channel": {"id": "C1"},
               "actions": [{"type": "button", "action_id": action_id, "block_id": "b", "value": value,
                            "action_ts": "1.1"}]}
    return bot.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")


def test_a_forged_or_garbled_button_is_told_so(bot, fake_slack) -> None:  # noqa: ANN001
    for i, (action_id, value) in enumerate(FORGED_BUTTONS):
        assert press(bot, action_id, value, f"{fake_slack.url}/respond/b{i}").status_code == 200
    for i in range(len(FORGED_BUTTONS)):
        (answer,) = fake_slack.wait_for(f"/respond/b{i}", timeout=10)
        assert "out of date or malformed" in answer["text"], FORGED_BUTTONS[i]
        assert answer["response_type"] == "ephemeral" and answer["replace_original"] is False


# ---- date windows at the ends of the calendar ---------------------------------------------------

def test_windows_at_the_ends_of_the_calendar_get_a_normal_answer(sessions, settings) -> None:  # noqa: ANN001
    assert ingest(sessions, settings, "T1", str(SEED_HTML)).status == "stored"
    with sessions() as s:
        for kind in ("briefing", "who-said"):
            for window, said in EDGE_WINDOWS.items():
                got = answers.answer(s, "T1", Query(kind, f"dprk {window}"))
                assert got.message and got.message.startswith("Nothing found on \u201cdprk\u201d " + said), window
        since_year_one = answers.answer(s, "T1", Query("briefing", "dprk since 0001-01-01"))
        assert "Lloyd Austin" in {g.speaker for g in since_year_one.groups}


# ---- NUL bytes ----------------------------------------------------------------------------------

def test_pages_and_text_files_with_nul_bytes_are_stored(sessions, settings, pages, tmp_path) -> None:  # noqa: ANN001
    html = SEED_HTML.read_bytes().replace(b"US officials confirm", b"US officials\x00 confirm")
    html = html.replace(b"These soldiers then", b"These\x00 soldiers\x00 then")
    txt = tmp_path / "geneva.txt"
    txt.write_bytes(b"The talks\x00 stalled again on Friday after a long night of negotiations in Geneva, where "
                    b"delegations from a dozen countries had gathered to settle the terms of a ceasefire.\n"
                    b'"We are not there\x00 yet, and we will keep working on it," Kirby told reporters on Friday. '
                    b"The delegations are expected to meet again next week, officials from both sides said.")
    for source in (pages.add("/nul.html", html), str(txt)):
        assert ingest(sessions, settings, "T1", source).status == "stored", source
    with sessions() as s:
        got = answers.who_said(s, "T1", "soldiers")
        titles = {i.source_title for g in got.groups for i in g.items}
        assert "US officials confirm North Korean troops have deployed to Russia" in titles
        assert "\x00" not in repr(got)
        assert "We are not there yet" in repr(answers.who_said(s, "T1", "working"))


def test_a_nul_byte_in_a_query_gets_a_normal_answer(sessions, settings) -> None:  # noqa: ANN001
    assert ingest(sessions, settings, "T1", str(SEED_HTML)).status == "stored"
    with sessions() as s:
        assert "Lloyd Austin" in {g.speaker for g in answers.briefing(s, "T1", "dp\x00rk").groups}
        assert answers.who_said(s, "T1", "troops\x00").groups
        assert answers.answer(s, "T1", Query("who-said", "\x00")).message == answers.WHO_SAID_USAGE
        assert answers.answer(s, "T1", Query("briefing", "nothing\x00here")).message.startswith("Nothing found")
