"""Hostile input from issue #11: stalling servers, disguised private addresses, odd links, forged buttons.

Only 127.0.0.1 is ever connected to: private-address cases go through the address check with a
stubbed resolver or none at all.
"""

from __future__ import annotations

import time

import pytest

from bot import fetch
from bot.fetch import FetchError

STALL_LIMIT = 2


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
