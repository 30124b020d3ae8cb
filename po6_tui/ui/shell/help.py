"""`?`: the keys that work right now (read from the live bindings, so remapped keys show as
remapped) and the `:` commands, for the view in front."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from po6_tui.ui.kit.dialog import Dialog
from po6_tui.ui.kit.keymap import PANE_BINDINGS
from po6_tui.ui.shell import commands


def _group_name(node: object) -> str:
    return getattr(node, "HELP_GROUP", None) or type(node).__name__


def bindings_table(screen: Screen) -> Table:
    """Key | action | binding id (what `[keymap]` in config.toml remaps), grouped by where the
    binding lives: the focused widget first, then the view, then everywhere."""
    app = screen.app
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    table.add_column(style="dim")
    groups: dict[str, dict[str, tuple[list[str], str]]] = {}
    for _key, active in screen.active_bindings.items():
        binding = active.binding
        if not binding.description or binding.system or not binding.id:
            continue  # Textual's own bindings (no id) are not ours to document or remap
        group = groups.setdefault(_group_name(active.node), {})
        keys, _id = group.setdefault(binding.description, ([], binding.id))
        display = app.get_key_display(binding)
        if display not in keys:
            keys.append(display)
    for name, entries in groups.items():
        table.add_row(Text(name, style="bold underline"), "", "")
        for description, (keys, binding_id) in entries.items():
            table.add_row(Text(" ".join(keys)), Text(description), Text(binding_id))
        table.add_row("", "", "")
    return table


def commands_table() -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for command in commands.commands():
        usage = f":{command.name}" + (f" {command.usage}" if command.usage else "")
        if command.aliases:
            usage += "  (" + ", ".join(f":{a}" for a in command.aliases) + ")"
        table.add_row(Text(usage), Text(command.help))
    return table


class HelpScreen(Dialog[None]):
    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="help.close"),
        *PANE_BINDINGS,
    ]

    DEFAULT_CSS = """
    HelpScreen > #dialog { width: 90; height: 90%; }
    HelpScreen #help-title { text-style: bold; height: 1; }
    HelpScreen VerticalScroll { height: 1fr; }
    """

    def __init__(self, for_screen: Screen, title: str) -> None:
        super().__init__()
        self.for_screen = for_screen
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Text(f"Help: {self.title_text}   (Esc closes)"), id="help-title")
            with VerticalScroll():
                yield Static(Text("Keys", style="bold reverse"))
                yield Static(bindings_table(self.for_screen))
                yield Static(Text("Commands (type : then a command; Tab completes)", style="bold reverse"))
                yield Static(commands_table())
                yield Static(Text("\nCtrl+P opens the command palette: every action and command, by name.",
                                  style="dim"))

    def action_scroll(self, step: int) -> None:
        self.query_one(VerticalScroll).scroll_relative(y=step, animate=False)
