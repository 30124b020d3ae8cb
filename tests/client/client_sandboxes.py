"""Sandboxes for the client tests with PO6's 60 requests a minute lifted (see conftest.py)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from po6_tui.sandbox import admin
from po6_tui.sandbox.process import SandboxProcess


@dataclass
class RoomySandbox:
    url: str
    db: Path

    @property
    def mcp_url(self) -> str:
        return self.url + "/mcp"

    def key(self, label: str) -> str:
        return next(r["key"] for r in admin.read_keys(self.db) if r["label"] == label)


def start_roomy(directory: Path) -> tuple[SandboxProcess, RoomySandbox]:
    process = SandboxProcess(db=directory / "sandbox.db", extra_args=["--rate-limit", "100000"])
    url = process.start()
    return process, RoomySandbox(url, process.db)
