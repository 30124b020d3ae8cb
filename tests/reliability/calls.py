"""Recording what the app really sends: every MCP tool call and every Postern request.

`record_calls(monkeypatch)` wraps `McpClient.call_tool` and the Postern client's HTTP sending
(the one place every Postern request goes through), so a test can say "this tool was never
called" or "called exactly once". (A reply lost after the server acted: tests/drafts'
`drafthelpers.drop_replies`.)
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from po6_tui.api.mcp import McpClient


@dataclass
class Calls:
    tools: Counter = field(default_factory=Counter)  # MCP tool name -> calls
    postern: list[tuple[str, str]] = field(default_factory=list)  # (method, path) of /v1 requests

    def postern_writes(self) -> list[tuple[str, str]]:
        return [(method, path) for method, path in self.postern if method != "GET"
                and not path.endswith("/wait")]  # wait is a POST that only reads


def record_calls(monkeypatch) -> Calls:  # noqa: ANN001
    calls = Calls()
    call_tool = McpClient.call_tool

    async def recording_call_tool(self, name, arguments=None):  # noqa: ANN001, ANN202
        calls.tools[name] += 1
        return await call_tool(self, name, arguments)

    monkeypatch.setattr(McpClient, "call_tool", recording_call_tool)

    from po6_tui.api.postern import PosternClient

    once = PosternClient._once

    async def recording_once(self, operation, method, path, parse, **kwargs):  # noqa: ANN001, ANN202
        calls.postern.append((method, path))
        return await once(self, operation, method, path, parse, **kwargs)

    monkeypatch.setattr(PosternClient, "_once", recording_once)
    return calls
