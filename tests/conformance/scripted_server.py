"""A scripted streamable-HTTP MCP server for the client's stream tests.

It answers `initialize` (session "s1") and notifications itself; each test scripts the rest:
`server.on_call(server, message)` is an async generator of the raw bytes of the `tools/call`
reply (an event stream unless the test sets `call_content_type`), and `server.on_get(server,
headers)` the same for a GET (none: HTTP 405, as a server without a standalone stream says).
Everything the client sends is recorded; its answers to the server's own requests land in
`answers`, which a script can wait for with `await server.answer_to(id)`.
Runs uvicorn in a thread (like tests/client/fake_mcp.py), so it outlives any one event loop.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import uvicorn

KEY = "mcp_po6_scripted"

Script = Callable[..., AsyncIterator[bytes]]


def sse(message: Any = None, *, event_id: str | None = None, retry_ms: int | None = None) -> bytes:
    """One SSE event: an optional id and retry, and the message as `data:` (none: a priming event)."""
    lines = []
    if event_id is not None:
        lines.append(f"id: {event_id}")
    if retry_ms is not None:
        lines.append(f"retry: {retry_ms}")
    lines.append("data: " + ("" if message is None else json.dumps(message)))
    return ("\n".join(lines) + "\n\n").encode()


def tool_result(request_id: int, text: str = "done") -> dict:
    return {"jsonrpc": "2.0", "id": request_id, "result": {"content": [{"type": "text", "text": text}]}}


@dataclass
class ScriptedServer:
    on_call: Script | None = None
    on_get: Script | None = None
    call_content_type: str = "text/event-stream"
    requests: list[dict[str, Any]] = field(default_factory=list)  # {"method", "headers", "body", "at"}
    answers: dict[Any, dict[str, Any]] = field(default_factory=dict)  # the client's replies, by id
    bytes_sent: int = 0  # of scripted replies, counted until the client disconnects
    url: str = ""
    _server: uvicorn.Server | None = None
    _thread: threading.Thread | None = None

    def posted(self, method: str) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["method"] == "POST" and (r["body"] or {}).get("method") == method]

    def gets(self) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["method"] == "GET"]

    async def answer_to(self, request_id: Any, timeout: float = 5.0) -> dict[str, Any] | None:
        """(In the server's loop.) The client's reply to our request `request_id`, once it came."""
        deadline = time.monotonic() + timeout
        while request_id not in self.answers and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        return self.answers.get(request_id)

    # -- ASGI -------------------------------------------------------------------------
    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        raw = b""
        while True:
            message = await receive()
            raw += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        body = json.loads(raw) if raw else None
        self.requests.append({"method": scope["method"], "headers": headers, "body": body, "at": time.monotonic()})
        if scope["method"] == "DELETE":
            return await self._reply(send, 200, b"")
        if scope["method"] == "GET":
            if self.on_get is None:
                return await self._reply(send, 405, b"")
            return await self._stream(receive, send, "text/event-stream", self.on_get(self, headers))
        if "method" not in body:  # the client's answer to one of our requests
            self.answers[body.get("id")] = body
            return await self._reply(send, 202, b"")
        if body["method"] == "initialize":
            result = {"protocolVersion": "2025-11-25", "capabilities": {"tools": {}},
                      "serverInfo": {"name": "scripted", "version": "1"}}
            return await self._reply(send, 200, json.dumps({"jsonrpc": "2.0", "id": body["id"], "result": result}),
                                     session="s1")
        if "id" not in body:
            return await self._reply(send, 202, b"")
        assert body["method"] == "tools/call" and self.on_call is not None, body
        await self._stream(receive, send, self.call_content_type, self.on_call(self, body))

    async def _stream(self, receive, send, content_type: str, chunks: AsyncIterator[bytes]) -> None:
        disconnected = asyncio.Event()

        async def watch() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass
            disconnected.set()

        watcher = asyncio.create_task(watch())
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", content_type.encode()), (b"mcp-session-id", b"s1")]})
        try:
            async for chunk in chunks:
                await asyncio.sleep(0)  # uvicorn's send returns at once after a disconnect: let watch() see it
                if disconnected.is_set():
                    break
                self.bytes_sent += len(chunk)
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b""})
        finally:
            watcher.cancel()

    async def _reply(self, send, status: int, body: bytes | str, session: str | None = None) -> None:
        headers = [(b"content-type", b"application/json")]
        if session:
            headers.append((b"mcp-session-id", session.encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body.encode() if isinstance(body, str) else body})

    # -- lifecycle --------------------------------------------------------------------
    def start(self) -> str:
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        self._server = uvicorn.Server(uvicorn.Config(self, log_level="error", lifespan="on"))
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]}, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the scripted MCP server did not start")
            time.sleep(0.01)
        self.url = f"http://127.0.0.1:{port}/mcp"
        return self.url

    def stop(self) -> None:
        if self._server:
            self._server.should_exit = True
            self._server.force_exit = True  # streams a test left open must not hold the thread
        if self._thread:
            self._thread.join(5)
