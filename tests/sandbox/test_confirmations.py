"""Two-step confirmation tokens: single-use, bound to key + tool + target, expiring after 300 s."""

from __future__ import annotations

INVALID = "Invalid or expired confirmation token"
OPS = "mbx_ops"


async def _two_emails(po6) -> tuple[str, str]:
    emails = (await po6.call("list_emails", mailbox_id=OPS, folder="Alerts", limit=2))["emails"]
    return emails[0]["id"], emails[1]["id"]


async def test_a_token_works_once(session):
    async with session("plus") as po6:
        email, _ = await _two_emails(po6)
        first = await po6.call("delete_email", mailbox_id=OPS, email_id=email)
        token = first["confirmation_token"]
        assert token.startswith("ct_")
        await po6.call("delete_email", mailbox_id=OPS, email_id=email, confirmation_token=token)
        # The email is gone, so a replay fails on the email first; a live target shows the token is spent.
        page = (await po6.call("list_landing_pages", status="draft"))["pages"][0]["id"]
        ask = await po6.call("publish_landing_page", page_id=page)
        await po6.call("publish_landing_page", page_id=page, confirmation_token=ask["confirmation_token"])
        await po6.call("unpublish_landing_page", page_id=page,
                       confirmation_token=(await po6.call("unpublish_landing_page", page_id=page))["confirmation_token"])
        reused = await po6.fail("publish_landing_page", page_id=page, confirmation_token=ask["confirmation_token"])
    assert reused == INVALID


async def test_a_token_is_bound_to_its_target(session):
    async with session("plus") as po6:
        email, other = await _two_emails(po6)
        token = (await po6.call("delete_email", mailbox_id=OPS, email_id=email))["confirmation_token"]
        wrong_target = await po6.fail("delete_email", mailbox_id=OPS, email_id=other, confirmation_token=token)
        both_there = [await po6.call("get_email", mailbox_id=OPS, email_id=e) for e in (email, other)]
        # A refused attempt does not spend the token.
        done = await po6.call("delete_email", mailbox_id=OPS, email_id=email, confirmation_token=token)
    assert wrong_target == INVALID
    assert len(both_there) == 2 and done["deleted"] is True


async def test_a_token_is_bound_to_its_tool_and_key(session):
    async with session("plus") as po6, session("standard") as other_key:
        page = (await po6.call("list_landing_pages", status="draft"))["pages"][0]["id"]
        token = (await po6.call("publish_landing_page", page_id=page))["confirmation_token"]
        other_tool = await po6.fail("archive_landing_page", page_id=page, confirmation_token=token)
        stolen = await other_key.fail("publish_landing_page", page_id=page, confirmation_token=token)
        state = await po6.call("get_landing_page", page_id=page)
    assert other_tool == stolen == INVALID
    assert state["status"] == "draft"


async def test_a_made_up_token_is_refused(session):
    async with session("plus") as po6:
        email, _ = await _two_emails(po6)
        made_up = await po6.fail("delete_email", mailbox_id=OPS, email_id=email, confirmation_token="ct_guess")
        still_there = await po6.call("get_email", mailbox_id=OPS, email_id=email)
    assert made_up == INVALID and still_there["id"] == email


async def test_assign_domain_token_is_bound_to_the_domain(session):
    async with session("plus") as po6:
        page = (await po6.call("list_landing_pages", status="draft"))["pages"][-1]["id"]
        token = (await po6.call("assign_landing_page_domain", page_id=page, domain="acme.dev"))["confirmation_token"]
        other_domain = await po6.fail("assign_landing_page_domain", page_id=page, domain="acme-labs.io",
                                      confirmation_token=token)
    assert other_domain == INVALID
