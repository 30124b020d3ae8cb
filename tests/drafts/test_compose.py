"""Compose, reply and forward through the app against the sandbox: address checks, templates
with variables, contact lists, the forward cap, and the text kept when the screen closes."""

from __future__ import annotations

from drafthelpers import answer, client_for, sent_log, status
from textual.widgets import Input, OptionList, SelectionList, TextArea
from uihelpers import deliver, wait_for, wait_idle, wait_list

from po6_tui.journal import Journal
from po6_tui.ui.outbox.compose import ComposeScreen, open_compose
from po6_tui.ui.outbox.compose_pickers import ContactListPicker, TemplatePicker, VariablesScreen
from po6_tui.ui.kit.confirm import ConfirmScreen


async def _open(pilot, mode: str, mailbox_id: str, email=None) -> ComposeScreen:
    app = pilot.app
    open_compose(app, mode, mailbox_id, email)
    await wait_for(pilot, lambda: isinstance(app.screen, ComposeScreen) and app.screen.is_mounted,
                   what="the compose screen")
    await wait_idle(pilot)
    return app.screen


async def _first_inbox_email(box, mailbox_id: str):
    async with await client_for(box) as client:
        page = await client.list_emails(mailbox_id=mailbox_id, limit=5)
        return page.emails[0]


async def test_compose_checks_addresses_then_sends(make_app, tools_box, unique):
    app = make_app(tools_box)
    async with app.run_test(size=(120, 35)) as pilot:
        screen = await _open(pilot, "compose", "mbx_research")
        screen.query_one("#to", Input).value = "ada@example.com, not an address"
        screen.query_one("#subject", Input).value = f"Hello {unique}"
        screen.query_one("#body", TextArea).text = "Body text."
        await pilot.press("ctrl+s")
        await wait_idle(pilot)
        assert "Not sent: To: 'not an address' is not an email address." in status(app)
        assert isinstance(app.screen, ComposeScreen)
        screen.query_one("#to", Input).value = "Ada <ada@example.com>; bo@example.com"
        screen.query_one("#cc", Input).value = "cy@example.com"
        await pilot.press("ctrl+s")
        dialog = await answer(pilot)
        assert "From:    research-agent@po6.com" in dialog.plain()
        assert "To:      ada@example.com, bo@example.com" in dialog.plain()
        assert "Cc:      cy@example.com" in dialog.plain()
        assert "Sent to ada@example.com, bo@example.com (Cc cy@example.com)." in status(app)
        assert not isinstance(app.screen, ComposeScreen)
    sent = [s for s in await sent_log(tools_box, "mbx_research") if s.subject == f"Hello {unique}"]
    assert len(sent) == 1 and sent[0].cc_addresses == ["cy@example.com"]
    assert Journal.default().load_edit("sandbox", "compose") is None


async def test_reply_goes_to_the_sender_and_a_closed_reply_comes_back(make_app, tools_box, unique):
    app = make_app(tools_box)
    async with app.run_test(size=(120, 35)) as pilot:
        messages = await wait_list(pilot)
        original = messages.current
        await pilot.press("r")  # on the mail list
        await wait_for(pilot, lambda: isinstance(app.screen, ComposeScreen) and app.screen.is_mounted)
        screen = app.screen
        assert screen.mode == "reply" and screen.email.id == original.id
        assert not screen.query("#to")  # a reply goes to the original sender: not editable
        body = screen.query_one("#body", TextArea)
        assert "wrote:\n> " in body.text  # the original is quoted
        await pilot.press(*f"Thanks {unique}")
        await pilot.press("escape")  # closed without sending: the text is kept
        assert "your text is kept" in status(app)
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, ComposeScreen) and app.screen.is_mounted)
        screen = app.screen
        assert screen.query("#restored")
        body = screen.query_one("#body", TextArea)
        assert body.text.startswith(f"Thanks {unique}")
        await pilot.press(*" again")  # typing goes on where the operator left off, above the quote
        assert body.text.startswith(f"Thanks {unique} again\n")
        await pilot.press("ctrl+end")  # and ctrl+end reaches the end of the whole text
        assert body.cursor_location == body.document.end
        await pilot.press("ctrl+s")
        dialog = await answer(pilot)
        assert "Send this reply?" == dialog.review.title
    replies = [s for s in await sent_log(tools_box, original.mailbox_id or "mbx_signup")
               if s.subject.endswith(original.subject) and s.subject.startswith("Re:")]
    assert len(replies) == 1 and replies[0].to_addresses == [original.from_]


