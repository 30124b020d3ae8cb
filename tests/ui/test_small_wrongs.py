"""Small wrongs of issue 20, each through the app: `:ctx` alone lists the accounts, a typed
confirmation answers a wrong name on Enter, the reject prompt reads as one sentence,
the sidebar's counts whole when its scrollbar comes."""

from __future__ import annotations

from textual.widgets import Input, Static
from uihelpers import screen_text, type_command, wait_for, wait_idle, wait_list

from po6_tui.ui.kit.confirm import ConfirmScreen, Question, confirm_then
from po6_tui.ui.kit.prompt import PromptScreen
from po6_tui.ui.shell.bars import StatusLine


def status(app) -> str:
    return str(app.screen.query_one(StatusLine).message)


async def test_ctx_alone_lists_the_accounts(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_list(pilot)
        await type_command(pilot, "ctx")
        assert "Accounts: sandbox (in use) [po6]" in status(app)


async def test_a_wrong_typed_name_is_answered_on_enter(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_list(pilot)
        done = []
        confirm_then(app.screen, Question("Delete it?", type_to_confirm="example.org"), lambda: done.append(1))
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        app.screen.query_one("#typed", Input).value = "example.com"
        await pilot.press("enter")
        await wait_idle(pilot)
        assert isinstance(app.screen, ConfirmScreen) and not done
        assert "not the name" in str(app.screen.query_one("#typed-hint", Static).render())


async def test_the_reject_prompt_reads_as_one_sentence(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_list(pilot)
        app.open_view("drafts")
        await wait_for(pilot, lambda: getattr(app.screen, "loaded", False))
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, PromptScreen))
        field = app.screen.query_one(Input)
        assert field.placeholder == "optional; Enter to skip it, Esc cancels the rejection"
        assert "Enter finds" not in field.placeholder
        await pilot.press("escape")


async def test_the_sidebar_scrollbar_never_clips_the_counts(make_app):
    """A mailbox whose folders are known, opened again, brings the scrollbar without a resize:
    the labels were fitted to the width without it ('signup-bot@po6.… 9/' at 80×24)."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_list(pilot)
        tree = app.mail.sidebar
        tree.focus()
        mailboxes = [node for place, node in tree._place_nodes.items() if place.folder is None]
        for index, key in ((1, "l"), (2, "l"), (2, "h"), (0, "h"), (2, "l"), (0, "l")):
            tree.move_cursor(mailboxes[index])
            await pilot.press(key)
            await wait_idle(pilot)
        assert tree.show_vertical_scrollbar
        sidebar = [line[:tree.scrollable_content_region.width] for line in screen_text(app).splitlines()[1:22]]
        for counts in ("9/15", "6/22", "8/18", "9/14", "5/15"):  # signup, billing, support; two INBOXes
            assert any(line.rstrip().endswith(counts) for line in sidebar), (counts, sidebar)


async def test_toasts_at_80x24_are_two_above_the_status_line(make_app):
    """Errors in a row stacked their toasts over eight rows of the list, the last one over the
    status line, with the list's text showing beside them. (From the issue-20 branch.)"""
    from textual.widgets._toast import Toast

    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await wait_list(pilot)
        app.report("Moving the message failed: the server refused it (Email not found).", "error")
        app.notify("New draft from billing-agent@po6.com: Invoice query", markup=False)
        app.report("Loading INBOX failed: cannot reach 127.0.0.1:18025 (connection refused).", "error")
        app.report("Loading INBOX failed: cannot reach 127.0.0.1:18025 (connection refused).", "error")
        await wait_for(pilot, lambda: len(app.screen.query(Toast)) == 2 and all(
            toast.region.height for toast in app.screen.query(Toast)))
        await pilot.pause(0.2)
        toasts = list(app.screen.query(Toast))
        said = [str(toast.render()) for toast in toasts]
        assert "Invoice query" in said[0] and "Loading INBOX failed" in said[1]  # the newest two, once each
        status_line = app.screen.query_one(StatusLine).region
        assert all(toast.region.bottom <= status_line.y for toast in toasts)
        assert all(toast.region.right == 80 for toast in toasts)  # no gutter where the list shows through
        assert sum(toast.region.height for toast in toasts) <= 5


async def test_a_long_status_message_is_shown_whole_at_80_columns(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_list(pilot)
        message = ("The connection to 127.0.0.1:8025 was lost before the reply arrived. compose_email may or "
                   "may not have taken effect; check the sent log before trying again.")
        app.screen.report(message, "warning")
        line = app.screen.query_one("StatusLine")
        await wait_for(pilot, lambda: line.size.height > 1, what="more than one line")
        shown = " ".join(screen_text(app).split())
        assert "check the sent log before trying again." in shown
        assert "1/14" in shown  # the context still there
        app.screen.report("Moved to Trash.")
        await wait_for(pilot, lambda: line.size.height == 1, what="one line again")
