"""Helpers shared by the UI tests (imported as `uihelpers`; fixtures are in conftest.py)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from po6_tui.accounts import Account
from po6_tui.sandbox import admin
from po6_tui.sandbox.process import SandboxProcess

SEEDED_AT = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)
RATE_LIMIT = ["--rate-limit", "1000000"]  # an app start makes several calls; tests start many


@dataclass
class UiSandbox:
    url: str
    db: Path
    process: SandboxProcess

    @property
    def mcp_url(self) -> str:
        return self.url + "/mcp"

    def key(self, label: str) -> str:
        return next(record["key"] for record in admin.read_keys(self.db) if record["label"] == label)

    def stop(self) -> None:
        self.process.stop()


def start_frozen_sandbox(directory: Path, seed: str = "demo", *, strict: bool = False) -> UiSandbox:
    """A sandbox whose clock reads SEEDED_AT when it seeds, so the seeded dates never move."""
    db = directory / "sandbox.db"
    admin.advance_clock(db, SEEDED_AT.timestamp() - time.time())
    process = SandboxProcess(db=db, seed=seed, strict=strict, extra_args=RATE_LIMIT)
    return UiSandbox(process.start(), db, process)


def account_for(box: UiSandbox, label: str = "plus", *, read_only: bool = False) -> Account:
    return Account(name="sandbox", provider="po6", url=box.mcp_url, read_only=read_only,
                   is_sandbox=True, api_key=box.key(label))


def deliver(box: UiSandbox, message: str, to: str = "signup-bot@po6.com") -> None:
    """Deliver an RFC 5322 message (text) to a mailbox of the sandbox, as mail arriving would."""
    import subprocess
    import sys
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".eml", delete=False) as file:
        file.write(message)
    try:
        subprocess.run([sys.executable, "-m", "po6_tui", "sandbox", "deliver", "--db", str(box.db), "--to", to,
                        file.name], check=True, capture_output=True)
    finally:
        Path(file.name).unlink()


async def wait_for(pilot, condition: Callable[[], object], timeout: float = 10.0, what: str = "") -> None:
    """Let the app run until `condition()` is true (the network answers in workers)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        await pilot.pause(0.02)
    await pilot.pause()


async def wait_idle(pilot, timeout: float = 10.0) -> None:
    """Until no worker is running (every request answered) and the screen is redrawn."""
    app = pilot.app
    await wait_for(pilot, lambda: not any(w.is_running for w in app.workers), timeout, "workers to finish")
    await asyncio.sleep(0)
    await pilot.pause()


async def wait_list(pilot, total: int | None = None, timeout: float = 10.0, idle: bool = True):
    """Until the mail screen's list has loaded (and, if given, shows `total` rows), and, unless
    `idle` is false (an auto-refresh timer keeps workers busy), every request is answered."""
    app = pilot.app
    await wait_for(pilot, lambda: app.mail.is_mounted and app.mail.message_list.total is not None
                   and app.mail.message_list.current is not None
                   and (total is None or app.mail.message_list.total == total), timeout, "the list to load")
    if idle:
        await wait_idle(pilot, timeout)
    return app.mail.message_list


def screen_text(app) -> str:  # noqa: ANN001
    """What the terminal shows, as plain lines (the compositor's last full frame)."""
    update = app.screen._compositor.render_full_update()
    return "\n".join("".join(segment.text for strip in line for segment in strip) for line in update.strips)


async def type_command(pilot, line: str, prompt_key: str = "colon") -> None:
    """Open the `:` (or `/`) prompt with its key, put `line` in it, and press Enter.
    (Typing character by character through Pilot is slow; the keys themselves are tested once.)"""
    from textual.widgets import Input

    await pilot.press(prompt_key)
    field = pilot.app.screen.query_one(Input)
    field.value = line
    field.cursor_position = len(line)
    await pilot.press("enter")
    await pilot.pause()
