"""`:postponed`: every unfinished message, newest first; Enter continues it, d throws it away
(issue 18)."""

from __future__ import annotations

from drafthelpers import answer, status
from textual.widgets import Input, TextArea
from uihelpers import type_command, wait_for, wait_idle, wait_list

from po6_tui.journal import Journal, SavedEdit
from po6_tui.ui.outbox.compose import ComposeScreen
from po6_tui.ui.outbox.postponed import PostponedScreen


async def _postponed(pilot) -> PostponedScreen:
    await type_command(pilot, "postponed")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, PostponedScreen), what="the postponed list")
    await wait_idle(pilot)
    return pilot.app.screen


async def test_postponed_lists_continues_and_throws_away(make_app, tools_box, unique):
    journal = Journal.default()
    journal.save_edit("sandbox", "drf_x1", SavedEdit("a@example.com", "", f"Draft edit {unique}", "edited"))
    app = make_app(tools_box)
    async with app.run_test(size=(120, 35)) as pilot:
        await wait_list(pilot)
        # A new message, typed and left (Esc keeps the text)
        await pilot.press("m")
        await wait_for(pilot, lambda: isinstance(app.screen, ComposeScreen), what="compose")
        await wait_idle(pilot)
        app.screen.query_one("#to", Input).value = "bo@example.com"
        app.screen.query_one("#subject", Input).value = f"Half written {unique}"
        app.screen.query_one("#body", TextArea).text = "Dear Bo, about the"
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, ComposeScreen), what="compose kept")

        screen = await _postponed(pilot)
        subjects = [item.edit.subject for item in screen.items]
        assert subjects[:2] == [f"Half written {unique}", f"Draft edit {unique}"]  # newest first
        assert [item.kind for item in screen.items[:2]] == ["new message", "draft edit"]

        await pilot.press("j", "enter")  # a draft edit continues in the queue: said, not guessed
        await wait_idle(pilot)
        assert "in the drafts queue (:drafts)" in status(app)
        await pilot.press("d")
        await answer(pilot, yes=False)
        assert journal.load_edit("sandbox", "drf_x1") is not None and "Kept." in status(app)
        await pilot.press("d")
        await answer(pilot)
        assert journal.load_edit("sandbox", "drf_x1") is None
        assert [i.edit.subject for i in screen.items if i.key == "drf_x1"] == []

        await pilot.press("k", "enter")  # the new message, in its form with its text
        await wait_for(pilot, lambda: isinstance(app.screen, ComposeScreen), what="compose again")
        await wait_idle(pilot)
        assert app.screen.query_one("#body", TextArea).text == "Dear Bo, about the"
        assert app.screen.query_one("#subject", Input).value == f"Half written {unique}"
