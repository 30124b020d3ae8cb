"""Fixtures for the Postern screens: the UI tests' frozen-clock sandboxes (imported from
tests/ui, not copied), a sandbox for the tests that write, and the app on them with the Postern
account of demo mode ("sandbox-postern", key `postern-agent`), optionally beside the PO6 one."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from uihelpers import UiSandbox, account_for, start_frozen_sandbox

from posternhelpers import postern_account



@pytest.fixture
def make_postern_app(ui_sandbox: UiSandbox) -> Callable:
    """`make_postern_app(box=None, label="postern-agent", read_only=False, with_po6=False)`: the app
    on a sandbox with its Postern account (and, `with_po6`, the PO6 one first, as demo mode has
    them), no auto-refresh. Without PO6 the mail screen stays idle: the tests run faster."""
    from po6_tui.ui.app import Po6App

    def make(box: UiSandbox | None = None, *, label: str = "postern-agent", read_only: bool = False,
             with_po6: bool = False, **options):
        box = box or ui_sandbox
        options.setdefault("refresh_interval", 0)
        accounts = [postern_account(box, label, read_only=read_only)]
        if with_po6:
            accounts.insert(0, account_for(box, "plus", read_only=read_only))
        return Po6App(accounts, read_only=read_only, **options)

    return make


@pytest.fixture(scope="session")
def postern_box(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UiSandbox]:
    """The sandbox the tests that write share (one per worker): each works in inboxes of its own,
    or reads seeded messages no other test reads. Snapshots use the untouched `ui_sandbox`."""
    box = start_frozen_sandbox(tmp_path_factory.mktemp("postern-writes"))
    yield box
    box.stop()

