"""The one confirmation flow: a modal that asks before anything destructive or outward-facing.

Focus starts on Cancel, Esc cancels, and the server's own words ("This permanently deletes …")
are shown as they came (through `safe`). For irreversible actions, `type_to_confirm` makes the
operator type the target's name before the confirm button works.

`confirm_then(screen, question, on_yes)` is what actions call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Input, Static

from po6_tui.ui import safe
from po6_tui.ui.kit.dialog import YesNoDialog


@dataclass(frozen=True)
class Question:
    title: str                 # ours, e.g. "Delete 3 messages?"
    server_message: str = ""   # the server's words (untrusted)
    details: str = ""          # ours or server's, shown dim (e.g. the subjects concerned)
    confirm_label: str = "Confirm"
    type_to_confirm: str = ""  # when set, this exact text must be typed first
    danger: bool = True


class ConfirmScreen(YesNoDialog):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="confirm.cancel"),
        Binding("left,h", "app.focus_previous", "Previous", show=False, id="confirm.left"),
        Binding("right,l", "app.focus_next", "Next", show=False, id="confirm.right"),
    ]

    DEFAULT_CSS = """
    ConfirmScreen > #dialog { width: 72; max-height: 100%; padding: 1 2; }
    ConfirmScreen #server { margin-bottom: 1; }
    ConfirmScreen #details { color: $text-muted; max-height: 12; margin-bottom: 1; }
    ConfirmScreen Input { margin-bottom: 1; }
    """

    def __init__(self, question: Question) -> None:
        super().__init__()
        self.question = question
        if question.type_to_confirm:  # a typed confirmation starts in its field
            self.AUTO_FOCUS = "#typed"

    def compose(self) -> ComposeResult:
        q = self.question
        with Vertical(id="dialog", classes="-danger" if q.danger else ""):
            yield Static(Text(q.title), id="title", classes="dialog-title")
            if q.server_message:
                server = Text("Server says: ", style="bold")
                server.append_text(safe.text(q.server_message, single_line=False, max_len=1000))
                yield Static(server, id="server")
            if q.details:
                yield Static(safe.text(q.details, single_line=False, max_len=2000), id="details")
            if q.type_to_confirm:
                prompt = Text("Type ")
                prompt.append_text(safe.text(q.type_to_confirm, style="bold"))
                prompt.append(" to confirm:")
                yield Static(prompt)
                yield Input(id="typed")
                hint = Static("", id="typed-hint")
                hint.display = False
                yield hint
            yield self.answer_buttons(q.confirm_label, variant="error" if q.danger else "success",
                                      disabled=bool(q.type_to_confirm))

    @on(Input.Changed, "#typed")
    def _typed(self, event: Input.Changed) -> None:
        self.query_one("#confirm", Button).disabled = event.value != safe.one_line(self.question.type_to_confirm)

    @on(Input.Submitted, "#typed")
    def _typed_enter(self, event: Input.Submitted) -> None:
        if not self.query_one("#confirm", Button).disabled:
            self.dismiss(True)
            return
        hint = self.query_one("#typed-hint", Static)  # Enter with the wrong name: say so, do nothing
        hint.update(Text("That is not the name: type it exactly as shown (Esc cancels).", style="bold"))
        hint.display = True


def ask_then(screen: Screen, dialog: ModalScreen[bool], on_yes: Callable[[], object],
             on_no: Callable[[], object] | None = None) -> None:
    """Show a yes/no `dialog`; run `on_yes()` only if the operator confirms (else `on_no()`)."""

    def decided(yes: bool | None) -> None:
        if yes:
            on_yes()
        elif on_no is not None:
            on_no()

    screen.app.push_screen(dialog, decided)


def confirm_then(screen: Screen, question: Question, on_yes: Callable[[], object],
                 on_no: Callable[[], object] | None = None) -> None:
    """Ask `question`; run `on_yes()` only if the operator confirms."""
    ask_then(screen, ConfirmScreen(question), on_yes, on_no)
