"""The tool console's list moves with the list keys (j/k, g/G), as every list does."""

from __future__ import annotations

from toolhelpers import open_tools
from uihelpers import screen_text, wait_idle


async def test_j_and_k_move_the_tool_list(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_tools(pilot)
        assert app.focused is screen.tool_list
        first = screen.tool_list.highlighted
        await pilot.press("j", "j")
        await wait_idle(pilot)
        assert screen.tool_list.highlighted == (first or 0) + 2 and app.focused is screen.tool_list
        await pilot.press("k")
        await wait_idle(pilot)
        assert screen.tool_list.highlighted == (first or 0) + 1
        await pilot.press("G")
        await wait_idle(pilot)
        assert screen.tool_list.highlighted == len(screen.tools) - 1


async def test_a_result_stays_with_its_own_tool(make_app):
    from toolhelpers import call_and_wait, choose, fill, result_text

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_tools(pilot)
        form = await choose(pilot, "get_alias")
        fill(form, alias_id="als_sales")
        await call_and_wait(pilot)
        assert "acme-sales@po6.com" in result_text(screen)
        await choose(pilot, "list_mailboxes")  # another tool: its form, and no result of get_alias under it
        await wait_idle(pilot)
        assert not screen.query_one("#result").display or "acme-sales" not in result_text(screen)
        assert screen.query_one("#result").has_class("-before-first-call")
        await choose(pilot, "get_alias")  # back: its own last result is there again
        await wait_idle(pilot)
        assert "acme-sales@po6.com" in result_text(screen) and not screen.query_one("#result").has_class(
            "-before-first-call")


async def test_tool_names_are_whole_in_the_tool_list_at_80_columns(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tools(pilot)
        assert "get_email_list_contacts" in screen_text(app)  # was "get_email_list_con…"
        for _ in range(30):  # down to the longest name
            await pilot.press("j")
        await wait_idle(pilot)
        assert "list_landing_page_templates" in screen_text(app)
