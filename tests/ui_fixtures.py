"""Fixtures for every test of the app (a pytest plugin loaded by tests/conftest.py): sandboxes
with a frozen-at-seeding clock, and the app on them.

The sandbox seeds its mail relative to its clock, so these sandboxes get their clock set to a
fixed instant before they seed (and the list's "today" is frozen to the same instant): the
dates on screen, and so the snapshots, are the same on every run. They also lift the per-key
rate limit, since every app start makes a handful of calls.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from uihelpers import SEEDED_AT, UiSandbox, account_for, start_frozen_sandbox

from po6_tui.ui.core import timefmt

os.environ["TZ"] = "UTC"
time.tzset()


@pytest.fixture(autouse=True)
def _frozen_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timefmt, "now", lambda: SEEDED_AT)


@pytest.fixture(scope="session")
def ui_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UiSandbox]:
    """Shared by the tests of one worker: only read from it."""
    box = start_frozen_sandbox(tmp_path_factory.mktemp("ui-sandbox"))
    yield box
    box.stop()


@pytest.fixture
def ui_fresh_sandbox(tmp_path: Path) -> Iterator[UiSandbox]:
    """A sandbox of the test's own, for tests that change mail."""
    box = start_frozen_sandbox(tmp_path)
    yield box
    box.stop()


@pytest.fixture
def make_app(ui_sandbox: UiSandbox) -> Callable:
    """`make_app(box=None, read_only=False, **Po6App options)`: the app on a sandbox, no auto-refresh."""
    from po6_tui.ui.app import Po6App

    def make(box: UiSandbox | None = None, *, label: str = "plus", read_only: bool = False, **options):
        options.setdefault("refresh_interval", 0)
        return Po6App([account_for(box or ui_sandbox, label, read_only=read_only)], read_only=read_only, **options)

    return make
