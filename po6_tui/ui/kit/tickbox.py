"""`TickBox`: a checkbox whose box is empty when off.

Textual's Checkbox draws its X whether on or off, only in another colour; on a terminal with few
colours, or to a tired eye, on and off looked the same (`▐X▌`)."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Checkbox


class TickBox(Checkbox):
    @property
    def _button(self) -> Content:
        self.BUTTON_INNER = "X" if self.value else " "
        return super()._button
