"""Fetching: the address guard (stubbed resolver, no packets), limits, and canned pages on 127.0.0.1."""

from __future__ import annotations

import gzip

import httpx
import pytest

from bot.ingest.fetch import FetchError, check_url, fetch, is_public_address


def resolver_for(table: dict[str, list[str]]):  # noqa: ANN201
    return lambda host, port: table.get(host, ["93.184.216.34"])


@pytest.mark.parametrize("ip", ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "::1",
                                "::ffff:127.0.0.1", "0.0.0.0", "100.64.0.1", "fd00::1", "224.0.0.1"])
def test_private_and_special_addresses_are_not_public(ip: str) -> None:
    assert not is_public_address(ip)


def test_public_address_is_public() -> None:
    assert is_public_address("93.184.216.34")


@pytest.mark.parametrize("url", ["http://intranet.test/", "http://metadata.google.internal/computeMetadata/v1/"])
def test_hostnames_resolving_to_private_addresses_are_refused(url: str) -> None:
    stub = resolver_for({"intranet.test": ["10.0.0.5"], "metadata.google.internal": ["169.254.169.254"]})
    with pytest.raises(FetchError) as err:
        check_url(url, allow_private=False, resolver=stub)
    assert err.value.code == "blocked"


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/x", "gopher://example.com/"])
def test_non_http_schemes_are_refused_even_when_private_is_allowed(url: str) -> None:
    with pytest.raises(FetchError) as err:
        check_url(url, allow_private=True)
    assert err.value.code == "bad_url"


def test_redirect_to_a_private_address_is_refused() -> None:
    # No network at all: a mock transport plays the public site, the stub resolver plays DNS.
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})

    client = httpx.Client(transport=httpx.MockTransport(handler))
    with pytest.raises(FetchError) as err:
        fetch("http://news.test/story", resolver=resolver_for({"169.254.169.254": ["169.254.169.254"]}),
              client=client)
    assert err.value.code == "blocked"


def test_redirect_loops_stop() -> None:
    client = httpx.Client(transport=httpx.MockTransport(
        lambda r: httpx.Response(301, headers={"Location": "/again"})))
    with pytest.raises(FetchError) as err:
        fetch("http://news.test/", resolver=resolver_for({}), client=client)
    assert err.value.code == "redirects"


def test_local_pages_are_refused_without_the_private_flag(pages) -> None:  # noqa: ANN001
    url = pages.add("/a.html", b"<html>hi</html>")
    with pytest.raises(FetchError) as err:
        fetch(url)
    assert err.value.code == "blocked"
    assert fetch(url, allow_private=True).content == b"<html>hi</html>"


def test_non_html_and_missing_pages_get_clear_reasons(pages) -> None:  # noqa: ANN001
    pdf = pages.add("/x.pdf", b"%PDF", content_type="application/pdf")
    with pytest.raises(FetchError, match="not an article"):
        fetch(pdf, allow_private=True)
    with pytest.raises(FetchError, match="not found"):
        fetch(pages.url + "/nothing", allow_private=True)


def test_oversized_and_gzip_bomb_pages_are_refused(pages) -> None:  # noqa: ANN001
    big = pages.add("/big.html", b"<p>" + b"a" * (6 * 1024 * 1024))
    with pytest.raises(FetchError, match="larger than 5 MB"):
        fetch(big, allow_private=True)
    bomb = pages.add("/bomb.html", gzip.compress(b"\0" * (50 * 1024 * 1024)),
                     headers={"Content-Encoding": "gzip"})
    with pytest.raises(FetchError, match="larger than 5 MB"):
        fetch(bomb, allow_private=True)


def test_charset_comes_from_the_header(pages) -> None:  # noqa: ANN001
    url = pages.add("/latin.html", "<p>café</p>".encode("latin-1"), content_type="text/html; charset=iso-8859-1")
    got = fetch(url, allow_private=True)
    assert got.encoding == "iso-8859-1" and got.content.decode(got.encoding).endswith("café</p>")
