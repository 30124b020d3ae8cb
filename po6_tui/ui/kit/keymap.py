"""Binding ids that several widgets share, and the ids that were renamed.

`[keymap]` in config.toml maps binding ids to keys. Lists take theirs from `LIST_BINDINGS`
(kit/table.py); scrolling text panes (help, diff, a landing page's detail) from `PANE_BINDINGS`.
Before they were shared, each list and pane had ids of its own (`table.down`, `drafts.down`,
`help.down` …): `upgrade_keymap` still applies a config that names them, under the new id, and
says which id to write instead.
"""

from __future__ import annotations

from collections.abc import Mapping

from textual.binding import Binding

from po6_tui.ui import safe
from po6_tui.ui.kit.table import LIST_BINDINGS

# A screen with them has `action_scroll(lines)`, which scrolls its text.
PANE_BINDINGS = [
    Binding("j,down", "scroll(1)", "Down", show=False, id="pane.down"),
    Binding("k,up", "scroll(-1)", "Up", show=False, id="pane.up"),
]
# A pane that pages by the screenful too (the send confirmation): `scroll_page(±1)`.
PANE_PAGE_BINDINGS = [
    Binding("space,ctrl+d,pagedown", "scroll_page(1)", "Page down", show=False, id="pane.page_down"),
    Binding("b,ctrl+u,pageup", "scroll_page(-1)", "Page up", show=False, id="pane.page_up"),
]

# Both readers (PO6 and Postern, kit/reader.py), besides the reading keys of the body.
READER_BINDINGS = [
    Binding("q,escape", "close", "Back", id="reader.back"),
    Binding("h", "toggle_headers", "All headers", show=False, id="reader.headers"),
    Binding("v", "toggle_html", "HTML/text", id="reader.html"),
    Binding("o", "links", "Links", id="reader.links"),
]

# The journaled editors (kit/editor.py): compose, reply, forward, the draft editor, Postern send.
EDITOR_KEYS = [
    Binding("escape", "close", "Back (text kept)", id="editor.close"),
    Binding("ctrl+o", "external", "$EDITOR", id="editor.external"),
    Binding("ctrl+r", "revert", "Revert", id="editor.revert"),
    # Textual's TextArea has no ctrl+home/ctrl+end: the start and the end of the whole text.
    Binding("ctrl+home", "body_edge(False)", "Start of the text", show=False, id="editor.text_start"),
    Binding("ctrl+end", "body_edge(True)", "End of the text", show=False, id="editor.text_end"),
]

# old id: (new id, the keys the old id had). The old keys say which of the new id's keys a
# user's mapping replaced: `table.down = "n"` (j was n) becomes `list.down = "n,down"`.
_RENAMES: dict[str, tuple[str, str]] = {
    "table.down": ("list.down", "j"), "table.up": ("list.up", "k"),
    "table.top": ("list.first", "g"), "table.bottom": ("list.last", "G"),
    "postern.list.down": ("list.down", "j"), "postern.list.up": ("list.up", "k"),
    "postern.list.first": ("list.first", "g"), "postern.list.last": ("list.last", "G"),
    "postern.wait.down": ("list.down", "j"), "postern.wait.up": ("list.up", "k"),
    "postern.wait.first": ("list.first", "g"), "postern.wait.last": ("list.last", "G"),
    "drafts.down": ("list.down", "j"), "drafts.up": ("list.up", "k"),
    "sent.down": ("list.down", "j"), "sent.up": ("list.up", "k"),
    "log.down": ("list.down", "j"), "log.up": ("list.up", "k"),
    "tree.down": ("list.down", "j"), "tree.up": ("list.up", "k"),
    "picker.down": ("list.down", "down"), "picker.up": ("list.up", "up"),
    "page.down": ("pane.down", "j"), "page.up": ("pane.up", "k"),
    "help.down": ("pane.down", "j,down"), "help.up": ("pane.up", "k,up"),
    "diff.down": ("pane.down", "j,down"), "diff.up": ("pane.up", "k,up"),
    "postern.reader.back": ("reader.back", "q,escape"), "postern.reader.headers": ("reader.headers", "h"),
    "postern.reader.html": ("reader.html", "v"),
    "compose.close": ("editor.close", "escape"), "compose.send": ("editor.submit", "ctrl+s"),
    "compose.external": ("editor.external", "ctrl+o"), "compose.discard": ("editor.revert", "ctrl+r"),
    "draft_edit.close": ("editor.close", "escape"), "draft_edit.done": ("editor.submit", "ctrl+s"),
    "draft_edit.external": ("editor.external", "ctrl+o"), "draft_edit.revert": ("editor.revert", "ctrl+r"),
    "postern.form.cancel": ("form.cancel", "escape"), "postern.form.submit": ("form.submit", "ctrl+s"),
}
RENAMED_BINDINGS: dict[str, str] = {old: new for old, (new, _keys) in _RENAMES.items()}

_DEFAULT_KEYS = {binding.id: binding.key for binding in (*LIST_BINDINGS, *PANE_BINDINGS, *READER_BINDINGS,
                                                          *EDITOR_KEYS)} | {
    "editor.submit": "ctrl+s", "form.cancel": "escape", "form.submit": "ctrl+s"}


def _split(keys: str) -> list[str]:
    return [key.strip() for key in keys.split(",") if key.strip()]


def _shown(keys: str) -> str:
    return '"' + safe.one_line(keys, 60) + '"'


def upgraded_keys(old: str, keys: str) -> str:
    """The keys for the new id: its default keys, with the ones the old id had replaced by `keys`."""
    new, old_keys = _RENAMES[old]
    replaced = _split(old_keys)
    result = _split(keys)
    result += [key for key in _split(_DEFAULT_KEYS[new]) if key not in replaced and key not in result]
    return ",".join(result)


def upgrade_keymap(keymap: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """`keymap` with every renamed id under its new id, and one notice per new id that says so.

    An id the config sets itself wins over the old ids renamed to it; of several old ids renamed
    to one new id, the first one in the config wins."""
    upgraded = {binding_id: keys for binding_id, keys in keymap.items() if binding_id not in _RENAMES}
    olds_by_new: dict[str, list[str]] = {}
    for binding_id in keymap:
        if binding_id in _RENAMES:
            olds_by_new.setdefault(_RENAMES[binding_id][0], []).append(binding_id)
    notices = []
    for new, olds in olds_by_new.items():
        named = ", ".join(f"'{old}'" for old in olds)
        are = "is" if len(olds) == 1 else "are"
        if new in keymap:
            notices.append(f"Key map: {named} {are} now '{new}', which config.toml also sets; "
                           f"remove {named}.")
            continue
        first = olds[0]
        upgraded[new] = upgraded_keys(first, keymap[first])
        ignored = [old for old in olds[1:] if set(_split(keymap[old])) != set(_split(keymap[first]))]
        notice = f"Key map: {named} {are} now '{new}'; using {new} = {_shown(upgraded[new])}"
        if ignored:
            notice += f" from '{first}', not " + ", ".join(f"'{old}' = {_shown(keymap[old])}" for old in ignored)
        notices.append(notice + "; update config.toml.")
    return upgraded, notices
