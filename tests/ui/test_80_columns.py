"""At 80x24 every view keeps its key columns readable (issue 20): the subject gets the room in
the mail list, tool names are whole, a table's columns shrink or go by priority instead of
the last ones being cut off at the edge."""

from __future__ import annotations

from uihelpers import screen_text, wait_idle, wait_list

from po6_tui.ui.kit.table import Column, fit_widths

SIZE = (80, 24)


def test_fit_widths_shrinks_the_givers_first_then_hides_them_and_keeps_the_key_columns():
    columns = [Column("key", "Key", give=0), Column("note", "Note", give=2, least=6),
               Column("extra", "Extra", give=5, least=8)]
    assert fit_widths(columns, [10, 20, 20], 100) == [10, 20, 20]  # room for all: as they are
    assert fit_widths(columns, [10, 20, 20], 50) == [10, 20, 14]  # the one that gives most, first
    assert fit_widths(columns, [10, 20, 20], 36) == [10, 20, None]  # not enough: it goes, the next stays whole
    assert fit_widths(columns, [10, 20, 20], 26) == [10, 12, None]  # then the next shrinks
    assert fit_widths(columns, [10, 20, 20], 20) == [10, 6, None]
    assert fit_widths([Column("key", "Key", give=0)], [30], 20) == [18]  # a key column alone gives at the end


async def test_the_mail_list_gives_the_subject_the_room_at_80_columns(make_app):
    app = make_app(mark_read_on_open=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_list(pilot)
        await wait_idle(pilot)
        text = screen_text(app)
        # "Confirm your email address for Northwind" was cut to 24 characters before
        assert "Confirm your email address for" in text
        assert "Nov 09" in text  # the date column whole at the right edge
