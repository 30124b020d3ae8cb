"""Fixtures for the client tests: a misbehaving fake MCP server, and roomy sandboxes.

The shared `sandbox` (tests/conftest.py) enforces PO6's 60 requests per minute per key, which
a module that drives every tool would trip; `roomy_sandbox` is this module's own sandbox with
the limit raised. The rate limit itself is tested on a sandbox with the default.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fake_mcp import FakeMcpServer

from po6_tui.api.po6 import Po6Client
from po6_tui.sandbox import admin
from po6_tui.sandbox.process import SandboxProcess


@pytest.fixture
def fake_server() -> Iterator[FakeMcpServer]:
    server = FakeMcpServer()
    server.start()
    yield server
    server.stop()


@dataclass
class RoomySandbox:
    url: str
    db: Path

    @property
    def mcp_url(self) -> str:
        return self.url + "/mcp"

    def key(self, label: str) -> str:
        return next(r["key"] for r in admin.read_keys(self.db) if r["label"] == label)


@pytest.fixture(scope="module")
def roomy_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RoomySandbox]:
    process = SandboxProcess(db=tmp_path_factory.mktemp("roomy") / "sandbox.db", extra_args=["--rate-limit", "100000"])
    url = process.start()
    yield RoomySandbox(url, process.db)
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
