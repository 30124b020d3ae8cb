"""Actions that change mail, each on a sandbox of its own: read/unread, star, move, delete
(confirmed and cancelled), batch actions on marked messages, refresh, read-only, errors."""

from __future__ import annotations

import base64
import subprocess
import sys

import pytest
from textual.widgets import Button
from uihelpers import deliver, type_command, wait_for, wait_idle, wait_list

from po6_tui.api.errors import NotFoundError
from po6_tui.ui.kit.confirm import ConfirmScreen
from po6_tui.ui.mail.pickers import FolderPicker, MarkedMenu
from po6_tui.ui.mail.reader import ReaderScreen
from po6_tui.ui.shell.bars import StatusLine
from po6_tui.ui.mail.mailbox_tree import Place

SIGNUP = "mbx_signup"


async def server_email(app, email_id: str):
    client = await app.active.po6_client()
    return await client.get_email(mailbox_id=SIGNUP, email_id=email_id)


async def inbox_ids(app) -> list[str]:
    client = await app.active.po6_client()
    page = await client.list_emails(mailbox_id=SIGNUP, folder="INBOX", limit=100)
    return [m.id for m in page.emails]


def status(app) -> str:
    return str(app.screen.query_one(StatusLine).message)


async def test_toggle_read_and_star(make_app, ui_fresh_sandbox):
    app = make_app(ui_fresh_sandbox)
    async with app.run_test(size=(100, 30)) as pilot:
        messages = await wait_list(pilot)
        first = messages.current
        await pilot.press("N")
        await wait_idle(pilot)
        assert messages.current.is_read is (not first.is_read)
        assert (await server_email(app, first.id)).is_read is (not first.is_read)
        await pilot.press("F")
        await wait_idle(pilot)
        assert messages.current.is_starred is (not first.is_starred)
        assert (await server_email(app, first.id)).is_starred is (not first.is_starred)
        assert "Starred 1 message" in status(app) or "Unstarred 1 message" in status(app)


async def test_opening_marks_read_by_default(make_app, ui_fresh_sandbox):
    app = make_app(ui_fresh_sandbox)
    async with app.run_test(size=(100, 30)) as pilot:
        messages = await wait_list(pilot)
        unread = next(i for i in range(messages.total) if not messages.row(i).is_read)
        messages.cursor = unread
        target = messages.current
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ReaderScreen) and app.screen.email is not None)
        await wait_idle(pilot)
        assert (await server_email(app, target.id)).is_read
        await pilot.press("q")
        assert messages.row(unread).is_read


async def test_move_with_the_folder_picker(make_app, ui_fresh_sandbox):
    app = make_app(ui_fresh_sandbox)
    async with app.run_test(size=(100, 30)) as pilot:
        messages = await wait_list(pilot)
        await wait_for(pilot, lambda: SIGNUP in app.active.folders)
        target, total = messages.current, messages.total
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, FolderPicker))
        await pilot.press(*"arch", "enter")
        await wait_for(pilot, lambda: messages.total == total - 1, what="the list to shrink")
        assert target.id not in await inbox_ids(app)
        assert (await server_email(app, target.id)).folder == "Archive"
        await wait_idle(pilot)
        archive = next(f for f in app.active.folders[SIGNUP] if f.name == "Archive")
        assert archive.total == 1
        assert "Archive" in app.mail.sidebar.node_for(Place("sandbox", SIGNUP, "Archive")).label.plain


async def folder_ids(app, folder: str) -> list[str]:
    client = await app.active.po6_client()
    page = await client.list_emails(mailbox_id=SIGNUP, folder=folder, limit=100)
    return [m.id for m in page.emails]


async def trash_two(pilot, app, messages) -> list[str]:
    """Move the first two messages to Trash with d, then open the Trash folder."""
    ids = [messages.row(0).id, messages.row(1).id]
    await pilot.press("space", "space", "semicolon", "d")
    await wait_for(pilot, lambda: "Moved to Trash: 2 messages" in status(app), what="the move to Trash")
    await type_command(pilot, "folder Trash")
    await wait_list(pilot, total=2)
    return ids


