"""A purpose-built misbehaving MCP server for transport tests (not the sandbox).

Speaks just enough streamable HTTP to exercise the client's fault handling: each test sets
`server.mode` to pick how `tools/call` answers, and can make the server forget sessions.
Runs uvicorn in a thread so it outlives any one event loop.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import uvicorn

GOOD_KEY = "mcp_po6_good"
NESTED = b"[" * 100_000 + b"]" * 100_000  # json.loads raises RecursionError on this


def _schema(*required: str, **optional: str) -> dict:
    props = {name: {"type": "string"} for name in (*required, *optional)}
    return {"type": "object", "properties": props, "required": list(required)}


# A read and a write with PO6 names; get_email names the email `message_id`, as another
# server might, so the client's argument matching is exercised.
TOOLS = [
    {"name": "get_email", "inputSchema": _schema("mailbox_id", "message_id")},
    {"name": "mark_email", "inputSchema": _schema("mailbox_id", "email_id", "action")},
    {"name": "delete_email", "inputSchema": _schema("mailbox_id", "email_id", confirmation_token="")},
]


@dataclass
class FakeMcpServer:
    mode: str = "json"  # how tools/call answers; see _tool_call
    protocol_version: str = "2025-11-25"
    delay: float = 0.0
    sessions: set[str] = field(default_factory=set)
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers_seen: list[dict[str, str]] = field(default_factory=list)
    initialize_count: int = 0
    calls: int = 0
    tools: list[dict[str, Any]] = field(default_factory=lambda: list(TOOLS))
    url: str = ""
    _server: uvicorn.Server | None = None
    _thread: threading.Thread | None = None

    # -- ASGI -------------------------------------------------------------------------
    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        self.headers_seen.append(headers)
        if scope["method"] == "DELETE":
            self.sessions.discard(headers.get("mcp-session-id", ""))
            return await self._send(send, 200, b"")
        if headers.get("authorization") != f"Bearer {GOOD_KEY}":
            return await self._json(send, 401, {"jsonrpc": "2.0", "id": None,
                                                 "error": {"code": -32001, "message": "Authentication failed"}})
        msg = json.loads(body)
        self.requests.append(msg)
        method = msg.get("method")
        if method == "initialize":
            self.initialize_count += 1
            session = f"s{self.initialize_count}"
            self.sessions.add(session)
            return await self._json(send, 200, {"jsonrpc": "2.0", "id": msg["id"], "result": {
                "protocolVersion": self.protocol_version, "capabilities": {"tools": {}},
                "serverInfo": {"name": "fake", "version": "1"}}}, session=session)
        if headers.get("mcp-session-id") not in self.sessions:
            return await self._json(send, 404, {"jsonrpc": "2.0", "id": None,
                                                "error": {"code": -32600, "message": "Session not found"}})
        if "id" not in msg:
            return await self._send(send, 202, b"")
        if method == "tools/list":
            return await self._json(send, 200, {"jsonrpc": "2.0", "id": msg["id"], "result": {"tools": self.tools}})
        self.calls += 1
        return await self._tool_call(send, msg)

    async def _tool_call(self, send, msg):
        rid, args = msg["id"], msg["params"].get("arguments", {})
        value = {"id": "e1", "echo": args}
        result = {"content": [{"type": "text", "text": json.dumps(value)}], "structuredContent": value}
        mode = self.mode
        if self.delay:
            await asyncio.sleep(self.delay)
        if mode == "flaky-once":  # fail the first call with a 503, then answer
            mode = "503" if self.calls == 1 else "json"
        if mode == "json":
            return await self._json(send, 200, {"jsonrpc": "2.0", "id": rid, "result": result})
        if mode == "sse":
            events = [
                b"id: 1\ndata: \n\n",  # a priming event with no data
                b": a comment\n\n",
                b"event: message\ndata: " + json.dumps({"jsonrpc": "2.0", "method": "notifications/progress",
                                                        "params": {"progress": 1}}).encode() + b"\n\n",
                # our response, split over two data lines as SSE allows
                b"event: message\ndata: {\"jsonrpc\": \"2.0\", \"id\": " + str(rid).encode()
                + b",\ndata:  \"result\": " + json.dumps(result).encode() + b"}\n\n",
            ]
            return await self._send(send, 200, b"".join(events), content_type="text/event-stream")
        if mode == "sse-cut":
            return await self._send(send, 200, b"event: message\ndata: {\"jsonrpc\": \"2.0\", \"method\": \"x\"}\n\n",
                                    content_type="text/event-stream")
        if mode == "malformed":
            return await self._send(send, 200, b'{"jsonrpc": "2.0", "id": ', content_type="application/json")
        if mode == "rate":
            return await self._json(send, 200, {"jsonrpc": "2.0", "id": rid, "error": {
                "code": -32002, "message": "Rate limited", "data": {"retry_after": 0.05}}})
        if mode == "tool-error":
            return await self._json(send, 200, {"jsonrpc": "2.0", "id": rid, "result": {
                "content": [{"type": "text", "text": "Insufficient scopes: mailbox:send required"}], "isError": True}})
        if mode == "503":
            return await self._send(send, 503, b"busy")
        if mode == "502-after":  # the call is processed (counted), then a proxy answers 502
            return await self._send(send, 502, b"<html>Bad Gateway</html>", content_type="text/html")
        if mode == "nested":  # a body nested deeper than Python's JSON parser can follow
            return await self._send(send, 200, b'{"jsonrpc": "2.0", "id": ' + str(rid).encode()
                                    + b', "result": ' + NESTED + b"}")
        if mode == "nested-text":  # a well-formed reply whose text block holds the nested JSON
            return await self._json(send, 200, {"jsonrpc": "2.0", "id": rid, "result": {
                "content": [{"type": "text", "text": NESTED.decode()}]}})
        if mode == "forget":  # forget every session, then answer the retried request normally
            self.sessions.clear()
            self.mode = "json"
            return await self._json(send, 404, {"jsonrpc": "2.0", "id": None,
                                                "error": {"code": -32600, "message": "Session not found"}})
        if mode == "always-forget":
            self.sessions.clear()
            return await self._json(send, 404, {"jsonrpc": "2.0", "id": None,
                                                "error": {"code": -32600, "message": "Session not found"}})
        raise AssertionError(mode)

    async def _json(self, send, status, payload, session=None):
        return await self._send(send, status, json.dumps(payload).encode(), session=session)

    async def _send(self, send, status, body, content_type="application/json", session=None):
        headers = [(b"content-type", content_type.encode())]
        if session:
            headers.append((b"mcp-session-id", session.encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    # -- lifecycle --------------------------------------------------------------------
    def start(self) -> str:
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        config = uvicorn.Config(self, log_level="error", lifespan="on")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]}, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("fake MCP server did not start")
            time.sleep(0.01)
        self.url = f"http://127.0.0.1:{port}/mcp"
        return self.url

    def stop(self) -> None:
        if self._server:
            self._server.should_exit = True
        if self._thread:
            self._thread.join(5)
