"""`po6-tui serve`: the app in a real browser (headless Chromium), on loopback.

textual-serve draws the terminal with xterm.js on a canvas, so the screen's text is not in the
DOM. The test drives Chromium through the DevTools protocol instead: before the page loads it
wraps `WebSocket` to keep a copy of what the app sends to the browser, then waits until the
terminal output contains the demo mailboxes' addresses (the mailbox list), and saves a
screenshot of the page next to the test's files for a person to look at. The browser opens the
link with the token that `serve` prints, as a person would.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="headless Chromium is not installed (Debian: apt-get install chromium; .ci/run does it)")

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--remote-debugging-port=0", "--window-size=1280,800", "about:blank"]
MAILBOXES = ("signup-bot@po6.com", "billing-agent@po6.com")

# Runs in the page before its own scripts: every frame the app sends is kept, as text.
KEEP_FRAMES = """
window.__po6Frames = [];
const Native = window.WebSocket;
window.WebSocket = function (...args) {
  const socket = new Native(...args);
  socket.addEventListener("message", (event) => {
    const data = event.data;
    if (typeof data === "string") { window.__po6Frames.push(data); }
    else if (data instanceof ArrayBuffer) { window.__po6Frames.push(new TextDecoder().decode(data)); }
    else if (data && data.text) { data.text().then((text) => window.__po6Frames.push(text)); }
  });
  return socket;
};
window.WebSocket.prototype = Native.prototype;
Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the process exited early with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing listens on port {port} after {timeout:g} s")


def stop(process: subprocess.Popen) -> None:
    """Stop a process started in its own session, with everything it started (the served
    app's processes and their demo sandboxes)."""
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue


def served_link(log: Path, port: int, timeout: float = 30.0) -> str:
    """The link with the secret token that `po6-tui serve` prints once when it starts."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = re.search(rf"http://127\.0\.0\.1:{port}/\?token=[A-Za-z0-9_-]+", log.read_text(errors="replace"))
        if found:
            return found.group()
        time.sleep(0.1)
    raise AssertionError(f"po6-tui serve printed no link: {log.read_text(errors='replace')[-500:]}")


class DevTools:
    """The few DevTools protocol calls the test needs, over aiohttp's websocket client."""

    def __init__(self, ws) -> None:  # noqa: ANN001
        self.ws = ws
        self.ids = iter(range(1, 1_000_000))

    async def send(self, method: str, **params) -> dict:
        number = next(self.ids)
        await self.ws.send_str(json.dumps({"id": number, "method": method, "params": params}))
        while True:
            message = json.loads((await self.ws.receive()).data)
            if message.get("id") == number:
                if "error" in message:
                    raise AssertionError(f"{method}: {message['error']}")
                return message.get("result", {})

    async def evaluate(self, expression: str):
        result = await self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")


def devtools_page_url(profile: Path, timeout: float = 30.0) -> str:
    """The websocket URL of Chromium's first page (the port is in DevToolsActivePort)."""
    import urllib.request

    deadline = time.monotonic() + timeout
    port_file = profile / "DevToolsActivePort"
    while time.monotonic() < deadline:
        if port_file.exists() and port_file.read_text().strip():
            port = port_file.read_text().split()[0]
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=2) as reply:
                    pages = [t for t in json.load(reply) if t.get("type") == "page"]
                if pages:
                    return pages[0]["webSocketDebuggerUrl"]
            except OSError:
                pass
        time.sleep(0.1)
    raise AssertionError("Chromium's DevTools endpoint did not come up")


async def open_in_browser(url: str, profile: Path, screenshot: Path, timeout: float = 90.0) -> str:
    import aiohttp

    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(devtools_page_url(profile), max_msg_size=0) as ws:
            tools = DevTools(ws)
            await tools.send("Page.enable")
            await tools.send("Page.addScriptToEvaluateOnNewDocument", source=KEEP_FRAMES)
            await tools.send("Page.navigate", url=url)
            deadline = time.monotonic() + timeout
            seen = ""
            while time.monotonic() < deadline:
                seen = await tools.evaluate("(window.__po6Frames || []).join('')") or ""
                if all(address in seen for address in MAILBOXES):
                    await asyncio.sleep(0.5)  # let the canvas catch up before the picture
                    shot = await tools.send("Page.captureScreenshot", format="png")
                    screenshot.write_bytes(base64.b64decode(shot["data"]))
                    return seen
                await asyncio.sleep(0.25)
            return seen


def test_serve_shows_the_mailbox_list_in_a_browser(tmp_path: Path):
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        server = subprocess.Popen([sys.executable, "-m", "po6_tui", "serve", "--port", str(port)],
                                  stdout=output, stderr=subprocess.STDOUT, cwd=tmp_path, start_new_session=True)
    browser = None
    try:
        wait_for_port(port, server)
        link = served_link(log, port)
        profile = tmp_path / "chromium-profile"
        browser = subprocess.Popen([CHROMIUM, f"--user-data-dir={profile}", *CHROMIUM_FLAGS],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        screenshot = tmp_path / "served.png"
        seen = asyncio.run(open_in_browser(link, profile, screenshot))
        assert all(address in seen for address in MAILBOXES), (
            f"the served app never showed the mailboxes; it sent {len(seen)} characters, ending {seen[-300:]!r}")
        assert screenshot.stat().st_size > 1000
        assert "mcp_po6_" not in seen  # keys are never on screen, in the browser either
    finally:
        if browser is not None:
            stop(browser)
        stop(server)
        print(log.read_text(errors="replace")[-2000:])  # shown by pytest when the test fails


def test_serve_refuses_a_non_loopback_interface_without_allow_remote():
    result = subprocess.run([sys.executable, "-m", "po6_tui", "serve", "--host", "0.0.0.0", "--port", "0"],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert "refusing to listen on 0.0.0.0" in result.stderr
