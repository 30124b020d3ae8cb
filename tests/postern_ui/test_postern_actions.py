"""Acting on a Postern account from the screens: create and delete inboxes, send, reply, webhooks."""

from __future__ import annotations

from posternhelpers import fill, new_inbox, open_postern, screen_text, wait_listing
from textual.widgets import Button, TextArea
from uihelpers import wait_for, wait_idle

from po6_tui.api.postern import PosternClient
from po6_tui.audit import default_path
from po6_tui.ui.kit.confirm import ConfirmScreen
from po6_tui.ui.postern.postern_screen import PosternScreen
from po6_tui.ui.postern.compose import ComposeForm, parse_addresses
from po6_tui.ui.postern.forms import CreateInboxForm, IdempotencyIds, SecretOnceScreen, WebhookForm


async def confirm(pilot) -> None:
    """Answer yes to the confirmation in front (focus starts on Cancel: move right, then Enter)."""
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the confirmation")
    assert app.screen.focused.id in ("cancel", "typed")
    await pilot.press("right", "enter")
    await pilot.pause()


async def test_create_an_inbox_with_the_form(make_postern_app, postern_box):
    app = make_postern_app(postern_box)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_postern(pilot)
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, CreateInboxForm))
        await pilot.press(*"no spaces")
        await pilot.press("ctrl+s")
        assert "without spaces" in screen_text(app)  # bad input: said, and nothing sent

        name = f"made-{id(app) % 100000}"
        fill(app.screen, "#username", name)
        fill(app.screen, "#display-name", "Made Here")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is screen, what="the form to close")
        await wait_listing(pilot, screen, 0)
        assert screen.inbox.address.startswith(name + "@")
        assert screen.inboxes.current.address == screen.inbox.address
        assert "Created the inbox" in screen_text(app)


async def test_delete_needs_the_typed_address_and_can_be_cancelled(make_postern_app, postern_box):
    doomed = await new_inbox(postern_box, "doomed")
    app = make_postern_app(postern_box)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_postern(pilot, doomed)

        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        dialog = app.screen
        assert app.screen.focused.id == "typed"
        await pilot.press(*"doomed")  # only part of the address
        assert dialog.query_one("#confirm", Button).disabled
        await pilot.press("enter")  # does nothing while the address is not complete
        assert app.screen is dialog
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)
        assert "Not deleted." in screen_text(app)
        assert doomed in [inbox.address for inbox in screen.inboxes.items]

        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        fill(app.screen, "#typed", doomed)
        await pilot.pause()
        assert not app.screen.query_one("#confirm", Button).disabled
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is screen)
        await wait_idle(pilot)
        await wait_for(pilot, lambda: doomed not in [inbox.address for inbox in screen.inboxes.items])
        assert f"Deleted the inbox {doomed}." in screen_text(app)
    async with PosternClient(postern_box.url, postern_box.key("postern-agent")) as client:
        assert doomed not in [inbox.address async for inbox in client.iterate(client.list_inboxes)]


async def test_send_a_message_after_confirming(make_postern_app, postern_box):
    sender, recipient = await new_inbox(postern_box, "sender"), await new_inbox(postern_box, "recipient")
    app = make_postern_app(postern_box)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_postern(pilot, sender)
        await pilot.press("m")
        await wait_for(pilot, lambda: isinstance(app.screen, ComposeForm))
        form = app.screen
        await pilot.press("ctrl+s")
        assert "The To field is empty" in screen_text(app)
        fill(form, "#to", f"{recipient}, not-an-address")
        fill(form, "#subject", "Quarterly numbers")
        fill(form, "#body", "Hello,\nthe numbers are in.\n")
        await pilot.press("ctrl+s")
        assert "Not an email address: not-an-address" in screen_text(app)
        fill(form, "#to", recipient)
        await pilot.press("ctrl+s")
        await confirm(pilot)
        await wait_for(pilot, lambda: app.screen is screen, what="the form to close after sending")
        await wait_listing(pilot, screen, 1)
        assert screen.messages.items[0].direction == "outbound"
        assert "Sent from" in screen_text(app)
    async with PosternClient(postern_box.url, postern_box.key("postern-agent")) as client:
        received = (await client.list_messages(recipient, direction="inbound")).data
    assert [m.subject for m in received] == ["Quarterly numbers"]


async def test_a_refused_send_keeps_everything_typed(make_postern_app, postern_box):
    app = make_postern_app(postern_box, read_only=True)
    async with app.run_test(size=(100, 30)) as pilot:
        postern = await open_postern(pilot)
        # In read-only mode the m key is off (the footer does not offer it); the action, reached
        # another way, opens the form, and the send is refused with everything kept.
        postern.action_compose()
        await wait_for(pilot, lambda: isinstance(app.screen, ComposeForm))
        form = app.screen
        fill(form, "#to", "someone@example.com")
        fill(form, "#subject", "Draft that must survive")
        fill(form, "#body", "Three paragraphs of careful text.")
        await pilot.press("ctrl+s")
        await confirm(pilot)
        await wait_idle(pilot)
        assert app.screen is form
        text = screen_text(app)
        assert "Read-only mode" in text and "Everything typed is kept" in text
        assert form.body == "Three paragraphs of careful text." and form.value("subject") == "Draft that must survive"

        await pilot.press("escape")  # leaves and keeps the text (the one editor's rule, as in PO6 compose)
        await wait_for(pilot, lambda: app.screen is not form)
        assert not isinstance(app.screen, ConfirmScreen)
        assert "your text is kept" in screen_text(app)
        postern.action_compose()  # the same composition comes back
        await wait_for(pilot, lambda: isinstance(app.screen, ComposeForm))
        again = app.screen
        await wait_idle(pilot)
        assert again.body == "Three paragraphs of careful text." and again.value("subject") == "Draft that must survive"
        assert "Restored your unsent text" in screen_text(app)


