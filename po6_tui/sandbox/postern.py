"""Postern's REST API (API.md part 2) as Starlette routes, mounted by the server under `/v1`.

Every handler runs inside one wrapper (`_endpoint`) that authenticates, checks the scope,
turns refusals into the error envelope and stamps `X-Postern-Request-Id` on every response.
Handlers run on the event loop thread, the only user of `store.conn`.

`wait` is a real long-poll: it re-reads the database every `WAIT_POLL_SECONDS`, so a message
written by another process (`po6-tui sandbox deliver`) wakes it as quickly as one sent here.
Its regex (the caller's) is matched in worker processes with a time budget (postern_regex.py),
never on the event loop.
Webhook deliveries are queued in the database by whoever stores an inbound message and sent
by one background task per server (`WebhookDispatcher`), started by the first request.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from po6_tui.sandbox import postern_store as ps
from po6_tui.sandbox.delivery import dispatch
from po6_tui.sandbox.mailparse import ParsedMessage
from po6_tui.sandbox.postern_extract import extract
from po6_tui.sandbox.postern_regex import TEXT_CHARS, RegexMatcher, RegexRejected, RegexTooSlow, matched_text
from po6_tui.sandbox.postern_store import Agent, PosternError
from po6_tui.sandbox.postern_webhooks import WebhookDispatcher, is_loopback_url
from po6_tui.sandbox.transaction import transaction

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024
WAIT_POLL_SECONDS = 0.1
WAIT_MAX_SECONDS = 300
MAX_RECIPIENTS = 50
ADDRESS = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$")


# --------------------------------------------------------------------------- request bodies

def _address(value: str) -> str:
    value = value.strip()
    if not ADDRESS.match(value) or len(value) > 254:
        raise ValueError(f"not an email address: {value[:80]!r}")
    return value.lower()


def _address_list(value: Any) -> list[str]:
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ValueError("give an address or a list of addresses")
    if len(values) > MAX_RECIPIENTS:
        raise ValueError(f"at most {MAX_RECIPIENTS} addresses")
    return [_address(v) for v in values]


def _webhook_url(value: str) -> str:
    if not is_loopback_url(value):
        raise ValueError("the sandbox delivers webhooks only to loopback URLs (http://127.0.0.1:…, http://[::1]:…, "
                         "http://localhost:…)")
    return value


class Body(BaseModel):
    model_config = ConfigDict(extra="ignore", str_max_length=MAX_BODY_BYTES)


class EnrollBody(Body):
    enrollment_token: str = Field(min_length=1, max_length=200)
    agent_handle: str | None = Field(None, max_length=64)


class CreateInboxBody(Body):
    username: str | None = Field(None, max_length=64)
    domain: str | None = Field(None, max_length=253)
    display_name: str | None = Field(None, max_length=128)
    client_id: str | None = Field(None, min_length=1, max_length=200)
    inbound_webhook_url: str | None = Field(None, max_length=2000)

    _url = field_validator("inbound_webhook_url")(lambda v: v if v is None else _webhook_url(v))


class SendBody(Body):
    to: list[str]
    subject: str = Field(max_length=998)
    text: str | None = None
    html: str | None = None
    cc: list[str] = []
    bcc: list[str] = []
    reply_to: str | None = None
    idempotency_key: str | None = Field(None, min_length=1, max_length=255)

    _lists = field_validator("to", "cc", "bcc", mode="before")(lambda v: _address_list(v))
    _reply_to = field_validator("reply_to")(lambda v: v if v is None else _address(v))

    @model_validator(mode="after")
    def _content(self) -> "SendBody":
        if not self.to:
            raise ValueError("`to` needs at least one address")
        if self.text is None and self.html is None:
            raise ValueError("give `text`, `html` or both")
        return self


class ReplyBody(Body):
    text: str | None = None
    html: str | None = None
    idempotency_key: str | None = Field(None, min_length=1, max_length=255)

    @model_validator(mode="after")
    def _content(self) -> "ReplyBody":
        if self.text is None and self.html is None:
            raise ValueError("give `text`, `html` or both")
        return self


class WaitBody(Body):
    sender: str | None = Field(None, alias="from", max_length=254)
    subject: str | None = Field(None, max_length=998)
    regex: str | None = Field(None, max_length=500)
    since: datetime | None = None
    timeout_seconds: float = Field(120, ge=0, le=WAIT_MAX_SECONDS)

    @field_validator("since")
    @classmethod
    def _in_utc(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        try:
            return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
        except OverflowError:  # 0001-01-01T00:00+23:59 is a valid ISO time that no UTC date can hold
            raise ValueError("a time between the years 1 and 9999 (UTC) is needed") from None

    @field_validator("regex")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)  # at most 500 characters: compiling is quick; matching is not (postern_regex.py)
            except (re.error, OverflowError, RecursionError) as exc:  # OverflowError: a{99999999999}
                raise ValueError(f"not a valid regular expression: {exc}") from None
        return value


class WebhookBody(Body):
    url: str = Field(max_length=2000)
    events: list[Literal["message.received"]] = Field(default_factory=lambda: ["message.received"], min_length=1)
    address: str | None = Field(None, max_length=254)

    _url = field_validator("url")(lambda v: _webhook_url(v))


# ------------------------------------------------------------------------------ plumbing

def error_response(error: PosternError, request_id: str) -> JSONResponse:
    body = {"error": {"code": error.code, "message": error.message, "details": error.details,
                      "request_id": request_id}}
    return JSONResponse(body, error.status, headers=error.headers)


def _problems(error: ValidationError) -> list[dict]:
    return [{"field": ".".join(str(p) for p in item["loc"]) or "body",
             "problem": item["msg"].removeprefix("Value error, ")} for item in error.errors()]


async def read_body(request: Request, model: type[Body]) -> Body:
    """The JSON body as `model`: 400 if it is too big or not a JSON object, 422 if a field is wrong."""
    declared = whole_number(request.headers.get("content-length", ""))
    if declared is not None and declared > MAX_BODY_BYTES:
        raise _too_big()
    raw = bytearray()
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_BODY_BYTES:
            raise _too_big()
    try:
        data = json.loads(raw) if raw.strip() else {}
    except ValueError as exc:  # includes bad UTF-8
        raise PosternError(400, "bad_request", f"the request body is not valid JSON: {exc}") from None
    except RecursionError:
        raise PosternError(400, "bad_request", "the request body is nested too deeply") from None
    if not isinstance(data, dict):
        raise PosternError(400, "bad_request", "the request body must be a JSON object")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = _problems(exc)
        summary = "; ".join(f"{p['field']}: {p['problem']}" for p in problems[:3])
        raise PosternError(422, "validation_failed", f"invalid request: {summary}", problems) from None


def _too_big() -> PosternError:
    return PosternError(400, "bad_request", f"the request body is larger than {MAX_BODY_BYTES // 1024} KiB")


def whole_number(text: str, digits: int = 18) -> int | None:
    """`text` as a non-negative integer if it is one written in ASCII digits (at most `digits` of
    them), else None. `str.isdigit` alone also passes '²' and other Unicode digits, which `int` refuses."""
    if text.isascii() and text.isdigit() and len(text) <= digits:
        return int(text)
    return None


def page_request(request: Request) -> ps.PageRequest:
    limit = whole_number(request.query_params.get("limit", "20"), digits=3)
    if limit is None or not 1 <= limit <= 100:
        raise PosternError(422, "validation_failed", "limit must be a whole number from 1 to 100",
                           [{"field": "limit", "problem": "must be 1-100"}])
    cursor = request.query_params.get("cursor")
    return ps.PageRequest(limit=limit, after_seq=ps.decode_cursor(cursor) if cursor else None)


def flag(request: Request, name: str) -> bool:
    value = request.query_params.get(name, "false").lower()
    if value not in ("true", "false", "1", "0", "yes", "no"):
        raise PosternError(422, "validation_failed", f"{name} must be true or false",
                           [{"field": name, "problem": "must be true or false"}])
    return value in ("true", "1", "yes")


@dataclass
class Call:
    request: Request
    agent: Agent | None
    now: datetime

    @property
    def me(self) -> Agent:
        assert self.agent is not None
        return self.agent


Handler = Callable[[Any, Call], Awaitable[tuple[int, dict]]]


def _endpoint(scope: str | None, *, auth: bool = True) -> Callable[[Handler], Callable]:
    """The one request wrapper: auth, scope, envelope, request id."""

    def wrap(handler: Handler) -> Callable:
        async def run(self: PosternApi, request: Request) -> Response:
            request_id = ps.new_id("req_")
            try:
                self.webhooks.ensure_running()
                now = self.store.now()
                agent = self._authenticate(request, now) if auth else None
                if scope and scope not in agent.scopes:
                    raise PosternError(403, "scope_denied", f"this key lacks the {scope} scope",
                                       {"required_scope": scope, "key_scopes": list(agent.scopes)})
                status, body = await handler(self, Call(request, agent, now))
                response: Response = JSONResponse(body, status)
            except PosternError as error:
                response = error_response(error, request_id)
            except Exception:  # a bug: answer in the envelope, never with a bare traceback page
                log.exception("postern %s %s failed (%s)", request.method, request.url.path, request_id)
                response = error_response(PosternError(500, "internal_error", "the sandbox failed on this "
                                                       "request; the server log has the details"), request_id)
            response.headers["X-Postern-Request-Id"] = request_id
            return response

        run.__name__ = handler.__name__
        return run

    return wrap


# ----------------------------------------------------------------------------- the API

class PosternApi:
    def __init__(self, store: Any) -> None:
        self.store = store
        self.webhooks = WebhookDispatcher(store)
        self.regex = RegexMatcher()

    async def aclose(self) -> None:
        """Stop the regex workers (the server's shutdown)."""
        await self.regex.aclose()

    @property
    def conn(self):
        return self.store.conn

    def routes(self) -> list[BaseRoute]:
        table = [
            ("/enroll", "POST", self.enroll),
            ("/inboxes", "POST", self.create_inbox),
            ("/inboxes", "GET", self.list_inboxes),
            ("/inboxes/{addr}", "GET", self.get_inbox),
            ("/inboxes/{addr}", "DELETE", self.delete_inbox),
            ("/inboxes/{addr}/send", "POST", self.send),
            ("/inboxes/{addr}/messages", "GET", self.list_messages),
            ("/inboxes/{addr}/threads", "GET", self.list_threads),
            ("/inboxes/{addr}/wait", "POST", self.wait),
            ("/messages/{id}", "GET", self.get_message),
            ("/messages/{id}/reply", "POST", self.reply),
            ("/threads/{id}", "GET", self.get_thread),
            ("/webhooks", "POST", self.create_webhook),
            ("/search", "GET", self.search),
            # Anything else under /v1 still answers in the envelope.
            ("/{rest:path}", ["GET", "POST", "PUT", "PATCH", "DELETE"], self.unknown),
        ]
        return [Route(path, endpoint, methods=[method] if isinstance(method, str) else method)
                for path, method, endpoint in table]

    def _authenticate(self, request: Request, now: datetime) -> Agent:
        scheme, _, key = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            raise PosternError(401, "invalid_api_key", "send the agent key as `Authorization: Bearer pk_agent_…`")
        agent = ps.agent_for_key(self.conn, key.strip(), now)
        if agent is None:
            raise PosternError(401, "invalid_api_key", "this API key is not valid (unknown, revoked or expired)")
        return agent

    # -- enrollment and inboxes

    @_endpoint(None, auth=False)
    async def enroll(self, call: Call) -> tuple[int, dict]:
        body = await read_body(call.request, EnrollBody)
        return 200, ps.redeem_enrollment(self.conn, body.enrollment_token.strip(), body.agent_handle, call.now)

    @_endpoint("mailbox:create")
    async def create_inbox(self, call: Call) -> tuple[int, dict]:
        body = await read_body(call.request, CreateInboxBody)
        if body.inbound_webhook_url:
            self._require_paid_plan(call.me)
        inbox, created = ps.create_inbox(self.conn, call.me, username=body.username, domain=body.domain,
                                         display_name=body.display_name, client_id=body.client_id, now=call.now)
        if created and body.inbound_webhook_url:
            hook = ps.create_webhook(self.conn, call.me, url=body.inbound_webhook_url, events=["message.received"],
                                     address=inbox["address"], now=call.now)
            inbox["inbound_webhook"] = {"id": hook["id"], "url": hook["url"], "secret": hook["secret"]}
        return (201 if created else 200), inbox

    @_endpoint("mailbox:read")
    async def list_inboxes(self, call: Call) -> tuple[int, dict]:
        return 200, ps.list_inboxes(self.conn, call.me, page_request(call.request))

    @_endpoint("mailbox:read")
    async def get_inbox(self, call: Call) -> tuple[int, dict]:
        return 200, ps.get_inbox(self.conn, call.me, call.request.path_params["addr"])

    @_endpoint("mailbox:create")
    async def delete_inbox(self, call: Call) -> tuple[int, dict]:
        return 200, ps.delete_inbox(self.conn, call.me, call.request.path_params["addr"])

    # -- reading

    @_endpoint("mailbox:read")
    async def list_messages(self, call: Call) -> tuple[int, dict]:
        inbox = ps.tenant_inbox(self.conn, call.me, call.request.path_params["addr"])
        direction = call.request.query_params.get("direction") or None
        if direction not in (None, "inbound", "outbound"):
            raise PosternError(422, "validation_failed", "direction must be inbound or outbound",
                               [{"field": "direction", "problem": "must be inbound or outbound"}])
        return 200, ps.list_messages(self.conn, inbox, direction=direction, unread_only=flag(call.request, "unread_only"),
                                     page=page_request(call.request))

    @_endpoint("mailbox:read")
    async def list_threads(self, call: Call) -> tuple[int, dict]:
        inbox = ps.tenant_inbox(self.conn, call.me, call.request.path_params["addr"])
        return 200, ps.list_threads(self.conn, inbox, page_request(call.request))

    @_endpoint("mailbox:read")
    async def get_message(self, call: Call) -> tuple[int, dict]:
        return 200, ps.read_message(self.conn, call.me, call.request.path_params["id"])

    @_endpoint("mailbox:read")
    async def get_thread(self, call: Call) -> tuple[int, dict]:
        return 200, ps.get_thread(self.conn, call.me, call.request.path_params["id"])

    @_endpoint("mailbox:read")
    async def search(self, call: Call) -> tuple[int, dict]:
        query = call.request.query_params.get("q", "").strip()
        if not query or len(query) > 500:
            raise PosternError(422, "validation_failed", "q (the text to search for, 1-500 characters) is required",
                               [{"field": "q", "problem": "required, 1-500 characters"}])
        return 200, ps.search_messages(self.conn, call.me, query, call.request.query_params.get("address"),
                                       page_request(call.request))

    @_endpoint("mailbox:read")
    async def wait(self, call: Call) -> tuple[int, dict]:
        body = await read_body(call.request, WaitBody)
        inbox = ps.tenant_inbox(self.conn, call.me, call.request.path_params["addr"])
        since = ps.iso(body.since) if body.since else None
        # Without `since`, only messages that arrive after the call started count.
        baseline = None if since else ps.last_message_seq(self.conn)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + body.timeout_seconds
        while True:
            rows = ps.wait_candidates(self.conn, inbox, after_seq=baseline, since=since, sender=body.sender,
                                      subject=body.subject)
            row = await self._first_matching(rows, body.regex)
            baseline = rows[-1]["seq"] if rows else baseline
            if row is not None:
                summary = ps.message_summary(row)
                return 200, {"timed_out": False, "message": summary,
                             "extracted": extract(row["subject"], row["text"], row["html"] or "")}
            remaining = deadline - loop.time()
            if remaining <= 0 or await call.request.is_disconnected():
                return 200, {"timed_out": True, "message": None, "extracted": None}
            await asyncio.sleep(min(WAIT_POLL_SECONDS, remaining))

    async def _first_matching(self, rows: list[dict], regex: str | None) -> dict | None:
        """The first row the caller's regex finds something in (matched in a worker process, with
        a time budget: postern_regex.py), or the first row when there is no regex."""
        if not rows or regex is None:
            return rows[0] if rows else None
        try:
            found = await self.regex.first_match(regex, [matched_text(r["subject"], r["text"]) for r in rows])
        except RegexTooSlow as error:
            raise PosternError(422, "validation_failed", f"regex: {error} (on messages of at most {TEXT_CHARS:,} "
                               "characters); simplify the pattern (nested repeats like (a+)+ backtrack without end)",
                               [{"field": "regex", "problem": "too slow"}]) from None
        except RegexRejected as error:
            raise PosternError(422, "validation_failed", f"regex: {error}",
                               [{"field": "regex", "problem": str(error)}]) from None
        return rows[found] if found is not None else None

    # -- sending

    @_endpoint("mailbox:send")
    async def send(self, call: Call) -> tuple[int, dict]:
        body = await read_body(call.request, SendBody)
        inbox = ps.tenant_inbox(self.conn, call.me, call.request.path_params["addr"])
        return await self._send(call, inbox, op=f"send:{inbox['id']}", idempotency_key=body.idempotency_key,
                                request=body.model_dump(exclude={"idempotency_key"}), to=body.to, cc=body.cc,
                                bcc=body.bcc, reply_to=body.reply_to, subject=body.subject, text=body.text,
                                html=body.html, in_reply_to=None)

    @_endpoint("mailbox:send")
    async def reply(self, call: Call) -> tuple[int, dict]:
        body = await read_body(call.request, ReplyBody)
        original = ps.tenant_message(self.conn, call.me, call.request.path_params["id"])
        inbox = ps.find_inbox(self.conn, original["address"])
        if original["direction"] == "inbound":
            to = [original["reply_to"] or original["from_addr"]]
        else:
            to = json.loads(original["to_addrs"])
        subject = original["subject"]
        if not re.match(r"^\s*re\s*:", subject, re.IGNORECASE):
            subject = f"Re: {subject}"
        return await self._send(call, inbox, op=f"reply:{original['id']}", idempotency_key=body.idempotency_key,
                                request=body.model_dump(exclude={"idempotency_key"}), to=to, cc=[], bcc=[],
                                reply_to=None, subject=subject, text=body.text, html=body.html,
                                in_reply_to=original["message_id"])

    async def _send(self, call: Call, inbox: dict, *, op: str, idempotency_key: str | None, request: dict,
                    to: list[str], cc: list[str], bcc: list[str], reply_to: str | None, subject: str,
                    text: str | None, html: str | None, in_reply_to: str | None) -> tuple[int, dict]:
        """Send and reply: idempotency, the daily cap, then store and deliver."""
        body_hash = ps.request_hash({"op": op, "request": request})
        if idempotency_key:
            stored = ps.replay(self.conn, call.me, idempotency_key, body_hash)
            if stored is not None:
                return stored
        ps.check_send_cap(self.conn, inbox, call.now)
        mail = ParsedMessage(from_addr=inbox["address"], from_name=inbox["display_name"] or "", to=to, cc=cc,
                             reply_to=reply_to, subject=subject, date=call.now, in_reply_to=in_reply_to,
                             text=text or "", html=html)
        with transaction(self.conn):
            row = ps.record_outbound(self.conn, inbox, mail, bcc=bcc, now=call.now)
            response = {"id": row["id"], "status": "queued", "thread_id": row["thread_id"]}
            if idempotency_key:
                ps.remember(self.conn, call.me, idempotency_key, body_hash, 202, response, call.now)
        mail.message_id = row["message_id"]
        mail.headers = _headers(mail)
        status = dispatch(self.store, to + cc + bcc, mail)  # this sandbox's own PO6 and Postern addresses
        with transaction(self.conn):
            ps.set_status(self.conn, row["id"], status)
        return 202, response

    # -- webhooks

    @_endpoint("mailbox:read")
    async def create_webhook(self, call: Call) -> tuple[int, dict]:
        body = await read_body(call.request, WebhookBody)
        self._require_paid_plan(call.me)
        return 201, ps.create_webhook(self.conn, call.me, url=body.url, events=list(dict.fromkeys(body.events)),
                                      address=body.address, now=call.now)

    @staticmethod
    def _require_paid_plan(agent: Agent) -> None:
        if agent.plan == "free":
            raise PosternError(402, "payment_required", "webhooks need a paid plan; this key's tenant is on the "
                               "free plan", {"plan": agent.plan})

    @_endpoint(None)  # the key first: a caller without one learns nothing of which routes exist
    async def unknown(self, call: Call) -> tuple[int, dict]:
        raise PosternError(404, "not_found", f"no such endpoint: {call.request.method} {call.request.url.path}")


def _headers(mail: ParsedMessage) -> list[tuple[str, str]]:
    headers = [("From", f"{mail.from_name} <{mail.from_addr}>" if mail.from_name else mail.from_addr),
               ("To", ", ".join(mail.to)), ("Subject", mail.subject), ("Date", ps.iso(mail.date)),
               ("Message-ID", mail.message_id)]
    if mail.cc:
        headers.append(("Cc", ", ".join(mail.cc)))
    if mail.in_reply_to:
        headers += [("In-Reply-To", mail.in_reply_to), ("References", mail.in_reply_to)]
    return headers
