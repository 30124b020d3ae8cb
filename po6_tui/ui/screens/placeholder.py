"""What a view shows until its module is written: its name, what is coming, and the way back."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Center, Middle
from textual.widgets import Static

from po6_tui.ui.screens.base import AppScreen
from po6_tui.ui.views import View


class PlaceholderScreen(AppScreen):
    DEFAULT_CSS = """
    PlaceholderScreen #placeholder { width: auto; max-width: 70; padding: 1 2; border: round $panel-lighten-2; }
    """

    def __init__(self, view: View) -> None:
        super().__init__(name=view.name)
        self.view = view
        self.VIEW = view.name

    def compose_body(self) -> ComposeResult:
        message = Text(self.view.title, style="bold")
        message.append(f"\n\n{self.view.help}.\n\nComing: {self.view.coming or 'this view'}.\n\n", style="")
        message.append("q", style="bold")
        message.append(" goes back to mail, ")
        message.append(":", style="bold")
        message.append(" opens another view.")
        with Middle(), Center():
            yield Static(message, id="placeholder")