async def test_reply_to_a_received_message(make_postern_app, postern_box):
    asker, answerer = await new_inbox(postern_box, "asker"), await new_inbox(postern_box, "answerer")
    async with PosternClient(postern_box.url, postern_box.key("postern-agent")) as client:
        await client.send(asker, answerer, "Can we meet Tuesday?", text="Or Wednesday.")
    app = make_postern_app(postern_box)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_postern(pilot, answerer)
        assert [m.subject for m in screen.messages.items] == ["Can we meet Tuesday?"]
        async with PosternClient(postern_box.url, postern_box.key("postern-agent")) as client:
            await client.send(asker, answerer, "Agenda", text="Two items.")
        await pilot.press("R")  # what arrived since shows up, the cursor stays on its message
        await wait_listing(pilot, screen, 2)
        assert [m.subject for m in screen.messages.items] == ["Agenda", "Can we meet Tuesday?"]
        assert screen.messages.current.subject == "Can we meet Tuesday?"
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, ComposeForm))
        text = screen_text(app)
        assert "Re: Can we meet Tuesday?" in text and asker in text
        body = app.screen.query_one("#body", TextArea)
        await wait_for(pilot, lambda: "> Or Wednesday." in body.text, what="the original, quoted")
        assert "wrote:\n> Or Wednesday." in body.text and body.cursor_location == (0, 0)  # typing goes above it
        await pilot.press(*"Tuesday works")
        await pilot.press("ctrl+s")
        await confirm(pilot)
        await wait_for(pilot, lambda: app.screen is screen, what="the reply form to close")
        await wait_listing(pilot, screen, 3)
    async with PosternClient(postern_box.url, postern_box.key("postern-agent")) as client:
        answers = (await client.list_messages(asker, direction="inbound")).data
        assert [m.subject for m in answers] == ["Re: Can we meet Tuesday?"]
        sent = (await client.get_message(answers[0].id)).text
        assert sent.startswith("Tuesday works\n\nOn ") and "wrote:\n> Or Wednesday." in sent


async def test_register_a_webhook_shows_the_secret_once(make_postern_app, postern_box):
    app = make_postern_app(postern_box)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_postern(pilot)
        await pilot.press("W")
        await wait_for(pilot, lambda: isinstance(app.screen, WebhookForm))
        fill(app.screen, "#url", "http://127.0.0.1:9/hooks/postern")
        await pilot.press("ctrl+s")
        await confirm(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, SecretOnceScreen), what="the secret")
        text = screen_text(app)
        assert "whsec_" in text and "shown once" in text
        await pilot.press("c")
        secret = app.clipboard
        assert secret.startswith("whsec_")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is screen)
        assert "registered" in screen_text(app) and secret not in screen_text(app)
    log = default_path().read_text()
    assert "postern.create_webhook" in log and secret not in log


def test_form_helpers():
    ids = IdempotencyIds()
    first = ids.for_values(("a", "b"))
    assert ids.for_values(("a", "b")) == first  # a retry of the same request: the same key
    assert ids.for_values(("a", "c")) != first  # something changed: a new request
    assert parse_addresses("a@x.example, b@y.example;c") == (["a@x.example", "b@y.example"], ["c"])


async def test_acting_without_an_inbox_says_so(make_postern_app):
    app = make_postern_app(label="postern-other")  # another tenant; its one inbox is opened...
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_postern(pilot)
        screen.inbox = None  # ...so forget it, as after deleting the last one
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, PosternScreen) and "Open an inbox first." in screen_text(app)


async def test_the_open_list_shows_mail_as_it_arrives_without_r(make_postern_app, postern_box):
    asker, answerer = await new_inbox(postern_box, "early"), await new_inbox(postern_box, "watcher")
    async with PosternClient(postern_box.url, postern_box.key("postern-agent")) as client:
        await client.send(asker, answerer, "First", text="One.")
    app = make_postern_app(postern_box, refresh_interval=0.5)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_postern(pilot, answerer)
        assert [m.subject for m in screen.messages.items] == ["First"]
        async with PosternClient(postern_box.url, postern_box.key("postern-agent")) as client:
            await client.send(asker, answerer, "Second", text="Two.")
        await wait_for(pilot, lambda: [m.subject for m in screen.messages.items] == ["Second", "First"],
                       what="the new mail, with no key pressed")
        assert screen.messages.current.subject == "First"  # the cursor stays on its message
