"""Fixtures for the Postern screens: the UI tests' frozen-clock sandboxes (imported from
tests/ui, not copied) and the app with the demo's two accounts, PO6 "sandbox" and Postern
"sandbox-postern" (key `postern-agent`), as demo mode makes them."""

from __future__ import annotations

import importlib.util
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

_UI_TESTS = Path(__file__).resolve().parent.parent / "ui"
sys.path.insert(0, str(_UI_TESTS))

from uihelpers import UiSandbox, account_for, start_frozen_sandbox  # noqa: E402

from po6_tui.accounts import Account  # noqa: E402
from po6_tui.api.postern import PosternClient  # noqa: E402


def _load_ui_conftest():
    spec = importlib.util.spec_from_file_location("ui_conftest", _UI_TESTS / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_ui = _load_ui_conftest()
_frozen_today = _ui._frozen_today
ui_sandbox = _ui.ui_sandbox
ui_fresh_sandbox = _ui.ui_fresh_sandbox

SIGNUP, SUPPORT, OUTREACH = "signup-bot@postern.test", "support@postern.test", "outreach@postern.test"


def postern_account(box: UiSandbox, label: str = "postern-agent", *, read_only: bool = False) -> Account:
    return Account(name="sandbox-postern", provider="postern", url=box.url, read_only=read_only,
                   is_sandbox=True, api_key=box.key(label))


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


async def new_inbox(box: UiSandbox, prefix: str) -> str:
    """A fresh inbox of the `postern-agent` key, made through the client (not the screens)."""
    async with PosternClient(box.url, box.key("postern-agent")) as client:
        return (await client.create_inbox(username=f"{prefix}-{uuid.uuid4().hex[:6]}")).address
