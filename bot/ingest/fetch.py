"""Fetch a web page safely: bounded time and size, HTML only, no private addresses."""

from __future__ import annotations

import ipaddress
import re
import socket
import ssl
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from bot.errors import Unreadable

USER_AGENT = "Mozilla/5.0 (compatible; BriefingBot/0.1; +https://github.com/briefing-bot)"
CONNECT_TIMEOUT = 5.0
TOTAL_TIMEOUT = 20.0
MAX_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
MAX_URL_CHARS = 4096  # browsers and servers refuse longer ones too
HTML_TYPES = ("text/html", "application/xhtml+xml")
METADATA_HOSTS = {"metadata.google.internal", "metadata", "instance-data"}
# NAT64's well-known prefix (RFC 6052) ends in the IPv4 address it reaches: DNS64 hands these out.
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
# Local-use NAT64 (RFC 8215) reaches whatever its operator chose; Teredo tunnels (2001::/32) are obsolete.
NON_PUBLIC_IPV6 = (ipaddress.IPv6Network("64:ff9b:1::/48"), ipaddress.IPv6Network("2001::/32"))
SCHEME = re.compile(r"\s*([a-zA-Z][a-zA-Z0-9+.\-]*):")
LEGACY_IPV4 = re.compile(r"(?:0[xX][0-9a-fA-F]+|\d+)(?:\.(?:0[xX][0-9a-fA-F]+|\d+)){0,3}")

Resolver = Callable[[str, int], list[str]]
PRIVATE_REFUSED = ("links to internal or private addresses are not fetched (a private deployment can allow them "
                   "with FETCH_ALLOW_PRIVATE=1)")


class FetchError(Unreadable):
    """A page that could not be fetched."""


@dataclass
class Fetched:
    url: str  # after redirects
    content: bytes
    encoding: str | None  # from the Content-Type header, if any
    status: int = 200  # 304: not modified since the validators sent (a feed), content empty
    validators: dict[str, str] = field(default_factory=dict)  # ETag and Last-Modified, for the next request


