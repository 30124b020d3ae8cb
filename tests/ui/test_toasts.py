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
