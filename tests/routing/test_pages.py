"""`:pages` against the sandbox: every landing-page tool through its screen, with the failure
paths (invalid config, a refused save that keeps the text, download of an unpublished page,
an unverified domain, cancelled confirmations that change nothing).

The writing tests share `routing_box`, each on its own page."""

from __future__ import annotations

import csv

from routing_helpers import (
    answer,
    client,
    fill_form,
    open_view,
    select_row,
    status,
    wait_for,
    wait_idle,
    wait_screen,
)
from textual.widgets import Sparkline, Static, TextArea

from po6_tui.ui.pages.config_editor import ConfigEditorScreen
from po6_tui.ui.pages.page_screen import PageScreen
from po6_tui.ui.pages.leads import LeadsScreen
from po6_tui.ui.pages.templates import TemplatesScreen
from po6_tui.ui.kit.form import FormScreen
from po6_tui.ui.kit.confirm import ConfirmScreen


async def open_page(pilot, page_id: str) -> PageScreen:
    table = await open_view(pilot, "pages", "#pages")
    await select_row(pilot, table, page_id)
    await pilot.press("enter")
    screen = await wait_screen(pilot, PageScreen)
    await wait_for(pilot, lambda: screen.page.config is not None and screen.stats is not None, what="the page")
    await wait_idle(pilot)
    return screen


def text(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).content)


