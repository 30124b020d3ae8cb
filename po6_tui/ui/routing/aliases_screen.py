"""`:aliases`: the @po6.com aliases and where their mail goes.

The table lists them (`list_aliases`); the pane below shows the highlighted one as the server
has it now (`get_alias`, fetched on highlight), including a URL redirect if it has one.
f changes the forwarding address (re-verification), a switches it on/off, p plus addressing.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from po6_tui.api.models import Alias
from po6_tui.api.po6 import Po6Client
from po6_tui.ui import safe
from po6_tui.ui.routing.alias_editing import AliasEditingScreen
from po6_tui.ui.core.debounce import Debounced
from po6_tui.ui.core.po6_account import po6_client
from po6_tui.ui.kit.cells import flag, verification
from po6_tui.ui.kit.table import labelled
from po6_tui.ui.routing.alias_table import AliasTable
from po6_tui.ui.core.tasks import run_io


def alias_detail(alias: Alias) -> Text:
    rows: list[tuple[str, Text | str]] = [
        ("Address", safe.text(alias.address, max_len=200, style="bold")),
        ("Forwards to", safe.text(alias.forward_to or "—", max_len=200)),
        ("Verification", verification(alias.verification_status)),
        ("Active", flag(alias.is_active, "on", "off")),
        ("Plus addressing", flag(alias.plus_addressing, "on", "off")),
        ("Plan", safe.text(alias.plan or "—", max_len=40)),
    ]
    if alias.url_redirect:
        rows.append(("URL redirect", safe.text(alias.url_redirect, max_len=400)))
    rows.append(("Id", Text(safe.one_line(alias.id, 80), style="dim")))
    return labelled(rows)


class AliasesScreen(AliasEditingScreen):
    VIEW = "aliases"
    HELP_GROUP = "Aliases"
    AUTO_FOCUS = "AliasTable"

    BINDINGS = [
        Binding("R", "refresh", "Refresh", show=False, id="aliases.refresh"),
    ]

    DEFAULT_CSS = """
    AliasesScreen #aliases-header { height: 1; background: $boost; padding: 0 1; }
    AliasesScreen AliasTable { height: 1fr; }
    AliasesScreen #alias-detail { height: auto; max-height: 10; padding: 0 1;
                                  border-top: solid $panel-lighten-1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self._fetch_later = Debounced(self)

    def compose_body(self) -> ComposeResult:
        yield Static("", id="aliases-header")
        yield AliasTable(id="aliases")
        yield Static("", id="alias-detail")

    def on_mount(self) -> None:
        self.action_refresh()

    def action_refresh(self) -> None:
        async def load() -> list[Alias]:
            client = await po6_client(self)
            return list(await client.list_aliases())

        def done(aliases: list[Alias]) -> None:
            self.alias_table.show(aliases)
            self._header()
            if not aliases:
                self.query_one("#alias-detail", Static).update(Text("This account has no @po6.com alias.",
                                                                    style="dim"))

        run_io(self, load, what="Loading aliases", done=done, group="aliases", exclusive=True)

    def _header(self) -> None:
        aliases = self.alias_table.aliases.values()
        active = sum(1 for a in aliases if a.is_active)
        pending = sum(1 for a in aliases if a.verification_status != "verified")
        header = Text("@po6.com aliases", style="bold")
        header.append(f"  {len(aliases)} aliases, {active} active", style="dim")
        if pending:
            header.append(f", {pending} not verified", style="yellow")
        self.query_one("#aliases-header", Static).update(header)

    @on(DataTable.RowHighlighted, "AliasTable")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        alias = self.alias_table.aliases.get(event.row_key.value or "")
        if alias is None:
            return
        self.query_one("#alias-detail", Static).update(alias_detail(alias))

        async def fetch() -> Alias:
            client = await po6_client(self)
            return await client.get_alias(alias.id)

        def fetched(fresh: Alias) -> None:
            self.alias_table.replace(fresh)
            if self.alias_table.current_key == fresh.id:
                self.query_one("#alias-detail", Static).update(alias_detail(fresh))
            self._header()

        self._fetch_later(lambda: run_io(self, fetch, what="Loading the alias", done=fetched, group="alias-detail",
                                         exclusive=True))

    # -- AliasEditingScreen -----------------------------------------------------------------
    async def send_alias_change(self, client: Po6Client, alias: Alias, changes: dict[str, Any]) -> Alias:
        return await client.update_alias(alias.id, **changes)

    def alias_changed(self, alias: Alias) -> None:
        super().alias_changed(alias)
        if self.alias_table.current_key == alias.id:
            self.query_one("#alias-detail", Static).update(alias_detail(alias))
        self._header()
