"""Print the keymap of every view as Markdown, from the live Binding declarations.

README.md carries this output between the `keymap:start` and `keymap:end` markers;
tests/test_readme.py fails when they differ, so the documented keys cannot drift from the real
ones. Regenerate with: .venv/bin/python scripts/keymap.py --write
"""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"
START, END = "<!-- keymap:start -->", "<!-- keymap:end -->"

# Binding ids are "<group>.<action>"; these titles name the groups, in the order of the tour.
# A group not listed here is still printed, after these, under its own name.
GROUPS = {
    "app": "Everywhere", "view": "Every view", "mail": "Mail list and reader (`:mail`)",
    "list": "Every list and table", "tree": "Mailboxes and folders", "reader": "Reader",
    "drafts": "Drafts (`:drafts`)", "draft_edit": "Editing a draft", "diff": "Diff",
    "compose": "Compose, reply, forward", "sent": "Sent (`:sent`)",
    "aliases": "Aliases (`:aliases`)", "domains": "Domains (`:domains`)", "domain": "A domain",
    "catchall": "Catch-all (`:catchall`)", "pages": "Landing pages (`:pages`)", "page": "A landing page",
    "templates": "Page templates", "config": "Page config editor", "leads": "Leads",
    "postern": "Postern (`:postern`)", "tools": "Tool console (`:tools`)", "log": "Audit log (`:log`)",
    "marked": "Acting on marked messages (`;`)", "confirm": "Confirmations", "prompt": "Prompts",
    "form": "Forms", "picker": "Pickers", "template_picker": "Template picker",
    "variables": "Template variables", "contact_picker": "Contact-list picker",
    "pane": "Scrolling text (help, diff, a landing page)", "help": "Help",
    "links": "A message's links (`o` in the reader)",
}
KEY_NAMES = {"colon": ":", "question_mark": "?", "slash": "/", "semicolon": ";", "asterisk": "*",
             "backslash": "\\", "space": "Space", "escape": "Esc", "enter": "Enter", "tab": "Tab",
             "pagedown": "PgDn", "pageup": "PgUp", "home": "Home", "end": "End", "up": "↑", "down": "↓",
             "left": "←", "right": "→", "less_than_sign": "<", "greater_than_sign": ">", "plus": "+",
             "minus": "-", "delete": "Del", "right_square_bracket": "]", "left_square_bracket": "["}


def key_text(keys: str) -> str:
    shown = []
    for key in keys.split(","):
        key = key.strip()
        if key.startswith("ctrl+"):
            shown.append("Ctrl+" + KEY_NAMES.get(key[5:], key[5:].upper()))
        else:
            shown.append(KEY_NAMES.get(key, key))
    return " ".join(f"`{k}`" if k != "`" else "`` ` ``" for k in shown)


def our_bindings() -> dict[str, list]:
    """Every Binding with an id declared anywhere under po6_tui.ui, grouped by the id's prefix."""
    import inspect
    import pkgutil

    import po6_tui.ui
    from textual.binding import Binding

    found: dict[str, Binding] = {}
    for info in pkgutil.walk_packages(po6_tui.ui.__path__, "po6_tui.ui."):
        module = importlib.import_module(info.name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__:
                continue
            for binding in cls.__dict__.get("BINDINGS", []):
                if isinstance(binding, Binding) and binding.id:
                    found.setdefault(binding.id, binding)
    groups: dict[str, list] = {}
    for binding_id in found:  # declared order: the order the views list them in
        groups.setdefault(binding_id.split(".")[0], []).append(found[binding_id])
    return groups


def render() -> str:
    groups = our_bindings()
    order = [g for g in GROUPS if g in groups] + sorted(g for g in groups if g not in GROUPS)
    lines = []
    for group in order:
        lines += [f"**{GROUPS.get(group, group)}**", "", "| keys | does | binding id |", "|---|---|---|"]
        for binding in groups[group]:
            lines.append(f"| {key_text(binding.key)} | {binding.description or binding.action} | `{binding.id}` |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def readme_section(text: str) -> str | None:
    match = re.search(re.escape(START) + r"\n(.*?)" + re.escape(END), text, re.S)
    return match.group(1) if match else None


def main(argv: list[str]) -> int:
    table = render()
    if "--write" in argv:
        text = README.read_text()
        if readme_section(text) is None:
            print("README.md has no keymap markers", file=sys.stderr)
            return 1
        start, end = text.index(START) + len(START) + 1, text.index(END)
        README.write_text(text[:start] + table + text[end:])
        return 0
    print(table, end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
