"""The PO6 tools: one function per tool, called with checked arguments by `run_tool`.

Every function gets a `Call` (the store, the caller's key, the time) and returns one JSON
object. Failures raise `ToolError` with a sentence for the caller. What a key may reach is
decided here: its tenant, its mailbox restriction (anything outside is "not found", never
"forbidden", so a key cannot probe for other tenants' ids), its scopes and its plan. A key
restricted to some mailboxes may read aliases, domains and landing pages but not change them
(API.md 1.1): they route and publish for the whole account.
"""

from __future__ import annotations

import html as html_lib
import json
import re
import secrets
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from datetime import UTC, datetime
from typing import Any

from po6_tui.plans import FREE, Plan, plan_named
from po6_tui.sandbox import delivery
from po6_tui.sandbox.mailparse import ParsedMessage
from po6_tui.sandbox.store import SYSTEM_FOLDERS, Store, email_id, email_num, iso, jdump
from po6_tui.sandbox.tools_schema import ACCOUNT_WIDE_WRITE_SCOPES, RESTRICTED_KEY_REFUSAL, SPECS, ToolError, validate

DRAFT_TTL = 72 * 3600
CONFIRMATION_TTL = 300
SEARCH_COUNT_CAP = 1000
PAGE_HOST = "pages.po6.com"
ADDRESS = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")


CONTACT_LISTS_PAID = "contact lists are not part of the Free plan"
FREE_DRAFTS_PER_HOUR = 10  # INF: drafts are "rate limited per plan"; Free cannot send but may draft


@dataclass
class Call:
    store: Store
    key: dict
    tool: str
    confirmation_token: str | None = None
    strict: bool = False  # only what PO6 documents: no sandbox extensions in results either

    @property
    def tenant(self) -> str:
        return self.key["tenant"]

    @property
    def plan(self) -> Plan:
        return plan_named(self.key["plan"]) or FREE

    @cached_property
    def now(self) -> int:
        """The sandbox clock, read once per call: every time a tool writes agrees."""
        return int(self.store.timestamp())

    # -- what the key reaches -------------------------------------------------------------
    def mailbox_rows(self) -> list[sqlite3.Row]:
        """Every mailbox the key reaches, oldest first."""
        rows = self.store.all("SELECT * FROM mailboxes WHERE tenant = ? ORDER BY created_at, rowid", (self.tenant,))
        allowed = self.key["mailboxes"]
        return rows if allowed is None else [r for r in rows if r["id"] in allowed]

    def mailbox_ids(self) -> list[str]:
        return [r["id"] for r in self.mailbox_rows()]

    def mailbox(self, mailbox_id: str) -> sqlite3.Row:
        row = self.store.one("SELECT * FROM mailboxes WHERE id = ? AND tenant = ?", (mailbox_id, self.tenant))
        allowed = self.key["mailboxes"]
        if row is None or (allowed is not None and mailbox_id not in allowed):
            raise ToolError(f"Mailbox not found: {mailbox_id}")
        return row

    def email(self, mailbox_id: str, email_id_: str) -> sqlite3.Row:
        self.mailbox(mailbox_id)
        num = email_num(email_id_)
        row = None if num is None else self.store.one(
            "SELECT * FROM emails WHERE num = ? AND mailbox_id = ?", (num, mailbox_id))
        if row is None:
            raise ToolError(f"Email not found: {email_id_}")
        return row

    def owned(self, table: str, what: str, id_: str) -> sqlite3.Row:
        row = self.store.one(f"SELECT * FROM {table} WHERE id = ? AND tenant = ?", (id_, self.tenant))
        if row is None:
            raise ToolError(f"{what} not found: {id_}")
        return row

    def draft(self, draft_id: str) -> sqlite3.Row:
        self.expire_drafts()
        row = self.store.one("SELECT * FROM drafts WHERE id = ?", (draft_id,))
        if row is None or row["mailbox_id"] not in self.mailbox_ids():
            raise ToolError(f"Draft not found: {draft_id}")
        return row

    def expire_drafts(self) -> None:
        # Lazily, on every draft access: the clock may have been moved since the last call.
        self.store.conn.execute(
            "UPDATE drafts SET status = 'expired' WHERE status = 'pending' AND expires_at <= ?", (self.now,))

    # -- plans ----------------------------------------------------------------------------
    def require_paid(self, what: str = "the Free plan cannot send via the API") -> None:
        if not self.plan.can_send:
            raise ToolError(f"Requires a paid plan (Standard or Plus): {what}")

    def send_windows(self, kind: str = "send") -> list[tuple[str, int, int, str]]:
        """(label, seconds, limit, unit) of each of the plan's caps for `kind` ("send" or "draft")."""
        plan = self.plan
        if kind == "draft" and not plan.can_send:
            return [("Hourly", 3600, FREE_DRAFTS_PER_HOUR, "hour")]
        return [("Hourly", 3600, plan.per_hour, "hour"), ("Daily", 86400, plan.per_day, "day"),
                ("Monthly", 30 * 86400, plan.per_month, "month")]

    def used_in(self, seconds: int, kind: str = "send") -> int:
        """How many sends (or drafts) this key made in the last `seconds`."""
        table, column = {"send": ("sent", "sent_at"), "draft": ("drafts", "created_at")}[kind]
        return self.store.scalar(f"SELECT count(*) FROM {table} WHERE api_key = ? AND {column} > ?",
                                 (self.key["key"], self.now - seconds))

    def check_send_limits(self, kind: str = "send") -> None:
        """The plan's hourly/daily/monthly caps, counted per key."""
        for label, seconds, limit, unit in self.send_windows(kind):
            if self.used_in(seconds, kind) >= limit:
                raise ToolError(f"{label} {kind} limit reached ({limit}/{unit} on {self.plan.name})")

    def send_quota(self) -> dict:
        """INF (sandbox): the key's plan caps and what it used of them, for clients to show."""
        quota: dict[str, int] = {}
        for _label, seconds, limit, unit in self.send_windows("send"):
            quota[f"per_{unit}"] = limit
            quota[f"used_{unit}"] = self.used_in(seconds, "send")
        return quota

    # -- two-step confirmation --------------------------------------------------------------
    def confirm(self, target: str, message: str) -> dict | None:
        """First call: a token to repeat the call with. Second call: None, and go ahead.

        Tokens are single-use and bound to this key, this tool and this target.
        """
        now = self.store.timestamp()
        if self.confirmation_token is None:
            token = "ct_" + secrets.token_urlsafe(18)
            self.store.conn.execute("DELETE FROM confirmations WHERE expires_at <= ?", (now,))
            self.store.conn.execute("INSERT INTO confirmations VALUES (?, ?, ?, ?, ?)",
                                    (token, self.key["key"], self.tool, target, now + CONFIRMATION_TTL))
            return {"requires_confirmation": True, "confirmation_token": token,
                    "expires_in_seconds": CONFIRMATION_TTL, "message": message}
        row = self.store.one("SELECT * FROM confirmations WHERE token = ?", (self.confirmation_token,))
        if (row is None or row["api_key"] != self.key["key"] or row["tool"] != self.tool
                or row["target"] != target or row["expires_at"] <= now):
            raise ToolError("Invalid or expired confirmation token")
        self.store.conn.execute("DELETE FROM confirmations WHERE token = ?", (self.confirmation_token,))
        return None


