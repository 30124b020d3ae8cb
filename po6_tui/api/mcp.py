"""A small MCP client for the streamable-HTTP transport, on httpx.

Why not the SDK's client: importing it costs about half a second and pulls a server stack
into the app, and we need three calls (initialize, tools/list, tools/call). Conformance is
proven by the tests: this client against the SDK's own server (the sandbox), and the official
conformance suite's client scenarios (tests/conformance/).

What it does:
- initialize with protocol-version negotiation, then `notifications/initialized`; declares
  the `elicitation` capability (form mode);
- sends `Mcp-Session-Id` and `MCP-Protocol-Version` on every later request;
- reads both reply forms: one JSON body, or an SSE stream (`text/event-stream`) in which
  it waits for the JSON-RPC response carrying its request id;
- on that stream, answers what the server asks: `ping` at once, `elicitation/create` through
  the `elicit` handler (declined when there is none), anything else with JSON-RPC error
  -32601 "Method not found"; notifications (progress, logging, …) are ignored;
- resumes a stream the server closes before answering (2025-11-25, SEP-1699): when the stream
  carried an event id, waits the server's `retry:` time and reconnects with GET and
  `Last-Event-ID`, at most `MAX_RECONNECTS` times;
- bounds every exchange: an overall deadline (`deadline`, default `DEFAULT_DEADLINE` s; the
  read time-out alone lets a server that drips a byte a second hold a call forever) and a
  size cap on a reply, an SSE line and an SSE event (`MAX_REPLY_BYTES`); both end as a
  `TransportError` that says so in words. A reply that is not JSON, or nested too deeply to
  parse, is a `TransportError` too, never a `RecursionError`;
- when the server has forgotten the session (HTTP 404 while we hold a session id), it
  initializes a new session once and re-sends the request. That is safe even for writes:
  a server that does not know the session did not process the request;
- one httpx connection pool, any number of concurrent calls (unique ids; initialization
  runs once, under a lock); connect and read time-outs;
- maps every failure to `api.errors`, with messages that name the server's host and never
  the key. Once the server has accepted a request, every later failure (a lost stream, a
  refused resumption, the deadline, the size cap) is a `TransportError`, so a write is
  reported as "may or may not have taken effect".

Elicitation (the hook the app's form plugs into): pass `elicit=handler` (or set
`client.elicit` later), where `handler` is an `ElicitationHandler`, i.e.
`async def handler(request: ElicitationRequest) -> ElicitationResult`. It is awaited while the
call waits (the call's deadline is paused meanwhile: a person is typing); it returns
`ElicitationResult("accept", {field: value})`, `("decline")` or `("cancel")`. On accept, the
client fills in the schema's defaults for primitive fields the answer leaves out (SEP-1034).
A handler that raises is answered as "cancel".
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit

from po6_tui import __version__
from po6_tui.api.transport import host_of, httpx, parse_json, transport_error
from po6_tui.api.errors import (
    ApiError,
    AuthError,
    InvalidError,
    NotFoundError,
    RateLimitedError,
    ServerError,
    TransportError,
)

# The revision we offer, and every revision reachable by the initialize handshake that we
# can speak: their differences do not touch initialize, tools/list or tools/call.
PROTOCOL_VERSION = "2025-11-25"
HANDSHAKE_VERSIONS = ("2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25")

DEFAULT_TIMEOUT = 30.0  # connect/read time-outs: how long the server may stay silent
DEFAULT_CONNECT_TIMEOUT = 5.0
DEFAULT_DEADLINE = 120.0  # how long one exchange may take in all, however the server trickles

# One JSON reply, one SSE line, one SSE event. A tool result carries the value twice (the text
# block and structuredContent), so a message at the reader's 16 MB body limit needs room for both.
MAX_REPLY_BYTES = 48 * 1024 * 1024
MAX_ERROR_BODY_BYTES = 64 * 1024  # of an HTTP error's body, read only for its message
MAX_RECONNECTS = 10  # GET resumptions of one answer's event stream
DEFAULT_RECONNECT_DELAY = 1.0  # seconds, when the server sent no `retry:` field

# JSON-RPC error codes (the standard ones plus PO6's rate limit).
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603
RATE_LIMITED = -32002


# -- elicitation (the server asks the user for input during a call) --------------------------

ElicitationAction = Literal["accept", "decline", "cancel"]
ELICITATION_ACTIONS = ("accept", "decline", "cancel")


@dataclass(frozen=True)
class ElicitationRequest:
    """An `elicitation/create` (form mode) the server sent while a call was in flight.

    `message` and the schema's titles and descriptions are the server's words: untrusted,
    to be shown through the sanitizer. `requested_schema` is a flat object schema whose
    properties are primitives (string, number, integer, boolean, enums).
    """

    message: str
    requested_schema: dict[str, Any]
    host: str  # the server that asks
    tool: str | None = None  # the tool being called, when the call in flight is tools/call

    @property
    def properties(self) -> dict[str, dict[str, Any]]:
        props = self.requested_schema.get("properties")
        if not isinstance(props, dict):
            return {}
        return {name: spec for name, spec in props.items() if isinstance(name, str) and isinstance(spec, dict)}

    @property
    def required(self) -> list[str]:
        req = self.requested_schema.get("required")
        return [r for r in req if isinstance(r, str)] if isinstance(req, list) else []

    @property
    def defaults(self) -> dict[str, Any]:
        """The schema's defaults for primitive fields (SEP-1034), for pre-filling a form."""
        return schema_defaults(self.requested_schema)


