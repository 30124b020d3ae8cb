"""The `:` command registry. The command line, its completion, the command palette and the
help screen all read it, so a registered command shows up everywhere.

A command is a name, a one-line help, a `run(app, argument)` and optionally the candidates for
its argument. The registry holds no commands of its own: the app registers the built-in ones
(every view of `shell/views.py` under its own name, `:quit`, `:ctx`, `:search` …) in
`ui/app.py`; a feature may register its own with `register(Command("name", "help", run))`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from po6_tui.ui import safe
from po6_tui.ui.core.host import Host


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    run: Callable[[Any, str], object]  # (the app, the argument); the app is a Host
    usage: str = ""  # the argument's name, e.g. "QUERY"; empty when the command takes none
    complete: Callable[[Any], Iterable[str]] | None = None  # candidates for the argument
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


def completions(app: Host, line: str) -> list[str]:
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


def run(app: Host, line: str) -> None:
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