async def test_status_filter_detail_stats_and_all_leads(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_view(pilot, "pages", "#pages", rows=5)
        counts = []
        for _ in range(4):
            await pilot.press("s")
            await wait_idle(pilot)
            counts.append((app.screen.status, table.row_count))
        assert counts == [("draft", 2), ("published", 2), ("archived", 1), (None, 5)]
        screen = await open_page(pilot, "lp_beta")
        info = text(screen, "#page-info")
        for expected in ("https://acme.dev/beta", "acme-sales@po6.com", "Acme Agents beta waitlist — by Acme",
                         "published"):
            assert expected in info
        stats = text(screen, "#page-stats")
        assert "Views" in stats and "Conversion" in stats and f"{screen.stats.views:,}" in stats
        assert len(screen.query_one(Sparkline).data) == len(screen.stats.daily) == 30
        assert "Be the first to know" in text(screen, "#page-config")

        await pilot.press("q")  # back to the list: L lists the leads of every page
        await pilot.press("L")
        leads = await wait_screen(pilot, LeadsScreen)
        await wait_for(pilot, lambda: leads.total is not None)
        assert leads.page is None
        assert {lead.page_id for lead in leads.leads} >= {"lp_beta", "lp_webinar"}


async def test_download_html_and_never_overwrite_silently(make_app, tmp_path):
    app = make_app()  # downloading only reads
    async with app.run_test(size=(120, 40)) as pilot:
        await open_page(pilot, "lp_webinar")
        target = tmp_path / "webinar.html"
        await pilot.press("w")
        form = await wait_screen(pilot, FormScreen)
        assert form.values()["path"].endswith("webinar.html")  # the server's name, made safe
        await fill_form(pilot, path=str(target))
        await wait_for(pilot, lambda: target.exists() and "Saved" in status(app))
        assert "<title>Webinar: agents that answer email</title>" in target.read_text()
        assert str(target) in status(app)

        target.write_text("mine")
        await pilot.press("w")
        await fill_form(pilot, path=str(target))
        modal = await answer(pilot, yes=False)
        assert modal.question.title == "Replace the existing file?"
        assert target.read_text() == "mine" and "left as it was" in status(app)
        assert not list(tmp_path.glob(".*.part"))  # no temporary file left behind

        await pilot.press("q")
        await open_page(pilot, "lp_guide")  # a draft
        await pilot.press("w")
        await wait_for(pilot, lambda: "must be published" in status(app))
        assert not isinstance(app.screen, FormScreen)


async def test_leads_shown_safely_and_exported_as_safe_csv(make_app, routing_box, hostile_page, tmp_path):
    app = make_app(routing_box)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_view(pilot, "pages", "#pages")
        await select_row(pilot, table, hostile_page)
        await pilot.press("l")  # straight from the list
        leads = await wait_screen(pilot, LeadsScreen)
        await wait_for(pilot, lambda: leads.total is not None)
        await wait_idle(pilot)
        server = await (await client(app)).list_landing_page_leads(page_id=hostile_page, limit=1)
        assert leads.total == server.total == len(leads.leads) == 3
        rows = leads.query_one("#leads")
        shown = rows.get_row("lead_h1")[1]
        assert "\x1b" not in shown.plain and "[@click=app.quit]" in shown.plain  # literal, never markup
        assert "⟦U+202E⟧" in rows.get_row("lead_h3")[1].plain  # the bidi trick made visible
        assert app.is_running

        target = tmp_path / "leads.csv"
        await pilot.press("w")
        await fill_form(pilot, path=str(target))
        await wait_for(pilot, lambda: target.exists() and "Saved" in status(app))
        exported = {row["id"]: row for row in csv.DictReader(target.open(newline=""))}
        assert len(exported) == 3
        evil = exported["lead_h1"]
        assert evil["name"].startswith("'=HYPERLINK") and "\x1b" not in evil["name"]
        assert evil["email"] == "'@evil.example" and evil["source"].startswith("'-cmd")
        assert exported["lead_h2"]["email"] == "ann@example.com"


async def test_create_a_page_from_a_template(make_app, routing_box):
    app = make_app(routing_box)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_view(pilot, "pages", "#pages")
        await pilot.press("n")
        templates = await wait_screen(pilot, TemplatesScreen)
        await wait_for(pilot, lambda: templates.table.row_count == 5)
        await select_row(pilot, templates.table, "lpt_waitlist")
        await wait_for(pilot, lambda: templates.templates["lpt_waitlist"].config is not None)
        assert "Be the first to know" in text(templates, "#template-detail")  # from get_landing_page_template
        await pilot.press("c")  # the first category, filtered by the server
        await wait_for(pilot, lambda: templates.category is not None and templates.table.row_count == 1)
        await pilot.press("c", "c", "c", "c", "c")  # back to all
        await wait_for(pilot, lambda: templates.category is None and templates.table.row_count == 5)
        await select_row(pilot, templates.table, "lpt_webinar")
        await pilot.press("enter")
        await fill_form(pilot, title="Autumn webinar", alias_id="als_sales", domain="acme.dev")
        page = await wait_screen(pilot, PageScreen)
        await wait_for(pilot, lambda: page.page.config is not None)
        assert page.page.title == "Autumn webinar" and page.page.status == "draft"
        assert page.page.domain == "acme.dev" and page.page.alias_id == "als_sales"
        created = await (await client(app)).list_landing_pages(status="draft")
        assert "Autumn webinar" in {p.title for p in created}


async def test_edit_title_and_seo(make_app, routing_box):
    app = make_app(routing_box)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_page(pilot, "lp_guide")
        await pilot.press("t")
        await fill_form(pilot, title="The agent inbox handbook")
        modal = await answer(pilot, yes=True)
        assert "Title: The agent inbox guide → The agent inbox handbook" in modal.question.details
        await pilot.press("o")
        await fill_form(pilot, title="Handbook", description="All about agent inboxes",
                        og_image="https://acme.dev/og.png")
        modal = await answer(pilot, yes=True)
        assert "SEO image: — → https://acme.dev/og.png" in modal.question.details
        page = await (await client(app)).get_landing_page("lp_guide")
        assert page.title == "The agent inbox handbook"
        assert (page.seo.title, page.seo.description, page.seo.og_image) == (
            "Handbook", "All about agent inboxes", "https://acme.dev/og.png")
        assert "https://acme.dev/og.png" in text(screen, "#page-info")


async def test_config_editor_checks_and_keeps_the_text(make_app, routing_box):
    app = make_app(routing_box)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_page(pilot, "lp_guide")
        await pilot.press("e")
        editor = await wait_screen(pilot, ConfigEditorScreen)
        area = editor.query_one(TextArea)

        area.text = '{"widgets": [ {"type": "hero",} ]}'
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, ConfigEditorScreen)
        assert "Not valid JSON" in text(editor, "#editor-status") and "line 1" in text(editor, "#editor-status")

        area.text = '{"widgets": [{"kind": "hero"}]}'
        await pilot.press("ctrl+s")
        assert 'widgets[0] needs a "type"' in text(editor, "#editor-status")

        area.text = '{"widgets": [{"type": "hero"}, {"type": "bogus"}]}'  # valid JSON, no such widget
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, ConfigEditorScreen)  # nothing asked, nothing sent
        assert "widgets[1] has the type 'bogus', which no widget has" in text(editor, "#editor-status")

        valid = '{"widgets": [{"type": "hero", "headline": "Get the guide"}, {"type": "form", "fields": ["email"]}]}'
        area.text = valid
        await pilot.press("ctrl+s")
        modal = await answer(pilot, yes=True)
        assert "Widgets: hero, form → hero, form" not in modal.question.details  # same kinds: not listed
        await wait_screen(pilot, PageScreen)
        page = await (await client(app)).get_landing_page("lp_guide")
        assert page.config["widgets"][0]["headline"] == "Get the guide"
        assert "Widget config saved" in status(app)


async def test_a_refused_config_stays_in_the_editor(make_app, routing_box):
    app = make_app(routing_box)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_page(pilot, "lp_spring")  # archived: the server refuses edits
        await pilot.press("e")
        editor = await wait_screen(pilot, ConfigEditorScreen)
        edited = '{"widgets": [{"type": "text", "text": "Back in spring"}]}'
        editor.query_one(TextArea).text = edited
        await pilot.press("ctrl+s")
        await answer(pilot, yes=True)
        await wait_for(pilot, lambda: "refused" in text(editor, "#editor-status"))
        assert app.screen is editor and editor.query_one(TextArea).text == edited
        assert "archived" in text(editor, "#editor-status")
        await pilot.press("escape")  # edits exist: asks before discarding
        await answer(pilot, yes=False)
        assert app.screen is editor


