"""The sent log (filters, problems standing out) and the queue's order and time left, read
from the shared read-only sandbox."""

from __future__ import annotations

from drafthelpers import client_for, make_draft, open_drafts, select
from uihelpers import screen_text, wait_for, wait_idle

from po6_tui.ui.drafts import decisions as dd
from po6_tui.ui.outbox.sent_screen import SentScreen


async def test_queue_order_time_left_and_urgency(make_app, ui_sandbox):
    app = make_app(ui_sandbox)
    async with app.run_test(size=(120, 35)) as pilot:
        screen = await open_drafts(pilot)
        pending = [i for i in screen.queue.pending if i.draft.id.startswith("drf_demo")]  # (not the risk demos)
        assert [i.draft.id for i in pending] == ["drf_demo01", "drf_demo02", "drf_demo03", "drf_demo04",
                                                 "drf_demo05", "drf_demo06"]
        lefts = [dd.time_left(i) for i in pending]
        assert lefts[0] == ("9m", True) and lefts[2] == ("3h 00m", True) and lefts[3] == ("20h 00m", False)
        assert lefts[5] == ("2d 23h", False)
        assert [i.mailbox_address for i in pending[:2]] == ["outreach-agent@po6.com", "support-agent@po6.com"]
        # The preview shows the whole draft, sanitised (the emoji is kept, nothing runs as markup).
        preview = str(screen.query_one("#preview-text").content)
        assert "To       alicia@northstar.example" in preview and "Our Plus plan is $49/month" in preview
        await pilot.press("j")
        assert "furious@example.net" in str(screen.query_one("#preview-text").content)


async def open_outreach_sent(pilot) -> SentScreen:
    """`:sent`, on outreach-agent's sent log (its five seeded sends)."""
    app = pilot.app
    app.open_view("sent")
    await wait_for(pilot, lambda: isinstance(app.screen, SentScreen) and app.screen.emails)
    screen = app.screen
    screen.query_one("#mailbox").value = "mbx_outreach"
    await wait_for(pilot, lambda: screen.mailbox_id == "mbx_outreach" and len(screen.emails) == 5)
    return screen


async def test_sent_log_filters_and_problems(make_app, ui_sandbox):
    app = make_app(ui_sandbox)
    async with app.run_test(size=(120, 35)) as pilot:
        screen = await open_outreach_sent(pilot)
        await wait_idle(pilot)
        header = str(screen.query_one("#sent-header").content)
        assert "5 shown of 5 sent" in header and "⚠ 1 bounced or failed" in header
        await pilot.press("v")  # agents (MCP) only
        assert [e.sent_via for e in screen._visible()] == ["mcp"] * 3
        await pilot.press("v", "v", "v")  # back to everyone
        await pilot.press("b")  # problems only
        assert [(e.delivery_status, e.to_addresses) for e in screen._visible()] == [
            ("bounced", ["lead@closed-company.invalid"])]


async def test_hostile_draft_is_shown_safely(make_app, tools_box, unique):
    hostile = f"[@click=app.quit]Click {unique}[/] \x1b]52;c;ZXZpbA==\x07\u202eevil"
    draft = await make_draft(tools_box, hostile, body="[b]not bold[/b] \x1b[2J\u200bhidden\n")
    app = make_app(tools_box)
    async with app.run_test(size=(120, 35)) as pilot:
        screen = await open_drafts(pilot)
        select(screen, draft.id)
        await wait_idle(pilot)
        preview = screen.query_one("#preview-text").content
        shown = preview.plain
        assert f"[@click=app.quit]Click {unique}[/]" in shown and "⟦U+202E⟧evil" in shown
        assert "\x1b" not in shown and "]52;" not in shown and "⟦U+200B⟧hidden" in shown
        assert "[b]not bold[/b]" in shown
        await pilot.click("#preview")  # nothing in it is a link to an action
        assert app.is_running


async def test_enter_opens_a_bounced_send_with_its_reason(make_app, ui_sandbox):
    from po6_tui.ui.outbox.sent_message import SentMessageScreen

    app = make_app(ui_sandbox)
    async with app.run_test(size=(120, 35)) as pilot:
        screen = await open_outreach_sent(pilot)
        await pilot.press("b", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SentMessageScreen) and app.screen.detail is not None)
        await wait_idle(pilot)
        headers = _plain(app.screen.query_one("#headers"))
        assert "lead@closed-company.invalid" in headers
        assert "bounced (the receiving side refused it)" in headers
        assert "<lead@closed-company.invalid>: host not found (from the bounce notice of" in headers
        await pilot.press("q")
        assert app.screen is screen


