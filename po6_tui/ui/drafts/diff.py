"""`D`: what the operator's edit changes in the agent's draft, as a unified diff."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from po6_tui.journal import SavedEdit
from po6_tui.ui import safe
from po6_tui.ui.core.message_text import diff_lines
from po6_tui.ui.kit.dialog import Dialog
from po6_tui.ui.kit.keymap import PANE_BINDINGS
from po6_tui.ui.kit.message_form import cleaned


def diff_text(original: SavedEdit, edited: SavedEdit) -> Text:
    lines = diff_lines(cleaned(original), edited)
    if not lines:
        return Text("No difference: the edit is the agent's draft.", style="dim")
    out = Text(end="")
    for line in lines:
        if line.startswith(("---", "+++")):
            style = "bold"
        elif line.startswith("@@"):
            style = "cyan"
        elif line.startswith("+"):
            style = "green"
        elif line.startswith("-"):
            style = "red"
        else:
            style = ""
        out.append_text(safe.text(line, max_len=2000, style=style))
        out.append("\n")
    out.rstrip()
    return out


class DiffScreen(Dialog[None]):
    BINDINGS = [
        Binding("escape,q,D", "close", "Close", id="diff.close"),
        *PANE_BINDINGS,
    ]

    DEFAULT_CSS = """
    DiffScreen > #dialog { width: 100; }
    DiffScreen VerticalScroll { height: auto; max-height: 40; }
    """

    def __init__(self, subject: str, original: SavedEdit, edited: SavedEdit) -> None:
        super().__init__()
        self.subject = subject
        self.original = original
        self.edited = edited

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            title = Text("Changes to “")
            title.append_text(safe.text(self.subject or "(no subject)", max_len=80))
            title.append("”: the agent's draft (−) against your edit (+)")
            yield Static(title, id="title", classes="dialog-title")
            with VerticalScroll():
                yield Static(diff_text(self.original, self.edited), id="diff")
            yield Static("Esc closes · y on the queue sends your edit", id="hint", classes="dialog-hint")

    def action_scroll(self, step: int) -> None:
        self.query_one(VerticalScroll).scroll_relative(y=step, animate=False)

    def action_close(self) -> None:
        self.dismiss(None)
