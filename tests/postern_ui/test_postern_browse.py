"""Browsing a Postern account: inboxes, inbound/outbound/unread, threads, the reader, accounts."""

from __future__ import annotations

from posternhelpers import OUTREACH, SIGNUP, SUPPORT, open_postern, screen_text, wait_listing
from textual import events
from uihelpers import type_command, wait_for, wait_idle

from po6_tui.ui.mail.mail_screen import MailScreen
from po6_tui.ui.postern.forms import AccountPicker
from po6_tui.ui.postern.reader import PosternReaderScreen, PosternThreadScreen
from po6_tui.ui.kit.message_body import MessageBodyView


def subjects(screen) -> list[str]:
    return [item.subject for item in screen.messages.items]


async def test_inboxes_and_the_three_listings(make_postern_app):
    app = make_postern_app()
    async with app.run_test(size=(120, 35)) as pilot:
        screen = await open_postern(pilot)
        assert [inbox.address for inbox in screen.inboxes.items] == [OUTREACH, SUPPORT, SIGNUP]
        assert app.account_label == "sandbox-postern"  # the top bar names the account shown

        await pilot.press("tab")  # to the inbox list
        # next inbox, back to its messages: as one burst, the way a terminal delivers fast typing
        app.post_message(events.Key("j", "j"))
        app.post_message(events.Key("enter", "\r"))
        await wait_listing(pilot, screen, 4)
        assert screen.inbox.address == SUPPORT and screen.messages.has_focus

        await pilot.press("i")
        await wait_listing(pilot, screen, 3)
        assert {m.direction for m in screen.messages.items} == {"inbound"}
        await pilot.press("o")
        await wait_listing(pilot, screen, 1)
        assert subjects(screen) == ["Re: Invoice #1042 looks wrong"]
        assert screen.messages.items[0].direction == "outbound"

        await pilot.press("a", "U")
        await wait_listing(pilot, screen, 2)
        assert all(m.unread for m in screen.messages.items)
        assert "unread only" in str(screen.query_one("#postern-header").render())

        await pilot.press("escape")
        await wait_listing(pilot, screen, 4)
        assert screen.listing == "all" and not screen.unread_only


async def test_an_empty_listing_says_so(make_postern_app):
    app = make_postern_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_postern(pilot, SIGNUP)
        await pilot.press("o")
        await wait_listing(pilot, screen, 0)
        assert "No message here (Esc shows all)." in str(screen.query_one("#postern-empty").render())


async def test_open_a_thread_then_read_its_messages(make_postern_app, postern_box):
    app = make_postern_app(postern_box)
    async with app.run_test(size=(120, 35)) as pilot:
        screen = await open_postern(pilot, SUPPORT)
        await pilot.press("t")
        await wait_listing(pilot, screen, 2)
        threads = {thread.subject: thread for thread in screen.messages.items}
        assert threads["Invoice #1042 looks wrong"].message_count == 3

        row = [t.subject for t in screen.messages.items].index("Invoice #1042 looks wrong")
        screen.messages.move_cursor(row=row)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, PosternThreadScreen) and app.screen.table.loaded)
        await wait_idle(pilot)
        thread = app.screen
        assert [m.direction for m in thread.table.items] == ["inbound", "outbound", "inbound"]  # oldest first
        assert thread.table.cursor_row == 2  # on the newest, the one to answer
        below = thread.query_one("#thread-text")
        await wait_for(pilot, lambda: "Unread: Enter opens it" in str(below.render()), what="the unread one's snippet")
        assert thread.table.items[2].unread  # not read in passing: Postern would mark it read
        await pilot.press("k")  # the answer the operator's side sent: read in place
        await wait_for(pilot, lambda: "You are right: 3 seats were removed" in str(below.render()), what="read below")
        await pilot.press("j")

        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, PosternReaderScreen) and app.screen.message is not None)
        await wait_idle(pilot)
        assert "When will the credit show up" in app.screen.query_one(MessageBodyView).body.plain
        await pilot.press("q")
        await wait_idle(pilot)
        assert app.screen is thread and not thread.table.items[2].unread  # reading marked it read

        await pilot.press("q")
        await wait_idle(pilot)
        assert app.screen is screen


