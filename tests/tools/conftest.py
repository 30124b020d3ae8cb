"""Fixtures for the tool console tests: the UI tests' frozen sandboxes and app factory (imported
from tests/ui, not copied), a second MCP server unlike PO6, and the app on it."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from second_server import SecondServer

from po6_tui.accounts import Account


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
