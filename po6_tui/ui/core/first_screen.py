"""The last session's first screen, shown at once at the next start while the real one loads.

What the app opens on (the active account's mailboxes, and the first page of its first INBOX)
is kept per account in the user cache folder. At the next start the mail screen shows it before
the connection is up, marked "cached at 10:42 · refreshing…", and replaces it as the server
answers. It spares the wait for the handshake and the first calls (and, in demo mode, for the
sandbox to start).

The file is named by a hash of the account's provider, name and URL (never its key; a sandbox's
port is left out, since the demo sandbox gets a new one at every start) and is
readable by its owner only: it holds senders and subjects, as the journal holds bodies. What is
read back is untrusted like a server reply: it goes through the same models and the same `safe`
rendering, and a file that does not parse (cut short, edited, from another version) is ignored.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError

from po6_tui import first_frame
from po6_tui.accounts import Account
from po6_tui.api.models import EmailSummary, Mailbox

VERSION = 1
ROWS = 100  # one page: more than a screen, less than a second to read
MAX_BYTES = 2_000_000


@dataclass(frozen=True)
class FirstScreen:
    saved_at: datetime
    mailboxes: list[Mailbox]
    mailbox_id: str  # the mailbox whose INBOX `rows` are
    rows: list[EmailSummary]
    total: int


def path_for(account: Account) -> Path:
    # deferred: start-up (platformdirs is read when the cache is, after the first paint is set up)
    from platformdirs import user_cache_path

    from po6_tui import APP_NAME  # deferred: (see above)

    return user_cache_path(APP_NAME) / "first-screen" / f"{first_frame.cache_key(account)}.json"


def load(account: Account) -> FirstScreen | None:
    """The cached first screen of `account`, or None (none kept, or not usable)."""
    try:
        with path_for(account).open("rb") as file:
            raw = file.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            return None
        data = json.loads(raw)
        if not isinstance(data, dict) or data.get("version") != VERSION:
            return None
        saved = FirstScreen(
            saved_at=datetime.fromisoformat(str(data["saved_at"])),
            mailboxes=[Mailbox.model_validate(m) for m in data["mailboxes"]],
            mailbox_id=str(data["mailbox_id"]),
            rows=[EmailSummary.model_validate(r) for r in data["rows"][:ROWS]],
            total=int(data["total"]),
        )
    except (OSError, ValueError, KeyError, TypeError, RecursionError, ValidationError):
        return None
    if saved.total < len(saved.rows) or not any(m.id == saved.mailbox_id for m in saved.mailboxes):
        return None
    return saved


def save(account: Account, screen: FirstScreen) -> None:
    """Keep `screen` for the next start (quietly: a cache that cannot be written is just absent)."""
    document = {
        "version": VERSION, "saved_at": screen.saved_at.isoformat(),
        "mailboxes": [m.model_dump(mode="json") for m in screen.mailboxes],
        "mailbox_id": screen.mailbox_id, "total": screen.total,
        "rows": [r.model_dump(mode="json", by_alias=True) for r in screen.rows[:ROWS]],
    }
    try:
        path = path_for(account)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        part = path.with_suffix(f".{os.getpid()}.part")
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            json.dump(document, file, ensure_ascii=False)
        os.replace(part, path)  # whole or not at all: a reader never sees half a file
    except OSError:
        pass
