"""httpx, loaded lightly; the limits every reply is read under; and every way talking to a
server can fail, turned into one `TransportError` sentence.

Both service clients (MCP and Postern REST) speak HTTP through httpx and must describe a
refused connection, a time-out or a dropped reply the same way, naming the host, never a key.
A server is untrusted, so every call is bounded:
- `DEADLINE`: the whole call, connect to last byte (`overall_deadline`). httpx's own time-outs
  are per read, so a server dripping one byte a second would otherwise hold a call forever;
- `REPLY_LIMIT`: the bytes read of one reply (`read_capped` streams and stops there), so a huge
  reply costs at most that much memory;
- `parse_json`: a reply that is not JSON, or JSON nested deeper than Python can parse
  (RecursionError), is an "unreadable reply" `TransportError` like any other transport fault.
"""

from __future__ import annotations

import asyncio
import json
import socket
import ssl
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

# httpx imports its command-line tool (and with it rich, pygments and click, ~60 ms) whenever
# those happen to be installed. We never use it; an import that fails makes httpx skip it.
if "httpx" not in sys.modules:
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
import httpx  # noqa: E402

from po6_tui.api.errors import TransportError  # noqa: E402

__all__ = ["DEADLINE", "REPLY_LIMIT", "deadline_exceeded", "host_of", "httpx", "overall_deadline", "parse_json",
           "read_capped", "reply_too_large", "transport_error", "unreadable_reply"]

DEADLINE = 60.0  # seconds one call may take, start to finish (a long-poll adds its own wait)
REPLY_LIMIT = 16 * 1024 * 1024  # bytes of one reply; a mailbox page or a message is far smaller


def host_of(url: str) -> str:
    """What messages name a server by: the host (and port) only, never credentials or query strings."""
    parts = urlsplit(url)
    if not parts.hostname:
        return url
    return parts.hostname + (f":{parts.port}" if parts.port else "")


def transport_error(exc: httpx.HTTPError, host: str, *, connect_timeout: float, read_timeout: float,
                    tool: str | None = None) -> TransportError:
    """The sentence for an httpx failure talking to `host`."""
    if isinstance(exc, httpx.ConnectTimeout):
        message = f"Could not connect to {host} within {connect_timeout:g} s."
    elif isinstance(exc, httpx.ConnectError):
        message = f"Could not connect to {host} ({_reason(exc)})."
    elif isinstance(exc, (httpx.ReadTimeout, httpx.WriteTimeout, httpx.PoolTimeout)):
        message = f"The server at {host} did not answer within {read_timeout:g} s."
    elif isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError, httpx.CloseError)):
        message = f"The connection to {host} was lost before the reply arrived."
    else:
        message = f"Talking to {host} failed ({type(exc).__name__})."
    return TransportError(message, tool=tool)


def deadline_exceeded(host: str, seconds: float, *, tool: str | None = None) -> TransportError:
    error = TransportError(f"The server at {host} did not finish its reply within {seconds:g} s.", tool=tool)
    error.retryable = False  # asking again would only wait as long again
    return error


def reply_too_large(host: str, limit: int, *, tool: str | None = None) -> TransportError:
    error = TransportError(f"The reply from {host} was larger than {limit / 1024 / 1024:g} MB; it was not read.",
                           tool=tool)
    error.retryable = False  # the same question gets the same reply
    return error


def unreadable_reply(host: str, exc: BaseException, *, tool: str | None = None) -> TransportError:
    """The sentence for a reply we could not make sense of (`exc` says why, in Python's words)."""
    if isinstance(exc, RecursionError):
        message = f"The server at {host} sent a reply nested too deeply to read."
    # json.JSONDecodeError and UnicodeDecodeError are ValueErrors; UnicodeEncodeError is ours (a
    # header we could not send back), not the reply's syntax.
    elif isinstance(exc, ValueError) and not isinstance(exc, UnicodeEncodeError):
        message = f"The server at {host} sent a reply that is not valid JSON."
    else:
        message = f"The reply from {host} could not be read ({type(exc).__name__})."
    return TransportError(message, tool=tool)


def parse_json(data: bytes | str, host: str, *, tool: str | None = None) -> Any:
    """A server's reply as JSON, or the "unreadable reply" `TransportError`: never a ValueError,
    UnicodeError or RecursionError (JSON nested a few thousand levels deep)."""
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise unreadable_reply(host, exc, tool=tool) from None


@asynccontextmanager
async def overall_deadline(seconds: float, host: str, *, tool: str | None = None) -> AsyncIterator[None]:
    """Bound everything inside to `seconds` in all; past it, the `deadline_exceeded` sentence."""
    scope = asyncio.timeout(seconds)
    try:
        async with scope:
            yield
    except TimeoutError:
        if not scope.expired():
            raise  # some other time-out inside, not ours
        raise deadline_exceeded(host, seconds, tool=tool) from None


async def read_capped(response: httpx.Response, host: str, limit: int = REPLY_LIMIT, *,
                      tool: str | None = None) -> bytes:
    """The body of a streamed `response`, read only while it stays within `limit` bytes
    (decoded size: a compressed reply is capped by what it expands to)."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise reply_too_large(host, limit, tool=tool)
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > limit:
            raise reply_too_large(host, limit, tool=tool)
        chunks.append(chunk)
    return b"".join(chunks)


def _reason(exc: BaseException) -> str:
    """Why a connection failed, in words, from the chain of causes httpx/anyio leave behind."""
    seen: BaseException | None = exc
    texts = []
    while seen is not None and len(texts) < 10:
        if isinstance(seen, ConnectionRefusedError):
            return "connection refused"
        if isinstance(seen, socket.gaierror):
            return "unknown host"
        if isinstance(seen, ssl.SSLError):
            return "TLS problem"
        texts.append(str(seen).lower())
        seen = seen.__cause__ or seen.__context__
    text = " ".join(texts)
    if "refused" in text:
        return "connection refused"
    if "name or service" in text or "nodename" in text or "getaddrinfo" in text:
        return "unknown host"
    if "unreachable" in text:
        return "network unreachable"
    return "network error"
