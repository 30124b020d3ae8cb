"""Fixtures for the PO6 sandbox tests: a shared sandbox, SDK client sessions by key label.

`box` is one sandbox per test process (started with a high rate limit, so one key can make
every call). Tests change data in it, so each test asserts only on objects it created, on
seeded objects no other test changes, or on relations it reads within itself. Tests that
move the clock or need the default limits use their own sandbox (`test_clock.py`,
`test_limits.py`, `start_box`).

Sessions are opened inside the test (`async with session("plus") as po6:`), not in fixtures:
the SDK client's task groups must be entered and left by the same task.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from po6_mcp import Box, connect, start_box


@pytest.fixture(scope="session")
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
