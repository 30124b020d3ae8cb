"""The typed Postern REST client: one async method per endpoint of API.md part 2.

Every method goes through one wrapper, `PosternClient._request`, which
1. refuses writes in read-only mode before any network I/O (`ReadOnlyError`);
2. sends the request, bounded in time (`deadline`, the whole call) and size (`reply_limit`,
   read while streaming: api.transport); retries (`api.retry`: backoff, `Retry-After` honoured up to a cap) only
   what is safe to repeat (API.md 2.3): GET and DELETE, and a POST that carries a `client_id`
   or an `idempotency_key`. `send` and `reply` always carry one (a uuid4 unless the caller
   passes their own), so a retry after a lost reply can never send twice;
3. maps the error envelope to `api.errors`, with the server's `request_id` in the message;
   a write that got no trustworthy answer (transport fault, deadline, 5xx, unreadable reply,
   any unexpected failure) is an `OutcomeUnknownError`: it may or may not have taken effect;
4. records every write attempt in the audit callback (operation, target ids, outcome; never
   bodies or keys), whatever happens, cancellation included;
5. parses the reply into the lenient models of `api.postern_models`.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import re
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar
from urllib.parse import quote

from pydantic import ValidationError

from po6_tui import __version__
from po6_tui.api import postern_models as pm
from po6_tui.api import in_flight
from po6_tui.api.errors import (
    ApiError,
    AuthError,
    ConflictError,
    InvalidError,
    NotFoundError,
    PlanError,
    RateLimitedError,
    ReadOnlyError,
    ScopeError,
    ServerError,
    TransportError,
)
from po6_tui.api.transport import (
    DEADLINE,
    REPLY_LIMIT,
    host_of,
    httpx,
    overall_deadline,
    parse_json,
    read_capped,
    transport_error,
    unreadable_reply,
)
from po6_tui.api.retry import ATTEMPTS, with_retries
from po6_tui.audit import OK, AuditRecord

T = TypeVar("T")

DEFAULT_TIMEOUT = 30.0
DEFAULT_CONNECT_TIMEOUT = 10.0
WAIT_DEFAULT_SECONDS = 120
WAIT_MAX_SECONDS = 300
_ENDPOINT_PATH = re.compile(r"/[A-Za-z0-9._~@%+/=-]*")
WAIT_READ_MARGIN = 15.0  # the HTTP read timeout of a wait exceeds its timeout_seconds by this much
# A wait's deadline is its timeout_seconds plus the client's ordinary deadline.

# Operations that change anything; refused in read-only mode and recorded in the audit log.
WRITE_OPERATIONS = frozenset({"enroll", "create_inbox", "delete_inbox", "send", "reply", "create_webhook"})

_ERRORS_BY_STATUS: dict[int, type[ApiError]] = {
    400: InvalidError, 401: AuthError, 402: PlanError, 403: ScopeError, 404: NotFoundError,
    409: ConflictError, 422: InvalidError,
}

Parser = Callable[[Any], T]


def _path_address(address: str) -> str:
    """`{addr}` in a path: the full address, URL-encoded (API.md 2.1)."""
    return quote(address.strip(), safe="")


def _query(**params: Any) -> dict[str, str]:
    return {name: (str(value).lower() if isinstance(value, bool) else str(value))
            for name, value in params.items() if value is not None}


def _body(**fields: Any) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if value is not None}


def endpoint(method: str, path: str) -> tuple[str, str]:
    """(METHOD, /path under /v1) checked, or ValueError saying what is wrong with them."""
    method = method.upper()
    if method not in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        raise ValueError(f"{method[:20]!r} is not an HTTP method Postern uses (GET, POST, PUT, PATCH, DELETE).")
    path = "/" + path.strip().lstrip("/").removeprefix("v1/")
    if not _ENDPOINT_PATH.fullmatch(path) or "//" in path or "/../" in path + "/" or "/./" in path + "/":
        raise ValueError(f"{path[:100]!r} is not a Postern endpoint path (e.g. /inboxes).")
    return method, path


class PosternClient:
    """Postern over REST. Use `async with PosternClient(base_url, key)` or call `aclose()`.

    `base_url` is the service root (`POSTERN_API_BASE_URL`, e.g. `https://api.agents.mszazu.com`
    or a sandbox's `http://127.0.0.1:PORT`); a trailing `/v1` is accepted too.
    """

    def __init__(self, base_url: str, api_key: str | None, *, timeout: float = DEFAULT_TIMEOUT,
                 connect_timeout: float = DEFAULT_CONNECT_TIMEOUT, transport: httpx.AsyncBaseTransport | None = None,
                 read_only: bool = False, audit: Callable[[AuditRecord], None] | None = None,
                 profile: str | None = None, retry_attempts: int = ATTEMPTS,
                 sleep: Callable[[float], Awaitable[object]] | None = None, deadline: float = DEADLINE,
                 reply_limit: int = REPLY_LIMIT) -> None:
        root = base_url.rstrip("/").removesuffix("/v1")
        self.host = host_of(root)
        self.base_url = root
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.deadline = deadline
        self.reply_limit = reply_limit
        self.read_only = read_only
        self.audit = audit
        self.profile = profile
        self.retry_attempts = retry_attempts
        self._sleep = sleep or asyncio.sleep  # replaceable so tests need not really wait
        headers = {"Accept": "application/json", "User-Agent": f"po6-tui/{__version__}"}
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        self._http = httpx.AsyncClient(base_url=root + "/v1", headers=headers, transport=transport,
                                       timeout=httpx.Timeout(timeout, connect=connect_timeout),
                                       follow_redirects=False)

    def __repr__(self) -> str:
        mode = ", read-only" if self.read_only else ""
        return f"PosternClient({self.base_url!r}{mode})"

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> PosternClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # -- the one request wrapper ----------------------------------------------------------

    async def _request(self, operation: str, method: str, path: str, parse: Parser[T], *,
                       json: dict[str, Any] | None = None, params: dict[str, str] | None = None,
                       targets: dict[str, str] | None = None, read_timeout: float | None = None,
                       deadline: float | None = None, authenticated: bool = True, write: bool | None = None) -> T:
        write = operation in WRITE_OPERATIONS if write is None else write
        if write and self.read_only:
            raise ReadOnlyError(f"Read-only mode: Postern {operation} was not sent.", tool=operation)
        repeatable = method in ("GET", "DELETE") or bool(json and (json.get("client_id") or json.get("idempotency_key")))
        timeout = httpx.Timeout(self.timeout, connect=self.connect_timeout, read=read_timeout or self.timeout)

        async def once() -> T:
            return await self._once(operation, method, path, parse, json=json, params=params, timeout=timeout,
                                    deadline=deadline or self.deadline, authenticated=authenticated)

        try:
            with in_flight.writing(f"Postern {operation}") if write else contextlib.nullcontext():
                result = await with_retries(once, attempts=self.retry_attempts if repeatable else 1, sleep=self._sleep)
        except (TransportError, ServerError) as error:
            if write:
                # The request may have reached the server (even a retried one with an idempotency
                # key: the first try may have worked): say so, and never repeat it on our own.
                error = error.maybe_applied(f"Postern {operation}", tool=operation)
            self._record(write, operation, targets, f"error: {error}")
            raise error from None
        except ApiError as error:
            self._record(write, operation, targets, f"error: {error}")
            raise
        except asyncio.CancelledError:
            self._record(write, operation, targets, f"error: cancelled before the reply arrived; Postern {operation} "
                                                    "may or may not have taken effect.")
            raise
        except Exception as exc:  # a failure nobody foresaw: for a write, its outcome is just as unknown
            error = unreadable_reply(self.host, exc, tool=operation)
            if write:
                error = error.maybe_applied(f"Postern {operation}", tool=operation)
            self._record(write, operation, targets, f"error: {error}")
            raise error from None
        self._record(write, operation, targets, OK)
        return result

    async def _once(self, operation: str, method: str, path: str, parse: Parser[T], *, json: dict | None,
                    params: dict | None, timeout: httpx.Timeout, deadline: float, authenticated: bool) -> T:
        async with overall_deadline(deadline, self.host, tool=operation):
            try:
                request = self._http.build_request(method, path, json=json, params=params, timeout=timeout)
                if not authenticated:
                    request.headers.pop("Authorization", None)
                response = await self._http.send(request, stream=True)
                try:
                    body = await read_capped(response, self.host, self.reply_limit, tool=operation)
                finally:
                    await response.aclose()
            except httpx.HTTPError as exc:
                raise transport_error(exc, self.host, connect_timeout=self.connect_timeout,
                                      read_timeout=timeout.read or self.timeout, tool=operation) from None
        request_id = response.headers.get("x-postern-request-id")
        if response.status_code >= 400:
            raise self._error(operation, response, body, request_id)
        data = parse_json(body, self.host, tool=operation)
        try:
            return parse(data)
        except (ValueError, ValidationError, RecursionError):
            raise TransportError(f"The reply of {self.host} to {operation} is not the JSON expected.",
                                 tool=operation, request_id=request_id) from None

    def _error(self, operation: str, response: httpx.Response, body: bytes, request_id: str | None) -> ApiError:
        """The error envelope (`{"error": {code, message, details, request_id}}`) as an ApiError."""
        status = response.status_code
        try:
            envelope = parse_json(body, self.host).get("error") or {}
        except (TransportError, AttributeError):
            envelope = {}
        if not isinstance(envelope, dict):
            envelope = {}
        code = str(envelope.get("code") or f"http_{status}")
        request_id = str(envelope.get("request_id") or request_id or "") or None
        reason = " ".join(str(envelope.get("message") or response.reason_phrase or "no reason given").split())[:500]
        message = f"Postern {operation} failed: {reason} ({code})."
        kwargs = {"request_id": request_id, "status": status, "code": code, "tool": operation}
        if status == 429:
            return RateLimitedError(message, retry_after=_retry_after(response), **kwargs)
        if status >= 500:
            return ServerError(message, **kwargs)
        return _ERRORS_BY_STATUS.get(status, InvalidError)(message, **kwargs)

    def _record(self, write: bool, operation: str, targets: dict[str, str] | None, outcome: str) -> None:
        if write and self.audit is not None:
            self.audit(AuditRecord(tool=f"postern.{operation}", targets=dict(targets or {}),
                                   outcome=outcome[:500], profile=self.profile))

    # -- any endpoint (`po6-tui postern api`) ------------------------------------------------

    async def call_endpoint(self, method: str, path: str, *, body: dict[str, Any] | None = None,
                            params: dict[str, str] | None = None) -> Any:
        """Any endpoint under /v1, its JSON reply as it came. A write (anything but GET, or a
        wait) is refused in read-only mode before any I/O, tried once, and audited like the rest.
        The path stays on this server: no scheme, no `//`, no `..` (the key goes where it goes)."""
        try:
            method, path = endpoint(method, path)
        except ValueError as error:
            raise InvalidError(str(error)) from None
        write = method != "GET" and not (method == "POST" and path.endswith("/wait"))
        return await self._request(f"{method} {path}", method, path, lambda data: data, json=body, params=params,
                                   write=write, targets={"path": path})

    # -- pagination -----------------------------------------------------------------------

    async def iterate(self, list_method: Callable[..., Awaitable[pm.Page]], *args: Any,
                      **kwargs: Any) -> AsyncIterator[Any]:
        """Every item of a listing, page after page: `async for m in client.iterate(client.list_messages, addr)`."""
        cursor = None
        while True:
            page = await list_method(*args, cursor=cursor, **kwargs)
            for item in page.data:
                yield item
            cursor = page.next_cursor
            if not cursor:
                return

    # -- enrollment and inboxes -----------------------------------------------------------

    async def enroll(self, enrollment_token: str, *, agent_handle: str | None = None) -> pm.Enrollment:
        """Redeem a `pk_enroll_…` token for a new agent key (no bearer key needed)."""
        return await self._request("enroll", "POST", "/enroll", pm.Enrollment.model_validate,
                                   json=_body(enrollment_token=enrollment_token, agent_handle=agent_handle),
                                   targets=_body(agent_handle=agent_handle), authenticated=False)

    async def create_inbox(self, *, username: str | None = None, domain: str | None = None,
                           display_name: str | None = None, client_id: str | None = None,
                           inbound_webhook_url: str | None = None) -> pm.Inbox:
        """A new inbox; the same `client_id` gives back the same inbox (and makes retries safe)."""
        body = _body(username=username, domain=domain, display_name=display_name, client_id=client_id,
                     inbound_webhook_url=inbound_webhook_url)
        return await self._request("create_inbox", "POST", "/inboxes", pm.Inbox.model_validate, json=body,
                                   targets=_body(username=username, domain=domain, client_id=client_id))

    async def list_inboxes(self, *, limit: int | None = None, cursor: str | None = None) -> pm.Page[pm.Inbox]:
        return await self._request("list_inboxes", "GET", "/inboxes", pm.page_of(pm.Inbox),
                                   params=_query(limit=limit, cursor=cursor))

    async def get_inbox(self, address: str) -> pm.Inbox:
        return await self._request("get_inbox", "GET", f"/inboxes/{_path_address(address)}", pm.Inbox.model_validate)

    async def delete_inbox(self, address: str) -> pm.DeleteResult:
        """Permanent; the inbox's slot is not given back."""
        return await self._request("delete_inbox", "DELETE", f"/inboxes/{_path_address(address)}",
                                   pm.DeleteResult.model_validate, targets={"address": address})

    # -- messages -------------------------------------------------------------------------

    async def send(self, address: str, to: str | list[str], subject: str, *, text: str | None = None,
                   html: str | None = None, cc: list[str] | None = None, bcc: list[str] | None = None,
                   reply_to: str | None = None, idempotency_key: str | None = None) -> pm.SendResult:
        """Send from inbox `address`. Retried safely: the same idempotency_key never sends twice."""
        key = idempotency_key or str(uuid.uuid4())
        body = _body(to=to, subject=subject, text=text, html=html, cc=cc, bcc=bcc, reply_to=reply_to,
                     idempotency_key=key)
        return await self._request("send", "POST", f"/inboxes/{_path_address(address)}/send",
                                   pm.SendResult.model_validate, json=body,
                                   targets={"address": address, "idempotency_key": key})

    async def reply(self, message_id: str, *, text: str | None = None, html: str | None = None,
                    idempotency_key: str | None = None) -> pm.SendResult:
        """Reply from the message's inbox, in its thread (same retry guarantee as `send`)."""
        key = idempotency_key or str(uuid.uuid4())
        return await self._request("reply", "POST", f"/messages/{quote(message_id, safe='')}/reply",
                                   pm.SendResult.model_validate, json=_body(text=text, html=html, idempotency_key=key),
                                   targets={"message_id": message_id, "idempotency_key": key})

    async def list_messages(self, address: str, *, direction: str | None = None, unread_only: bool | None = None,
                            limit: int | None = None, cursor: str | None = None) -> pm.Page[pm.MessageSummary]:
        """Newest first; `direction` is "inbound" or "outbound"."""
        return await self._request("list_messages", "GET", f"/inboxes/{_path_address(address)}/messages",
                                   pm.page_of(pm.MessageSummary),
                                   params=_query(direction=direction, unread_only=unread_only, limit=limit,
                                                 cursor=cursor))

    async def get_message(self, message_id: str) -> pm.Message:
        """The full message (text, html, headers); reading it marks it read."""
        return await self._request("get_message", "GET", f"/messages/{quote(message_id, safe='')}",
                                   pm.Message.model_validate)

    async def list_threads(self, address: str, *, limit: int | None = None,
                           cursor: str | None = None) -> pm.Page[pm.Thread]:
        return await self._request("list_threads", "GET", f"/inboxes/{_path_address(address)}/threads",
                                   pm.page_of(pm.Thread), params=_query(limit=limit, cursor=cursor))

    async def get_thread(self, thread_id: str) -> pm.ThreadDetail:
        return await self._request("get_thread", "GET", f"/threads/{quote(thread_id, safe='')}",
                                   pm.ThreadDetail.model_validate)

    async def wait(self, address: str, *, sender: str | None = None, subject: str | None = None,
                   regex: str | None = None, since: str | None = None,
                   timeout_seconds: float = WAIT_DEFAULT_SECONDS) -> pm.WaitResult:
        """Block until an inbound message matching every given filter arrives (or `timed_out`).

        `sender` is sent as the API's `from`. Without `since`, only messages arriving after the
        call count. The HTTP read timeout is `timeout_seconds` plus a margin; the whole call's
        deadline is `timeout_seconds` plus the client's ordinary `deadline`.
        """
        timeout_seconds = max(0.0, min(float(timeout_seconds), WAIT_MAX_SECONDS))
        body = _body(subject=subject, regex=regex, since=since, timeout_seconds=timeout_seconds)
        if sender is not None:
            body["from"] = sender
        return await self._request("wait", "POST", f"/inboxes/{_path_address(address)}/wait",
                                   pm.WaitResult.model_validate, json=body,
                                   read_timeout=timeout_seconds + WAIT_READ_MARGIN,
                                   deadline=timeout_seconds + self.deadline)

    async def search(self, query: str, *, address: str | None = None, limit: int | None = None,
                     cursor: str | None = None) -> pm.Page[pm.MessageSummary]:
        """Subject, body and sender search across the tenant's inboxes (or one)."""
        return await self._request("search", "GET", "/search", pm.page_of(pm.MessageSummary),
                                   params=_query(q=query, address=address, limit=limit, cursor=cursor))

    # -- webhooks -------------------------------------------------------------------------

    async def create_webhook(self, url: str, *, events: list[str] | None = None,
                             address: str | None = None) -> pm.Webhook:
        """Deliveries are signed: `X-Postern-Signature: t=…,v1=HMAC-SHA256(secret, "{t}.{body}")`."""
        return await self._request("create_webhook", "POST", "/webhooks", pm.Webhook.model_validate,
                                   json=_body(url=url, events=events or ["message.received"], address=address),
                                   targets=_body(url=url, address=address))


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "").strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def verify_signature(secret: str, header: str, raw_body: bytes | str, *, tolerance_seconds: float | None = 300,
                     now: float | None = None) -> bool:
    """Check a webhook delivery's `X-Postern-Signature` (`t=<unix>,v1=<hex>`) against its raw body."""
    fields = dict(part.strip().partition("=")[::2] for part in header.split(",") if "=" in part)
    try:
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    if tolerance_seconds is not None and abs((time.time() if now is None else now) - timestamp) > tolerance_seconds:
        return False
    body = raw_body if isinstance(raw_body, bytes) else raw_body.encode()
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, fields.get("v1", ""))
