"""httpx, loaded lightly, and its failures turned into one `TransportError` sentence.

Both service clients (MCP and Postern REST) speak HTTP through httpx and must describe a
refused connection, a time-out or a dropped reply the same way, naming the host, never a key.
"""

from __future__ import annotations

import socket
import ssl
import sys
from urllib.parse import urlsplit

# httpx imports its command-line tool (and with it rich, pygments and click, ~60 ms) whenever
# those happen to be installed. We never use it; an import that fails makes httpx skip it.
if "httpx" not in sys.modules:
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
import httpx  # noqa: E402

from po6_tui.api.errors import TransportError  # noqa: E402

__all__ = ["host_of", "httpx", "transport_error"]


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
