"""The app's start-up loads only what the first screen needs (issue 8).

A fresh interpreter runs the app's start path (`run_app.main`'s account resolution, then
`Po6App` headless) against the sandbox until the inbox is listed, and reports `sys.modules`.
The HTML converter, the sandbox server, the MCP SDK and the other views must still be absent:
each is loaded on first use. Not a timing: tests/perf/bench_imports.py has the figures.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

# Loaded on first use only: the reader converts HTML; the sandbox serves only in demo mode
# (as a child process); the MCP SDK is never needed by the client (api/mcp.py speaks MCP);
# Postern's client is for Postern accounts.
DEFERRED_PACKAGES = ("html2text", "mcp", "starlette", "uvicorn", "sse_starlette")
DEFERRED_MODULES = (
    "po6_tui.sandbox.server", "po6_tui.sandbox.po6", "po6_tui.sandbox.store", "po6_tui.sandbox.seed",
    "po6_tui.sandbox.process", "po6_tui.ui.mail.reader", "po6_tui.ui.drafts.drafts_screen",
    "po6_tui.ui.outbox.compose", "po6_tui.ui.tools.tools_screen", "po6_tui.ui.kit.schema_form",
    # A PO6-only start (as here) never needs the Postern client.
    "po6_tui.api.postern", "po6_tui.api.postern_models",
)

FIRST_SCREEN = """
import asyncio, json, sys
from po6_tui.accounts import resolve_accounts
from po6_tui.ui.app import Po6App

async def main():
    app = Po6App(resolve_accounts().accounts, refresh_interval=0)
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(400):
            await pilot.pause(0.05)
            if app.mail.is_mounted and app.mail.message_list.current is not None:
                break
        else:
            raise SystemExit("the inbox never showed")
    print(json.dumps(sorted(sys.modules)))

asyncio.run(main())
"""


def test_the_first_screen_does_not_load_what_it_does_not_need(sandbox):
    env = dict(os.environ, PO6_API_KEY=sandbox.key("plus"), PO6_MCP_URL=sandbox.mcp_url)
    done = subprocess.run([sys.executable, "-c", FIRST_SCREEN], capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    loaded = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert "po6_tui.ui.mail.mail_screen" in loaded  # the probe did reach the first screen
    early = sorted(name for name in loaded
                   if name.split(".")[0] in DEFERRED_PACKAGES or name in DEFERRED_MODULES)
    assert early == [], f"loaded before they are needed: {early}"
