"""Issue 16, items 3 and 9: every Postern call has a deadline and a reply size cap, and a write
that gets no trustworthy answer (a 5xx, an unreadable reply, a deadline, a cap) has an unknown
outcome: "may or may not have taken effect", audited as such, never repeated.

The sandbox cannot drip, flood or nest its replies, so these run against small loopback
servers written here (`hostile_http`) or a scripted transport.
"""

from __future__ import annotations

import asyncio
import json
import time

import httpx
import pytest
from hostile_http import hostile_server, read_request

from po6_tui.api.errors import InvalidError, OutcomeUnknownError, TransportError
from po6_tui.api.postern import PosternClient
from po6_tui.api.transport import REPLY_LIMIT

KEY = "pk_agent_limits_test"
INBOX = {"id": "inbox_1", "address": "a@postern.test", "status": "live"}
SENT = {"id": "msg_1", "status": "queued", "thread_id": "thread_1"}
NESTED = b"[" * 100_000 + b"]" * 100_000  # json.loads raises RecursionError on this


async def no_sleep(seconds: float) -> None:
    pass


def head(status: int = 200, *, length: int | None = None, chunked: bool = False) -> bytes:
    lines = [f"HTTP/1.1 {status} X", "Content-Type: application/json", "Connection: close"]
    if length is not None:
        lines.append(f"Content-Length: {length}")
    if chunked:
        lines.append("Transfer-Encoding: chunked")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def dripping(requests: list[bytes], *, every: float = 0.1):
    """A server that sends a valid head, then its body one byte every `every` seconds."""
    body = json.dumps(INBOX).encode() + b" " * 10_000

    async def reply(reader, writer):
        requests.append(await read_request(reader))
        writer.write(head(length=len(body)))
        for i in range(len(body)):
            writer.write(body[i:i + 1])
            await writer.drain()
            await asyncio.sleep(every)

    return reply


def flooding(sent: list[int], *, total: int = 200 * 1024 * 1024, declare: bool = False):
    """A server that answers with `total` bytes (chunked, or with a Content-Length if `declare`)."""
    chunk = b"x" * 65536

    async def reply(reader, writer):
        await read_request(reader)
        writer.write(head(length=total) if declare else head(chunked=True))
        sent.append(0)
        while sent[-1] < total:
            if declare:
                writer.write(chunk)
            else:
                writer.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            await writer.drain()
            sent[-1] += len(chunk)

    return reply


async def test_a_dripping_server_is_cut_off_at_the_deadline():
    requests: list[bytes] = []
    records = []
    async with hostile_server(dripping(requests)) as url:
        async with PosternClient(url, KEY, deadline=1.0, timeout=5, sleep=no_sleep, audit=records.append) as postern:
            started = time.monotonic()
            with pytest.raises(TransportError) as caught:
                await postern.get_inbox("a@postern.test")
            took = time.monotonic() - started
            assert str(caught.value) == "The server at 127.0.0.1:{} did not finish its reply within 1 s.".format(
                url.rsplit(":", 1)[1])
            assert 0.9 < took < 2.5, took  # one attempt: waiting as long again would not help
            assert len(requests) == 1

            # A write that hits the deadline may have been processed: unknown, audited, not repeated.
            with pytest.raises(OutcomeUnknownError, match="within 1 s.*may or may not have taken effect"):
                await postern.send("a@postern.test", "b@example.com", "hi", text="hi")
            assert len(requests) == 2
            assert records[-1].tool == "postern.send" and "may or may not have taken effect" in records[-1].outcome


async def test_wait_gets_its_own_longer_deadline():
    """A long-poll is allowed its `timeout_seconds` on top of the ordinary deadline."""
    answer = json.dumps({"timed_out": True, "message": None, "extracted": None}).encode()

    async def slow(reader, writer):
        await read_request(reader)
        await asyncio.sleep(1.5)
        writer.write(head(length=len(answer)) + answer)
        await writer.drain()

    async with hostile_server(slow) as url:
        async with PosternClient(url, KEY, deadline=0.75, sleep=no_sleep) as postern:
            result = await postern.wait("a@postern.test", timeout_seconds=2)  # its deadline: 2 + 0.75 s
            assert result.timed_out
            with pytest.raises(TransportError, match="within 0.75 s"):
                await postern.get_inbox("a@postern.test")


