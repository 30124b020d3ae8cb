"""Snapshots of the Postern views (pytest-textual-snapshot), on the untouched shared sandbox with
its clock frozen (see tests/ui_fixtures.py). Nothing here writes: dialogs are shown, not submitted.
Update after a deliberate change with `--snapshot-update`, and look at the SVGs first."""

from __future__ import annotations

from posternhelpers import SIGNUP, SUPPORT, fill, no_blink, open_postern, wait_listing
from textual.widgets import Checkbox
from uihelpers import wait_for, wait_idle

from po6_tui.ui.kit.confirm import ConfirmScreen
from po6_tui.ui.postern.compose import ComposeForm
from po6_tui.ui.postern.forms import AccountPicker, CreateInboxForm, WebhookForm
from po6_tui.ui.postern.reader import PosternReaderScreen, PosternThreadScreen
from po6_tui.ui.postern.wait import PosternWaitScreen


async def _dialog(pilot, key: str, kind: type) -> None:
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, kind))
    await wait_idle(pilot)  # mounted and focused first: only then can the blink be stopped for good
    no_blink(pilot.app.screen)
    await wait_idle(pilot)


def test_postern_view_80x24(snap_compare, make_postern_app):
    async def ready(pilot) -> None:
        await open_postern(pilot)

    assert snap_compare(make_postern_app(), terminal_size=(80, 24), run_before=ready)


def test_postern_inbox_120x35(snap_compare, make_postern_app):
    async def support(pilot) -> None:
        await open_postern(pilot, SUPPORT)

    assert snap_compare(make_postern_app(), terminal_size=(120, 35), run_before=support)


def test_postern_threads(snap_compare, make_postern_app):
    async def threads(pilot) -> None:
        screen = await open_postern(pilot, SUPPORT)
        await pilot.press("t")
        await wait_listing(pilot, screen, 2)

    assert snap_compare(make_postern_app(), terminal_size=(80, 24), run_before=threads)


def test_postern_thread_view(snap_compare, make_postern_app):
    async def thread(pilot) -> None:
        screen = await open_postern(pilot, SUPPORT)
        await pilot.press("t")
        await wait_listing(pilot, screen, 2)
        screen.messages.move_cursor(row=[t.subject for t in screen.messages.items].index("Invoice #1042 looks wrong"))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, PosternThreadScreen)
                       and pilot.app.screen.table.loaded)
        await wait_idle(pilot)

    assert snap_compare(make_postern_app(), terminal_size=(80, 24), run_before=thread)


def test_postern_reader(snap_compare, make_postern_app):
    async def read(pilot) -> None:
        screen = await open_postern(pilot, SUPPORT)
        await pilot.press("G", "enter")  # the oldest: already read, so reading changes nothing
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, PosternReaderScreen)
                       and pilot.app.screen.message is not None)
        await wait_idle(pilot)
        assert screen.messages.items[-1].subject == "Invoice #1042 looks wrong"

    assert snap_compare(make_postern_app(), terminal_size=(80, 24), run_before=read)


def test_postern_send_form(snap_compare, make_postern_app):
    async def compose(pilot) -> None:
        await open_postern(pilot, SUPPORT)
        await _dialog(pilot, "m", ComposeForm)
        fill(pilot.app.screen, "#to", "dana.reyes@customer.example")
        fill(pilot.app.screen, "#subject", "Your credit note")
        fill(pilot.app.screen, "#body", "Hi Dana,\n\nthe credit shows up within two working days.\n")
        await wait_idle(pilot)

    assert snap_compare(make_postern_app(), terminal_size=(80, 24), run_before=compose)


def test_postern_reply_form(snap_compare, make_postern_app):
    async def reply(pilot) -> None:
        await open_postern(pilot, SUPPORT)
        await _dialog(pilot, "r", ComposeForm)

    assert snap_compare(make_postern_app(), terminal_size=(80, 24), run_before=reply)


def test_postern_create_inbox_form(snap_compare, make_postern_app):
    async def create(pilot) -> None:
        await open_postern(pilot)
        await _dialog(pilot, "c", CreateInboxForm)

    assert snap_compare(make_postern_app(), terminal_size=(80, 24), run_before=create)


def test_postern_delete_confirmation(snap_compare, make_postern_app):
    async def ask(pilot) -> None:
        await open_postern(pilot, SUPPORT)
        await _dialog(pilot, "d", ConfirmScreen)

    assert snap_compare(make_postern_app(), terminal_size=(80, 24), run_before=ask)


def test_postern_webhook_form(snap_compare, make_postern_app):
    async def webhook(pilot) -> None:
        await open_postern(pilot, SIGNUP)
        await _dialog(pilot, "W", WebhookForm)
        fill(pilot.app.screen, "#url", "https://hooks.example.com/postern")
        await wait_idle(pilot)

    assert snap_compare(make_postern_app(), terminal_size=(80, 24), run_before=webhook)


def test_postern_wait_watcher(snap_compare, make_postern_app):
    async def watch(pilot) -> None:
        await open_postern(pilot, SIGNUP)
        await _dialog(pilot, "w", PosternWaitScreen)
        watcher = pilot.app.screen
        watcher.query_one("#wait-include", Checkbox).value = True
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: len(watcher.matches) == 3, timeout=20)
        await pilot.press("escape")  # stopped: a still picture
        await wait_idle(pilot)
        await pilot.press("k")
        await wait_idle(pilot)

    assert snap_compare(make_postern_app(), terminal_size=(80, 24), run_before=watch)


def test_postern_account_picker(snap_compare, make_postern_app):
    async def pick(pilot) -> None:
        await open_postern(pilot)
        await _dialog(pilot, "A", AccountPicker)

    assert snap_compare(make_postern_app(with_po6=True), terminal_size=(80, 24), run_before=pick)