@dataclass(frozen=True)
class ElicitationResult:
    """The user's answer: accept (with `content`), decline, or cancel (dismissed)."""

    action: ElicitationAction
    content: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        if self.action not in ELICITATION_ACTIONS:
            raise ValueError(f"an elicitation answer is one of {ELICITATION_ACTIONS}, not {self.action!r}")


ElicitationHandler = Callable[[ElicitationRequest], Awaitable[ElicitationResult]]

_DEFAULT_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,), "integer": (int,), "number": (int, float), "boolean": (bool,),
}


def schema_defaults(schema: Any) -> dict[str, Any]:
    """`{field: default}` for each primitive property whose default has the declared type."""
    props = schema.get("properties") if isinstance(schema, dict) else None
    defaults: dict[str, Any] = {}
    for name, spec in (props.items() if isinstance(props, dict) else ()):
        if not isinstance(spec, dict) or "default" not in spec:
            continue
        value, kind = spec["default"], spec.get("type", "string" if "enum" in spec else None)
        allowed = _DEFAULT_TYPES.get(kind) if isinstance(kind, str) else None
        # bool is an int in Python, but a JSON boolean is no integer or number.
        if allowed and isinstance(value, allowed) and (kind == "boolean" or not isinstance(value, bool)):
            defaults[name] = value
    return defaults


@dataclass(frozen=True)
class Tool:
    """One entry of `tools/list`."""

    name: str
    description: str = ""
    input_schema: dict[str, Any] = field(default_factory=dict)
    title: str = ""
    annotations: dict[str, Any] = field(default_factory=dict)  # readOnlyHint, destructiveHint, …

    @property
    def properties(self) -> dict[str, Any] | None:
        """The declared arguments, or None when the schema does not say."""
        props = self.input_schema.get("properties")
        return props if isinstance(props, dict) else None

    @property
    def required(self) -> list[str]:
        req = self.input_schema.get("required")
        return [r for r in req if isinstance(r, str)] if isinstance(req, list) else []


MAX_TOOLS = 1000  # a server that pages forever is cut off here


def _tool(item: dict[str, Any]) -> Tool:
    def mapping(value: Any) -> dict[str, Any]:
        return value if isinstance(value, dict) else {}

    annotations = mapping(item.get("annotations"))
    title = item.get("title") or annotations.get("title") or ""
    return Tool(item["name"], str(item.get("description") or ""), mapping(item.get("inputSchema")),
                str(title), annotations)


