"""Fixtures for the scriptable commands: a sandbox with the rate limit lifted (every command
is a new process with its own handshake), and `po6_tui` run as a person or a script runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator

import pytest

from scripthelpers import Box, start_box


@pytest.fixture(scope="module")
def box(tmp_path_factory) -> Iterator[Box]:
    """Shared by a module's tests: only read from it."""
    started = start_box(tmp_path_factory.mktemp("script-sandbox"))
    yield started
    started.process.stop()


@pytest.fixture
def fresh_box(tmp_path) -> Iterator[Box]:
    started = start_box(tmp_path)
    yield started
    started.process.stop()


@pytest.fixture
def po6_tui() -> Callable[..., subprocess.CompletedProcess]:
    """`po6_tui(*args, env=…, stdin="")`: the command in a subprocess, stdin not a terminal."""

    def run(*args: str, env: dict[str, str] | None = None, stdin: str = "") -> subprocess.CompletedProcess:
        base = {k: v for k, v in os.environ.items() if not k.startswith(("PO6_", "POSTERN_"))}
        return subprocess.run([sys.executable, "-m", "po6_tui", *args], input=stdin, capture_output=True, text=True,
                              timeout=120, env={**base, **(env or {})})

    return run
