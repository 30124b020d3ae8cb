"""Postern's tables in the sandbox database, the queries on them, and the demo seed.

Lives in the same SQLite file as the PO6 tables. Agent and enrollment keys are rows of the
shared `sandbox_keys` table (service "postern" / "postern-enroll") so `po6-tui sandbox keys`
lists them; everything else is in `postern_*` tables. Functions take the connection and the
sandbox time (`now`) explicitly, so `po6-tui sandbox deliver` can call `deliver_inbound` from
another process on the same file.

Rules the hosted service does not document, as the sandbox implements them:
- Tenancy: every key belongs to a tenant; a tenant's keys see all of its inboxes, and an inbox
  of another tenant is "not found".
- Slots: an enrollment token has `mailboxes_max` slots shared by every agent enrolled with it;
  each inbox created uses one and deleting it does not give it back.
- Daily send cap: `5 + 5 × (whole days since the inbox was created)`, at most 100, counted per
  UTC day of the sandbox clock; over it, 429 with `Retry-After` = seconds to the next UTC midnight.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import random
import re
import secrets
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from po6_tui.sandbox.mailparse import ParsedMessage
from po6_tui.sandbox.transaction import transaction

SCOPES = ("mailbox:create", "mailbox:read", "mailbox:send")
DEFAULT_DOMAIN = "postern.test"
DAILY_CAP_START, DAILY_CAP_STEP, DAILY_CAP_MAX = 5, 5, 100
SNIPPET_CHARS = 140

SCHEMA = """
CREATE TABLE IF NOT EXISTS postern_enrollments (
    token TEXT PRIMARY KEY, tenant TEXT NOT NULL, plan TEXT NOT NULL, scopes JSON NOT NULL,
    allowed_domains JSON NOT NULL, mailboxes_max INTEGER NOT NULL, mailboxes_used INTEGER NOT NULL DEFAULT 0,
    revoked INTEGER NOT NULL DEFAULT 0, expires_at TEXT, created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS postern_agents (
    id TEXT PRIMARY KEY, key TEXT NOT NULL UNIQUE, tenant TEXT NOT NULL, handle TEXT,
    enrollment TEXT NOT NULL REFERENCES postern_enrollments(token), created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS postern_inboxes (
    seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, address TEXT NOT NULL UNIQUE,
    tenant TEXT NOT NULL, agent_id TEXT NOT NULL, display_name TEXT, domain TEXT NOT NULL,
    client_id TEXT, created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS postern_inboxes_client ON postern_inboxes(agent_id, client_id)
    WHERE client_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS postern_threads (
    seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, inbox_id TEXT NOT NULL, subject TEXT NOT NULL,
    subject_key TEXT NOT NULL, created_at TEXT NOT NULL, last_message_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS postern_threads_inbox ON postern_threads(inbox_id, subject_key);
CREATE TABLE IF NOT EXISTS postern_messages (
    seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, inbox_id TEXT NOT NULL, thread_id TEXT NOT NULL,
    direction TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    from_addr TEXT NOT NULL, from_name TEXT, to_addrs JSON NOT NULL, cc_addrs JSON NOT NULL,
    bcc_addrs JSON NOT NULL, reply_to TEXT, subject TEXT NOT NULL, text TEXT NOT NULL, html TEXT,
    headers JSON NOT NULL, attachments JSON NOT NULL, message_id TEXT NOT NULL, in_reply_to TEXT,
    received_at TEXT NOT NULL, unread INTEGER NOT NULL, status TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS postern_messages_inbox ON postern_messages(inbox_id, direction, seq);
CREATE INDEX IF NOT EXISTS postern_messages_thread ON postern_messages(thread_id, seq);
CREATE TABLE IF NOT EXISTS postern_idempotency (
    agent_id TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL, status INTEGER NOT NULL,
    response JSON NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY (agent_id, key)
);
CREATE TABLE IF NOT EXISTS postern_webhooks (
    seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, tenant TEXT NOT NULL, agent_id TEXT NOT NULL,
    url TEXT NOT NULL, events JSON NOT NULL, address TEXT, secret TEXT NOT NULL, created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS postern_webhook_deliveries (
    seq INTEGER PRIMARY KEY, webhook_id TEXT NOT NULL, event TEXT NOT NULL, body TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at TEXT NOT NULL, delivered_at TEXT,
    last_error TEXT, done INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS postern_webhook_pending ON postern_webhook_deliveries(done, next_attempt_at);
"""


class PosternError(Exception):
    """A refusal in Postern's terms; the routes turn it into the error envelope."""

    def __init__(self, status: int, code: str, message: str, details: Any = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.details = details if details is not None else {}
        self.headers = headers or {}


def not_found(what: str) -> PosternError:
    return PosternError(404, "not_found", f"{what} not found")


# ---------------------------------------------------------------------------------- basics

def iso(moment: datetime) -> str:
    """Sortable UTC text with milliseconds: the one time format of every Postern row."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_time(text: str) -> datetime:
    """ISO 8601 from a client; naive times are UTC. Raises ValueError."""
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def new_id(prefix: str, rng: random.Random | None = None) -> str:
    return prefix + (f"{rng.getrandbits(64):016x}" if rng else secrets.token_hex(8))


def new_secret(prefix: str) -> str:
    """A key or token: always random, also in the demo seed (ids may be seeded, secrets never)."""
    return prefix + secrets.token_hex(24)


def _rows(conn: sqlite3.Connection, sql: str, params: tuple | list = ()) -> list[sqlite3.Row]:
    # Always fetch everything: an unfinished SELECT would hold a read snapshot, and writers in
    # other processes (`po6-tui sandbox deliver`) would then stay invisible to us.
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _row(conn: sqlite3.Connection, sql: str, params: tuple | list = ()) -> dict | None:
    rows = _rows(conn, sql, params)
    return rows[0] if rows else None


def create_schema(conn: sqlite3.Connection) -> None:
    """Create Postern's tables if missing (the keys table is store.py's); safe to call again."""
    conn.executescript(SCHEMA)


# ------------------------------------------------------------------------------ pagination

@dataclass(frozen=True)
class PageRequest:
    limit: int = 20
    after_seq: int | None = None  # from the cursor: continue below this seq (newest first)


def encode_cursor(seq: int) -> str:
    return "cur_" + base64.urlsafe_b64encode(json.dumps({"s": seq}).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        raw = cursor.removeprefix("cur_")
        seq = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))["s"]
        if isinstance(seq, int) and not isinstance(seq, bool) and 0 <= seq < 2**63:  # SQLite's integers
            return seq
    except (ValueError, KeyError, TypeError, RecursionError):  # RecursionError: a deeply nested "cursor"
        pass
    raise PosternError(400, "bad_request", "invalid cursor: pass back the next_cursor of the previous page",
                       {"cursor": cursor[:100]})


def paginate(conn: sqlite3.Connection, sql: str, params: list, page: PageRequest, shape: Any) -> dict:
    """One page, newest first, of any SELECT that yields a `seq` column (the cursor's sort key)."""
    paged, params = f"SELECT * FROM ({sql}) AS listing", list(params)
    if page.after_seq is not None:
        paged, params = paged + " WHERE seq < ?", [*params, page.after_seq]
    rows = _rows(conn, paged + " ORDER BY seq DESC LIMIT ?", [*params, page.limit + 1])
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    return {"data": [shape(row) for row in rows],
            "next_cursor": encode_cursor(rows[-1]["seq"]) if more else None}


# ------------------------------------------------------------------------ keys and agents

@dataclass(frozen=True)
class Agent:
    id: str
    key: str = field(repr=False)
    tenant: str
    plan: str
    scopes: tuple[str, ...]
    enrollment: str = field(repr=False)


def agent_for_key(conn: sqlite3.Connection, key: str, now: datetime) -> Agent | None:
    row = _row(conn, "SELECT a.id, a.key, a.tenant, a.enrollment, k.plan, k.scopes, k.expires_at "
                     "FROM postern_agents a JOIN sandbox_keys k ON k.key = a.key "
                     "WHERE a.key = ? AND k.service = 'postern'", (key,))
    if row is None or (row["expires_at"] and row["expires_at"] <= iso(now)):
        return None
    return Agent(id=row["id"], key=row["key"], tenant=row["tenant"], plan=row["plan"] or "free",
                 scopes=tuple(json.loads(row["scopes"] or "[]")), enrollment=row["enrollment"])


def _insert_key(conn, key, service, label, tenant, plan, scopes, now, expires_at=None) -> None:
    conn.execute("INSERT INTO sandbox_keys (key, service, label, tenant, plan, scopes, mailboxes, created_at, "
                 "expires_at) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?)",
                 (key, service, label, tenant, plan, json.dumps(list(scopes)), iso(now), expires_at))


def create_enrollment(conn, *, tenant: str, plan: str, label: str | None, now: datetime,
                      mailboxes_max: int, scopes=SCOPES, allowed_domains=(DEFAULT_DOMAIN,),
                      expires_at: datetime | None = None, revoked: bool = False) -> str:
    """A `pk_enroll_` token; listed in `sandbox_keys` only when it has a label."""
    token = new_secret("pk_enroll_")
    expires = iso(expires_at) if expires_at else None
    conn.execute("INSERT INTO postern_enrollments (token, tenant, plan, scopes, allowed_domains, mailboxes_max, "
                 "revoked, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 (token, tenant, plan, json.dumps(list(scopes)), json.dumps(list(allowed_domains)),
                  mailboxes_max, int(revoked), expires, iso(now)))
    if label:
        _insert_key(conn, token, "postern-enroll", label, tenant, plan, scopes, now, expires)
    return token


def enrollment_row(conn, token: str) -> dict | None:
    return _row(conn, "SELECT * FROM postern_enrollments WHERE token = ?", (token,))


def create_agent(conn, enrollment: dict, *, handle: str | None, label: str | None, now: datetime,
                 scopes=None, rng: random.Random | None = None) -> dict:
    key = new_secret("pk_agent_")
    agent_id = new_id("agent_", rng)
    scopes = list(scopes if scopes is not None else json.loads(enrollment["scopes"]))
    conn.execute("INSERT INTO postern_agents (id, key, tenant, handle, enrollment, created_at) "
                 "VALUES (?, ?, ?, ?, ?, ?)", (agent_id, key, enrollment["tenant"], handle, enrollment["token"], iso(now)))
    _insert_key(conn, key, "postern", label or f"enrolled:{handle or agent_id}", enrollment["tenant"],
                enrollment["plan"], scopes, now, enrollment["expires_at"])
    return {"agent_id": agent_id, "agent_key": key, "agent_key_prefix": key[:13], "scopes": scopes,
            "allowed_domains": json.loads(enrollment["allowed_domains"]),
            "mailboxes_used": enrollment["mailboxes_used"], "mailboxes_max": enrollment["mailboxes_max"],
            "expires_at": enrollment["expires_at"]}


def redeem_enrollment(conn, token: str, handle: str | None, now: datetime) -> dict:
    """POST /v1/enroll: a new agent key on the token's tenant, scopes and slots."""
    enrollment = enrollment_row(conn, token) if token.startswith("pk_enroll_") else None
    if enrollment is None:
        raise PosternError(401, "invalid_enrollment_token", "this enrollment token is not valid")
    if enrollment["revoked"]:
        raise PosternError(401, "enrollment_token_revoked", "this enrollment token has been revoked")
    if enrollment["expires_at"] and enrollment["expires_at"] <= iso(now):
        raise PosternError(401, "enrollment_token_expired", f"this enrollment token expired at {enrollment['expires_at']}")
    if enrollment["mailboxes_used"] >= enrollment["mailboxes_max"]:
        raise _exhausted(enrollment)
    with transaction(conn):
        return create_agent(conn, enrollment, handle=handle, label=None, now=now)


def _exhausted(enrollment: dict) -> PosternError:
    return PosternError(409, "enrollment_token_exhausted",
                        f"all {enrollment['mailboxes_max']} mailbox slots of this enrollment are used "
                        "(deleting a mailbox does not give its slot back)",
                        {"mailboxes_used": enrollment["mailboxes_used"], "mailboxes_max": enrollment["mailboxes_max"]})


# -------------------------------------------------------------------------------- inboxes

def _inbox_shape(row: dict) -> dict:
    return {"id": row["id"], "address": row["address"], "display_name": row["display_name"],
            "domain": row["domain"], "status": "live", "created_at": row["created_at"]}


USERNAME = re.compile(r"^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$")


def create_inbox(conn, agent: Agent, *, username: str | None, domain: str | None, display_name: str | None,
                 client_id: str | None, now: datetime) -> tuple[dict, bool]:
    """(inbox, created). The same `client_id` from the same agent gives back the same inbox."""
    if client_id:
        existing = _row(conn, "SELECT * FROM postern_inboxes WHERE agent_id = ? AND client_id = ?",
                        (agent.id, client_id))
        if existing:
            return _inbox_shape(existing), False
    enrollment = enrollment_row(conn, agent.enrollment)
    allowed = json.loads(enrollment["allowed_domains"])
    domain = (domain or allowed[0]).lower()
    if domain not in allowed:
        raise PosternError(422, "validation_failed", f"domain {domain!r} is not one of this key's allowed domains",
                           {"domain": domain, "allowed_domains": allowed})
    username = (username or f"agent-{secrets.token_hex(3)}").lower()
    if not USERNAME.match(username):
        raise PosternError(422, "validation_failed", "username may use a-z, 0-9, '.', '_' and '-' (1-64 characters, "
                           "starting and ending with a letter or digit)", {"username": username})
    address = f"{username}@{domain}"
    if _row(conn, "SELECT 1 FROM postern_inboxes WHERE address = ?", (address,)):
        raise PosternError(422, "validation_failed", f"the address {address} is taken", {"username": username})
    if enrollment["mailboxes_used"] >= enrollment["mailboxes_max"]:
        raise _exhausted(enrollment)
    with transaction(conn):
        inbox = insert_inbox(conn, agent.id, agent.tenant, address, display_name, client_id, now)
    return _inbox_shape(inbox), True


def insert_inbox(conn, agent_id: str, tenant: str, address: str, display_name: str | None,
                 client_id: str | None, now: datetime, rng: random.Random | None = None) -> dict:
    """A new inbox using one slot of its agent's enrollment (no checks: the caller made them)."""
    inbox_id = new_id("inbox_", rng)
    conn.execute("UPDATE postern_enrollments SET mailboxes_used = mailboxes_used + 1 "
                 "WHERE token = (SELECT enrollment FROM postern_agents WHERE id = ?)", (agent_id,))
    conn.execute("INSERT INTO postern_inboxes (id, address, tenant, agent_id, display_name, domain, client_id, "
                 "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                 (inbox_id, address, tenant, agent_id, display_name, address.split("@")[1], client_id, iso(now)))
    return _row(conn, "SELECT * FROM postern_inboxes WHERE id = ?", (inbox_id,))


def find_inbox(conn, address: str) -> dict | None:
    return _row(conn, "SELECT * FROM postern_inboxes WHERE address = ?", (address.strip().lower(),))


def tenant_inbox(conn, agent: Agent, address: str) -> dict:
    inbox = find_inbox(conn, address)
    if inbox is None or inbox["tenant"] != agent.tenant:
        raise not_found(f"inbox {address}")
    return inbox


def get_inbox(conn, agent: Agent, address: str) -> dict:
    return _inbox_shape(tenant_inbox(conn, agent, address))


def list_inboxes(conn, agent: Agent, page: PageRequest) -> dict:
    return paginate(conn, "SELECT * FROM postern_inboxes WHERE tenant = ?", [agent.tenant], page,
                    lambda row: {"id": row["id"], "address": row["address"], "status": "live",
                                 "display_name": row["display_name"], "created_at": row["created_at"]})


def delete_inbox(conn, agent: Agent, address: str) -> dict:
    inbox = tenant_inbox(conn, agent, address)
    with transaction(conn):
        for table, column in (("postern_messages", "inbox_id"), ("postern_threads", "inbox_id"),
                              ("postern_inboxes", "id")):
            conn.execute(f"DELETE FROM {table} WHERE {column} = ?", (inbox["id"],))
        conn.execute("DELETE FROM postern_webhooks WHERE address = ?", (inbox["address"],))
    return {"id": inbox["id"], "address": inbox["address"], "deleted": True}


# ------------------------------------------------------------------------------- messages

def _snippet(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= SNIPPET_CHARS else flat[: SNIPPET_CHARS - 1] + "…"


def message_summary(row: dict) -> dict:
    return {"id": row["id"], "thread_id": row["thread_id"], "inbox": row.get("address"),
            "direction": row["direction"], "from": row["from_addr"], "from_name": row["from_name"],
            "to": json.loads(row["to_addrs"]), "subject": row["subject"], "snippet": _snippet(row["text"]),
            "received_at": row["received_at"], "unread": bool(row["unread"]), "status": row["status"]}


def message_full(row: dict) -> dict:
    return {**message_summary(row), "cc": json.loads(row["cc_addrs"]), "bcc": json.loads(row["bcc_addrs"]),
            "reply_to": row["reply_to"], "text": row["text"], "html": row["html"],
            "headers": json.loads(row["headers"]), "attachments": json.loads(row["attachments"]),
            "message_id": row["message_id"], "in_reply_to": row["in_reply_to"]}


_MESSAGES = "SELECT m.*, i.address, i.tenant FROM postern_messages m JOIN postern_inboxes i ON i.id = m.inbox_id"


def list_messages(conn, inbox: dict, *, direction: str | None, unread_only: bool, page: PageRequest) -> dict:
    sql, params = f"{_MESSAGES} WHERE m.inbox_id = ?", [inbox["id"]]
    if direction:
        sql, params = sql + " AND m.direction = ?", [*params, direction]
    if unread_only:
        sql += " AND m.unread = 1"
    return paginate(conn, sql, params, page, message_summary)


def tenant_message(conn, agent: Agent, message_id: str) -> dict:
    row = _row(conn, f"{_MESSAGES} WHERE m.id = ?", (message_id,))
    if row is None or row["tenant"] != agent.tenant:
        raise not_found(f"message {message_id}")
    return row


def read_message(conn, agent: Agent, message_id: str) -> dict:
    """GET /v1/messages/{id}: the full message; reading it marks it read."""
    row = tenant_message(conn, agent, message_id)
    if row["unread"]:
        with transaction(conn):
            conn.execute("UPDATE postern_messages SET unread = 0 WHERE id = ?", (message_id,))
        row["unread"] = 0
    return message_full(row)


def search_messages(conn, agent: Agent, query: str, address: str | None, page: PageRequest) -> dict:
    like = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    sql = (f"{_MESSAGES} WHERE i.tenant = ? AND (m.subject LIKE ? ESCAPE '\\' OR m.text LIKE ? ESCAPE '\\' "
           "OR m.from_addr LIKE ? ESCAPE '\\' OR m.from_name LIKE ? ESCAPE '\\')")
    params: list = [agent.tenant, like, like, like, like]
    if address:
        sql, params = sql + " AND m.inbox_id = ?", [*params, tenant_inbox(conn, agent, address)["id"]]
    return paginate(conn, sql, params, page, message_summary)


def wait_candidates(conn, inbox: dict, *, after_seq: int | None, since: str | None, sender: str | None,
                    subject: str | None) -> list[dict]:
    """The inbound messages of `inbox` after the baseline that pass the `from` and `subject`
    filters, oldest first (the caller applies the regex: postern_regex.py, off the event loop).
    Messages never change, so the next poll can start after the last seq returned."""
    sql, params = f"{_MESSAGES} WHERE m.inbox_id = ? AND m.direction = 'inbound'", [inbox["id"]]
    if since is not None:
        sql, params = sql + " AND m.received_at > ?", [*params, since]
    if after_seq is not None:
        sql, params = sql + " AND m.seq > ?", [*params, after_seq]
    if sender:
        like = f"%{sender.lower()}%"
        sql, params = sql + " AND (lower(m.from_addr) LIKE ? OR lower(coalesce(m.from_name, '')) LIKE ?)", [*params, like, like]
    if subject:
        sql, params = sql + " AND lower(m.subject) LIKE ?", [*params, f"%{subject.lower()}%"]
    return _rows(conn, sql + " ORDER BY m.seq", params)


def last_message_seq(conn) -> int:
    return _row(conn, "SELECT coalesce(max(seq), 0) AS seq FROM postern_messages")["seq"]


# -------------------------------------------------------------------------------- threads

_SUBJECT_PREFIX = re.compile(r"^\s*((re|fwd?|aw|sv)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)


def subject_key(subject: str) -> str:
    return " ".join(_SUBJECT_PREFIX.sub("", subject or "").lower().split())


def _thread_for(conn, inbox_id: str, subject: str, in_reply_to: str | None, now: datetime,
                rng: random.Random | None = None) -> str:
    """Join the thread of the message replied to, else the inbox's thread with the same subject."""
    if in_reply_to:
        parent = _row(conn, "SELECT thread_id FROM postern_messages WHERE inbox_id = ? AND message_id = ?",
                      (inbox_id, in_reply_to))
        if parent:
            return parent["thread_id"]
    key = subject_key(subject)
    if key:
        same = _row(conn, "SELECT id FROM postern_threads WHERE inbox_id = ? AND subject_key = ? "
                          "ORDER BY seq DESC LIMIT 1", (inbox_id, key))
        if same:
            return same["id"]
    thread_id = new_id("thread_", rng)
    conn.execute("INSERT INTO postern_threads (id, inbox_id, subject, subject_key, created_at, last_message_at) "
                 "VALUES (?, ?, ?, ?, ?, ?)", (thread_id, inbox_id, subject or "(no subject)", key, iso(now), iso(now)))
    return thread_id


def _thread_shape(row: dict) -> dict:
    return {"id": row["id"], "inbox": row["address"], "subject": row["subject"],
            "message_count": row["message_count"], "participants": json.loads(row["participants"] or "[]"),
            "last_message_at": row["last_message_at"], "unread_count": row["unread_count"]}


# A thread's `seq` is its newest message's, so threads list (and page) by latest activity.
_THREADS = ("SELECT t.id, t.subject, t.last_message_at, i.address, i.tenant, count(m.id) AS message_count,"
            " coalesce(sum(m.unread), 0) AS unread_count, max(m.seq) AS seq,"
            " json_group_array(DISTINCT m.from_addr) AS participants"
            " FROM postern_threads t JOIN postern_inboxes i ON i.id = t.inbox_id"
            " JOIN postern_messages m ON m.thread_id = t.id")


def list_threads(conn, inbox: dict, page: PageRequest) -> dict:
    return paginate(conn, f"{_THREADS} WHERE t.inbox_id = ? GROUP BY t.id", [inbox["id"]], page, _thread_shape)


def get_thread(conn, agent: Agent, thread_id: str) -> dict:
    row = _row(conn, f"{_THREADS} WHERE t.id = ? GROUP BY t.id", (thread_id,))
    if row is None or row["tenant"] != agent.tenant:
        raise not_found(f"thread {thread_id}")
    messages = _rows(conn, f"{_MESSAGES} WHERE m.thread_id = ? ORDER BY m.seq", (thread_id,))
    return {**_thread_shape(row), "messages": [message_summary(m) for m in messages]}


# ------------------------------------------------------------------- storing and delivering

def insert_message(conn, inbox: dict, mail: ParsedMessage, *, direction: str, status: str, unread: bool,
                    bcc: list[str] = (), now: datetime, rng: random.Random | None = None) -> dict:
    thread_id = _thread_for(conn, inbox["id"], mail.subject or "", mail.in_reply_to, now, rng)
    message_id = new_id("msg_", rng)
    headers: dict[str, str] = {}
    for name, value in mail.headers or []:
        headers.setdefault(str(name), str(value))
    attachments = [{"filename": f, "content_type": c, "size": n} for f, c, n in mail.attachments or []]
    conn.execute(
        "INSERT INTO postern_messages (id, inbox_id, thread_id, direction, from_addr, from_name, to_addrs, cc_addrs, "
        "bcc_addrs, reply_to, subject, text, html, headers, attachments, message_id, in_reply_to, received_at, "
        "unread, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (message_id, inbox["id"], thread_id, direction, mail.from_addr, mail.from_name, json.dumps(list(mail.to)),
         json.dumps(list(mail.cc or [])), json.dumps(list(bcc)), mail.reply_to, mail.subject or "", mail.text or "",
         mail.html, json.dumps(headers), json.dumps(attachments),
         mail.message_id or f"<{message_id}@{inbox['domain']}>", mail.in_reply_to, iso(now), int(unread), status))
    conn.execute("UPDATE postern_threads SET last_message_at = ? WHERE id = ?", (iso(now), thread_id))
    return _row(conn, f"{_MESSAGES} WHERE m.id = ?", (message_id,))


def deliver_inbound(conn: sqlite3.Connection, address: str, parsed: ParsedMessage, now: datetime) -> bool:
    """Store `parsed` as an unread inbound message if `address` is a Postern inbox.

    Returns False (and does nothing) for any other address. Queues `message.received` webhook
    deliveries, which the server's dispatcher sends (also when another process delivered).
    """
    inbox = find_inbox(conn, address)
    if inbox is None:
        return False
    with transaction(conn):
        row = insert_message(conn, inbox, parsed, direction="inbound", status="received", unread=True, now=now)
        _queue_webhooks(conn, inbox, row, now)
    return True


def daily_cap(inbox: dict, now: datetime) -> int:
    age_days = max(0, (now - parse_time(inbox["created_at"])).days)
    return min(DAILY_CAP_START + DAILY_CAP_STEP * age_days, DAILY_CAP_MAX)


def check_send_cap(conn, inbox: dict, now: datetime) -> None:
    day_start = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    sent = _row(conn, "SELECT count(*) AS n FROM postern_messages WHERE inbox_id = ? AND direction = 'outbound' "
                      "AND received_at >= ?", (inbox["id"], iso(day_start)))["n"]
    cap = daily_cap(inbox, now)
    if sent >= cap:
        reset = day_start + timedelta(days=1)
        retry_after = max(1, math.ceil((reset - now).total_seconds()))
        raise PosternError(429, "rate_limited",
                           f"daily send limit of {inbox['address']} reached ({cap} per day; new mailboxes start at "
                           f"{DAILY_CAP_START} and gain {DAILY_CAP_STEP} a day)",
                           {"limit": cap, "sent_today": sent, "resets_at": iso(reset)},
                           headers={"Retry-After": str(retry_after)})


def record_outbound(conn, inbox: dict, mail: ParsedMessage, *, bcc: list[str], now: datetime,
                    rng: random.Random | None = None) -> dict:
    """Store a sent message in its inbox's thread; status is settled by `set_status` after delivery."""
    return insert_message(conn, inbox, mail, direction="outbound", status="queued", unread=False, bcc=bcc,
                           now=now, rng=rng)


def set_status(conn, message_id: str, status: str) -> None:
    conn.execute("UPDATE postern_messages SET status = ? WHERE id = ?", (status, message_id))


# ---------------------------------------------------------------------------- idempotency

def request_hash(body: Any) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def replay(conn, agent: Agent, key: str, body_hash: str) -> tuple[int, dict] | None:
    """The stored answer for a repeated idempotency key; 409 if the key came with another request."""
    row = _row(conn, "SELECT * FROM postern_idempotency WHERE agent_id = ? AND key = ?", (agent.id, key))
    if row is None:
        return None
    if row["request_hash"] != body_hash:
        raise PosternError(409, "idempotency_conflict",
                           "this idempotency_key was already used for a different request",
                           {"idempotency_key": key})
    return row["status"], json.loads(row["response"])


def remember(conn, agent: Agent, key: str, body_hash: str, status: int, response: dict, now: datetime) -> None:
    conn.execute("INSERT INTO postern_idempotency (agent_id, key, request_hash, status, response, created_at) "
                 "VALUES (?, ?, ?, ?, ?, ?)", (agent.id, key, body_hash, status, json.dumps(response), iso(now)))


# ------------------------------------------------------------------------------- webhooks

def create_webhook(conn, agent: Agent, *, url: str, events: list[str], address: str | None, now: datetime) -> dict:
    if address:
        address = tenant_inbox(conn, agent, address)["address"]
    webhook_id, secret = new_id("wh_"), new_secret("whsec_")
    with transaction(conn):
        conn.execute("INSERT INTO postern_webhooks (id, tenant, agent_id, url, events, address, secret, created_at) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     (webhook_id, agent.tenant, agent.id, url, json.dumps(events), address, secret, iso(now)))
    return {"id": webhook_id, "url": url, "events": events, "address": address, "secret": secret,
            "created_at": iso(now)}


def _queue_webhooks(conn, inbox: dict, message: dict, now: datetime) -> None:
    hooks = _rows(conn, "SELECT id, events FROM postern_webhooks WHERE tenant = ? AND (address IS NULL OR address = ?)",
                  (inbox["tenant"], inbox["address"]))
    summary = message_summary(message)
    body = json.dumps({"event": "message.received", "inbox": inbox["address"],
                       "message": {k: summary[k] for k in ("id", "thread_id", "from", "subject", "received_at")}})
    for hook in hooks:
        if "message.received" in json.loads(hook["events"]):
            conn.execute("INSERT INTO postern_webhook_deliveries (webhook_id, event, body, next_attempt_at) "
                         "VALUES (?, 'message.received', ?, ?)", (hook["id"], body, iso(now)))


def due_webhook_deliveries(conn, now: datetime, limit: int = 20) -> list[dict]:
    return _rows(conn, "SELECT d.seq, d.event, d.body, d.attempts, w.url, w.secret FROM postern_webhook_deliveries d "
                       "JOIN postern_webhooks w ON w.id = d.webhook_id WHERE d.done = 0 AND d.next_attempt_at <= ? "
                       "ORDER BY d.seq LIMIT ?", (iso(now), limit))


def finish_webhook_delivery(conn, seq: int, *, ok: bool, error: str | None, now: datetime,
                            max_attempts: int = 3) -> None:
    """Mark a delivery done, or schedule its retry (1 s, then 4 s) until `max_attempts`."""
    with transaction(conn):
        attempts = _row(conn, "SELECT attempts FROM postern_webhook_deliveries WHERE seq = ?", (seq,))["attempts"] + 1
        done = ok or attempts >= max_attempts
        conn.execute("UPDATE postern_webhook_deliveries SET attempts = ?, done = ?, delivered_at = ?, last_error = ?, "
                     "next_attempt_at = ? WHERE seq = ?",
                     (attempts, int(done), iso(now) if ok else None, error,
                      iso(now + timedelta(seconds=4 ** (attempts - 1))), seq))
