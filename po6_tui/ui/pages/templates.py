"""Choosing a template for a new landing page: the templates (`list_landing_page_templates`,
c narrows by category on the server), the highlighted one in full (`get_landing_page_template`:
description, default content, widget config), and Enter to create a page from it
(`create_landing_page`: a title, and optionally the alias its leads go to and a domain).
The new page opens in its detail view; it is a draft until published.
"""

from __future__ import annotations

import asyncio

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Static

from po6_tui.api.models import Alias, Domain, LandingPage, LandingTemplate
from po6_tui.ui import safe
from po6_tui.ui.pages.config_editor import config_text
from po6_tui.ui.pages.page_screen import PageScreen
from po6_tui.ui.core.debounce import Debounced
from po6_tui.ui.core.po6_account import po6_client
from po6_tui.ui.kit.form import FormField, FormScreen, check_not_empty
from po6_tui.ui.kit.table import VimTable, labelled
from po6_tui.ui.shell.app_screen import AppScreen
from po6_tui.ui.core.tasks import run_io

TEMPLATE_COLUMNS = (("name", "Template"), ("category", "Category"))


def template_detail(template: LandingTemplate) -> Text:
    rows: list[tuple[str, Text | str]] = [
        ("Template", safe.text(template.name, max_len=120, style="bold")),
        ("Category", safe.text(template.category or "—", max_len=60)),
        ("Description", safe.text(template.description or "—", max_len=500)),
        ("Id", Text(safe.one_line(template.id, 60), style="dim")),
    ]
    out = labelled(rows)
    if template.default_content:
        out.append("\n\nDefault content\n", style="bold")
        out.append_text(safe.text(config_text(template.default_content) if isinstance(template.default_content, dict)
                                  else template.default_content, single_line=False, max_len=4000, style="dim"))
    if template.config is not None:
        out.append("\n\nWidgets\n", style="bold")
        out.append_text(safe.text(config_text(template.config), single_line=False, max_len=10_000, style="dim"))
    return out


class TemplatesScreen(AppScreen):
    VIEW = "pages"
    HELP_GROUP = "Page templates"
    AUTO_FOCUS = "#templates"

    BINDINGS = [
        Binding("enter", "create", "Create page", id="templates.create"),
        Binding("c", "category", "Category", id="templates.category"),
    ]
    WRITE_ACTIONS = frozenset({"create"})

    DEFAULT_CSS = """
    TemplatesScreen #templates-header { height: 1; background: $boost; padding: 0 1; }
    TemplatesScreen #templates-body { height: 1fr; }
    TemplatesScreen #templates { width: 36; height: 1fr; }
    TemplatesScreen.-narrow #templates { width: 30; }
    TemplatesScreen #template-scroll { width: 1fr; padding: 0 1; border-left: solid $panel-lighten-1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.templates: dict[str, LandingTemplate] = {}
        self.categories: list[str] = []  # learnt from the unfiltered list
        self.category: str | None = None
        self._fetch_later = Debounced(self)

    def compose_body(self) -> ComposeResult:
        yield Static("", id="templates-header")
        with Horizontal(id="templates-body"):
            yield VimTable(TEMPLATE_COLUMNS, id="templates")
            with VerticalScroll(id="template-scroll"):
                yield Static("", id="template-detail")

    @property
    def table(self) -> VimTable:
        return self.query_one("#templates", VimTable)

    def on_mount(self) -> None:
        self._load()

    def action_back(self) -> None:
        self.dismiss()

    def _load(self) -> None:
        category = self.category

        async def load() -> list[LandingTemplate]:
            return list(await (await po6_client(self)).list_landing_page_templates(category=category))

        def done(templates: list[LandingTemplate]) -> None:
            self.templates = {t.id: t for t in templates}
            if category is None:
                self.categories = sorted({t.category for t in templates if t.category})
            self.table.fill((t.id, [safe.text(t.name, max_len=60, style="bold"),
                                    safe.text(t.category or "—", max_len=30)]) for t in templates)
            header = Text("New page: choose a template", style="bold")
            shown = safe.one_line(category, 40) if category else "all"
            header.append(f"  category {shown} (c)  ·  Enter creates", style="dim")
            self.query_one("#templates-header", Static).update(header)

        run_io(self, load, what="Loading templates", done=done, group="templates", exclusive=True)

    def action_category(self) -> None:
        if not self.categories:
            self.report("No categories to choose from.", "warning")
            return
        cycle = [None, *self.categories]
        self.category = cycle[(cycle.index(self.category) + 1) % len(cycle)] if self.category in cycle else None
        self._load()

    @on(DataTable.RowHighlighted, "#templates")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        template = self.templates.get(event.row_key.value or "")
        if template is None:
            return
        self.query_one("#template-detail", Static).update(template_detail(template))

        async def fetch() -> LandingTemplate:
            return await (await po6_client(self)).get_landing_page_template(template.id)

        def fetched(full: LandingTemplate) -> None:
            self.templates[full.id] = full
            if self.table.current_key == full.id:
                self.query_one("#template-detail", Static).update(template_detail(full))

        self._fetch_later(lambda: run_io(self, fetch, what="Loading the template", done=fetched,
                                         group="template-detail", exclusive=True))

    @on(DataTable.RowSelected, "#templates")
    def action_create(self) -> None:
        template = self.templates.get(self.table.current_key or "")
        if template is None:
            self.report("No template selected.", "warning")
            return

        async def load() -> tuple[list[Alias], list[Domain]]:
            client = await po6_client(self)
            aliases, domains = await asyncio.gather(client.list_aliases(), client.list_domains())
            return list(aliases), list(domains)

        run_io(self, load, what="Loading aliases and domains", done=lambda found: self._ask(template, *found))

    def _ask(self, template: LandingTemplate, aliases: list[Alias], domains: list[Domain]) -> None:
        form = FormScreen(
            f"New page from “{safe.one_line(template.name, 60)}”",
            [FormField("title", "Title", check=check_not_empty, max_length=300, placeholder="Spring launch"),
             FormField("alias_id", "Leads go to (alias, optional)",
                       choices=[(a.address, a.id) for a in aliases if a.is_active]),
             FormField("domain", "Served on (verified domain, optional)",
                       choices=[(d.domain, d.domain) for d in domains if d.verification_status == "verified"])],
            note="The page is created as a draft: nothing is public until you publish it.", submit="Create")

        def entered(values: dict[str, str] | None) -> None:
            if values is None:
                return

            async def create() -> LandingPage:
                return await (await po6_client(self)).create_landing_page(
                    template.id, values["title"], alias_id=values["alias_id"] or None,
                    domain=values["domain"] or None)

            def created(page: LandingPage) -> None:
                self.app.report(f"Created the draft page {safe.one_line(page.title, 80)}.")
                self.dismiss()
                self.app.push_screen(PageScreen(page))

            run_io(self, create, what="Creating the page", done=created,
                   failed=lambda _error: self.app.push_screen(form.refilled(values), entered))

        self.app.push_screen(form, entered)