async def test_publish_and_unpublish_through_the_servers_confirmation(make_app, routing_box):
    app = make_app(routing_box)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_page(pilot, "lp_pricing")
        server = await client(app)
        await pilot.press("p")
        modal = await answer(pilot, yes=False)
        assert "it becomes public" in modal.question.server_message  # the server's own words
        assert (await server.get_landing_page("lp_pricing")).status == "draft"
        assert "nothing was changed" in status(app)

        await pilot.press("p")
        await answer(pilot, yes=True)
        assert (await server.get_landing_page("lp_pricing")).status == "published"
        assert screen.page.status == "published" and "Published" in status(app)

        await pilot.press("u")
        modal = await answer(pilot, yes=True)
        assert "back to draft" in modal.question.server_message
        assert (await server.get_landing_page("lp_pricing")).status == "draft"


async def test_assign_a_domain(make_app, routing_box):
    app = make_app(routing_box)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_page(pilot, "lp_webinar")
        server = await client(app)
        await pilot.press("D")
        await fill_form(pilot, domain="acme-shop.com")  # not verified: the server refuses at once
        await wait_for(pilot, lambda: "not verified" in status(app))
        assert not isinstance(app.screen, ConfirmScreen)

        await pilot.press("D")
        await fill_form(pilot, domain="acme-labs.io")
        modal = await answer(pilot, yes=False)
        assert "acme-labs.io" in modal.question.server_message
        assert (await server.get_landing_page("lp_webinar")).domain is None

        await pilot.press("D")
        await fill_form(pilot, domain="acme-labs.io")
        await answer(pilot, yes=True)
        assert (await server.get_landing_page("lp_webinar")).domain == "acme-labs.io"
        assert screen.page.url == "https://acme-labs.io/webinar"


async def test_archive_needs_the_title_typed(make_app, routing_box):
    app = make_app(routing_box)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_page(pilot, "lp_beta")
        server = await client(app)
        await pilot.press("A")
        modal = await answer(pilot, yes=False)
        assert modal.question.type_to_confirm == "Acme Agents beta waitlist"
        assert "taken offline first" in modal.question.server_message
        assert (await server.get_landing_page("lp_beta")).status == "published"

        await pilot.press("A")
        await answer(pilot, yes=True, typed="Acme Agents beta waitlist")
        assert (await server.get_landing_page("lp_beta")).status == "archived"
        assert "Archived" in status(app)


def _column_on_screen(table, key: str) -> bool:
    """The whole column `key` fits in the table's width (a DataTable cuts what runs past it)."""
    left = 0
    for column_key, column in table.columns.items():
        width = column.get_render_width(table)
        if column_key.value == key:
            return left + width <= table.scrollable_content_region.width
        left += width
    raise KeyError(key)


async def test_at_80_columns_the_date_and_the_page_of_a_lead_are_on_screen(make_app):
    from routing_helpers import open_view

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        table = await open_view(pilot, "pages", "#pages", rows=5)
        await pilot.pause()
        assert _column_on_screen(table, "updated")  # it read "De"
        await pilot.press("L")
        leads = await wait_screen(pilot, LeadsScreen)
        await wait_for(pilot, lambda: leads.total is not None)
        await pilot.pause()
        assert _column_on_screen(leads.query_one("#leads"), "page")  # it read "lp_"


async def test_read_only_mode_takes_the_write_keys_off_pages_and_aliases(make_app, routing_box):
    def offered(app) -> set[str]:
        return {b.description for _, b, enabled, _ in app.screen.active_bindings.values() if b.show and enabled}

    for read_only in (False, True):
        app = make_app(routing_box, read_only=read_only)
        async with app.run_test(size=(160, 40)) as pilot:
            await open_page(pilot, "lp_guide")
            writes = {"Title", "SEO", "Config", "Publish", "Unpublish", "Archive", "Domain"}
            assert (not writes & offered(app)) if read_only else writes <= offered(app), offered(app)
            assert "Download" in offered(app) and "Leads" in offered(app)  # reads stay
            screen = app.screen
            await pilot.press("p")  # publish: nothing is asked in read-only mode
            await wait_idle(pilot)
            assert (app.screen is screen) if read_only else app.screen is not screen
            if not read_only:
                await pilot.press("escape")
                await wait_idle(pilot)
            await open_view(pilot, "aliases", "#aliases")
            writes = {"Forwarding", "On/off", "Plus addr."}
            assert (not writes & offered(app)) if read_only else writes <= offered(app), offered(app)