async def test_forward_respects_the_recipient_cap(make_app, tools_box, unique):
    original = await _first_inbox_email(tools_box, "mbx_billing")
    six = ", ".join(f"f{n}-{unique}@example.com" for n in range(6))
    app = make_app(tools_box, label="standard")
    async with app.run_test(size=(120, 35)) as pilot:
        screen = await _open(pilot, "forward", "mbx_billing", original)
        screen.query_one("#to", Input).value = six
        await pilot.press("ctrl+s")  # the server reports the plan: the app refuses before sending anything
        await wait_idle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        assert "on Standard a forward reaches at most 5 recipients, and this one has 6" in status(app)
        screen.query_one("#to", Input).value = f"one-{unique}@example.com"
        await pilot.press("ctrl+s")
        await answer(pilot)
    forwards = [s for s in await sent_log(tools_box, "mbx_billing") if s.to_addresses == [f"one-{unique}@example.com"]]
    assert len(forwards) == 1 and forwards[0].subject.startswith("Fwd:")


async def test_template_with_variables_and_a_contact_list(make_app, tools_box, unique):
    app = make_app(tools_box)
    async with app.run_test(size=(120, 35)) as pilot:
        await wait_list(pilot)
        await pilot.press("m")  # on the mail list: a new message from the open mailbox
        await wait_for(pilot, lambda: isinstance(app.screen, ComposeScreen) and app.screen.is_mounted)
        screen = app.screen
        assert screen.mode == "compose" and screen.focused is screen.query_one("#to")
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: isinstance(app.screen, TemplatePicker))
        picker = app.screen
        options = picker.query_one(OptionList)
        index = next(i for i in range(options.option_count) if options.get_option_at_index(i).id == "tpl_welcome")
        options.highlighted = index
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, VariablesScreen))
        assert app.screen.variables == ["first_name", "company"]
        await pilot.press(*"Ada", "enter", *f"Initech {unique}", "enter")
        await wait_for(pilot, lambda: app.screen is screen)
        assert screen.query_one("#subject", Input).value == "Welcome to Acme, Ada!"
        assert f"Your workspace at Initech {unique} is ready." in screen.query_one("#body", TextArea).text

        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: isinstance(app.screen, ContactListPicker)
                       and app.screen.query_one("#lists").display, what="the contact lists")
        lists = app.screen.query_one("#lists", OptionList)
        lists.highlighted = next(i for i in range(lists.option_count)
                                 if lists.get_option_at_index(i).id == "lst_partners")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.query_one("#contacts", SelectionList).option_count > 0)
        await pilot.press("a", "enter")
        await wait_for(pilot, lambda: app.screen is screen)
        recipients = [a.strip() for a in screen.query_one("#to", Input).value.split(",")]
        assert len(recipients) >= 5 and all("@example.com" in r for r in recipients)
        await pilot.press("ctrl+s")
        await answer(pilot)
        assert "Sent to" in status(app)
    sent = [s for s in await sent_log(tools_box, "mbx_signup") if s.subject == "Welcome to Acme, Ada!"]
    assert sent and sorted(sent[0].to_addresses) == sorted(recipients)


async def test_a_contact_list_failure_shows_the_servers_words_as_text(make_app, tools_box):
    from po6_tui.api.errors import InvalidError

    app = make_app(tools_box)
    async with app.run_test(size=(120, 35)) as pilot:
        await wait_list(pilot)
        client = await app.active.po6_client()

        async def refuse(*_args, **_kwargs):
            raise InvalidError("No lists [@click=app.bell]today[/] \x1b[2J")

        client.list_email_lists = refuse
        await pilot.press("m")
        await wait_for(pilot, lambda: isinstance(app.screen, ComposeScreen) and app.screen.is_mounted)
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: isinstance(app.screen, ContactListPicker))
        await wait_idle(pilot)
        shown = app.screen.query_one("#message").render()
        assert "No lists [@click=app.bell]today[/]" in shown.plain and "\x1b" not in shown.plain
        assert not shown.spans  # no link, no style from the server


