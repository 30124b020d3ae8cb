"""The error hierarchy against the sandbox: auth, scope, plan, not found, invalid, rate limit,
a strict server, expired sessions and injected faults."""

from __future__ import annotations

import asyncio

import pytest

from po6_tui.api.errors import (
    AuthError,
    InvalidError,
    NotFoundError,
    PlanError,
    RateLimitedError,
    ScopeError,
    ServerError,
    TransportError,
)
from po6_tui.api.po6 import Po6Client


async def connect(box, label, **kw) -> Po6Client:
    return await Po6Client.connect(box.mcp_url, box.key(label), **kw)


async def test_bad_key_is_refused_with_a_plain_sentence(roomy_sandbox):
    secret = "mcp_po6_not_a_real_key_0123456789"
    with pytest.raises(AuthError) as info:
        await Po6Client.connect(roomy_sandbox.mcp_url, secret)
    assert str(info.value) == "The server rejected the API key (authentication failed)."
    assert secret not in repr(info.value)


async def test_a_wrong_url_is_named_without_its_credentials_or_query(roomy_sandbox):
    base = roomy_sandbox.mcp_url.removesuffix("/mcp")
    url = base.replace("http://", "http://user:hunter2@") + "/not-mcp?key=mcp_po6_in_the_url"
    with pytest.raises(NotFoundError) as info:
        await Po6Client.connect(url, roomy_sandbox.key("plus"), retry_attempts=1)
    message = str(info.value)
    assert message.startswith("Nothing answers MCP at 127.0.0.1:") and "/not-mcp (HTTP 404)" in message
    assert "hunter2" not in message and "mcp_po6_in_the_url" not in message


async def test_expired_key(roomy_sandbox):
    with pytest.raises(AuthError):
        await connect(roomy_sandbox, "expired")


async def test_missing_scope(roomy_sandbox):
    async with await connect(roomy_sandbox, "readonly") as po6:
        assert await po6.list_mailboxes()
        with pytest.raises(ScopeError, match="mailbox:send"):
            await po6.compose_email("mbx_support", ["a@example.com"], "s", "b")
        with pytest.raises(ScopeError):
            await po6.update_alias("als_press", is_active=False)


async def test_plan_limits(roomy_sandbox):
    async with await connect(roomy_sandbox, "free") as po6:
        mailbox = (await po6.list_mailboxes())[0]
        with pytest.raises(PlanError, match="paid plan"):
            await po6.compose_email(mailbox.id, ["a@example.com"], "s", "b")
        with pytest.raises(PlanError):
            await po6.list_email_lists()


async def test_not_found_and_tenant_isolation(roomy_sandbox):
    async with await connect(roomy_sandbox, "plus") as po6:
        with pytest.raises(NotFoundError, match="not found"):
            await po6.get_email("mbx_support", "em_does_not_exist")
        with pytest.raises(NotFoundError):
            await po6.get_alias("als_nope")
    async with await connect(roomy_sandbox, "other-tenant") as stranger:
        with pytest.raises(NotFoundError):
            await stranger.get_mailbox_stats("mbx_support")


async def test_a_key_restricted_to_one_mailbox(roomy_sandbox):
    async with await connect(roomy_sandbox, "one-mailbox") as po6:
        mailboxes = await po6.list_mailboxes()
        assert len(mailboxes) == 1
        alias = (await po6.list_aliases())[0]  # readable, but an account-wide change is refused in words
        with pytest.raises(ScopeError, match="restricted to some mailboxes.*unrestricted key") as info:
            await po6.update_alias(alias.id, is_active=not alias.is_active)
        assert info.value.tool == "update_alias"


async def test_invalid_arguments(roomy_sandbox):
    async with await connect(roomy_sandbox, "plus") as po6:
        email = (await po6.list_emails("mbx_support", limit=1)).emails[0]
        with pytest.raises(InvalidError) as info:
            await po6.mark_email("mbx_support", email.id, "bogus")
        assert info.value.tool == "mark_email" and str(info.value)


async def test_rate_limit_at_sixty_a_minute(fresh_sandbox):
    po6 = await Po6Client.connect(fresh_sandbox.mcp_url, fresh_sandbox.key("standard"), retry_attempts=1)
    async with po6:
        with pytest.raises(RateLimitedError, match="Rate limited") as info:
            for _ in range(61):
                await po6.list_domains()
        assert "wait" in str(info.value).lower() or "rate" in str(info.value).lower()
    # Other keys are not affected.
    async with await connect(fresh_sandbox, "plus") as other:
        assert await other.list_domains()


async def test_a_strict_server_has_no_decision_tools(sandbox_factory):
    box = sandbox_factory(strict=True)
    async with await connect(box, "plus") as po6:
        assert len(po6.tools) == 39 and not po6.has_decision_tools
        with pytest.raises(InvalidError, match="does not offer the tool approve_draft"):
            await po6.approve_draft("drf_demo01")


async def test_a_forgotten_session_is_renewed(sandbox_factory):
    box = sandbox_factory("--session-ttl", "1", "--rate-limit", "1000")
    async with await connect(box, "plus") as po6:
        first = po6.mcp.session_id
        await po6.list_mailboxes()
        await asyncio.sleep(1.3)
        assert await po6.list_mailboxes()
        assert po6.mcp.session_id != first


@pytest.mark.parametrize(("flag", "error", "text"), [
    ("--fail-rate", ServerError, "HTTP 503"),
    ("--malformed-rate", TransportError, "not valid JSON"),
    ("--drop-rate", TransportError, "lost"),
])
async def test_injected_faults(sandbox_factory, flag, error, text):
    box = sandbox_factory(flag, "1")
    with pytest.raises(error, match=text):
        await Po6Client.connect(box.mcp_url, box.key("plus"))


async def test_no_error_or_repr_ever_shows_the_key(roomy_sandbox):
    key = roomy_sandbox.key("readonly")
    errors = []
    async with await Po6Client.connect(roomy_sandbox.mcp_url, key) as po6:
        for call in (po6.get_email("mbx_support", "em_nope"), po6.compose_email("mbx_support", ["a@b.c"], "s", "b"),
                     po6.mark_email("mbx_support", "em_nope", "bogus")):
            with pytest.raises(Exception) as info:
                await call
            errors.append(info.value)
        texts = [repr(po6), repr(po6.mcp), str(vars(po6)), str(vars(po6.mcp))]
    texts += [text for error in errors for text in (str(error), repr(error))]
    assert all(key not in text for text in texts)
