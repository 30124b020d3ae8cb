"""Enrollment, inbox create/get/delete, `client_id` idempotency and mailbox slots."""

import uuid

import pytest
from postern_data import AGENT, ENROLL, ENROLL_REVOKED, OTHER, SUPPORT

from po6_tui.api.errors import AuthError, ConflictError, InvalidError, NotFoundError, PlanError
from po6_tui.api.postern import PosternClient


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


async def test_create_get_delete_inbox(agent):
    name = unique("create")
    inbox = await agent.create_inbox(username=name, display_name="Created By Test")
    assert inbox.id.startswith("inbox_")
    assert (inbox.address, inbox.domain, inbox.status, inbox.display_name) == (
        f"{name}@postern.test", "postern.test", "live", "Created By Test")
    assert (await agent.get_inbox(inbox.address)).id == inbox.id
    assert inbox.address in [i.address async for i in agent.iterate(agent.list_inboxes)]
    deleted = await agent.delete_inbox(inbox.address)
    assert deleted.deleted and deleted.id == inbox.id
    with pytest.raises(NotFoundError):
        await agent.get_inbox(inbox.address)
    with pytest.raises(NotFoundError):
        await agent.delete_inbox(inbox.address)


async def test_create_inbox_generates_a_username(agent):
    inbox = await agent.create_inbox()
    assert inbox.address.endswith("@postern.test") and len(inbox.address) > len("@postern.test")


async def test_client_id_gives_back_the_same_inbox(agent):
    client_id = str(uuid.uuid4())
    first = await agent.create_inbox(username=unique("idem"), client_id=client_id)
    again = await agent.create_inbox(username=unique("other-name"), client_id=client_id)
    assert again.id == first.id and again.address == first.address


@pytest.mark.parametrize("arguments, problem", [
    ({"domain": "elsewhere.example"}, "allowed domains"),
    ({"username": "Bad Name!"}, "username"),
    ({"username": "support"}, "taken"),
    ({"inbound_webhook_url": "https://example.com/hook"}, "loopback"),
])
async def test_create_inbox_validation(agent, arguments, problem):
    with pytest.raises(InvalidError) as caught:
        await agent.create_inbox(**arguments)
    assert caught.value.code == "validation_failed" and problem in str(caught.value)


async def test_enroll_gives_a_working_agent_key(sandbox):
    async with PosternClient(sandbox.url, None) as anonymous:
        enrollment = await anonymous.enroll(sandbox.key(ENROLL), agent_handle="new-agent")
    assert enrollment.agent_id.startswith("agent_") and enrollment.agent_key.startswith("pk_agent_")
    assert enrollment.agent_key.startswith(enrollment.agent_key_prefix)
    assert enrollment.agent_key not in repr(enrollment)
    assert set(enrollment.scopes) == {"mailbox:create", "mailbox:read", "mailbox:send"}
    assert enrollment.allowed_domains == ["postern.test"] and enrollment.mailboxes_max == 5
    assert enrollment.expires_at is not None
    async with PosternClient(sandbox.url, enrollment.agent_key) as new_agent:
        assert (await new_agent.get_inbox(SUPPORT)).address == SUPPORT  # same tenant as the token


async def test_enrollment_token_errors(sandbox):
    async with PosternClient(sandbox.url, None) as anonymous:
        for token, code in (("pk_enroll_made_up", "invalid_enrollment_token"), ("not-a-token", "invalid_enrollment_token"),
                            (sandbox.key(ENROLL_REVOKED), "enrollment_token_revoked")):
            with pytest.raises(AuthError) as caught:
                await anonymous.enroll(token)
            assert caught.value.code == code and caught.value.status == 401


async def test_slots_run_out_and_are_not_refunded(fresh_sandbox):
    async with PosternClient(fresh_sandbox.url, None) as anonymous:
        enrollment = await anonymous.enroll(fresh_sandbox.key(ENROLL))
    async with PosternClient(fresh_sandbox.url, enrollment.agent_key) as agent:
        inboxes = [await agent.create_inbox(username=f"slot-{n}") for n in range(enrollment.mailboxes_max)]
        await agent.delete_inbox(inboxes[0].address)  # deleting does not give the slot back
        with pytest.raises(ConflictError) as caught:
            await agent.create_inbox(username="one-too-many")
        assert caught.value.code == "enrollment_token_exhausted" and caught.value.status == 409
    async with PosternClient(fresh_sandbox.url, None) as anonymous:
        with pytest.raises(ConflictError) as caught:
            await anonymous.enroll(fresh_sandbox.key(ENROLL))
        assert caught.value.code == "enrollment_token_exhausted"

        fresh_sandbox.advance_clock(31 * 86400)  # the token expires after 30 days
        with pytest.raises(AuthError) as caught:
            await anonymous.enroll(fresh_sandbox.key(ENROLL))
        assert caught.value.code == "enrollment_token_expired"


async def test_free_plan_has_no_webhooks(client_for, receiver):
    other = client_for(OTHER)
    with pytest.raises(PlanError) as caught:
        await other.create_webhook(receiver.url)
    assert caught.value.code == "payment_required" and caught.value.status == 402
    with pytest.raises(PlanError):
        await other.create_inbox(username=unique("hooked"), inbound_webhook_url=receiver.url)


async def test_agent_key_reaches_only_its_tenant(client_for):
    with pytest.raises(NotFoundError):
        await client_for(AGENT).get_inbox("scout@postern.test")
