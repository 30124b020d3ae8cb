"""The 13 mailbox tools: happy paths, unknown ids, bad arguments (through the official SDK client)."""

from __future__ import annotations

import pytest

SIGNUP, BILLING, SUPPORT, OUTREACH, RESEARCH, OPS = (
    "mbx_signup", "mbx_billing", "mbx_support", "mbx_outreach", "mbx_research", "mbx_ops")


async def test_list_mailboxes_shows_the_tenants_agent_fleet(session):
    async with session("plus") as po6:
        result = await po6.call("list_mailboxes")
    addresses = [m["address"] for m in result["mailboxes"]]
    assert addresses == ["signup-bot@po6.com", "billing-agent@po6.com", "support-agent@po6.com",
                         "research-agent@po6.com", "outreach-agent@po6.com", "ops-agent@po6.com"]
    for mailbox in result["mailboxes"]:
        assert mailbox["total"] > 0 and mailbox["storage_bytes"] > 0 and 0 <= mailbox["unread"] <= mailbox["total"]


async def test_mailbox_stats_and_folders_agree(session):
    async with session("plus") as po6:
        stats = await po6.call("get_mailbox_stats", mailbox_id=BILLING)
        folders = await po6.call("list_folders", mailbox_id=BILLING)
    assert stats["address"] == "billing-agent@po6.com"
    assert stats["storage_limit_bytes"] > stats["storage_bytes"] > 0
    assert stats["total"] == sum(f["total"] for f in stats["folders"])
    names = {f["name"]: f for f in folders["folders"]}
    assert list(names)[:6] == ["INBOX", "Sent", "Drafts", "Trash", "Spam", "Archive"]
    assert names["Receipts"]["type"] == "custom" and names["Receipts"]["total"] > 0
    assert names["INBOX"]["type"] == "system"


async def test_mailbox_stats_tell_the_plan_and_its_send_quota(session):
    async with session("standard") as po6:
        before = await po6.call("get_mailbox_stats", mailbox_id=OUTREACH)
        await po6.call("compose_email", mailbox_id=OUTREACH, to_addresses=["someone@example.com"],
                       subject="quota probe", body_text="counting")
        after = await po6.call("get_mailbox_stats", mailbox_id=OUTREACH)
    assert before["plan"] == "Standard"
    assert (before["send_quota"]["per_hour"], before["send_quota"]["per_day"]) == (30, 200)
    assert after["send_quota"]["used_hour"] == before["send_quota"]["used_hour"] + 1


async def test_list_emails_pages_newest_first_without_bodies(session):
    async with session("plus") as po6:
        first = await po6.call("list_emails", mailbox_id=SIGNUP, limit=5)
        second = await po6.call("list_emails", mailbox_id=SIGNUP, limit=5, offset=5)
        everything = await po6.call("list_emails", mailbox_id=SIGNUP, limit=100)
    assert first["total"] == everything["total"] >= 10
    assert first["has_more"] is True and first["limit"] == 5 and first["offset"] == 0
    ids = [e["id"] for e in everything["emails"]]
    assert [e["id"] for e in first["emails"] + second["emails"]] == ids[:10]
    dates = [e["date"] for e in everything["emails"]]
    assert dates == sorted(dates, reverse=True)
    assert everything["has_more"] is False
    assert "body_text" not in everything["emails"][0]
    assert set(everything["emails"][0]) >= {"id", "mailbox_id", "folder", "from", "to", "subject", "snippet", "date",
                                            "is_read", "is_starred", "has_attachments", "size"}


async def test_list_emails_last_page_and_past_the_end(session):
    async with session("plus") as po6:
        total = (await po6.call("list_emails", mailbox_id=SIGNUP, limit=1))["total"]
        last = await po6.call("list_emails", mailbox_id=SIGNUP, limit=3, offset=total - 2)
        beyond = await po6.call("list_emails", mailbox_id=SIGNUP, limit=3, offset=total + 10)
        everything = await po6.call("list_emails", mailbox_id=SIGNUP, limit=100)
    assert [e["id"] for e in last["emails"]] == [e["id"] for e in everything["emails"][-2:]]
    assert last["has_more"] is False
    assert beyond["emails"] == [] and beyond["total"] == total