async def test_d_moves_to_trash_and_u_moves_it_back(make_app, ui_fresh_sandbox):
    app = make_app(ui_fresh_sandbox)
    async with app.run_test(size=(120, 30)) as pilot:
        messages = await wait_list(pilot)
        await wait_for(pilot, lambda: SIGNUP in app.active.folders)
        target, total = messages.current, messages.total
        await pilot.press("d")
        await wait_for(pilot, lambda: messages.total == total - 1, what="the list to shrink")
        assert not isinstance(app.screen, ConfirmScreen), "moving to Trash asks nothing"
        assert (await server_email(app, target.id)).folder == "Trash"
        assert status(app) == f"Moved to Trash: “{target.subject}” — u undoes."
        await wait_idle(pilot)
        trash = next(f for f in app.active.folders[SIGNUP] if f.name == "Trash")
        assert trash.total == 1
        await pilot.press("u")
        await wait_for(pilot, lambda: messages.total == total, what="the message back in the list")
        assert (await server_email(app, target.id)).folder == "INBOX"
        assert status(app) == f"Undone: “{target.subject}” moved back to INBOX."
        await wait_idle(pilot)
        assert target.id in [messages.row(i).id for i in range(messages.total)]
        assert target.id not in messages._gone, "no longer struck out"
        await pilot.press("u")
        assert "Nothing to undo" in status(app), "an undo is used once"
        assert (await server_email(app, target.id)).folder == "INBOX"


async def test_u_undoes_a_move_with_the_picker_and_a_batch_to_trash(make_app, ui_fresh_sandbox):
    app = make_app(ui_fresh_sandbox)
    async with app.run_test(size=(120, 30)) as pilot:
        messages = await wait_list(pilot)
        await wait_for(pilot, lambda: SIGNUP in app.active.folders)
        total = messages.total
        moved = messages.current
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, FolderPicker))
        await pilot.press(*"arch", "enter")
        await wait_for(pilot, lambda: "Moved to Archive" in status(app) and "u undoes" in status(app))
        await wait_idle(pilot)
        marked = [messages.row(i).id for i in (1, 2, 3)]
        messages.cursor = 1
        await pilot.press("space", "space", "space", "semicolon", "d")
        await wait_for(pilot, lambda: "Moved to Trash: 3 messages — u undoes." == status(app))
        assert set(marked) <= set(await folder_ids(app, "Trash"))
        assert messages.marked == {}
        await wait_idle(pilot)
        await pilot.press("u")  # the last move: the three from Trash, not the one in Archive
        await wait_for(pilot, lambda: "Undone: 3 messages moved back to INBOX." == status(app))
        assert set(marked) <= set(await inbox_ids(app))
        assert (await server_email(app, moved.id)).folder == "Archive"
        await wait_for(pilot, lambda: messages.total == total - 1, what="the list with the three back")


async def test_d_in_the_reader_trashes_and_u_in_the_list_restores(make_app, ui_fresh_sandbox):
    app = make_app(ui_fresh_sandbox)
    async with app.run_test(size=(120, 30)) as pilot:
        messages = await wait_list(pilot)
        target, total = messages.current, messages.total
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ReaderScreen) and app.screen.email is not None)
        await pilot.press("d")
        await wait_for(pilot, lambda: app.screen is app.mail, what="the reader to close")
        await wait_for(pilot, lambda: messages.total == total - 1, what="the list to shrink")
        assert (await server_email(app, target.id)).folder == "Trash"
        assert status(app) == f"Moved to Trash: “{target.subject}” — u undoes."
        await pilot.press("u")
        await wait_for(pilot, lambda: status(app).startswith("Undone:"))
        assert (await server_email(app, target.id)).folder == "INBOX"