Handler = Callable[..., dict]
HANDLERS: dict[str, Handler] = {}


def tool(func: Handler) -> Handler:
    HANDLERS[func.__name__] = func
    return func


def run_tool(store: Store, key: dict, name: str, arguments: Any, *, strict: bool = False) -> dict:
    """Check scope and arguments, run the tool in one transaction, return its result object."""
    spec = SPECS.get(name)
    if spec is None or (strict and spec.extension):
        raise ToolError(f"Unknown tool: {name}")
    if spec.scope not in key["scopes"]:
        raise ToolError(f"Insufficient scopes: {spec.scope} required")
    if key["mailboxes"] is not None and spec.scope in ACCOUNT_WIDE_WRITE_SCOPES:
        raise ToolError(RESTRICTED_KEY_REFUSAL)  # before the first step of a two-step tool, too
    args = validate(spec, arguments)
    call = Call(store, key, name, args.pop("confirmation_token", None) if spec.two_step else None, strict)
    with store.transaction():  # a tool that fails half-way leaves nothing behind
        return HANDLERS[name](call, **args)


# == shapes ===============================================================================
def _loads(value: str | None, default: Any = None) -> Any:
    return json.loads(value) if value else default


def email_summary(row: sqlite3.Row) -> dict:
    return {
        "id": email_id(row["num"]), "mailbox_id": row["mailbox_id"], "folder": row["folder"],
        "from": row["from_addr"], "from_name": row["from_name"], "to": _loads(row["to_addrs"], []),
        "subject": row["subject"], "snippet": row["snippet"], "date": iso(row["ts"]),
        "is_read": bool(row["is_read"]), "is_starred": bool(row["is_starred"]),
        "has_attachments": bool(row["has_attachments"]), "size": row["size"],
    }


def email_full(row: sqlite3.Row) -> dict:
    headers: dict[str, str] = {}
    for name, value in _loads(row["headers"], []):
        headers.setdefault(name, value)  # the first of repeated headers (Received…) is the newest
    return {
        **email_summary(row), "cc": _loads(row["cc_addrs"], []), "reply_to": row["reply_to"],
        "message_id": row["message_id"], "in_reply_to": row["in_reply_to"], "headers": headers,
        "body_text": row["body_text"], "body_html": row["body_html"], "attachments": _loads(row["attachments"], []),
    }


def draft_shape(row: sqlite3.Row) -> dict:
    return {
        "id": row["id"], "mailbox_id": row["mailbox_id"], "to_addresses": _loads(row["to_addrs"], []),
        "cc_addresses": _loads(row["cc_addrs"], []), "subject": row["subject"], "body_text": row["body_text"],
        "body_html": row["body_html"], "status": row["status"], "created_at": iso(row["created_at"]),
        "expires_at": iso(row["expires_at"]), "created_via": row["created_via"],
        "decided_at": iso(row["decided_at"]), "reject_reason": row["reject_reason"], "sent_id": row["sent_id"],
    }


def alias_shape(row: sqlite3.Row) -> dict:
    return {
        "id": row["id"], "address": row["address"], "forward_to": row["forward_to"], "plan": row["plan"],
        "is_active": bool(row["is_active"]), "plus_addressing": bool(row["plus_addressing"]),
        "verification_status": row["verification_status"], "url_redirect": row["url_redirect"],
        "domain_id": row["domain_id"],
    }


