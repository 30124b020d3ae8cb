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
