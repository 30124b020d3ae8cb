"""The confirmation shows everything that will be sent (issue 14): every recipient, the whole
body (scrollable), the risks in words, and a batch page by page."""

from __future__ import annotations

from drafthelpers import answer, make_draft, open_drafts, select, status
from uihelpers import wait_for, wait_idle

from po6_tui.ui.outbox.send_review import SendReviewScreen

LONG_BODY = "".join(f"Line {n} of a long message.\n" for n in range(1, 120)) + "The very last line.\n"


async def test_single_confirmation_shows_every_recipient_and_the_whole_body(make_app, tools_box, unique):
    to = [f"r{n}-{unique}@example.com" for n in range(4)]
    draft = await make_draft(tools_box, f"Full view {unique}", to=to, body=LONG_BODY)
    app = make_app(tools_box)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_drafts(pilot)
        select(screen, draft.id)
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, SendReviewScreen), what="the confirmation")
        dialog = app.screen
        shown = str(dialog.query_one("#review-text").render())
        assert all(address in shown for address in to), "every recipient, none cut"
        assert "The very last line." in shown and "Line 60 of" in shown  # the whole body, not one line
        assert dialog.focused is dialog.query_one("#cancel")
        scroll = dialog.query_one("#review-scroll")
        await pilot.press("space")
        await wait_idle(pilot)
        assert scroll.scroll_y > 0, "Space scrolls the message"
        await pilot.press("escape")
        await wait_idle(pilot)
        assert "Send cancelled: nothing was sent." in status(app)


async def test_a_batch_lists_each_draft_with_all_recipients_and_pages_through_them(make_app, tools_box, unique):
    first = await make_draft(tools_box, f"Batch A {unique}", to=["ben@carter-logistics.example", "ops@carter.example"])
    second = await make_draft(tools_box, f"Batch B {unique}", to=["x@example.org"],
                              body="Here is the key: mcp_po6_live_0123456789abcdef\n")
    app = make_app(tools_box)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_drafts(pilot)
        for draft in (first, second):
            select(screen, draft.id)
            await pilot.press("space")
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, SendReviewScreen), what="the confirmation")
        dialog = app.screen

        def shown() -> str:
            return str(dialog.query_one("#review-text").render())

        assert "ben@carter-logistics.example, ops@carter.example" in shown()
        assert f"Batch B {unique}" in shown() and "HIGH" in shown()
        pages = {}
        for _ in range(2):
            await pilot.press("n")
            await wait_idle(pilot)
            pages[len(pages)] = shown()
        assert any("secret: contains a PO6 or Postern API key (mcp_po…)" in page for page in pages.values())
        assert "mcp_po6_live_0123456789abcdef" in "".join(pages.values())  # the body itself is shown whole
        await pilot.press("p", "p")
        await wait_idle(pilot)
        assert "2 messages will be sent" in shown()
        await answer(pilot, yes=False)
        assert "Send cancelled" in status(app)
