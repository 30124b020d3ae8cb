"""The sandbox database holds keys, mail and drafts: readable by its owner only (issue 16, item 10)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from po6_tui.sandbox import admin
from po6_tui.sandbox.process import SandboxProcess


@pytest.fixture
def loose_umask() -> Iterator[None]:
    """The common umask 022, under which files come out world-readable unless made otherwise."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_sandbox_database_its_wal_and_shm_and_the_folders_it_made_are_private(tmp_path, loose_umask):
    db = tmp_path / "made" / "by-the-sandbox" / "sandbox.db"
    process = SandboxProcess(db=db, seed="demo")
    url = process.start()
    try:
        key = next(k["key"] for k in admin.read_keys(db) if k["label"] == "postern-agent")
        assert httpx.get(url + "/v1/inboxes", headers={"Authorization": f"Bearer {key}"}).status_code == 200
        files = [db, Path(f"{db}-wal"), Path(f"{db}-shm")]
        assert all(path.exists() for path in files)
        assert {path.name: oct(mode(path)) for path in files} == {path.name: "0o600" for path in files}
        assert oct(mode(db.parent)) == oct(mode(db.parent.parent)) == "0o700"
    finally:
        process.stop()


def test_a_database_made_before_the_rule_is_made_private_when_opened(tmp_path, loose_umask):
    db = tmp_path / "old.db"
    first = SandboxProcess(db=db, seed="demo")
    first.start()
    first.stop()
    for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        path.touch(exist_ok=True)  # SQLite takes an empty -wal or -shm as a fresh one
        os.chmod(path, 0o644)
    os.chmod(tmp_path, 0o755)
    again = SandboxProcess(db=db, seed="demo")
    again.start()
    try:
        for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
            assert oct(mode(path)) == "0o600", path.name
        assert oct(mode(tmp_path)) == "0o755"  # it did not create that folder: left as it was
    finally:
        again.stop()


def test_the_clock_helper_makes_a_private_file_too(tmp_path, loose_umask):
    db = tmp_path / "new-folder" / "clock.db"
    admin.advance_clock(db, 5)
    assert oct(mode(db)) == "0o600" and oct(mode(db.parent)) == "0o700"
