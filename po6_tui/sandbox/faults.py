"""Fault injection for the sandbox: the flaky network and the misbehaving server, on demand.

`po6-tui sandbox --latency 150 --jitter 50 --fail-rate 0.1 --drop-rate 0.05 …` wraps the
whole ASGI app in `FaultInjector`, so the client and the app can be tested against what a
day on a bad SSH link and an overloaded service look like. Faults speak each API's own
language: MCP gets JSON-RPC errors (-32002 for rate limits, 404 for a forgotten session),
Postern gets its error envelope and `Retry-After`.

`--fault-after-write drop|slow:SECONDS|502` is the other half of a lost reply: every write
that took effect (a PO6 write tool whose call succeeded, not the first step of a two-step tool;
a Postern POST or DELETE other than `wait` answered 2xx) is processed and stored, and then its
reply is lost (`drop`: the connection is cut mid-reply), held back SECONDS (`slow`) or replaced
by a gateway's 502. The client cannot know the outcome: "a send that may have been sent".
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from dataclasses import dataclass, fields
from typing import Any

from po6_tui.sandbox.tools_schema import WRITE_TOOLS

Scope = dict[str, Any]


@dataclass
class FaultConfig:
    latency_ms: float = 0.0
    jitter_ms: float = 0.0
    fail_rate: float = 0.0  # answer 503
    drop_rate: float = 0.0  # cut the connection in the middle of the reply
    malformed_rate: float = 0.0  # a 200 whose body is broken JSON
    rate_limit_burst: int = 0  # after every N requests, rate-limit for `rate_limit_seconds`
    rate_limit_seconds: float = 2.0
    session_ttl: float = 0.0  # MCP sessions are forgotten this many seconds after they start
    after_write: str = ""  # "drop", "502" or "slow:SECONDS": what becomes of a processed write's reply
    seed: int | None = None

    @property
    def active(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self) if f.name not in ("seed", "rate_limit_seconds"))

    def __post_init__(self) -> None:
        for name in ("fail_rate", "drop_rate", "malformed_rate"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name.replace('_', '-')} must be between 0 and 1, not {value}")
        for name in ("latency_ms", "jitter_ms", "rate_limit_burst", "rate_limit_seconds", "session_ttl"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name.replace('_', '-')} must not be negative")
        if self.after_write:
            after_write_delay(self.after_write)  # refuses anything but drop, 502 and slow:SECONDS


def after_write_delay(after_write: str) -> float:
    """Seconds a processed write's reply is held back (`slow:SECONDS`); 0 for drop and 502."""
    if after_write in ("drop", "502"):
        return 0.0
    kind, _, seconds = after_write.partition(":")
    try:
        delay = float(seconds) if kind == "slow" else -1.0
    except ValueError:
        delay = -1.0
    if not 0 < delay <= 3600:  # also refuses nan
        raise ValueError(f"fault-after-write must be drop, 502 or slow:SECONDS (0 < SECONDS <= 3600), "
                         f"not {after_write!r}")
    return delay


def add_fault_arguments(parser: Any) -> None:
    """The fault flags of `po6-tui sandbox` (an argparse parser)."""
    group = parser.add_argument_group("fault injection (for testing clients)")
    group.add_argument("--latency", type=float, default=0.0, metavar="MS", help="delay every reply by MS")
    group.add_argument("--jitter", type=float, default=0.0, metavar="MS", help="vary the delay by up to ±MS")
    group.add_argument("--fail-rate", type=float, default=0.0, metavar="P", help="answer 503 with probability P")
    group.add_argument("--drop-rate", type=float, default=0.0, metavar="P", help="cut the connection mid-reply with probability P")
    group.add_argument("--malformed-rate", type=float, default=0.0, metavar="P", help="send broken JSON with probability P")
    group.add_argument("--rate-limit-burst", type=int, default=0, metavar="N", help="rate-limit for 2 s after every N requests")
    group.add_argument("--session-ttl", type=float, default=0.0, metavar="S", help="forget MCP sessions S seconds after they start")
    group.add_argument("--fault-seed", type=int, default=None, metavar="N", help="seed the fault dice (reproducible runs)")
    group.add_argument("--fault-after-write", default="", metavar="drop|slow:SECONDS|502",
                       help="process every write that succeeds (PO6 write tools; Postern POST/DELETE but wait), "
                            "then cut its reply (drop), hold it SECONDS (slow:SECONDS) or answer 502 instead: "
                            "a write whose outcome the client cannot know")


