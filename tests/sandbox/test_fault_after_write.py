"""`--fault-after-write drop|slow:SECONDS|502`: the write is processed, then its reply is lost,
held back or replaced by a 502, so clients can be tested on "a send whose outcome is unknown".
Only writes that took effect are touched; reads, refused writes, first steps of two-step tools
and Postern `wait` are answered as usual."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest
from po6_mcp import Box, start_box

from po6_tui.api.po6 import WRITE_TOOLS as CLIENT_WRITE_TOOLS
from po6_tui.sandbox.faults import FaultConfig
from po6_tui.sandbox.tools_schema import WRITE_TOOLS

INIT = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}
MODES = ["drop", "502", "slow:2"]


@pytest.fixture(scope="module", params=MODES)
def faulty(request, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Box]]:
    box = start_box(tmp_path_factory.mktemp("after-write"), "--fault-after-write", request.param)
    yield request.param, box
    box.process.stop()


class Mcp:
    """Raw JSON-RPC over HTTP, so a lost reply shows as what it is (no SDK in between)."""

    def __init__(self, box: Box, label: str = "plus") -> None:
        self.url = box.url + "/mcp"
        self.headers = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json",
                        "Authorization": f"Bearer {box.key(label)}"}
        answer = httpx.post(self.url, json=INIT, headers=self.headers)
        self.headers |= {"Mcp-Session-Id": answer.headers["mcp-session-id"], "MCP-Protocol-Version": "2025-06-18"}
        httpx.post(self.url, json={"jsonrpc": "2.0", "method": "notifications/initialized"}, headers=self.headers)

    def post(self, tool: str, **arguments) -> httpx.Response:
        body = {"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": {"name": tool, "arguments": arguments}}
        return httpx.post(self.url, content=json.dumps(body), headers=self.headers, timeout=30)

    def result(self, tool: str, **arguments) -> dict:
        answer = self.post(tool, **arguments)
        assert answer.status_code == 200, answer.text[:300]
        return answer.json()["result"]


def sees_the_fault(mode: str, send) -> httpx.Response | None:  # noqa: ANN001
    """Make the write and check the client saw the configured fault; the reply when there is one."""
    started = time.monotonic()
    if mode == "drop":
        with pytest.raises(httpx.TransportError):  # the connection closes mid-reply
            send()
        return None
    answer = send()
    if mode == "502":
        assert answer.status_code == 502 and "write was processed" in answer.text
        return None
    assert time.monotonic() - started >= 2.0  # slow: held back, then the real reply
    return answer


def test_a_po6_write_happens_though_its_reply_is_lost_slow_or_a_502(faulty):
    mode, box = faulty
    mcp = Mcp(box)
    subject = f"outcome unknown {uuid.uuid4().hex[:8]}"
    reply = sees_the_fault(mode, lambda: mcp.post("compose_email", mailbox_id="mbx_ops",
                                                   to_addresses=["someone@example.com"], subject=subject,
                                                   body_text="sent once"))
    if reply is not None:
        assert reply.status_code == 200 and reply.json()["result"]["isError"] is False
    started = time.monotonic()
    sent = mcp.result("list_sent_emails", mailbox_id="mbx_ops", limit=100)["structuredContent"]["emails"]
    assert time.monotonic() - started < 1.5  # reads are not held back
    assert [e["subject"] for e in sent].count(subject) == 1  # it was sent, exactly once


def test_a_refused_write_and_a_confirmation_request_are_answered_as_usual(faulty):
    _mode, box = faulty
    mcp = Mcp(box)
    started = time.monotonic()
    refused = mcp.result("compose_email", mailbox_id="mbx_ops", to_addresses=["not an address"], subject="s",
                         body_text="b")
    email_id = mcp.result("list_emails", mailbox_id="mbx_ops", limit=1)["structuredContent"]["emails"][0]["id"]
    asked = mcp.result("delete_email", mailbox_id="mbx_ops", email_id=email_id)
    assert refused["isError"] is True
    assert asked["structuredContent"]["requires_confirmation"] is True
    assert time.monotonic() - started < 1.5


def test_a_postern_send_happens_though_its_reply_is_lost_slow_or_a_502(faulty):
    mode, box = faulty
    auth = {"Authorization": f"Bearer {box.key('postern-agent')}"}
    outbox = box.url + "/v1/inboxes/outreach@postern.test"
    subject = f"postern outcome unknown {uuid.uuid4().hex[:8]}"
    reply = sees_the_fault(mode, lambda: httpx.post(outbox + "/send", headers=auth, timeout=30, json={
        "to": "someone@example.com", "subject": subject, "text": "sent once"}))
    if reply is not None:
        assert reply.status_code == 202 and reply.json()["status"] == "queued"
    started = time.monotonic()
    listed = httpx.get(outbox + "/messages", headers=auth, params={"direction": "outbound", "limit": 100}).json()
    waited = httpx.post(outbox + "/wait", headers=auth, json={"timeout_seconds": 0})
    refused = httpx.post(outbox + "/send", headers=auth, json={"to": "x", "subject": "s", "text": "t"})
    assert time.monotonic() - started < 1.5
    assert [m["subject"] for m in listed["data"]].count(subject) == 1
    assert waited.status_code == 200 and waited.json()["timed_out"] is True
    assert refused.status_code == 422


def test_the_sandbox_knows_the_same_write_tools_as_the_client():
    assert WRITE_TOOLS == CLIENT_WRITE_TOOLS


@pytest.mark.parametrize("value", ["slow:0", "slow:", "slow:nan", "503", "sometimes"])
def test_a_bad_fault_after_write_value_is_refused_in_a_sentence(value):
    with pytest.raises(ValueError, match="fault-after-write must be drop, 502 or slow:SECONDS"):
        FaultConfig(after_write=value)
