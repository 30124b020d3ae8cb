"""`:domains` and `:catchall` against the sandbox: list_domains, get_domain (MX records valid
and broken), update_domain_alias (including the plan's limit, explained), update_catchall
(on, off and redirect; off and redirect need the domain typed; a cancel changes nothing).

The writing tests share `routing_box`, each on its own domain, alias or catch-all."""

from __future__ import annotations

from routing_helpers import answer, client, fill_form, open_view, select_row, status, wait_for, wait_idle, wait_screen
from textual.widgets import Button, Input, Static

from po6_tui.ui.routing.domain_screen import DomainScreen
from po6_tui.ui.kit.confirm import ConfirmScreen


async def open_domain(pilot, domain_id: str) -> DomainScreen:
    table = await open_view(pilot, "domains", "#domains", rows=3)
    await select_row(pilot, table, domain_id)
    await pilot.press("enter")
    screen = await wait_screen(pilot, DomainScreen)
    await wait_for(pilot, lambda: screen.detail is not None, what="the domain")
    await wait_idle(pilot)
    return screen


def text(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).content)


async def test_domains_and_their_mx_records(make_app):
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        table = await open_view(pilot, "domains", "#domains", rows=3)
        assert set(app.screen.domains) == {"dom_acme", "dom_labs", "dom_shop"}  # not the other tenant's
        screen = await open_domain(pilot, "dom_shop")
        mx = text(screen, "#mx")
        assert mx.count("✗ BROKEN") == 2 and "2 of 2 MX records are broken" in mx
        # They name PO6's servers already: the advice says what else can be wrong, not "point them at PO6".
        assert "does not see them in the domain's DNS yet" in mx and "dig MX" in mx
        assert "Point them at PO6" not in mx
        await pilot.press("q")
        await wait_idle(pilot)
        await select_row(pilot, table, "dom_acme")
        await pilot.press("enter")
        screen = await wait_screen(pilot, DomainScreen)
        await wait_for(pilot, lambda: screen.detail is not None and screen.detail.id == "dom_acme")
        await wait_idle(pilot)
        assert text(screen, "#mx").count("✓ valid") == 2 and "BROKEN" not in text(screen, "#mx")
        assert "support-agent@po6.com" in text(screen, "#catchall")
        assert screen.alias_table.row_count == 4
        assert "3 of 10 active aliases used" in text(screen, "#domain-summary")


async def test_activating_past_the_limit_is_explained(make_app):
    app = make_app()  # the server refuses: nothing changes, the shared sandbox will do
    async with app.run_test(size=(120, 35)) as pilot:
        screen = await open_domain(pilot, "dom_labs")
        assert "3 of 3 active aliases used (limit reached)" in text(screen, "#domain-summary")
        await select_row(pilot, screen.alias_table, "als_labs_beta")
        await pilot.press("a")
        modal = await answer(pilot, yes=True)
        assert "At the limit" in modal.question.details
        await wait_for(pilot, lambda: "allows 3 active aliases on the Standard plan, and 3 are active" in status(app))
        assert "Deactivate another alias first" in status(app)
        assert (await (await client(app)).get_domain("dom_labs")).aliases[0].is_active is False  # beta, first
        assert screen.alias_table.current.is_active is False


async def test_edit_a_domain_alias(make_app, routing_box):
    app = make_app(routing_box)
    async with app.run_test(size=(120, 35)) as pilot:
        screen = await open_domain(pilot, "dom_acme")
        await select_row(pilot, screen.alias_table, "als_dom_security")
        await pilot.press("f")
        await fill_form(pilot, forward_to="security-team@acme.example")
        modal = await answer(pilot, yes=True)
        assert "Forwards to: ops-agent@po6.com → security-team@acme.example" in modal.question.details
        detail = await (await client(app)).get_domain("dom_acme")
        security = next(a for a in detail.aliases if a.id == "als_dom_security")
        assert (security.forward_to, security.verification_status) == ("security-team@acme.example", "pending")
        assert screen.alias_table.current.verification_status == "pending"


async def test_catchall_on_from_the_domain(make_app, routing_box):
    app = make_app(routing_box)
    async with app.run_test(size=(120, 35)) as pilot:
        screen = await open_domain(pilot, "dom_labs")
        assert "○ off" in text(screen, "#catchall")
        await pilot.press("e")
        modal = await answer(pilot, yes=True)
        assert "Catch-all: off → on" in modal.question.details
        assert "research-agent@po6.com" in modal.question.details
        catchall = (await (await client(app)).get_domain("dom_labs")).catchall
        assert catchall.enabled and catchall.forward_to == "research-agent@po6.com"
        assert "● on" in text(screen, "#catchall")


async def test_catchall_off_needs_the_domain_typed(make_app, routing_box):
    app = make_app(routing_box)
    async with app.run_test(size=(120, 35)) as pilot:
        table = await open_view(pilot, "catchall", "#catchalls", rows=3)
        await select_row(pilot, table, "dom_acme")
        server = await client(app)

        await pilot.press("x")
        modal = await wait_screen(pilot, ConfirmScreen)
        assert modal.question.type_to_confirm == "acme.dev"
        modal.query_one("#typed", Input).value = "acme.de"
        await pilot.pause()
        assert modal.query_one("#confirm", Button).disabled  # a near miss does not arm it
        await answer(pilot, yes=False)
        assert (await server.get_domain("dom_acme")).catchall.enabled is True
        assert "nothing was changed" in status(app)

        await pilot.press("x")
        await answer(pilot, yes=True, typed="acme.dev")
        assert (await server.get_domain("dom_acme")).catchall.enabled is False
        assert "Catch-all of acme.dev is off" in status(app)
        assert app.screen.details["dom_acme"].catchall.enabled is False


async def test_catchall_redirect_then_on(make_app, routing_box):
    app = make_app(routing_box)
    async with app.run_test(size=(120, 35)) as pilot:
        table = await open_view(pilot, "catchall", "#catchalls", rows=3)
        await select_row(pilot, table, "dom_shop")
        server = await client(app)
        await pilot.press("t")
        await fill_form(pilot, forward_to="shop-bot@po6.com")
        modal = await answer(pilot, yes=True, typed="acme-shop.com")
        assert "Catch-all forwards to: — → shop-bot@po6.com" in modal.question.details
        catchall = (await server.get_domain("dom_shop")).catchall
        assert (catchall.enabled, catchall.forward_to, catchall.verification_status) == (False, "shop-bot@po6.com",
                                                                                        "pending")
        await pilot.press("e")
        await answer(pilot, yes=True)
        assert (await server.get_domain("dom_shop")).catchall.enabled is True
        assert "Catch-all of acme-shop.com is on, forwarding to shop-bot@po6.com (pending)" in status(app)


def test_mx_records_pointing_elsewhere_are_named():
    from po6_tui.api.models import DomainDetail, MxRecord
    from po6_tui.ui.routing.domain_screen import mx_text

    detail = DomainDetail(id="d", domain="shop.example", mx_records=[
        MxRecord(host="mx1.po6.com", priority=10, valid=True),
        MxRecord(host="aspmx.l.google.com", priority=5, valid=False)])
    said = mx_text(detail).plain
    assert "1 of 2 MX records are broken" in said
    assert "they point at aspmx.l.google.com, not at PO6's mail servers" in said and "Point them at PO6" in said
