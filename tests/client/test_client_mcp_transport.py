"""McpClient against a purpose-built misbehaving server: every transport fault the issue lists."""

from __future__ import annotations

import asyncio
import socket
import time

import pytest
from fake_mcp import GOOD_KEY

from po6_tui.api.errors import AuthError, InvalidError, RateLimitedError, ServerError, TransportError
from po6_tui.api.mcp import McpClient


async def test_handshake_negotiates_version_and_sends_session_headers(fake_server):
    async with McpClient(fake_server.url, GOOD_KEY) as mcp:
        assert mcp.protocol_version == "2025-11-25"
        assert mcp.server_info["name"] == "fake"
        result = await mcp.call_tool("get_email", {"mailbox_id": "m", "message_id": "x"})
    assert result.data() == {"id": "e1", "echo": {"mailbox_id": "m", "message_id": "x"}}
    methods = [r["method"] for r in fake_server.requests]
    assert methods == ["initialize", "notifications/initialized", "tools/call"]
    init = fake_server.requests[0]["params"]
    assert init["protocolVersion"] == "2025-11-25" and init["clientInfo"]["name"] == "po6-tui"
    call_headers = fake_server.headers_seen[2]
    assert call_headers["mcp-session-id"] == "s1"
    assert call_headers["mcp-protocol-version"] == "2025-11-25"
    assert "text/event-stream" in call_headers["accept"] and "application/json" in call_headers["accept"]


async def test_accepts_an_older_handshake_version(fake_server):
    fake_server.protocol_version = "2025-06-18"
    async with McpClient(fake_server.url, GOOD_KEY) as mcp:
        await mcp.call_tool("get_email", {})
        assert mcp.protocol_version == "2025-06-18"
    assert fake_server.headers_seen[2]["mcp-protocol-version"] == "2025-06-18"


async def test_refuses_an_unknown_protocol_version(fake_server):
    fake_server.protocol_version = "1999-01-01"
    mcp = McpClient(fake_server.url, GOOD_KEY)
    with pytest.raises(InvalidError, match="1999-01-01"):
        await mcp.initialize()
    await mcp.aclose()


async def test_lists_tools(fake_server):
    async with McpClient(fake_server.url, GOOD_KEY) as mcp:
        tools = await mcp.list_tools()
    by_name = {t.name: t for t in tools}
    assert by_name["get_email"].required == ["mailbox_id", "message_id"]
    assert "confirmation_token" in by_name["delete_email"].properties


async def test_sse_reply_skips_priming_comments_and_notifications(fake_server):
    fake_server.mode = "sse"
    async with McpClient(fake_server.url, GOOD_KEY) as mcp:
        result = await mcp.call_tool("get_email", {"mailbox_id": "m"})
    assert result.data()["echo"] == {"mailbox_id": "m"}


async def test_sse_stream_that_ends_without_an_answer(fake_server):
    fake_server.mode = "sse-cut"
    async with McpClient(fake_server.url, GOOD_KEY) as mcp:
        with pytest.raises(TransportError, match="closed the event stream"):
            await mcp.call_tool("get_email", {})


async def test_malformed_json(fake_server):
    fake_server.mode = "malformed"
    async with McpClient(fake_server.url, GOOD_KEY) as mcp:
        with pytest.raises(TransportError, match="not valid JSON") as info:
            await mcp.call_tool("get_email", {})
    assert "127.0.0.1" in str(info.value)


async def test_bad_key_is_an_auth_error(fake_server):
    mcp = McpClient(fake_server.url, "mcp_po6_wrong")
    with pytest.raises(AuthError, match="rejected the API key"):
        await mcp.initialize()
    await mcp.aclose()


async def test_rate_limited_carries_retry_after(fake_server):
    fake_server.mode = "rate"
    async with McpClient(fake_server.url, GOOD_KEY) as mcp:
        with pytest.raises(RateLimitedError) as info:
            await mcp.call_tool("get_email", {})
    assert info.value.retry_after == pytest.approx(0.05)


