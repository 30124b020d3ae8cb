"""What the sandbox clock drives: token expiry, the 72-hour draft expiry, hourly send limits.

Every test here moves this module's clock forward, so each one only relies on objects it
creates and on time moving on (never on where the clock stands).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from po6_mcp import Box, start_box

OUTREACH, OPS = "mbx_outreach", "mbx_ops"


@pytest.fixture(scope="module")
def box(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Box]:
    """This module's own sandbox: moving the clock would expire the shared one's drafts."""
    started = start_box(tmp_path_factory.mktemp("po6-clock"))
    yield started
    started.process.stop()


async def test_a_confirmation_token_expires_after_five_minutes(box, session):
    async with session("plus") as po6:
        email = (await po6.call("list_emails", mailbox_id=OPS, limit=1))["emails"][0]["id"]
        token = (await po6.call("delete_email", mailbox_id=OPS, email_id=email))["confirmation_token"]
        box.advance_clock(301)
        expired = await po6.fail("delete_email", mailbox_id=OPS, email_id=email, confirmation_token=token)
        fresh = await po6.call("delete_email", mailbox_id=OPS, email_id=email)
        done = await po6.call("delete_email", mailbox_id=OPS, email_id=email,
                              confirmation_token=fresh["confirmation_token"])
    assert expired == "Invalid or expired confirmation token" and done["deleted"] is True


async def test_a_draft_expires_72_hours_after_it_was_made(box, session):
    async with session("plus") as po6:
        draft = await po6.call("create_draft", mailbox_id=OUTREACH, to_addresses=["a@b.example"],
                               subject="Expiring", body_text="b")
        box.advance_clock(72 * 3600 - 120)
        still_pending = [d["id"] for d in (await po6.call("list_drafts", mailbox_id=OUTREACH))["drafts"]]
        box.advance_clock(240)
        pending = [d["id"] for d in (await po6.call("list_drafts", mailbox_id=OUTREACH))["drafts"]]
        expired = [d["id"] for d in (await po6.call("list_drafts", status="expired"))["drafts"]]
        late = await po6.fail("approve_draft", draft_id=draft["id"])
    assert draft["id"] in still_pending and draft["id"] not in pending and draft["id"] in expired
    assert late == f"Draft {draft['id']} is expired, not pending"


async def test_the_hourly_send_limit_resets_an_hour_later(box, session):
    async with session("standard") as po6, session("plus") as other_key:
        box.advance_clock(3601)  # whatever this key sent before is out of the window
        for index in range(30):
            await po6.call("compose_email", mailbox_id=OUTREACH, to_addresses=["a@b.example"],
                           subject=f"#{index}", body_text="b")
        over = await po6.fail("compose_email", mailbox_id=OUTREACH, to_addresses=["a@b.example"],
                              subject="one too many", body_text="b")
        newest = (await po6.call("list_sent_emails", mailbox_id=OUTREACH, limit=1))["emails"][0]
        unaffected = await other_key.call("compose_email", mailbox_id=OUTREACH, to_addresses=["a@b.example"],
                                          subject="another key", body_text="b")
        box.advance_clock(3601)
        again = await po6.call("compose_email", mailbox_id=OUTREACH, to_addresses=["a@b.example"],
                               subject="next hour", body_text="b")
    assert over == "Hourly send limit reached (30/hour on Standard)"
    assert newest["subject"] == "#29"  # the refused send left nothing behind
    assert unaffected["status"] == again["status"] == "sent"
