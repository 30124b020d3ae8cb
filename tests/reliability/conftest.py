"""Fixtures for the reliability tests: the app on sandboxes with faults switched on.

The UI helpers (account_for, wait_list, …) are those of tests/ui, imported, not copied.
Sandboxes come from the root `sandbox_factory` with the per-key rate limit lifted (the app makes
several calls a second), plus the fault flags of each test.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "drafts"))  # drafthelpers.drop_replies

from uihelpers import RATE_LIMIT, account_for  # noqa: E402



@pytest.fixture
def fault_box(sandbox_factory) -> Callable:  # noqa: ANN001
    """`fault_box("--fail-rate", "0.3")`: a fresh demo sandbox with those faults."""

    def make(*flags: str):  # noqa: ANN202
        return sandbox_factory(*RATE_LIMIT, *flags)

    return make


@pytest.fixture
def app_on() -> Callable:
    """`app_on(box, label="plus", read_only=False)`: the app on a sandbox, no auto-refresh."""
    from po6_tui.ui.app import Po6App

    def make(box, *, label: str = "plus", read_only: bool = False, **options):  # noqa: ANN001, ANN202
        options.setdefault("refresh_interval", 0)
        return Po6App([account_for(box, label, read_only=read_only)], read_only=read_only, **options)

    return make


class Said:
    """Everything the app said to the operator: status-line reports and notifications."""

    def __init__(self, app) -> None:  # noqa: ANN001
        self.reports: list[tuple[str, str]] = []
        original = app.report

        def report(message: str, severity: str = "information", **kwargs) -> None:
            self.reports.append((message, severity))
            original(message, severity, **kwargs)

        app.report = report
        self.app = app

    @property
    def notifications(self) -> list[str]:
        return [n.message for n in self.app._notifications]

    @property
    def errors(self) -> list[str]:
        return [m for m, severity in self.reports if severity in ("error", "warning")]

    def all_text(self) -> str:
        return "\n".join([m for m, _ in self.reports] + self.notifications)


@pytest.fixture
def said() -> Callable:
    return Said