async def test_tool_error_is_a_result_not_an_exception(fake_server):
    fake_server.mode = "tool-error"
    async with McpClient(fake_server.url, GOOD_KEY) as mcp:
        result = await mcp.call_tool("mark_email", {})
    assert result.is_error and "Insufficient scopes" in result.text


async def test_server_error(fake_server):
    fake_server.mode = "503"
    async with McpClient(fake_server.url, GOOD_KEY) as mcp:
        with pytest.raises(ServerError, match="HTTP 503"):
            await mcp.call_tool("get_email", {})


async def test_expired_session_reinitializes_once_and_resends(fake_server):
    fake_server.mode = "forget"
    async with McpClient(fake_server.url, GOOD_KEY) as mcp:
        result = await mcp.call_tool("get_email", {"mailbox_id": "m"})
        assert mcp.session_id == "s2"
    assert result.data()["echo"] == {"mailbox_id": "m"}
    assert fake_server.initialize_count == 2


async def test_a_session_forgotten_again_is_an_error_not_a_loop(fake_server):
    fake_server.mode = "always-forget"
    async with McpClient(fake_server.url, GOOD_KEY) as mcp:
        with pytest.raises(TransportError, match="forgetting the session"):
            await mcp.call_tool("get_email", {})
    assert fake_server.initialize_count == 2


async def test_concurrent_calls_share_one_handshake_and_one_renewal(fake_server):
    fake_server.delay = 0.05
    async with McpClient(fake_server.url, GOOD_KEY) as mcp:
        results = await asyncio.gather(*(mcp.call_tool("get_email", {"n": str(i)}) for i in range(20)))
        assert [r.data()["echo"]["n"] for r in results] == [str(i) for i in range(20)]
        assert fake_server.initialize_count == 1
        fake_server.sessions.clear()  # the server restarts and forgets us
        fake_server.delay = 0
        results = await asyncio.gather(*(mcp.call_tool("get_email", {}) for _ in range(10)))
    assert len(results) == 10
    assert fake_server.initialize_count == 2
    ids = [r["id"] for r in fake_server.requests if "id" in r]
    assert len(ids) == len(set(ids))


async def test_read_timeout(fake_server):
    fake_server.delay = 2
    async with McpClient(fake_server.url, GOOD_KEY, timeout=0.3) as mcp:
        started = time.monotonic()
        with pytest.raises(TransportError, match=r"did not answer within 0.3 s"):
            await mcp.call_tool("get_email", {})
    assert time.monotonic() - started < 1.5


async def test_connection_refused():
    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens there
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    mcp = McpClient(f"http://127.0.0.1:{port}/mcp", GOOD_KEY)
    with pytest.raises(TransportError, match=rf"Could not connect to 127.0.0.1:{port} \(connection refused\)"):
        await mcp.initialize()
    await mcp.aclose()


async def test_connect_timeout():
    # A listening socket that never accepts, with its backlog full: further SYNs go unanswered.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    for _ in range(8):
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex(("127.0.0.1", port))
        fillers.append(s)
    try:
        mcp = McpClient(f"http://127.0.0.1:{port}/mcp", GOOD_KEY, connect_timeout=0.3, timeout=0.3)
        started = time.monotonic()
        with pytest.raises(TransportError, match="within 0.3 s"):
            await mcp.initialize()
        assert time.monotonic() - started < 2
        await mcp.aclose()
    finally:
        for s in fillers:
            s.close()
        listener.close()


async def test_the_key_never_appears_in_errors_or_reprs(fake_server):
    secret = "mcp_po6_SECRET_DO_NOT_SHOW_123"
    mcp = McpClient(fake_server.url, secret)
    with pytest.raises(AuthError) as info:
        await mcp.initialize()
    for text in (str(info.value), repr(info.value), repr(mcp), str(info.value.__cause__)):
        assert secret not in text
    await mcp.aclose()