async def test_list_emails_filters(session):
    async with session("plus") as po6:
        unread = await po6.call("list_emails", mailbox_id=SIGNUP, unread_only=True)
        starred = await po6.call("list_emails", mailbox_id=BILLING, starred_only=True)
        by_sender = await po6.call("list_emails", mailbox_id=SIGNUP, sender="cloudlane")
        everything = await po6.call("list_emails", mailbox_id=SIGNUP, limit=100)
        middle = everything["emails"][len(everything["emails"]) // 2]["date"]
        recent = await po6.call("list_emails", mailbox_id=SIGNUP, since=middle, limit=100)
        older = await po6.call("list_emails", mailbox_id=SIGNUP, until=middle, limit=100)
        receipts = await po6.call("list_emails", mailbox_id=BILLING, folder="receipts")
    assert unread["emails"] and all(not e["is_read"] for e in unread["emails"])
    assert starred["emails"] and all(e["is_starred"] for e in starred["emails"])
    assert by_sender["emails"] and all("cloudlane" in e["from"] for e in by_sender["emails"])
    assert recent["total"] + older["total"] == everything["total"]
    assert all(e["date"] >= middle for e in recent["emails"])
    assert receipts["emails"] and all(e["folder"] == "Receipts" for e in receipts["emails"])


async def test_get_email_has_bodies_headers_attachments_and_does_not_mark_read(session):
    async with session("plus") as po6:
        listing = await po6.call("list_emails", mailbox_id=BILLING, unread_only=True, limit=100)
        invoice = next(e for e in listing["emails"] if e["has_attachments"] and "INV-" in e["subject"])
        email = await po6.call("get_email", mailbox_id=BILLING, email_id=invoice["id"])
        again = await po6.call("get_email", mailbox_id=BILLING, email_id=invoice["id"])
    assert email["body_text"] and email["headers"]["Subject"] == email["subject"]
    assert email["attachments"][0]["content_type"] == "application/pdf" and email["attachments"][0]["size"] > 1000
    assert email["message_id"].startswith("<")
    assert again["is_read"] is False


async def test_demo_mail_is_realistic(session):
    async with session("plus") as po6:
        newsletters = await po6.call("search_emails", query="Agent Digest", mailbox_id=RESEARCH)
        newsletter = await po6.call("get_email", mailbox_id=RESEARCH, email_id=newsletters["results"][0]["id"])
        codes = await po6.call("search_emails", query="verification code", mailbox_id=SIGNUP)
        german = await po6.call("search_emails", query="Rechnung", mailbox_id=BILLING)
        french = await po6.call("search_emails", query="connexion", mailbox_id=SIGNUP)
    assert "<h1>" in newsletter["body_html"] and "unsubscribe" in newsletter["body_text"].lower()
    assert codes["total"] >= 5
    assert "€" in german["results"][0]["subject"]  # decoded from RFC 2047 encoded words
    assert "Sécurité" in french["results"][0]["from_name"]  # an ISO-8859-1 message


async def test_search_across_and_within_mailboxes(session):
    async with session("plus") as po6:
        everywhere = await po6.call("search_emails", query="invoice")
        billing = await po6.call("search_emails", query="invoice", mailbox_id=BILLING, limit=3)
        by_sender = await po6.call("search_emails", query="pagerline")
        nothing = await po6.call("search_emails", query="xylophonequartz")
        syntax = await po6.call("search_emails", query='"unbalanced AND (OR NEAR')
    assert {r["mailbox_id"] for r in everywhere["results"]} >= {BILLING}
    assert len(billing["results"]) == 3 and billing["total"] >= 3
    assert all(r["mailbox_id"] == BILLING for r in billing["results"])
    assert by_sender["results"] and all(r["from"] == "alerts@pagerline.example" for r in by_sender["results"])
    assert nothing == {"results": [], "total": 0, "total_capped": False}
    assert syntax["results"] == []  # FTS5 operators in a query are words, never syntax errors


async def test_mark_and_move(session):
    async with session("plus") as po6:
        email = (await po6.call("list_emails", mailbox_id=OPS, unread_only=True))["emails"][0]
        before = await po6.call("get_mailbox_stats", mailbox_id=OPS)
        assert await po6.call("mark_email", mailbox_id=OPS, email_id=email["id"], action="read") == {
            "id": email["id"], "is_read": True, "is_starred": email["is_starred"]}
        after = await po6.call("get_mailbox_stats", mailbox_id=OPS)
        starred = await po6.call("mark_email", mailbox_id=OPS, email_id=email["id"], action="starred")
        moved = await po6.call("move_email", mailbox_id=OPS, email_id=email["id"], folder="Archive")
        archived = await po6.call("list_emails", mailbox_id=OPS, folder="Archive")
        await po6.call("mark_email", mailbox_id=OPS, email_id=email["id"], action="unread")
        await po6.call("mark_email", mailbox_id=OPS, email_id=email["id"], action="unstarred")
        final = await po6.call("get_email", mailbox_id=OPS, email_id=email["id"])
    assert after["unread"] == before["unread"] - 1
    assert starred["is_starred"] is True
    assert moved == {"id": email["id"], "folder": "Archive"}
    assert email["id"] in [e["id"] for e in archived["emails"]]
    assert (final["folder"], final["is_read"], final["is_starred"]) == ("Archive", False, False)


async def test_delete_is_two_step_and_permanent(session):
    async with session("plus") as po6:
        email = (await po6.call("list_emails", mailbox_id=OPS, folder="Alerts"))["emails"][0]
        first = await po6.call("delete_email", mailbox_id=OPS, email_id=email["id"])
        assert first["requires_confirmation"] is True and first["expires_in_seconds"] == 300
        assert email["id"] in first["message"] and "ops-agent@po6.com" in first["message"]
        still_there = await po6.call("get_email", mailbox_id=OPS, email_id=email["id"])
        done = await po6.call("delete_email", mailbox_id=OPS, email_id=email["id"],
                              confirmation_token=first["confirmation_token"])
        gone = await po6.fail("get_email", mailbox_id=OPS, email_id=email["id"])
    assert still_there["id"] == email["id"]
    assert done == {"id": email["id"], "deleted": True}
    assert gone == f"Email not found: {email['id']}"


async def test_contact_lists(session):
    async with session("plus") as po6:
        lists = await po6.call("list_email_lists")
        waitlist = next(item for item in lists["lists"] if item["name"] == "Beta waitlist")
        contacts = await po6.call("get_email_list_contacts", list_id=waitlist["id"], limit=10)
        active = await po6.call("get_email_list_contacts", list_id=waitlist["id"], status="active", limit=100)
    assert waitlist["contact_count"] == contacts["total"] == 42
    assert waitlist["active_count"] == active["total"] < 42
    assert len(contacts["contacts"]) == 10 and contacts["has_more"] is True
    assert set(contacts["contacts"][0]) == {"email", "name", "company", "status"}
    assert all(c["status"] == "active" for c in active["contacts"])


async def test_drafts_and_sent_listings(session):
    async with session("plus") as po6:
        pending = await po6.call("list_drafts")
        support = await po6.call("list_drafts", mailbox_id=SUPPORT)
        rejected = await po6.call("list_drafts", status="rejected")
        sent = await po6.call("list_sent_emails", mailbox_id=OUTREACH)
    assert len(pending["drafts"]) >= 5 and all(d["status"] == "pending" for d in pending["drafts"])
    expiries = [d["expires_at"] for d in pending["drafts"]]
    assert expiries == sorted(expiries)  # soonest to expire first
    assert all(d["mailbox_id"] == SUPPORT for d in support["drafts"])
    assert rejected["drafts"][0]["reject_reason"]
    assert {e["delivery_status"] for e in sent["emails"]} >= {"delivered", "bounced", "queued"}
    assert {e["sent_via"] for e in sent["emails"]} >= {"mcp", "web", "api"}


async def test_templates(session):
    async with session("plus") as po6:
        templates = await po6.call("list_templates")
        invoice = next(t for t in templates["templates"] if t["name"] == "Invoice reminder")
        full = await po6.call("get_template", template_id=invoice["id"])
        missing = await po6.fail("get_template", template_id="tpl_nope")
    assert {"invoice_number", "amount", "due_date", "first_name"} <= set(full["variables"])
    assert "{{invoice_number}}" in full["subject"] and full["body_html"]
    assert missing == "Template not found: tpl_nope"


@pytest.mark.parametrize(("tool", "arguments", "message"), [
    ("get_mailbox_stats", {"mailbox_id": "mbx_nope"}, "Mailbox not found: mbx_nope"),
    ("list_emails", {"mailbox_id": SIGNUP, "folder": "Nope"}, "Folder not found: Nope"),
    ("get_email", {"mailbox_id": SIGNUP, "email_id": "em_99999999"}, "Email not found: em_99999999"),
    ("get_email", {"mailbox_id": SIGNUP, "email_id": "garbage"}, "Email not found: garbage"),
    ("move_email", {"mailbox_id": SIGNUP, "email_id": "em_1", "folder": "Nowhere"}, "Folder not found: Nowhere"),
    ("get_email_list_contacts", {"list_id": "lst_nope"}, "Contact list not found: lst_nope"),
    ("list_sent_emails", {"mailbox_id": "mbx_nope"}, "Mailbox not found: mbx_nope"),
    ("list_drafts", {"mailbox_id": "mbx_nope"}, "Mailbox not found: mbx_nope"),
    ("search_emails", {"query": "   "}, "Invalid argument 'query': must not be empty"),
    ("search_emails", {"query": "!!!"}, "Invalid argument 'query': give at least one word to search for"),
    ("list_emails", {"mailbox_id": SIGNUP, "since": "yesterday"}, "Invalid argument 'since'"),
])
async def test_unknown_ids_and_bad_values(session, tool, arguments, message):
    async with session("plus") as po6:
        assert (await po6.fail(tool, **arguments)).startswith(message)
