"""Writes (issue 7): never retried blindly, refused in read-only mode before any I/O, and every
write the app makes recorded in the audit log and shown by `:log` (never a body or a key)."""

from __future__ import annotations

import inspect
import json
from typing import Any

import pytest
from calls import record_calls
from drafthelpers import drop_replies
from textual.widgets import Button, Input, OptionList, TextArea
from uihelpers import type_command, wait_for, wait_idle, wait_list

from po6_tui.api import any_tool
from po6_tui.api.errors import ReadOnlyError
from po6_tui.api.mcp import McpClient
from po6_tui.api.models import ConfirmationRequest
from po6_tui.api.po6 import WRITE_TOOLS, Po6Client
from po6_tui.api.postern import WRITE_OPERATIONS, PosternClient
from po6_tui.audit import AuditLog
from po6_tui.ui.kit.prompt import PromptScreen
from po6_tui.ui.outbox.compose import ComposeScreen
from po6_tui.ui.kit.confirm import ConfirmScreen
from po6_tui.ui.outbox.send_review import SendReviewScreen

CONFIRMATIONS = (ConfirmScreen, SendReviewScreen)
from po6_tui.ui.log.log_screen import LogScreen
from po6_tui.ui.mail.pickers import FolderPicker
from po6_tui.ui.shell.bars import StatusLine, TopBar


def status(app) -> str:  # noqa: ANN001
    return str(app.screen.query_one(StatusLine).message)


async def confirm_dialog(pilot) -> None:  # noqa: ANN001
    """Say yes to the confirmation in front (typing the name when it asks for it)."""
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, CONFIRMATIONS), 10, "a confirmation")
    dialog = app.screen
    if isinstance(dialog, ConfirmScreen) and dialog.question.type_to_confirm:
        dialog.query_one("#typed", Input).value = dialog.question.type_to_confirm
        await pilot.pause()
    dialog.query_one("#confirm", Button).press()
    await wait_for(pilot, lambda: app.screen is not dialog, 10, "the confirmation to close")
    await wait_idle(pilot)


async def send_from_compose(pilot, subject: str, to: str = "ada@example.com") -> str:  # noqa: ANN001
    """Fill the compose screen in front and send it (confirming); returns the status line."""
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, ComposeScreen) and app.screen.is_mounted, 20,
                   "the compose screen")
    await wait_idle(pilot)
    screen = app.screen
    if screen.mode != "reply":
        screen.query_one("#to", Input).value = to
    if screen.query("#subject"):
        screen.query_one("#subject", Input).value = subject
    screen.query_one("#body", TextArea).text = "SECRET-BODY-TEXT must never reach the audit log."
    await pilot.press("ctrl+s")
    await wait_idle(pilot)
    if isinstance(app.screen, CONFIRMATIONS):
        await confirm_dialog(pilot)
    return status(app)


# -- never retried blindly ---------------------------------------------------------------------

async def test_a_write_whose_reply_is_lost_is_not_repeated(fault_box, app_on, monkeypatch, tmp_path):
    box = fault_box()
    calls = record_calls(monkeypatch)
    app = app_on(box)
    async with app.run_test(size=(120, 35)) as pilot:
        messages = await wait_list(pilot)
        target = messages.current
        dropped = await drop_replies(app, "mark_email")  # the server stars it; the reply is lost
        await pilot.press("F")
        await wait_idle(pilot)
        assert dropped.dropped == 1 and calls.tools["mark_email"] == 1  # one request, never a second
        shown = status(app)
        assert "Starred 0 of 1; then: The connection to 127.0.0.1:" in shown
        assert "mark_email may or may not have taken effect; check before trying again." in shown
        await wait_idle(pilot)
        assert calls.tools["mark_email"] == 1  # not even once the connection watch has looked
        assert app.connection_banner == ""  # a lost reply is not a lost server
    async with McpClient(box.mcp_url, box.key("plus")) as mcp:
        email = (await mcp.call_tool("get_email", {"mailbox_id": target.mailbox_id, "email_id": target.id})).data()
    assert email["is_starred"] is True  # it did happen, exactly once
    record = AuditLog().read_recent(5)[-1]
    assert record.tool == "mark_email" and record.outcome.startswith("error:") and "may or may not" in record.outcome


