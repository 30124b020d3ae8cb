"""A big folder opens as fast as a small one: only the pages near the viewport are fetched."""

from __future__ import annotations

import time

import pytest
from uihelpers import start_frozen_sandbox, wait_for, wait_list

from po6_tui.ui.mail.mailbox_tree import Place

SIZE = 20_000


@pytest.fixture(scope="module")
def big_sandbox(tmp_path_factory):
    box = start_frozen_sandbox(tmp_path_factory.mktemp("big"), seed=str(SIZE))
    yield box
    box.stop()


async def test_big_folder_pages_only_what_is_seen(make_app, big_sandbox):
    app = make_app(big_sandbox)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_list(pilot)
        client = await app.active.po6_client()
        offsets: list[int] = []
        real_list_emails = client.list_emails

        async def counting_list_emails(**arguments):
            offsets.append(arguments.get("offset") or 0)
            return await real_list_emails(**arguments)

        client.list_emails = counting_list_emails
        messages = app.mail.message_list
        started = time.perf_counter()
        app.mail.open_place(Place("sandbox", "mbx_scale", "INBOX"))
        await wait_for(pilot, lambda: messages.total == SIZE and messages.current is not None)
        assert time.perf_counter() - started < 2.0
        assert offsets == [0]

        started = time.perf_counter()
        await pilot.press("G")
        assert messages.cursor == SIZE - 1, "the jump itself does not wait for the network"
        await wait_for(pilot, lambda: messages.current is not None)
        assert time.perf_counter() - started < 2.0
        assert set(offsets) == {0, SIZE - 100}
        dates = [messages.row(i).date for i in range(SIZE - 20, SIZE)]
        assert dates == sorted(dates, reverse=True)

        await pilot.press("space", "k", "space")
        marked = set(messages.marked)
        messages.reload()
        await wait_for(pilot, lambda: len(offsets) > 2)
        await pilot.pause(0.2)
        assert set(messages.marked) == marked and messages.cursor == SIZE - 1
        assert len(offsets) <= 5, offsets


async def test_the_next_screenful_is_drawn_ahead_while_idle(make_app, big_sandbox):
    """After a scroll settles, the rows one PageDown away are already drawn: the next PageDown
    draws only the row under the cursor (the rest comes from the line cache)."""
    app = make_app(big_sandbox)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_list(pilot)
        messages = app.mail.message_list
        app.mail.open_place(Place("sandbox", "mbx_scale", "INBOX"))
        await wait_for(pilot, lambda: messages.total == SIZE and messages.current is not None)
        await pilot.press("pagedown")
        await wait_for(pilot, lambda: messages.current is not None)
        await pilot.pause(0.2)  # idle: the next screenful is drawn ahead

        drawn: list[int] = []
        real_render_row = messages._render_row

        def counting_render_row(index, row, width):
            drawn.append(index)
            return real_render_row(index, row, width)

        messages._render_row = counting_render_row
        await pilot.press("pagedown")
        top, bottom = messages._visible_range()
        await wait_for(pilot, lambda: any(index > bottom for index in drawn), 10,
                       "the screenful after it to be drawn ahead in turn")
        assert messages.current is not None and messages.cursor == top
        on_screen = [index for index in drawn if top <= index <= bottom]
        assert on_screen == [messages.cursor], f"drawn on PageDown: {on_screen}"


async def test_g_at_once_shows_the_last_row_and_no_sideways_scrollbar_hides_it(make_app, big_sandbox):
    """A G pressed as the folder's first page arrives: the last message is on screen. (Textual
    does not scroll a widget whose scrollbar is not laid out yet, and the list's scrollbar comes
    a frame after its height: the cursor went to the last row, the view stayed at the top. And
    the list's width, taken before that scrollbar came, made a sideways scrollbar over the
    bottom row, the one G had moved to.)"""
    from uihelpers import screen_text

    app = make_app(big_sandbox)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_list(pilot)
        messages = app.mail.message_list
        arrived = messages._page_arrived

        def then_g(*arguments) -> None:  # G in the very frame the total becomes known
            first = messages.total is None
            arrived(*arguments)
            if first and messages.total == SIZE:
                messages.action_last()

        messages._page_arrived = then_g
        app.mail.open_place(Place("sandbox", "mbx_scale", "INBOX"))
        await wait_for(pilot, lambda: messages.total == SIZE and messages.current is not None
                       and messages.cursor == SIZE - 1, what="the last message")
        await pilot.pause()
        assert not messages.show_horizontal_scrollbar
        top, bottom = messages._visible_range()
        assert top <= messages.cursor <= bottom
        subject = messages.current.subject[:20]
        await wait_for(pilot, lambda: subject in screen_text(app), what="the last message on screen")