@dataclass(frozen=True)
class ToolResult:
    """The result of `tools/call`, as the server sent it."""

    content: list[dict[str, Any]]
    structured: Any = None
    is_error: bool = False

    @property
    def text(self) -> str:
        """All text blocks, joined."""
        return "\n".join(str(block.get("text", "")) for block in self.content
                         if isinstance(block, dict) and block.get("type") == "text")

    def data(self) -> Any:
        """The result's value: `structuredContent`, else JSON in the first text block, else the raw text."""
        if self.structured is not None:
            return self.structured
        for block in self.content:
            if isinstance(block, dict) and block.get("type") == "text":
                text = str(block.get("text", ""))
                try:
                    return json.loads(text)
                except ValueError:  # not JSON: the text is the value
                    return text
                except RecursionError:  # JSON, but nested too deeply to use: a reply we cannot read
                    raise TransportError("The server sent a tool result nested too deeply to read.") from None
        return None


class McpClient:
    """An MCP session with one server. Use `async with McpClient(...)` or call `aclose()`.

    `elicit` answers the server's `elicitation/create` requests (see the module's doc); it may
    also be set later (`client.elicit = handler`), e.g. once the app's screen exists.
    """

    def __init__(self, url: str, api_key: str, *, timeout: float = DEFAULT_TIMEOUT,
                 connect_timeout: float = DEFAULT_CONNECT_TIMEOUT, deadline: float = DEFAULT_DEADLINE,
                 max_connections: int = 8, client_name: str = "po6-tui",
                 elicit: ElicitationHandler | None = None) -> None:
        self.url = url
        self.host = host_of(url)
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.deadline = deadline
        self.elicit = elicit
        self._client_name = client_name
        self._http = httpx.AsyncClient(
            headers={
                "Authorization": f"Bearer {api_key}",
                "Accept": "application/json, text/event-stream",
                "Content-Type": "application/json",
                "User-Agent": f"po6-tui/{__version__}",
            },
            timeout=httpx.Timeout(timeout, connect=connect_timeout),
            limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections),
            follow_redirects=False,
            # A plain-http URL (the local sandbox) never does TLS, and this client follows no
            # redirects: skip loading the CA bundle, ~30 ms of every start. https verifies as always.
            verify=urlsplit(url).scheme != "http",
        )
        self._ids = itertools.count(1)
        self._init_lock = asyncio.Lock()
        self._initialized = False
        self.session_id: str | None = None
        self.protocol_version: str | None = None
        self.server_info: dict[str, Any] = {}
        self._exchanges: set[_Exchange] = set()  # the requests in flight (their deadlines pause for a person)
        self._listener: asyncio.Task[None] | None = None  # the standalone GET stream, see _listen

    def __repr__(self) -> str:
        return f"McpClient(url={self.url!r}, session={'yes' if self.session_id else 'no'})"

    async def __aenter__(self) -> McpClient:
        await self.initialize()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # -- the three MCP calls ------------------------------------------------------------

    async def initialize(self) -> dict[str, Any]:
        """Open a session (once; concurrent callers wait for the same handshake)."""
        async with self._init_lock:
            if not self._initialized:
                await self._handshake()
        return self.server_info

    async def list_tools(self) -> list[Tool]:
        tools: list[Tool] = []
        cursor: str | None = None
        while True:
            result = await self.request("tools/list", {"cursor": cursor} if cursor else {})
            for item in result.get("tools") or []:
                if isinstance(item, dict) and isinstance(item.get("name"), str):
                    tools.append(_tool(item))
            cursor = result.get("nextCursor")
            if not cursor or not isinstance(cursor, str) or len(tools) >= MAX_TOOLS:
                return tools[:MAX_TOOLS]

    async def call_tool(self, name: str, arguments: dict[str, Any] | None = None) -> ToolResult:
        result = await self.request("tools/call", {"name": name, "arguments": arguments or {}})
        content = result.get("content")
        return ToolResult(
            content=[c for c in content if isinstance(c, dict)] if isinstance(content, list) else [],
            structured=result.get("structuredContent"),
            is_error=bool(result.get("isError")),
        )

    async def aclose(self) -> None:
        """End the session (politely, best effort) and close the connection pool."""
        await self._stop_listener()
        if self.session_id:
            try:  # the reply's body is never read: a courtesy must not cost time or memory
                async with asyncio.timeout(2.0), self._http.stream("DELETE", self.url,
                                                                   headers=self._session_headers()):
                    pass
            except (httpx.HTTPError, TimeoutError):
                pass  # the server will expire the session on its own
        self.session_id = None
        self._initialized = False
        await self._http.aclose()

    # -- requests -----------------------------------------------------------------------

    async def request(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        """Send one JSON-RPC request in the current session and return its `result`."""
        await self.initialize()
        session = self.session_id
        try:
            return await self._post_request(method, params)
        except _SessionExpired:
            await self._reinitialize(session)
        try:
            return await self._post_request(method, params)
        except _SessionExpired:
            raise TransportError(f"The server at {self.host} keeps forgetting the session; "
                                 "try again later.") from None

    async def _handshake(self) -> None:
        self.session_id = None
        result = await self._post_request("initialize", {
            "protocolVersion": PROTOCOL_VERSION,
            # Form mode only: a URL-mode elicitation would send the person to a web page.
            "capabilities": {"elicitation": {"form": {}}},
            "clientInfo": {"name": self._client_name, "version": __version__},
        }, during_handshake=True)
        version = result.get("protocolVersion")
        if version not in HANDSHAKE_VERSIONS:
            raise InvalidError(f"The server at {self.host} speaks MCP protocol version {version!r}, "
                               f"which this client does not support.")
        self.protocol_version = version
        info = result.get("serverInfo")
        self.server_info = info if isinstance(info, dict) else {}
        async with self._bounded():
            status, body = await self._post_message({"jsonrpc": "2.0", "method": "notifications/initialized"})
        if status >= 400:
            raise self._http_error(status, body, retry_after=None)
        self._initialized = True
        await self._stop_listener()  # a renewed session gets its own
        if self.elicit is not None:
            await self._start_listener()

    async def _reinitialize(self, stale_session: str | None) -> None:
        async with self._init_lock:
            # Several calls may have hit the same expired session; the first one renews it.
            if self.session_id == stale_session or not self._initialized:
                self._initialized = False
                await self._handshake()

    def _session_headers(self) -> dict[str, str]:
        headers = {}
        if self.session_id:
            headers["Mcp-Session-Id"] = self.session_id
        if self.protocol_version:
            headers["MCP-Protocol-Version"] = self.protocol_version
        return headers

    async def _post_request(self, method: str, params: dict[str, Any], *,
                            during_handshake: bool = False) -> dict[str, Any]:
        request_id = next(self._ids)
        payload = {"jsonrpc": "2.0", "id": request_id, "method": method, "params": params}
        tool = params.get("name") if method == "tools/call" else None
        async with self._bounded() as budget:
            exchange = _Exchange(request_id, budget, _EventStream(MAX_REPLY_BYTES),
                                 tool if isinstance(tool, str) else None)
            self._exchanges.add(exchange)
            try:
                message = await self._exchange(payload, exchange, during_handshake=during_handshake)
            finally:
                self._exchanges.discard(exchange)
        if "error" in message:
            raise self._jsonrpc_error(message["error"])
        result = message.get("result")
        if not isinstance(result, dict):
            raise TransportError(f"The server at {self.host} sent a reply to {method} without a result.")
        return result

    @contextlib.asynccontextmanager
    async def _bounded(self) -> AsyncIterator[asyncio.Timeout]:
        """The deadline and the size cap of one exchange, as errors in words."""
        try:
            async with asyncio.timeout(self.deadline) as budget:
                yield budget
        except TimeoutError:
            error = TransportError(f"The server at {self.host} did not finish answering within "
                                   f"{self.deadline:g} s; the call was abandoned.")
            error.retryable = False  # a server this slow would only hold the caller again
            raise error from None
        except _ReplyTooLarge as exc:
            error = TransportError(f"The server at {self.host} sent {exc.what} larger than "
                                   f"{MAX_REPLY_BYTES // 2**20} MB; it was not read.")
            error.retryable = False
            raise error from None

    async def _exchange(self, payload: dict[str, Any], exchange: _Exchange, *,
                        during_handshake: bool) -> dict[str, Any]:
        """POST one request; return the JSON-RPC response that answers it, resuming its event
        stream with GET when the server closes it first."""
        body = json.dumps(payload, ensure_ascii=False).encode()
        headers = {} if during_handshake else self._session_headers()
        sent_session = headers.get("Mcp-Session-Id")
        try:
            async with self._http.stream("POST", self.url, content=body, headers=headers) as response:
                if response.status_code == 404 and sent_session:
                    raise _SessionExpired
                if during_handshake and response.status_code < 300:
                    self.session_id = self._session_id_of(response)
                if response.status_code >= 400:
                    raise self._http_error(response.status_code, await _read_prefix(response),
                                           retry_after=_number(response.headers.get("retry-after")))
                if not _is_event_stream(response):
                    return self._read_json(await _read_capped(response), exchange.request_id)
                found = await self._read_events(response, exchange)
                if found is not None:
                    return found
        except (httpx.ReadError, httpx.RemoteProtocolError) as exc:
            if not exchange.events.resumable:  # a stream may be resumed, a plain reply cannot
                raise self._transport_error(exc) from None
        except httpx.HTTPError as exc:
            raise self._transport_error(exc) from None
        return await self._resume(exchange)

    async def _resume(self, exchange: _Exchange) -> dict[str, Any]:
        """The event stream ended before the answer: reconnect with GET and `Last-Event-ID`
        (as the server's `retry:` field says) and read the answer there."""
        events = exchange.events
        for _ in range(MAX_RECONNECTS):
            if not events.resumable:
                raise TransportError(f"The server at {self.host} closed the event stream before answering.")
            await asyncio.sleep(events.retry_seconds if events.retry_seconds is not None
                                else DEFAULT_RECONNECT_DELAY)
            headers = {**self._session_headers(), "Accept": "text/event-stream",
                       "Last-Event-ID": events.last_event_id}
            try:
                async with self._http.stream("GET", self.url, headers=headers) as response:
                    if response.status_code >= 400 or not _is_event_stream(response):
                        # Every failure from here on is a TransportError: the server has the request.
                        raise TransportError(
                            f"The server at {self.host} closed the event stream before answering and "
                            f"did not let the client resume it (HTTP {response.status_code}).")
                    events.new_stream()
                    found = await self._read_events(response, exchange)
                    if found is not None:
                        return found
            except (httpx.ReadError, httpx.RemoteProtocolError):
                continue  # lost again: resume again, within the bounds
            except httpx.HTTPError as exc:
                raise self._transport_error(exc) from None
        raise TransportError(f"The server at {self.host} closed the event stream {MAX_RECONNECTS + 1} times "
                             "without answering.")

    async def _read_events(self, response: httpx.Response, exchange: _Exchange) -> dict[str, Any] | None:
        """Read an event stream until the answer to `exchange` (returned), answering the
        server's own requests on the way; None when the stream ends first."""
        async for chunk in response.aiter_bytes():
            for data in exchange.events.feed(chunk):
                if not data.strip():
                    continue  # an event without data (e.g. a priming event for resumption)
                message = self._parse(data, "an event")
                found = _find_response(message, exchange.request_id)
                if found is not None:
                    return found
                for item in message if isinstance(message, list) else [message]:
                    await self._answer_server(item, exchange.tool)
        return None

    def _read_json(self, content: bytes, request_id: int) -> dict[str, Any]:
        found = _find_response(self._parse(content, "a reply"), request_id)
        if found is None:
            raise TransportError(f"The server at {self.host} sent a reply that does not answer the request.")
        return found

    def _parse(self, data: str | bytes, what: str) -> Any:
        """JSON from the server; what cannot be read is the client's "unreadable reply" error."""
        return parse_json(data, self.host)

    def _session_id_of(self, response: httpx.Response) -> str | None:
        session = response.headers.get("mcp-session-id") or None
        # The spec allows visible ASCII only; anything else could not even be sent back.
        if session is not None and not _VISIBLE_ASCII.fullmatch(session):
            raise TransportError(f"The server at {self.host} sent a malformed session id.")
        return session

    # -- what the server asks during a call ---------------------------------------------------

    async def _answer_server(self, message: Any, tool: str | None) -> None:
        """Answer a request the server sent on the stream; ignore notifications and the rest."""
        if not isinstance(message, dict) or not isinstance(message.get("method"), str):
            return  # a response to another request, or junk: not ours to act on
        request_id = message.get("id")
        if request_id is None or isinstance(request_id, bool) or not isinstance(request_id, str | int):
            return  # a notification (progress, logging, …): nothing to answer
        method = message["method"]
        if method == "ping":
            reply: dict[str, Any] = {"result": {}}
        elif method == "elicitation/create":
            reply = await self._elicitation_reply(message.get("params"), tool)
        else:
            reply = {"error": {"code": METHOD_NOT_FOUND, "message": "Method not found"}}
        status, _ = await self._post_message({"jsonrpc": "2.0", "id": request_id, **reply})
        if status >= 400:
            raise TransportError(f"The server at {self.host} refused the client's answer to its "
                                 f"{_METHOD_NAME.sub('?', method)[:60]} request (HTTP {status}).")

    async def _elicitation_reply(self, params: Any, tool: str | None) -> dict[str, Any]:
        params = params if isinstance(params, dict) else {}
        if params.get("mode", "form") != "form":
            return {"error": {"code": INVALID_PARAMS, "message": "Only form-mode elicitation is supported"}}
        schema = params.get("requestedSchema")
        if not isinstance(schema, dict) or not isinstance(params.get("message", ""), str):
            return {"error": {"code": INVALID_PARAMS, "message": "Invalid elicitation request"}}
        if self.elicit is None:
            return {"result": {"action": "decline"}}
        answer = await self._ask_user(ElicitationRequest(params.get("message", ""), schema, self.host, tool))
        if answer.action != "accept":
            return {"result": {"action": answer.action}}
        content = {**schema_defaults(schema), **(answer.content or {})}
        return {"result": {"action": "accept", "content": content}}

    async def _ask_user(self, request: ElicitationRequest) -> ElicitationResult:
        """Run the elicitation handler with every call's deadline stopped: a person is answering,
        and the server waits for that answer before it finishes the call."""
        assert self.elicit is not None
        paused = list(self._exchanges)
        for exchange in paused:
            exchange.pause()
        try:
            answer = await self.elicit(request)
        except Exception:  # noqa: BLE001 - a failing form must not leave the server waiting
            answer = ElicitationResult("cancel")
        finally:
            for exchange in paused:
                exchange.resume()
        return answer if isinstance(answer, ElicitationResult) else ElicitationResult("cancel")

    async def _start_listener(self) -> None:
        """Open the standalone GET stream and wait (briefly) until the server has it: some
        servers (the TypeScript SDK's) send a call's elicitation there, and drop it when no
        such stream is open yet."""
        ready = asyncio.Event()
        self._listener = asyncio.create_task(self._listen(ready), name=f"mcp-listener-{self.host}")
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self.connect_timeout + self.timeout):
                await ready.wait()

    async def _stop_listener(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None and not listener.done():
            listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listener

    async def _listen(self, ready: asyncio.Event) -> None:
        """Answer what the server asks outside any call's stream, on the standalone GET stream
        (opened when there is an elicitation handler). Best effort and quiet: it ends when the
        server offers no such stream (HTTP 405 and the like) or keeps dropping it."""
        events = _EventStream(MAX_REPLY_BYTES)
        failures = 0
        try:
            while failures <= MAX_RECONNECTS:
                headers = {**self._session_headers(), "Accept": "text/event-stream"}
                if events.resumable:
                    headers["Last-Event-ID"] = events.last_event_id
                heard = False
                try:
                    # No read time-out: this stream is idle until the server has something to ask.
                    async with self._http.stream("GET", self.url, headers=headers,
                                                 timeout=httpx.Timeout(self.timeout, read=None)) as response:
                        if response.status_code >= 400 or not _is_event_stream(response):
                            return
                        ready.set()
                        events.new_stream()
                        async for chunk in response.aiter_bytes():
                            for data in events.feed(chunk):
                                heard = True
                                if data.strip():
                                    message = self._parse(data, "an event")
                                    for item in message if isinstance(message, list) else [message]:
                                        await self._answer_server(item, self._tool_in_flight())
                except (httpx.HTTPError, TransportError):
                    pass  # reconnect below, within the bounds
                failures = 0 if heard else failures + 1
                await asyncio.sleep(events.retry_seconds if events.retry_seconds is not None
                                    else DEFAULT_RECONNECT_DELAY)
        except _ReplyTooLarge:
            return  # a server that floods this stream is not listened to any more
        finally:
            ready.set()

    def _tool_in_flight(self) -> str | None:
        """The tool a request on the standalone stream is about, when only one call is in flight."""
        tools = {exchange.tool for exchange in self._exchanges}
        return tools.pop() if len(tools) == 1 else None

    async def _post_message(self, payload: dict[str, Any]) -> tuple[int, bytes]:
        """POST a notification or an answer (nothing comes back but a status): (status, the
        start of an error body)."""
        body = json.dumps(payload, ensure_ascii=False).encode()
        try:
            async with self._http.stream("POST", self.url, content=body, headers=self._session_headers()) as reply:
                return reply.status_code, (await _read_prefix(reply) if reply.status_code >= 400 else b"")
        except httpx.HTTPError as exc:
            raise self._transport_error(exc) from None

    # -- errors ---------------------------------------------------------------------------

    def _transport_error(self, exc: httpx.HTTPError) -> TransportError:
        return transport_error(exc, self.host, connect_timeout=self.connect_timeout, read_timeout=self.timeout)

    def _http_error(self, status: int, body: bytes, *, retry_after: float | None) -> ApiError:
        server_text = _jsonrpc_message(body)
        if status == 401:
            return AuthError("The server rejected the API key (authentication failed).", status=status)
        if status == 403:
            detail = f": {server_text}" if server_text else ""
            return AuthError(f"The server at {self.host} refused access{detail}.", status=status)
        if status == 429:
            return RateLimitedError(f"Too many requests to {self.host}; wait a moment.",
                                    retry_after=retry_after, status=status)
        if status == 404:
            # Host and path only: a URL may carry credentials or a key in its query string.
            return NotFoundError(f"Nothing answers MCP at {self.host}{urlsplit(self.url).path} (HTTP 404); "
                                 "check the URL.", status=status)
        if status >= 500:
            return ServerError(f"The server at {self.host} failed (HTTP {status}).", status=status)
        detail = f": {server_text}" if server_text else ""
        return InvalidError(f"The server at {self.host} refused the request (HTTP {status}){detail}.",
                            status=status)

    def _jsonrpc_error(self, error: Any) -> ApiError:
        if not isinstance(error, dict):
            return TransportError(f"The server at {self.host} sent a malformed error.")
        code = error.get("code")
        text = str(error.get("message") or "").strip()
        data = error.get("data")
        lowered = text.lower()
        if code == RATE_LIMITED or "rate limit" in lowered:
            retry_after = None
            if isinstance(data, dict):
                retry_after = _number(data.get("retry_after", data.get("retryAfter")))
            return RateLimitedError("Rate limited: too many requests for this key; wait a moment.",
                                    retry_after=retry_after, code=str(code))
        if "authentication" in lowered or "ip not allowed" in lowered:
            return AuthError(f"The server rejected the API key ({text}).", code=str(code))
        if code == INTERNAL_ERROR:
            return ServerError(f"The server at {self.host} failed: {text or 'internal error'}.", code=str(code))
        if code in (METHOD_NOT_FOUND, INVALID_PARAMS, INVALID_REQUEST):
            return InvalidError(f"The server at {self.host} refused the request: {text or code}.", code=str(code))
        return ApiError(f"The server at {self.host} reported an error: {text or code}.", code=str(code))


class _SessionExpired(Exception):
    """HTTP 404 on a request that carried a session id: the server no longer knows it."""


class _ReplyTooLarge(Exception):
    """A reply, an SSE line or an SSE event passed `MAX_REPLY_BYTES` (`what` names which)."""

    def __init__(self, what: str) -> None:
        self.what = what
        super().__init__(what)


@dataclass(eq=False)  # kept in a set by identity
class _Exchange:
    """One request in flight: the id that answers it, its deadline, its event-stream state."""

    request_id: int
    budget: asyncio.Timeout
    events: _EventStream
    tool: str | None = None

    _pauses: int = 0
    _left: float | None = None

    def pause(self) -> None:
        """Stop the deadline (nested pauses: it runs again when the last one ends)."""
        self._pauses += 1
        if self._pauses == 1 and not self.budget.expired():  # once expired, the cancel is under way
            when = self.budget.when()
            self._left = None if when is None else max(0.0, when - asyncio.get_running_loop().time())
            self.budget.reschedule(None)

    def resume(self) -> None:
        self._pauses -= 1
        if self._pauses == 0 and not self.budget.expired():
            left = self._left
            self.budget.reschedule(None if left is None else asyncio.get_running_loop().time() + left)


_LINE_END = re.compile(rb"\r\n|\r|\n")


class _EventStream:
    """An incremental `text/event-stream` parser (WHATWG HTML, "server-sent events") over
    bytes, which never holds more than `limit` bytes of one line or one event.

    `feed(chunk)` returns the data of each event completed by the chunk. The last event id
    and the `retry:` time survive `new_stream()` (a reconnection), as the resumption needs.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.last_event_id = ""
        self.retry_seconds: float | None = None
        self.new_stream()

    def new_stream(self) -> None:
        self._buffer = bytearray()
        self._scan_from = 0  # where the unfinished line's search for a line end resumes
        self._data: list[str] = []
        self._data_size = 0

    @property
    def resumable(self) -> bool:
        """Whether the server gave an event id that a reconnection can send back."""
        return bool(_VISIBLE_ASCII.fullmatch(self.last_event_id))

    def feed(self, chunk: bytes) -> list[str]:
        buffer = self._buffer
        buffer += chunk
        completed: list[str] = []
        start = 0
        while (match := _LINE_END.search(buffer, self._scan_from)) is not None:
            if match.group() == b"\r" and match.end() == len(buffer):
                break  # maybe the first half of a CRLF split between two chunks
            data = self._line(bytes(buffer[start:match.start()]))
            if data is not None:
                completed.append(data)
            start = self._scan_from = match.end()
        del buffer[:start]
        self._scan_from = max(0, len(buffer) - 1)  # the rest holds no line end (but maybe that CR)
        if len(buffer) > self.limit:
            raise _ReplyTooLarge("an event-stream line")
        return completed

    def _line(self, line: bytes) -> str | None:
        if not line:  # a blank line ends the event
            if not self._data:
                return None
            data, self._data, self._data_size = "\n".join(self._data), [], 0
            return data
        name, colon, value = line.partition(b":")
        if colon and value.startswith(b" "):
            value = value[1:]
        if name == b"data":
            self._data_size += len(value) + 1
            if self._data_size > self.limit:
                raise _ReplyTooLarge("an event")
            self._data.append(value.decode("utf-8", "replace"))
        elif name == b"id" and b"\0" not in value:
            self.last_event_id = value.decode("utf-8", "replace")
        elif name == b"retry" and value.isdigit():
            self.retry_seconds = int(value) / 1000
        return None  # `event:`, comments (`:` lines) and unknown fields do not matter here


_VISIBLE_ASCII = re.compile(r"[\x21-\x7e]{1,1000}")
_METHOD_NAME = re.compile(r"[^A-Za-z0-9/_.-]")  # what of a server's method name a message repeats


def _is_event_stream(response: httpx.Response) -> bool:
    return response.headers.get("content-type", "").split(";")[0].strip().lower() == "text/event-stream"


async def _read_capped(response: httpx.Response) -> bytes:
    """The whole body, or `_ReplyTooLarge` past `MAX_REPLY_BYTES` (declared or received)."""
    declared = _number(response.headers.get("content-length"))
    if declared is not None and declared > MAX_REPLY_BYTES:
        raise _ReplyTooLarge("a reply")
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) > MAX_REPLY_BYTES:
            raise _ReplyTooLarge("a reply")
    return bytes(body)


async def _read_prefix(response: httpx.Response) -> bytes:
    """The start of an error body: enough for its message, never all of a huge one."""
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) >= MAX_ERROR_BODY_BYTES:
            break
    return bytes(body[:MAX_ERROR_BODY_BYTES])


def _find_response(message: Any, request_id: int) -> dict[str, Any] | None:
    # A body may be one message or (protocol 2025-03-26) a batch.
    candidates = message if isinstance(message, list) else [message]
    for item in candidates:
        if (isinstance(item, dict) and type(item.get("id")) is int and item["id"] == request_id
                and ("result" in item or "error" in item)):
            return item
    return None


def _jsonrpc_message(content: bytes) -> str:
    try:
        body = json.loads(content)
    except (ValueError, RecursionError):
        return ""
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        return str(body["error"].get("message") or "")[:200]
    return ""


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number >= 0 else None
