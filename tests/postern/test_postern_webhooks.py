"""Webhooks: loopback-only registration and signed `message.received` deliveries."""

import asyncio
import json
import uuid

import pytest
from postern_data import cli_deliver, make_email

from po6_tui.api.errors import InvalidError
from po6_tui.api.postern import verify_signature


async def wait_for(receiver, count: int, timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while len(receiver.received) < count and loop.time() < deadline:
        await asyncio.sleep(0.05)
    assert len(receiver.received) >= count, f"{len(receiver.received)} webhook deliveries, expected {count}"


@pytest.mark.parametrize("url", ["https://example.com/hook", "http://10.0.0.5/hook", "ftp://127.0.0.1/x",
                                 "http://169.254.169.254/latest", "not a url"])
async def test_only_loopback_urls(agent, url):
    with pytest.raises(InvalidError) as caught:
        await agent.create_webhook(url)
    assert caught.value.code == "validation_failed" and caught.value.status == 422


async def test_signed_delivery_on_a_send_and_on_an_outside_delivery(agent, receiver, sandbox):
    inbox = (await agent.create_inbox(username=f"hooked-{uuid.uuid4().hex[:8]}")).address
    webhook = await agent.create_webhook(receiver.url, address=inbox)
    assert webhook.id.startswith("wh_") and webhook.secret.startswith("whsec_")
    assert webhook.events == ["message.received"] and webhook.secret not in repr(webhook)

    sender = (await agent.create_inbox(username=f"hook-sender-{uuid.uuid4().hex[:8]}")).address
    await agent.send(sender, inbox, "Ping", text="ping")
    await wait_for(receiver, 1)
    headers, body = receiver.received[0]
    assert headers["x-postern-event"] == "message.received"
    assert verify_signature(webhook.secret, headers["x-postern-signature"], body)
    assert not verify_signature(webhook.secret, headers["x-postern-signature"], body + b" ")
    assert not verify_signature("whsec_wrong", headers["x-postern-signature"], body)
    payload = json.loads(body)
    assert payload["event"] == "message.received" and payload["inbox"] == inbox
    assert payload["message"]["from"] == sender and payload["message"]["subject"] == "Ping"
    assert set(payload["message"]) >= {"id", "thread_id", "from", "subject", "received_at"}

    # A message written by another process (`po6-tui sandbox deliver`) is announced too.
    await asyncio.to_thread(cli_deliver, sandbox.db, inbox, make_email(inbox, subject="From outside", text="hi"))
    await wait_for(receiver, 2)
    headers, body = receiver.received[1]
    assert verify_signature(webhook.secret, headers["x-postern-signature"], body)
    assert json.loads(body)["message"]["subject"] == "From outside"


async def test_inbound_webhook_url_on_inbox_creation(agent, receiver):
    inbox = await agent.create_inbox(username=f"inline-{uuid.uuid4().hex[:8]}", inbound_webhook_url=receiver.url)
    assert inbox.inbound_webhook and inbox.inbound_webhook.secret.startswith("whsec_")
    sender = (await agent.create_inbox(username=f"inline-sender-{uuid.uuid4().hex[:8]}")).address
    await agent.send(sender, inbox.address, "Hello hook", text="hi")
    await wait_for(receiver, 1)
    headers, body = receiver.received[0]
    assert verify_signature(inbox.inbound_webhook.secret, headers["x-postern-signature"], body)
