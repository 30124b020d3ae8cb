"""`:pages`: the landing pages, filtered by status on the server (`list_landing_pages`).

Enter opens a page (`page_detail.PageScreen`: details, stats, edits, publishing, download);
n creates one from a template; l shows the highlighted page's leads, L every page's leads;
s cycles the status filter (all, draft, published, archived).
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from po6_tui.api.models import LandingPage
from po6_tui.ui import safe
from po6_tui.ui.core import timefmt
from po6_tui.ui.pages.page_screen import PageScreen, status_text
from po6_tui.ui.pages.leads import LeadsScreen
from po6_tui.ui.pages.templates import TemplatesScreen
from po6_tui.ui.core.po6_account import po6_client
from po6_tui.ui.kit.table import Column, VimTable
from po6_tui.ui.shell.app_screen import AppScreen
from po6_tui.ui.core.tasks import run_io

STATUSES = (None, "draft", "published", "archived")
# The long URL last and the first to shrink (the detail view has it whole), then the title; the
# date stays whole (at 80 columns "Updated" read "De").
PAGE_COLUMNS = (Column("title", "Title", give=1, least=16), Column("status", "Status", give=0),
                Column("updated", "Updated", give=0), Column("url", "URL", give=2, least=12))


def page_cells(page: LandingPage) -> list[object]:
    return [
        safe.text(page.title or "(untitled)", max_len=80, style="bold" if page.status == "published" else ""),
        status_text(page.status),
        Text(timefmt.short(page.updated_at), style="dim"),
        safe.text(page.url or "—", max_len=120, style="dim" if page.status != "published" else ""),
    ]


class PagesScreen(AppScreen):
    VIEW = "pages"
    HELP_GROUP = "Pages"
    AUTO_FOCUS = "#pages"

    BINDINGS = [
        Binding("enter", "open", "Open", id="pages.open"),
        Binding("n", "new", "New page", id="pages.new"),
        Binding("s", "status_filter", "Status filter", id="pages.status"),
        Binding("l", "leads", "Leads", id="pages.leads"),
        Binding("L", "all_leads", "All leads", id="pages.all_leads"),
        Binding("R", "refresh", "Refresh", show=False, id="pages.refresh"),
    ]
    WRITE_ACTIONS = frozenset({"new"})

    DEFAULT_CSS = """
    PagesScreen #pages-header { height: 1; background: $boost; padding: 0 1; }
    PagesScreen #pages { height: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.pages: dict[str, LandingPage] = {}
        self.status: str | None = None

    def compose_body(self) -> ComposeResult:
        yield Static("", id="pages-header")
        yield VimTable(PAGE_COLUMNS, id="pages")

    @property
    def table(self) -> VimTable:
        return self.query_one("#pages", VimTable)

    def on_mount(self) -> None:
        self.action_refresh()

    def on_screen_resume(self) -> None:
        # Back from a page, the templates or the leads: a page may have changed there.
        if self.pages or self.status:
            self.action_refresh()

    def action_refresh(self) -> None:
        status = self.status

        async def load() -> list[LandingPage]:
            return list(await (await po6_client(self)).list_landing_pages(status=status))

        def done(pages: list[LandingPage]) -> None:
            self.pages = {p.id: p for p in pages}
            self.table.fill((p.id, page_cells(p)) for p in pages)
            self._header()

        run_io(self, load, what="Loading landing pages", done=done, group="pages", exclusive=True)

    def _header(self) -> None:
        header = Text("Landing pages", style="bold")
        header.append(f"  {len(self.pages)} shown", style="dim")
        header.append("  status: ", style="dim")
        header.append(self.status or "all", style="bold")
        header.append(" (s)   Enter opens a page", style="dim")  # the footer has the other keys
        if not self.pages:
            header.append("   none" + (f" {self.status}" if self.status else ""), style="dim")
        self.query_one("#pages-header", Static).update(header)

    def action_status_filter(self) -> None:
        self.status = STATUSES[(STATUSES.index(self.status) + 1) % len(STATUSES)]
        self._header()
        self.action_refresh()
        self.report(f"Showing {self.status or 'all'} pages.")

    def _current(self) -> LandingPage | None:
        page = self.pages.get(self.table.current_key or "")
        if page is None:
            self.report("No page selected.", "warning")
        return page

    @on(DataTable.RowSelected, "#pages")
    def action_open(self) -> None:
        page = self._current()
        if page is not None:
            self.app.push_screen(PageScreen(page))

    def action_new(self) -> None:
        self.app.push_screen(TemplatesScreen())

    def action_leads(self) -> None:
        page = self._current()
        if page is not None:
            self.app.push_screen(LeadsScreen(page))

    def action_all_leads(self) -> None:
        self.app.push_screen(LeadsScreen(titles={p.id: p.title for p in self.pages.values() if p.title}))
