"""What the server asks during a call: pings answered at once, unknown requests refused with
-32601, notifications ignored, form elicitation through the client's handler (SEP-1034 defaults),
on the call's own stream and on the standalone GET stream."""

from __future__ import annotations

import asyncio
import time

import pytest
from scripted_server import KEY, sse, tool_result

from po6_tui.api.mcp import ElicitationRequest, ElicitationResult, McpClient, schema_defaults

SCHEMA = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "title": "Name", "default": "John Doe"},
        "age": {"type": "integer", "default": 30},
        "score": {"type": "number", "default": 95.5},
        "status": {"type": "string", "enum": ["active", "inactive"], "default": "active"},
        "verified": {"type": "boolean", "default": True},
        "count": {"type": "integer", "default": True},  # a boolean is no integer: not applied
        "nick": {"type": "string", "default": {"not": "primitive"}},  # not applied
        "note": {"type": "string"},  # no default
    },
    "required": ["name"],
}


def elicit_then_report(schema=SCHEMA, message="Who are you?"):
    """A tools/call reply that asks for input, waits for the answer, and returns it as text."""
    async def script(server, call):
        yield sse({"jsonrpc": "2.0", "id": "e-1", "method": "elicitation/create",
                   "params": {"message": message, "requestedSchema": schema}})
        answer = await server.answer_to("e-1")
        yield sse(tool_result(call["id"], "answered" if answer else "no answer"))
    return script


async def test_ping_on_the_call_stream_is_answered_at_once(scripted):
    async def script(server, call):
        yield sse({"jsonrpc": "2.0", "id": 99, "method": "ping"})
        answer = await server.answer_to(99)  # the tool finishes only once the ping is answered
        yield sse(tool_result(call["id"], "pong seen" if answer else "no pong"))
    scripted.on_call = script
    async with McpClient(scripted.url, KEY, deadline=4) as mcp:
        started = time.monotonic()
        result = await mcp.call_tool("t")
        assert time.monotonic() - started < 2
    assert result.text == "pong seen"
    answer = scripted.answers[99]
    assert answer == {"jsonrpc": "2.0", "id": 99, "result": {}}
    reply_post = next(r for r in scripted.requests if r["body"] is answer)
    assert reply_post["headers"]["mcp-session-id"] == "s1"


@pytest.mark.parametrize("method", ["sampling/createMessage", "roots/list", "x/unknown"])
async def test_an_unknown_server_request_is_refused_with_method_not_found(scripted, method):
    async def script(server, call):
        yield sse({"jsonrpc": "2.0", "id": "r-7", "method": method, "params": {}})
        answer = await server.answer_to("r-7")
        yield sse(tool_result(call["id"], "refused" if answer else "silence"))
    scripted.on_call = script
    async with McpClient(scripted.url, KEY, deadline=4) as mcp:
        result = await mcp.call_tool("t")
    assert result.text == "refused"
    assert scripted.answers["r-7"] == {"jsonrpc": "2.0", "id": "r-7",
                                       "error": {"code": -32601, "message": "Method not found"}}


async def test_notifications_and_stray_messages_are_ignored(scripted):
    async def script(server, call):
        yield sse({"jsonrpc": "2.0", "method": "notifications/progress", "params": {"progress": 1}})
        yield sse({"jsonrpc": "2.0", "method": "notifications/message", "params": {"level": "info", "data": "x"}})
        yield sse({"jsonrpc": "2.0", "id": call["id"] + 100, "result": {}})  # a reply to someone else
        yield sse(42)  # JSON, but no message at all
        yield sse({"jsonrpc": "2.0", "id": True, "result": {}})  # `true` is no request id
        yield sse([{"jsonrpc": "2.0", "method": "notifications/progress"}, "junk"])
        yield sse(tool_result(call["id"], "fine"))
    scripted.on_call = script
    async with McpClient(scripted.url, KEY) as mcp:
        result = await mcp.call_tool("t")
    assert result.text == "fine"
    assert scripted.answers == {}  # nothing was answered


async def test_elicitation_accept_fills_in_the_schemas_primitive_defaults(scripted):
    seen: list[ElicitationRequest] = []

    async def handler(request: ElicitationRequest) -> ElicitationResult:
        seen.append(request)
        return ElicitationResult("accept", {"name": "Ann", "note": "hi"})

    scripted.on_call = elicit_then_report()
    async with McpClient(scripted.url, KEY, elicit=handler) as mcp:
        result = await mcp.call_tool("whoami", {})
    assert result.text == "answered"
    assert scripted.answers["e-1"]["result"] == {"action": "accept", "content": {
        "name": "Ann", "age": 30, "score": 95.5, "status": "active", "verified": True, "note": "hi"}}
    [request] = seen
    assert request.message == "Who are you?" and request.tool == "whoami"
    assert request.host.startswith("127.0.0.1:") and request.required == ["name"]
    assert request.defaults == {"name": "John Doe", "age": 30, "score": 95.5, "status": "active", "verified": True}
    init = scripted.posted("initialize")[0]["body"]["params"]
    assert init["capabilities"] == {"elicitation": {"form": {}}}


