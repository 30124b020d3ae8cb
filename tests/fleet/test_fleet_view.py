"""`:fleet` through the app, against the sandbox: the seeded fleet (billing-agent sends 10× its
usual today, ops-agent bounces), a Postern account beside the PO6 one, opening an agent's mail,
drafts and sent log, unknown figures, read-only, and a fleet of 60 mailboxes read with at most
8 requests in flight."""

from __future__ import annotations

from pathlib import Path

from fleethelpers import open_fleet
from uihelpers import start_frozen_sandbox, type_command, wait_for, wait_idle

from po6_tui.api.errors import ScopeError
from po6_tui.api.po6 import Po6Client
from po6_tui.sandbox.seed_fleet import seed_agents
from po6_tui.sandbox.store import Store
from po6_tui.ui.fleet.fetch import MAX_IN_FLIGHT
from po6_tui.ui.fleet.fleet_screen import FleetScreen


def row(screen: FleetScreen, address: str) -> list[str]:
    """The row's cells as shown (plain text)."""
    agent = next(a for a in screen.shown if a.address == address)
    return [str(cell) for cell in screen.table.get_row(agent.key)]


def column(screen: FleetScreen, name: str) -> int:
    """The index of a column as shown (narrow terminals hide some)."""
    return [c.key.value for c in screen.table.ordered_columns].index(name)


def detail(screen: FleetScreen) -> str:
    return str(screen.query_one("#fleet-detail").render())


async def go_to(pilot, screen: FleetScreen, address: str) -> None:
    index = next(i for i, a in enumerate(screen.shown) if a.address == address)
    screen.table.move_cursor(row=index, animate=False)
    await pilot.pause()


async def test_the_anomalous_agents_come_first_in_words(make_fleet_app):
    async with make_fleet_app().run_test(size=(160, 40)) as pilot:
        screen = await open_fleet(pilot)
        needs = column(screen, "needs")
        order = [a.address for a in screen.shown]
        flagged = [a.address for a in screen.shown if screen.found[a.key]]
        assert order[:len(flagged)] == flagged  # every agent that needs attention before every other
        assert {"billing-agent@po6.com", "ops-agent@po6.com"} <= set(flagged)
        assert "research-agent@po6.com" not in flagged and row(screen, "research-agent@po6.com")[needs] == "ok"
        billing = row(screen, "billing-agent@po6.com")
        assert billing[needs].startswith("⚠ sent 20 in 24 h")
        assert billing[column(screen, "day")] == "20/500" and billing[column(screen, "bounced")] == "0"
        await go_to(pilot, screen, "billing-agent@po6.com")
        assert "sent 20 in 24 h, 10× its usual 2.1/day" in detail(screen)
        ops = row(screen, "ops-agent@po6.com")
        assert ops[column(screen, "bounced")] == "2"
        await go_to(pilot, screen, "ops-agent@po6.com")
        assert "2 of 7 sends bounced or failed in 24 h (29%)" in detail(screen)
        assert len(ops[column(screen, "spark")]) == 14
        assert "⚠" in str(screen.query_one("#fleet-header").render())


async def test_postern_inboxes_are_rows_too(make_fleet_app):
    async with make_fleet_app().run_test(size=(160, 40)) as pilot:
        screen = await open_fleet(pilot)
        postern = [a for a in screen.shown if a.provider == "postern"]
        assert {a.address for a in postern} >= {"support@postern.test", "outreach@postern.test"}
        cells = row(screen, "support@postern.test")
        assert cells[column(screen, "drafts")] == "—" and cells[column(screen, "bounced")] == "—"  # not offered
        assert cells[column(screen, "account")].startswith("sandbox-postern")  # last, the first cut to fit
        assert cells[column(screen, "unread")].isdigit() and cells[column(screen, "last_in")] not in ("?", "…")

        # Enter opens the Postern view on that inbox.
        await go_to(pilot, screen, "outreach@postern.test")
        await pilot.press("enter")
        app = pilot.app
        await wait_for(pilot, lambda: app.current_mode == "postern" and app.screen.inbox is not None
                       and app.screen.inbox.address == "outreach@postern.test", what="the Postern inbox")
        # `d` on a Postern row says there are no drafts rather than opening an empty queue.
        await pilot.press("ctrl+f")
        await wait_for(pilot, lambda: isinstance(app.screen, FleetScreen))
        await go_to(pilot, app.screen, "outreach@postern.test")
        await pilot.press("d")
        assert app.current_mode == "fleet"