async def test_in_trash_d_asks_and_cancel_deletes_nothing(make_app, ui_fresh_sandbox):
    app = make_app(ui_fresh_sandbox)
    async with app.run_test(size=(100, 30)) as pilot:
        messages = await wait_list(pilot)
        before = await trash_two(pilot, app, messages)
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        dialog = app.screen
        assert app.focused is dialog.query_one("#cancel", Button), "focus starts on Cancel"
        assert "Permanently delete" in str(dialog.query_one("#server").content)
        await pilot.press("enter")  # on Cancel
        await wait_idle(pilot)
        assert app.screen is app.mail
        assert sorted(await folder_ids(app, "Trash")) == sorted(before)
        assert messages.total == len(before)
        assert "nothing was deleted" in status(app)
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("escape")
        await wait_idle(pilot)
        assert sorted(await folder_ids(app, "Trash")) == sorted(before)


async def test_in_trash_d_confirmed_deletes_for_good(make_app, ui_fresh_sandbox):
    app = make_app(ui_fresh_sandbox)
    async with app.run_test(size=(100, 30)) as pilot:
        messages = await wait_list(pilot)
        before = await trash_two(pilot, app, messages)
        target = messages.current
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("tab", "enter")  # Cancel -> Delete
        await wait_for(pilot, lambda: target.id not in [m.id for m in map(messages.row, range(messages.total))])
        with pytest.raises(NotFoundError):
            await server_email(app, target.id)
        assert "Deleted for good: 1 message" in status(app)
        other = next(i for i in before if i != target.id)
        await pilot.press("u")  # the move to Trash, less the message now gone for good
        await wait_for(pilot, lambda: status(app).startswith("Undone:"))
        assert (await server_email(app, other)).folder == "INBOX"
        await pilot.press("u")
        assert "Nothing to undo" in status(app), "a permanent delete is not undoable"