def page_shape(row: sqlite3.Row, *, with_config: bool = True) -> dict:
    shape = {
        "id": row["id"], "title": row["title"], "status": row["status"],
        "url": f"https://{row['domain'] or PAGE_HOST}/{row['slug']}", "template_id": row["template_id"],
        "seo": _loads(row["seo"], {}), "alias_id": row["alias_id"], "domain": row["domain"],
        "created_at": iso(row["created_at"]), "updated_at": iso(row["updated_at"]),
        "published_at": iso(row["published_at"]),
    }
    if with_config:
        shape["config"] = _loads(row["config"], {})
    return shape


def paged(total: int, offset: int, limit: int, returned: int) -> dict:
    return {"total": total, "offset": offset, "limit": limit, "has_more": offset + returned < total}


def _timestamp(name: str, value: str | None) -> int | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ToolError(f"Invalid argument '{name}': expected an ISO 8601 time like 2026-01-31T12:00:00Z") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return int(parsed.timestamp())


def _addresses(name: str, values: list[str] | None) -> list[str]:
    cleaned = [v.strip() for v in values or []]
    for value in cleaned:
        if not ADDRESS.match(value):
            raise ToolError(f"Invalid argument '{name}': {value!r} is not an email address")
    return cleaned


# == mailbox tools ========================================================================
def _mailbox_totals(store: Store, mailbox_id: str) -> dict:
    stats = store.folder_stats(mailbox_id).values()
    return {"total": sum(s["total"] for s in stats), "unread": sum(s["unread"] for s in stats),
            "starred": sum(s["starred"] for s in stats), "storage_bytes": sum(s["bytes"] for s in stats)}


@tool
def list_mailboxes(c: Call) -> dict:
    mailboxes = []
    for row in c.mailbox_rows():
        totals = _mailbox_totals(c.store, row["id"])
        mailboxes.append({"id": row["id"], "address": row["address"], "display_name": row["display_name"],
                          "total": totals["total"], "unread": totals["unread"],
                          "storage_bytes": totals["storage_bytes"]})
    return {"mailboxes": mailboxes}


def _folder_names(c: Call, mailbox_id: str) -> list[str]:
    custom = [r[0] for r in c.store.all("SELECT name FROM custom_folders WHERE mailbox_id = ? ORDER BY name",
                                        (mailbox_id,))]
    return [*SYSTEM_FOLDERS, *custom]


def _folders(c: Call, mailbox_id: str) -> list[dict]:
    stats = c.store.folder_stats(mailbox_id)
    folders = []
    for name in _folder_names(c, mailbox_id):
        s = stats.get(name)
        folders.append({"name": name, "type": "system" if name in SYSTEM_FOLDERS else "custom",
                        "total": s["total"] if s else 0, "unread": s["unread"] if s else 0})
    return folders


@tool
def get_mailbox_stats(c: Call, mailbox_id: str) -> dict:
    row = c.mailbox(mailbox_id)
    stats = {"mailbox_id": mailbox_id, "address": row["address"], **_mailbox_totals(c.store, mailbox_id),
             "storage_limit_bytes": row["storage_limit_bytes"],
             "folders": [{k: f[k] for k in ("name", "total", "unread")} for f in _folders(c, mailbox_id)]}
    if not c.strict:
        # INF (sandbox): PO6 documents no way to learn the plan; clients use these when present.
        stats.update(plan=c.plan.name, send_quota=c.send_quota())
    return stats


@tool
def list_folders(c: Call, mailbox_id: str) -> dict:
    c.mailbox(mailbox_id)
    return {"folders": _folders(c, mailbox_id)}


def _folder_name(c: Call, mailbox_id: str, folder: str) -> str:
    for known in _folder_names(c, mailbox_id):
        if known.lower() == folder.lower():
            return known
    raise ToolError(f"Folder not found: {folder}")


@tool
def list_emails(c: Call, mailbox_id: str, folder: str, sender: str | None, since: str | None, until: str | None,
                unread_only: bool, starred_only: bool, limit: int, offset: int) -> dict:
    c.mailbox(mailbox_id)
    folder = _folder_name(c, mailbox_id, folder)
    since_ts, until_ts = _timestamp("since", since), _timestamp("until", until)
    view = {(False, False): "all", (True, False): "unread", (False, True): "starred"}.get((unread_only, starred_only))
    if view and not sender and since_ts is None and until_ts is None:
        # The common views are served from counters and indexes: constant time at any depth.
        stats = c.store.folder_stats(mailbox_id).get(folder)
        total = stats[Store.VIEWS[view][0]] if stats else 0
        rows = c.store.page_folder(mailbox_id, folder, limit, offset, view)
    else:
        where, params = ["mailbox_id = ?", "folder = ?"], [mailbox_id, folder]
        if sender:
            where.append("(from_addr LIKE ? ESCAPE '\\' OR from_name LIKE ? ESCAPE '\\')")
            pattern = "%" + re.sub(r"([%_\\])", r"\\\1", sender) + "%"
            params += [pattern, pattern]
        if since_ts is not None:
            where.append("ts >= ?")
            params.append(since_ts)
        if until_ts is not None:
            where.append("ts < ?")
            params.append(until_ts)
        if unread_only:
            where.append("is_read = 0")  # the same expressions as the partial indexes, so they get used
        if starred_only:
            where.append("is_starred != 0")
        rows, total = c.store.page_filtered(" AND ".join(where), params, limit, offset)
    emails = [email_summary(r) for r in rows]
    return {"emails": emails, **paged(total, offset, limit, len(emails))}


@tool
def get_email(c: Call, mailbox_id: str, email_id: str) -> dict:
    return email_full(c.email(mailbox_id, email_id))


