"""Fixtures for the PO6 sandbox tests: one sandbox per test module, SDK client sessions by key label.

Each module gets its own sandbox (started with a high rate limit) so modules can change data
without seeing each other; tests inside a module only assert on objects they created or on
seeded objects no other test in the module changes.

Sessions are opened inside the test (`async with session("plus") as po6:`), not in fixtures:
the SDK client's task groups must be entered and left by the same task.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from po6_mcp import Box, connect, start_box


@pytest.fixture(scope="module")
def box(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Box]:
    started = start_box(tmp_path_factory.mktemp("po6-box"))
    yield started
    started.process.stop()


@pytest.fixture
def session(box: Box):
    """`async with session("plus") as po6:` (or `session(label, on=other_box)`)."""

    def open_session(label: str, on: Box | None = None):
        target = on or box
        return connect(target.url, target.key(label))

    return open_session
