"""Editing an alias, the same way for a @po6.com alias (`update_alias`) and for an alias of a
custom domain (`update_domain_alias`): `f` changes where it forwards (which re-verifies),
`a` switches it on or off, `p` switches plus addressing. Each change is confirmed showing
before → after. A screen with an `AliasTable` subclasses `AliasEditingScreen` and says how
to send the change (`send_alias_change`) and what to do with the updated alias.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.binding import Binding

from po6_tui.api.models import Alias
from po6_tui.api.po6 import Po6Client
from po6_tui.ui import safe
from po6_tui.ui.core.po6_account import po6_client
from po6_tui.ui.kit.cells import as_line
from po6_tui.ui.kit.changes import Change, confirm_change
from po6_tui.ui.kit.form import FormField, FormScreen, check_address
from po6_tui.ui.routing.alias_table import AliasTable
from po6_tui.ui.shell.app_screen import AppScreen

REVERIFY_NOTE = ("A new forwarding address must be verified again: PO6 sends it a confirmation "
                 "message and marks the alias pending until someone confirms.")


class AliasEditingScreen(AppScreen):
    BINDINGS = [
        Binding("f", "alias_forward", "Forwarding", id="aliases.forward"),
        Binding("a", "alias_active", "On/off", id="aliases.active"),
        Binding("p", "alias_plus", "Plus addr.", id="aliases.plus"),
    ]
    WRITE_ACTIONS = frozenset({"alias_forward", "alias_active", "alias_plus"})

    # -- what subclasses provide ---------------------------------------------------------
    @property
    def alias_table(self) -> AliasTable:
        return self.query_one(AliasTable)

    async def send_alias_change(self, client: Po6Client, alias: Alias, changes: dict[str, Any]) -> Alias:
        raise NotImplementedError

    def alias_changed(self, alias: Alias) -> None:
        self.alias_table.replace(alias)

    def activation_warning(self, alias: Alias) -> str:
        """Why activating `alias` may be refused (e.g. a domain's plan limit), or ""."""
        return ""

    # -- the actions -----------------------------------------------------------------------
    def _current(self) -> Alias | None:
        alias = self.alias_table.current
        if alias is None:
            self.report("No alias selected.", "warning")
        return alias

    def action_alias_forward(self) -> None:
        alias = self._current()
        if alias is None:
            return
        address = safe.one_line(alias.address, 80)
        form = FormScreen(f"Where should mail to {address} go?",
                          [FormField("forward_to", "Forward to", value=safe.one_line(alias.forward_to or "", 200),
                                     placeholder="agent@po6.com", check=check_address)],
                          note=REVERIFY_NOTE, submit="Next")

        def entered(values: dict[str, str] | None) -> None:
            if values is None:
                return
            new = values["forward_to"]
            if new.casefold() == (alias.forward_to or "").casefold():
                self.report("Same forwarding address as before: nothing to change.")
                return
            # If the server refuses, the form comes back holding what was typed (nothing is lost).
            self._change(alias, {"forward_to": new},
                         [Change("Forwards to", alias.forward_to, new),
                          Change("Verification", alias.verification_status, "pending")],
                         title=f"Forward {address} to a new address?", warning=REVERIFY_NOTE,
                         failed=lambda _error: self.app.push_screen(form.refilled(values), entered))

        self.app.push_screen(form, entered)

    def action_alias_active(self) -> None:
        alias = self._current()
        if alias is None:
            return
        address = safe.one_line(alias.address, 80)
        on = not alias.is_active
        warning = self.activation_warning(alias) if on else f"Mail to {address} will no longer be delivered."
        self._change(alias, {"is_active": on}, [Change("Active", alias.is_active, on)],
                     title=f"{'Activate' if on else 'Deactivate'} {address}?", warning=warning)

    def action_alias_plus(self) -> None:
        alias = self._current()
        if alias is None:
            return
        address = safe.one_line(alias.address, 80)
        on = not alias.plus_addressing
        name, _, domain = address.partition("@")
        hint = f"Mail to {name}+anything@{domain} will {'' if on else 'no longer '}reach this alias."
        self._change(alias, {"plus_addressing": on}, [Change("Plus addressing", alias.plus_addressing, on)],
                     title=f"Turn plus addressing {'on' if on else 'off'} for {address}?", warning=hint)

    def _change(self, alias: Alias, changes: dict[str, Any], shown: list[Change], *, title: str,
                warning: str = "", failed: Callable[[BaseException], None] | None = None) -> None:
        async def apply() -> Alias:
            client = await po6_client(self)
            return await self.send_alias_change(client, alias, changes)

        def done(updated: Alias) -> None:
            self.alias_changed(updated)
            now = "; ".join(f"{c.label.lower()} {as_line(c.after)}" for c in shown)
            self.report(f"Updated {safe.one_line(updated.address, 80)}: {now}.")

        confirm_change(self, title, shown, apply, done, what=f"Updating {safe.one_line(alias.address, 80)}",
                       warning=warning, failed=failed)
