"""Snapshots of the tool console (frozen sandbox clock and "today", as in tests/ui).
Update after a deliberate change with `--snapshot-update`, after looking at the SVGs."""

from __future__ import annotations

from toolhelpers import call_and_wait, choose, fill, open_tools
from uihelpers import wait_idle


async def _alias_called(pilot) -> None:
    # A result without times or sizes: seeded mail moves by the second the sandbox takes to start.
    await open_tools(pilot)
    form = await choose(pilot, "get_alias")
    fill(form, alias_id="als_sales")
    await call_and_wait(pilot)
    pilot.app.screen.tool_list.focus()
    pilot.app.clear_notifications()
    await wait_idle(pilot)


def test_tools_with_a_result_120x36(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=(120, 36), run_before=_alias_called)


def test_tools_80x24(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=_alias_called)


def test_tools_read_only_on_another_server(snap_compare, make_second_app):
    async def nested_form(pilot) -> None:
        await open_tools(pilot)
        form = await choose(pilot, "create_ticket")
        fill(form, title="Printer on fire", priority="1", tags="hardware\nurgent", assignee__name="Ada")
        pilot.app.screen.tool_list.focus()
        pilot.app.clear_notifications()
        await wait_idle(pilot)

    assert snap_compare(make_second_app(read_only=True), terminal_size=(80, 24), run_before=nested_form)



def test_a_server_asks_for_input_80x24(snap_compare, make_app):
    # The question a server sends during a call (tests/tools/test_console_elicitation.py drives
    # it end to end); shown here with a fixed host, since the test servers' ports change.
    from second_server import ELICIT_MESSAGE, ELICIT_SCHEMA

    from po6_tui.api.mcp import ElicitationRequest
    from po6_tui.ui.kit.elicitation import ElicitationScreen

    async def asked(pilot) -> None:
        question = ElicitationScreen(ElicitationRequest(ELICIT_MESSAGE, ELICIT_SCHEMA, "desk.example", "book_room"))
        await pilot.app.push_screen(question)
        question.form.field("name").widget.value = "Ada Lovelace"
        await wait_idle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=asked)
