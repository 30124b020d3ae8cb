"""Shared fixtures: real sandbox servers on free loopback ports, reached over real HTTP.

`sandbox` is shared by every test of a worker and must only be read from (or written to in
ways other tests cannot see, e.g. on a mailbox no other test reads). Tests that change
shared state take `fresh_sandbox`, which is theirs alone.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from po6_tui.sandbox import admin
from po6_tui.sandbox.process import SandboxProcess

# The app fixtures (frozen-clock sandboxes, `make_app`): tests/ui_fixtures.py.
pytest_plugins = ["ui_fixtures"]


@dataclass
class Sandbox:
    url: str
    db: Path
    process: SandboxProcess

    @property
    def mcp_url(self) -> str:
        return self.url + "/mcp"

    def keys(self) -> list[dict]:
        return admin.read_keys(self.db)

    def key(self, label: str) -> str:
        """The API key seeded under `label` (see `po6-tui sandbox keys`)."""
        for record in self.keys():
            if record["label"] == label:
                return record["key"]
        raise KeyError(f"no sandbox key labelled {label!r}")

    def advance_clock(self, seconds: float) -> None:
        admin.advance_clock(self.db, seconds)


def start_sandbox(tmp_dir: Path, *extra: str, seed: str = "demo", strict: bool = False) -> Sandbox:
    proc = SandboxProcess(db=tmp_dir / "sandbox.db", seed=seed, strict=strict, extra_args=list(extra))
    url = proc.start()
    return Sandbox(url=url, db=proc.db, process=proc)


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never read or write the developer's real config, secrets, journals or audit log."""
    home = tmp_path_factory.mktemp("home")
    for var, sub in (("XDG_CONFIG_HOME", "config"), ("XDG_DATA_HOME", "data"),
                     ("XDG_STATE_HOME", "state"), ("XDG_CACHE_HOME", "cache")):
        monkeypatch.setenv(var, str(home / sub))
    for var in ("PO6_API_KEY", "PO6_MCP_URL", "POSTERN_API_KEY", "POSTERN_API_BASE_URL", "EDITOR", "VISUAL"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    box = start_sandbox(tmp_path_factory.mktemp("shared-sandbox"))
    yield box
    box.process.stop()


@pytest.fixture
def fresh_sandbox(tmp_path: Path) -> Iterator[Sandbox]:
    box = start_sandbox(tmp_path)
    yield box
    box.process.stop()


@pytest.fixture
def sandbox_factory(tmp_path: Path) -> Iterator:
    """Start sandboxes with custom flags: `sandbox_factory("--strict")`, faults, seeds."""
    started: list[Sandbox] = []

    def make(*extra: str, seed: str = "demo", strict: bool = False) -> Sandbox:
        box = start_sandbox(tmp_path / f"box{len(started)}", *extra, seed=seed, strict=strict)
        started.append(box)
        return box

    yield make
    for box in started:
        box.process.stop()


os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
