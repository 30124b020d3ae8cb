"""Driving the routing and pages views in Pilot tests (fixtures come from tests/ui via conftest.py)."""

from __future__ import annotations

from textual.widgets import Input, Select
from uihelpers import type_command, wait_for, wait_idle, wait_list

from po6_tui.ui.kit.form import FormScreen
from po6_tui.ui.kit.confirm import ConfirmScreen
from po6_tui.ui.shell.bars import StatusLine


async def open_view(pilot, name: str, table: str, rows: int | None = None):
    """Start from the mail screen, type `:name`, wait for the view's table to fill."""
    app = pilot.app
    await wait_list(pilot)
    await type_command(pilot, name)
    await wait_for(pilot, lambda: app.current_mode == name and app.screen.query(table)
                   and app.screen.query_one(table).row_count > 0
                   and (rows is None or app.screen.query_one(table).row_count == rows), what=f"the {name} table")
    await settle(pilot)
    return app.screen.query_one(table)


async def settle(pilot) -> None:
    """Until every request is answered and every table has measured its new rows.
    (A DataTable sizes its columns on its next idle event, after the rows arrive: a snapshot
    taken in between shows clipped columns.)"""
    from textual.widgets import DataTable

    await wait_idle(pilot)
    await wait_for(pilot, lambda: not any(t._require_update_dimensions or t._updated_cells
                                          for t in pilot.app.screen.query(DataTable)),
                   what="the tables to measure their rows")


async def wait_screen(pilot, kind: type, **kw):
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, kind), what=kind.__name__, **kw)
    await pilot.pause()
    return pilot.app.screen


async def fill_form(pilot, **values: str) -> FormScreen:
    """Fill the open form's fields (by name) and submit it with Enter in a text field."""
    form = await wait_screen(pilot, FormScreen)
    for name, value in values.items():
        widget = form.query_one(f"#field-{name}")
        if isinstance(widget, Select):
            widget.value = value if value else Select.NULL
        else:
            widget.value = value
    await pilot.pause()
    form.action_submit()
    await pilot.pause()
    return form


async def answer(pilot, yes: bool, typed: str | None = None) -> ConfirmScreen:
    """Answer the confirmation modal: type the name if asked, then Confirm or Cancel."""
    modal = await wait_screen(pilot, ConfirmScreen)
    if typed is not None:
        modal.query_one("#typed", Input).value = typed
        await pilot.pause()
    await pilot.click("#confirm" if yes else "#cancel")
    await wait_for(pilot, lambda: pilot.app.screen is not modal, what="the modal to close")
    await wait_idle(pilot)
    return modal


def status(app) -> str:
    for screen in reversed(app.screen_stack):
        lines = screen.query(StatusLine)
        if lines:
            return str(lines.first().message)
    return ""


async def client(app):
    return await app.active.po6_client()


__all__ = ["answer", "client", "fill_form", "open_view", "settle", "status", "type_command", "wait_for", "wait_idle",
           "wait_screen"]


async def select_row(pilot, table, key: str) -> None:
    """Put the table's cursor on the row `key` (as j/k would) and let its detail load."""
    table.move_cursor(row=table.get_row_index(key), animate=False)
    await settle(pilot)
