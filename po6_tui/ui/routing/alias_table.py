"""The alias table that `:aliases` and a domain's detail both show. Every cell made from server
text goes through `ui.safe`."""

from __future__ import annotations

from collections.abc import Iterable

from po6_tui.api.models import Alias
from po6_tui.ui import safe
from po6_tui.ui.kit.cells import flag, verification
from po6_tui.ui.kit.table import VimTable

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


class AliasTable(VimTable):
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