async def test_a_huge_reply_is_not_read_past_the_cap():
    sent: list[int] = []
    async with hostile_server(flooding(sent)) as url:
        async with PosternClient(url, KEY, sleep=no_sleep) as postern:
            with pytest.raises(TransportError) as caught:
                await postern.list_inboxes()
    assert str(caught.value) == f"The reply from {url.removeprefix('http://')} was larger than 16 MB; it was not read."
    assert REPLY_LIMIT == 16 * 1024 * 1024
    assert len(sent) == 1  # not asked again
    # The server stopped soon after the cap (what the socket buffers held), far from its 200 MB.
    assert sent[0] < REPLY_LIMIT + 16 * 1024 * 1024, sent


async def test_a_declared_huge_length_is_refused_before_reading():
    sent: list[int] = []
    records = []
    async with hostile_server(flooding(sent, declare=True)) as url:
        async with PosternClient(url, KEY, sleep=no_sleep, reply_limit=1024 * 1024,
                                 audit=records.append) as postern:
            with pytest.raises(OutcomeUnknownError, match="larger than 1 MB; it was not read.*may or may not"):
                await postern.create_inbox(username="x")
    assert "may or may not have taken effect" in records[-1].outcome
    assert sent[0] < 64 * 1024 * 1024


class Script:
    def __init__(self, *answers) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        status, body = self.answers.pop(0)
        return httpx.Response(status, content=body)


def scripted(*answers, **options) -> tuple[PosternClient, Script, list]:
    script = Script(*answers)
    records: list = []
    client = PosternClient("https://postern.example", KEY, transport=httpx.MockTransport(script), sleep=no_sleep,
                           audit=records.append, **options)
    return client, script, records


async def test_a_502_to_a_send_is_an_unknown_outcome_not_a_failure():
    """The gateway's 502 says nothing about whether the send went out (issue 16 item 3)."""
    postern, script, records = scripted(*[(502, b"<html>Bad Gateway</html>")] * 3)
    with pytest.raises(OutcomeUnknownError) as caught:
        await postern.send("a@postern.test", "b@example.com", "hi", text="hi")
    assert "Postern send may or may not have taken effect" in str(caught.value)
    keys = {json.loads(r.content)["idempotency_key"] for r in script.requests}
    assert len(keys) == 1  # retried only with the same idempotency key, which cannot send twice
    assert [r.tool for r in records] == ["postern.send"] and "may or may not" in records[0].outcome


@pytest.mark.parametrize("status", [200, 202])
async def test_a_deeply_nested_reply_to_a_send_is_an_unknown_outcome_and_audited(status):
    postern, script, records = scripted(*[(status, NESTED)] * 3)
    with pytest.raises(OutcomeUnknownError) as caught:
        await postern.send("a@postern.test", "b@example.com", "hi", text="hi")
    assert "nested too deeply to read" in str(caught.value) and "may or may not" in str(caught.value)
    assert len({json.loads(r.content)["idempotency_key"] for r in script.requests}) == 1
    assert records[-1].tool == "postern.send" and "may or may not have taken effect" in records[-1].outcome


async def test_unreadable_replies_to_reads_are_transport_errors():
    postern, _, _ = scripted((200, NESTED), (200, b"\xff\xfe\x00{"), (422, NESTED), retry_attempts=1)
    with pytest.raises(TransportError, match="nested too deeply"):
        await postern.get_inbox("a@postern.test")
    with pytest.raises(TransportError, match="not valid JSON"):
        await postern.get_inbox("a@postern.test")
    with pytest.raises(InvalidError, match="http_422"):  # an error whose envelope cannot be read
        await postern.get_inbox("a@postern.test")
