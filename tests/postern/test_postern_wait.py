"""`wait`: a real long-poll that wakes on a send, on `po6-tui sandbox deliver`, and times out."""

import asyncio
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from postern_data import SIGNUP, cli_deliver, make_email

from po6_tui.api.errors import InvalidError


async def new_inbox(client, prefix: str) -> str:
    return (await client.create_inbox(username=f"{prefix}-{uuid.uuid4().hex[:8]}")).address


async def test_wait_times_out(agent):
    inbox = await new_inbox(agent, "quiet")
    started = time.monotonic()
    result = await agent.wait(inbox, timeout_seconds=0.4)
    assert result.timed_out and result.message is None and result.extracted is None
    assert 0.35 <= time.monotonic() - started < 3


async def test_wait_returns_when_a_send_delivers_mid_wait(agent):
    waiting, sender = await new_inbox(agent, "waiting"), await new_inbox(agent, "sender")

    async def send_later():
        await asyncio.sleep(0.5)
        await agent.send(sender, waiting, "Noise", text="not this one")
        await asyncio.sleep(0.3)
        return await agent.send(sender, waiting, "Your login code", text="Use code 550912 to sign in.")

    started = time.monotonic()
    result, sent = await asyncio.gather(agent.wait(waiting, subject="login code", timeout_seconds=20), send_later())
    assert time.monotonic() - started < 5
    assert not result.timed_out
    assert result.message.subject == "Your login code" and result.message.from_ == sender and sent.id
    assert result.extracted.otp_code == "550912"


async def test_wait_returns_when_another_process_delivers(agent, sandbox):
    inbox = await new_inbox(agent, "cli")
    raw = make_email(inbox, subject="Confirm your account", sender="no-reply@shop.example",
                     text="Welcome!\nConfirm: https://shop.example/confirm?token=Zx81\nYour code: 300123\n")

    async def deliver_later():
        await asyncio.sleep(0.4)
        return await asyncio.to_thread(cli_deliver, sandbox.db, inbox, raw)

    started = time.monotonic()
    result, delivered = await asyncio.gather(
        agent.wait(inbox, sender="shop.example", regex=r"token=\w+", timeout_seconds=30), deliver_later())
    assert delivered["delivered"] is True
    assert not result.timed_out and time.monotonic() - started < 15
    assert result.message.subject == "Confirm your account" and result.message.from_ == "no-reply@shop.example"
    assert result.extracted.verification_link == "https://shop.example/confirm?token=Zx81"
    assert result.extracted.otp_code == "300123"


async def test_wait_since_finds_what_already_arrived(agent):
    since = (datetime.now(UTC) - timedelta(days=3)).isoformat()
    otp = await agent.wait(SIGNUP, subject="verification code", since=since, timeout_seconds=1)
    assert otp.extracted.otp_code == "482913" and otp.message.subject == "Your verification code"
    link = await agent.wait(SIGNUP, subject="confirm your email", since=since, timeout_seconds=1)
    assert link.extracted.verification_link == "https://accounts.example.com/verify?token=7f3a9c2e41d8"
    welcome = await agent.wait(SIGNUP, sender="acmecloud", since=since, timeout_seconds=1)
    assert welcome.extracted.credentials.username == "signup-bot"
    assert welcome.extracted.credentials.password == "Tmp-4821-kite"
    # without `since`, only new mail counts
    assert (await agent.wait(SIGNUP, subject="verification code", timeout_seconds=0.2)).timed_out


@pytest.mark.parametrize("arguments", [{"regex": "(unclosed"}, {"since": "last tuesday"}])
async def test_wait_rejects_bad_filters(agent, arguments):
    with pytest.raises(InvalidError) as caught:
        await agent.wait(SIGNUP, timeout_seconds=1, **arguments)
    assert caught.value.code == "validation_failed"
