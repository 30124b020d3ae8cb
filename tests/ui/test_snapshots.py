"""Snapshots of the screens an operator sees most (pytest-textual-snapshot).

The sandbox's clock is frozen at seeding and "today" is frozen too (conftest.py), so dates are
stable. Update after a deliberate change with `pytest tests/ui/test_snapshots.py --snapshot-update`
and look at the SVGs before committing them.
"""

from __future__ import annotations

from textual.widgets import Input
from uihelpers import wait_for, wait_idle, wait_list

from po6_tui.ui.kit.confirm import ConfirmScreen
from po6_tui.ui.mail.mailbox_tree import Place
from po6_tui.ui.mail.reader import ReaderScreen
from po6_tui.ui.kit.message_body import MessageBodyView


async def _main_ready(pilot) -> None:
    await wait_list(pilot)
    await wait_for(pilot, lambda: "mbx_signup" in pilot.app.active.folders)
    await wait_idle(pilot)


def test_main_screen_80x24(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=_main_ready)


def test_main_screen_160x48(snap_compare, make_app):
    async def marked_and_moved(pilot) -> None:
        await _main_ready(pilot)
        await pilot.press("j", "space", "space")
        await wait_idle(pilot)

    assert snap_compare(make_app(), terminal_size=(160, 48), run_before=marked_and_moved)


async def _open_newsletter(pilot) -> None:
    """The reader, on the seeded prompt-injection newsletter (found with :search-all)."""
    app = pilot.app
    await _main_ready(pilot)
    app.mail.search("Ignore previous instructions", everywhere=True)
    await wait_list(pilot, total=1)
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, ReaderScreen) and app.screen.email is not None)


def test_reader_with_an_html_mail(snap_compare, make_app):
    async def html_version(pilot) -> None:
        await _open_newsletter(pilot)
        await pilot.press("v")
        await wait_for(pilot, lambda: "HTML" in pilot.app.screen.query_one(MessageBodyView).source.plain)
        await wait_idle(pilot)

    assert snap_compare(make_app(mark_read_on_open=False), terminal_size=(80, 24), run_before=html_version)


def test_links_of_a_message_80x24(snap_compare, make_app):
    async def open_links(pilot) -> None:
        from po6_tui.ui.kit.links import LinksScreen

        await _open_newsletter(pilot)
        await wait_idle(pilot)
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, LinksScreen))
        await wait_idle(pilot)

    assert snap_compare(make_app(mark_read_on_open=False), terminal_size=(80, 24), run_before=open_links)


def test_delete_confirmation(snap_compare, make_app):
    async def ask_to_delete(pilot) -> None:
        await _main_ready(pilot)
        # Outside Trash, d moves to Trash; in Trash it deletes for good, asked first.
        pilot.app.mail.open_place(Place("sandbox", "mbx_outreach", "Trash"))
        await wait_list(pilot, total=1)
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
        await wait_idle(pilot)

    # Asking only requests confirmation tokens: nothing is deleted, the shared sandbox stays as it is.
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=ask_to_delete)


def test_command_line_with_completion(snap_compare, make_app):
    async def type_partial_command(pilot) -> None:
        await _main_ready(pilot)
        await pilot.press("colon", "s", "e")
        field = pilot.app.screen.query_one(Input)
        field.cursor_blink = False
        await pilot.press("tab")
        await wait_idle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=type_partial_command)


def test_help(snap_compare, make_app):
    async def open_help(pilot) -> None:
        await _main_ready(pilot)
        await pilot.press("question_mark")
        await wait_idle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=open_help)


def test_conversation_80x24(snap_compare, make_app):
    async def open_conversation(pilot) -> None:
        from po6_tui.ui.mail.conversation import ConversationScreen

        await _main_ready(pilot)
        app = pilot.app
        app.mail.open_place(Place("sandbox", "mbx_signup", "Sent"))  # the agent's own request…
        await wait_list(pilot)
        await pilot.press("c")  # …and the code that came back for it
        await wait_for(pilot, lambda: isinstance(app.screen, ConversationScreen) and app.screen.entries is not None)
        await wait_idle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=open_conversation)


def test_conversations_80x24(snap_compare, make_app):
    async def grouped(pilot) -> None:
        from po6_tui.ui.mail.conversations import ConversationsScreen

        await _main_ready(pilot)
        await pilot.press("T")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConversationsScreen)
                       and pilot.app.screen.groups is not None)
        await wait_idle(pilot)

    assert snap_compare(make_app(mark_read_on_open=False), terminal_size=(80, 24), run_before=grouped)
