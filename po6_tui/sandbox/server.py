"""One ASGI app on one loopback port: PO6 over MCP at /mcp, its discovery document, Postern at /v1.

The MCP side is the official SDK's low-level server; we add what PO6 documents around it:
HTTP 401 for a bad key before any MCP processing (with a brute-force lockout per key prefix),
and 60 requests per minute per key, reported as JSON-RPC error -32002 "Rate limited".
"""

from __future__ import annotations

import ipaddress
import json
import logging
import signal
import socket
import sqlite3
import sys
from collections import defaultdict, deque
from collections.abc import Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import mcp_types as types
from mcp.server.lowlevel import Server
from mcp.shared.exceptions import MCPError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route

from po6_tui.sandbox import po6
from po6_tui.sandbox.host_guard import HostOriginGuard, is_loopback
from po6_tui.sandbox.postern import PosternApi
from po6_tui.sandbox.process import listen
from po6_tui.sandbox.store import Store, StoreVersionError, iso
from po6_tui.sandbox.tools_schema import TOOLS, ToolError, input_schema

log = logging.getLogger("po6_tui.sandbox")

RATE_LIMITED = -32002
LOCKOUT_FAILURES = 15
LOCKOUT_SECONDS = 15 * 60
# Failures are counted per credential: "mcp_po6_" and the next 8 characters of what was presented.
LOCKOUT_PREFIX_CHARS = 16
LOCKOUT_TRACKED = 10_000  # prefixes remembered at once


class RateLimiter:
    """A sliding one-minute window per key, on the sandbox clock (so tests can wait it out instantly).

    Counted: every tools/list and tools/call made with the key.
    """

    def __init__(self, per_minute: int, clock: Callable[[], float]):
        self.per_minute = per_minute
        self.clock = clock
        self.hits: dict[str, deque[float]] = defaultdict(deque)

    def allow(self, key: str) -> bool:
        now = self.clock()
        window = self.hits[key]
        while window and window[0] <= now - 60:
            window.popleft()
        if len(window) >= self.per_minute:
            return False
        window.append(now)
        return True


class AuthGate:
    """ASGI middleware on /mcp: a known, unexpired PO6 key or HTTP 401, before the SDK sees anything;
    403 "IP not allowed" when the key is limited to networks the client is not in.

    After `lockout` failed attempts with one key prefix within 15 minutes (of the sandbox clock),
    every key with that prefix gets 401 for 15 minutes, the right one included. Counted per
    prefix, not per client address: on loopback every process shares one address, and one
    misconfigured agent would lock every good key out. `lockout=0` turns this off (test suites
    that share one sandbox and test bad keys on purpose).
    """

    def __init__(self, app: Any, store: Store, lockout: int = LOCKOUT_FAILURES):
        self.app = app
        self.store = store
        self.lockout = lockout
        self.failures: dict[str, deque[float]] = {}  # key prefix -> times of its recent failures

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = (scope.get("client") or ("?", 0))[0]
        headers = Request(scope).headers
        credential = bearer_token(headers)[:LOCKOUT_PREFIX_CHARS]
        now = self.store.timestamp()
        failures = self.failures.get(credential, deque())
        while failures and failures[0] <= now - LOCKOUT_SECONDS:
            failures.popleft()
        if not failures:
            self.failures.pop(credential, None)  # nothing to remember: the table stays as small as the attack
        if self.lockout and len(failures) >= self.lockout:
            await _reply(scope, receive, send, 401, "Authentication failed: too many failed attempts with this "
                                                    "key, locked for 15 minutes")
            return
        record = key_record(self.store, headers)
        if record is None:
            if self.lockout:
                self._count_failure(credential, failures, now)
            await _reply(scope, receive, send, 401, "Authentication failed")
            return
        if not address_allowed(client, self.store.key_networks(record["key"])):
            await _reply(scope, receive, send, 403, "IP not allowed")
            return
        await self.app(scope, receive, send)

    def _count_failure(self, credential: str, failures: deque[float], now: float) -> None:
        self.failures.pop(credential, None)
        self.failures[credential] = failures  # newest last: a prefix under attack is never the oldest
        failures.append(now)
        if len(self.failures) > LOCKOUT_TRACKED:  # a flood of made-up prefixes: forget the oldest
            del self.failures[next(iter(self.failures))]


