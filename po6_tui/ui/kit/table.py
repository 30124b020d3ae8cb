"""Tables of the routing and landing-page views: a `DataTable` (the lists here are small) with
the vi keys every other list has, and the alias table that `:aliases` and a domain's detail
both show. Every cell made from server text goes through `ui.safe`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

from po6_tui.api.models import Alias
from po6_tui.ui import safe
from po6_tui.ui.kit.changes import flag, verification


class RoutingTable(DataTable):
    """A row-cursor table with j/k/g/G; `current_key` is the id of the row under the cursor."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="table.down"),
        Binding("k", "cursor_up", "Up", show=False, id="table.up"),
        Binding("g", "scroll_top", "Top", show=False, id="table.top"),
        Binding("G", "scroll_bottom", "Bottom", show=False, id="table.bottom"),
    ]

    DEFAULT_CSS = """
    RoutingTable { height: 1fr; }
    """

    def __init__(self, columns: Sequence[tuple[str, str]], **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self._columns = columns

    def on_mount(self) -> None:
        for key, label in self._columns:
            self.add_column(label, key=key)

    @property
    def current_key(self) -> str | None:
        if not self.row_count:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value

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


ALIAS_COLUMNS = (("address", "Address"), ("forward_to", "Forwards to"), ("active", "Active"),
                 ("plus", "Plus"), ("verification", "Verification"), ("plan", "Plan"))


def alias_cells(alias: Alias) -> list[object]:
    return [
        safe.text(alias.address, max_len=80, style="bold" if alias.is_active else "dim"),
        safe.text(alias.forward_to or "—", max_len=80),
        flag(alias.is_active, "on", "off"),
        flag(alias.plus_addressing, "on", "off"),
        verification(alias.verification_status),
        safe.text(alias.plan or "", max_len=20),
    ]


class AliasTable(RoutingTable):
    """Aliases with forwarding target, active, plus addressing, verification and plan."""

    def __init__(self, **kwargs) -> None:
        super().__init__(ALIAS_COLUMNS, **kwargs)
        self.aliases: dict[str, Alias] = {}

    def show(self, aliases: Iterable[Alias]) -> None:
        self.aliases = {alias.id: alias for alias in aliases}
        self.fill((alias.id, alias_cells(alias)) for alias in self.aliases.values())

    def replace(self, alias: Alias) -> None:
        self.aliases[alias.id] = alias
        self.set_row(alias.id, alias_cells(alias))

    @property
    def current(self) -> Alias | None:
        key = self.current_key
        return self.aliases.get(key) if key else None


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