@tool
def search_emails(c: Call, query: str, mailbox_id: str | None, limit: int) -> dict:
    words = re.findall(r"\w+", query)
    if not words:
        raise ToolError("Invalid argument 'query': give at least one word to search for")
    mailbox_ids = [c.mailbox(mailbox_id)["id"]] if mailbox_id else c.mailbox_ids()
    if not mailbox_ids:
        return {"results": [], "total": 0, "total_capped": False}
    rows, total = c.store.search(words[:20], mailbox_ids, limit, SEARCH_COUNT_CAP)
    return {"results": [email_summary(r) for r in rows], "total": total, "total_capped": total >= SEARCH_COUNT_CAP}


@tool
def mark_email(c: Call, mailbox_id: str, email_id: str, action: str) -> dict:
    row = c.email(mailbox_id, email_id)
    column, value = {"read": ("is_read", 1), "unread": ("is_read", 0),
                     "starred": ("is_starred", 1), "unstarred": ("is_starred", 0)}[action]
    c.store.conn.execute(f"UPDATE emails SET {column} = ? WHERE num = ?", (value, row["num"]))
    row = c.email(mailbox_id, email_id)
    return {"id": email_id, "is_read": bool(row["is_read"]), "is_starred": bool(row["is_starred"])}


@tool
def move_email(c: Call, mailbox_id: str, email_id: str, folder: str) -> dict:
    row = c.email(mailbox_id, email_id)
    folder = _folder_name(c, mailbox_id, folder)
    c.store.conn.execute("UPDATE emails SET folder = ? WHERE num = ?", (folder, row["num"]))
    return {"id": email_id, "folder": folder}


@tool
def delete_email(c: Call, mailbox_id: str, email_id: str) -> dict:
    row = c.email(mailbox_id, email_id)
    gate = c.confirm(email_id, f"Permanently delete email {email_id} ({row['subject']!r} from "
                               f"{row['from_addr']}) in {c.mailbox(mailbox_id)['address']}. This cannot be undone.")
    if gate:
        return gate
    c.store.conn.execute("DELETE FROM emails WHERE num = ?", (row["num"],))
    return {"id": email_id, "deleted": True}


@tool
def list_email_lists(c: Call) -> dict:
    c.require_paid(CONTACT_LISTS_PAID)
    rows = c.store.all(
        "SELECT l.id, l.name, count(ct.email) AS contact_count, coalesce(sum(ct.status = 'active'), 0) AS active_count "
        "FROM email_lists l LEFT JOIN contacts ct ON ct.list_id = l.id WHERE l.tenant = ? GROUP BY l.id ORDER BY l.name",
        (c.tenant,))
    return {"lists": [dict(r) for r in rows]}


@tool
def get_email_list_contacts(c: Call, list_id: str, status: str | None, limit: int, offset: int) -> dict:
    c.require_paid(CONTACT_LISTS_PAID)
    c.owned("email_lists", "Contact list", list_id)
    where, params = "list_id = ?" + (" AND status = ?" if status else ""), [list_id] + ([status] if status else [])
    total = c.store.scalar(f"SELECT count(*) FROM contacts WHERE {where}", params)
    rows = c.store.all(f"SELECT email, name, company, status FROM contacts WHERE {where} ORDER BY email "
                       "LIMIT ? OFFSET ?", (*params, limit, offset))
    return {"contacts": [dict(r) for r in rows], **paged(total, offset, limit, len(rows))}


@tool
def list_drafts(c: Call, mailbox_id: str | None, status: str) -> dict:
    c.expire_drafts()
    mailbox_ids = [c.mailbox(mailbox_id)["id"]] if mailbox_id else c.mailbox_ids()
    marks = ", ".join("?" * len(mailbox_ids))
    where = f"mailbox_id IN ({marks})" + ("" if status == "all" else " AND status = ?")
    params = [*mailbox_ids] + ([] if status == "all" else [status])
    rows = c.store.all(f"SELECT * FROM drafts WHERE {where} ORDER BY expires_at ASC, id", params)
    return {"drafts": [draft_shape(r) for r in rows]}


@tool
def list_sent_emails(c: Call, mailbox_id: str, limit: int, offset: int) -> dict:
    c.mailbox(mailbox_id)
    total = c.store.scalar("SELECT count(*) FROM sent WHERE mailbox_id = ?", (mailbox_id,))
    rows = c.store.all("SELECT * FROM sent WHERE mailbox_id = ? ORDER BY sent_at DESC, rowid DESC LIMIT ? OFFSET ?",
                       (mailbox_id, limit, offset))
    emails = [{"id": r["id"], "to_addresses": _loads(r["to_addrs"], []), "cc_addresses": _loads(r["cc_addrs"], []),
               "subject": r["subject"], "sent_at": iso(r["sent_at"]), "delivery_status": r["delivery_status"],
               "sent_via": r["sent_via"]} for r in rows]
    return {"emails": emails, **paged(total, offset, limit, len(emails))}


