"""A second MCP server, nothing like PO6, built with the official SDK (lowlevel `Server` +
`streamable_http_app()` on uvicorn, SSE replies): the tool console must drive it too.

Its tools cover what a form must model: required and optional strings, an integer enum, a
number with a minimum, booleans, an array of strings, a nested object with its own required
field, a free-form object, a two-step tool with a confirmation token, a tool answering plain
(hostile) text, a tool that always fails, read-only annotations on some tools only, and a tool
that asks the person for input during the call (form elicitation, with SEP-1034 defaults).
`calls` records every call as it arrived, so tests check exactly what the form sent.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import mcp_types as types
import uvicorn
from mcp.server.lowlevel import Server

READ_ONLY = types.ToolAnnotations(read_only_hint=True)
HOSTILE_TEXT = "plain \x1b]52;c;aGk=\x07text [@click=app.quit]click me[/] \u202eevil\u202c end"
PURGE_MESSAGE = "This permanently purges the archive {name} (12 items). It cannot be undone."
ELICIT_MESSAGE = "Who is coming to the meeting? \x1b[2J[bold]room[/] \u202eevil"
ELICIT_SCHEMA = {"type": "object", "required": ["name"], "properties": {
    "name": {"type": "string", "title": "Name", "description": "Who books the room."},
    "seats": {"type": "integer", "minimum": 1, "maximum": 12, "default": 4},
    "room": {"type": "string", "enum": ["Ada", "Grace"], "default": "Grace"},
    "remote": {"type": "boolean", "default": True},
    "note": {"type": "string", "default": "standup"},
}}

TOOLS = [
    types.Tool(
        name="weather_lookup", title="Weather lookup", annotations=READ_ONLY,
        description="Forecast for a city.",
        input_schema={"type": "object", "required": ["city"], "properties": {
            "city": {"type": "string", "description": "City name."},
            "units": {"type": "string", "enum": ["metric", "imperial"], "default": "metric"},
            "days": {"type": "integer", "minimum": 1, "maximum": 7, "description": "How many days."},
            "include_hourly": {"type": "boolean"},
        }},
    ),
    types.Tool(
        name="create_ticket", description="Open a support ticket.",
        input_schema={"type": "object", "required": ["title", "assignee"], "properties": {
            "title": {"type": "string", "maxLength": 80},
            "priority": {"type": "integer", "enum": [1, 2, 3], "description": "1 is urgent."},
            "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 5},
            "assignee": {"type": "object", "required": ["name"], "properties": {
                "name": {"type": "string"},
                "email": {"type": "string"},
                "team": {"type": "object", "properties": {"id": {"type": "integer"}}},
            }},
            "estimate_hours": {"type": "number", "minimum": 0},
            "notify": {"type": "boolean", "description": "Email the assignee."},
            "metadata": {"type": "object", "description": "Anything else, as JSON."},
        }},
    ),
    types.Tool(
        name="purge_archive", description="Delete an archive for good (asks first).",
        annotations=types.ToolAnnotations(destructive_hint=True),
        input_schema={"type": "object", "required": ["archive"], "properties": {
            "archive": {"type": "string"},
            "confirmation_token": {"type": "string"},
        }},
    ),
    types.Tool(name="echo_text", description="Says something in plain text.", annotations=READ_ONLY,
               input_schema={"type": "object", "properties": {}}),
    types.Tool(name="fail_always", description="Always reports an error.", annotations=READ_ONLY,
               input_schema={"type": "object", "properties": {}}),
    types.Tool(name="book_room", description="Asks who is coming, then reports the answer.", annotations=READ_ONLY,
               input_schema={"type": "object", "properties": {}}),
]


@dataclass
class SecondServer:
    url: str = ""
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    purged: list[str] = field(default_factory=list)
    refuse: str = ""  # when set, create_ticket fails with this message
    _tokens: dict[str, str] = field(default_factory=dict)
    _server: uvicorn.Server | None = None
    _thread: threading.Thread | None = None

    def _result(self, data: Any = None, *, text: str | None = None, error: bool = False) -> types.CallToolResult:
        import json

        body = text if text is not None else json.dumps(data)
        return types.CallToolResult(content=[types.TextContent(type="text", text=body)],
                                    structured_content=data if isinstance(data, dict) else None, is_error=error)

    async def call(self, name: str, arguments: dict[str, Any]) -> types.CallToolResult:
        self.calls.append((name, dict(arguments)))
        if name == "weather_lookup":
            return self._result({"city": arguments["city"], "units": arguments.get("units", "metric"),
                                 "forecast": [{"day": 1, "high": 21.5}]})
        if name == "create_ticket":
            if self.refuse:
                return self._result(text=self.refuse, error=True)
            return self._result({"ticket": "T-1", "received": arguments})
        if name == "purge_archive":
            archive = arguments.get("archive", "")
            token = arguments.get("confirmation_token")
            if token is None:
                token = f"tok-{len(self._tokens) + 1}"
                self._tokens[token] = archive
                return self._result({"requires_confirmation": True, "confirmation_token": token,
                                     "message": PURGE_MESSAGE.format(name=archive)})
            if self._tokens.pop(token, None) != archive:
                return self._result(text="Invalid or expired confirmation token", error=True)
            self.purged.append(archive)
            return self._result({"purged": archive, "items": 12})
        if name == "echo_text":
            return self._result(text=HOSTILE_TEXT)
        if name == "fail_always":
            return self._result(text="The widget factory is closed today.", error=True)
        return self._result(text=f"Unknown tool {name}", error=True)

    def build(self) -> Server:
        async def list_tools(ctx: Any, params: Any) -> types.ListToolsResult:
            return types.ListToolsResult(tools=TOOLS)

        async def call_tool(ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
            if params.name == "book_room":  # asks the person first, on the call's own stream
                self.calls.append((params.name, dict(params.arguments or {})))
                answer = await ctx.session.elicit_form(ELICIT_MESSAGE, ELICIT_SCHEMA, related_request_id=ctx.request_id)
                return self._result({"action": answer.action, "content": answer.content})
            return await self.call(params.name, dict(params.arguments or {}))

        return Server("ticket-desk", version="1.0", on_list_tools=list_tools, on_call_tool=call_tool)

    def start(self) -> SecondServer:
        app = self.build().streamable_http_app(host="127.0.0.1")  # SSE replies (json_response=False)
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}/mcp"
        self._server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]}, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the second MCP server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(5)