async def test_batch_actions_on_marked_messages(make_app, ui_fresh_sandbox):
    app = make_app(ui_fresh_sandbox)
    async with app.run_test(size=(100, 30)) as pilot:
        messages = await wait_list(pilot)
        await pilot.press("space", "space", "space")
        marked = list(messages.marked)
        assert len(marked) == 3
        await pilot.press("semicolon")
        assert isinstance(app.screen, MarkedMenu)
        await pilot.press("N")
        await wait_idle(pilot)
        states = {(await server_email(app, i)).is_read for i in marked}
        assert len(states) == 1, "all marked messages got the same state"
        await pilot.press("semicolon", "d")
        await wait_for(pilot, lambda: status(app).startswith("Moved to Trash: 3 messages"))
        await type_command(pilot, "folder Trash")
        await wait_list(pilot, total=3)
        await pilot.press("space", "space", "space", "semicolon", "d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "Delete 3 messages" in str(app.screen.query_one("#title").content)
        assert app.screen.query_one("#confirm", Button).label.plain == "Delete 3"
        await pilot.press("tab", "enter")
        await wait_for(pilot, lambda: messages.total == 0, what="three gone")
        assert not set(marked) & set(await folder_ids(app, "Trash") + await inbox_ids(app))
        assert messages.marked == {}


async def test_a_search_mixing_trash_and_inbox_is_refused_with_a_sentence(make_app, ui_fresh_sandbox):
    for subject in ("Zebracorn one", "Zebracorn two"):
        deliver(ui_fresh_sandbox, f"From: a@example.org\nTo: signup-bot@po6.com\nSubject: {subject}\n\nHello\n")
    app = make_app(ui_fresh_sandbox)
    async with app.run_test(size=(100, 30)) as pilot:
        messages = await wait_list(pilot)
        assert messages.current.subject.startswith("Zebracorn")
        await pilot.press("d")
        await wait_for(pilot, lambda: status(app).startswith("Moved to Trash"))
        await type_command(pilot, "search Zebracorn")
        await wait_list(pilot, total=2)
        assert {messages.row(i).folder for i in range(2)} == {"Trash", "INBOX"}
        await pilot.press("space", "space", "semicolon", "d")
        await wait_idle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        assert "1 of the 2 marked messages are in Trash" in status(app) and "mark them apart" in status(app)
        assert sorted([(await server_email(app, m)).folder for m in messages.marked]) == ["INBOX", "Trash"]


HOSTILE_SUBJECT = "\x1b]52;c;cm0gLXJmIH4=\x07Fresh [@click=app.quit]arrival \u202eelif.exe\x1b[2J"


async def test_refresh_keeps_cursor_and_marks_and_follows_new_mail(make_app, ui_fresh_sandbox, tmp_path):
    """New (hostile) mail arrives on top: R shows it, safely, with the cursor still on its message."""
    app = make_app(ui_fresh_sandbox)
    async with app.run_test(size=(160, 30)) as pilot:
        messages = await wait_list(pilot)
        await pilot.press("space", "j", "j")
        on = messages.current.id
        marked = set(messages.marked)
        eml = tmp_path / "new.eml"
        subject = "=?utf-8?b?" + base64.b64encode(HOSTILE_SUBJECT.encode()).decode() + "?="
        eml.write_text(f"From: Newcomer <new@example.org>\nTo: signup-bot@po6.com\nSubject: {subject}\n"
                       "Date: Wed, 18 Nov 2026 09:30:00 +0000\n\nHello\n")
        subprocess.run([sys.executable, "-m", "po6_tui", "sandbox", "deliver", "--db", str(ui_fresh_sandbox.db),
                        "--to", "signup-bot@po6.com", str(eml)], check=True, capture_output=True)
        total = messages.total
        await pilot.press("R")
        await wait_for(pilot, lambda: messages.total == total + 1, what="the new message")
        await wait_idle(pilot)
        assert messages.current.id == on, "the cursor stays on its message"
        assert set(messages.marked) == marked
        assert messages.row(0).subject == HOSTILE_SUBJECT
        messages.scroll_to(y=0, animate=False, immediate=True)
        shown = messages.render_line(0).text
        assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown
        assert "[@click=app.quit]" in shown and "⟦U+202E⟧" in shown
        await pilot.click(messages, offset=(30, 0))
        await pilot.pause()
        assert app.is_running, "markup in a subject never runs"


async def test_read_only_blocks_writes_with_a_badge(make_app, ui_fresh_sandbox):
    app = make_app(ui_fresh_sandbox, read_only=True)
    async with app.run_test(size=(100, 30)) as pilot:
        messages = await wait_list(pilot)
        assert ("READ-ONLY", "bold white on red") in app.badges()
        first = messages.current
        await pilot.press("N")  # the key is off: nothing happens
        await wait_idle(pilot)
        assert (await server_email(app, first.id)).is_read == first.is_read
        app.screen.action_toggle_read()  # the action itself, however reached, refuses and says so
        await wait_idle(pilot)
        assert "Read-only" in status(app)
        assert (await server_email(app, first.id)).is_read == first.is_read
        await pilot.press("d")
        await wait_idle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        assert (await server_email(app, first.id)).folder == "INBOX", "read-only moves nothing to Trash"


async def test_a_dead_server_is_a_message_not_a_crash(make_app, ui_fresh_sandbox):
    app = make_app(ui_fresh_sandbox)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_list(pilot)
        ui_fresh_sandbox.stop()
        await pilot.press("R")
        await wait_idle(pilot, timeout=30)
        assert app.mail.query_one(StatusLine).has_class("-error")
        await pilot.press("j", "enter")
        await wait_idle(pilot, timeout=30)
        assert app.is_running
        await type_command(pilot, "search anything")
        await wait_idle(pilot, timeout=30)
        assert app.is_running


async def test_auto_refresh_updates_counts_without_a_key(make_app, ui_fresh_sandbox, tmp_path):
    app = make_app(ui_fresh_sandbox, refresh_interval=0.5)
    async with app.run_test(size=(100, 30)) as pilot:
        messages = await wait_list(pilot, idle=False)
        await wait_for(pilot, lambda: SIGNUP in app.active.folders)
        await pilot.press("j", "space")
        on, unread = messages.current.id, app.active.mailbox(SIGNUP).unread
        eml = tmp_path / "tick.eml"
        eml.write_text("From: a@example.org\nTo: signup-bot@po6.com\nSubject: Tick\n\nHello\n")
        subprocess.run([sys.executable, "-m", "po6_tui", "sandbox", "deliver", "--db", str(ui_fresh_sandbox.db),
                        "--to", "signup-bot@po6.com", str(eml)], check=True, capture_output=True)
        await wait_for(pilot, lambda: app.active.mailbox(SIGNUP).unread == unread + 1, what="the timer's refresh")
        await wait_for(pilot, lambda: messages.row(0) is not None and messages.row(0).subject == "Tick")
        assert messages.current.id == on and len(messages.marked) == 1
        inbox = next(f for f in app.active.folders[SIGNUP] if f.name == "INBOX")
        assert f"{inbox.unread}/{inbox.total}" in app.mail.sidebar.node_for(Place("sandbox", SIGNUP, "INBOX")).label.plain


async def test_next_unread_in_the_list_and_in_the_reader(make_app, ui_fresh_sandbox):
    app = make_app(ui_fresh_sandbox, mark_read_on_open=True)
    async with app.run_test(size=(100, 30)) as pilot:
        messages = await wait_list(pilot)
        unread = [i for i in range(messages.total) if not messages.row(i).is_read]
        assert len(unread) >= 3
        messages.cursor = 0
        await pilot.press("right_square_bracket")
        assert messages.cursor == next(i for i in unread if i > 0)
        # In the reader, ] opens the next unread message (and reading it marks it read).
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ReaderScreen) and app.screen.email is not None)
        reader = app.screen
        following = next(i for i in unread if i > messages.cursor)
        await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: reader.email is not None and reader.email.id == messages.row(following).id,
                       what="the next unread message in the reader")
        assert messages.cursor == following
        await pilot.press("q")
        messages.cursor = unread[-1]
        await pilot.press("right_square_bracket")
        assert messages.cursor == unread[-1]
        assert "No unread message below this one" in status(app)


