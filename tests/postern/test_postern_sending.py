"""Send and reply: local delivery, threads, idempotency, retries that never send twice, the daily cap."""

import time
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from po6_tui.api.errors import ConflictError, RateLimitedError
from po6_tui.api.postern import PosternClient


async def new_inbox(client: PosternClient, prefix: str) -> str:
    return (await client.create_inbox(username=f"{prefix}-{uuid.uuid4().hex[:8]}")).address


async def test_send_delivers_to_another_postern_inbox_and_threads_the_reply(agent):
    sender, recipient = await new_inbox(agent, "sender"), await new_inbox(agent, "recipient")
    sent = await agent.send(sender, recipient, "Quarterly numbers", text="Numbers attached.", cc=[])
    assert sent.status == "queued" and sent.id.startswith("msg_") and sent.thread_id.startswith("thread_")

    outbound = (await agent.list_messages(sender, direction="outbound")).data
    assert [(m.id, m.status, m.to) for m in outbound] == [(sent.id, "delivered", [recipient])]
    inbound = (await agent.list_messages(recipient, unread_only=True)).data
    assert [(m.from_, m.subject, m.unread) for m in inbound] == [(sender, "Quarterly numbers", True)]

    reply = await agent.reply(inbound[0].id, text="Thanks, got them.")
    assert reply.thread_id == inbound[0].thread_id
    back = (await agent.list_messages(sender, direction="inbound")).data
    assert [(m.subject, m.thread_id) for m in back] == [("Re: Quarterly numbers", sent.thread_id)]
    thread = await agent.get_thread(sent.thread_id)
    assert [m.direction for m in thread.messages] == ["outbound", "inbound"]

    full = await agent.get_message(inbound[0].id)  # reading marks it read
    assert full.text == "Numbers attached." and full.headers["Subject"] == "Quarterly numbers"
    assert (await agent.list_messages(recipient, unread_only=True)).data == []


async def test_outside_recipients_get_a_delivery_status(agent):
    sender = await new_inbox(agent, "outside")
    sent = await agent.send(sender, ["partner@example.com"], "Hello", html="<p>Hello</p>",
                            bcc=["archive@example.org"], reply_to="replies@example.com")
    message = await agent.get_message(sent.id)
    assert message.direction == "outbound" and message.status in ("delivered", "sent")
    assert message.bcc == ["archive@example.org"] and message.reply_to == "replies@example.com"
    assert message.html == "<p>Hello</p>"


async def test_same_idempotency_key_same_result_other_body_409(agent):
    sender = await new_inbox(agent, "idem")
    key = str(uuid.uuid4())
    first = await agent.send(sender, "a@example.com", "Once", text="only once", idempotency_key=key)
    again = await agent.send(sender, "a@example.com", "Once", text="only once", idempotency_key=key)
    assert again.id == first.id and again.thread_id == first.thread_id
    with pytest.raises(ConflictError) as caught:
        await agent.send(sender, "a@example.com", "Once", text="a different body", idempotency_key=key)
    assert caught.value.code == "idempotency_conflict" and caught.value.status == 409
    assert len((await agent.list_messages(sender, direction="outbound")).data) == 1

    received = (await agent.list_messages("support@postern.test")).data[0]
    reply_key = str(uuid.uuid4())
    replies = [await agent.reply(received.id, text="same", idempotency_key=reply_key) for _ in range(2)]
    assert replies[0].id == replies[1].id
    with pytest.raises(ConflictError):
        await agent.reply(received.id, text="changed", idempotency_key=reply_key)


class LoseFirstResponse(httpx.AsyncBaseTransport):
    """Forwards every request, but the first POST's response never reaches the client (a read timeout)."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.bodies: list[bytes] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if request.method == "POST":
            self.bodies.append(request.content)
            if len(self.bodies) == 1:
                await response.aclose()
                raise httpx.ReadTimeout("the reply was lost", request=request)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


async def test_a_retried_send_after_a_lost_reply_does_not_send_twice(sandbox, agent):
    sender, recipient = await new_inbox(agent, "lossy"), await new_inbox(agent, "lossy-to")
    transport = LoseFirstResponse()
    async with PosternClient(sandbox.url, sandbox.key("postern-agent"), transport=transport) as lossy:
        sent = await lossy.send(sender, recipient, "Exactly once", text="hello")
    assert len(transport.bodies) == 2 and transport.bodies[0] == transport.bodies[1]  # same idempotency_key
    assert [m.id for m in (await agent.list_messages(sender, direction="outbound")).data] == [sent.id]
    assert len((await agent.list_messages(recipient)).data) == 1


async def test_daily_cap_ramps_and_429_is_honoured_via_retry_after(fresh_sandbox):
    # Put the sandbox clock 2.5 s before a UTC midnight, so the 429's Retry-After is short.
    now = datetime.now(UTC)
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    fresh_sandbox.advance_clock((midnight - now).total_seconds() - 2.5 + 86400)
    async with PosternClient(fresh_sandbox.url, fresh_sandbox.key("postern-agent")) as agent:
        sender = await new_inbox(agent, "capped")
        for n in range(5):  # a new inbox may send 5 a day
            await agent.send(sender, "x@example.com", f"mail {n}", text="hi")
        async with PosternClient(fresh_sandbox.url, fresh_sandbox.key("postern-agent"), retry_attempts=1) as once:
            with pytest.raises(RateLimitedError) as caught:
                await once.send(sender, "x@example.com", "one too many", text="hi")
        assert caught.value.code == "rate_limited" and 1 <= caught.value.retry_after <= 3
        started = time.monotonic()
        sent = await agent.send(sender, "x@example.com", "after midnight", text="hi")  # waits, retries, sends
        assert sent.status == "queued" and time.monotonic() - started >= 0.5

        # A day later the inbox may send 10 a day.
        fresh_sandbox.advance_clock(86400)
        for n in range(10):
            await agent.send(sender, "x@example.com", f"day two {n}", text="hi")
        with pytest.raises(RateLimitedError) as caught:
            await agent.send(sender, "x@example.com", "day two, one too many", text="hi")
        assert caught.value.retry_after > 3600  # not waited for: far longer than the client's cap


async def test_postern_and_po6_deliver_to_each_other(agent, sandbox):
    from po6_tui.api.po6 import Po6Client

    sender = await new_inbox(agent, "crossing")
    subject = f"From Postern {uuid.uuid4().hex[:6]}"
    sent = await agent.send(sender, "ops-agent@po6.com", subject, text="hello PO6")
    assert (await agent.get_message(sent.id)).status == "delivered"
    async with await Po6Client.connect(sandbox.mcp_url, sandbox.key("plus")) as po6:
        found = (await po6.search_emails(subject, mailbox_id="mbx_ops")).results
        assert [(e.from_, e.subject) for e in found] == [(sender, subject)]
        await po6.compose_email("mbx_ops", [sender], "Re: " + subject, "hello Postern")
    answer = await agent.wait(sender, subject=subject, since="2000-01-01T00:00:00Z", timeout_seconds=5)
    assert not answer.timed_out and answer.message.from_ == "ops-agent@po6.com"
    assert answer.message.thread_id == sent.thread_id  # threaded by In-Reply-To / subject