async def test_read_a_message_marks_it_read_in_the_list(make_postern_app, postern_box):
    app = make_postern_app(postern_box)
    async with app.run_test(size=(120, 35)) as pilot:
        screen = await open_postern(pilot, SIGNUP)
        assert subjects(screen)[0] == "Your verification code" and screen.messages.items[0].unread
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, PosternReaderScreen) and app.screen.message is not None)
        await wait_idle(pilot)
        reader = app.screen
        assert "Your verification code is 482913." in reader.query_one(MessageBodyView).body.plain
        headers = screen_text(app)
        assert "security@bank.example" in headers and "Example Bank" in headers
        await pilot.press("escape")
        await wait_idle(pilot)
        assert app.screen is screen and not screen.messages.items[0].unread


async def test_the_account_picker_switches_between_postern_and_po6(make_postern_app):
    app = make_postern_app(with_po6=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_postern(pilot)
        assert app.account_label == "sandbox-postern"
        assert not screen.messages.current.unread  # reading it changes nothing in the shared sandbox
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, PosternReaderScreen))
        await type_command(pilot, "mail")  # left from the reader: the top bar names the PO6 account again
        await wait_for(pilot, lambda: isinstance(app.screen, MailScreen))
        assert app.account_label == "sandbox"
        await type_command(pilot, "postern")
        await wait_for(pilot, lambda: isinstance(app.screen, PosternReaderScreen))
        assert app.account_label == "sandbox-postern"
        await pilot.press("q", "A")
        await wait_for(pilot, lambda: isinstance(app.screen, AccountPicker))
        picker_text = screen_text(app)
        assert "sandbox-postern" in picker_text and "PO6" in picker_text and "Postern" in picker_text
        await pilot.press("home", "enter")  # the PO6 account "sandbox", first in the session
        await wait_for(pilot, lambda: isinstance(app.screen, MailScreen))
        await wait_idle(pilot)
        assert app.current_mode == "mail" and app.account_label == "sandbox"


async def test_read_only_account_still_browses(make_postern_app):
    app = make_postern_app(label="postern-readonly", read_only=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_postern(pilot, SUPPORT)
        assert len(screen.messages.items) == 4
        assert "read-only" in str(screen.query_one("#postern-account").render())


async def test_long_listings_load_the_next_page_at_the_bottom(make_postern_app, monkeypatch):
    from po6_tui.ui.postern import postern_screen as postern

    monkeypatch.setattr(postern, "PAGE_SIZE", 3)
    app = make_postern_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_postern(pilot, SUPPORT)
        assert len(screen.messages.items) == 3 and screen.messages.more
        assert "3+ messages" in screen_text(app)
        await pilot.press("G")  # the last loaded row asks for the next page
        await wait_listing(pilot, screen, 4)
        assert not screen.messages.more and "4 messages" in screen_text(app)
        assert len({m.id for m in screen.messages.items}) == 4


async def test_ctx_opens_a_postern_account_in_its_view_and_a_po6_one_in_mail(make_postern_app):
    app = make_postern_app(with_po6=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, MailScreen))
        await pilot.press("colon", *"ctx sa", "tab")  # completion offers every account, Postern too
        assert app.screen.query_one("Input").value.startswith("ctx sandbox")
        app.screen.query_one("Input").value = "ctx sandbox-postern"
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.current_mode == "postern" and app.account_label == "sandbox-postern")
        await wait_listing(pilot, app.screen_stack[0])
        await type_command(pilot, "ctx sandbox")
        await wait_for(pilot, lambda: isinstance(app.screen, MailScreen) and app.account_label == "sandbox")
