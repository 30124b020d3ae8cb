"""`:catchall`: catch-all forwarding of every custom domain on one screen.

`list_domains` says only whether a catch-all is on; where it forwards (and whether that
target is verified) comes from each domain's `get_domain`, loaded right after.
e turns it on, x off, t forwards it elsewhere (see `routing_catchall`).
"""

from __future__ import annotations

import asyncio

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from po6_tui.api.models import Catchall, DomainDetail
from po6_tui.ui import safe
from po6_tui.ui.routing.catchall_editing import CatchallEditingScreen, CatchallTarget
from po6_tui.ui.core.po6_account import po6_client
from po6_tui.ui.kit.cells import flag, verification
from po6_tui.ui.kit.table import VimTable
from po6_tui.ui.core.tasks import run_io

CATCHALL_COLUMNS = (("domain", "Domain"), ("domain_status", "Domain status"), ("enabled", "Catch-all"),
                    ("forward_to", "Forwards to"), ("target_status", "Target status"))


def catchall_cells(detail: DomainDetail) -> list[object]:
    catchall = detail.catchall or Catchall(enabled=detail.catchall_enabled)
    return [
        safe.text(detail.domain, max_len=100, style="bold"),
        verification(detail.verification_status),
        flag(catchall.enabled, "on", "off"),
        safe.text(catchall.forward_to or "—", max_len=100, style="" if catchall.enabled else "dim"),
        verification(catchall.verification_status) if catchall.forward_to else Text("—", style="dim"),
    ]


class CatchallScreen(CatchallEditingScreen):
    VIEW = "catchall"
    HELP_GROUP = "Catch-all"
    AUTO_FOCUS = "#catchalls"

    BINDINGS = [
        Binding("R", "refresh", "Refresh", show=False, id="catchall.refresh"),
    ]

    DEFAULT_CSS = """
    CatchallScreen #catchall-header { height: 1; background: $boost; padding: 0 1; }
    CatchallScreen #catchalls { height: 1fr; }
    CatchallScreen #catchall-help { height: auto; padding: 0 1; color: $text-muted;
                                    border-top: solid $panel-lighten-1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.details: dict[str, DomainDetail] = {}

    def compose_body(self) -> ComposeResult:
        yield Static(Text("Catch-all per domain", style="bold"), id="catchall-header")
        yield VimTable(CATCHALL_COLUMNS, id="catchalls")
        yield Static(Text("A catch-all forwards mail sent to any address of the domain that has no alias.\n"
                          "e turns it on · x turns it off (type the domain to confirm) · "
                          "t forwards it to another address (type the domain to confirm; re-verifies)"),
                     id="catchall-help")

    @property
    def table(self) -> VimTable:
        return self.query_one("#catchalls", VimTable)

    def on_mount(self) -> None:
        self.action_refresh()

    def on_screen_resume(self) -> None:
        # Back to this view: a domain's detail (`:domains`) may have changed a catch-all meanwhile.
        if self.details:
            self.action_refresh()

    def action_refresh(self) -> None:
        async def load() -> list[DomainDetail]:
            client = await po6_client(self)
            domains = await client.list_domains()
            return list(await asyncio.gather(*(client.get_domain(d.id) for d in domains)))

        def done(details: list[DomainDetail]) -> None:
            self.details = {d.id: d for d in details}
            self.table.fill((d.id, catchall_cells(d)) for d in details)
            on = sum(1 for d in details if d.catchall and d.catchall.enabled)
            header = Text("Catch-all per domain", style="bold")
            header.append(f"  {len(details)} domains, {on} with catch-all on", style="dim")
            self.query_one("#catchall-header", Static).update(header)

        run_io(self, load, what="Loading catch-alls", done=done, group="catchall", exclusive=True)

    # -- CatchallEditingScreen ------------------------------------------------------------
    def catchall_target(self) -> CatchallTarget | None:
        detail = self.details.get(self.table.current_key or "")
        if detail is None:
            self.report("No domain selected.", "warning")
            return None
        return CatchallTarget(detail.id, detail.domain, detail.catchall or Catchall(enabled=detail.catchall_enabled))

    def catchall_changed(self, target: CatchallTarget, catchall: Catchall) -> None:
        detail = self.details.get(target.domain_id)
        if detail is None:
            return
        detail = detail.model_copy(update={"catchall": catchall, "catchall_enabled": catchall.enabled})
        self.details[detail.id] = detail
        self.table.set_row(detail.id, catchall_cells(detail))