async def test_enter_opens_the_full_message_from_the_sent_folder(make_app, tools_box, unique):
    from po6_tui.ui.kit.message_body import MessageBodyView
    from po6_tui.ui.outbox.sent_message import SentMessageScreen

    async with await client_for(tools_box) as client:
        await client.compose_email(mailbox_id="mbx_research", to_addresses=[f"x-{unique}@nowhere.invalid"],
                                   cc_addresses=["cy@example.com"], subject=f"Report {unique}",
                                   body_text=f"The full text {unique}.")
    app = make_app(tools_box)
    async with app.run_test(size=(120, 35)) as pilot:
        app.open_view("sent")
        await wait_for(pilot, lambda: isinstance(app.screen, SentScreen) and app.screen.emails)
        screen = app.screen
        screen.query_one("#mailbox").value = "mbx_research"
        await wait_for(pilot, lambda: screen.mailbox_id == "mbx_research" and screen.emails
                       and screen.emails[0].subject == f"Report {unique}")
        await wait_idle(pilot)
        await pilot.press("g", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SentMessageScreen) and app.screen.detail is not None)
        await wait_idle(pilot)
        assert f"The full text {unique}." in app.screen.query_one(MessageBodyView).body.plain
        headers = _plain(app.screen.query_one("#headers"))
        assert f"x-{unique}@nowhere.invalid" in headers and "cy@example.com" in headers
        assert "PO6 gives no reason with the status, and no bounce notice in this mailbox names a recipient." \
            in " ".join(headers.split())


def _plain(widget) -> str:
    import io

    from rich.console import Console

    console = Console(width=200, record=True, color_system=None, file=io.StringIO())
    console.print(widget.content)
    return console.export_text()


async def test_the_drafts_queue_keeps_the_subject_readable_at_80_columns(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_drafts(pilot)
        table = app.screen.query_one("#queue")
        subject = [c for c in table.ordered_columns if str(c.label) == "Subject"]
        assert subject and subject[0].width >= 20  # was 15 at 80 columns
        await wait_for(pilot, lambda: "Re: THIS IS UNACCEPTABL" in screen_text(app), what="the subject")


async def test_all_mailboxes_merge_the_sent_logs_with_a_mailbox_column_and_a_filter(make_app, ui_sandbox):
    from po6_tui.ui.outbox.sent_message import SentMessageScreen
    from po6_tui.ui.outbox.sent_screen import ALL

    app = make_app(ui_sandbox)
    async with app.run_test(size=(120, 35)) as pilot:
        screen = await open_outreach_sent(pilot)
        await pilot.press("greater_than_sign")  # from the last mailbox, > wraps round to All mailboxes
        for _ in range(10):
            if screen.mailbox_id == ALL:
                break
            await pilot.press("greater_than_sign")
        await wait_for(pilot, lambda: screen.mailbox_id == ALL and len(set(screen.mailbox_of.values())) > 1,
                       what="every mailbox's sends")
        table = screen.query_one("#sent")
        assert [str(c.label) for c in table.ordered_columns][:2] == ["Sent", "Mailbox"]
        dates = [e.sent_at for e in screen.emails]
        assert dates == sorted(dates, reverse=True)  # merged newest first
        assert "outreach-agent" in screen_text(app) and "ops-agent" in screen_text(app)

        await pilot.press("slash")
        await pilot.press(*"closed-company")
        await pilot.press("enter")
        await wait_for(pilot, lambda: table.row_count == 1, what="one match")
        assert "Esc clears the filter" in str(screen.query_one("StatusLine").message)
        await pilot.press("enter")  # opened from its own mailbox's log
        await wait_for(pilot, lambda: isinstance(app.screen, SentMessageScreen) and app.screen.detail is not None)
        assert "outreach-agent@po6.com" in _plain(app.screen.query_one("#headers"))
        await pilot.press("q")
        await pilot.press("escape")
        await wait_for(pilot, lambda: table.row_count > 1, what="the filter cleared")
