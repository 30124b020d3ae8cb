"""The one vim-keyed list: `LIST_BINDINGS` (one set of binding ids for moving in any list) and
`VimTable`, the `DataTable` every table in the app is (`VimOptionList` for a list of choices).

j/k/g/G/Ctrl+D/Ctrl+U mean the same in every list, and `[keymap]` remaps them once for all,
so every list takes its movement keys from `LIST_BINDINGS`: `VimTable` (and its subclasses,
such as Postern's paged table), the message list (a virtual ScrollView of its own), the
mailbox tree, the tool list (`VimOptionList`) and the folder picker. Each has the actions the
bindings name: `cursor_down`, `cursor_up`, `page_down`, `page_up`, `first`, `last`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable, OptionList

LIST_BINDINGS = [
    Binding("j,down", "cursor_down", "Down", show=False, id="list.down"),
    Binding("k,up", "cursor_up", "Up", show=False, id="list.up"),
    Binding("pagedown,ctrl+d", "page_down", "Page down", show=False, id="list.page_down"),
    Binding("pageup,ctrl+u", "page_up", "Page up", show=False, id="list.page_up"),
    Binding("g,home", "first", "First", show=False, id="list.first"),
    Binding("G,end", "last", "Last", show=False, id="list.last"),
]
LIST_BINDING_IDS = frozenset(binding.id for binding in LIST_BINDINGS)


class VimTable(DataTable):
    """A row-cursor table with the list keys; `current_key` is the id of the row under the cursor.

    `columns` (key, label) are added when mounted; a table that lays out its own columns
    (`clear(columns=True)` then `add_column`) passes none."""

    HELP_GROUP = "List"

    BINDINGS = LIST_BINDINGS

    DEFAULT_CSS = """
    VimTable { height: 1fr; }
    """

    def __init__(self, columns: Sequence[tuple[str, str]] = (), *, cursor_type: str = "row",
                 zebra_stripes: bool = True, **kwargs) -> None:
        super().__init__(cursor_type=cursor_type, zebra_stripes=zebra_stripes, **kwargs)
        self._columns = columns

    def on_mount(self) -> None:
        for key, label in self._columns:
            self.add_column(label, key=key)

    def action_first(self) -> None:
        self.action_scroll_top()

    def action_last(self) -> None:
        self.action_scroll_bottom()

    @property
    def current_key(self) -> str | None:
        if not self.row_count:
            return None
        try:
            return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        except Exception:  # a just-cleared table has no cell under the cursor
            return None

    def fill(self, rows: Iterable[tuple[str, Sequence[object]]], *, keep: str | None = None) -> None:
        """Replace every row, keeping the cursor on `keep` (or on the same key as before)."""
        keep = keep if keep is not None else self.current_key
        self.clear()
        for key, cells in rows:
            self.add_row(*cells, key=key)
        if keep is not None and keep in self.rows:
            self.move_cursor(row=self.get_row_index(keep), animate=False)

    def set_row(self, key: str, cells: Sequence[object]) -> None:
        if key not in self.rows:
            return
        for (column, _label), value in zip(self._columns, cells, strict=True):
            self.update_cell(key, column, value)


class VimOptionList(OptionList):
    """An `OptionList` (a list of one-line choices, such as the tool list) with the list keys."""

    BINDINGS = LIST_BINDINGS


def labelled(rows: Iterable[tuple[str, Text | str]]) -> Text:
    """`Label   value` lines for a detail pane (values already safe `Text`)."""
    rows = list(rows)
    width = max((len(label) for label, _ in rows), default=0) + 2
    out = Text(end="")
    for number, (label, value) in enumerate(rows):
        if number:
            out.append("\n")
        out.append(label.ljust(width), style="bold")
        out.append_text(value if isinstance(value, Text) else Text(value))
    return out