# == sending ==============================================================================
def send(c: Call, mailbox: sqlite3.Row, *, to: list[str], cc: list[str], bcc: list[str], subject: str,
         body_text: str, body_html: str | None, kind: str, sent_via: str = "mcp",
         in_reply_to: str | None = None) -> dict:
    """The one way out: plan checks, delivery, the sent record and the copy in Sent."""
    c.require_paid()
    c.check_send_limits()
    if not to:
        raise ToolError("Invalid argument 'to_addresses': at least one recipient is required")
    sent_at = c.now
    message = ParsedMessage(
        from_addr=mailbox["address"], from_name=mailbox["display_name"], to=to, cc=cc, subject=subject,
        date=datetime.fromtimestamp(sent_at, UTC), message_id=f"<{secrets.token_hex(8)}@{delivery.LOCAL_DOMAIN}>",
        in_reply_to=in_reply_to, text=body_text, html=body_html,
        headers=[("From", mailbox["address"]), ("To", ", ".join(to)), ("Subject", subject)],
    )
    status = delivery.dispatch(c.store, to + cc + bcc, message)
    sent_id = "snt_" + secrets.token_hex(6)
    c.store.conn.execute(
        "INSERT INTO sent VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (sent_id, mailbox["id"], jdump(to), jdump(cc), jdump(bcc), subject, body_text, body_html, sent_at,
         status, sent_via, c.key["key"], kind))
    delivery.store_email(c.store, mailbox["id"], "Sent", message, is_read=True, ts=sent_at)
    return {"id": sent_id, "status": "queued" if status == "queued" else "sent", "sent_at": iso(sent_at),
            "delivery_status": status}


@tool
def compose_email(c: Call, mailbox_id: str, to_addresses: list[str], subject: str, body_text: str,
                  body_html: str | None, cc_addresses: list[str] | None, bcc_addresses: list[str] | None) -> dict:
    return send(c, c.mailbox(mailbox_id), to=_addresses("to_addresses", to_addresses),
                cc=_addresses("cc_addresses", cc_addresses), bcc=_addresses("bcc_addresses", bcc_addresses),
                subject=subject, body_text=body_text, body_html=body_html, kind="compose")


def _prefixed(prefix: str, subject: str) -> str:
    return subject if subject.lower().startswith(prefix.lower()) else f"{prefix} {subject}"


@tool
def reply_email(c: Call, mailbox_id: str, email_id: str, body_text: str, body_html: str | None) -> dict:
    original = c.email(mailbox_id, email_id)
    recipient = original["reply_to"] or original["from_addr"]
    if not ADDRESS.match(recipient or ""):
        raise ToolError(f"Email {email_id} has no sender address to reply to")
    return send(c, c.mailbox(mailbox_id), to=[recipient], cc=[], bcc=[], subject=_prefixed("Re:", original["subject"]),
                body_text=body_text, body_html=body_html, kind="reply", in_reply_to=original["message_id"])


@tool
def forward_email(c: Call, mailbox_id: str, email_id: str, to_addresses: list[str], body_text: str | None) -> dict:
    original = c.email(mailbox_id, email_id)
    to = _addresses("to_addresses", to_addresses)
    c.require_paid()
    if len(to) > c.plan.forward_max:
        raise ToolError(f"Too many recipients: {c.plan.name} forwards to at most {c.plan.forward_max} addresses")
    quoted = (f"{body_text or ''}\n\n---------- Forwarded message ----------\nFrom: {original['from_addr']}\n"
              f"Date: {iso(original['ts'])}\nSubject: {original['subject']}\n\n{original['body_text']}")
    return send(c, c.mailbox(mailbox_id), to=to, cc=[], bcc=[], subject=_prefixed("Fwd:", original["subject"]),
                body_text=quoted.lstrip("\n"), body_html=None, kind="forward")


@tool
def create_draft(c: Call, mailbox_id: str, to_addresses: list[str], subject: str, body_text: str,
                 body_html: str | None, cc_addresses: list[str] | None) -> dict:
    c.mailbox(mailbox_id)
    to, cc = _addresses("to_addresses", to_addresses), _addresses("cc_addresses", cc_addresses)
    c.check_send_limits("draft")
    draft_id = "drf_" + secrets.token_hex(6)
    c.store.conn.execute(
        "INSERT INTO drafts (id, mailbox_id, to_addrs, cc_addrs, subject, body_text, body_html, status, created_at, "
        "expires_at, created_via, api_key) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, 'mcp', ?)",
        (draft_id, mailbox_id, jdump(to), jdump(cc), subject, body_text, body_html, c.now, c.now + DRAFT_TTL,
         c.key["key"]))
    return draft_shape(c.draft(draft_id))


# == draft decisions (sandbox extension) ==================================================
def _pending(c: Call, draft_id: str) -> sqlite3.Row:
    row = c.draft(draft_id)
    if row["status"] != "pending":
        raise ToolError(f"Draft {draft_id} is {row['status']}, not pending")
    return row


def _apply_edits(c: Call, row: sqlite3.Row, edits: dict[str, Any]) -> sqlite3.Row:
    columns = {"to_addresses": "to_addrs", "cc_addresses": "cc_addrs", "subject": "subject",
               "body_text": "body_text", "body_html": "body_html"}
    changes = {}
    for name, value in edits.items():
        if value is None:
            continue
        if name in ("to_addresses", "cc_addresses"):
            value = jdump(_addresses(name, value))
        changes[columns[name]] = value
    c.store.update("drafts", row["id"], changes)
    return c.draft(row["id"])


@tool
def update_draft(c: Call, draft_id: str, **edits: Any) -> dict:
    return draft_shape(_apply_edits(c, _pending(c, draft_id), edits))


