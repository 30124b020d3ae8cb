"""Stdlib-only helpers on a sandbox database, for tests, scripts and `po6-tui sandbox keys|clock`.

They open the SQLite file directly instead of importing the server stack, so they stay fast
and safe to call from the app and from test fixtures while a server is running on that file.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

# The database layout this sandbox makes and reads (store.py); here, so the app can tell whether
# the demo database is current without importing the store.
SCHEMA_VERSION = "5"

# The sandbox clock: `now()` = real UTC + this offset (seconds), read by the server per request.
CLOCK_OFFSET = "clock_offset"
META_TABLE = "CREATE TABLE IF NOT EXISTS sandbox_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"


def default_db() -> Path:
    """The demo database: the one `po6-tui` with no account runs on, and the sandbox commands' default."""
    # deferred: only callers that need the default path pay for platformdirs (admin stays stdlib-only)
    from platformdirs import user_data_path

    from po6_tui import APP_NAME  # deferred: (see above)

    return user_data_path(APP_NAME) / "sandbox.db"


def private_database(db_path: str | Path) -> Path:
    """Make `db_path` ready to open, readable by its owner only: the folders it creates are 0700,
    the file and its -wal and -shm companions 0600 (SQLite gives new companions the file's mode).

    The database holds the API keys, mail and drafts; other users of the machine must not read it.
    """
    path = Path(db_path)
    missing = [folder for folder in (path.parent, *path.parent.parents) if not folder.exists()]
    for folder in reversed(missing):  # outermost first; folders that already existed are left alone
        folder.mkdir(mode=0o700, exist_ok=True)
        os.chmod(folder, 0o700)  # mkdir's mode passes through the umask
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    for companion in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if companion.exists():
            os.chmod(companion, 0o600)  # also a database made before this rule
    return path


def read_keys(db_path: str | Path) -> list[dict]:
    """Every seeded API key (PO6 and Postern), in creation order; read-only."""
    path = Path(db_path)
    if not path.exists():
        raise FileNotFoundError(f"no sandbox database at {path}")
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
    try:
        rows = conn.execute(
            "SELECT key, service, label, tenant, plan, scopes, mailboxes FROM sandbox_keys ORDER BY rowid"
        ).fetchall()
    except sqlite3.OperationalError:  # a database that was never seeded has no keys table yet
        return []
    finally:
        conn.close()
    return [
        {"key": key, "service": service, "label": label, "tenant": tenant, "plan": plan,
         "scopes": json.loads(scopes or "[]"),
         "mailboxes": json.loads(mailboxes) if mailboxes else None}
        for key, service, label, tenant, plan, scopes, mailboxes in rows
    ]


def clock_offset(conn: sqlite3.Connection) -> float:
    row = conn.execute("SELECT value FROM sandbox_meta WHERE key = ?", (CLOCK_OFFSET,)).fetchone()
    return float(row[0]) if row else 0.0


def advance_clock(db_path: str | Path, seconds: float) -> float:
    """Move the sandbox clock forward (or back, if negative); returns the new total offset."""
    conn = sqlite3.connect(str(private_database(db_path)), timeout=10)
    try:
        with conn:
            conn.execute(META_TABLE)
            offset = clock_offset(conn) + float(seconds)
            conn.execute(
                "INSERT INTO sandbox_meta (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (CLOCK_OFFSET, repr(offset)),
            )
        return offset
    finally:
        conn.close()


def schema_version(db_path: str | Path) -> str | None:
    """The schema version the database was made with; None if there is none to read."""
    path = Path(db_path)
    if not path.exists():
        return None
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
        try:
            row = conn.execute("SELECT value FROM sandbox_meta WHERE key = 'schema_version'").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return str(row[0]) if row else None
