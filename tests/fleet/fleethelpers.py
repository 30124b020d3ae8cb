"""Helpers of the fleet tests (imported as `fleethelpers`; the fixture is in conftest.py)."""

from __future__ import annotations

from uihelpers import UiSandbox, wait_for, wait_idle

from po6_tui.accounts import Account
from po6_tui.ui.fleet.fleet_screen import FleetScreen


def postern_account(box: UiSandbox, *, read_only: bool = False) -> Account:
    return Account(name="sandbox-postern", provider="postern", url=box.url, read_only=read_only,
                   is_sandbox=True, api_key=box.key("postern-agent"))


async def open_fleet(pilot) -> FleetScreen:
    app = pilot.app
    await wait_for(pilot, lambda: app.mail.is_mounted)
    await pilot.press("ctrl+f")  # from anywhere: here, the mail view
    await wait_for(pilot, lambda: isinstance(app.screen, FleetScreen) and app.screen.loaded_at is not None,
                   timeout=20, what="the fleet to load")
    await wait_idle(pilot)
    return app.screen


