"""What the scripting tests share: a sandbox of their own (tests/sandbox/po6_mcp.py's), and the
environment that points the commands at it."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sandbox"))
from po6_mcp import Box, start_box  # noqa: E402, F401  (re-exported: the tests start their own)


def env_for(box: Box, po6: str = "plus", postern: str = "postern-agent") -> dict[str, str]:
    """The environment that points the commands at `box` (the `env` accounts)."""
    return {"PO6_API_KEY": box.key(po6), "PO6_MCP_URL": box.url + "/mcp",
            "POSTERN_API_KEY": box.key(postern), "POSTERN_API_BASE_URL": box.url}
