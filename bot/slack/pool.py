"""Slack calls over kept-alive connections: urllib's requests sent through urllib3's connection pool.

slack_sdk's WebClient, bolt's respond() and the OAuth flow all call urllib's urlopen(), and urllib opens a new
connection for every call, with a full TLS handshake: on a CPU that is most of a call's cost (bench/ingest_speed.py
--slack), and over the internet it is two round trips to Slack before each request is even sent. This handler sits in
urllib's default opener in front of its own HTTP(S) handlers and sends the request through one urllib3 PoolManager a
process, which keeps a few connections to each host open and checks that one is still open before reusing it.
Everything else stays urllib's: its request headers, its redirect and error handlers (a 429 is still an HTTPError
that slack_sdk's retry handlers see), its URLError for a failed connection."""

from __future__ import annotations

import http.client
import io
import os
import socket
import ssl
import urllib.request
import urllib.response
from typing import cast
from urllib.error import URLError

import urllib3


class PooledHandler(urllib.request.BaseHandler):
    handler_order = 400  # before urllib's HTTPHandler and HTTPSHandler (500), whose request preparation still runs

    def __init__(self, context: ssl.SSLContext, per_host: int = 8) -> None:
        self.context, self.per_host = context, per_host
        self._pid = -1
        self._pool: urllib3.PoolManager | None = None

    def pool(self) -> urllib3.PoolManager:
        # A process forked with open connections (gunicorn's workers) must not share them: a fresh pool in each.
        if self._pid != os.getpid() or self._pool is None:
            # block=False: a burst beyond per_host opens extra connections and closes them after use.
            self._pool = urllib3.PoolManager(num_pools=16, maxsize=self.per_host, block=False,
                                             ssl_context=self.context, retries=False)
            self._pid = os.getpid()
        return self._pool

    def http_open(self, req: urllib.request.Request) -> urllib.response.addinfourl:
        timeout = getattr(req, "timeout", None)
        try:
            resp = self.pool().request(
                req.get_method(), req.full_url, body=cast("bytes | None", req.data), headers=dict(req.header_items()),
                timeout=None if timeout is socket._GLOBAL_DEFAULT_TIMEOUT else timeout,  # type: ignore[attr-defined]
                redirect=False, retries=False, decode_content=False)  # as urllib: bytes as sent, redirects its own
        except (urllib3.exceptions.ProtocolError, urllib3.exceptions.ReadTimeoutError) as exc:
            # Once the request is out, urllib raises the socket's own error: slack_sdk retries a hang-up or a reset
            # but not a timeout, after which Slack may well have posted the message.
            raise exc.__context__ if isinstance(exc.__context__, OSError) else URLError(exc) from exc
        except urllib3.exceptions.HTTPError as exc:  # no connection: urllib's URLError, which slack_sdk retries
            raise URLError(exc.__context__ if isinstance(exc.__context__, OSError) else exc) from exc
        headers = http.client.HTTPMessage()
        for name, value in resp.headers.items():
            headers[name] = value
        answer = urllib.response.addinfourl(io.BytesIO(resp.data), headers, req.full_url, resp.status)
        answer.msg = resp.reason or ""  # type: ignore[attr-defined]
        return answer

    https_open = http_open