async def _reply(scope: dict, receive: Any, send: Any, status: int, message: str) -> None:
    headers = {"WWW-Authenticate": 'Bearer realm="po6"'} if status == 401 else {}
    response = JSONResponse({"error": message}, status, headers=headers)
    await response(scope, receive, send)


def address_allowed(address: str, networks: list[str]) -> bool:
    if not networks:
        return True
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(network, strict=False) for network in networks)


def bearer_token(headers: Any) -> str:
    """What `Authorization: Bearer …` carries ("" without one)."""
    scheme, _, token = (headers.get("authorization") or "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def key_record(store: Store, headers: Any) -> dict | None:
    """The PO6 key presented in `Authorization: Bearer …`, if it exists and has not expired."""
    token = bearer_token(headers)
    if not token.startswith("mcp_po6_"):
        return None
    record = store.key_record(token)
    if record is None or record["service"] != "po6":
        return None
    if record["expires_at"] and record["expires_at"] <= iso(store.timestamp()):
        return None
    return record


def _success(obj: dict) -> types.CallToolResult:
    # The object twice, as PO6 clients expect either: JSON text and structuredContent.
    return types.CallToolResult(content=[types.TextContent(type="text", text=json.dumps(obj, ensure_ascii=False))],
                                structured_content=obj, is_error=False)


def _failure(message: str) -> types.CallToolResult:
    return types.CallToolResult(content=[types.TextContent(type="text", text=message)], is_error=True)


def build_mcp_server(store: Store, *, strict: bool, rate_limit: int) -> Server:
    limiter = RateLimiter(rate_limit, store.timestamp)
    tools = [types.Tool(name=spec.name, description=spec.description, input_schema=input_schema(spec))
             for spec in TOOLS if not (strict and spec.extension)]

    def caller(ctx: Any) -> dict:
        record = key_record(store, ctx.request.headers) if ctx.request is not None else None
        if record is None:  # the gate let it through, so the key vanished or expired mid-session
            raise MCPError(-32001, "Authentication failed")
        if not limiter.allow(record["key"]):
            raise MCPError(RATE_LIMITED, "Rate limited")
        return record

    async def list_tools(ctx: Any, params: Any) -> types.ListToolsResult:
        caller(ctx)
        return types.ListToolsResult(tools=tools)

    async def call_tool(ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
        record = caller(ctx)
        try:
            return _success(po6.run_tool(store, record, params.name, params.arguments, strict=strict))
        except ToolError as error:
            return _failure(str(error))
        except Exception:  # a bug must cost one call, never the server or the store
            log.exception("tool %s failed", params.name)
            return _failure(f"Internal error in {params.name}; the sandbox log has the details")

    return Server("po6-mailbox", version="sandbox", instructions="PO6 Mailbox sandbox (local, SQLite-backed).",
                  on_list_tools=list_tools, on_call_tool=call_tool)


def discovery(strict: bool, rate_limit: int) -> dict:
    return {
        "name": "po6-mailbox",
        "description": "PO6 Mailbox MCP server (local sandbox)",
        "transport": "streamable-http",
        "endpoint": "/mcp",
        "authentication": {"type": "bearer", "key_prefix": "mcp_po6_", "env": "PO6_API_KEY"},
        "rate_limit": {"requests_per_minute": rate_limit},
        "tools": [spec.name for spec in TOOLS if not (strict and spec.extension)],
        "sandbox": {"strict": strict, "postern_base_url": "/v1"},
    }


def build_app(store: Store, *, strict: bool = False, rate_limit: int = 60, auth_lockout: int = LOCKOUT_FAILURES,
              host: str = "127.0.0.1") -> Starlette:
    server = build_mcp_server(store, strict=strict, rate_limit=rate_limit)
    # JSON replies rather than SSE streams: every PO6 tool answers at once. Passing the host keeps
    # the SDK's DNS-rebinding protection (Host/Origin checks) on for loopback addresses.
    mcp_app = server.streamable_http_app(host=host, json_response=True)
    mcp_endpoint = AuthGate(mcp_app.routes[0].endpoint, store, auth_lockout)
    document = discovery(strict, rate_limit)

    async def well_known(request: Request) -> JSONResponse:
        return JSONResponse(document)

    routes = [Route("/.well-known/mcp.json", well_known, methods=["GET"]),
              Route("/mcp", mcp_endpoint, methods=["GET", "POST", "DELETE"])]
    postern = PosternApi(store)
    routes.append(Mount("/v1", routes=postern.routes()))

    @asynccontextmanager
    async def lifespan(app: Starlette):
        try:
            async with server.session_manager.run():
                yield
        finally:
            await postern.aclose()

    # Host/Origin checks on every route, not only /mcp (DNS rebinding, cross-site pages): host_guard.py.
    guard = Middleware(HostOriginGuard, loopback_only=is_loopback(host))
    return Starlette(routes=routes, lifespan=lifespan, middleware=[guard])


def _open_store(db: Any, replace_outdated: bool) -> Store:
    """Open the database; with `replace_outdated` (demo mode), one made by another schema version
    is set aside as `NAME.outdated` and a fresh one made, instead of refusing to start."""
    try:
        return Store(db)
    except StoreVersionError:
        if not replace_outdated:
            raise
    for suffix in ("", "-wal", "-shm"):
        path = Path(f"{db}{suffix}")
        if path.exists():
            path.replace(f"{path}.outdated")
    print(f"po6-tui sandbox: {db} was made by another version of the sandbox; kept it as {db}.outdated "
          "and started a fresh one", file=sys.stderr)
    return Store(db)


def serve(*, host: str, port: int, db: Any, seed: str | None, strict: bool = False, rate_limit: int = 60,
          auth_lockout: int = LOCKOUT_FAILURES, faults: Any = None, replace_outdated: bool = False,
          fd: int | None = None) -> int:
    """Serve until stopped. `fd`: a listening socket made by the parent (process.py) instead
    of binding host:port here."""
    import uvicorn

    # deferred: loaded only when asked for (a seed, fault flags)
    from po6_tui.sandbox.seed import seed_store

    server: uvicorn.Server | None = None
    stopping = False

    def stop(signum: int, frame: Any) -> None:
        nonlocal stopping
        stopping = True
        if server is not None:
            server.should_exit = True

    # Installed first, so a stop request during start-up is honoured too. uvicorn installs its own
    # handlers while serving and, after a graceful shutdown, re-raises the signal to this one:
    # we still close the store and exit with 0.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, stop)
    try:
        sock = socket.socket(fileno=fd) if fd is not None else listen(host, port)
    except OSError as error:
        print(f"po6-tui sandbox: cannot listen on {host}:{port}: {error.strerror or error}", file=sys.stderr)
        return 1
    try:
        store = _open_store(db, replace_outdated)
    except StoreVersionError as error:
        print(f"po6-tui sandbox: {error}", file=sys.stderr)
        sock.close()
        return 1
    except (sqlite3.Error, OSError) as error:  # not a database, unreadable, a folder in the way…
        print(f"po6-tui sandbox: cannot open {db}: {error}", file=sys.stderr)
        sock.close()
        return 1
    try:
        seed_store(store, seed)
        app: Any = build_app(store, strict=strict, rate_limit=rate_limit, auth_lockout=auth_lockout, host=host)
        if faults is not None and faults.active:
            # deferred: loaded only when asked for (a seed, fault flags)
            from po6_tui.sandbox.faults import FaultInjector

            app = FaultInjector(app, faults)
        # A Postern `wait` may hold a request for 300 s: do not let it hold up a stop.
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on", access_log=False,
                                               timeout_graceful_shutdown=2))
        server.should_exit = stopping
        shown = f"[{host}]" if ":" in host else host
        print(f"po6-tui sandbox listening on http://{shown}:{sock.getsockname()[1]}", flush=True)
        server.run(sockets=[sock])
    finally:
        sock.close()
        store.close()
    return 0
