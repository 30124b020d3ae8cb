"""Fixtures for the drafts, compose and sent tests.

The UI fixtures (frozen clock, `ui_sandbox`, `make_app`) are those of tests/ui, imported, not
copied. Starting a sandbox costs seconds, so the tests that write share two sandboxes per worker
(one with the draft-decision tools, one `--strict`; started one after the other, since a
sandbox child dies with the thread that started it) and each test creates the drafts it acts
on, with a subject of its own; the snapshots use the read-only `ui_sandbox`.
"""

from __future__ import annotations

import importlib.util
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

UI_TESTS = Path(__file__).resolve().parents[1] / "ui"
sys.path.insert(0, str(UI_TESTS))

from uihelpers import RATE_LIMIT, SEEDED_AT, UiSandbox  # noqa: E402

from po6_tui.sandbox import admin  # noqa: E402
from po6_tui.sandbox.process import SandboxProcess  # noqa: E402

_spec = importlib.util.spec_from_file_location("ui_test_fixtures", UI_TESTS / "conftest.py")
_ui = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_ui)
_frozen_today = _ui._frozen_today
ui_sandbox = _ui.ui_sandbox
make_app = _ui.make_app


def _start(directory: Path, *, strict: bool) -> UiSandbox:
    """A demo sandbox with its clock at SEEDED_AT when it seeds (like uihelpers.start_frozen_sandbox)."""
    db = directory / "sandbox.db"
    admin.advance_clock(db, SEEDED_AT.timestamp() - time.time())
    process = SandboxProcess(db=db, seed="demo", strict=strict, extra_args=RATE_LIMIT)
    return UiSandbox(process.start(), db, process)


@pytest.fixture(scope="session")
def tools_box(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UiSandbox]:
    """A sandbox with approve/update/reject_draft, written to by the tests of this worker."""
    box = _start(tmp_path_factory.mktemp("drafts-tools"), strict=False)
    yield box
    box.stop()


@pytest.fixture(scope="session")
def strict_box(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UiSandbox]:
    """A sandbox serving exactly PO6's 39 tools (no draft decisions), written to by the tests."""
    box = _start(tmp_path_factory.mktemp("drafts-strict"), strict=True)
    yield box
    box.stop()


@pytest.fixture
def unique() -> str:
    """A word no other test uses, for subjects."""
    return uuid.uuid4().hex[:8]
