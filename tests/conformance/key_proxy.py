"""A loopback proxy that adds the sandbox's bearer key to every request.

The conformance suite's server scenarios connect without credentials, and the sandbox refuses
any request without a key. This proxy sits in front of the sandbox on another loopback port
and forwards each request unchanged (method, path, body, and the `Host` and `Origin` headers
the suite sets, so the sandbox's own DNS-rebinding guard is what gets judged), adding only
`Authorization: Bearer KEY`. Replies, including event streams, are streamed back as they come.
Runs uvicorn in a thread, like tests/client/fake_mcp.py, so it outlives any one event loop.
"""

from __future__ import annotations

import socket
import threading
import time

import httpx
import uvicorn

# Per-connection headers (RFC 9110 7.6.1) are not forwarded; httpx and uvicorn set their own.
HOP_BY_HOP = frozenset({"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
                        "proxy-authorization", "proxy-authenticate", "content-length", "authorization"})


class KeyProxy:
    def __init__(self, target: str, key: str) -> None:
        self.target = target.rstrip("/")  # e.g. http://127.0.0.1:PORT (no path)
        self.key = key
        self.url = ""
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    async def __call__(self, scope, receive, send) -> None:
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
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]
                   if k.decode("latin-1").lower() not in HOP_BY_HOP]
        headers.append(("Authorization", f"Bearer {self.key}"))
        url = self.target + scope["path"] + (f"?{scope['query_string'].decode()}" if scope["query_string"] else "")
        # One client per request: the stream must stay open while we relay it.
        async with httpx.AsyncClient(timeout=httpx.Timeout(60.0)) as client:
            async with client.stream(scope["method"], url, content=body, headers=headers) as reply:
                out = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in reply.headers.items()
                       if k.lower() not in HOP_BY_HOP]
                await send({"type": "http.response.start", "status": reply.status_code, "headers": out})
                async for chunk in reply.aiter_raw():
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
                await send({"type": "http.response.body", "body": b""})

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
                raise RuntimeError("the key proxy did not start")
            time.sleep(0.01)
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    def stop(self) -> None:
        if self._server:
            self._server.should_exit = True
        if self._thread:
            self._thread.join(5)
