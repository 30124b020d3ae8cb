"""Any tool of any MCP server, called by name with the arguments a person typed: what the
tool console (`:tools`) drives.

The typed `Po6Client` knows PO6's tools; this module knows none. It lists what the server
offers (with the annotations the typed listing drops), decides which tools change things,
and calls them under the same rules as every other write: refused before any network I/O in
read-only mode, never retried blindly, recorded in the audit log (writes only, like every
other part of the app: the log is the record of what changed). Results are returned as the
server sent them (untrusted; the UI renders them through `ui/safe.py`).

Which tools write: PO6's own list (`WRITE_TOOLS`) for PO6 tools; PO6's read tools are reads;
for anything else, only a tool that declares `readOnlyHint: true` is taken as a read: a
server we do not know gets the benefit of no doubt in read-only mode.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from po6_tui.api.errors import ReadOnlyError
from po6_tui.api.mcp import Tool, ToolResult
from po6_tui.api.po6 import READ_TOOLS, WRITE_TOOLS, Po6Client
from po6_tui.api.retry import with_retries
from po6_tui.audit import CONFIRMATION_REQUESTED, OK

CONFIRMATION_ARGUMENT = "confirmation_token"


class ToolInfo(Tool):
    """One tool as the server lists it (every field untrusted), with what the console needs to know."""

    @property
    def writes(self) -> bool:
        if self.name in WRITE_TOOLS:
            return True
        if self.name in READ_TOOLS:
            return False
        return self.annotations.get("readOnlyHint") is not True

    @property
    def two_step(self) -> bool:
        """It takes a confirmation token: its first call only asks (API.md 1.3)."""
        return self.properties is not None and CONFIRMATION_ARGUMENT in self.properties


@dataclass(frozen=True)
class Confirmation:
    """The server asks before acting: its words, and the token that makes the second call act."""

    token: str
    message: str
    expires_in_seconds: Any = None


def confirmation_in(data: Any) -> Confirmation | None:
    """The confirmation a result asks for (`requires_confirmation` + `confirmation_token`), if any."""
    if isinstance(data, dict) and data.get("requires_confirmation") and data.get(CONFIRMATION_ARGUMENT):
        return Confirmation(str(data[CONFIRMATION_ARGUMENT]), str(data.get("message") or ""),
                            data.get("expires_in_seconds"))
    return None


async def list_tools(client: Po6Client) -> list[ToolInfo]:
    """Everything the server lists (`tools/list`, all pages), in the server's order."""

    # Listed again (the server's tools may have changed), which also renews the typed client's copy.
    tools = await client.load_tools(refresh=True)
    return [ToolInfo(t.name, t.description, t.input_schema, t.title, t.annotations) for t in tools.values()]


async def call(client: Po6Client, tool: ToolInfo, arguments: dict[str, Any]) -> ToolResult:
    """Call `tool` with exactly `arguments`; returns the result as sent (tool errors included).

    Writes: ReadOnlyError in read-only mode before any I/O; one attempt only; recorded in the
    audit log whatever the outcome. Reads are retried on transient faults.
    """
    if not tool.writes:
        return await with_retries(lambda: client.mcp.call_tool(tool.name, arguments),
                                  attempts=client.retry_attempts)
    if client.read_only:
        raise ReadOnlyError(f"Read-only mode: {tool.name} changes things on the server, so it was not sent.",
                            tool=tool.name)
    return await client.recorded_write(tool.name, arguments, lambda: client.mcp.call_tool(tool.name, arguments),
                                       _outcome)


def _outcome(result: ToolResult) -> str:
    """How a write's result reads in the audit log."""
    if result.is_error:
        return f"error: {' '.join(result.text.split())[:300] or 'the tool reported an error'}"
    if confirmation_in(result.data()) is not None:
        return CONFIRMATION_REQUESTED
    return OK
