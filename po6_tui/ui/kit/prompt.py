"""The `:` command line (k9s/vim style) and the `/` find prompt: one input at the bottom.

Tab completes (cycling through candidates, which are listed above the input), ↑/↓ walk the
history, Enter runs, Esc cancels.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

_HISTORY: dict[str, list[str]] = {}


class PromptScreen(ModalScreen[str | None]):
    """A one-line prompt docked at the bottom. Returns the text, or None when cancelled."""

    AUTO_FOCUS = "#prompt-input"

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="prompt.cancel"),
        Binding("tab", "complete", "Complete", show=False, priority=True, id="prompt.complete"),
        Binding("up", "history(-1)", "Older", show=False, id="prompt.older"),
        Binding("down", "history(1)", "Newer", show=False, id="prompt.newer"),
    ]

    DEFAULT_CSS = """
    PromptScreen { align: left bottom; background: $background 0%; }
    PromptScreen > Vertical { height: auto; dock: bottom; background: $surface; }
    PromptScreen #candidates { height: auto; max-height: 8; padding: 0 1; color: $text-muted; background: $panel; }
    PromptScreen #candidates.-empty { display: none; }
    PromptScreen #prompt-row { height: 1; }
    PromptScreen #prompt-label { width: auto; text-style: bold; color: $accent; }
    PromptScreen Input { border: none; height: 1; padding: 0 0; background: $surface; width: 1fr; }
    PromptScreen Input:focus { border: none; }
    """

    def __init__(self, prompt: str, *, initial: str = "",
                 complete: Callable[[str], list[str]] | None = None,
                 describe: Callable[[str], str] | None = None, history: str | None = None,
                 placeholder: str | None = None) -> None:
        super().__init__()
        self.prompt = prompt
        self.placeholder = placeholder
        self.initial = initial
        self._complete = complete
        self._describe = describe
        self._history_key = history or prompt
        self._history_pos: int | None = None
        self._cycle: list[str] = []
        self._cycle_pos = -1

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("", id="candidates", classes="-empty")
            with Horizontal(id="prompt-row"):
                yield Static(self.prompt, id="prompt-label")
                yield Input(value=self.initial, id="prompt-input", placeholder=self._placeholder())

    def _placeholder(self) -> str:
        if self.placeholder is not None:
            return self.placeholder
        return "command (Tab completes, Esc cancels)" if self._complete else "text (Enter finds, Esc cancels)"

    def on_mount(self) -> None:
        field = self.query_one(Input)
        field.cursor_position = len(field.value)
        self._show_candidates(self._candidates(field.value))

    def _candidates(self, value: str) -> list[str]:
        return self._complete(value) if self._complete else []

    def _show_candidates(self, candidates: list[str]) -> None:
        box = self.query_one("#candidates", Static)
        if not candidates or not self._complete:
            box.add_class("-empty")
            return
        box.remove_class("-empty")
        text = Text(end="", no_wrap=True, overflow="ellipsis")
        for number, candidate in enumerate(candidates[:7]):
            if number:
                text.append("\n")
            marker = "▶ " if 0 <= self._cycle_pos < len(self._cycle) and self._cycle[self._cycle_pos] == candidate else "  "
            text.append(marker + candidate, style="bold" if marker.strip() else "")
            if self._describe:
                text.append(f"  {self._describe(candidate)}", style="dim")
        if len(candidates) > 7:
            text.append(f"\n  … {len(candidates) - 7} more", style="dim")
        box.update(text)

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        if self._cycle and 0 <= self._cycle_pos < len(self._cycle) and event.value == self._cycle[self._cycle_pos]:
            return  # our own completion, keep cycling
        self._cycle, self._cycle_pos = [], -1
        self._show_candidates(self._candidates(event.value))

    def action_complete(self) -> None:
        field = self.query_one(Input)
        if not self._cycle:
            self._cycle = self._candidates(field.value)
            self._cycle_pos = -1
        if not self._cycle:
            self.app.bell()
            return
        if len(self._cycle) == 1:
            # One candidate: take it and get ready for the argument.
            value = self._cycle[0]
            field.value = value if value.endswith(":") else value + " "
            field.cursor_position = len(field.value)
            self._cycle, self._cycle_pos = [], -1
            self._show_candidates(self._candidates(field.value))
            return
        self._cycle_pos = (self._cycle_pos + 1) % len(self._cycle)
        field.value = self._cycle[self._cycle_pos]
        field.cursor_position = len(field.value)
        self._show_candidates(self._cycle)

    def action_history(self, step: int) -> None:
        history = _HISTORY.get(self._history_key, [])
        if not history:
            return
        position = len(history) if self._history_pos is None else self._history_pos
        position = max(0, min(len(history), position + step))
        self._history_pos = position
        field = self.query_one(Input)
        field.value = history[position] if position < len(history) else ""
        field.cursor_position = len(field.value)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if value:
            history = _HISTORY.setdefault(self._history_key, [])
            if not history or history[-1] != value:
                history.append(value)
            del history[:-100]
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_click(self, event: events.Click) -> None:
        if event.widget is self:
            self.dismiss(None)
