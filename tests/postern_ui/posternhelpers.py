"""Helpers for driving the Postern screens with Pilot (fixtures are in conftest.py)."""

from __future__ import annotations

import html
import re

import uuid

from textual.widgets import Input, TextArea
from uihelpers import UiSandbox, type_command, wait_for, wait_idle

from po6_tui.accounts import Account
from po6_tui.api.postern import PosternClient
from po6_tui.ui.postern.postern_screen import PosternScreen

# The seeded inboxes of the `postern-agent` key (sandbox/postern_seed.py).
SIGNUP, SUPPORT, OUTREACH = "signup-bot@postern.test", "support@postern.test", "outreach@postern.test"


def postern_account(box: UiSandbox, label: str = "postern-agent", *, read_only: bool = False) -> Account:
    """The Postern account as demo mode makes it ("sandbox-postern"), with the key seeded as `label`."""
    return Account(name="sandbox-postern", provider="postern", url=box.url, read_only=read_only,
                   is_sandbox=True, api_key=box.key(label))


async def new_inbox(box: UiSandbox, prefix: str) -> str:
    """A fresh inbox of the `postern-agent` key, made through the client (not the screens)."""
    async with PosternClient(box.url, box.key("postern-agent")) as client:
        return (await client.create_inbox(username=f"{prefix}-{uuid.uuid4().hex[:6]}")).address


async def open_postern(pilot, address: str | None = None) -> PosternScreen:
    """`:postern`, then (optionally) the inbox `address`, with its messages loaded."""
    app = pilot.app
    await wait_idle(pilot)
    await type_command(pilot, "postern")
    await wait_for(pilot, lambda: isinstance(app.screen, PosternScreen) and app.screen.inboxes.loaded
                   and app.screen.messages.loaded, what="the Postern view")
    screen = app.screen
    if address is not None and screen.inbox.address != address:
        await select_inbox(pilot, screen, address)
    await wait_idle(pilot)
    return screen


async def select_inbox(pilot, screen: PosternScreen, address: str) -> None:
    screen.set_focus(screen.inboxes)
    await pilot.pause()
    addresses = [inbox.address for inbox in screen.inboxes.items]
    steps = addresses.index(address) - screen.inboxes.cursor_row
    await pilot.press(*(["j"] * steps if steps > 0 else ["k"] * -steps))
    await pilot.press("enter")
    await wait_listing(pilot, screen)
    assert screen.inbox.address == address


async def wait_listing(pilot, screen: PosternScreen, count: int | None = None) -> None:
    """Until the open inbox's listing has answered (with `count` rows, if given)."""
    await wait_idle(pilot)
    await wait_for(pilot, lambda: screen.messages.loaded and not screen.messages.fetching
                   and (count is None or len(screen.messages.items) == count), what="the listing")


def fill(screen, selector: str, value: str) -> None:
    """Put `value` in a field of the screen in front (typing is tested once, in the form tests)."""
    field = screen.query_one(selector)
    if isinstance(field, TextArea):
        field.text = value
    else:
        assert isinstance(field, Input)
        field.value = value


def screen_text(app) -> str:
    """What the terminal shows, as plain lines (from the app's own SVG screenshot)."""
    svg = app.export_screenshot()
    rows: dict[float, list[tuple[float, str]]] = {}
    for match in re.finditer(r'<text class="[^"]*" x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', svg):
        x, y, text = match.groups()
        rows.setdefault(float(y), []).append((float(x), html.unescape(text)))
    lines = []
    for y in sorted(rows):
        line = ""
        for x, text in sorted(rows[y]):
            line = line.ljust(int(round(x / 12.2))) + text
        lines.append(line.replace("\xa0", " ").rstrip())
    return "\n".join(lines)


def no_blink(screen) -> None:
    """Snapshots must not depend on when the text cursor blinks."""
    for field in screen.query("Input, TextArea"):
        field.cursor_blink = False
