"""Fixtures for the scriptable commands: a sandbox with the rate limit lifted (every command
is a new process with its own handshake), and `po6_tui` run as a person or a script runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from po6_tui.sandbox import admin
from po6_tui.sandbox.process import SandboxProcess

RATE_LIMIT = ["--rate-limit", "1000000"]


@dataclass
class Box:
    url: str
    db: Path
    process: SandboxProcess

    def key(self, label: str) -> str:
        return next(k["key"] for k in admin.read_keys(self.db) if k["label"] == label)

    def env(self, po6: str = "plus", postern: str = "postern-agent") -> dict[str, str]:
        return {"PO6_API_KEY": self.key(po6), "PO6_MCP_URL": self.url + "/mcp",
                "POSTERN_API_KEY": self.key(postern), "POSTERN_API_BASE_URL": self.url}


def _start(directory: Path) -> Box:
    process = SandboxProcess(db=directory / "sandbox.db", seed="demo", extra_args=RATE_LIMIT)
    return Box(process.start(), process.db, process)


@pytest.fixture(scope="module")
def box(tmp_path_factory) -> Iterator[Box]:
    """Shared by a module's tests: only read from it."""
    started = _start(tmp_path_factory.mktemp("script-sandbox"))
    yield started
    started.process.stop()


@pytest.fixture
def fresh_box(tmp_path) -> Iterator[Box]:
    started = _start(tmp_path)
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
