"""`:aliases` against the sandbox: list_aliases, get_alias, update_alias (forwarding with
re-verification, active, plus addressing), each confirmed before → after; cancel and read-only
change nothing; a bad address is caught in the form without losing it.

The writing tests share `routing_box` and each touches its own alias."""

from __future__ import annotations

from routing_helpers import answer, client, fill_form, open_view, select_row, status, wait_for, wait_idle
from textual.widgets import Static

from po6_tui.ui.kit.confirm import ConfirmScreen
from po6_tui.ui.kit.form import FormScreen


def detail(app) -> str:
    return str(app.screen.query_one("#alias-detail", Static).content)


async def test_list_detail_and_a_bad_address(make_app):
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        table = await open_view(pilot, "aliases", "AliasTable", rows=5)
        assert set(table.aliases) == {"als_billing", "als_old", "als_press", "als_sales", "als_signups"}
        assert "globex" not in str([a.address for a in table.aliases.values()])  # other tenant
        await pilot.press("j")  # acme-old: inactive, with a URL redirect only get_alias shows here
        await wait_idle(pilot)
        assert table.current_key == "als_old"
        assert "https://acme.dev/contact" in detail(app)
        assert "off" in detail(app)

        # A bad address is caught in the form, which keeps the text and says why.
        await pilot.press("f")
        form = await fill_form(pilot, forward_to="ops-agent at po6")
        assert app.screen is form
        assert form.values()["forward_to"] == "ops-agent at po6"
        assert "does not look like an email address" in str(form.query_one("#form-error", Static).content)
        await pilot.press("escape")
        await wait_idle(pilot)
        assert (await (await client(app)).get_alias("als_old")).forward_to == "ops-agent@po6.com"


async def test_change_forwarding_confirmed_with_before_and_after(make_app, routing_box):
    app = make_app(routing_box)
    async with app.run_test(size=(120, 35)) as pilot:
        table = await open_view(pilot, "aliases", "AliasTable", rows=5)
        assert table.current_key == "als_billing"
        await pilot.press("f")
        await fill_form(pilot, forward_to="finance-bot@po6.com")
        modal = await answer(pilot, yes=True)
        shown = str(modal.question.details)
        assert "Forwards to: billing-agent@po6.com → finance-bot@po6.com" in shown
        assert "Verification: verified → pending" in shown
        assert "verified again" in shown  # the re-verification warning
        alias = await (await client(app)).get_alias("als_billing")
        assert (alias.forward_to, alias.verification_status) == ("finance-bot@po6.com", "pending")
        assert table.current.forward_to == "finance-bot@po6.com"
        assert "finance-bot@po6.com" in detail(app) and "pending" in detail(app)
        assert "Updated acme-billing@po6.com" in status(app)


async def test_toggles_and_a_cancel_that_changes_nothing(make_app, routing_box):
    app = make_app(routing_box)
    async with app.run_test(size=(120, 35)) as pilot:
        table = await open_view(pilot, "aliases", "AliasTable", rows=5)
        await select_row(pilot, table, "als_press")
        server = await client(app)
        await pilot.press("a")
        modal = await answer(pilot, yes=False)
        assert "Active: on → off" in modal.question.details
        assert (await server.get_alias("als_press")).is_active is True
        assert "nothing was changed" in status(app)

        await pilot.press("a")
        await answer(pilot, yes=True)
        assert (await server.get_alias("als_press")).is_active is False
        assert table.current.is_active is False

        await pilot.press("p")
        modal = await answer(pilot, yes=True)
        assert "Plus addressing: off → on" in modal.question.details
        assert (await server.get_alias("als_press")).plus_addressing is True


async def test_read_only_refuses_clearly(make_app):
    app = make_app(read_only=True)  # the client refuses before any request: the shared sandbox stays as is
    async with app.run_test(size=(120, 35)) as pilot:
        await open_view(pilot, "aliases", "AliasTable", rows=5)
        # The write keys are off in read-only mode (tests/routing/test_pages.py); the actions,
        # reached another way, are refused by the client before any request.
        await pilot.press("a")
        await wait_idle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)  # nothing asked: the key is off
        app.screen.action_alias_active()
        await answer(pilot, yes=True)
        await wait_for(pilot, lambda: "Read-only" in status(app))
        assert (await (await client(app)).get_alias("als_billing")).is_active is True
        assert not isinstance(app.screen, FormScreen)

        # A two-step tool is refused before it even asks the server for a token.
        table = await open_view(pilot, "pages", "#pages", rows=5)
        await select_row(pilot, table, "lp_pricing")
        await pilot.press("enter")
        await wait_idle(pilot)
        app.screen.action_publish()
        await wait_for(pilot, lambda: "Read-only mode: publish_landing_page was not sent" in status(app))
        assert (await (await client(app)).get_landing_page("lp_pricing")).status == "draft"


async def test_a_refused_forwarding_address_comes_back_in_the_form(make_app, routing_box):
    """Issue 16, item 12: the server refuses the change (a key restricted to one mailbox may not
    re-route an alias); the form opens again holding the typed address, nothing is lost."""
    app = make_app(routing_box, label="one-mailbox")
    async with app.run_test(size=(120, 35)) as pilot:
        await open_view(pilot, "aliases", "AliasTable", rows=5)
        await pilot.press("f")
        await fill_form(pilot, forward_to="typed-with-care@po6.com")
        await answer(pilot, yes=True)
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen), what="the form to come back")
        assert app.screen.values()["forward_to"] == "typed-with-care@po6.com"
        assert "restricted to some mailboxes" in " ".join(n.message for n in app._notifications) + status(app)
