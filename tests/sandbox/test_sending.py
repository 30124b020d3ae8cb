"""Sending: compose, reply, forward, create_draft; local delivery, delivery statuses, plans and limits."""

from __future__ import annotations

from datetime import datetime

import pytest

OUTREACH, SUPPORT, SIGNUP = "mbx_outreach", "mbx_support", "mbx_signup"


async def test_compose_to_an_outside_address_is_recorded_as_delivered(session):
    async with session("plus") as po6:
        sent = await po6.call("compose_email", mailbox_id=OUTREACH, to_addresses=["alicia@northstar.example"],
                              subject="Pricing", body_text="Here you go.", body_html="<p>Here you go.</p>",
                              cc_addresses=["boss@northstar.example"], bcc_addresses=["crm@acme.dev"])
        listing = await po6.call("list_sent_emails", mailbox_id=OUTREACH)
        copies = await po6.call("list_emails", mailbox_id=OUTREACH, folder="Sent", limit=5)
    assert sent["status"] == "sent" and sent["id"].startswith("snt_") and sent["sent_at"].endswith("Z")
    record = next(e for e in listing["emails"] if e["id"] == sent["id"])
    assert record["delivery_status"] == "delivered" and record["sent_via"] == "mcp"
    assert record["to_addresses"] == ["alicia@northstar.example"]
    assert copies["emails"][0]["subject"] == "Pricing"


async def test_delivery_status_depends_on_the_recipient(session):
    async with session("plus") as po6:
        bounced = await po6.call("compose_email", mailbox_id=OUTREACH, to_addresses=["x@nowhere.invalid"],
                                 subject="s", body_text="b")
        queued = await po6.call("compose_email", mailbox_id=OUTREACH, to_addresses=["x@slow.test"],
                                subject="s", body_text="b")
        unknown_local = await po6.call("compose_email", mailbox_id=OUTREACH, to_addresses=["nobody@po6.com"],
                                       subject="s", body_text="b")
    assert bounced["delivery_status"] == "bounced"
    assert (queued["status"], queued["delivery_status"]) == ("queued", "queued")
    assert unknown_local["delivery_status"] == "bounced"


async def test_mail_between_sandbox_mailboxes_is_delivered_locally(session):
    async with session("plus") as po6:
        await po6.call("compose_email", mailbox_id=OUTREACH, to_addresses=["support-agent@po6.com"],
                       subject="Handover: Northstar account", body_text="Please take over this customer.")
        inbox = await po6.call("list_emails", mailbox_id=SUPPORT, limit=1)
        via_alias = await po6.call("compose_email", mailbox_id=SUPPORT, to_addresses=["sales@acme.dev"],
                                   subject="Lead for you", body_text="Routed through a domain alias.")
        outreach = await po6.call("list_emails", mailbox_id=OUTREACH, limit=1)
        await po6.call("compose_email", mailbox_id=SUPPORT, to_addresses=["whoever@acme.dev"],
                       subject="Caught by the catch-all", body_text="No alias has this name.")
        caught = await po6.call("list_emails", mailbox_id=SUPPORT, limit=1)
    newest = inbox["emails"][0]
    assert (newest["subject"], newest["from"], newest["is_read"]) == (
        "Handover: Northstar account", "outreach-agent@po6.com", False)
    assert via_alias["delivery_status"] == "delivered"
    assert outreach["emails"][0]["subject"] == "Lead for you"
    assert caught["emails"][0]["subject"] == "Caught by the catch-all"


async def test_reply_goes_to_the_sender_and_forward_quotes_the_original(session):
    async with session("plus") as po6:
        original = (await po6.call("search_emails", query="Export CSV broken", mailbox_id=SUPPORT))["results"][0]
        reply = await po6.call("reply_email", mailbox_id=SUPPORT, email_id=original["id"], body_text="Fixed now.")
        forward = await po6.call("forward_email", mailbox_id=SUPPORT, email_id=original["id"],
                                 to_addresses=["ops-agent@po6.com"], body_text="FYI")
        sent = await po6.call("list_sent_emails", mailbox_id=SUPPORT, limit=2)
        forwarded = (await po6.call("list_emails", mailbox_id="mbx_ops", limit=1))["emails"][0]
        body = await po6.call("get_email", mailbox_id="mbx_ops", email_id=forwarded["id"])
    by_id = {e["id"]: e for e in sent["emails"]}
    assert by_id[reply["id"]]["to_addresses"] == [original["from"]]
    assert by_id[reply["id"]]["subject"].startswith("Re: ")
    assert by_id[forward["id"]]["subject"] == f"Fwd: {original['subject']}"
    assert body["body_text"].startswith("FYI") and "Forwarded message" in body["body_text"]


