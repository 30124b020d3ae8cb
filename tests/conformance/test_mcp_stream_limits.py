"""The call's event stream: resumed with GET and Last-Event-ID when the server closes it early,
within bounds; every exchange under a deadline and a size cap; unreadable JSON in words."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from scripted_server import KEY, sse, tool_result

from po6_tui.api import mcp as mcp_module
from po6_tui.api.errors import TransportError
from po6_tui.api.mcp import MAX_RECONNECTS, MAX_REPLY_BYTES, McpClient
from po6_tui.api.po6 import Po6Client

MB = 1024 * 1024


def closes_after_priming(event_id="ev-1", retry_ms=300):
    async def script(server, call):
        server.pending = call["id"]
        yield sse(event_id=event_id, retry_ms=retry_ms)  # the priming event; then the stream ends
    return script


async def test_a_closed_stream_is_resumed_with_get_and_last_event_id_after_the_retry_time(scripted):
    async def resumed(server, headers):
        yield sse(event_id="ev-2")
        yield sse(tool_result(server.pending, "resumed"), event_id="ev-3")
        await asyncio.sleep(30)  # a GET stream stays open; the client leaves once answered

    scripted.on_call, scripted.on_get = closes_after_priming(), resumed
    async with McpClient(scripted.url, KEY, deadline=10) as mcp:
        result = await mcp.call_tool("t")
    assert result.text == "resumed"
    [post] = scripted.posted("tools/call")
    [get] = scripted.gets()
    assert get["headers"]["last-event-id"] == "ev-1"
    assert get["headers"]["mcp-session-id"] == "s1"
    assert get["at"] - post["at"] >= 0.28  # the server's `retry: 300` was honoured


async def test_resumption_is_bounded(scripted):
    async def never_answers(server, headers):
        yield sse(event_id=f"ev-{len(server.gets())}", retry_ms=10)

    scripted.on_call, scripted.on_get = closes_after_priming(retry_ms=10), never_answers
    async with McpClient(scripted.url, KEY, deadline=10) as mcp:
        with pytest.raises(TransportError, match=f"closed the event stream {MAX_RECONNECTS + 1} times"):
            await mcp.call_tool("t")
    assert len(scripted.gets()) == MAX_RECONNECTS
    assert [g["headers"]["last-event-id"] for g in scripted.gets()[:3]] == ["ev-1", "ev-1", "ev-2"]


async def test_a_refused_resumption_is_a_transport_error_and_a_write_may_have_happened(scripted):
    scripted.on_call = closes_after_priming(retry_ms=10)  # GET: 405
    async with McpClient(scripted.url, KEY) as mcp:
        with pytest.raises(TransportError, match=r"did not let the client resume it \(HTTP 405\)"):
            await mcp.call_tool("t")


async def test_a_stream_without_an_event_id_is_not_resumed(scripted):
    async def script(server, call):
        yield sse({"jsonrpc": "2.0", "method": "notifications/progress"})
    scripted.on_call = script
    async with McpClient(scripted.url, KEY) as mcp:
        with pytest.raises(TransportError, match="closed the event stream before answering"):
            await mcp.call_tool("t")
    assert scripted.gets() == []


async def test_a_reply_dripping_one_byte_at_a_time_ends_at_the_deadline(scripted):
    async def drip(server, call):
        for byte in json.dumps(tool_result(call["id"])).encode():
            yield bytes([byte])
            await asyncio.sleep(0.2)  # well inside the read time-out, every time
    scripted.on_call, scripted.call_content_type = drip, "application/json"
    async with McpClient(scripted.url, KEY, deadline=1.0) as mcp:
        started = time.monotonic()
        with pytest.raises(TransportError) as info:
            await mcp.call_tool("t")
        assert time.monotonic() - started < 2.5
    assert str(info.value) == (f"The server at {mcp.host} did not finish answering within 1 s; "
                               "the call was abandoned.")
    assert not info.value.retryable  # the read-retry policy does not wait it out three times


async def test_an_event_stream_that_never_answers_ends_at_the_deadline(scripted):
    async def chatter(server, call):
        while True:
            yield b": still working\n\n"
            yield sse({"jsonrpc": "2.0", "method": "notifications/progress"})
            await asyncio.sleep(0.1)
    scripted.on_call = chatter
    async with McpClient(scripted.url, KEY, deadline=1.0) as mcp:
        with pytest.raises(TransportError, match=r"did not finish answering within 1 s"):
            await mcp.call_tool("t")


async def test_a_write_past_the_deadline_may_have_taken_effect(scripted):
    async def chatter(server, call):
        while True:
            yield b": still working\n\n"
            await asyncio.sleep(0.1)
    scripted.on_call = chatter
    po6 = Po6Client(McpClient(scripted.url, KEY, deadline=0.5))
    records: list = []
    po6.audit = records.append
    with pytest.raises(TransportError, match="within 0.5 s.*may or may not have taken effect"):
        await po6.recorded_write("send_email", {}, lambda: po6.mcp.call_tool("send_email", {}), lambda r: "ok")
    await po6.aclose()
    assert "may or may not have taken effect" in records[0].outcome


def endless(piece: bytes, limit: int = 200 * MB):
    async def script(server, call):
        while server.bytes_sent < limit:
            yield piece
    return script


@pytest.mark.parametrize(("script", "what"), [
    (endless(b"data: " + b"x" * MB), "an event-stream line"),  # one 200 MB line
    (endless(b"data: " + b"x" * (MB - 1) + b"\n"), "an event"),  # 200 one-MB lines of one event
])
async def test_a_huge_sse_line_or_event_is_cut_off_not_buffered(scripted, script, what):
    scripted.on_call = script
    async with McpClient(scripted.url, KEY) as mcp:
        with pytest.raises(TransportError) as info:
            await mcp.call_tool("t")
    assert str(info.value) == f"The server at {mcp.host} sent {what} larger than {MAX_REPLY_BYTES // 2**20} MB; it was not read."
    assert not info.value.retryable
    assert scripted.bytes_sent < MAX_REPLY_BYTES + 16 * MB  # the client stopped reading near the cap


async def test_a_huge_json_reply_is_cut_off(scripted):
    endless_size = MAX_REPLY_BYTES + 32 * MB
    scripted.on_call, scripted.call_content_type = endless(b" " * MB, endless_size), "application/json"
    async with McpClient(scripted.url, KEY) as mcp:
        with pytest.raises(TransportError, match=f"sent a reply larger than {MAX_REPLY_BYTES // 2**20} MB; it was "
                                                 "not read"):
            await mcp.call_tool("t")
    assert scripted.bytes_sent < endless_size


async def test_just_under_the_cap_is_read(scripted):
    text = "y" * (MAX_REPLY_BYTES - 200)

    async def big(server, call):
        yield sse(tool_result(call["id"], text))
    scripted.on_call = big
    async with McpClient(scripted.url, KEY) as mcp:
        assert (await mcp.call_tool("t")).text == text


NESTED = b"[" * 100_000 + b"]" * 100_000


@pytest.mark.parametrize("content_type", ["application/json", "text/event-stream"])
async def test_deeply_nested_json_is_an_unreadable_reply_not_a_recursion_error(scripted, content_type):
    async def nested(server, call):
        yield NESTED if content_type == "application/json" else b"data: " + NESTED + b"\n\n"
    scripted.on_call, scripted.call_content_type = nested, content_type
    async with McpClient(scripted.url, KEY) as mcp:
        with pytest.raises(TransportError, match="nested too deeply to read"):
            await mcp.call_tool("t")


async def test_a_non_ascii_session_id_is_refused_in_words(scripted, monkeypatch):
    original = scripted._reply

    async def reply(send, status, body, session=None):
        await original(send, status, body, session="s\u00e9ance" if session else None)
    monkeypatch.setattr(scripted, "_reply", reply)
    mcp = McpClient(scripted.url, KEY)
    with pytest.raises(TransportError, match="sent a malformed session id"):
        await mcp.initialize()
    await mcp.aclose()


def test_the_event_parser_never_holds_more_than_the_cap():
    stream = mcp_module._EventStream(limit=1000)
    assert stream.feed(b"id: 7\r") == []  # a CR at a chunk's end may be half a CRLF
    assert stream.feed(b"\nretry: 250\rdata: a\r\ndata:b\n\n") == ["a\nb"]
    assert (stream.last_event_id, stream.retry_seconds) == ("7", 0.25)
    with pytest.raises(mcp_module._ReplyTooLarge):
        for _ in range(100):
            stream.feed(b"data: " + b"z" * 100)
    assert len(stream._buffer) <= 1000 + 106
