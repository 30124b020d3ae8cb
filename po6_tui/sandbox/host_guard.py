"""Host and Origin checks for every route of the sandbox (DNS rebinding and cross-site requests).

A web page the operator happens to open can make the browser send requests to
`http://127.0.0.1:PORT`, and a page on a domain that re-resolves to 127.0.0.1 (DNS rebinding)
can even read the replies. Two checks stop both, before any route runs:

- `Host` must name a loopback address (an IPv4 address in 127.0.0.0/8, ::1 or localhost, any
  port) while the sandbox listens on loopback; a rebinding page sends its own domain there.
  Matched exactly: a name such as `127.attacker.example` is a domain like any other;
- a browser's `Origin`, when present, must be a loopback origin, or the very host the request
  was sent to (same-origin); a cross-site page sends its own.

The MCP SDK does the same for /mcp; this guard covers /v1 (Postern) and the discovery document
too, and stays on when `--allow-remote` binds elsewhere (then only the Origin check applies:
the Host a remote client uses cannot be known in advance). Refusals speak each API's dialect.
"""

from __future__ import annotations

import ipaddress
import json
from typing import Any
from urllib.parse import urlsplit

# The usual spellings; `is_loopback` also accepts the rest of 127.0.0.0/8.
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})


def _hostname(value: str) -> str | None:
    """The host part of a Host header (`name`, `name:port`, `[v6]:port`), lower-cased."""
    try:
        parts = urlsplit(f"//{value}")
        return (parts.hostname or "").lower() or None
    except ValueError:
        return None


def is_loopback(hostname: str | None) -> bool:
    """`localhost`, or a literal IPv4 address in 127.0.0.0/8 or ::1 (`[::1]` too); never a domain."""
    if hostname is None:
        return False
    if hostname.lower() == "localhost":
        return True
    try:
        address = ipaddress.ip_address(hostname.removeprefix("[").removesuffix("]"))
    except ValueError:  # a domain name, however it starts
        return False
    return address.is_loopback  # 127.0.0.0/8 or ::1


def refusal(headers: dict[str, str], *, loopback_only: bool) -> tuple[int, str] | None:
    """(status, reason) when the request must be refused, else None."""
    host = headers.get("host", "")
    if loopback_only and not is_loopback(_hostname(host)):
        return 421, f"requests must be addressed to a loopback host, not {host[:100]!r}"
    origin = headers.get("origin")
    if origin and origin != "null":
        try:
            parts = urlsplit(origin)
            origin_host = (parts.hostname or "").lower()
        except ValueError:
            return 403, "malformed Origin header"
        same_origin = parts.netloc.lower() == host.lower()
        if parts.scheme not in ("http", "https") or not (is_loopback(origin_host) or same_origin):
            return 403, f"cross-site requests are refused (Origin {origin[:100]!r})"
    elif origin == "null":
        return 403, "requests from sandboxed or file:// pages are refused (Origin null)"
    return None


class HostOriginGuard:
    """ASGI middleware: refuse requests with a foreign Host or a cross-site Origin."""

    def __init__(self, app: Any, *, loopback_only: bool = True) -> None:
        self.app = app
        self.loopback_only = loopback_only

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers") or []}
        refused = refusal(headers, loopback_only=self.loopback_only)
        if refused is None:
            await self.app(scope, receive, send)
            return
        status, reason = refused
        if scope.get("path", "").startswith("/v1"):
            code = "bad_request" if status == 421 else "forbidden"
            body = {"error": {"code": code, "message": reason, "details": None, "request_id": None}}
        else:
            body = {"error": reason}
        payload = json.dumps(body).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(payload)).encode())]})
        await send({"type": "http.response.body", "body": payload})
