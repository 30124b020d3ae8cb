"""Fixtures for the tool console tests: the UI tests' frozen sandboxes and app factory (imported
from tests/ui, not copied), a second MCP server unlike PO6, and the app on it."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

UI_TESTS = Path(__file__).resolve().parent.parent / "ui"
if str(UI_TESTS) not in sys.path:
    sys.path.insert(0, str(UI_TESTS))


def _ui_conftest():
    spec = importlib.util.spec_from_file_location("ui_tests_conftest", UI_TESTS / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_ui = _ui_conftest()
_frozen_today = _ui._frozen_today
ui_sandbox = _ui.ui_sandbox
ui_fresh_sandbox = _ui.ui_fresh_sandbox
make_app = _ui.make_app

from second_server import SecondServer  # noqa: E402  (tests/tools is on sys.path via rootdir)

from po6_tui.accounts import Account  # noqa: E402


@pytest.fixture
def second_server() -> Iterator[SecondServer]:
    server = SecondServer().start()
    yield server
    server.stop()


@pytest.fixture
def make_second_app(second_server: SecondServer) -> Callable:
    """`make_second_app(read_only=False)`: the app with one account, on the second server."""
    from po6_tui.ui.app import Po6App

    def make(*, read_only: bool = False):
        account = Account("desk", "po6", second_server.url, read_only=read_only, api_key="desk-key")
        return Po6App([account], read_only=read_only, refresh_interval=0)

    return make
