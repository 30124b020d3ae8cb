"""The sandbox's SQLite store: schema, the clock, and the queries that need care to stay fast.

One connection, used only from the event-loop thread (the server is single-threaded), in WAL
mode so `admin.read_keys` and other readers never block it. Tool logic lives in `po6.py`.

Emails are addressed internally by an integer `num` (the table's rowid) and exposed as
`em_<num>`: integer keys keep the big indexes and the FTS index small and bulk inserts fast.
Per-folder counters are kept by triggers so `list_emails`/`get_mailbox_stats` never count a
million rows; the FTS5 index (external content) is kept by triggers as well.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from po6_tui.sandbox import admin
from po6_tui.sandbox.postern_store import create_schema as create_postern_schema
from po6_tui.sandbox.transaction import transaction

SYSTEM_FOLDERS = ("INBOX", "Sent", "Drafts", "Trash", "Spam", "Archive")
# Bump when the schema changes in a way `CREATE … IF NOT EXISTS` cannot carry over (triggers, counters),
# or when old databases must not be served. 5: databases of 4 hold the demo keys every install
# shared (seeded dice); demo mode sets them aside (`--replace-outdated`) for one with keys of its own.
SCHEMA_VERSION = admin.SCHEMA_VERSION


class StoreVersionError(RuntimeError):
    """The database was made by another version of the sandbox."""

# Kept apart because the bulk loader drops it for the duration of one load (see `bulk_insert_emails`).
INSERT_TRIGGER = """CREATE TRIGGER IF NOT EXISTS emails_ai AFTER INSERT ON emails BEGIN
    INSERT INTO folder_stats VALUES (new.mailbox_id, new.folder, 1, new.is_read = 0, new.is_starred != 0, new.size)
    ON CONFLICT (mailbox_id, folder) DO UPDATE SET total = total + 1, unread = unread + excluded.unread,
        starred = starred + excluded.starred, bytes = bytes + excluded.bytes;
    INSERT INTO folder_days VALUES (new.mailbox_id, new.folder, new.ts / 86400, 1, new.is_read = 0, new.is_starred != 0)
    ON CONFLICT (mailbox_id, folder, day) DO UPDATE SET total = total + 1, unread = unread + excluded.unread,
        starred = starred + excluded.starred;
    INSERT INTO emails_fts (rowid, subject, from_addr, from_name, body_text, mailbox)
    VALUES (new.num, new.subject, new.from_addr, new.from_name, new.body_text, 'mbx' || hex(new.mailbox_id));
