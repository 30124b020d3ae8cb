"""The Postern reader is the one reader (kit/reader.py): the look-alike sender warning, h and v,
the same keys as the PO6 reader; and in read-only mode, opening unread mail (which Postern
marks read) asks first (issue 16, item 7)."""

from __future__ import annotations

from posternhelpers import new_inbox, open_postern, screen_text
from test_postern_watcher import cli_deliver
from uihelpers import wait_for, wait_idle

from po6_tui.api.postern import PosternClient
from po6_tui.ui.kit.confirm import ConfirmScreen
from po6_tui.ui.postern.reader import PosternReaderScreen

LOOK_ALIKE = "PayPal <service@p\u0430ypal.com>"  # a Cyrillic а


async def deliver_from(box, to: str, sender: str, subject: str) -> None:
    await cli_deliver(box.db, to, subject, "Please confirm your account.\n", sender=sender)


async def read_first(pilot, inbox: str) -> None:
    """Open `inbox` in the Postern view and its newest message in the reader."""
    app = pilot.app
    await open_postern(pilot, inbox)
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, PosternReaderScreen) and app.screen.message is not None)
    await wait_idle(pilot)


async def test_the_postern_reader_warns_of_a_look_alike_sender_and_has_h_and_v(make_postern_app, postern_box):
    inbox = await new_inbox(postern_box, "lookalike")
    await deliver_from(postern_box, inbox, LOOK_ALIKE, "Account check")
    app = make_postern_app(postern_box)
    async with app.run_test(size=(120, 35)) as pilot:
        await read_first(pilot, inbox)
        text = screen_text(app)
        assert "suspicious sender: mixes alphabets in" in text
        await pilot.press("h")  # every header
        await wait_idle(pilot)
        assert app.screen.full_headers and "Subject" in screen_text(app)
        await pilot.press("v")  # only a text version here: said so
        await wait_idle(pilot)
        assert "only one version" in screen_text(app)
        keys = {binding.id for binding in app.screen._merge_bindings().key_to_bindings.get("q", [])}
        assert keys == {"reader.back"}  # the same ids as the PO6 reader


async def test_read_only_asks_before_opening_unread_postern_mail(make_postern_app, postern_box):
    inbox, sender = await new_inbox(postern_box, "ro-read"), await new_inbox(postern_box, "ro-sender")
    async with PosternClient(postern_box.url, postern_box.key("postern-agent")) as client:
        sent = await client.send(sender, inbox, "Unread until you say so", text="hello")
    app = make_postern_app(postern_box, read_only=True)
    async with app.run_test(size=(120, 35)) as pilot:
        await open_postern(pilot, inbox)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the question")
        await pilot.press("enter")  # focus is on Cancel
        await wait_idle(pilot)
        assert not isinstance(app.screen, PosternReaderScreen)
        assert "stays unread" in screen_text(app)
    async with PosternClient(postern_box.url, postern_box.key("postern-agent")) as client:
        page = await client.list_messages(inbox, direction="inbound")
        assert [m.unread for m in page.data] == [True], "nothing changed on the server"
    assert sent


async def test_the_postern_reader_numbers_links_and_lists_attachments(make_postern_app, postern_box):
    from email.message import EmailMessage

    from uihelpers import deliver

    from po6_tui.ui.kit.links import LinksScreen

    inbox = await new_inbox(postern_box, "links")
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "Shop <no-reply@shop.example>", inbox, "Your receipt"
    message.set_content("Receipt: https://shop.example/r/42\n")
    message.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="receipt.pdf")
    deliver(postern_box, bytes(message).decode(), to=inbox)
    app = make_postern_app(postern_box)
    async with app.run_test(size=(120, 35)) as pilot:
        await read_first(pilot, inbox)
        text = screen_text(app)
        assert "receipt.pdf" in text and "application/pdf" in text
        assert "Postern gives each attachment's name, type and size, not its content" in text
        assert "https://shop.example/r/42[1]" in text
        await pilot.press("o")
        assert isinstance(app.screen, LinksScreen)
        await pilot.press("enter")
        assert app.clipboard == "https://shop.example/r/42"
