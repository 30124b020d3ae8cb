"""Toasts: at most two on screen, the newest kept (issue 20: they stacked over eight list rows)."""

from __future__ import annotations

from uihelpers import wait_list


async def test_at_most_two_toasts_the_newest_kept(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_list(pilot)
        for number in range(5):
            app.report(f"Failure number {number}.", "error")
        await pilot.pause()
        assert [n.message for n in app._notifications] == ["Failure number 3.", "Failure number 4."]
        assert "Failure number 4." in app.screen.query_one("StatusLine").message


async def test_no_toast_covers_a_dialog_and_it_is_back_on_the_view_after(make_app):
    from textual.widgets._toast import Toast
    from uihelpers import wait_for

    from po6_tui.ui.mail.pickers import FolderPicker

    app = make_app(mark_read_on_open=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await wait_list(pilot)
        app.notify("Drafts expiring soon.", timeout=60)
        await wait_for(pilot, lambda: any(t.region.height for t in app.screen.query(Toast)), what="the toast")
        await pilot.press("s")  # move: which folder? (a dialog, like every confirmation)
        await wait_for(pilot, lambda: isinstance(app.screen, FolderPicker), what="the folder picker")
        await pilot.pause()
        assert not [t for t in app.screen.query(Toast) if t.region.height]  # nothing over the question
        await pilot.press("escape")
        await wait_for(pilot, lambda: any(t.region.height for t in app.screen.query(Toast)), what="the toast again")
