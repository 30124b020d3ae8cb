"""`:domains`: the operator's own (BYOD) domains, their verification and plan limits.

Enter opens a domain (`routing_domain.DomainScreen`): its MX records, its aliases (editable)
and its catch-all.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from po6_tui.api.models import Domain
from po6_tui.ui import safe
from po6_tui.ui.core.po6_account import po6_client
from po6_tui.ui.kit.cells import flag, verification
from po6_tui.ui.routing.domain_screen import DomainScreen
from po6_tui.ui.kit.table import VimTable
from po6_tui.ui.shell.app_screen import AppScreen
from po6_tui.ui.core.tasks import run_io

DOMAIN_COLUMNS = (("domain", "Domain"), ("verification", "Verification"), ("catchall", "Catch-all"),
                  ("aliases", "Aliases"), ("limit", "Active allowed"), ("plan", "Plan"))


def domain_cells(domain: Domain) -> list[object]:
    limit = domain.max_aliases
    return [
        safe.text(domain.domain, max_len=100, style="bold"),
        verification(domain.verification_status),
        flag(domain.catchall_enabled, "on", "off"),
        Text(str(domain.alias_count)),
        Text("—" if limit is None else str(limit)),
        safe.text(domain.plan or "—", max_len=20),
    ]


class DomainsScreen(AppScreen):
    VIEW = "domains"
    HELP_GROUP = "Domains"
    AUTO_FOCUS = "#domains"

    BINDINGS = [
        Binding("enter", "open", "Open", id="domains.open"),
        Binding("R", "refresh", "Refresh", show=False, id="domains.refresh"),
    ]

    DEFAULT_CSS = """
    DomainsScreen #domains-header { height: 1; background: $boost; padding: 0 1; }
    DomainsScreen #domains { height: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.domains: dict[str, Domain] = {}

    def compose_body(self) -> ComposeResult:
        yield Static("", id="domains-header")
        yield VimTable(DOMAIN_COLUMNS, id="domains")

    @property
    def table(self) -> VimTable:
        return self.query_one("#domains", VimTable)

    def on_mount(self) -> None:
        self.action_refresh()

    def on_screen_resume(self) -> None:
        # Back from a domain's detail: its counts or catch-all may have changed there.
        if self.domains:
            self.action_refresh()

    def action_refresh(self) -> None:
        async def load() -> list[Domain]:
            client = await po6_client(self)
            return list(await client.list_domains())

        run_io(self, load, what="Loading domains", done=self._show, group="domains", exclusive=True)

    def _show(self, domains: list[Domain]) -> None:
        self.domains = {d.id: d for d in domains}
        self.table.fill((d.id, domain_cells(d)) for d in domains)
        header = Text("Custom domains", style="bold")
        unverified = sum(1 for d in domains if d.verification_status != "verified")
        header.append(f"  {len(domains)} domain{'s' if len(domains) != 1 else ''}", style="dim")
        if unverified:
            header.append(f", {unverified} not verified", style="yellow")
        header.append("   Enter: MX, aliases, catch-all", style="dim")
        if not domains:
            header.append("   (no custom domain: add one in the PO6 dashboard)", style="dim")
        self.query_one("#domains-header", Static).update(header)

    @on(DataTable.RowSelected, "#domains")
    def action_open(self) -> None:
        domain = self.domains.get(self.table.current_key or "")
        if domain is None:
            self.report("No domain selected.", "warning")
            return
        self.app.push_screen(DomainScreen(domain))
