"""The one vim-keyed list: `LIST_BINDINGS` (one set of binding ids for moving in any list) and
`VimTable`, the `DataTable` every table in the app is (`VimOptionList` for a list of choices).

j/k/g/G/Ctrl+D/Ctrl+U mean the same in every list, and `[keymap]` remaps them once for all,
so every list takes its movement keys from `LIST_BINDINGS`: `VimTable` (and its subclasses,
such as Postern's paged table), the message list (a virtual ScrollView of its own), the
mailbox tree, the tool list (`VimOptionList`) and the folder picker. Each has the actions the
bindings name: `cursor_down`, `cursor_up`, `page_down`, `page_up`, `first`, `last`.

A `VimTable` given its columns fits them to its width (`fit_widths`): when the cells need more
room than there is, the column that `give`s most shrinks (to its `least`, cut with "…"), then
goes, before the next is touched, so the key columns stay whole at 80 columns (the detail pane
under a table shows everything). A column given as (key, label) gives a little; `Column` says how much.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

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


class Column(NamedTuple):
    key: str
    label: str
    give: int = 1   # 0: a key column, never shrunk while another can; higher shrinks (then goes) first
    least: int = 8  # the narrowest it shrinks to before it goes


PADDING = 2  # a DataTable cell has one column of padding either side


def fit_widths(columns: Sequence[Column], natural: Sequence[int], room: int) -> list[int | None]:
    """Each column's width (None: not shown) so the table fits in `room` cells. The column that
    gives most shrinks to its least and, if that is not enough, goes; only then is the next one
    touched (a less important column goes whole before a more important one is cut: at 120
    columns the fleet's "Needs attention" was cut to make room for its sparkline). Key columns
    shrink last, the widest first."""
    widths: list[int | None] = list(natural)
    over = sum(w + PADDING for w in natural) - room
    for i in sorted((i for i, c in enumerate(columns) if c.give > 0), key=lambda i: (-columns[i].give, -i)):
        if over <= 0:
            return widths
        cut = min(over, max(0, natural[i] - min(natural[i], columns[i].least)))
        widths[i] = natural[i] - cut
        over -= cut
        if over > 0:  # shrunk is not enough: it goes, and gives its whole room
            over -= (widths[i] or 0) + PADDING
            widths[i] = None
    while over > 0:  # only key columns left: the widest gives
        widest = max((i for i, w in enumerate(widths) if w is not None), key=lambda i: widths[i] or 0, default=None)
        if widest is None or (widths[widest] or 0) <= 4:
            break
        widths[widest] = (widths[widest] or 0) - 1
        over -= 1
    return widths


class VimTable(DataTable):
    """A row-cursor table with the list keys; `current_key` is the id of the row under the cursor.

    `columns` (key, label) are added when mounted; a table that lays out its own columns
    (`clear(columns=True)` then `add_column`) passes none."""

    HELP_GROUP = "List"

    BINDINGS = LIST_BINDINGS

    DEFAULT_CSS = """
    VimTable { height: 1fr; }
    """

    def __init__(self, columns: Sequence[tuple[str, str] | Column] = (), *, cursor_type: str = "row",
                 zebra_stripes: bool = True, **kwargs) -> None:
        super().__init__(cursor_type=cursor_type, zebra_stripes=zebra_stripes, **kwargs)
        self._columns = [column if isinstance(column, Column) else Column(*column) for column in columns]
        self._given: dict[str, list[Text]] = {}  # every row as given, before fitting
        self._fitted: tuple[int, int] | None = None  # (room, rows) the columns were fitted to

    def on_mount(self) -> None:
        for column in self._columns:
            self.add_column(column.label, key=column.key)

    def on_resize(self) -> None:
        if self._columns and self._fitted is not None and self._room() != self._fitted[0]:
            self._show()

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
        if self._columns:
            self._given = {key: [cell if isinstance(cell, Text) else Text(str(cell)) for cell in cells]
                           for key, cells in rows}
            self._show(keep)
            return
        keep = keep if keep is not None else self.current_key
        self.clear()
        for key, cells in rows:
            self.add_row(*cells, key=key)
        if keep is not None and keep in self.rows:
            self.move_cursor(row=self.get_row_index(keep), animate=False)

    def set_row(self, key: str, cells: Sequence[object]) -> None:
        if key not in self.rows or key not in self._given:
            return
        self._given[key] = [cell if isinstance(cell, Text) else Text(str(cell)) for cell in cells]
        self._show(key)  # its widths may change the fit

    def _room(self) -> int:
        """The cells' room: the width, less a scrollbar when the rows will not all show."""
        rows = len(self._given) + (1 if self.show_header else 0)
        scrollbar = self.styles.scrollbar_size_vertical if rows > self.size.height else 0
        return self.size.width - scrollbar

    def _show(self, keep: str | None = None) -> None:
        keep = keep if keep is not None else self.current_key
        room = self._room()
        natural = [max([Text(c.label).cell_len] + [cells[i].cell_len for cells in self._given.values()])
                   for i, c in enumerate(self._columns)]
        # Before the first layout there is no width to fit: everything, until the resize.
        widths = fit_widths(self._columns, natural, room) if room > 0 else list(natural)
        self._fitted = (room, len(self._given))
        self.clear(columns=True)
        shown = [(i, w) for i, w in enumerate(widths) if w is not None]
        for i, width in shown:
            self.add_column(_cut(Text(self._columns[i].label), width), key=self._columns[i].key, width=width)
        for key, cells in self._given.items():
            self.add_row(*(_cut(cells[i], width) for i, width in shown), key=key)
        if keep is not None and keep in self.rows:
            self.move_cursor(row=self.get_row_index(keep), animate=False)


class VimOptionList(OptionList):
    """An `OptionList` (a list of one-line choices, such as the tool list) with the list keys."""

    BINDINGS = LIST_BINDINGS


def _cut(cell: Text, width: int) -> Text:
    if cell.cell_len <= width:
        return cell
    cut = cell.copy()
    cut.truncate(width, overflow="ellipsis")
    return cut


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
