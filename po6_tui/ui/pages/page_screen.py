"""One landing page: what it is (`get_landing_page`), how it does (`get_landing_page_stats`,
with a chart of daily views), and everything that can be done to it.

t title · o SEO · e widget config (checked JSON editor) · p publish · u unpublish ·
A archive (type the title) · D serve on a domain · w download the HTML · l leads.
Publish, unpublish, archive and domain assignment go through the server's own two-step
confirmation: the modal shows the server's message, and only Yes confirms.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Sparkline, Static

from po6_tui.api.models import Alias, Domain, LandingPage, PageDownload, PageStats, Seo
from po6_tui.ui import safe
from po6_tui.ui.core import timefmt
from po6_tui.ui.pages.config_editor import ConfigEditorScreen, config_text
from po6_tui.ui.pages.files import safe_filename, save_file
from po6_tui.ui.pages.leads import LeadsScreen
from po6_tui.ui.core.po6_account import po6_client
from po6_tui.ui.kit.changes import Change, confirm_change, two_step
from po6_tui.ui.kit.form import FormField, FormScreen, check_not_empty
from po6_tui.ui.kit.keymap import PANE_BINDINGS
from po6_tui.ui.kit.table import labelled
from po6_tui.ui.shell.app_screen import AppScreen
from po6_tui.ui.core.tasks import run_io

STATUS_STYLES = {"published": "bold green", "draft": "yellow", "archived": "dim"}
CONFIG_SHOWN_MAX = 20_000


def status_text(status: str) -> Text:
    return safe.text(status, max_len=20, style=STATUS_STYLES.get(status, ""))


def stats_text(stats: PageStats) -> Text:
    out = Text(end="")
    for label, value in (("Views", f"{stats.views:,}"), ("Unique visitors", f"{stats.unique_visitors:,}"),
                         ("Leads", f"{stats.leads:,}"), ("Conversion", f"{stats.conversion_rate * 100:.1f}%")):
        out.append(f"{label} ", style="dim")
        out.append(value, style="bold")
        out.append("   ")
    if stats.daily:
        first, last = stats.daily[0], stats.daily[-1]
        peak = max(stats.daily, key=lambda d: d.views)
        out.append("\nDaily views ", style="dim")
        out.append_text(safe.text(f"{first.date} … {last.date}", max_len=40))
        out.append(f"  (peak {peak.views:,} on ", style="dim")
        out.append_text(safe.text(peak.date, max_len=20, style="dim"))
        out.append(")", style="dim")
    else:
        out.append("\nNo daily figures yet.", style="dim")
    return out


class PageScreen(AppScreen):
    VIEW = "pages"
    HELP_GROUP = "Landing page"
    AUTO_FOCUS = "#page-scroll"

    BINDINGS = [
        Binding("t", "edit_title", "Title", id="page.title"),
        Binding("o", "edit_seo", "SEO", id="page.seo"),
        Binding("e", "edit_config", "Config", id="page.config"),
        Binding("p", "publish", "Publish", id="page.publish"),
        Binding("u", "unpublish", "Unpublish", id="page.unpublish"),
        Binding("A", "archive", "Archive", id="page.archive"),
        Binding("D", "assign_domain", "Domain", id="page.domain"),
        Binding("w", "download", "Download", id="page.download"),
        Binding("l", "leads", "Leads", id="page.leads"),
        Binding("R", "refresh", "Refresh", show=False, id="page.refresh"),
        *PANE_BINDINGS,
    ]
    WRITE_ACTIONS = frozenset({"edit_title", "edit_seo", "edit_config", "publish", "unpublish", "archive",
                               "assign_domain"})

    DEFAULT_CSS = """
    PageScreen #page-scroll { height: 1fr; padding: 0 1; }
    PageScreen #page-title { text-style: bold; background: $boost; padding: 0 1; }
    PageScreen .section-title { text-style: bold; color: $text-muted; margin-top: 1; }
    PageScreen #page-sparkline { height: 3; width: 60; margin-top: 1; }
    PageScreen #page-config { color: $text-muted; }
    """

    def __init__(self, page: LandingPage) -> None:
        super().__init__()
        self.page = page
        self.stats: PageStats | None = None
        self.alias: Alias | None = None

    def compose_body(self) -> ComposeResult:
        yield Static(self._title(), id="page-title")
        with VerticalScroll(id="page-scroll"):
            yield Static(self._info(), id="page-info")
            yield Static("Stats", classes="section-title")
            yield Static(Text("Loading…", style="dim"), id="page-stats")
            yield Sparkline([], id="page-sparkline")  # daily views; hidden until there are some
            yield Static("Widget config  (e edits)", classes="section-title")
            yield Static(Text("Loading…", style="dim"), id="page-config")

    def on_mount(self) -> None:
        self.action_refresh()

    def action_back(self) -> None:
        self.dismiss()

    def action_scroll(self, lines: int) -> None:
        self.query_one("#page-scroll", VerticalScroll).scroll_relative(y=lines, animate=False)

    # -- loading -----------------------------------------------------------------------------
    def action_refresh(self) -> None:
        page_id = self.page.id

        async def load() -> tuple[LandingPage, Alias | None]:
            client = await po6_client(self)
            page = await client.get_landing_page(page_id)
            alias = await client.get_alias(page.alias_id) if page.alias_id else None
            return page, alias

        def loaded(result: tuple[LandingPage, Alias | None]) -> None:
            self.page, self.alias = result
            self._redraw()

        async def load_stats() -> PageStats:
            return await (await po6_client(self)).get_landing_page_stats(page_id)

        run_io(self, load, what="Loading the page", done=loaded, group="page", exclusive=True)
        run_io(self, load_stats, what="Loading the page's stats", done=self._show_stats, group="page-stats",
               exclusive=True)

    def _redraw(self) -> None:
        self.query_one("#page-title", Static).update(self._title())
        self.query_one("#page-info", Static).update(self._info())
        if self.page.config is not None:
            self.query_one("#page-config", Static).update(
                safe.text(config_text(self.page.config), single_line=False, max_len=CONFIG_SHOWN_MAX))

    def _show_stats(self, stats: PageStats) -> None:
        self.stats = stats
        self.query_one("#page-stats", Static).update(stats_text(stats))
        sparkline = self.query_one("#page-sparkline", Sparkline)
        sparkline.data = [float(d.views) for d in stats.daily]
        sparkline.display = bool(stats.daily)

    def _title(self) -> Text:
        out = safe.text(self.page.title or "(untitled)", max_len=120, style="bold")
        out.append("  ")
        out.append_text(status_text(self.page.status))
        return out

    def _info(self) -> Text:
        page = self.page
        seo = page.seo or Seo()
        if self.alias is not None:
            alias = safe.text(self.alias.address, max_len=120)
            alias.append(f"  ({safe.one_line(page.alias_id, 60)})", style="dim")
        else:
            alias = safe.text(page.alias_id or "—", max_len=60)
        rows: list[tuple[str, Text | str]] = [
            ("Status", status_text(page.status)),
            ("URL", safe.text(page.url or "—", max_len=400)),
            ("Domain", safe.text(page.domain or "(PO6's page host)", max_len=120)),
            ("Leads go to", alias),
            ("Template", safe.text(page.template_id or "—", max_len=60)),
            ("SEO title", safe.text(seo.title or "—", max_len=300)),
            ("SEO description", safe.text(seo.description or "—", max_len=500)),
            ("SEO image", safe.text(seo.og_image or "—", max_len=400)),
            ("Updated", Text(timefmt.full(page.updated_at))),
            ("Published", Text(timefmt.full(page.published_at) if page.published_at else "—")),
            ("Id", Text(safe.one_line(page.id, 60), style="dim")),
        ]
        return labelled(rows)

    def page_changed(self, page: LandingPage, message: str) -> None:
        self.page = page
        self._redraw()
        self.report(message)

    @property
    def name_(self) -> str:
        return safe.one_line(self.page.title or self.page.id, 80)

    # -- edits -------------------------------------------------------------------------------
    def action_edit_title(self) -> None:
        page = self.page

        def entered(values: dict[str, str] | None) -> None:
            if values is None:
                return

            async def apply() -> LandingPage:
                return await (await po6_client(self)).update_landing_page(page.id, title=values["title"])

            confirm_change(self, "Rename the page?", [Change("Title", page.title, values["title"])], apply,
                           lambda updated: self.page_changed(updated, "Title changed."), what="Renaming the page")

        self.app.push_screen(FormScreen("Page title", [FormField("title", "Title", value=safe.one_line(page.title, 300),
                                                                 check=check_not_empty, max_length=300)],
                                        submit="Next"), entered)

    def action_edit_seo(self) -> None:
        page = self.page
        seo = page.seo or Seo()
        fields = [FormField("title", "SEO title", value=safe.one_line(seo.title or "", 300), max_length=2000),
                  FormField("description", "SEO description", value=safe.one_line(seo.description or "", 2000),
                            max_length=2000),
                  FormField("og_image", "Social image URL (og:image)", value=safe.one_line(seo.og_image or "", 400),
                            placeholder="https://…", max_length=2000)]

        def entered(values: dict[str, str] | None) -> None:
            if values is None:
                return
            new = Seo(title=values["title"] or None, description=values["description"] or None,
                      og_image=values["og_image"] or None)
            changes = [Change("SEO title", seo.title, new.title),
                       Change("SEO description", seo.description, new.description),
                       Change("SEO image", seo.og_image, new.og_image)]

            async def apply() -> LandingPage:
                # Every field is sent (None clears it), so what is shown is what the page gets.
                payload = {"title": new.title, "description": new.description, "og_image": new.og_image}
                return await (await po6_client(self)).update_landing_page(page.id, seo=payload)

            confirm_change(self, "Change the page's SEO?", changes, apply,
                           lambda updated: self.page_changed(updated, "SEO changed."), what="Saving SEO")

        self.app.push_screen(FormScreen("Search and social preview", fields, submit="Next"), entered)

    def action_edit_config(self) -> None:
        if self.page.config is None:
            self.report("The page is still loading.", "warning")
            return

        def closed(updated: LandingPage | None) -> None:
            if updated is not None:
                self.page_changed(updated, "Widget config saved.")

        self.app.push_screen(ConfigEditorScreen(self.page), closed)

    # -- the server's two-step actions ----------------------------------------------------------
    def action_publish(self) -> None:
        page_id = self.page.id
        two_step(self, lambda client: client.publish_landing_page(page_id), title=f"Publish {self.name_}?",
                 what="Publishing the page", confirm_label="Publish",
                 done=lambda page: self.page_changed(page, f"Published: {safe.one_line(page.url or '', 200)}"))

    def action_unpublish(self) -> None:
        page_id = self.page.id
        two_step(self, lambda client: client.unpublish_landing_page(page_id), title=f"Unpublish {self.name_}?",
                 what="Unpublishing the page", confirm_label="Unpublish",
                 done=lambda page: self.page_changed(page, "Unpublished: the page is a draft again."))

    def action_archive(self) -> None:
        page_id = self.page.id
        two_step(self, lambda client: client.archive_landing_page(page_id), title=f"Archive {self.name_}?",
                 what="Archiving the page", confirm_label="Archive", type_to_confirm=self.page.title or page_id,
                 done=lambda page: self.page_changed(page, "Archived: the page can no longer be edited or published."))

    def action_assign_domain(self) -> None:
        page = self.page

        async def load() -> list[Domain]:
            return list(await (await po6_client(self)).list_domains())

        def ask(domains: list[Domain]) -> None:
            if not domains:
                self.report("No custom domain on this account (see :domains).", "warning")
                return
            choices = [(f"{d.domain}  ({d.verification_status or 'unknown'})", d.domain) for d in domains]
            form = FormScreen(f"Serve {self.name_} on a domain",
                              [FormField("domain", "Domain", value=page.domain or "", choices=choices,
                                         check=lambda v: None if v else "Choose a domain.")],
                              note="Only verified domains can serve pages; the server checks.", submit="Next")

            def chosen(values: dict[str, str] | None) -> None:
                if values is None:
                    return
                domain = values["domain"]
                two_step(self, lambda client: client.assign_landing_page_domain(page.id, domain),
                         title=f"Serve {self.name_} on {safe.one_line(domain, 80)}?", what="Assigning the domain",
                         confirm_label="Assign",
                         done=lambda updated: self.page_changed(
                             updated, f"Now served on {safe.one_line(updated.domain or domain, 120)}."))

            self.app.push_screen(form, chosen)

        run_io(self, load, what="Loading domains", done=ask)

    # -- files and leads ---------------------------------------------------------------------------
    def action_download(self) -> None:
        page = self.page

        async def fetch() -> PageDownload:
            return await (await po6_client(self)).download_landing_page(page.id)

        def fetched(download: PageDownload) -> None:
            name = safe_filename(download.filename, page.id, ".html")
            save_file(self, download.html.encode("utf-8"), suggested=name, what="the page's HTML")

        run_io(self, fetch, what="Downloading the page", done=fetched)

    def action_leads(self) -> None:
        self.app.push_screen(LeadsScreen(self.page))
