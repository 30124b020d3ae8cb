"""Talking to a sandbox with the official MCP SDK client (not ours): the sandbox's conformance check."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from mcp.client.client import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

from po6_tui.sandbox import admin
from po6_tui.sandbox.process import SandboxProcess


@dataclass
class Box:
    """A running sandbox: its URL, its database, and its seeded keys by label."""
    url: str
    db: Path
    process: SandboxProcess

    def key(self, label: str) -> str:
        return next(k["key"] for k in admin.read_keys(self.db) if k["label"] == label)

    def advance_clock(self, seconds: float) -> None:
        admin.advance_clock(self.db, seconds)


def start_box(directory: Path, *extra: str, seed: str = "demo", strict: bool = False,
              rate_limit: int | None = 100_000) -> Box:
    """A sandbox of our own. The high default rate limit lets one key make every call of a test
    module; the tests of the limit itself pass `rate_limit=None` (the documented 60/min)."""
    args = [*extra] + (["--rate-limit", str(rate_limit)] if rate_limit else [])
    process = SandboxProcess(db=directory / "sandbox.db", seed=seed, strict=strict, extra_args=args)
    return Box(process.start(), process.db, process)


class Po6:
    """An SDK client session with one key; `call` expects success, `fail` expects a tool error."""

    def __init__(self, client: Client):
        self.client = client

    async def call(self, tool: str, **arguments) -> dict:
        result = await self.client.call_tool(tool, arguments)
        text = result.content[0].text if result.content else ""
        assert not result.is_error, f"{tool} failed: {text}"
        payload = json.loads(text)
        assert result.structured_content == payload  # text and structuredContent carry the same object
        return payload

    async def fail(self, tool: str, **arguments) -> str:
        result = await self.client.call_tool(tool, arguments)
        assert result.is_error, f"{tool} should have failed: {result.content[0].text[:300]}"
        return result.content[0].text

    async def confirmed(self, tool: str, **arguments) -> dict:
        """A two-step tool: the first call asks, the second (with the token) acts."""
        first = await self.call(tool, **arguments)
        assert first["requires_confirmation"] is True
        return await self.call(tool, **arguments, confirmation_token=first["confirmation_token"])


@asynccontextmanager
async def connect(url: str, key: str | None) -> AsyncIterator[Po6]:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    async with create_mcp_http_client(headers=headers) as http:
        async with Client(streamable_http_client(url.rstrip("/") + "/mcp", http_client=http)) as client:
            yield Po6(client)