def config_from_args(args: Any) -> FaultConfig:
    return FaultConfig(
        latency_ms=args.latency, jitter_ms=args.jitter, fail_rate=args.fail_rate, drop_rate=args.drop_rate,
        malformed_rate=args.malformed_rate, rate_limit_burst=args.rate_limit_burst,
        session_ttl=args.session_ttl, after_write=args.fault_after_write, seed=args.fault_seed,
    )


class FaultInjector:
    """ASGI middleware that injects the configured faults into /mcp and /v1 traffic."""

    def __init__(self, app: Any, config: FaultConfig) -> None:
        self.app = app
        self.config = config
        self.rng = random.Random(config.seed)
        self.requests = 0
        self.rate_limited_until = 0.0
        self.session_started: dict[str, float] = {}

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not (path.startswith("/mcp") or path.startswith("/v1")):
            await self.app(scope, receive, send)
            return
        body, receive = await _buffer_body(receive)
        is_mcp = path.startswith("/mcp")
        await self._delay()
        fault = self._pick_fault(scope, is_mcp)
        if fault is None and self.config.after_write and _is_write(scope, body, is_mcp):
            await self._after_write(scope, receive, send, is_mcp)
        elif fault is None:
            await self.app(scope, receive, send)
        elif fault == "drop":
            await _drop(send)
        else:
            await _reply(send, *_fault_reply(fault, is_mcp, _jsonrpc_id(body), self.config.rate_limit_seconds))

    async def _after_write(self, scope: Scope, receive: Any, send: Any, is_mcp: bool) -> None:
        """Let the write happen, keep its reply, then lose, delay or replace it (if it took effect)."""
        start: dict[str, Any] | None = None
        chunks: list[bytes] = []

        async def keep(message: dict[str, Any]) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, keep)
        if start is None:
            return
        reply = b"".join(chunks)
        if _took_effect(start["status"], reply, is_mcp):
            if self.config.after_write == "drop":
                await _drop(send)
                return
            if self.config.after_write == "502":
                await _reply(send, 502, {"content-type": "text/plain"},
                             b"502 Bad Gateway (fault injected: the write was processed, its reply lost)")
                return
            await asyncio.sleep(after_write_delay(self.config.after_write))
        await send(start)
        await send({"type": "http.response.body", "body": reply})

    async def _delay(self) -> None:
        cfg = self.config
        delay = cfg.latency_ms + (self.rng.uniform(-cfg.jitter_ms, cfg.jitter_ms) if cfg.jitter_ms else 0.0)
        if delay > 0:
            await asyncio.sleep(delay / 1000.0)

    def _pick_fault(self, scope: Scope, is_mcp: bool) -> str | None:
        cfg = self.config
        now = time.monotonic()
        self.requests += 1
        if is_mcp and cfg.session_ttl and self._session_expired(scope, now):
            return "session"
        if now < self.rate_limited_until:
            return "rate"
        if cfg.rate_limit_burst and self.requests % cfg.rate_limit_burst == 0:
            self.rate_limited_until = now + cfg.rate_limit_seconds
            return "rate"
        for name, rate in (("fail", cfg.fail_rate), ("drop", cfg.drop_rate), ("malformed", cfg.malformed_rate)):
            if rate and self.rng.random() < rate:
                return name
        return None

    def _session_expired(self, scope: Scope, now: float) -> bool:
        session = dict(scope.get("headers") or []).get(b"mcp-session-id")
        if not session:
            return False
        started = self.session_started.setdefault(session.decode("latin-1"), now)
        return now - started > self.config.session_ttl


