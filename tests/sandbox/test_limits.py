"""The documented protections, on a sandbox with its default settings: 60 requests a minute per
key (JSON-RPC -32002) and the brute-force lockout. Each test leaves the sandbox usable again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from mcp.shared.exceptions import MCPError
from po6_mcp import Box, connect, start_box
from starlette.testclient import TestClient

from po6_tui.sandbox.seed import seed_store
from po6_tui.sandbox.server import build_app
from po6_tui.sandbox.store import Store

INIT = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}


@pytest.fixture(scope="module")
def box(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Box]:
    started = start_box(tmp_path_factory.mktemp("po6-defaults"), rate_limit=None)
    yield started
    started.process.stop()


async def test_sixty_requests_a_minute_per_key(box):
    async with connect(box.url, box.key("plus")) as po6, connect(box.url, box.key("standard")) as other:
        succeeded = 0
        with pytest.raises(MCPError) as limited:
            for _ in range(61):
                await po6.client.call_tool("list_mailboxes", {})
                succeeded += 1
        assert limited.value.error.code == -32002 and limited.value.error.message == "Rate limited"
        assert 55 <= succeeded < 60  # the SDK client itself spends a few requests (tools/list)
        assert (await other.call("list_mailboxes"))["mailboxes"]  # per key, not per server
        box.advance_clock(61)
        assert (await po6.call("list_mailboxes"))["mailboxes"]


def test_fifteen_failed_authentications_lock_the_address_out_for_fifteen_minutes(box):
    def attempt(key: str) -> httpx.Response:
        return httpx.post(box.url + "/mcp", json=INIT, headers={
            "Accept": "application/json, text/event-stream", "Authorization": f"Bearer {key}"})

    for _ in range(15):
        assert attempt("mcp_po6_guess").status_code == 401
    locked = attempt(box.key("plus"))
    box.advance_clock(15 * 60 + 1)
    unlocked = attempt(box.key("plus"))
    assert locked.status_code == 401 and "locked" in locked.json()["error"]
    assert unlocked.status_code == 200


def test_the_lockout_can_be_switched_off(tmp_path: Path):
    """`--auth-lockout 0`, for test suites whose shared sandbox sees bad keys on purpose (in-process)."""
    store = Store(tmp_path / "s.db")
    seed_store(store, "demo")
    key = store.scalar("SELECT key FROM sandbox_keys WHERE label = 'plus'")
    try:
        with TestClient(build_app(store, auth_lockout=0), base_url="http://127.0.0.1:8025") as client:
            headers = {"Accept": "application/json, text/event-stream"}
            for _ in range(20):
                client.post("/mcp", json=INIT, headers={**headers, "Authorization": "Bearer mcp_po6_guess"})
            answer = client.post("/mcp", json=INIT, headers={**headers, "Authorization": f"Bearer {key}"})
    finally:
        store.close()
    assert answer.status_code == 200