async def test_sends_under_drop_rate_reach_the_server_once_each(fault_box, app_on, monkeypatch):
    """--drop-rate cuts connections at random; each send is one request whatever happens, so the
    sent log holds exactly the sends the app reported as sent."""
    from po6_tui.ui.outbox.compose import open_compose

    box = fault_box("--drop-rate", "0.35", "--fault-seed", "11")
    calls = record_calls(monkeypatch)
    app = app_on(box)
    attempts, reported_sent = 0, 0
    async with app.run_test(size=(120, 35)) as pilot:
        await wait_list(pilot, timeout=60)
        for number in range(12):
            if attempts == 4:
                break
            open_compose(app, "compose", "mbx_research")
            try:
                await wait_for(pilot, lambda: isinstance(app.screen, ComposeScreen), 15, "compose")
            except AssertionError:
                continue  # getting ready (reads) failed after its retries: the operator tries again
            before = calls.tools["compose_email"]
            shown = await send_from_compose(pilot, f"Drop test {number}")
            if calls.tools["compose_email"] == before:
                continue  # the send itself was never attempted (e.g. the confirmation's reads failed)
            attempts += 1
            assert calls.tools["compose_email"] == before + 1, shown  # one request per send, never more
            if shown.startswith("Sent to"):
                reported_sent += 1
            while isinstance(app.screen, ComposeScreen):  # a failed send keeps the text: leave it
                await pilot.press("ctrl+r")
                await wait_idle(pilot)
                if isinstance(app.screen, CONFIRMATIONS):
                    await confirm_dialog(pilot)
        assert app.is_running
    assert attempts == 4 and calls.tools["compose_email"] == 4
    # Read the sent log through the same faults, with patience (reads may be retried).
    async with await Po6Client.connect(box.mcp_url, box.key("plus"), retry_attempts=12) as client:
        sent = await client.list_sent_emails(mailbox_id="mbx_research", limit=100)
    count = sum((e.subject or "").startswith("Drop test") for e in sent.emails)
    assert reported_sent <= count <= 4


# -- read-only ------------------------------------------------------------------------------------

def _dummy(name: str, annotation: Any) -> Any:
    text = str(annotation)
    if "list" in text:
        return ["someone@example.com"]
    if "bool" in text:
        return True
    if "dict" in text:
        return {"widgets": []}
    if "int" in text or "float" in text:
        return 1
    return f"x_{name}"


async def test_every_write_tool_is_refused_before_any_io(monkeypatch):
    """Enumerate PO6's WRITE_TOOLS and Postern's WRITE_OPERATIONS: in read-only mode each one is
    refused by the client with a message, and nothing reaches the network."""
    calls = record_calls(monkeypatch)
    sent: list[str] = []

    def nowhere(request):  # noqa: ANN001, ANN202 (an httpx mock transport that records and refuses)
        sent.append(f"{request.method} {request.url}")
        raise AssertionError("read-only mode must not send anything")

    from po6_tui.api.transport import httpx

    po6 = Po6Client(McpClient("http://127.0.0.1:9/mcp", "mcp_po6_readonlytest"), read_only=True)
    po6._tools = {}  # no tools/list needed: the refusal comes first
    assert len(WRITE_TOOLS) >= 19
    for tool in sorted(WRITE_TOOLS):
        method = getattr(po6, tool)
        params = inspect.signature(method).parameters.values()
        arguments = {p.name: _dummy(p.name, p.annotation) for p in params if p.default is inspect.Parameter.empty}
        with pytest.raises(ReadOnlyError, match=f"Read-only mode: {tool} was not sent"):
            await method(**arguments)
        console_tool = any_tool.ToolInfo(tool)
        with pytest.raises(ReadOnlyError):
            await any_tool.call(po6, console_tool, {})
    with pytest.raises(ReadOnlyError):
        await po6.confirm(ConfirmationRequest(tool="delete_email", arguments={"email_id": "e"}, token="ct_x",
                                              message="", expires_in_seconds=60))
    await po6.aclose()

    postern = PosternClient("http://127.0.0.1:9", "pk_agent_readonlytest", read_only=True,
                            transport=httpx.MockTransport(nowhere))
    for operation in sorted(WRITE_OPERATIONS):
        method = getattr(postern, operation)
        params = inspect.signature(method).parameters.values()
        arguments = {p.name: _dummy(p.name, p.annotation) for p in params
                     if p.default is inspect.Parameter.empty and p.kind is not inspect.Parameter.VAR_KEYWORD}
        with pytest.raises(ReadOnlyError, match=f"Postern {operation} was not sent"):
            await method(**arguments)
    await postern.aclose()
    assert not calls.tools and not calls.postern and not sent


