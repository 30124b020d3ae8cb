"""The local decision journal for PO6 drafts, and the store of unfinished edits.

Why it exists: PO6 has no tool that approves or rejects a draft (API.md 1.4, 1.7). Where the
server offers none, po6-tui sends an approved draft with `compose_email` and writes the decision
here, so the draft leaves the review queue although PO6 keeps it pending until it expires.

Unfinished edits (of a draft, or of a message being composed, replied to or forwarded) are
written here as the operator types, so a crash, a killed terminal or a dropped SSH session
loses nothing: reopening the same draft or reply offers the edit back.

One SQLite file under the user data dir, created 0600 (it holds message bodies). Standard
library only (plus platformdirs); never imports textual.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from platformdirs import user_data_path

from po6_tui import APP_NAME


APPROVED = "approved"
REJECTED = "rejected"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS decisions (
    account    TEXT NOT NULL,
    draft_id   TEXT NOT NULL,
    decision   TEXT NOT NULL,          -- approved or rejected
    decided_at TEXT NOT NULL,          -- ISO 8601 UTC, local clock
    mailbox_id TEXT,
    subject    TEXT,
    sent_id    TEXT,                   -- the compose_email result, for an approval
    reason     TEXT,                   -- the operator's reason, for a rejection
    PRIMARY KEY (account, draft_id)
);
CREATE TABLE IF NOT EXISTS sends (
    account TEXT NOT NULL,
    sent_id TEXT NOT NULL,             -- the sent log's id of a message sent or approved from this app
    what    TEXT NOT NULL,             -- "approved" (an agent's draft) or "composed" (the operator's own)
    sent_at TEXT NOT NULL,
    PRIMARY KEY (account, sent_id)
);
CREATE TABLE IF NOT EXISTS edits (
    account  TEXT NOT NULL,
    key      TEXT NOT NULL,            -- a draft id, or "reply:<email id>", "compose:<mailbox id>", …
    to_text  TEXT NOT NULL,
    cc_text  TEXT NOT NULL,
    subject  TEXT NOT NULL,
    body     TEXT NOT NULL,
    saved_at TEXT NOT NULL,
    PRIMARY KEY (account, key)
);
"""


def default_path() -> Path:
    return user_data_path(APP_NAME) / "journal.db"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Decision:
    draft_id: str
    decision: str
    decided_at: str
    mailbox_id: str | None = None
    subject: str | None = None
    sent_id: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class SavedEdit:
    """What the operator typed, kept as typed (addresses as text: a half-typed address is kept too)."""

    to_text: str
    cc_text: str
    subject: str
    body: str
    saved_at: str = ""


class Journal:
    """Open with `Journal.default()` (the user data dir) or `Journal(path)`."""

    _opened: dict[Path, Journal] = {}
    _opened_lock = threading.Lock()

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path else default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.path.exists():
            # Created private before SQLite writes a byte: it will hold message bodies.
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
        self._conn = sqlite3.connect(self.path, timeout=5, check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable across an app crash
        self._conn.executescript(_SCHEMA)
        self._lock = threading.Lock()

    @classmethod
    def default(cls) -> Journal:
        """The journal in the current user data dir (one connection per path per process)."""
        path = default_path()
        with cls._opened_lock:
            journal = cls._opened.get(path)
            if journal is None:
                journal = cls._opened[path] = cls(path)
            return journal

    def close(self) -> None:
        self._conn.close()

    def _execute(self, sql: str, params: tuple = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    # -- decisions ----------------------------------------------------------------------
    def record_decision(self, account: str, draft_id: str, decision: str, *, mailbox_id: str | None = None,
                        subject: str | None = None, sent_id: str | None = None, reason: str | None = None) -> None:
        if decision not in (APPROVED, REJECTED):
            raise ValueError(f"unknown decision {decision!r}")
        self._execute(
            "INSERT OR REPLACE INTO decisions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (account, draft_id, decision, _now(), mailbox_id, subject, sent_id, reason))

    def decisions(self, account: str) -> dict[str, Decision]:
        rows = self._execute("SELECT * FROM decisions WHERE account = ?", (account,))
        return {row["draft_id"]: Decision(row["draft_id"], row["decision"], row["decided_at"], row["mailbox_id"],
                                          row["subject"], row["sent_id"], row["reason"]) for row in rows}

    # -- what the operator sent -----------------------------------------------------------
    def record_send(self, account: str, sent_id: str | None, what: str) -> None:
        """A message sent or approved from this app (so the sent log can say who sent it)."""
        if sent_id:
            self._execute("INSERT OR REPLACE INTO sends VALUES (?, ?, ?, ?)", (account, sent_id, what, _now()))

    def sends(self, account: str) -> dict[str, str]:
        """sent id → "approved" or "composed", for the messages this app sent for `account`."""
        rows = self._execute("SELECT sent_id, what FROM sends WHERE account = ?", (account,))
        return {row["sent_id"]: row["what"] for row in rows}

    # -- unfinished edits ---------------------------------------------------------------
    def save_edit(self, account: str, key: str, edit: SavedEdit) -> None:
        self._execute("INSERT OR REPLACE INTO edits VALUES (?, ?, ?, ?, ?, ?, ?)",
                      (account, key, edit.to_text, edit.cc_text, edit.subject, edit.body, _now()))

    def load_edit(self, account: str, key: str) -> SavedEdit | None:
        rows = self._execute("SELECT * FROM edits WHERE account = ? AND key = ?", (account, key))
        if not rows:
            return None
        row = rows[0]
        return SavedEdit(row["to_text"], row["cc_text"], row["subject"], row["body"], row["saved_at"])

    def drop_edit(self, account: str, key: str) -> None:
        self._execute("DELETE FROM edits WHERE account = ? AND key = ?", (account, key))

    def all_edits(self) -> list[tuple[str, str, SavedEdit]]:
        """Every unfinished edit as (account, key, edit), the newest first (`:postponed`)."""
        rows = self._execute("SELECT * FROM edits ORDER BY saved_at DESC, rowid DESC")  # a second holds many
        return [(row["account"], row["key"],
                 SavedEdit(row["to_text"], row["cc_text"], row["subject"], row["body"], row["saved_at"]))
                for row in rows]

    def edit_keys(self, account: str) -> set[str]:
        return {row["key"] for row in self._execute("SELECT key FROM edits WHERE account = ?", (account,))}
