"""A list that could not load, or was empty, comes back with R: nothing is stuck on screen."""

from __future__ import annotations

from uihelpers import wait_for, wait_idle, wait_list

from po6_tui.api.errors import ServerError
from po6_tui.ui.mail.mailbox_tree import Place

SIGNUP = "mbx_signup"


async def test_a_list_whose_first_page_failed_loads_on_R(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_list(pilot)
        client = await app.active.po6_client()
        real_list_emails = client.list_emails
        refusals = []

        async def refuse_once(*args, **kwargs):
            if not refusals:
                refusals.append(kwargs.get("folder"))
                raise ServerError("The server failed (HTTP 500).")
            return await real_list_emails(*args, **kwargs)

        client.list_emails = refuse_once
        messages = app.mail.message_list
        app.mail.open_place(Place("sandbox", SIGNUP, "Sent"))
        await wait_for(pilot, lambda: messages.total == 0, 10, "the failed load")
        await wait_idle(pilot, 10)
        assert messages.empty_text == "(could not load: R to retry)"
        assert refusals == ["Sent"]

        await pilot.press("R")
        await wait_for(pilot, lambda: messages.total, 10, "the list after R")
        assert messages.current is not None
        assert messages.empty_text == "(no messages)"


async def test_an_empty_folder_shows_mail_that_arrives_on_refresh(make_app, ui_fresh_sandbox):
    app = make_app(ui_fresh_sandbox)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_list(pilot)
        client = await app.active.po6_client()
        folders = await client.list_folders(SIGNUP)
        empty = next(f.name for f in folders if not f.total)
        messages = app.mail.message_list
        app.mail.open_place(Place("sandbox", SIGNUP, empty))
        await wait_for(pilot, lambda: messages.total == 0, 10, f"the empty {empty}")
        await wait_idle(pilot, 10)

        inbox = await client.list_emails(SIGNUP, "INBOX", limit=1)
        await client.move_email(SIGNUP, inbox.emails[0].id, empty)
        await pilot.press("R")
        await wait_for(pilot, lambda: messages.total == 1, 10, "the moved message after R")
        assert messages.current.id == inbox.emails[0].id