async def _buffer_body(receive: Any) -> tuple[bytes, Any]:
    """Read the whole request body, and give the app a `receive` that replays it."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    body = b"".join(chunks)
    replayed = False

    async def replay() -> dict[str, Any]:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay


def _is_write(scope: Scope, body: bytes, is_mcp: bool) -> bool:
    """A request that may change something: a PO6 write tool's call, a Postern POST/DELETE/PUT/PATCH but wait."""
    method = scope.get("method", "")
    if is_mcp:
        if method != "POST":
            return False
        try:
            message = json.loads(body)
        except (ValueError, RecursionError):
            return False
        params = message.get("params") if isinstance(message, dict) else None
        return (message.get("method") == "tools/call" and isinstance(params, dict)
                and params.get("name") in WRITE_TOOLS)
    return method in ("POST", "DELETE", "PUT", "PATCH") and not scope.get("path", "").endswith("/wait")


def _took_effect(status: int, reply: bytes, is_mcp: bool) -> bool:
    """Whether the reply says the write was done: a 2xx; for MCP, a tool result that is no error
    and no confirmation request (the first step of a two-step tool changes nothing)."""
    if not 200 <= status < 300:
        return False
    if not is_mcp:
        return True
    try:
        result = json.loads(reply).get("result") or {}
    except (ValueError, AttributeError, RecursionError):
        return False
    structured = result.get("structuredContent") if isinstance(result, dict) else None
    return (isinstance(result, dict) and result.get("isError") is False
            and not (isinstance(structured, dict) and structured.get("requires_confirmation")))


def _jsonrpc_id(body: bytes) -> Any:
    try:
        message = json.loads(body)
    except ValueError:
        return None
    return message.get("id") if isinstance(message, dict) else None


def _fault_reply(fault: str, is_mcp: bool, request_id: Any, retry_after: float) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of an injected fault, in the API's own dialect."""
    if fault == "malformed":
        broken = b'{"jsonrpc": "2.0", "id": 1, "result": {"content": [{"type": "te' if is_mcp else b'{"data": [{"id": "msg_'
        return 200, {"content-type": "application/json"}, broken
    if is_mcp:
        if fault == "session":
            error = {"code": -32001, "message": "Session not found"}
            return 404, {"content-type": "application/json"}, _json({"jsonrpc": "2.0", "id": request_id, "error": error})
        if fault == "rate":
            error = {"code": -32002, "message": "Rate limited"}
            return 200, {"content-type": "application/json"}, _json({"jsonrpc": "2.0", "id": request_id, "error": error})
        return 503, {"content-type": "text/plain"}, b"Service unavailable (fault injected)"
    code, status = ("rate_limited", 429) if fault == "rate" else ("internal_error", 503)
    request_tag = f"req_fault{random.getrandbits(32):08x}"
    envelope = {"error": {"code": code, "message": "Injected fault", "details": None, "request_id": request_tag}}
    headers = {"content-type": "application/json", "x-postern-request-id": request_tag}
    if fault == "rate":
        headers["retry-after"] = str(max(1, round(retry_after)))
    return status, headers, _json(envelope)


def _json(obj: Any) -> bytes:
    return json.dumps(obj).encode()


async def _reply(send: Any, status: int, headers: dict[str, str], body: bytes) -> None:
    raw_headers = [(k.encode(), v.encode()) for k, v in headers.items()]
    raw_headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body})


async def _drop(send: Any) -> None:
    """Promise a body, send a little of it, and stop: the server closes the connection."""
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", b"4096")]})
    await send({"type": "http.response.body", "body": b'{"jsonrpc": "2.0", ', "more_body": True})