@tool
def approve_draft(c: Call, draft_id: str, **edits: Any) -> dict:
    row = _apply_edits(c, _pending(c, draft_id), edits)
    sent = send(c, c.mailbox(row["mailbox_id"]), to=_loads(row["to_addrs"], []), cc=_loads(row["cc_addrs"], []),
                bcc=[], subject=row["subject"], body_text=row["body_text"], body_html=row["body_html"],
                kind="draft", sent_via="web")
    c.store.update("drafts", draft_id, {"status": "sent", "decided_at": c.now, "sent_id": sent["id"]})
    return {**draft_shape(c.draft(draft_id)), "sent": sent}


@tool
def reject_draft(c: Call, draft_id: str, reason: str | None) -> dict:
    _pending(c, draft_id)
    c.store.update("drafts", draft_id, {"status": "rejected", "decided_at": c.now, "reject_reason": reason})
    return draft_shape(c.draft(draft_id))


# == templates ============================================================================
@tool
def list_templates(c: Call) -> dict:
    rows = c.store.all("SELECT id, name, subject, variables FROM templates WHERE tenant = ? ORDER BY name", (c.tenant,))
    return {"templates": [{**dict(r), "variables": _loads(r["variables"], [])} for r in rows]}


@tool
def get_template(c: Call, template_id: str) -> dict:
    row = c.owned("templates", "Template", template_id)
    return {k: row[k] for k in ("id", "name", "subject", "body_text", "body_html")} | {
        "variables": _loads(row["variables"], [])}


# == aliases and domains ==================================================================
@tool
def list_aliases(c: Call) -> dict:
    rows = c.store.all("SELECT * FROM aliases WHERE tenant = ? AND domain_id IS NULL ORDER BY address", (c.tenant,))
    return {"aliases": [alias_shape(r) for r in rows]}


@tool
def get_alias(c: Call, alias_id: str) -> dict:
    return alias_shape(c.owned("aliases", "Alias", alias_id))


def _verify_forwarding(c: Call, address: str, what: str) -> None:
    """A new forwarding target must prove it wants the mail: send it a verification message."""
    token = secrets.token_urlsafe(12)
    delivery.dispatch(c.store, [address], ParsedMessage(
        from_addr="verify@po6.com", from_name="PO6", to=[address], subject=f"Verify forwarding for {what}",
        text=f"Someone asked to forward mail for {what} to this address.\n\n"
             f"Confirm: https://po6.com/verify/{token}\n\nIf this was not you, ignore this message.",
    ))


def _update_alias(c: Call, row: sqlite3.Row, forward_to: str | None, is_active: bool | None,
                  plus_addressing: bool | None) -> dict:
    changes: dict[str, Any] = {}
    if forward_to is not None:
        forward_to = _addresses("forward_to", [forward_to])[0]
        if forward_to.lower() != (row["forward_to"] or "").lower():
            changes |= {"forward_to": forward_to, "verification_status": "pending"}
            _verify_forwarding(c, forward_to, row["address"])
    if is_active is not None:
        changes["is_active"] = int(is_active)
    if plus_addressing is not None:
        changes["plus_addressing"] = int(plus_addressing)
    c.store.update("aliases", row["id"], changes)
    return alias_shape(c.owned("aliases", "Alias", row["id"]))


@tool
def update_alias(c: Call, alias_id: str, forward_to: str | None, is_active: bool | None,
                 plus_addressing: bool | None) -> dict:
    return _update_alias(c, c.owned("aliases", "Alias", alias_id), forward_to, is_active, plus_addressing)


def _domain_shape(c: Call, row: sqlite3.Row) -> dict:
    count = c.store.scalar("SELECT count(*) FROM aliases WHERE domain_id = ?", (row["id"],))
    return {"id": row["id"], "domain": row["domain"], "verification_status": row["verification_status"],
            "catchall_enabled": bool(row["catchall_enabled"]), "alias_count": count, "plan": row["plan"],
            "limits": {"max_aliases": row["max_aliases"]}}


def _catchall_shape(row: sqlite3.Row) -> dict:
    return {"enabled": bool(row["catchall_enabled"]), "forward_to": row["catchall_forward_to"],
            "verification_status": row["catchall_verification_status"]}


@tool
def list_domains(c: Call) -> dict:
    rows = c.store.all("SELECT * FROM domains WHERE tenant = ? ORDER BY domain", (c.tenant,))
    return {"domains": [_domain_shape(c, r) for r in rows]}


@tool
def get_domain(c: Call, domain_id: str) -> dict:
    row = c.owned("domains", "Domain", domain_id)
    aliases = c.store.all("SELECT * FROM aliases WHERE domain_id = ? ORDER BY address", (domain_id,))
    return {**_domain_shape(c, row), "mx_records": _loads(row["mx_records"], []), "catchall": _catchall_shape(row),
            "aliases": [alias_shape(a) for a in aliases]}


@tool
def update_domain_alias(c: Call, domain_id: str, alias_id: str, forward_to: str | None, is_active: bool | None,
                        plus_addressing: bool | None) -> dict:
    domain = c.owned("domains", "Domain", domain_id)
    alias = c.store.one("SELECT * FROM aliases WHERE id = ? AND domain_id = ?", (alias_id, domain_id))
    if alias is None:
        raise ToolError(f"Alias not found: {alias_id} on {domain['domain']}")
    if is_active and not alias["is_active"]:
        active = c.store.scalar("SELECT count(*) FROM aliases WHERE domain_id = ? AND is_active = 1", (domain_id,))
        if active >= domain["max_aliases"]:
            raise ToolError(f"Alias limit reached: {domain['domain']} allows {domain['max_aliases']} active aliases "
                            f"on the {domain['plan']} plan")
    return _update_alias(c, alias, forward_to, is_active, plus_addressing)


