"""Catch-all of a custom domain, the same from `:catchall` and from a domain's detail:
e turns it on, x turns it off, t sends it to another address (which re-verifies).

Turning it off or redirecting it changes where strangers' mail goes (or drops it), so the
operator types the domain's name to confirm; turning it on is confirmed normally.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.binding import Binding

from po6_tui.api.models import Catchall
from po6_tui.ui import safe
from po6_tui.ui.core.po6_account import po6_client
from po6_tui.ui.kit.changes import Change, confirm_change
from po6_tui.ui.kit.form import FormField, FormScreen, check_address
from po6_tui.ui.shell.app_screen import AppScreen

REVERIFY_NOTE = ("The new address must be verified again: PO6 sends it a confirmation message, "
                 "and the catch-all target stays pending until someone confirms.")


@dataclass(frozen=True)
class CatchallTarget:
    domain_id: str
    domain: str                 # the domain's name as the server sent it (untrusted)
    catchall: Catchall

    @property
    def name(self) -> str:
        return safe.one_line(self.domain, 200)


class CatchallEditingScreen(AppScreen):
    BINDINGS = [
        Binding("e", "catchall_enable", "Catch-all on", id="catchall.enable"),
        Binding("x", "catchall_disable", "Catch-all off", id="catchall.disable"),
        Binding("t", "catchall_redirect", "Catch-all to…", id="catchall.redirect"),
    ]
    WRITE_ACTIONS = frozenset({"catchall_enable", "catchall_disable", "catchall_redirect"})

    # -- what subclasses provide ---------------------------------------------------------
    def catchall_target(self) -> CatchallTarget | None:
        """The domain the keys act on, with its catch-all as last loaded (None: say why)."""
        raise NotImplementedError

    def catchall_changed(self, target: CatchallTarget, catchall: Catchall) -> None:
        raise NotImplementedError

    # -- the actions -----------------------------------------------------------------------
    def action_catchall_enable(self) -> None:
        target = self.catchall_target()
        if target is None:
            return
        if target.catchall.enabled:
            self.report(f"Catch-all is already on for {target.name}.")
            return
        if target.catchall.forward_to:
            self._confirm_enable(target, target.catchall.forward_to)
            return

        def entered(values: dict[str, str] | None) -> None:
            if values is not None:
                self._confirm_enable(target, values["forward_to"])

        self.app.push_screen(FormScreen(f"Catch-all for {target.name}: where should the mail go?",
                                        [FormField("forward_to", "Forward to", check=check_address,
                                                   placeholder="agent@po6.com")],
                                        note=REVERIFY_NOTE, submit="Next"), entered)

    def _confirm_enable(self, target: CatchallTarget, forward_to: str) -> None:
        changes = [Change("Catch-all", False, True)]
        if forward_to != target.catchall.forward_to:
            changes.append(Change("Forwards to", target.catchall.forward_to, forward_to))
        warning = (f"Mail to every address @{target.name} that has no alias will be forwarded to "
                   f"{safe.one_line(forward_to, 200)}.")
        self._send(target, True, forward_to if forward_to != target.catchall.forward_to else None, changes,
                   title=f"Turn on catch-all for {target.name}?", warning=warning)

    def action_catchall_disable(self) -> None:
        target = self.catchall_target()
        if target is None:
            return
        if not target.catchall.enabled:
            self.report(f"Catch-all is already off for {target.name}.")
            return
        self._send(target, False, None, [Change("Catch-all", True, False)],
                   title=f"Turn off catch-all for {target.name}?", type_to_confirm=target.domain,
                   warning=f"Mail to addresses @{target.name} that have no alias will no longer arrive.")

    def action_catchall_redirect(self) -> None:
        target = self.catchall_target()
        if target is None:
            return
        current = target.catchall.forward_to or ""

        form = FormScreen(f"Catch-all for {target.name}: forward to",
                          [FormField("forward_to", "Forward to", value=safe.one_line(current, 200),
                                     check=check_address, placeholder="agent@po6.com")],
                          note=REVERIFY_NOTE, submit="Next")

        def entered(values: dict[str, str] | None) -> None:
            if values is None:
                return
            new = values["forward_to"]
            if new.casefold() == current.casefold():
                self.report("Same address as before: nothing to change.")
                return
            # If the server refuses, the form comes back holding what was typed (nothing is lost).
            self._send(target, target.catchall.enabled, new,
                       [Change("Catch-all forwards to", current or None, new),
                        Change("Verification", target.catchall.verification_status, "pending")],
                       title=f"Send catch-all mail of {target.name} to a new address?",
                       type_to_confirm=target.domain, warning=REVERIFY_NOTE,
                       failed=lambda _error: self.app.push_screen(form.refilled(values), entered))

        self.app.push_screen(form, entered)

    def _send(self, target: CatchallTarget, enabled: bool, forward_to: str | None, changes: list[Change], *,
              title: str, warning: str = "", type_to_confirm: str = "",
              failed: Callable[[BaseException], None] | None = None) -> None:
        async def apply() -> Catchall:
            client = await po6_client(self)
            return await client.update_catchall(target.domain_id, enabled, forward_to=forward_to)

        def done(catchall: Catchall) -> None:
            self.catchall_changed(target, catchall)
            state = "on" if catchall.enabled else "off"
            where = f", forwarding to {safe.one_line(catchall.forward_to, 200)}" if catchall.forward_to else ""
            status = f" ({safe.one_line(catchall.verification_status, 30)})" if catchall.verification_status else ""
            self.report(f"Catch-all of {target.name} is {state}{where}{status}.")

        confirm_change(self, title, changes, apply, done, what=f"Updating the catch-all of {target.name}",
                       warning=warning, type_to_confirm=type_to_confirm, failed=failed)
