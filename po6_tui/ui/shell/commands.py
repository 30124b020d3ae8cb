"""The `:` commands. The command line, its completion, the command palette and the help screen
all read this one registry, so a command added here shows up everywhere.

A command is a name, a one-line help, a `run(app, argument)` and optionally the candidates for
its argument. Every view in `ui/shell/views.py` is a command of its own name (`:drafts`).
To add one from another module: `register(Command("name", "help", run, usage="ARG"))`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from po6_tui.ui import safe
from po6_tui.ui.shell.views import VIEWS

if TYPE_CHECKING:
    from po6_tui.ui.app import Po6App


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    run: Callable[[Po6App, str], object]
    usage: str = ""  # the argument's name, e.g. "QUERY"; empty when the command takes none
    complete: Callable[[Po6App], Iterable[str]] | None = None  # candidates for the argument
    aliases: tuple[str, ...] = ()


COMMANDS: dict[str, Command] = {}


def register(command: Command) -> Command:
    for name in (command.name, *command.aliases):
        COMMANDS[name] = command
    return command


def commands() -> list[Command]:
    """Each command once, in registration order."""
    seen: dict[int, Command] = {}
    for command in COMMANDS.values():
        seen.setdefault(id(command), command)
    return list(seen.values())


def split(line: str) -> tuple[str, str]:
    line = line.strip().removeprefix(":").lstrip()
    name, _, argument = line.partition(" ")
    return name, argument.strip()


def completions(app: Po6App, line: str) -> list[str]:
    """Whole command lines that complete `line` (what Tab cycles through)."""
    name, argument = split(line)
    if " " not in line.lstrip().removeprefix(":").lstrip():  # still typing the command's name
        return sorted(n for n in COMMANDS if n.startswith(name))
    command = COMMANDS.get(name)
    if command is None or command.complete is None:
        return []
    prefix = argument.casefold()
    # Candidates may come from the server (folder names, addresses): made safe to show and type.
    values = (safe.one_line(value, 120) for value in command.complete(app))
    return [f"{name} {value}" for value in values if value.casefold().startswith(prefix)]


def run(app: Po6App, line: str) -> None:
    name, argument = split(line)
    if not name:
        return
    command = COMMANDS.get(name)
    if command is None:
        matches = completions(app, name)
        if len(matches) == 1:
            command = COMMANDS[matches[0]]
        else:
            hint = f" (did you mean {', '.join(matches[:5])}?)" if matches else " (Tab completes, ? lists commands)"
            app.report(f"Unknown command :{name}{hint}", severity="warning")
            return
    if command.usage and not argument and not command.usage.startswith("["):
        app.report(f"Usage: :{command.name} {command.usage}: {command.help}", severity="warning")
        return
    command.run(app, argument)


# -- the built-in commands -----------------------------------------------------------------
# Completers only read (`app.mail`, never `app.mail_screen()`, which brings the mail screen to
# the front and so would close the command line being typed in).

for _view in VIEWS:
    register(Command(_view.name, _view.help, lambda app, _arg, name=_view.name: app.open_view(name)))

register(Command("quit", "Quit po6-tui", lambda app, _arg: app.exit(), aliases=("q",)))
register(Command("ctx", "Switch to another account", lambda app, arg: app.use_account(arg),
                 usage="NAME", complete=lambda app: [a.name for a in app.accounts]))
register(Command("search", "Search the current mailbox on the server (sender, subject, body)",
                 lambda app, arg: app.mail_screen().search(arg, everywhere=False), usage="QUERY"))
register(Command("search-all", "Search every mailbox on the server",
                 lambda app, arg: app.mail_screen().search(arg, everywhere=True), usage="QUERY"))
register(Command("filter", "Filter the list: unread starred from:ADDR since:DATE until:DATE (none clears)",
                 lambda app, arg: app.mail_screen().set_filter(arg), usage="[EXPR]",
                 complete=lambda app: ["unread", "starred", "from:", "since:", "until:", "none"]))
register(Command("folder", "Open a folder of the current mailbox", lambda app, arg: app.mail_screen().open_folder_named(arg),
                 usage="NAME", complete=lambda app: app.mail.folder_names(), aliases=("cd",)))
register(Command("mailbox", "Open a mailbox", lambda app, arg: app.mail_screen().open_mailbox_named(arg),
                 usage="ADDRESS", complete=lambda app: app.mail.mailbox_addresses()))
register(Command("refresh", "Refresh counts and the list now (R)", lambda app, _arg: app.refresh_now()))
register(Command("theme", "Change the colour theme (remembered)", lambda app, arg: app.set_theme_named(arg),
                 usage="NAME", complete=lambda app: sorted(app.available_themes)))
register(Command("help", "Keys and commands for this view (?)", lambda app, _arg: app.action_help()))