@tool
def update_catchall(c: Call, domain_id: str, enabled: bool, forward_to: str | None) -> dict:
    row = c.owned("domains", "Domain", domain_id)
    changes: dict[str, Any] = {"catchall_enabled": int(enabled)}
    if forward_to is not None:
        forward_to = _addresses("forward_to", [forward_to])[0]
        if forward_to.lower() != (row["catchall_forward_to"] or "").lower():
            changes |= {"catchall_forward_to": forward_to, "catchall_verification_status": "pending"}
            _verify_forwarding(c, forward_to, f"*@{row['domain']}")
    if enabled and not (changes.get("catchall_forward_to") or row["catchall_forward_to"]):
        raise ToolError("Invalid argument 'forward_to': a catch-all needs an address to forward to")
    c.store.update("domains", domain_id, changes)
    return _catchall_shape(c.owned("domains", "Domain", domain_id))


# == landing pages ========================================================================
WIDGET_LIMIT = 100
SEO_FIELDS = ("title", "description", "og_image")


def validate_config(config: Any) -> dict:
    if not isinstance(config, dict) or not isinstance(config.get("widgets"), list):
        raise ToolError('Invalid argument \'config\': expected {"widgets": [...]}')
    widgets = config["widgets"]
    if len(widgets) > WIDGET_LIMIT:
        raise ToolError(f"Invalid argument 'config': at most {WIDGET_LIMIT} widgets")
    for index, widget in enumerate(widgets):
        if not isinstance(widget, dict) or not isinstance(widget.get("type"), str) or not widget["type"].strip():
            raise ToolError(f"Invalid argument 'config': widgets[{index}] must be an object with a string 'type'")
    if len(jdump(config)) > 256_000:
        raise ToolError("Invalid argument 'config': larger than 256 kB")
    return config


def validate_seo(seo: dict) -> dict:
    for name, value in seo.items():
        if name not in SEO_FIELDS:
            raise ToolError(f"Invalid argument 'seo': unknown field '{name}' (accepted: {', '.join(SEO_FIELDS)})")
        if value is not None and (not isinstance(value, str) or len(value) > 2000):
            raise ToolError(f"Invalid argument 'seo': '{name}' must be a string of at most 2000 characters")
    return seo


def _page(c: Call, page_id: str) -> sqlite3.Row:
    return c.owned("pages", "Landing page", page_id)


def _verified_domain(c: Call, domain: str) -> str:
    row = c.store.one("SELECT * FROM domains WHERE domain = ? AND tenant = ?", (domain.strip(), c.tenant))
    if row is None:
        raise ToolError(f"Domain not found: {domain}")
    if row["verification_status"] != "verified":
        raise ToolError(f"Domain {row['domain']} is not verified ({row['verification_status']})")
    return row["domain"]


def _set_page(c: Call, page_id: str, **changes: Any) -> dict:
    changes["updated_at"] = c.now
    c.store.update("pages", page_id, changes)
    return page_shape(_page(c, page_id))


@tool
def list_landing_page_templates(c: Call, category: str | None) -> dict:
    where, params = ("WHERE category = ?", (category,)) if category else ("", ())
    rows = c.store.all(f"SELECT id, name, category, description FROM page_templates {where} ORDER BY id", params)
    return {"templates": [dict(r) for r in rows]}


@tool
def get_landing_page_template(c: Call, template_id: str) -> dict:
    row = c.store.one("SELECT * FROM page_templates WHERE id = ?", (template_id,))
    if row is None:
        raise ToolError(f"Landing page template not found: {template_id}")
    return {**dict(row), "config": _loads(row["config"], {}), "default_content": _loads(row["default_content"], {})}


@tool
def list_landing_pages(c: Call, status: str | None) -> dict:
    where, params = "tenant = ?" + (" AND status = ?" if status else ""), [c.tenant] + ([status] if status else [])
    rows = c.store.all(f"SELECT * FROM pages WHERE {where} ORDER BY updated_at DESC, id", params)
    return {"pages": [page_shape(r, with_config=False) for r in rows]}


@tool
def get_landing_page(c: Call, page_id: str) -> dict:
    return page_shape(_page(c, page_id))


@tool
def get_landing_page_stats(c: Call, page_id: str) -> dict:
    _page(c, page_id)
    daily = c.store.all("SELECT day, views, unique_visitors, leads FROM page_daily WHERE page_id = ? ORDER BY day",
                        (page_id,))
    views, visitors = sum(d["views"] for d in daily), sum(d["unique_visitors"] for d in daily)
    leads = c.store.scalar("SELECT count(*) FROM leads WHERE page_id = ?", (page_id,))
    return {"page_id": page_id, "views": views, "unique_visitors": visitors, "leads": leads,
            "conversion_rate": round(leads / visitors, 4) if visitors else 0.0,
            "daily": [{"date": d["day"], "views": d["views"], "leads": d["leads"]} for d in daily]}


@tool
def list_landing_page_leads(c: Call, page_id: str | None, limit: int, offset: int) -> dict:
    if page_id:
        _page(c, page_id)
        where, params = "l.page_id = ?", [page_id]
    else:
        where, params = "p.tenant = ?", [c.tenant]
    base = f"FROM leads l JOIN pages p ON p.id = l.page_id WHERE {where}"
    total = c.store.scalar(f"SELECT count(*) {base}", params)
    rows = c.store.all(f"SELECT l.* {base} ORDER BY l.submitted_at DESC, l.id LIMIT ? OFFSET ?",
                       (*params, limit, offset))
    leads = [{**dict(r), "submitted_at": iso(r["submitted_at"])} for r in rows]
    return {"leads": leads, **paged(total, offset, limit, len(leads))}


