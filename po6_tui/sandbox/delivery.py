"""Where mail goes: into a local PO6 mailbox, into a local Postern inbox, or "out".

The sandbox never touches the network. Local recipients get a real copy in their INBOX;
anything else is recorded as sent with a delivery status decided by its domain, so tests can
provoke every outcome:
- `*.invalid` (and unknown `@po6.com` addresses) → `bounced`
- `*.test` → `queued` (accepted, never delivered)
- anything else → `delivered`
"""

from __future__ import annotations

from typing import Any

from po6_tui.sandbox.mailparse import ParsedMessage, snippet
from po6_tui.sandbox.postern_store import deliver_inbound
from po6_tui.sandbox.store import Store, email_id, jdump

LOCAL_DOMAIN = "po6.com"


def email_row(mailbox_id: str, folder: str, ts: int, parsed: ParsedMessage, *,
              is_read: bool = False, is_starred: bool = False) -> tuple[Any, ...]:
    """A row in `Store.EMAIL_COLUMNS` order (used by delivery and by the bulk seeder)."""
    return (
        mailbox_id, folder, ts, parsed.from_addr, parsed.from_name, jdump(parsed.to), parsed.subject,
        snippet(parsed.text, parsed.html), int(is_read), int(is_starred), int(bool(parsed.attachments)),
        parsed.size or len(parsed.text.encode()) + len((parsed.html or "").encode()),
        jdump(parsed.cc), parsed.reply_to, parsed.message_id, parsed.in_reply_to, jdump(parsed.headers),
        jdump([{"filename": f, "content_type": c, "size": s} for f, c, s in parsed.attachments]),
        parsed.text, parsed.html,
    )


def store_email(store: Store, mailbox_id: str, folder: str, parsed: ParsedMessage, *,
                is_read: bool = False, ts: int | None = None) -> str:
    values = dict(zip(Store.EMAIL_COLUMNS, email_row(
        mailbox_id, folder, int(store.timestamp()) if ts is None else ts, parsed, is_read=is_read)))
    return email_id(store.insert_email(**values))


def resolve_mailbox(store: Store, address: str) -> dict | None:
    """The PO6 mailbox an address reaches: its own, an active alias's or a catch-all's target."""
    address = address.strip()
    row = store.one("SELECT * FROM mailboxes WHERE address = ?", (address,))
    if row:
        return dict(row)
    local, _, domain = address.rpartition("@")
    candidates = [address]
    if "+" in local:
        candidates.append(f"{local.split('+', 1)[0]}@{domain}")
    for candidate in candidates:
        alias = store.one("SELECT * FROM aliases WHERE address = ? AND is_active = 1", (candidate,))
        if alias and (candidate == address or alias["plus_addressing"]) and alias["forward_to"]:
            return _mailbox_at(store, alias["forward_to"])
    catchall = store.one(
        "SELECT catchall_forward_to FROM domains WHERE domain = ? AND catchall_enabled = 1 "
        "AND catchall_verification_status = 'verified'", (domain,))
    if catchall and catchall[0]:
        return _mailbox_at(store, catchall[0])
    return None


def _mailbox_at(store: Store, address: str) -> dict | None:
    row = store.one("SELECT * FROM mailboxes WHERE address = ?", (address.strip(),))
    return dict(row) if row else None


def deliver_local(store: Store, address: str, parsed: ParsedMessage) -> str | None:
    """Deliver to a local mailbox's INBOX (PO6, else Postern). Returns the new PO6 email id,
    "postern" when a Postern inbox took it, or None when the address is not local."""
    mailbox = resolve_mailbox(store, address)
    if mailbox is not None:
        with store.transaction():
            return store_email(store, mailbox["id"], "INBOX", parsed)
    with store.transaction():
        return "postern" if deliver_inbound(store.conn, address, parsed, store.now()) else None


def outside_status(address: str) -> str:
    domain = address.rpartition("@")[2].lower()
    if domain.endswith(".invalid") or domain == LOCAL_DOMAIN:
        return "bounced"
    if domain.endswith(".test"):
        return "queued"
    return "delivered"


def dispatch(store: Store, recipients: list[str], parsed: ParsedMessage) -> str:
    """Deliver to every recipient; the send's overall status is its worst recipient's."""
    statuses = []
    for address in dict.fromkeys(a.strip() for a in recipients):
        statuses.append("delivered" if deliver_local(store, address, parsed) else outside_status(address))
    for worst in ("bounced", "failed", "queued"):
        if worst in statuses:
            return worst
    return "delivered"