async def call_action(screen, action: str) -> None:  # noqa: ANN001
    """Run `action_NAME(args)` itself: Textual's run_action would ask check_action first."""
    name, _, args = action.partition("(")
    params = [a.strip().strip("'\"") for a in args.rstrip(")").split(",")] if args else []
    result = getattr(screen, f"action_{name}")(*params)
    if inspect.isawaitable(result):
        await result


def _footer_keys(app) -> dict[str, str]:
    """What the footer offers: key → description (the bindings Textual shows)."""
    return {binding.key: binding.description for _, binding, enabled, _ in app.screen.active_bindings.values()
            if binding.show and enabled}


async def test_read_only_mode_takes_write_keys_off_the_footer(fault_box, app_on, monkeypatch):
    box = fault_box()
    writes = {"Read/unread", "Star", "Move", "Trash"}
    app = app_on(box)
    async with app.run_test(size=(160, 35)) as pilot:  # the ordinary app offers them
        await wait_list(pilot)
        assert writes <= set(_footer_keys(app).values())
        await type_command(pilot, "drafts")
        await wait_for(pilot, lambda: getattr(app.screen, "loaded", False), 15, "the drafts queue")
        assert {"Approve", "Reject"} <= set(_footer_keys(app).values())

    calls = record_calls(monkeypatch)
    app = app_on(box, read_only=True)
    async with app.run_test(size=(160, 35)) as pilot:
        await wait_list(pilot)
        assert not writes & set(_footer_keys(app).values())
        mail = app.screen
        for key in ("N", "F", "s", "d", "m", "r", "f"):  # nothing opens, nothing is asked, nothing is called
            await pilot.press(key)
            await wait_idle(pilot)
            assert app.screen is mail, key
        await type_command(pilot, "drafts")
        await wait_for(pilot, lambda: getattr(app.screen, "loaded", False), 15, "the drafts queue")
        assert not {"Approve", "Reject"} & set(_footer_keys(app).values())
        drafts = app.screen
        for key in ("y", "x", "m"):
            await pilot.press(key)
            await wait_idle(pilot)
            assert app.screen is drafts, key
    written = {"mark_email", "move_email", "delete_email", "approve_draft", "reject_draft", "compose_email"}
    assert not written & set(calls.tools), calls.tools


async def test_write_actions_in_the_app_are_refused_in_read_only_mode(fault_box, app_on, monkeypatch):
    box = fault_box()
    calls = record_calls(monkeypatch)
    app = app_on(box, read_only=True)
    refusals: list[str] = []
    async with app.run_test(size=(120, 35)) as pilot:
        await wait_list(pilot)
        assert "READ-ONLY" in str(app.screen.query_one(TopBar).content)

        async def refused(what: str) -> None:
            await wait_idle(pilot)
            text = status(app)
            assert "read-only" in text.lower(), f"{what}: {text!r}"
            refusals.append(text)

        # The keys are gone (test_read_only_mode_takes_write_keys_off_the_footer); the actions,
        # reached another way (the command palette), still refuse.
        async def act(action: str) -> None:
            await call_action(app.screen, action)

        for action in ("toggle_read", "toggle_star"):
            await act(action)
            await refused(action)
        await act("move")  # move: pick a folder
        await wait_for(pilot, lambda: isinstance(app.screen, FolderPicker), 10)
        app.screen.query_one(OptionList).highlighted = 0
        await pilot.press("enter")
        await refused("move")
        await act("delete")  # delete: the first (asking) call is already refused
        await wait_idle(pilot)
        if isinstance(app.screen, ConfirmScreen):
            await confirm_dialog(pilot)
        await refused("delete")
        for key in ("compose", "reply", "forward"):
            await act(f"compose('{key}')")
            text = await send_from_compose(pilot, f"read-only {key}")
            assert "read-only" in text.lower(), (key, text)
            refusals.append(text)
            await pilot.press("escape")  # back, text kept (nothing lost)
            await wait_idle(pilot)

        await type_command(pilot, "drafts")  # drafts: approve and reject
        await wait_for(pilot, lambda: getattr(app.screen, "loaded", False), 15, "the drafts queue")
        await act("approve")  # refused at once: no confirmation for what cannot happen
        await wait_idle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        await refused("approve")
        await act("reject")  # likewise: no reason prompt
        await wait_idle(pilot)
        assert not isinstance(app.screen, PromptScreen)
        await refused("reject")
        assert app.is_running

    written = {tool for tool in calls.tools if tool in WRITE_TOOLS}
    assert written == set(), f"write tools reached the server in read-only mode: {written}"
    assert calls.postern_writes() == []
    assert len(refusals) >= 9


