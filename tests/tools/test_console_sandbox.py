"""The tool console against the PO6 sandbox: every tool listed, forms from the real schemas,
calls with results as JSON, validation before sending, two-step confirmations, read-only
refusals and the audit log."""

from __future__ import annotations

import json

from toolhelpers import call_and_wait, choose, fill, header_text, open_tools, result_text, status_text
from uihelpers import account_for, wait_for, wait_idle

from po6_tui.audit import AuditLog
from po6_tui.ui.app import Po6App
from po6_tui.ui.kit.confirm import ConfirmScreen


async def test_lists_every_tool_and_calls_one_with_typed_arguments(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_tools(pilot)
        names = [tool.name for tool in screen.tools]
        assert len(names) == 42 and {"list_mailboxes", "delete_email", "approve_draft"} <= set(names)

        form = await choose(pilot, "list_emails")
        assert "List emails" in str(form.intro)
        # Typed with the keyboard: Enter on the tool goes to its first field.
        await pilot.press("enter")
        await pilot.press(*"mbx_billing")
        fill(form, limit="2")
        await call_and_wait(pilot)
        data = json.loads(result_text(screen))
        assert data["limit"] == 2 and len(data["emails"]) == 2 and data["total"] > 2
        assert all(email["mailbox_id"] == "mbx_billing" for email in data["emails"])
        assert "ok" in header_text(screen)


async def test_bad_values_are_refused_before_sending_and_nothing_typed_is_lost(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_tools(pilot)
        form = await choose(pilot, "list_emails")
        fill(form, mailbox_id="mbx_billing", limit="500")
        await call_and_wait(pilot)
        assert "limit: must be at most 100" in status_text(screen)
        assert result_text(screen) == ""  # nothing was called
        assert app.focused is form.field("limit").widget
        assert form.field("mailbox_id").widget.value == "mbx_billing"

        form.field("mailbox_id").widget.value = ""
        fill(form, limit="5")
        await call_and_wait(pilot)
        assert "mailbox_id: is required" in status_text(screen)

        # Moving to another tool and back keeps each form as it was left.
        await choose(pilot, "list_mailboxes")
        form_again = await choose(pilot, "list_emails")
        assert form_again is form and form.field("limit").widget.value == "5"


async def test_a_tool_error_is_shown_as_the_servers_json_and_the_form_stays(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_tools(pilot)
        form = await choose(pilot, "get_email")
        fill(form, mailbox_id="mbx_billing", email_id="no-such-email")
        await call_and_wait(pilot)
        assert "the tool reported an error" in header_text(screen)
        assert "not found" in result_text(screen).lower()
        assert form.field("email_id").widget.value == "no-such-email"


async def test_writes_and_two_step_deletes_act_only_on_yes_and_are_audited(ui_fresh_sandbox):
    app = Po6App([account_for(ui_fresh_sandbox)], refresh_interval=0)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_tools(pilot)
        # A write asks first, then sends exactly what was typed (a line list becomes a JSON list).
        form = await choose(pilot, "create_draft")
        fill(form, mailbox_id="mbx_outreach", to_addresses="someone@example.com\nother@example.com",
             subject="Hello", body_text="A secret body")
        await call_and_wait(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.click("#confirm")
        await wait_idle(pilot)
        draft = json.loads(result_text(screen))
        assert draft["to_addresses"] == ["someone@example.com", "other@example.com"]
        assert draft["status"] == "pending"

        # A two-step tool: the first call only asks; the server's words are shown; only Yes acts.
        form = await choose(pilot, "list_emails")
        fill(form, mailbox_id="mbx_billing", limit="1")
        await call_and_wait(pilot)
        email_id = json.loads(result_text(screen))["emails"][0]["id"]

        form = await choose(pilot, "delete_email")
        fill(form, mailbox_id="mbx_billing", email_id=email_id)
        await call_and_wait(pilot)  # the first call only asks the server
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        question = app.screen.question
        assert "permanently" in question.server_message.lower()
        assert app.focused.id == "cancel"
        await pilot.press("enter")  # Cancel
        await wait_idle(pilot)
        assert "nothing was done" in status_text(screen)

        form = await choose(pilot, "get_email")
        fill(form, mailbox_id="mbx_billing", email_id=email_id)
        await call_and_wait(pilot)
        assert "ok" in header_text(screen)  # still there

        await choose(pilot, "delete_email")
        await call_and_wait(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.click("#confirm")
        await wait_idle(pilot)
        assert json.loads(result_text(screen)) == {"id": email_id, "deleted": True}

        await choose(pilot, "get_email")
        await call_and_wait(pilot)
        assert "the tool reported an error" in header_text(screen)  # gone for good

    records = [r for r in AuditLog().read_recent() if r.tool == "delete_email"]
    assert [r.outcome for r in records] == ["confirmation requested", "confirmation requested", "ok"]
    assert all(r.targets.get("email_id") == email_id and r.profile == "sandbox" for r in records)
    [record] = [r for r in AuditLog().read_recent() if r.tool == "create_draft"]
    assert record.outcome == "ok" and record.targets == {"mailbox_id": "mbx_outreach"}
    assert "secret" not in AuditLog().path.read_text()  # ids only, never bodies


async def test_a_write_asks_first_and_cancel_sends_nothing(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_tools(pilot)
        form = await choose(pilot, "mark_email")
        fill(form, mailbox_id="mbx_billing", email_id="whatever", action="starred")
        await call_and_wait(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "mark_email" in app.screen.question.title and '"starred"' in app.screen.question.details
        await pilot.press("escape")
        await wait_idle(pilot)
        assert status_text(screen) == "Not called."
        assert result_text(screen) == ""
    assert not [r for r in AuditLog().read_recent() if r.tool == "mark_email"]


async def test_read_only_mode_refuses_writes_and_still_reads(make_app):
    app = make_app(read_only=True)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_tools(pilot)
        form = await choose(pilot, "update_alias")
        fill(form, alias_id="al_1", is_active="false")
        await call_and_wait(pilot)
        assert not isinstance(app.screen, ConfirmScreen)  # refused without asking anything
        assert "Read-only mode: update_alias" in status_text(screen)
        assert "not done" in header_text(screen)

        await choose(pilot, "list_aliases")
        await call_and_wait(pilot)
        assert "aliases" in json.loads(result_text(screen))
    assert not [r for r in AuditLog().read_recent() if r.tool == "update_alias"]


async def test_an_unexpected_failure_never_shows_a_key(make_app, monkeypatch):
    from po6_tui.api import any_tool

    async def broken(*_args, **_kwargs):
        raise RuntimeError("request to /mcp with Authorization: Bearer mcp_po6_abcdefghijklmnopqrstuvwxyz012345 failed")

    monkeypatch.setattr(any_tool, "call", broken)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_tools(pilot)
        await choose(pilot, "list_mailboxes")
        await call_and_wait(pilot)
        shown = result_text(screen)
        assert "failed" in shown and "mcp_po6_abcdefghijklmnopqrstuvwxyz012345" not in shown