async def test_the_compose_fields_stand_out_from_the_screen(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_list(pilot)
        await pilot.press("m")
        await wait_for(pilot, lambda: isinstance(app.screen, ComposeScreen) and app.screen.is_mounted)
        await pilot.pause()
        field = app.screen.query_one("#subject", Input)
        app.screen.query_one("#body", TextArea).focus()  # the field's colour when it is not focused
        await pilot.pause()
        _, behind = field.parent.background_colors
        _, own = field.background_colors
        assert abs(own.brightness - behind.brightness) > 0.05, (own, behind)  # was 234 on 233


GROUP_MAIL = ("From: Carol <carol@example.org>\nTo: Signup-Bot@po6.com, Dave <dave@example.org>\n"
              "Cc: erin@example.org, carol@example.org\nSubject: Plans for {unique}\n"
              "Date: Wed, 18 Nov 2026 09:30:00 +0000\nMessage-ID: <plans-{unique}@example.org>\n\nShall we meet?\n")


async def test_reply_to_all_copies_the_others_and_cc_is_editable(make_app, ui_fresh_sandbox, unique):
    deliver(ui_fresh_sandbox, GROUP_MAIL.format(unique=unique))
    app = make_app(ui_fresh_sandbox)
    async with app.run_test(size=(120, 35)) as pilot:
        messages = await wait_list(pilot)
        assert messages.current.subject == f"Plans for {unique}"
        await pilot.press("a")  # reply to all, on the mail list
        await wait_for(pilot, lambda: isinstance(app.screen, ComposeScreen) and app.screen.is_mounted)
        screen = app.screen
        assert screen.mode == "reply_all"
        assert "carol@example.org" in str(screen.query_one("#fixed-to").content)
        cc = screen.query_one("#cc", Input)
        # The other recipients, less the mailbox's own address (in any case) and the sender.
        assert cc.value == "dave@example.org, erin@example.org"
        assert "wrote:\n> Shall we meet?" in screen.query_one("#body", TextArea).text
        cc.value += ", frank@example.org"
        await pilot.press("ctrl+s")
        dialog = await answer(pilot)
        assert dialog.review.title == "Send this reply to all?"
        assert "Cc:      dave@example.org, erin@example.org, frank@example.org" in dialog.plain()
        assert "not threaded" in dialog.plain()
        assert "Sent to carol@example.org (Cc dave@example.org, erin@example.org, frank@example.org)." in status(app)
    sent = [s for s in await sent_log(ui_fresh_sandbox, "mbx_signup") if s.subject == f"Re: Plans for {unique}"]
    assert len(sent) == 1
    assert sent[0].to_addresses == ["carol@example.org"]
    assert sent[0].cc_addresses == ["dave@example.org", "erin@example.org", "frank@example.org"]


async def test_a_reply_without_cc_still_uses_the_reply_tool_and_a_forward_takes_a_cc(make_app, ui_fresh_sandbox,
                                                                                    unique, monkeypatch):
    deliver(ui_fresh_sandbox, GROUP_MAIL.format(unique=unique))
    app = make_app(ui_fresh_sandbox)
    async with app.run_test(size=(120, 35)) as pilot:
        messages = await wait_list(pilot)
        client = await app.active.po6_client()
        called: list[str] = []
        for name in ("reply_email", "forward_email", "compose_email"):
            real = getattr(client, name)

            async def recording(*args, _real=real, _name=name, **kwargs):
                called.append(_name)
                return await _real(*args, **kwargs)

            monkeypatch.setattr(client, name, recording)
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, ComposeScreen) and app.screen.is_mounted)
        assert app.screen.query_one("#cc", Input).value == "", "a plain reply copies no one"
        await pilot.press("ctrl+s")
        await answer(pilot)
        assert called == ["reply_email"]
        await wait_for(pilot, lambda: app.screen is app.mail)
        messages.cursor = 0
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, ComposeScreen) and app.screen.is_mounted)
        screen = app.screen
        screen.query_one("#to", Input).value = "gina@example.org"
        screen.query_one("#cc", Input).value = "hank@example.org"
        screen.query_one("#body", TextArea).text = "FYI"
        await pilot.press("ctrl+s")
        await answer(pilot)
        assert called == ["reply_email", "compose_email"]
    forward = next(s for s in await sent_log(ui_fresh_sandbox, "mbx_signup") if s.subject == f"Fwd: Plans for {unique}")
    assert forward.to_addresses == ["gina@example.org"] and forward.cc_addresses == ["hank@example.org"]
    async with await client_for(ui_fresh_sandbox) as client:
        copies = (await client.list_emails(mailbox_id="mbx_signup", folder="Sent", limit=10)).emails
        copy = await client.get_email(mailbox_id="mbx_signup",
                                      email_id=next(c.id for c in copies if c.subject == forward.subject))
    assert copy.body_text.startswith("FYI\n\n---------- Forwarded message ----------\nFrom: ")
    assert "Shall we meet?" in copy.body_text


