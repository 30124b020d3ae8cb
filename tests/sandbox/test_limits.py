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


def _attempt(box: Box, key: str) -> httpx.Response:
    return httpx.post(box.url + "/mcp", json=INIT, headers={
        "Accept": "application/json, text/event-stream", "Authorization": f"Bearer {key}"})


def test_fifteen_bad_keys_lock_out_that_key_prefix_not_every_good_key(box):
    """On loopback every process has the same address: a lockout per address let one agent with a
    wrong key lock every good key out. The failing credential (its prefix) is locked instead."""
    for _ in range(15):
        assert _attempt(box, "mcp_po6_guessing-the-key").status_code == 401
    again = _attempt(box, "mcp_po6_guessing-something-else")
    assert again.status_code == 401 and "locked" in again.json()["error"]  # same prefix: locked
    for label in ("plus", "standard"):
        assert _attempt(box, box.key(label)).status_code == 200, label  # other credentials: untouched
    box.advance_clock(15 * 60 + 1)


def test_fifteen_guesses_at_one_key_lock_that_key_out_for_fifteen_minutes(box):
    target = box.key("plus")
    for tail in range(15):
        assert _attempt(box, target[:16] + f"{tail:x}" * 8).status_code == 401
    locked = _attempt(box, target)
    other = _attempt(box, box.key("standard"))
    box.advance_clock(15 * 60 + 1)
    unlocked = _attempt(box, target)
    assert locked.status_code == 401 and "locked" in locked.json()["error"]
    assert other.status_code == 200
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