@pytest.mark.parametrize("action", ["decline", "cancel"])
async def test_elicitation_decline_and_cancel_send_no_content(scripted, action):
    async def handler(request):
        return ElicitationResult(action, {"name": "ignored"})

    scripted.on_call = elicit_then_report()
    async with McpClient(scripted.url, KEY, elicit=handler) as mcp:
        await mcp.call_tool("t")
    assert scripted.answers["e-1"] == {"jsonrpc": "2.0", "id": "e-1", "result": {"action": action}}


async def test_without_a_handler_elicitation_is_declined(scripted):
    scripted.on_call = elicit_then_report()
    async with McpClient(scripted.url, KEY) as mcp:
        result = await mcp.call_tool("t")
    assert result.text == "answered"
    assert scripted.answers["e-1"]["result"] == {"action": "decline"}
    assert scripted.gets() == []  # no handler, no standalone stream


async def test_a_failing_handler_is_answered_as_cancel(scripted):
    async def handler(request):
        raise RuntimeError("the form broke")

    scripted.on_call = elicit_then_report()
    async with McpClient(scripted.url, KEY, elicit=handler) as mcp:
        await mcp.call_tool("t")
    assert scripted.answers["e-1"]["result"] == {"action": "cancel"}


@pytest.mark.parametrize("params", [
    {"mode": "url", "message": "Open this", "url": "https://example.com", "elicitationId": "x"},
    {"message": "no schema"},
    {"message": 5, "requestedSchema": {"type": "object", "properties": {}}},
])
async def test_malformed_or_url_mode_elicitation_is_refused_without_asking(scripted, params):
    asked = []

    async def handler(request):
        asked.append(request)
        return ElicitationResult("accept", {})

    async def script(server, call):
        yield sse({"jsonrpc": "2.0", "id": "e-2", "method": "elicitation/create", "params": params})
        await server.answer_to("e-2")
        yield sse(tool_result(call["id"]))
    scripted.on_call = script
    async with McpClient(scripted.url, KEY, elicit=handler) as mcp:
        await mcp.call_tool("t")
    assert asked == []
    assert scripted.answers["e-2"]["error"]["code"] == -32602


async def test_the_deadline_pauses_while_a_person_answers(scripted):
    async def slow_person(request):
        await asyncio.sleep(1.5)
        return ElicitationResult("accept", {})

    scripted.on_call = elicit_then_report()
    async with McpClient(scripted.url, KEY, deadline=1.0, elicit=slow_person) as mcp:
        result = await mcp.call_tool("t")
    assert result.text == "answered"


async def test_elicitation_on_the_standalone_get_stream(scripted):
    """The TypeScript SDK's servers send a call's elicitation on the GET stream, not the call's."""
    call_done = asyncio.Event()

    async def get_stream(server, headers):
        yield b": open\n\n"
        while not server.posted("tools/call"):
            await asyncio.sleep(0.01)
        yield sse({"jsonrpc": "2.0", "id": "g-1", "method": "elicitation/create",
                   "params": {"message": "Confirm?", "requestedSchema": {
                       "type": "object", "properties": {"ok": {"type": "boolean", "default": False}}}}})
        yield sse({"jsonrpc": "2.0", "id": "g-2", "method": "ping"})
        while not call_done.is_set():
            await asyncio.sleep(0.01)

    async def call(server, message):
        first = await server.answer_to("g-1")
        second = await server.answer_to("g-2")
        yield sse(tool_result(message["id"], f"{bool(first)} {bool(second)}"))

    seen = []

    async def handler(request):
        seen.append(request)
        return ElicitationResult("accept", {})

    scripted.on_get, scripted.on_call = get_stream, call
    try:
        async with McpClient(scripted.url, KEY, elicit=handler) as mcp:
            result = await mcp.call_tool("confirmable")
    finally:
        call_done.set()
    assert result.text == "True True"
    assert scripted.answers["g-1"]["result"] == {"action": "accept", "content": {"ok": False}}
    assert scripted.answers["g-2"]["result"] == {}
    assert seen[0].tool == "confirmable"  # the one call in flight
    [get] = scripted.gets()
    assert get["headers"]["mcp-session-id"] == "s1" and "text/event-stream" in get["headers"]["accept"]


async def test_a_server_without_a_standalone_stream_is_fine(scripted):
    async def handler(request):
        return ElicitationResult("accept", {})

    scripted.on_call = elicit_then_report()  # on_get unset: GET answers 405
    async with McpClient(scripted.url, KEY, elicit=handler) as mcp:
        assert (await mcp.call_tool("t")).text == "answered"
    assert len(scripted.gets()) == 1  # asked once, then never again


def test_schema_defaults_ignores_what_is_not_a_primitive_default():
    assert schema_defaults(SCHEMA) == {"name": "John Doe", "age": 30, "score": 95.5, "status": "active",
                                       "verified": True}
    assert schema_defaults({"properties": "nope"}) == {} and schema_defaults(None) == {}
    assert schema_defaults({"properties": {"n": {"type": "number", "default": 3}}}) == {"n": 3}
    with pytest.raises(ValueError):
        ElicitationResult("maybe")  # type: ignore[arg-type]
