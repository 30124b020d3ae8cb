"""Small modal choosers: the folder picker (for `s` move) and the `;` menu (act on marked)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from po6_tui.api.models import FolderInfo
from po6_tui.ui import safe
from po6_tui.ui.kit.dialog import Dialog
from po6_tui.ui.kit.table import LIST_BINDINGS


class FolderPicker(Dialog[str | None]):
    """Choose a folder: type to narrow, ↑/↓ to move, Enter to choose, Esc to cancel.

    The list keys move the list while the filter keeps the focus; the keys the filter uses
    itself (letters, Home/End, Ctrl+D/U) stay with the filter."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="picker.cancel"),
        *LIST_BINDINGS,
    ]

    DEFAULT_CSS = """
    FolderPicker > #dialog { width: 50; }
    """

    def __init__(self, title: str, folders: list[FolderInfo], exclude: str | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.folders = [f for f in folders if f.name != exclude]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Text(self.title_text), id="title", classes="dialog-title")
            yield Input(placeholder="type to filter, Enter to choose", id="filter")
            yield OptionList(*self._folder_options(""), id="folders")

    def _folder_options(self, needle: str) -> list[Option]:
        needle = needle.casefold()
        options = []
        for folder in self.folders:
            if needle and needle not in folder.name.casefold():
                continue
            label = safe.text(folder.name, max_len=80)
            label.append(f"  {folder.total}", style="dim")
            options.append(Option(label, id=folder.name))
        return options

    @on(Input.Changed, "#filter")
    def _filter(self, event: Input.Changed) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(self._folder_options(event.value))
        options.highlighted = 0 if options.option_count else None

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0 if options.option_count else None

    def action_cursor_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    def action_page_down(self) -> None:
        self.query_one(OptionList).action_page_down()

    def action_page_up(self) -> None:
        self.query_one(OptionList).action_page_up()

    def action_first(self) -> None:
        self.query_one(OptionList).action_first()

    def action_last(self) -> None:
        self.query_one(OptionList).action_last()

    @on(Input.Submitted, "#filter")
    def _submit(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None and options.option_count:
            self.dismiss(options.get_option_at_index(options.highlighted).id)

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class MarkedMenu(ModalScreen[str | None]):
    """`;` then a key: apply an action to every marked message (mutt's tag-prefix)."""

    CHOICES = (
        ("N", "toggle_read", "read / unread"),
        ("F", "toggle_star", "star / unstar"),
        ("s", "move", "move to a folder"),
        ("d", "delete", "to Trash (in Trash: delete)"),
        ("u", "clear_marks", "clear the marks"),
    )

    BINDINGS = [Binding("escape", "choose('')", "Cancel", id="marked.cancel")] + [
        Binding(key, f"choose('{action}')", label, id=f"marked.{action}") for key, action, label in CHOICES
    ]

    DEFAULT_CSS = """
    MarkedMenu { align: center bottom; }
    MarkedMenu > Static { width: auto; max-width: 100%; border: round $accent; background: $surface;
                          padding: 0 1; margin-bottom: 2; }
    """

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count

    def compose(self) -> ComposeResult:
        text = Text(f"{self.count} marked:  ", style="bold")
        for key, _action, label in self.CHOICES:
            text.append(key, style="bold reverse")
            text.append(f" {label}   ")
        text.append("Esc", style="bold reverse")
        text.append(" cancel")
        yield Static(text)

    def action_choose(self, action: str) -> None:
        self.dismiss(action or None)
