"""One custom domain (`get_domain`): verification and plan limits, its MX records (valid ones
and broken ones told apart by words and marks, not only colour), its aliases (f/a/p through
`update_domain_alias`) and its catch-all (e/x/t).

Activating an alias past the plan's limit is refused by the server; the refusal is explained
in terms of this domain (how many are active, what the plan allows, what to do).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from po6_tui.api.errors import PlanError
from po6_tui.api.models import Alias, Catchall, Domain, DomainDetail
from po6_tui.api.po6 import Po6Client
from po6_tui.ui import safe
from po6_tui.ui.routing.alias_editing import AliasEditingScreen
from po6_tui.ui.routing.catchall_editing import CatchallEditingScreen, CatchallTarget
from po6_tui.ui.core.po6_account import po6_client
from po6_tui.ui.kit.cells import verification
from po6_tui.ui.routing.alias_table import AliasTable
from po6_tui.ui.core.tasks import run_io


def mx_text(detail: DomainDetail) -> Text:
    out = Text(end="")
    if not detail.mx_records:
        out.append("No MX record found: mail to this domain cannot arrive.", style="bold red")
        return out
    broken = [r for r in detail.mx_records if not r.valid]
    for number, record in enumerate(detail.mx_records):
        if number:
            out.append("\n")
        if record.valid:
            out.append("✓ valid   ", style="green")
        else:
            out.append("✗ BROKEN  ", style="bold red")
        out.append_text(safe.text(record.host, max_len=120, style="" if record.valid else "red"))
        if record.priority is not None:
            out.append(f"  priority {record.priority}", style="dim")
    if broken:
        out.append(f"\n{len(broken)} of {len(detail.mx_records)} MX records are broken: ", style="yellow")
        out.append_text(mx_advice(detail, broken))
    return out


PO6_MAIL_HOST = ".po6.com"  # PO6's mail servers are mx1.po6.com, mx2.po6.com


def mx_advice(detail: DomainDetail, broken: list) -> Text:
    """What is wrong with the broken records, in words (PO6 says only "not valid")."""
    elsewhere = [r for r in broken if not r.host.lower().rstrip(".").endswith(PO6_MAIL_HOST)]
    if elsewhere:
        advice = Text("they point at ", style="yellow")
        advice.append_text(safe.text(", ".join(r.host for r in elsewhere[:3]), max_len=160, style="yellow"))
        advice.append(", not at PO6's mail servers (mx1.po6.com, mx2.po6.com): mail for this domain goes "
                      "there, not to PO6. Point them at PO6 in your DNS.", style="yellow")
        return advice
    domain = safe.one_line(detail.domain, 120)
    return Text("they name PO6's own mail servers, but PO6 does not see them in the domain's DNS yet: the "
                f"change may still be propagating (up to your records' TTL), or it was made in another DNS "
                f"zone than the one that serves {domain}. Check with `dig MX {domain}`.", style="yellow")


def catchall_text(catchall: Catchall | None) -> Text:
    out = Text("Catch-all  ", style="bold")
    if catchall is None:
        out.append("(the server did not say)", style="dim")
        return out
    out.append("● on" if catchall.enabled else "○ off", style="green" if catchall.enabled else "dim")
    if catchall.forward_to:
        out.append("  → " if catchall.enabled else "  (would forward to ")
        out.append_text(safe.text(catchall.forward_to, max_len=200))
        out.append("" if catchall.enabled else ")")
        out.append("  ")
        out.append_text(verification(catchall.verification_status))
    return out


class DomainScreen(AliasEditingScreen, CatchallEditingScreen):
    VIEW = "domains"
    HELP_GROUP = "Domain"
    AUTO_FOCUS = "AliasTable"

    BINDINGS = [
        Binding("R", "refresh", "Refresh", show=False, id="domain.refresh"),
    ]
    WRITE_ACTIONS = AliasEditingScreen.WRITE_ACTIONS | CatchallEditingScreen.WRITE_ACTIONS

    DEFAULT_CSS = """
    DomainScreen #domain-summary { height: auto; padding: 0 1; background: $boost; }
    DomainScreen .section { height: auto; padding: 0 1; margin-top: 1; }
    DomainScreen .section-title { text-style: bold; padding: 0 1; margin-top: 1; color: $text-muted; }
    DomainScreen AliasTable { height: 1fr; }
    """

    def __init__(self, domain: Domain) -> None:
        super().__init__()
        self.domain = domain
        self.detail: DomainDetail | None = None

    def compose_body(self) -> ComposeResult:
        yield Static(self._summary(), id="domain-summary")
        yield Static("MX records", classes="section-title")
        yield Static(Text("Loading…", style="dim"), id="mx", classes="section")
        yield Static(catchall_text(None), id="catchall", classes="section")
        yield Static("Aliases", id="aliases-title", classes="section-title")
        yield AliasTable(id="domain-aliases")

    def on_mount(self) -> None:
        self.action_refresh()

    def action_back(self) -> None:
        self.dismiss()

    def action_refresh(self) -> None:
        async def load() -> DomainDetail:
            client = await po6_client(self)
            return await client.get_domain(self.domain.id)

        run_io(self, load, what=f"Loading {safe.one_line(self.domain.domain, 80)}", done=self._show,
               group="domain", exclusive=True)

    def _show(self, detail: DomainDetail) -> None:
        self.detail = detail
        self.domain = detail
        self.alias_table.show(detail.aliases)
        title = f"Aliases ({len(detail.aliases)})" if detail.aliases else "Aliases: none on this domain yet"
        self.query_one("#aliases-title", Static).update(title)
        self.query_one("#domain-summary", Static).update(self._summary())
        self.query_one("#mx", Static).update(mx_text(detail))
        self.query_one("#catchall", Static).update(catchall_text(detail.catchall))

    # -- limits ----------------------------------------------------------------------------
    def _active_count(self) -> int | None:
        if self.detail is None:
            return None
        return sum(1 for a in self.alias_table.aliases.values() if a.is_active)

    def _summary(self) -> Text:
        domain = self.domain
        out = safe.text(domain.domain, max_len=120, style="bold")
        out.append("  ")
        out.append_text(verification(domain.verification_status))
        out.append("  plan ", style="dim")
        out.append_text(safe.text(domain.plan or "—", max_len=20))
        limit, active = domain.max_aliases, self._active_count()
        if limit is not None and active is not None:
            style = "bold yellow" if active >= limit else ""
            out.append(f"  {active} of {limit} active aliases used", style=style)
            if active >= limit:
                out.append(" (limit reached)", style="bold yellow")
        return out

    def limit_explanation(self) -> str:
        limit, active = self.domain.max_aliases, self._active_count()
        name = safe.one_line(self.domain.domain, 120)
        plan = safe.one_line(self.domain.plan or "current", 20)
        if limit is None:
            return f"{name} has reached the number of active aliases its plan allows."
        return (f"{name} allows {limit} active aliases on the {plan} plan, and {active} are active. "
                "Deactivate another alias first (a), or move the domain to a larger plan.")

    # -- AliasEditingScreen -----------------------------------------------------------------
    async def send_alias_change(self, client: Po6Client, alias: Alias, changes: dict[str, Any]) -> Alias:
        try:
            return await client.update_domain_alias(self.domain.id, alias.id, **changes)
        except PlanError as error:
            if changes.get("is_active"):
                raise PlanError(f"{self.limit_explanation()} (Server: {error.message})", tool=error.tool) from None
            raise

    def activation_warning(self, alias: Alias) -> str:
        limit, active = self.domain.max_aliases, self._active_count()
        if limit is not None and active is not None and active >= limit:
            return f"At the limit, so the server will refuse: {self.limit_explanation()}"
        return ""

    def alias_changed(self, alias: Alias) -> None:
        super().alias_changed(alias)
        self.query_one("#domain-summary", Static).update(self._summary())

    # -- CatchallEditingScreen ------------------------------------------------------------
    def catchall_target(self) -> CatchallTarget | None:
        if self.detail is None or self.detail.catchall is None:
            self.report("The domain is still loading.", "warning")
            return None
        return CatchallTarget(self.domain.id, self.domain.domain, self.detail.catchall)

    def catchall_changed(self, target: CatchallTarget, catchall: Catchall) -> None:
        if self.detail is not None:
            self.detail = self.detail.model_copy(update={"catchall": catchall, "catchall_enabled": catchall.enabled})
        self.query_one("#catchall", Static).update(catchall_text(catchall))