async def test_next_unread_fetches_the_pages_below(make_app, ui_fresh_sandbox, monkeypatch):
    from po6_tui.ui.mail import message_list

    app = make_app(ui_fresh_sandbox)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_list(pilot)
        client = await app.active.po6_client()
        page = await client.list_emails(mailbox_id=SIGNUP, folder="INBOX", limit=100)
        for email in page.emails[:-1]:
            await client.mark_email(mailbox_id=SIGNUP, email_id=email.id, action="read")
        await client.mark_email(mailbox_id=SIGNUP, email_id=page.emails[-1].id, action="unread")
    last = page.emails[-1].id
    monkeypatch.setattr(message_list, "PAGE_SIZE", 2)  # pages of two rows, on a short screen
    app = make_app(ui_fresh_sandbox)
    async with app.run_test(size=(100, 10)) as pilot:
        messages = await wait_list(pilot)
        assert messages.row(len(page.emails) - 1) is None, "the last page is not loaded yet"
        await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: messages.current is not None and messages.current.id == last,
                       what="the unread message at the bottom")
        assert messages.cursor == len(page.emails) - 1


async def test_next_unread_on_tab_as_in_mutt(make_app, ui_fresh_sandbox):
    app = make_app(ui_fresh_sandbox, keymap={"mail.next_unread": "tab", "mail.pane": "ctrl+w"})
    async with app.run_test(size=(100, 30)) as pilot:
        messages = await wait_list(pilot)
        unread = [i for i in range(messages.total) if not messages.row(i).is_read]
        messages.cursor = 0
        await pilot.press("tab")
        assert messages.cursor == next(i for i in unread if i > 0)
        assert app.focused is messages
        await pilot.press("ctrl+w")
        assert app.focused is app.mail.sidebar
