"""Serve the WSGI app from an event loop, so a slow client costs a socket, never a thread.

gunicorn runs uvicorn's worker; uvicorn reads requests asynchronously, and only a whole request
(headers within the header timeout, a body of at most 1 MB within BODY_TIMEOUT) is handed to the WSGI
app in a thread (a2wsgi). A fronting proxy with its own timeouts is still the first line in production.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn_worker import UvicornWorker

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

BODY_TIMEOUT = 10.0  # seconds for a body, once its headers are in
WSGI_THREADS = 16


class HeaderTimeoutProtocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol, but a request whose headers are overdue has its connection closed.

    uvicorn itself waits forever for headers that trickle in a byte at a time (its keep-alive timer stops at the
    first byte). A new connection must send its request within the header timeout; a kept-alive one waits idle for
    its next request as long as uvicorn's keep-alive allows (KEEPALIVE_TIMEOUT), and that request's headers get the
    header timeout from their first byte. Closing idle connections sooner than the client or proxy in front
    expects is how a request sent just as the server hangs up gets "connection reset"."""

    header_timeout = 10.0
    _header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        if self._header_timer is None and self._idle():  # the first byte of the next request
            self._arm()
        super().data_received(data)

    def on_response_complete(self) -> None:
        self._disarm()  # idle now: uvicorn's keep-alive timer decides how long the connection may wait
        super().on_response_complete()  # (it may go on to a pipelined request, which arms the timer again)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _idle(self) -> bool:
        return self.cycle is None or self.cycle.response_complete  # no request is being answered

    def _arm(self) -> None:
        self._disarm()
        self._header_timer = self.loop.call_later(self.header_timeout, self._overdue)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _overdue(self) -> None:
        self._header_timer = None
        if self._idle() and not self.transport.is_closing():
            self.transport.close()


def worker_class(header_timeout: float) -> type[UvicornWorker]:
    """gunicorn's worker class for `serve`: asyncio, h11 with a header timeout, no ASGI lifespan."""
    protocol = type("Protocol", (HeaderTimeoutProtocol,), {"header_timeout": header_timeout})

    class Worker(UvicornWorker):
        CONFIG_KWARGS = {"loop": "asyncio", "http": protocol, "lifespan": "off"}

    return Worker


def buffered(app: ASGIApp, max_body: int) -> ASGIApp:
    """Read each request's whole body on the event loop (bounded in size and time) before `app` sees it."""

    async def asgi(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await app(scope, receive, send)
        length = dict(scope["headers"]).get(b"content-length", b"0")
        if not length.isdigit():
            return await _plain(send, 400, "bad content length")
        if int(length) > max_body:
            return await _plain(send, 413, "request too large")
        try:
            body = await asyncio.wait_for(_read(receive, max_body), BODY_TIMEOUT)
        except TimeoutError:
            return await _plain(send, 408, "request body too slow")
        except _TooLarge:
            return await _plain(send, 413, "request too large")
        if body is None:
            return None  # the client left
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()  # the disconnect, whenever it comes
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await app(scope, replay, send)

    return asgi


class _TooLarge(Exception):
    pass


async def _read(receive: Receive, max_body: int) -> bytes | None:
    """The whole body, or None when the client hung up first."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunks.append(message.get("body", b""))
        size += len(chunks[-1])
        if size > max_body:  # chunked bodies announce no length
            raise _TooLarge
        if not message.get("more_body"):
            return b"".join(chunks)


async def _plain(send: Send, status: int, text: str) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": text.encode()})


def to_asgi(wsgi: Callable, max_body: int) -> ASGIApp:
    """The WSGI app in WSGI_THREADS threads behind the body buffer."""
    from a2wsgi import WSGIMiddleware

    return buffered(WSGIMiddleware(wsgi, workers=WSGI_THREADS), max_body)  # type: ignore[arg-type]
