"""The key footer at 80 columns: nothing is drawn over the hints (issue 20: a stray letter
showed where the palette's key was laid over hints that ran longer than the line)."""

from __future__ import annotations

from uihelpers import wait_list

from po6_tui.ui.mail.reader import ReaderScreen


async def test_nothing_is_drawn_over_the_footer_hints_at_80_columns(make_app):
    from uihelpers import wait_for

    app = make_app(mark_read_on_open=False)  # the shared sandbox must stay as seeded
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_list(pilot)
        await pilot.press("enter")  # the reader has the longest footer
        await wait_for(pilot, lambda: isinstance(app.screen, ReaderScreen), what="the reader")
        await pilot.pause()
        footer = app.screen.query_one("Footer")
        assert not footer.show_command_palette  # the overlay that collided with the hints
        keys = [b.key for _, b, enabled, _ in app.screen.active_bindings.values() if b.show and enabled]
        assert "ctrl+p" not in keys and "q" in keys


async def test_the_footer_shows_only_whole_hints_and_keeps_cmd_and_help_at_80_columns(make_app):
    from textual.widgets._footer import FooterKey
    from uihelpers import screen_text, wait_for

    app = make_app(mark_read_on_open=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_list(pilot)
        await pilot.press("enter")  # the reader's hints need more than 80 columns
        await wait_for(pilot, lambda: isinstance(app.screen, ReaderScreen), what="the reader")
        await pilot.pause()
        await pilot.pause()
        keys = list(app.screen.query_one("Footer").query(FooterKey))
        assert [k.description for k in keys[-2:]] == ["Cmd", "Help"]
        assert keys[0].description == "Back"  # the first hints stay, the last ones go
        assert all(k.region.right <= 80 for k in keys)
        last_line = screen_text(app).splitlines()[-1]
        assert last_line.rstrip().endswith("? Help")  # not cut (": C" was the end of the line)
        await pilot.resize_terminal(160, 30)
        await wait_for(pilot, lambda: len(app.screen.query_one("Footer").query(FooterKey)) > len(keys),
                       what="the hints back at 160 columns")
