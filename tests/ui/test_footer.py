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
