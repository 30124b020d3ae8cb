"""Helpers of the drafts tests (imported as `drafthelpers`)."""

from __future__ import annotations

import asyncio
import json

from textual.widgets import Button, DataTable
from uihelpers import UiSandbox, wait_for, wait_idle

from po6_tui.api.po6 import Po6Client
from po6_tui.api.transport import httpx
from po6_tui.ui.kit.confirm import ConfirmScreen
from po6_tui.ui.outbox.send_review import SendReviewScreen
from po6_tui.ui.drafts.drafts_screen import DraftsScreen
from po6_tui.ui.shell.bars import StatusLine


async def client_for(box: UiSandbox, label: str = "plus") -> Po6Client:
    return await Po6Client.connect(box.mcp_url, box.key(label))


async def make_draft(box: UiSandbox, subject: str, *, mailbox_id: str = "mbx_outreach",
                     to: list[str] | None = None, body: str = "Hello from the agent.\n", label: str = "plus"):
    async with await client_for(box, label) as client:
        return await client.create_draft(mailbox_id=mailbox_id, to_addresses=to or ["someone@example.com"],
                                         subject=subject, body_text=body)


async def server_draft(box: UiSandbox, draft_id: str):
    async with await client_for(box) as client:
        return next(d for d in await client.list_drafts(status="all") if d.id == draft_id)


async def sent_log(box: UiSandbox, mailbox_id: str = "mbx_outreach"):
    async with await client_for(box) as client:
        return list((await client.list_sent_emails(mailbox_id=mailbox_id, limit=100)).emails)


def status(app) -> str:
    return str(app.screen.query_one(StatusLine).message)


async def open_drafts(pilot) -> DraftsScreen:
    app = pilot.app
    app.open_view("drafts")
    await wait_for(pilot, lambda: isinstance(app.screen, DraftsScreen) and app.screen.loaded,
                   what="the drafts queue to load")
    await wait_idle(pilot)
    return app.screen


async def settled(pilot, screen: DraftsScreen) -> None:
    """Wait until the risk checks of every pending draft and the conversation of the draft under
    the cursor are in (what a snapshot must show, however loaded the machine is)."""
    await wait_for(pilot, lambda: len(screen.assessments) >= len(screen.queue.pending), 20, "the risk checks")
    current = screen.current()
    if current is not None and not current.expired():
        await wait_for(pilot, lambda: current.key in screen.conversations, 20, "the conversation")
    await wait_idle(pilot)


def select(screen: DraftsScreen, draft_id: str, table: str = "queue") -> None:
    grid = screen.query_one(f"#{table}", DataTable)
    grid.focus()
    grid.move_cursor(row=grid.get_row_index(f"sandbox/{draft_id}"), animate=False)


async def answer(pilot, yes: bool = True, *, idle: bool = True) -> ConfirmScreen:
    """Wait for the confirmation and press its confirm (or Cancel) button; then, with `idle`,
    wait for the work it started."""
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, (ConfirmScreen, SendReviewScreen)), what="the confirmation")
    dialog = app.screen
    assert dialog.focused is dialog.query_one("#cancel", Button), "focus must start on Cancel"
    if yes:
        dialog.query_one("#confirm", Button).press()
    else:
        await pilot.press("enter")
    await wait_for(pilot, lambda: app.screen is not dialog, what="the confirmation to close")
    if idle:
        await wait_idle(pilot)
    return dialog


class DropReply(httpx.AsyncBaseTransport):
    """Loses the reply to one tool call: after the server has acted (`after=True`), or before the
    request reaches it; or, with `status`, answers that HTTP status after the server has acted
    (a proxy's 502). With `hold`, the call waits for that event before it goes to the server
    (a slow server). Everything else passes through to the real sandbox."""

    def __init__(self, inner: httpx.AsyncBaseTransport, tool: str, *, after: bool = True,
                 status: int | None = None, hold: asyncio.Event | None = None) -> None:
        self.inner = inner
        self.tool = tool
        self.after = after
        self.status = status
        self.hold = hold
        self.dropped = 0
        self.calls = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            body = json.loads(request.content or b"{}")
        except ValueError:
            body = {}
        call = (isinstance(body, dict) and body.get("method") == "tools/call"
                and body.get("params", {}).get("name") == self.tool)
        self.calls += call
        if call and self.hold is not None:
            await self.hold.wait()
            return await self.inner.handle_async_request(request)
        hit = call and not self.dropped
        if hit and self.status is not None:
            await (await self.inner.handle_async_request(request)).aread()
            self.dropped += 1
            return httpx.Response(self.status, text="Bad gateway", request=request)
        if hit and not self.after:
            self.dropped += 1
            raise httpx.ConnectError("connection refused", request=request)
        response = await self.inner.handle_async_request(request)
        if hit:
            await response.aread()
            self.dropped += 1
            raise httpx.ReadError("connection reset by peer", request=request)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


async def drop_replies(app, tool: str, *, after: bool = True, status: int | None = None,
                       hold: asyncio.Event | None = None) -> DropReply:
    """Make the app's own connection lose the reply to the next `tool` call (see DropReply)."""
    client = await app.active.po6_client()
    http = client.mcp._http
    transport = DropReply(http._transport, tool, after=after, status=status, hold=hold)
    http._transport = transport
    return transport