def _slug(title: str) -> str:
    return (re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "page") + "-" + secrets.token_hex(2)


@tool
def create_landing_page(c: Call, template_id: str, title: str, alias_id: str | None, domain: str | None) -> dict:
    template = get_landing_page_template(c, template_id)
    if alias_id:
        c.owned("aliases", "Alias", alias_id)
    domain = _verified_domain(c, domain) if domain else None
    page_id = "lp_" + secrets.token_hex(5)
    seo = {"title": title, "description": template["description"], "og_image": None}
    c.store.conn.execute(
        "INSERT INTO pages VALUES (?, ?, ?, ?, 'draft', ?, ?, ?, ?, ?, ?, ?, NULL)",
        (page_id, c.tenant, title.strip(), _slug(title), template_id, jdump(template["config"]), jdump(seo),
         alias_id, domain, c.now, c.now))
    return page_shape(_page(c, page_id))


@tool
def update_landing_page(c: Call, page_id: str, title: str | None, seo: dict | None, config: dict | None) -> dict:
    row = _page(c, page_id)
    if row["status"] == "archived":
        raise ToolError(f"Landing page {page_id} is archived and cannot be edited")
    changes: dict[str, Any] = {}
    if title is not None:
        if not title.strip():
            raise ToolError("Invalid argument 'title': must not be empty")
        changes["title"] = title.strip()
    if seo is not None:
        changes["seo"] = jdump({**_loads(row["seo"], {}), **validate_seo(seo)})
    if config is not None:
        changes["config"] = jdump(validate_config(config))
    return _set_page(c, page_id, **changes)


def _require_status(row: sqlite3.Row, allowed: tuple[str, ...], action: str) -> None:
    if row["status"] not in allowed:
        raise ToolError(f"Landing page {row['id']} is {row['status']}: cannot {action} it")


@tool
def publish_landing_page(c: Call, page_id: str) -> dict:
    row = _page(c, page_id)
    _require_status(row, ("draft",), "publish")
    url = page_shape(row)["url"]
    if gate := c.confirm(page_id, f"Publish landing page {row['title']!r} ({page_id}) at {url}: it becomes public."):
        return gate
    return _set_page(c, page_id, status="published", published_at=c.now)


@tool
def unpublish_landing_page(c: Call, page_id: str) -> dict:
    row = _page(c, page_id)
    _require_status(row, ("published",), "unpublish")
    if gate := c.confirm(page_id, f"Unpublish landing page {row['title']!r} ({page_id}): it goes offline "
                                  "and back to draft."):
        return gate
    return _set_page(c, page_id, status="draft", published_at=None)


@tool
def archive_landing_page(c: Call, page_id: str) -> dict:
    row = _page(c, page_id)
    _require_status(row, ("draft", "published"), "archive")
    offline = " It is taken offline first." if row["status"] == "published" else ""
    if gate := c.confirm(page_id, f"Archive landing page {row['title']!r} ({page_id}).{offline}"):
        return gate
    return _set_page(c, page_id, status="archived", published_at=None)


@tool
def assign_landing_page_domain(c: Call, page_id: str, domain: str) -> dict:
    row = _page(c, page_id)
    _require_status(row, ("draft", "published"), "assign a domain to")
    domain = _verified_domain(c, domain)
    # The token is bound to the domain too: confirming one domain never assigns another.
    if gate := c.confirm(f"{page_id}->{domain.lower()}",
                         f"Serve landing page {row['title']!r} ({page_id}) on {domain} "
                         f"(now {row['domain'] or PAGE_HOST})."):
        return gate
    return _set_page(c, page_id, domain=domain)


@tool
def download_landing_page(c: Call, page_id: str) -> dict:
    row = _page(c, page_id)
    if row["status"] != "published":
        raise ToolError(f"Landing page {page_id} must be published to download (it is {row['status']})")
    return {"filename": f"{row['slug']}.html", "html": render_page(row)}


def render_page(row: sqlite3.Row) -> str:
    """A static HTML rendering of a page's widgets (every value escaped)."""
    seo = _loads(row["seo"], {})
    parts = []
    for widget in _loads(row["config"], {}).get("widgets", []):
        kind = html_lib.escape(str(widget.get("type", "")))
        text = html_lib.escape(str(widget.get("headline") or widget.get("text") or widget.get("label") or ""))
        if kind == "form":
            fields = "".join(f'<input name="{html_lib.escape(str(f))}" placeholder="{html_lib.escape(str(f))}">'
                             for f in widget.get("fields", ["email"]) if isinstance(f, str))
            parts.append(f'<form class="widget form" method="post">{fields}<button>{text or "Submit"}</button></form>')
        else:
            parts.append(f'<section class="widget {kind}">{text}</section>')
    title = html_lib.escape(seo.get("title") or row["title"])
    description = html_lib.escape(seo.get("description") or "")
    return (f'<!doctype html>\n<html><head><meta charset="utf-8"><title>{title}</title>'
            f'<meta name="description" content="{description}"></head>\n<body>\n' + "\n".join(parts) +
            "\n</body></html>\n")


missing = set(SPECS) - set(HANDLERS)
assert not missing, f"tools without a handler: {sorted(missing)}"
