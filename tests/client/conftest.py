"""Fixtures for the client tests: a misbehaving fake MCP server, and roomy sandboxes.

The shared `sandbox` (tests/conftest.py) enforces PO6's 60 requests per minute per key, which
tests that drive every tool would trip; `roomy_sandbox` is the client tests' own sandbox with
the limit lifted. The rate limit itself is tested on a sandbox with the default.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from client_sandboxes import RoomySandbox, start_roomy
from fake_mcp import FakeMcpServer

from po6_tui.api.po6 import Po6Client


@pytest.fixture
def fake_server() -> Iterator[FakeMcpServer]:
    server = FakeMcpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def roomy_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RoomySandbox]:
    """Shared by the client tests of a worker: read from it only (test_client_po6_writes has its own)."""
    process, box = start_roomy(tmp_path_factory.mktemp("roomy"))
    yield box
    process.stop()


@pytest.fixture
async def po6(roomy_sandbox: RoomySandbox) -> Po6Client:
    """A client on the roomy sandbox with the Plus key (every scope); writes audited to `po6.records`."""
    records: list = []
    client = await Po6Client.connect(roomy_sandbox.mcp_url, roomy_sandbox.key("plus"), audit=records.append,
                                     profile="sandbox")
    client.records = records  # type: ignore[attr-defined]
    yield client
    await client.aclose()
