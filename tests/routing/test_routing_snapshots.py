"""Snapshots of the routing and landing-page views (pytest-textual-snapshot), on the shared
frozen sandbox: nothing here writes (asking to publish only requests a token).
Update after a deliberate change with `--snapshot-update`, and look at the SVGs first."""

from __future__ import annotations

from pathlib import Path

from routing_helpers import fill_form, open_view, select_row, settle, wait_for, wait_screen
from textual.widgets import TextArea

from po6_tui.ui.pages.config_editor import ConfigEditorScreen
from po6_tui.ui.pages.page_screen import PageScreen
from po6_tui.ui.pages.leads import LeadsScreen
from po6_tui.ui.pages.templates import TemplatesScreen
from po6_tui.ui.routing.domain_screen import DomainScreen
from po6_tui.ui.kit.form import FormScreen
from po6_tui.ui.kit.confirm import ConfirmScreen


async def _page(pilot, page_id: str) -> PageScreen:
    table = await open_view(pilot, "pages", "#pages", rows=5)
    await select_row(pilot, table, page_id)
    await pilot.press("enter")
    screen = await wait_screen(pilot, PageScreen)
    await wait_for(pilot, lambda: screen.page.config is not None and screen.stats is not None)
    await settle(pilot)
    return screen


def test_aliases(snap_compare, make_app):
    async def run(pilot) -> None:
        table = await open_view(pilot, "aliases", "AliasTable", rows=5)
        await select_row(pilot, table, "als_old")

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run)


def test_aliases_forwarding_form_80x24(snap_compare, make_app):
    async def run(pilot) -> None:
        await open_view(pilot, "aliases", "AliasTable", rows=5)
        await pilot.press("f")
        form = await fill_form(pilot, forward_to="not an address")
        form.query_one("#field-forward_to").cursor_blink = False
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run)


def test_domains_80x24(snap_compare, make_app):
    async def run(pilot) -> None:
        await open_view(pilot, "domains", "#domains", rows=3)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run)


def test_domain_at_its_alias_limit(snap_compare, make_app):
    async def run(pilot) -> None:
        table = await open_view(pilot, "domains", "#domains", rows=3)
        await select_row(pilot, table, "dom_labs")
        await pilot.press("enter")
        screen = await wait_screen(pilot, DomainScreen)
        await wait_for(pilot, lambda: screen.detail is not None)
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run)


def test_domain_with_broken_mx_80x24(snap_compare, make_app):
    async def run(pilot) -> None:
        table = await open_view(pilot, "domains", "#domains", rows=3)
        await select_row(pilot, table, "dom_shop")
        await pilot.press("enter")
        screen = await wait_screen(pilot, DomainScreen)
        await wait_for(pilot, lambda: screen.detail is not None)
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run)


def test_catchall(snap_compare, make_app):
    async def run(pilot) -> None:
        await open_view(pilot, "catchall", "#catchalls", rows=3)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run)


def test_pages(snap_compare, make_app):
    async def run(pilot) -> None:
        await open_view(pilot, "pages", "#pages", rows=5)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run)


def test_page_detail_with_stats(snap_compare, make_app):
    async def run(pilot) -> None:
        await _page(pilot, "lp_beta")

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run)


def test_page_leads_written_by_strangers(snap_compare, make_app, routing_box, hostile_page):
    # The demo leads' times depend on when the sandbox seeded (seconds vary): these are fixed.
    async def run(pilot) -> None:
        table = await open_view(pilot, "pages", "#pages")
        await select_row(pilot, table, hostile_page)
        await pilot.press("l")
        leads = await wait_screen(pilot, LeadsScreen)
        await wait_for(pilot, lambda: leads.total is not None)
        await settle(pilot)

    assert snap_compare(make_app(routing_box), terminal_size=(80, 24), run_before=run)


def test_templates(snap_compare, make_app):
    async def run(pilot) -> None:
        await open_view(pilot, "pages", "#pages", rows=5)
        await pilot.press("n")
        templates = await wait_screen(pilot, TemplatesScreen)
        await wait_for(pilot, lambda: templates.table.row_count == 5)
        await wait_for(pilot, lambda: any(t.config is not None for t in templates.templates.values()))
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run)


def test_config_editor_with_an_error(snap_compare, make_app):
    async def run(pilot) -> None:
        await _page(pilot, "lp_pricing")
        await pilot.press("e")
        editor = await wait_screen(pilot, ConfigEditorScreen)
        area = editor.query_one(TextArea)
        area.cursor_blink = False
        area.text = '{"widgets": [\n  {"type": "hero", "headline": "New pricing"},\n]}'
        await pilot.press("ctrl+s")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run)


def test_publish_confirmation_shows_the_servers_message(snap_compare, make_app):
    async def run(pilot) -> None:
        await _page(pilot, "lp_pricing")
        await pilot.press("p")
        await wait_screen(pilot, ConfirmScreen)
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run)


def test_save_form_80x24(snap_compare, make_app, monkeypatch):
    from po6_tui.ui.pages import files as page_files

    monkeypatch.setattr(page_files, "downloads_dir", lambda: Path("/home/operator/Downloads"))

    async def run(pilot) -> None:
        await _page(pilot, "lp_beta")
        await pilot.press("w")
        form = await wait_screen(pilot, FormScreen)
        form.query_one("#field-path").cursor_blink = False
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run)