def system_resolver(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError("not_found", f"the address {host} does not exist") from exc
    return [str(info[4][0]) for info in infos]


def is_public_address(ip: str) -> bool:
    """True only for globally routable unicast addresses; IPv6 forms that carry an IPv4 address are judged by it."""
    try:
        addr: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(ip.split("%")[0])
    except ValueError:
        return False
    if isinstance(addr, ipaddress.IPv6Address):
        if any(addr in net for net in NON_PUBLIC_IPV6):
            return False
        addr = _embedded_ipv4(addr) or addr
    return addr.is_global and not (addr.is_multicast or addr.is_reserved or addr.is_link_local)


def _embedded_ipv4(addr: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv4-mapped, 6to4 or NAT64 address reaches (2002:7f00:1:: is 127.0.0.1)."""
    if addr in NAT64:
        return ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)
    return addr.ipv4_mapped or addr.sixtofour


def literal_address(host: str) -> str | None:
    """The IP a host names literally, including the legacy forms 2130706433, 0x7f000001 and 127.1."""
    host = host.strip("[]")
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    if LEGACY_IPV4.fullmatch(host):
        try:
            return socket.inet_ntoa(socket.inet_aton(host))
        except OSError:
            return None
    return None


def check_url(url: str, allow_private: bool, resolver: Resolver = system_resolver) -> str | None:
    """Refuse non-HTTP schemes and, unless allowed, hosts that resolve to non-public addresses.

    Returns the vetted address to connect to (None when private addresses are allowed)."""
    if len(url) > MAX_URL_CHARS:
        raise FetchError("bad_url", f"the link is longer than {MAX_URL_CHARS:,} characters")
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # e.g. an unclosed [ in http://[::1/
        raise FetchError("bad_url", "the link is not a valid web address") from exc
    if parts.scheme not in {"http", "https"}:
        raise FetchError("bad_url", f"only http and https links can be read, not {parts.scheme or 'this'}:")
    host = parts.hostname
    if not host:
        raise FetchError("bad_url", "the link has no host name")
    if allow_private:
        return None
    if host.lower().rstrip(".") in METADATA_HOSTS:
        raise FetchError("blocked", PRIVATE_REFUSED)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise FetchError("bad_url", "the link has an invalid port") from exc
    literal = literal_address(host)
    addresses = [literal] if literal else resolver(host, port)
    if not addresses or not all(is_public_address(a) for a in addresses):
        raise FetchError("blocked", PRIVATE_REFUSED)
    return addresses[0]


def _time_left(deadline: float, timeout: float | None, error: type[Exception]) -> float:
    """The smaller of an operation's own timeout and the time left; past the deadline, error."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise error("the fetch deadline has passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every read and write ends by the deadline, however slowly bytes trickle in."""

    def __init__(self, stream: httpcore.NetworkStream, deadline: float) -> None:
        self.stream = stream
        self.deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.stream.read(max_bytes, _time_left(self.deadline, timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.stream.write(buffer, _time_left(self.deadline, timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self.stream.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        left = _time_left(self.deadline, timeout, httpcore.ConnectTimeout)
        tls = self.stream.start_tls(ssl_context, server_hostname, left)
        return _DeadlineStream(tls, self.deadline)

    def get_extra_info(self, info: str) -> Any:
        return self.stream.get_extra_info(info)


class _DeadlineBackend(httpcore.SyncBackend):
    """httpcore's sockets with one deadline for connecting, headers and body (httpx times each read alone)."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None) -> httpcore.NetworkStream:
        left = _time_left(self.deadline, timeout, httpcore.ConnectTimeout)
        stream = super().connect_tcp(host, port, left, local_address, socket_options)
        return _DeadlineStream(stream, self.deadline)


@lru_cache(maxsize=1)
def ssl_context() -> ssl.SSLContext:
    """One TLS context per process: loading the certificate bundle took most of a page's fetch time.

    An SSLContext is safe to share between threads and connections; each connection still checks its own host."""
    return httpx.create_ssl_context(trust_env=False)


class _DeadlineTransport(httpx.HTTPTransport):
    """httpx's transport over a pool of deadline-bound sockets (HTTPTransport offers no backend option)."""

    def __init__(self, deadline: float) -> None:
        # Only the pool is built: the parent's __init__ would build a second one that is never used.
        self._pool = httpcore.ConnectionPool(ssl_context=ssl_context(), network_backend=_DeadlineBackend(deadline))


def fetch(url: str, *, allow_private: bool = False, resolver: Resolver = system_resolver,
          client: httpx.Client | None = None, total_timeout: float = TOTAL_TIMEOUT,
          types: tuple[str, ...] = HTML_TYPES, validators: dict[str, str] | None = None) -> Fetched:
    """GET an HTML page (or another of `types`), following at most five redirects, each one checked again, all
    within total_timeout. `validators` (ETag, Last-Modified) make it a conditional request."""
    deadline = time.monotonic() + total_timeout
    own = client is None
    client = client or httpx.Client(timeout=httpx.Timeout(TOTAL_TIMEOUT, connect=CONNECT_TIMEOUT),
                                    headers={"User-Agent": USER_AGENT, "Accept": "text/html,*/*;q=0.5"},
                                    follow_redirects=False, trust_env=False,
                                    transport=_DeadlineTransport(deadline),
                                    event_hooks={"response": [_refuse_odd_redirects]})
    try:
        for _ in range(MAX_REDIRECTS + 1):
            address = check_url(url, allow_private, resolver)
            target, extra = _pinned(url, address)
            if validators:
                extra["headers"] = {**extra.get("headers", {}), **_conditional(validators)}
            with client.stream("GET", target, **extra) as resp:
                if resp.is_redirect and resp.headers.get("location"):
                    url = urljoin(url, resp.headers["location"])
                    continue
                kept = {k: resp.headers[k] for k in ("etag", "last-modified") if k in resp.headers}
                if resp.status_code == 304:
                    return Fetched(url, b"", None, 304, kept or dict(validators or {}))
                _check_status(resp, types)
                return Fetched(url, _read_body(resp, deadline), resp.charset_encoding, resp.status_code, kept)
        raise FetchError("redirects", f"the link redirected more than {MAX_REDIRECTS} times")
    except httpx.InvalidURL as exc:
        raise FetchError("bad_url", "the link, or a page it redirects to, is not a valid web address") from exc
    except httpx.TimeoutException as exc:
        raise FetchError("timeout", "the site took too long to answer") from exc
    except httpx.HTTPError as exc:
        raise FetchError("unreachable", f"the site could not be reached ({type(exc).__name__})") from exc
    finally:
        if own:
            client.close()


def _refuse_odd_redirects(resp: httpx.Response) -> None:
    """Name a redirect to javascript:, data: or file: for what it is (httpx cannot even parse some)."""
    m = SCHEME.match(resp.headers.get("location", "")) if resp.is_redirect else None
    scheme = m.group(1).lower() if m else "http"  # no scheme: a path on the same site
    if scheme not in {"http", "https"}:
        raise FetchError("bad_url", f"the link redirects to a {scheme}: address, which is not a web page")


def _pinned(url: str, address: str | None) -> tuple[str, dict]:
    """Connect to the address that was vetted, not to whatever DNS answers a moment later."""
    if address is None:
        return url, {}
    parts = urlsplit(url)
    host = f"[{address}]" if ":" in address else address
    netloc = host + (f":{parts.port}" if parts.port else "")
    pinned = parts._replace(netloc=netloc).geturl()
    return pinned, {"headers": {"Host": parts.netloc.rsplit("@", 1)[-1]},
                    "extensions": {"sni_hostname": parts.hostname}}


def _conditional(validators: dict[str, str]) -> dict[str, str]:
    """If-None-Match and If-Modified-Since from a previous answer's ETag and Last-Modified."""
    out = {}
    if validators.get("etag"):
        out["If-None-Match"] = validators["etag"]
    if validators.get("last-modified"):
        out["If-Modified-Since"] = validators["last-modified"]
    return out


def _check_status(resp: httpx.Response, types: tuple[str, ...] = HTML_TYPES) -> None:
    if resp.status_code in (404, 410):
        raise FetchError("not_found", f"the page was not found (HTTP {resp.status_code})")
    if resp.status_code in (401, 402, 403):
        raise FetchError("paywalled", f"the site refused access (HTTP {resp.status_code}): paywalled or blocked")
    if resp.status_code >= 500:
        raise FetchError("server_error", f"the site had an error (HTTP {resp.status_code})")
    if resp.status_code >= 400:
        raise FetchError("http_error", f"the site answered with an error (HTTP {resp.status_code})")
    ctype = resp.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype and ctype not in types:
        raise FetchError("not_article", f"that link is not {'an article' if types == HTML_TYPES else 'a feed'} but "
                                        f"{ctype}")


def _read_body(resp: httpx.Response, deadline: float) -> bytes:
    declared = resp.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BYTES:
        raise FetchError("too_large", "the page is larger than 5 MB")
    chunks: list[bytes] = []
    size = 0
    for chunk in resp.iter_bytes():  # decoded bytes, so a gzip bomb is counted as it inflates
        size += len(chunk)
        if size > MAX_BYTES:
            raise FetchError("too_large", "the page is larger than 5 MB")
        if time.monotonic() > deadline:
            raise FetchError("timeout", "the site took too long to send the page")
        chunks.append(chunk)
    return b"".join(chunks)
