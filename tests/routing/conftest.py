"""The routing and pages tests run on the UI tests' frozen sandboxes and app fixture
(tests/ui/conftest.py), imported here rather than copied."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

UI_TESTS = Path(__file__).resolve().parent.parent / "ui"
if str(UI_TESTS) not in sys.path:
    sys.path.insert(0, str(UI_TESTS))  # for `uihelpers`, as tests/ui imports it

_spec = importlib.util.spec_from_file_location("ui_tests_conftest", UI_TESTS / "conftest.py")
_ui = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_ui)

_frozen_today = _ui._frozen_today
ui_sandbox = _ui.ui_sandbox
ui_fresh_sandbox = _ui.ui_fresh_sandbox
make_app = _ui.make_app

from uihelpers import UiSandbox, start_frozen_sandbox  # noqa: E402 (needs the path above)


@pytest.fixture(scope="session")
def routing_box(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UiSandbox]:
    """A sandbox these tests write to, one per worker (starting one per test costs seconds).
    Each test changes only objects that no other test looks at (its own alias, domain or page)."""
    box = start_frozen_sandbox(tmp_path_factory.mktemp("routing-sandbox"))
    yield box
    box.stop()
