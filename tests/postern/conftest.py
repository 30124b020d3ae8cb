"""Fixtures for the Postern tests: clients on a real sandbox, a mail delivery helper, a webhook receiver."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from po6_tui.api.postern import PosternClient
from postern_data import AGENT

@pytest.fixture
async def client_for(sandbox) -> AsyncIterator:
    """`client_for(label, box=sandbox, **options)`: a PosternClient with that seeded key; closed afterwards."""
    made: list[PosternClient] = []

    def make(label: str | None = AGENT, box=None, **options) -> PosternClient:
        box = box or sandbox
        client = PosternClient(box.url, box.key(label) if label else None, **options)
        made.append(client)
        return client

    yield make
    for client in made:
        await client.aclose()


@pytest.fixture
async def agent(client_for) -> PosternClient:
    return client_for(AGENT)


class WebhookReceiver:
    """A loopback HTTP server that records every POST (raw body and headers)."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.arrived = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                receiver.arrived.set()
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    box = WebhookReceiver()
    yield box
    box.close()