async def test_create_draft_is_pending_for_72_hours(session):
    async with session("plus") as po6:
        draft = await po6.call("create_draft", mailbox_id=OUTREACH, to_addresses=["ben@carter-logistics.example"],
                               subject="Proposal", body_text="Draft body", body_html="<p>Draft body</p>",
                               cc_addresses=["ops@carter-logistics.example"])
        pending = await po6.call("list_drafts", mailbox_id=OUTREACH)
    assert draft["status"] == "pending" and draft["created_via"] == "mcp"
    assert draft["cc_addresses"] == ["ops@carter-logistics.example"]
    created, expires = (datetime.fromisoformat(draft[k].replace("Z", "+00:00")) for k in ("created_at", "expires_at"))
    assert (expires - created).total_seconds() == 72 * 3600
    assert draft["id"] in [d["id"] for d in pending["drafts"]]


async def test_free_plan_cannot_send_but_may_draft(session):
    async with session("free") as po6:
        for tool, extra in (("compose_email", {"to_addresses": ["a@b.example"], "subject": "s", "body_text": "b"}),
                            ("reply_email", {"email_id": "em_1", "body_text": "b"}),
                            ("forward_email", {"email_id": "em_1", "to_addresses": ["a@b.example"]})):
            message = await po6.fail(tool, mailbox_id=SIGNUP, **extra)
            assert message.startswith("Requires a paid plan (Standard or Plus)")
        lists = await po6.fail("list_email_lists")
        draft = await po6.call("create_draft", mailbox_id=SIGNUP, to_addresses=["a@b.example"], subject="s",
                               body_text="b")
    assert lists.startswith("Requires a paid plan")
    assert draft["status"] == "pending"


async def test_forward_recipient_cap_per_plan(session):
    recipients = [f"r{i}@example.com" for i in range(11)]
    async with session("standard") as standard, session("plus") as plus:
        email = (await plus.call("list_emails", mailbox_id=SUPPORT, limit=1))["emails"][0]
        standard_over = await standard.fail("forward_email", mailbox_id=SUPPORT, email_id=email["id"],
                                            to_addresses=recipients[:6])
        plus_ok = await plus.call("forward_email", mailbox_id=SUPPORT, email_id=email["id"],
                                  to_addresses=recipients[:10])
        plus_over = await plus.fail("forward_email", mailbox_id=SUPPORT, email_id=email["id"],
                                    to_addresses=recipients)
    assert standard_over == "Too many recipients: Standard forwards to at most 5 addresses"
    assert plus_ok["status"] == "sent"
    assert plus_over == "Too many recipients: Plus forwards to at most 10 addresses"


async def test_bad_recipients_are_refused_before_anything_is_sent(session):
    async with session("plus") as po6:
        before = (await po6.call("list_sent_emails", mailbox_id=OUTREACH, limit=1))["total"]
        message = await po6.fail("compose_email", mailbox_id=OUTREACH, to_addresses=["not an address"],
                                 subject="s", body_text="b")
        empty = await po6.fail("compose_email", mailbox_id=OUTREACH, to_addresses=[], subject="s", body_text="b")
        after = (await po6.call("list_sent_emails", mailbox_id=OUTREACH, limit=1))["total"]
    assert message == "Invalid argument 'to_addresses': 'not an address' is not an email address"
    assert empty == "Invalid argument 'to_addresses': must not be empty"
    assert before == after


async def test_mail_to_a_postern_inbox_of_the_same_sandbox_is_delivered_locally(session):
    pytest.importorskip("po6_tui.sandbox.postern_store")
    async with session("plus") as po6:
        local = await po6.call("compose_email", mailbox_id=OUTREACH, to_addresses=["support@postern.test"],
                               subject="Hello Postern", body_text="From PO6")
        outside = await po6.call("compose_email", mailbox_id=OUTREACH, to_addresses=["nobody-here@postern.test"],
                                 subject="Hello", body_text="b")
    assert local["delivery_status"] == "delivered"  # an outside *.test address would stay queued
    assert outside["delivery_status"] == "queued"
