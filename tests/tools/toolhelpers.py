"""Driving the tool console in Pilot tests."""

from __future__ import annotations

from textual.widgets import Input, Select, Static, TextArea
from uihelpers import wait_for, wait_idle

from po6_tui.ui.kit.schema_form import SchemaForm
from po6_tui.ui.tools.tools_screen import ToolsScreen


async def open_tools(pilot) -> ToolsScreen:
    """`:tools`, then wait until the server's tools are listed."""
    app = pilot.app
    app.open_view("tools")
    await wait_for(pilot, lambda: isinstance(app.screen, ToolsScreen) and app.screen.tools, what="the tool list")
    await wait_idle(pilot)
    return app.screen


async def choose(pilot, name: str) -> SchemaForm:
    """Highlight the tool `name` and wait for its form."""
    screen: ToolsScreen = pilot.app.screen
    screen.tool_list.highlighted = [tool.name for tool in screen.tools].index(name)
    await wait_for(pilot, lambda: screen.current_form is not None and screen.current_form.display,
                   what=f"the form of {name}")
    await pilot.pause()
    return screen.current_form


def fill(form: SchemaForm, **values) -> None:
    """Put text in fields by path (`assignee__name` for `assignee.name`); Selects take the option's label."""
    for key, value in values.items():
        widget = form.field(key.replace("__", ".")).widget
        if isinstance(widget, Input):
            widget.value = value
        elif isinstance(widget, TextArea):
            widget.load_text(value)
        elif isinstance(widget, Select):
            choices = form.field(key.replace("__", ".")).choices
            widget.value = next(i for i, c in enumerate(choices) if str(c).lower() == str(value).lower())
        else:
            raise TypeError(widget)


def result_text(screen: ToolsScreen) -> str:
    return str(screen.query_one("#result-body", Static).content)


def header_text(screen: ToolsScreen) -> str:
    return str(screen.query_one("#result-header", Static).content)


def status_text(screen) -> str:
    from po6_tui.ui.shell.bars import StatusLine

    return screen.query_one(StatusLine).message


async def call_and_wait(pilot) -> None:
    await pilot.press("ctrl+r")
    await wait_idle(pilot)
