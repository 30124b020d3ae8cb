"""The app on the frozen-clock UI sandbox with both of demo mode's accounts (PO6 and Postern)."""

from __future__ import annotations

import pytest
from fleethelpers import postern_account
from uihelpers import UiSandbox, account_for


@pytest.fixture
def make_fleet_app(ui_sandbox: UiSandbox):
    from po6_tui.ui.app import Po6App

    def make(box: UiSandbox | None = None, *, read_only: bool = False, postern: bool = True, **options):
        box = box or ui_sandbox
        options.setdefault("refresh_interval", 0)
        accounts = [account_for(box, "plus", read_only=read_only)]
        if postern:
            accounts.append(postern_account(box, read_only=read_only))
        return Po6App(accounts, read_only=read_only, **options)

    return make