async def _new_message(pilot, to: str, subject: str, body: str) -> ComposeScreen:
    """`m` from research-agent, its fields filled in."""
    screen = await _open(pilot, "compose", "mbx_research")
    screen.query_one("#to", Input).value = to
    screen.query_one("#subject", Input).value = subject
    screen.query_one("#body", TextArea).text = body
    return screen


async def _drafts_named(box, subject: str) -> list:
    async with await client_for(box) as client:
        return [d for d in await client.list_drafts() if d.subject == subject]


async def test_save_for_review_puts_the_message_in_the_drafts_queue_once(make_app, tools_box, unique):
    app = make_app(tools_box)
    subject = f"For a second look {unique}"
    async with app.run_test(size=(120, 35)) as pilot:
        await _new_message(pilot, "ada@example.com", subject, "Please check the figures.")
        await pilot.press("ctrl+b")
        dialog = await answer(pilot, yes=False)  # Cancel: nothing saved, the text stays
        assert "research-agent@po6.com" in dialog.question.details and "Nothing is sent now" in dialog.question.details
        assert isinstance(app.screen, ComposeScreen) and "Not saved; your text is still here." in status(app)
        await pilot.press("ctrl+b")
        await answer(pilot)
        await wait_for(pilot, lambda: not isinstance(app.screen, ComposeScreen), what="compose to close")
        assert "Saved for review" in status(app) and "nothing was sent" in status(app)
    drafts = await _drafts_named(tools_box, subject)
    assert len(drafts) == 1 and drafts[0].to_addresses == ["ada@example.com"] and drafts[0].status == "pending"
    assert not [s for s in await sent_log(tools_box, "mbx_research") if s.subject == subject]
    assert Journal.default().load_edit("sandbox", "compose") is None


async def test_save_for_review_whose_answer_is_lost_says_so_and_keeps_the_text(make_app, tools_box, unique):
    from drafthelpers import drop_replies

    app = make_app(tools_box)
    subject = f"Lost answer {unique}"
    async with app.run_test(size=(120, 35)) as pilot:
        screen = await _new_message(pilot, "ada@example.com", subject, "Kept.")
        dropped = await drop_replies(app, "create_draft")  # the server makes it; its answer is lost
        await pilot.press("ctrl+b")
        await answer(pilot)
        await wait_for(pilot, lambda: "may or may not have taken effect" in status(app), what="the unknown outcome")
        assert "Saving for review (your text is kept)" in status(app) and "not saved" not in status(app).lower()
        assert isinstance(app.screen, ComposeScreen) and screen.query_one("#body", TextArea).text == "Kept."
        assert dropped.calls == 1  # never repeated on its own
    assert len(await _drafts_named(tools_box, subject)) == 1


async def test_read_only_offers_no_save_for_review(make_app, tools_box):
    app = make_app(tools_box, read_only=True)
    async with app.run_test(size=(120, 35)) as pilot:
        screen = await _open(pilot, "compose", "mbx_research")
        keys = [b.key for _, b, enabled, _ in screen.active_bindings.values() if enabled]
        assert "ctrl+b" not in keys
