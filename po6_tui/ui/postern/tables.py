"""Postern's lists (inboxes, messages, threads) as tables that page by cursor.

Postern lists come as `{data, next_cursor}` pages with no total, so these tables fetch the
first page when loaded and the next one when the cursor reaches the last row (DESIGN.md keeps
DataTable for lists of this size: an agent's inbox, not a 100,000-message folder). Every cell
is server text made safe by `ui.safe`; the columns are fitted to the table's width.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.message import Message
from textual.widgets import DataTable

from po6_tui.api import postern_models as pm
from po6_tui.ui import safe
from po6_tui.ui.core import timefmt
from po6_tui.ui.core.tasks import run_io
from po6_tui.ui.kit.table import VimTable

PAGE_SIZE = 50

Fetch = Callable[[str | None], Awaitable[pm.Page]]  # cursor -> one page


@dataclass(frozen=True)
class Column:
    label: str
    width: int | None = None  # None: shares what the fixed columns leave, within minimum..maximum
    minimum: int = 10
    maximum: int = 10_000


@dataclass(frozen=True)
class Layout:
    """How one kind of item is shown: its columns and how to turn an item into cells."""

    columns: Sequence[Column]
    cells: Callable[[Any], Sequence[Text]]


def _direction_mark(message: pm.MessageSummary) -> Text:
    mark = Text(end="")
    mark.append("●" if message.unread else " ", style="bold" if message.unread else "")
    mark.append("↑" if message.direction == "outbound" else "↓", style="dim")
    return mark


def _message_cells(message: pm.MessageSummary) -> list[Text]:
    style = "bold" if message.unread else ""
    if message.direction == "outbound":
        who = safe.text("to " + ", ".join(message.to), max_len=200, style=style)
    else:
        who = safe.text(message.from_name or message.from_, max_len=200, style=style)
    return [_direction_mark(message), who, safe.text(message.subject or "(no subject)", max_len=300, style=style),
            Text(timefmt.short(message.received_at), style="dim")]


def _thread_cells(thread: pm.Thread) -> list[Text]:
    style = "bold" if thread.unread_count else ""
    return [safe.text(thread.subject or "(no subject)", max_len=300, style=style),
            Text(str(thread.message_count), style="dim", justify="right"),
            safe.text(", ".join(thread.participants), max_len=300, style="dim"),
            Text(timefmt.short(thread.last_message_at), style="dim")]


def _inbox_cells(inbox: pm.Inbox) -> list[Text]:
    cell = safe.text(inbox.address or inbox.id, max_len=254)
    if inbox.status and inbox.status != "live":
        cell.append_text(safe.text(f"  {inbox.status}", max_len=40, style="dim"))
    return [cell]


MESSAGES = Layout([Column("", 2), Column("From / To", None, 12, 26), Column("Subject", None, 12), Column("Date", 6)],
                  _message_cells)
THREADS = Layout([Column("Thread", None, 12), Column("#", 3), Column("Participants", None, 12, 30), Column("Last", 6)],
                 _thread_cells)
INBOXES = Layout([Column("Inboxes", None, 12)], _inbox_cells)


class PagedTable(VimTable):
    """A Postern listing: `load(fetch, layout)`; Enter posts `Opened` with the item."""

    DEFAULT_CSS = """
    PagedTable { height: 1fr; background: $surface; }
    """

    class _TableMessage(Message):
        def __init__(self, table: PagedTable) -> None:
            super().__init__()
            self.table = table

        @property
        def control(self) -> PagedTable:  # lets handlers pick a table: @on(PagedTable.Opened, "#id")
            return self.table

    class Opened(_TableMessage):
        def __init__(self, table: PagedTable, item: Any) -> None:
            super().__init__(table)
            self.item = item

    class Highlighted(_TableMessage):
        def __init__(self, table: PagedTable, item: Any) -> None:
            super().__init__(table)
            self.item = item

    class Loaded(_TableMessage):
        """A page arrived (`more`: another one can be fetched)."""

        def __init__(self, table: PagedTable, count: int, more: bool) -> None:
            super().__init__(table)
            self.count = count
            self.more = more

    def __init__(self, layout: Layout, *, id: str | None = None, show_header: bool = True) -> None:
        super().__init__(id=id, zebra_stripes=False, show_header=show_header)
        self.row_layout = layout
        self.items: list[Any] = []
        self.loaded = False  # the first page has answered
        self._fetch: Fetch | None = None
        self._next_cursor: str | None = None
        # A request is out. (Not `loading`: that is Textual's own, which hides the widget behind a
        # spinner and makes it unfocusable.)
        self.fetching = False
        self._fitted_width = 0

    @property
    def current(self) -> Any | None:
        if not self.items or not 0 <= self.cursor_row < len(self.items):
            return None
        return self.items[self.cursor_row]

    @property
    def more(self) -> bool:
        return self._next_cursor is not None

    # -- loading ---------------------------------------------------------------------------
    def load(self, fetch: Fetch, layout: Layout | None = None) -> None:
        """Show a listing (the cursor stays on the same item when the new listing has it)."""
        keep = getattr(self.current, "id", None)
        self._fetch = fetch
        if layout is not None and layout is not self.row_layout:
            self.row_layout = layout
            self._fitted_width = 0
        self._next_cursor = None
        self.fetching = True

        def done(page: pm.Page) -> None:
            if fetch is not self._fetch:
                return  # an older listing answered late
            self.items = list(page.data)
            self._next_cursor = page.next_cursor
            self.loaded = True
            self._rebuild(keep)
            self.post_message(self.Loaded(self, len(self.items), self.more))

        run_io(self, lambda: fetch(None), what="Loading", done=done, failed=lambda _e: self._fetch_over(),
               group="table-load", exclusive=True)

    def _fetch_over(self) -> None:
        self.fetching = False

    def _fetch_more(self) -> None:
        fetch, cursor = self._fetch, self._next_cursor
        if fetch is None or cursor is None or self.fetching:
            return
        self.fetching = True

        def done(page: pm.Page) -> None:
            self.fetching = False
            if fetch is not self._fetch or cursor != self._next_cursor:
                return
            known = {getattr(item, "id", None) for item in self.items}
            fresh = [item for item in page.data if getattr(item, "id", None) not in known]
            self.items.extend(fresh)
            self._next_cursor = page.next_cursor
            for item in fresh:
                self.add_row(*self._cells(item), key=item.id)
            self.post_message(self.Loaded(self, len(self.items), self.more))

        run_io(self, lambda: fetch(cursor), what="Loading more", done=done, failed=lambda _e: self._fetch_over(),
               group="table-more")

    # -- showing ---------------------------------------------------------------------------
    def _widths(self) -> list[int]:
        """Fixed columns as given; the flexible ones share the rest equally, a capped one giving
        what it cannot use to the others. (Each cell has one column of padding either side.)"""
        columns = self.row_layout.columns
        left = max(20, (self.size.width or 80) - 2 * len(columns) - 1) - sum(c.width or 0 for c in columns)
        widths = {i: c.width for i, c in enumerate(columns) if c.width is not None}
        flexible = sorted((i for i, c in enumerate(columns) if c.width is None), key=lambda i: columns[i].maximum)
        for position, index in enumerate(flexible):
            share = left // (len(flexible) - position)
            widths[index] = max(columns[index].minimum, min(columns[index].maximum, share))
            left -= widths[index]
        return [widths[i] for i in range(len(columns))]

    def _cells(self, item: Any) -> list[Text]:
        cells = []
        for cell, width in zip(self.row_layout.cells(item), self._widths(), strict=False):
            cell = cell.copy()
            cell.no_wrap = True
            cell.truncate(width, overflow="ellipsis")
            cells.append(cell)
        return cells

    def _rebuild(self, keep: str | None = None) -> None:
        self.fetching = False
        self.clear(columns=True)
        self._fitted_width = self.size.width
        for column, width in zip(self.row_layout.columns, self._widths(), strict=False):
            self.add_column(column.label, width=width)
        for item in self.items:
            self.add_row(*self._cells(item), key=item.id)
        index = next((i for i, item in enumerate(self.items) if item.id == keep), 0) if keep else 0
        if self.items:
            self.move_cursor(row=index, animate=False)

    def replace_item(self, item: Any) -> None:
        """Show a changed item (e.g. a message now read) where it is."""
        for index, old in enumerate(self.items):
            if old.id == item.id:
                self.items[index] = item
                for column_index, cell in enumerate(self._cells(item)):
                    self.update_cell_at((index, column_index), cell)
                return

    def on_resize(self) -> None:
        if self.loaded and self.size.width != self._fitted_width:
            self._rebuild(getattr(self.current, "id", None))

    # -- events ----------------------------------------------------------------------------
    @on(DataTable.RowHighlighted)
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self.post_message(self.Highlighted(self, self.current))
        if self.items and event.cursor_row >= len(self.items) - 1:
            self._fetch_more()

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if self.current is not None:
            self.post_message(self.Opened(self, self.current))