END"""

SCHEMA = f"""
{admin.META_TABLE};
CREATE TABLE IF NOT EXISTS sandbox_keys (
    key TEXT PRIMARY KEY, service TEXT NOT NULL, label TEXT NOT NULL, tenant TEXT NOT NULL,
    plan TEXT NOT NULL, scopes TEXT NOT NULL, mailboxes TEXT, created_at TEXT NOT NULL, expires_at TEXT
);
-- A PO6 key may be limited to some client networks (none listed: any address).
CREATE TABLE IF NOT EXISTS key_networks (
    key TEXT NOT NULL REFERENCES sandbox_keys(key) ON DELETE CASCADE, network TEXT NOT NULL,
    PRIMARY KEY (key, network)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS mailboxes (
    id TEXT PRIMARY KEY, tenant TEXT NOT NULL, address TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name TEXT NOT NULL DEFAULT '', storage_limit_bytes INTEGER NOT NULL, created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS custom_folders (
    mailbox_id TEXT NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE, name TEXT NOT NULL,
    PRIMARY KEY (mailbox_id, name)
) WITHOUT ROWID;
-- Summary columns first, bodies last: listing a page never reads a body's overflow pages.
CREATE TABLE IF NOT EXISTS emails (
    num INTEGER PRIMARY KEY,
    mailbox_id TEXT NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
    folder TEXT NOT NULL,
    ts INTEGER NOT NULL,
    from_addr TEXT NOT NULL DEFAULT '',
    from_name TEXT NOT NULL DEFAULT '',
    to_addrs TEXT NOT NULL DEFAULT '[]',
    subject TEXT NOT NULL DEFAULT '',
    snippet TEXT NOT NULL DEFAULT '',
    is_read INTEGER NOT NULL DEFAULT 0,
    is_starred INTEGER NOT NULL DEFAULT 0,
    has_attachments INTEGER NOT NULL DEFAULT 0,
    size INTEGER NOT NULL DEFAULT 0,
    cc_addrs TEXT NOT NULL DEFAULT '[]',
    reply_to TEXT,
    message_id TEXT,
    in_reply_to TEXT,
    headers TEXT NOT NULL DEFAULT '[]',
    attachments TEXT NOT NULL DEFAULT '[]',
    body_text TEXT NOT NULL DEFAULT '',
    body_html TEXT
);
CREATE INDEX IF NOT EXISTS emails_by_folder ON emails (mailbox_id, folder, ts DESC, num DESC);
-- The "unread only" and "starred only" views page through these instead of the whole folder.
CREATE INDEX IF NOT EXISTS emails_unread ON emails (mailbox_id, folder, ts DESC, num DESC) WHERE is_read = 0;
CREATE INDEX IF NOT EXISTS emails_starred ON emails (mailbox_id, folder, ts DESC, num DESC) WHERE is_starred != 0;
-- Messages (all, unread, starred) per folder per day (by `ts`): lets a deep page start at the
-- right day instead of stepping over hundreds of thousands of index entries (see `page_folder`).
CREATE TABLE IF NOT EXISTS folder_days (
    mailbox_id TEXT NOT NULL, folder TEXT NOT NULL, day INTEGER NOT NULL,
    total INTEGER NOT NULL, unread INTEGER NOT NULL, starred INTEGER NOT NULL,
    PRIMARY KEY (mailbox_id, folder, day)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS folder_stats (
    mailbox_id TEXT NOT NULL, folder TEXT NOT NULL,
    total INTEGER NOT NULL, unread INTEGER NOT NULL, starred INTEGER NOT NULL, bytes INTEGER NOT NULL,
    PRIMARY KEY (mailbox_id, folder)
) WITHOUT ROWID;
-- `mailbox` holds one token per message naming its mailbox ('mbx' + hex of the id, so no
-- tokenizer can split it): a search limited to some mailboxes intersects posting lists instead
-- of walking every match of a common word in a huge mailbox the key cannot see. Only ever
-- written by the triggers and the bulk loader; never read back from `emails`.
CREATE VIRTUAL TABLE IF NOT EXISTS emails_fts USING fts5 (
    subject, from_addr, from_name, body_text, mailbox, content='emails', content_rowid='num',
    tokenize='unicode61 remove_diacritics 2'
);
{INSERT_TRIGGER};
CREATE TRIGGER IF NOT EXISTS emails_ad AFTER DELETE ON emails BEGIN
    UPDATE folder_stats SET total = total - 1, unread = unread - (old.is_read = 0),
        starred = starred - (old.is_starred != 0), bytes = bytes - old.size
    WHERE mailbox_id = old.mailbox_id AND folder = old.folder;
    UPDATE folder_days SET total = total - 1, unread = unread - (old.is_read = 0),
        starred = starred - (old.is_starred != 0)
    WHERE mailbox_id = old.mailbox_id AND folder = old.folder AND day = old.ts / 86400;
    INSERT INTO emails_fts (emails_fts, rowid, subject, from_addr, from_name, body_text, mailbox)
    VALUES ('delete', old.num, old.subject, old.from_addr, old.from_name, old.body_text, 'mbx' || hex(old.mailbox_id));
END;
CREATE TRIGGER IF NOT EXISTS emails_au AFTER UPDATE OF folder, is_read, is_starred ON emails BEGIN
    UPDATE folder_stats SET total = total - 1, unread = unread - (old.is_read = 0),
        starred = starred - (old.is_starred != 0), bytes = bytes - old.size
    WHERE mailbox_id = old.mailbox_id AND folder = old.folder;
    INSERT INTO folder_stats VALUES (new.mailbox_id, new.folder, 1, new.is_read = 0, new.is_starred != 0, new.size)
    ON CONFLICT (mailbox_id, folder) DO UPDATE SET total = total + 1, unread = unread + excluded.unread,
        starred = starred + excluded.starred, bytes = bytes + excluded.bytes;
    UPDATE folder_days SET total = total - 1, unread = unread - (old.is_read = 0),
        starred = starred - (old.is_starred != 0)
    WHERE mailbox_id = old.mailbox_id AND folder = old.folder AND day = old.ts / 86400;
    INSERT INTO folder_days VALUES (new.mailbox_id, new.folder, new.ts / 86400, 1, new.is_read = 0, new.is_starred != 0)
    ON CONFLICT (mailbox_id, folder, day) DO UPDATE SET total = total + 1, unread = unread + excluded.unread,
        starred = starred + excluded.starred;
END;
CREATE TABLE IF NOT EXISTS drafts (
    id TEXT PRIMARY KEY, mailbox_id TEXT NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
    to_addrs TEXT NOT NULL, cc_addrs TEXT NOT NULL DEFAULT '[]', subject TEXT NOT NULL,
    body_text TEXT NOT NULL, body_html TEXT, status TEXT NOT NULL,
    created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, created_via TEXT NOT NULL,
    api_key TEXT, decided_at INTEGER, reject_reason TEXT, sent_id TEXT
);
CREATE INDEX IF NOT EXISTS drafts_by_status ON drafts (status, expires_at);
CREATE TABLE IF NOT EXISTS sent (
    id TEXT PRIMARY KEY, mailbox_id TEXT NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
    to_addrs TEXT NOT NULL, cc_addrs TEXT NOT NULL DEFAULT '[]', bcc_addrs TEXT NOT NULL DEFAULT '[]',
    subject TEXT NOT NULL, body_text TEXT NOT NULL, body_html TEXT, sent_at INTEGER NOT NULL,
    delivery_status TEXT NOT NULL, sent_via TEXT NOT NULL, api_key TEXT, kind TEXT NOT NULL DEFAULT 'compose'
);
CREATE INDEX IF NOT EXISTS sent_by_mailbox ON sent (mailbox_id, sent_at DESC);
CREATE INDEX IF NOT EXISTS sent_by_key ON sent (api_key, sent_at);
CREATE TABLE IF NOT EXISTS email_lists (id TEXT PRIMARY KEY, tenant TEXT NOT NULL, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS contacts (
    list_id TEXT NOT NULL REFERENCES email_lists(id) ON DELETE CASCADE, email TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '', company TEXT NOT NULL DEFAULT '', status TEXT NOT NULL,
    PRIMARY KEY (list_id, email)
);
CREATE TABLE IF NOT EXISTS templates (
    id TEXT PRIMARY KEY, tenant TEXT NOT NULL, name TEXT NOT NULL, subject TEXT NOT NULL,
    body_text TEXT NOT NULL, body_html TEXT, variables TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS domains (
    id TEXT PRIMARY KEY, tenant TEXT NOT NULL, domain TEXT NOT NULL UNIQUE COLLATE NOCASE,
    verification_status TEXT NOT NULL, plan TEXT NOT NULL, max_aliases INTEGER NOT NULL,
    mx_records TEXT NOT NULL, catchall_enabled INTEGER NOT NULL DEFAULT 0, catchall_forward_to TEXT,
    catchall_verification_status TEXT
);
CREATE TABLE IF NOT EXISTS aliases (
    id TEXT PRIMARY KEY, tenant TEXT NOT NULL, address TEXT NOT NULL UNIQUE COLLATE NOCASE,
    domain_id TEXT REFERENCES domains(id) ON DELETE CASCADE, forward_to TEXT, plan TEXT NOT NULL,
    is_active INTEGER NOT NULL, plus_addressing INTEGER NOT NULL, verification_status TEXT NOT NULL,
    url_redirect TEXT
);
CREATE TABLE IF NOT EXISTS page_templates (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, category TEXT NOT NULL, description TEXT NOT NULL,
    config TEXT NOT NULL, default_content TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS pages (
    id TEXT PRIMARY KEY, tenant TEXT NOT NULL, title TEXT NOT NULL, slug TEXT NOT NULL, status TEXT NOT NULL,
    template_id TEXT NOT NULL, config TEXT NOT NULL, seo TEXT NOT NULL, alias_id TEXT, domain TEXT,
    created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, published_at INTEGER
);
CREATE TABLE IF NOT EXISTS page_daily (
    page_id TEXT NOT NULL REFERENCES pages(id) ON DELETE CASCADE, day TEXT NOT NULL,
    views INTEGER NOT NULL, unique_visitors INTEGER NOT NULL, leads INTEGER NOT NULL,
    PRIMARY KEY (page_id, day)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS leads (
    id TEXT PRIMARY KEY, page_id TEXT NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
    email TEXT NOT NULL, name TEXT NOT NULL DEFAULT '', submitted_at INTEGER NOT NULL, source TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS leads_by_page ON leads (page_id, submitted_at DESC);
CREATE TABLE IF NOT EXISTS confirmations (
    token TEXT PRIMARY KEY, api_key TEXT NOT NULL, tool TEXT NOT NULL, target TEXT NOT NULL,
    expires_at REAL NOT NULL
);
"""


def email_id(num: int) -> str:
    return f"em_{num}"


def email_num(email_id_: str) -> int | None:
    """The internal number of an `em_<n>` id, or None for anything else (which is 'not found')."""
    if isinstance(email_id_, str) and email_id_.startswith("em_") and email_id_[3:].isdigit():
        return int(email_id_[3:])
    return None


def iso(ts: float | None) -> str | None:
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def jdump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class Store:
    def __init__(self, path: str | Path):
        self.path = admin.private_database(path)
        self.conn = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None, timeout=10)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = NORMAL")
        self.conn.execute("PRAGMA foreign_keys = ON")
        self.conn.execute("PRAGMA cache_size = -65536")  # 64 MiB: the 1M-message indexes stay hot
        self.conn.executescript(SCHEMA)
        self._check_version()
        create_postern_schema(self.conn)  # the Postern tables share this file

    def close(self) -> None:
        self.conn.close()

    def _check_version(self) -> None:
        version = self.meta("schema_version")
        if version is None and self.scalar("SELECT count(*) FROM mailboxes") == 0:
            self.set_meta("schema_version", SCHEMA_VERSION)
        elif version != SCHEMA_VERSION:
            self.conn.close()
            raise StoreVersionError(f"{self.path} was made by another version of the sandbox (schema "
                                    f"{version or 1}, this one uses {SCHEMA_VERSION}); delete it or use another --db")

    # -- the clock ------------------------------------------------------------------------
    def timestamp(self) -> float:
        """Sandbox time: real time plus the offset tests set with `admin.advance_clock`.

        The offset is re-read every time (a primary-key lookup, microseconds) so a change made
        by another process applies to the very next call.
        """
        return time.time() + admin.clock_offset(self.conn)

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.timestamp(), UTC)

    # -- small helpers ----------------------------------------------------------------------
    def one(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        return self.conn.execute(sql, params).fetchone()

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, params).fetchall()

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.conn.execute(sql, params).fetchone()
        return row[0] if row else None

    def update(self, table: str, id_: str, changes: dict[str, Any]) -> None:
        """`UPDATE table SET …changes WHERE id = id_` (column names come from our code, never a caller)."""
        if changes:
            assignments = ", ".join(f"{column} = ?" for column in changes)
            self.conn.execute(f"UPDATE {table} SET {assignments} WHERE id = ?", (*changes.values(), id_))

    def transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        return transaction(self.conn)

    def is_empty(self) -> bool:
        return self.scalar("SELECT count(*) FROM sandbox_keys") == 0

    def meta(self, key: str) -> str | None:
        return self.scalar("SELECT value FROM sandbox_meta WHERE key = ?", (key,))

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute(
            "INSERT INTO sandbox_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    # -- keys -------------------------------------------------------------------------------
    def key_record(self, key: str) -> dict | None:
        row = self.one("SELECT * FROM sandbox_keys WHERE key = ?", (key,))
        if row is None:
            return None
        record = dict(row)
        record["scopes"] = json.loads(record["scopes"])
        record["mailboxes"] = json.loads(record["mailboxes"]) if record["mailboxes"] else None
        return record

    def add_key(self, key: str, *, service: str, label: str, tenant: str, plan: str,
                scopes: Iterable[str], mailboxes: list[str] | None = None, expires_at: str | None = None) -> None:
        self.conn.execute(
            "INSERT INTO sandbox_keys VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (key, service, label, tenant, plan, jdump(list(scopes)), jdump(mailboxes) if mailboxes else None,
             iso(self.timestamp()), expires_at),
        )

    def key_networks(self, key: str) -> list[str]:
        return [row[0] for row in self.all("SELECT network FROM key_networks WHERE key = ?", (key,))]

    # -- emails -----------------------------------------------------------------------------
    EMAIL_COLUMNS = ("mailbox_id", "folder", "ts", "from_addr", "from_name", "to_addrs", "subject", "snippet",
                     "is_read", "is_starred", "has_attachments", "size", "cc_addrs", "reply_to", "message_id",
                     "in_reply_to", "headers", "attachments", "body_text", "body_html")

    def insert_emails(self, rows: Iterable[Sequence[Any]]) -> None:
        """Bulk insert rows in `EMAIL_COLUMNS` order (the caller owns the transaction)."""
        columns = ", ".join(self.EMAIL_COLUMNS)
        marks = ", ".join("?" * len(self.EMAIL_COLUMNS))
        self.conn.executemany(f"INSERT INTO emails ({columns}) VALUES ({marks})", rows)

    def bulk_insert_emails(self, chunks: Iterable[Iterable[Sequence[Any]]]) -> None:
        """Load many rows at once: per-row triggers cost 3x the insert itself, so drop the insert
        trigger, load, then index the new rows and add up their counters, one statement each.

        Runs in one transaction; the trigger comes back even if the load fails (DDL rolls back).
        """
        with self.transaction():
            first = (self.scalar("SELECT max(num) FROM emails") or 0) + 1
            self.conn.execute("DROP TRIGGER emails_ai")
            for rows in chunks:
                self.insert_emails(rows)
            self.conn.execute(
                "INSERT INTO emails_fts (rowid, subject, from_addr, from_name, body_text, mailbox) "
                "SELECT num, subject, from_addr, from_name, body_text, 'mbx' || hex(mailbox_id) FROM emails "
                "WHERE num >= ?", (first,))
            self.conn.execute(
                "INSERT INTO folder_stats SELECT mailbox_id, folder, count(*), sum(is_read = 0), sum(is_starred != 0), "
                "sum(size) FROM emails WHERE num >= ? GROUP BY mailbox_id, folder "
                "ON CONFLICT (mailbox_id, folder) DO UPDATE SET total = total + excluded.total, "
                "unread = unread + excluded.unread, starred = starred + excluded.starred, bytes = bytes + excluded.bytes",
                (first,))
            self.conn.execute(
                "INSERT INTO folder_days SELECT mailbox_id, folder, ts / 86400, count(*), sum(is_read = 0), "
                "sum(is_starred != 0) FROM emails WHERE num >= ? GROUP BY mailbox_id, folder, ts / 86400 "
                "ON CONFLICT (mailbox_id, folder, day) DO UPDATE SET total = total + excluded.total, "
                "unread = unread + excluded.unread, starred = starred + excluded.starred", (first,))
            self.conn.execute(INSERT_TRIGGER)

    def insert_email(self, **values: Any) -> int:
        columns = ", ".join(values)
        marks = ", ".join("?" * len(values))
        cur = self.conn.execute(f"INSERT INTO emails ({columns}) VALUES ({marks})", tuple(values.values()))
        return int(cur.lastrowid)

    def folder_stats(self, mailbox_id: str) -> dict[str, sqlite3.Row]:
        return {row["folder"]: row for row in self.all("SELECT * FROM folder_stats WHERE mailbox_id = ?", (mailbox_id,))}

    SUMMARY = ("num, mailbox_id, folder, ts, from_addr, from_name, to_addrs, subject, snippet, "
               "is_read, is_starred, has_attachments, size")

    # The views `page_folder` serves: its day counter, and the condition that selects the index.
    VIEWS = {"all": ("total", ""), "unread": ("unread", " AND is_read = 0"), "starred": ("starred", " AND is_starred != 0")}

    def page_folder(self, mailbox_id: str, folder: str, limit: int, offset: int, view: str = "all") -> list[sqlite3.Row]:
        """One page of a folder (or of its unread or starred mail), newest first, in about the same
        time at any depth.

        OFFSET steps over index entries one by one (~40 ms per 500k), so the day counters first
        find the day holding row `offset`; the index walk then starts at the end of that day and
        skips only rows within it. Only the page's rows are read from the table.
        """
        counter, condition = self.VIEWS[view]
        anchor = self.one(
            f"SELECT day, running - n AS before FROM (SELECT day, {counter} AS n, sum({counter}) OVER "
            "(ORDER BY day DESC) AS running FROM folder_days WHERE mailbox_id = ? AND folder = ?) "
            "WHERE running > ? ORDER BY day DESC LIMIT 1", (mailbox_id, folder, offset))
        if anchor is None:
            return []
        inner = (f"SELECT num FROM emails WHERE mailbox_id = ? AND folder = ? AND ts < ?{condition} "
                 "ORDER BY ts DESC, num DESC LIMIT ? OFFSET ?")
        params = (mailbox_id, folder, (anchor["day"] + 1) * 86400, limit, offset - anchor["before"])
        return self.all(f"SELECT {self.SUMMARY} FROM emails WHERE num IN ({inner}) ORDER BY ts DESC, num DESC", params)

    def page_filtered(self, where: str, params: Sequence[Any], limit: int, offset: int) -> tuple[list[sqlite3.Row], int]:
        """A page of `WHERE where`, newest first, and how many match (counted: O(matches))."""
        total = self.scalar(f"SELECT count(*) FROM emails WHERE {where}", params)
        rows = self.all(
            f"SELECT {self.SUMMARY} FROM emails WHERE num IN (SELECT num FROM emails WHERE {where} "
            "ORDER BY ts DESC, num DESC LIMIT ? OFFSET ?) ORDER BY ts DESC, num DESC",
            (*params, limit, offset),
        )
        return rows, total

    def search(self, words: Sequence[str], mailbox_ids: Sequence[str], limit: int,
               count_cap: int) -> tuple[list[sqlite3.Row], int]:
        """Messages in these mailboxes containing every word, newest arrival first.

        FTS5 walks its matches backwards by rowid (= arrival order) for free, so LIMIT stops it
        early. Counting stops at `count_cap`, so a common word over a million messages stays cheap.
        """
        # Every word is quoted: the caller's text is data, never FTS5 syntax.
        quoted = " ".join('"' + word.replace('"', '""') + '"' for word in words)
        mailboxes = " OR ".join(f'"{mailbox_token(m)}"' for m in mailbox_ids)
        match = f"{{subject from_addr from_name body_text}} : ({quoted}) AND mailbox : ({mailboxes})"
        matching = "SELECT rowid FROM emails_fts WHERE emails_fts MATCH ? ORDER BY rowid DESC"
        rows = self.all(f"SELECT {self.SUMMARY} FROM emails WHERE num IN ({matching} LIMIT ?) ORDER BY num DESC",
                        (match, limit))
        if len(rows) < limit:
            return rows, len(rows)
        return rows, self.scalar(f"SELECT count(*) FROM ({matching} LIMIT ?)", (match, count_cap))


def mailbox_token(mailbox_id: str) -> str:
    """The FTS token of a mailbox, as the triggers write it: 'mbx' || hex(mailbox_id)."""
    return "mbx" + mailbox_id.encode().hex().upper()
