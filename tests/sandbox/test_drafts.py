"""Drafts: the 72-hour expiry on the sandbox clock and the sandbox's draft-decision tools."""

from __future__ import annotations

from datetime import UTC, datetime

from po6_mcp import connect, start_box

OUTREACH = "mbx_outreach"


async def _new_draft(po6, subject: str = "Proposal", to: str = "ben@carter-logistics.example") -> dict:
    return await po6.call("create_draft", mailbox_id=OUTREACH, to_addresses=[to], subject=subject,
                          body_text="Agent's original text")


async def test_approve_sends_the_edited_draft(session):
    async with session("plus") as po6:
        draft = await _new_draft(po6)
        approved = await po6.call("approve_draft", draft_id=draft["id"], subject="Proposal (edited)",
                                  body_text="Human-edited text", to_addresses=["support-agent@po6.com"])
        pending = await po6.call("list_drafts", mailbox_id=OUTREACH)
        sent = await po6.call("list_sent_emails", mailbox_id=OUTREACH, limit=1)
        delivered = (await po6.call("list_emails", mailbox_id="mbx_support", limit=1))["emails"][0]
        again = await po6.fail("approve_draft", draft_id=draft["id"])
    assert approved["status"] == "sent" and approved["sent"]["id"] == approved["sent_id"]
    assert draft["id"] not in [d["id"] for d in pending["drafts"]]
    assert sent["emails"][0]["subject"] == "Proposal (edited)" and sent["emails"][0]["sent_via"] == "web"
    assert delivered["subject"] == "Proposal (edited)"
    assert again == f"Draft {draft['id']} is sent, not pending"


async def test_update_then_reject(session):
    async with session("plus") as po6:
        draft = await _new_draft(po6)
        updated = await po6.call("update_draft", draft_id=draft["id"], body_text="Better text",
                                 cc_addresses=["cc@carter-logistics.example"])
        rejected = await po6.call("reject_draft", draft_id=draft["id"], reason="Wrong tone")
        listed = await po6.call("list_drafts", mailbox_id=OUTREACH, status="rejected")
        no_edit = await po6.fail("update_draft", draft_id=draft["id"], subject="late")
    assert updated["body_text"] == "Better text" and updated["subject"] == "Proposal"
    assert updated["cc_addresses"] == ["cc@carter-logistics.example"]
    assert (rejected["status"], rejected["reject_reason"]) == ("rejected", "Wrong tone")
    assert draft["id"] in [d["id"] for d in listed["drafts"]]
    assert no_edit == f"Draft {draft['id']} is rejected, not pending"


async def test_decision_tool_errors(session):
    async with session("plus") as po6, session("free") as free, session("other-tenant") as other:
        draft = await _new_draft(po6)
        bad_edit = await po6.fail("update_draft", draft_id=draft["id"], to_addresses=["nope"])
        unknown = await po6.fail("reject_draft", draft_id="drf_nope")
        foreign = await other.fail("approve_draft", draft_id=draft["id"])
        free_plan = await free.fail("approve_draft", draft_id=draft["id"])
        still = await po6.call("list_drafts", mailbox_id=OUTREACH)
    assert bad_edit == "Invalid argument 'to_addresses': 'nope' is not an email address"
    assert unknown == "Draft not found: drf_nope"
    assert foreign == f"Draft not found: {draft['id']}"
    assert free_plan.startswith("Requires a paid plan")
    assert draft["id"] in [d["id"] for d in still["drafts"]]  # nothing half-done


async def test_seeded_drafts_expire_between_minutes_and_days(session):
    async with session("plus") as po6:
        pending = (await po6.call("list_drafts"))["drafts"]
    now = datetime.now(UTC)
    left = sorted((datetime.fromisoformat(d["expires_at"].replace("Z", "+00:00")) - now).total_seconds()
                  for d in pending if d["id"].startswith("drf_demo"))
    assert len(left) >= 5 and 0 < left[0] < 3600 and left[-1] > 2 * 86400


async def test_strict_mode_serves_exactly_the_39_tools(tmp_path):
    box = start_box(tmp_path, strict=True)
    try:
        async with connect(box.url, box.key("plus")) as po6:
            tools = await po6.client.list_tools()
            refused = await po6.fail("approve_draft", draft_id="drf_demo03")
            stats = await po6.call("get_mailbox_stats", mailbox_id="mbx_outreach")
    finally:
        box.process.stop()
    names = {t.name for t in tools.tools}
    assert len(names) == 39 and not names & {"approve_draft", "update_draft", "reject_draft"}
    assert refused == "Unknown tool: approve_draft"
    # Nor the sandbox's own result fields: PO6 documents no way to learn the plan.
    assert stats["address"] == "outreach-agent@po6.com" and "plan" not in stats and "send_quota" not in stats
