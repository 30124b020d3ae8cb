"""Fixtures for the drafts, compose and sent tests.

The UI fixtures (frozen clock, `ui_sandbox`, `make_app`) come from tests/ui_fixtures.py, not
copied. Starting a sandbox costs seconds, so the tests that write share two sandboxes per worker
(one with the draft-decision tools, one `--strict`; started one after the other, since a
sandbox child dies with the thread that started it) and each test creates the drafts it acts
on, with a subject of its own; the snapshots use the read-only `ui_sandbox`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from uihelpers import UiSandbox, start_frozen_sandbox


@pytest.fixture(scope="session")
def tools_box(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UiSandbox]:
    """A sandbox with approve/update/reject_draft, written to by the tests of this worker."""
    box = start_frozen_sandbox(tmp_path_factory.mktemp("drafts-tools"))
    yield box
    box.stop()


@pytest.fixture(scope="session")
def strict_box(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UiSandbox]:
    """A sandbox serving exactly PO6's 39 tools (no draft decisions), written to by the tests."""
    box = start_frozen_sandbox(tmp_path_factory.mktemp("drafts-strict"), strict=True)
    yield box
    box.stop()


@pytest.fixture
def unique() -> str:
    """A word no other test uses, for subjects."""
    return uuid.uuid4().hex[:8]
