"""A small MCP client for the streamable-HTTP transport, on httpx.

Why not the SDK's client: importing it costs about half a second and pulls a server stack
into the app, and we need three calls (initialize, tools/list, tools/call). Conformance is
proven by the tests, which run this client against the SDK's own server (the sandbox).

What it does:
- initialize with protocol-version negotiation, then `notifications/initialized`;
- sends `Mcp-Session-Id` and `MCP-Protocol-Version` on every later request;
- reads both reply forms: one JSON body, or an SSE stream (`text/event-stream`) in which
  it waits for the JSON-RPC response carrying its request id and ignores everything else;
- when the server has forgotten the session (HTTP 404 while we hold a session id), it
  initializes a new session once and re-sends the request. That is safe even for writes:
  a server that does not know the session did not process the request;
- one httpx connection pool, any number of concurrent calls (unique ids; initialization
  runs once, under a lock); connect and read time-outs;
- maps every failure to `api.errors`, with messages that name the server's host and never
  the key.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit


from po6_tui import __version__
from po6_tui.api.transport import host_of, httpx, transport_error
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

DEFAULT_TIMEOUT = 30.0
DEFAULT_CONNECT_TIMEOUT = 5.0

# JSON-RPC error codes (the standard ones plus PO6's rate limit).
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603
RATE_LIMITED = -32002


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
                except ValueError:
                    return text
        return None


class McpClient:
    """An MCP session with one server. Use `async with McpClient(...)` or call `aclose()`."""

    def __init__(self, url: str, api_key: str, *, timeout: float = DEFAULT_TIMEOUT,
                 connect_timeout: float = DEFAULT_CONNECT_TIMEOUT, max_connections: int = 8,
                 client_name: str = "po6-tui") -> None:
        self.url = url
        self.host = host_of(url)
        self.timeout = timeout
        self.connect_timeout = connect_timeout
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
        if self.session_id:
            try:
                await self._http.delete(self.url, headers=self._session_headers(), timeout=2.0)
            except httpx.HTTPError:
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
            "capabilities": {},
            "clientInfo": {"name": self._client_name, "version": __version__},
        }, during_handshake=True)
        version = result.get("protocolVersion")
        if version not in HANDSHAKE_VERSIONS:
            raise InvalidError(f"The server at {self.host} speaks MCP protocol version {version!r}, "
                               f"which this client does not support.")
        self.protocol_version = version
        info = result.get("serverInfo")
        self.server_info = info if isinstance(info, dict) else {}
        await self._post({"jsonrpc": "2.0", "method": "notifications/initialized"})
        self._initialized = True

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
        message = await self._post({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params},
                                   request_id=request_id, during_handshake=during_handshake)
        assert message is not None
        if "error" in message:
            raise self._jsonrpc_error(message["error"])
        result = message.get("result")
        if not isinstance(result, dict):
            raise TransportError(f"The server at {self.host} sent a reply to {method} without a result.")
        return result

    async def _post(self, payload: dict[str, Any], *, request_id: int | None = None,
                    during_handshake: bool = False) -> dict[str, Any] | None:
        """POST one message; for a request, return the JSON-RPC response that answers it."""
        body = json.dumps(payload, ensure_ascii=False).encode()
        headers = {} if during_handshake else self._session_headers()
        sent_session = headers.get("Mcp-Session-Id")
        try:
            async with self._http.stream("POST", self.url, content=body, headers=headers) as response:
                if response.status_code == 404 and sent_session:
                    raise _SessionExpired
                if during_handshake and response.status_code < 300:
                    self.session_id = response.headers.get("mcp-session-id") or None
                if response.status_code >= 400:
                    await response.aread()
                    raise self._http_error(response)
                if request_id is None:
                    return None  # a notification: 202 Accepted, nothing to read
                content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
                if content_type == "text/event-stream":
                    return await self._read_sse(response, request_id)
                await response.aread()
                return self._read_json(response, request_id)
        except httpx.HTTPError as exc:
            raise transport_error(exc, self.host, connect_timeout=self.connect_timeout,
                                  read_timeout=self.timeout) from None

    def _read_json(self, response: httpx.Response, request_id: int) -> dict[str, Any]:
        try:
            message = json.loads(response.content)
        except ValueError:
            raise TransportError(f"The server at {self.host} sent a reply that is not valid JSON.") from None
        found = _find_response(message, request_id)
        if found is None:
            raise TransportError(f"The server at {self.host} sent a reply that does not answer the request.")
        return found

    async def _read_sse(self, response: httpx.Response, request_id: int) -> dict[str, Any]:
        data_lines: list[str] = []
        async for line in response.aiter_lines():
            if line:
                field_name, _, value = line.partition(":")
                if field_name == "data":
                    data_lines.append(value[1:] if value.startswith(" ") else value)
                continue  # `event:`, `id:`, `retry:` and comments do not matter here
            data, data_lines = "\n".join(data_lines), []
            if not data.strip():
                continue  # an event without data (e.g. a priming event for resumption)
            try:
                message = json.loads(data)
            except ValueError:
                raise TransportError(f"The server at {self.host} sent an event that is not valid JSON.") from None
            found = _find_response(message, request_id)
            if found is not None:
                return found
            # Anything else (progress, logging, other notifications) is not ours to act on.
        raise TransportError(f"The server at {self.host} closed the event stream before answering.")

    # -- errors ---------------------------------------------------------------------------

    def _http_error(self, response: httpx.Response) -> ApiError:
        status = response.status_code
        server_text = _jsonrpc_message(response.content)
        if status == 401:
            return AuthError("The server rejected the API key (authentication failed).", status=status)
        if status == 403:
            detail = f": {server_text}" if server_text else ""
            return AuthError(f"The server at {self.host} refused access{detail}.", status=status)
        if status == 429:
            return RateLimitedError(f"Too many requests to {self.host}; wait a moment.",
                                    retry_after=_retry_after(response), status=status)
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


def _find_response(message: Any, request_id: int) -> dict[str, Any] | None:
    # A body may be one message or (protocol 2025-03-26) a batch.
    candidates = message if isinstance(message, list) else [message]
    for item in candidates:
        if isinstance(item, dict) and item.get("id") == request_id and ("result" in item or "error" in item):
            return item
    return None


def _jsonrpc_message(content: bytes) -> str:
    try:
        body = json.loads(content)
    except ValueError:
        return ""
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        return str(body["error"].get("message") or "")[:200]
    return ""


def _retry_after(response: httpx.Response) -> float | None:
    return _number(response.headers.get("retry-after"))


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number >= 0 else None
