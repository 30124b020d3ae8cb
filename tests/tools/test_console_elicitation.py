"""A server that asks the operator for input during a call (MCP form elicitation), here the
official SDK's server (tests/tools/second_server.py, `book_room`): the app shows a form built
from the requested schema, pre-filled with its defaults, and sends back what the operator
answers: accept (with the values), decline or cancel. Read-only mode does not stop it."""

from __future__ import annotations

import json

from textual.widgets import Input, Select, Static
from toolhelpers import choose, fill, open_tools, result_text
from uihelpers import wait_for, wait_idle

from po6_tui.ui.kit.elicitation import ElicitationScreen


async def ask(pilot) -> ElicitationScreen:
    """Call book_room and wait for the server's question."""
    await open_tools(pilot)
    await choose(pilot, "book_room")
    await pilot.press("ctrl+r")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ElicitationScreen), what="the server's question")
    await pilot.pause()
    return pilot.app.screen


async def answered(pilot, screen) -> dict:
    await wait_for(pilot, lambda: '"action"' in result_text(screen), what="the tool's result")
    await wait_idle(pilot)
    return json.loads(result_text(screen))


async def test_the_form_is_prefilled_with_defaults_and_sends_what_was_typed(make_second_app, second_server):
    app = make_second_app()
    async with app.run_test(size=(80, 24)) as pilot:
        question = await ask(pilot)
        shown = str(question.query_one("#elicit-message", Static).render())
        assert "Who is coming to the meeting?" in shown and "[bold]room[/]" in shown  # literal, not markup
        assert "\x1b" not in shown and "\u202e" not in shown
        form = question.form
        assert form.field("seats").widget.value == "4" and form.field("note").widget.value == "standup"
        room, remote = form.field("room"), form.field("remote")
        assert room.choices[room.widget.value] == "Grace" and remote.choices[remote.widget.value] is True
        assert isinstance(app.focused, Input)  # typing starts in the first field

        fill(form, name="Ada Lovelace", seats="6")
        await pilot.press("ctrl+s")
        console = app.screen_stack[-1]
        result = await answered(pilot, console)
    assert result == {"action": "accept", "content": {"name": "Ada Lovelace", "seats": 6, "room": "Grace",
                                                      "remote": True, "note": "standup"}}


async def test_a_missing_required_field_is_said_in_the_form_then_decline(make_second_app):
    app = make_second_app()
    async with app.run_test(size=(80, 24)) as pilot:
        question = await ask(pilot)
        await pilot.press("ctrl+s")  # the name is required and empty
        await pilot.pause()
        assert app.screen is question
        problem = question.query_one("#elicit-error", Static)
        assert problem.display and "name: is required" in str(problem.render())
        assert app.focused is question.form.field("name").widget
        await pilot.press("ctrl+n")
        result = await answered(pilot, app.screen)
    assert result == {"action": "decline", "content": None}


async def test_esc_cancels_and_read_only_mode_still_asks(make_second_app):
    app = make_second_app(read_only=True)
    async with app.run_test(size=(80, 24)) as pilot:
        question = await ask(pilot)
        assert isinstance(question.form.field("room").widget, Select)
        await pilot.press("escape")
        result = await answered(pilot, app.screen)
    assert result == {"action": "cancel", "content": None}