async def test_a_read_only_profile_shows_the_badge_and_refuses(fault_box, app_on, monkeypatch):
    from po6_tui.ui.app import Po6App
    from uihelpers import account_for

    box = fault_box()
    calls = record_calls(monkeypatch)
    app = Po6App([account_for(box, read_only=True)], refresh_interval=0)  # the profile says so, not --read-only
    async with app.run_test(size=(120, 35)) as pilot:
        await wait_list(pilot)
        assert "READ-ONLY" in str(app.screen.query_one(TopBar).content)
        assert "Star" not in _footer_keys(app).values()  # the profile's read-only takes the key off
        await call_action(app.screen, "toggle_star")  # and the action itself refuses
        await wait_idle(pilot)
        assert "Read-only mode: mark_email was not sent." in status(app)
    assert "mark_email" not in calls.tools


# -- the audit log ----------------------------------------------------------------------------------

async def test_writes_made_in_the_app_show_in_the_log_view(fault_box, app_on):
    from po6_tui.ui.outbox.compose import open_compose

    box = fault_box()
    app = app_on(box)
    async with app.run_test(size=(140, 35)) as pilot:
        messages = await wait_list(pilot)
        starred = messages.current
        await pilot.press("F")
        await wait_idle(pilot)
        open_compose(app, "compose", "mbx_research")
        shown = await send_from_compose(pilot, "Audit SECRET-SUBJECT")
        assert shown.startswith("Sent to"), shown

        await type_command(pilot, "log")
        await wait_for(pilot, lambda: isinstance(app.screen, LogScreen) and app.screen.records, 10, "the log")
        log = app.screen
        tools = [record.tool for record in log.records]
        assert tools[:2] == ["compose_email", "mark_email"]  # newest first
        star = log.records[1]
        assert star.targets["email_id"] == starred.id and star.targets["action"] == "starred"
        assert star.outcome == "ok" and star.profile == "sandbox"
        table_text = "\n".join(" ".join(str(cell) for cell in log.query_one("DataTable").get_row_at(i))
                               for i in range(len(log.shown)))
        assert "compose_email" in table_text and "mailbox_id=mbx_research" in table_text
        assert "action=starred" in table_text and f"email_id={starred.id}" in table_text

        log.set_filter("mark_email starred")  # `/` filters; Esc clears
        assert [r.tool for r in log.shown] == ["mark_email"]
        await pilot.press("escape")
        assert len(log.shown) == len(log.records)

    raw = AuditLog().path.read_text()
    assert "SECRET-BODY-TEXT" not in raw and "SECRET-SUBJECT" not in raw and box.key("plus") not in raw
    assert all(set(json.loads(line)) == {"time", "profile", "tool", "targets", "outcome"} for line in raw.splitlines())


async def test_q_asks_before_quitting_while_a_write_waits_for_its_answer(fault_box, app_on):
    from drafthelpers import answer, status

    from po6_tui.api import in_flight

    box = fault_box("--fault-after-write", "slow:3")  # the star is made, its answer held 3 s
    app = app_on(box)
    async with app.run_test(size=(120, 35)) as pilot:
        await wait_list(pilot)
        mail = app.screen
        await pilot.press("F")
        await wait_for(pilot, lambda: in_flight.waiting() == ["mark_email"], what="the write on its way")
        await pilot.press("q")
        dialog = await answer(pilot, yes=False, idle=False)  # Cancel: stay
        assert "Quit while 1 write waits" in dialog.question.title and "mark_email" in dialog.question.details
        assert app.is_running and app.screen is mail and "Not quit" in status(app)
        await wait_for(pilot, lambda: not in_flight.waiting(), 15, "the answer")
        await wait_idle(pilot)
        await pilot.press("q")  # nothing waits: q quits at once, no question
        await wait_for(pilot, lambda: app.return_code is not None, 5, "the app to quit")
        assert not isinstance(app.screen, ConfirmScreen)
