"""The leads a landing page's form collected (`list_landing_page_leads`), or every page's,
in a table that `w` writes out as CSV.

Leads are strangers' text. On screen every cell goes through `ui.safe`. In the CSV, controls
are dropped, invisible characters are made visible, and a cell that a spreadsheet would take
for a formula (starting with = + - @, or a tab or carriage return) is prefixed with a quote.
"""

from __future__ import annotations

import csv
import io

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from po6_tui.api.models import LandingPage, Lead
from po6_tui.api.po6 import Po6Client
from po6_tui.ui import safe
from po6_tui.ui.pages.files import safe_filename, save_file
from po6_tui.ui.core.po6_account import po6_client
from po6_tui.ui.kit.table import Column, VimTable
from po6_tui.ui.shell.app_screen import AppScreen
from po6_tui.ui.core.tasks import run_io

PAGE_SIZE = 100           # the server's maximum per request
MAX_LEADS = 50_000        # a guard against a server that never says "no more"
CSV_COLUMNS = ("submitted_at", "name", "email", "source", "page_id", "id")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """One CSV cell that no spreadsheet will run as a formula."""
    if value is None:
        return ""
    text = safe.clean(value, max_len=2000)
    if text.startswith(FORMULA_STARTS) or text.lstrip().startswith(FORMULA_STARTS):
        text = "'" + text
    return text


def leads_csv(leads: list[Lead]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for lead in leads:
        submitted = lead.submitted_at.isoformat() if lead.submitted_at else ""
        writer.writerow([csv_cell(v) for v in (submitted, lead.name, lead.email, lead.source, lead.page_id, lead.id)])
    return out.getvalue()


async def all_leads(client: Po6Client, page_id: str | None) -> tuple[list[Lead], int]:
    """Every lead (paged from the server), and the server's total."""
    leads: list[Lead] = []
    total = 0
    while len(leads) < MAX_LEADS:
        batch = await client.list_landing_page_leads(page_id=page_id, limit=PAGE_SIZE, offset=len(leads))
        total = batch.total
        leads.extend(batch.leads)
        if not batch.leads or not batch.has_more:
            break
    return leads, max(total, len(leads))


# The page second in the all-leads list (last, it was cut to "lp_" at 80 columns). At 80 columns
# the source shrinks first, then the name; the email and the page stay readable.
LEAD_COLUMNS = (Column("submitted", "Submitted (UTC)", give=0), Column("name", "Name", give=2, least=10),
                Column("email", "Email", give=1, least=16), Column("source", "Source", give=3, least=6))
PAGE_COLUMN = Column("page", "Page", give=1, least=12)


def lead_cells(lead: Lead, *, with_page: bool, titles: dict[str, str] | None = None) -> list[object]:
    """`titles`: page titles by id, for the page column (its id when the title is not known)."""
    when = lead.submitted_at.strftime("%Y-%m-%d %H:%M") if lead.submitted_at else "—"
    cells = [Text(when, style="dim"), safe.text(lead.name or "—", max_len=60), safe.text(lead.email, max_len=80),
             safe.text(lead.source or "—", max_len=30)]
    if with_page:
        title = (titles or {}).get(lead.page_id or "")
        cells.insert(1, safe.text(title, max_len=80) if title else safe.text(lead.page_id or "", max_len=40, style="dim"))
    return cells


class LeadsScreen(AppScreen):
    VIEW = "pages"
    HELP_GROUP = "Leads"
    AUTO_FOCUS = "#leads"

    BINDINGS = [
        Binding("w", "export", "Export CSV", id="leads.export"),
        Binding("R", "refresh", "Refresh", show=False, id="leads.refresh"),
    ]

    DEFAULT_CSS = """
    LeadsScreen #leads-header { height: 1; background: $boost; padding: 0 1; }
    LeadsScreen #leads { height: 1fr; }
    """

    def __init__(self, page: LandingPage | None = None, *, titles: dict[str, str] | None = None) -> None:
        super().__init__()
        self.page = page
        self.titles = titles or {}  # every page's leads: the page column shows titles
        self.leads: list[Lead] = []
        self.total: int | None = None

    def compose_body(self) -> ComposeResult:
        yield Static(self._header(), id="leads-header")
        # Every page's leads say which page they came from; one page's need not.
        yield VimTable(LEAD_COLUMNS if self.page else (LEAD_COLUMNS[0], PAGE_COLUMN, *LEAD_COLUMNS[1:]), id="leads")

    def on_mount(self) -> None:
        self.action_refresh()

    def action_back(self) -> None:
        self.dismiss()

    def _what(self) -> Text:
        if self.page is None:
            return Text("Leads of every page", style="bold")
        out = Text("Leads of ", style="bold")
        out.append_text(safe.text(self.page.title, max_len=80, style="bold"))
        return out

    def _header(self) -> Text:
        out = self._what()
        if self.total is None:
            out.append("  loading…", style="dim")
        else:
            out.append(f"  {self.total:,} lead{'s' if self.total != 1 else ''}", style="dim")
            out.append("   w exports CSV", style="dim")
        return out

    def action_refresh(self) -> None:
        page_id = self.page.id if self.page else None

        async def load() -> tuple[list[Lead], int]:
            return await all_leads(await po6_client(self), page_id)

        def done(result: tuple[list[Lead], int]) -> None:
            self.leads, self.total = result
            self.query_one("#leads", VimTable).fill(
                (lead.id, lead_cells(lead, with_page=self.page is None, titles=self.titles)) for lead in self.leads)
            self.query_one("#leads-header", Static).update(self._header())

        run_io(self, load, what="Loading leads", done=done, group="leads", exclusive=True)

    def action_export(self) -> None:
        if self.total is None:
            self.report("The leads are still loading.", "warning")
            return
        if not self.leads:
            self.report("No leads to export.", "warning")
            return
        stem = f"leads-{self.page.id}" if self.page else "leads-all-pages"
        save_file(self, leads_csv(self.leads).encode("utf-8"), suggested=safe_filename(stem, "leads", ".csv"),
                  what=f"{len(self.leads):,} leads as CSV")
