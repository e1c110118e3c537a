"""Hostile input from issue #11: stalling servers, disguised private addresses, odd links, forged buttons.

Only 127.0.0.1 is ever connected to: private-address cases go through the address check with a
stubbed resolver or none at all.
"""

from __future__ import annotations

import time

import pytest

from bot import fetch
from bot.fetch import FetchError, check_url, is_public_address

STALL_LIMIT = 2
# IPv6 addresses that lead to private IPv4 ones: 6to4, NAT64 (well-known and local-use), Teredo.
TUNNELLED_PRIVATE = ["2002:7f00:1::", "2002:0a00:0001::", "2002:c0a8:101::1", "64:ff9b::a00:1", "64:ff9b::7f00:1",
                     "64:ff9b:1::a00:1", "64:ff9b:1::5db8:d822", "2001:0:4136:e378:8000:63bf:f5ff:fffe", "2001::1"]


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