async def test_enter_d_and_l_open_the_agents_mail_drafts_and_sent_log(make_fleet_app):
    app = make_fleet_app(postern=False)
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_fleet(pilot)
        await go_to(pilot, screen, "billing-agent@po6.com")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.current_mode == "mail" and app.mail.source is not None
                       and app.mail.source.place.mailbox_id == "mbx_billing", what="the billing mailbox")

        await pilot.press("ctrl+f")
        await wait_for(pilot, lambda: isinstance(app.screen, FleetScreen))
        await go_to(pilot, app.screen, "support-agent@po6.com")
        await pilot.press("d")
        await wait_for(pilot, lambda: app.current_mode == "drafts" and app.screen.loaded
                       and app.screen.current() is not None, what="the drafts queue")
        assert app.screen.current().draft.mailbox_id == "mbx_support"
        assert app.screen.queue.pending[0].draft.mailbox_id != "mbx_support"  # the cursor moved to it

        await pilot.press("ctrl+f")
        await wait_for(pilot, lambda: isinstance(app.screen, FleetScreen))
        await go_to(pilot, app.screen, "ops-agent@po6.com")
        await pilot.press("l")
        await wait_for(pilot, lambda: app.current_mode == "sent" and app.screen.mailbox_id == "mbx_ops"
                       and app.screen.emails, what="the ops sent log")
        assert any(e.delivery_status == "bounced" for e in app.screen.emails)


async def test_a_figure_that_fails_shows_as_unknown_with_the_reason(make_fleet_app, monkeypatch):
    real = Po6Client.list_sent_emails

    async def refusing(self, mailbox_id, **kwargs):  # noqa: ANN001, ANN202
        if mailbox_id == "mbx_ops":
            raise ScopeError("Insufficient scopes: mailbox:read required", tool="list_sent_emails")
        return await real(self, mailbox_id, **kwargs)

    monkeypatch.setattr(Po6Client, "list_sent_emails", refusing)
    async with make_fleet_app(postern=False).run_test(size=(160, 40)) as pilot:
        screen = await open_fleet(pilot)
        ops = row(screen, "ops-agent@po6.com")
        for name in ("day", "hour", "bounced", "last_out", "spark"):
            assert ops[column(screen, name)] == "?", name
        assert ops[column(screen, "unread")].isdigit() and ops[column(screen, "last_in")] != "?"  # the rest is there
        assert ops[column(screen, "needs")] == "? some figures unknown"
        await go_to(pilot, screen, "ops-agent@po6.com")
        assert "sent log: Insufficient scopes: mailbox:read required" in detail(screen)
        assert row(screen, "billing-agent@po6.com")[column(screen, "day")] == "20/500"  # others unaffected


async def test_sort_filter_refresh_keep_the_cursor_and_read_only_shows_the_same(make_fleet_app):
    async with make_fleet_app(read_only=True).run_test(size=(160, 40)) as pilot:
        screen = await open_fleet(pilot)
        assert len(screen.shown) == 9 and {"billing-agent@po6.com", "support@postern.test"} <= \
            {a.address for a in screen.shown}
        assert row(screen, "billing-agent@po6.com")[column(screen, "needs")].startswith("⚠ sent 20 in 24 h")
        await go_to(pilot, screen, "ops-agent@po6.com")
        await pilot.press("s")  # by address
        assert screen.sort == "address" and screen.shown[0].address == "billing-agent@po6.com"
        assert screen.current().address == "ops-agent@po6.com"
        await pilot.press("R")
        await wait_for(pilot, lambda: not screen.loading and screen.current() is not None)
        await wait_idle(pilot)
        assert screen.current().address == "ops-agent@po6.com"
        await type_command(pilot, "bounced", prompt_key="slash")
        assert {a.address for a in screen.shown} == {"ops-agent@po6.com", "support-agent@po6.com"}
        await pilot.press("escape")
        assert len(screen.shown) == 9


async def test_sixty_mailboxes_are_read_with_at_most_eight_requests_at_once(make_fleet_app, tmp_path: Path):
    box = start_frozen_sandbox(tmp_path)
    try:
        store = Store(box.db)
        try:
            assert seed_agents(store, 60) == 60
        finally:
            store.close()
        async with make_fleet_app(box, postern=False).run_test(size=(120, 40)) as pilot:
            screen = await open_fleet(pilot)
            assert len(screen.agents) == 66
            assert not any(a.problems or a.loading for a in screen.agents.values())
            assert 1 < screen.gate.most_in_flight <= MAX_IN_FLIGHT
            surging = [a.address for a in screen.shown if any(x.rule == "surge" for x in screen.found[a.key])]
            assert {"agent-0025@po6.com", "agent-0050@po6.com"} <= set(surging)
    finally:
        box.stop()


async def test_risky_drafts_per_agent_come_from_the_approve_steps_checks(make_fleet_app):
    async with make_fleet_app().run_test(size=(160, 40)) as pilot:
        screen = await open_fleet(pilot)
        risk = column(screen, "risk")
        assert row(screen, "signup-bot@po6.com")[risk] == "1 risky"  # the seeded key and password
        assert row(screen, "billing-agent@po6.com")[risk] == "1 risky"  # the card number
        assert row(screen, "research-agent@po6.com")[risk] == ""  # a plain summary to a known team
