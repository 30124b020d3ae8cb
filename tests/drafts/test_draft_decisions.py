"""Deciding on drafts through the app, against real sandboxes: approve (approve_draft, and
compose_email + the journal under --strict), expired drafts, reject, batch approve."""

from __future__ import annotations

import re
from datetime import timedelta

from drafthelpers import answer, make_draft, open_drafts, select, sent_log, server_draft, status
from uihelpers import SEEDED_AT, wait_idle

from po6_tui.journal import APPROVED, REJECTED, Journal
from po6_tui.ui.core import timefmt
from po6_tui.ui.kit.prompt import PromptScreen
from po6_tui.ui.kit.confirm import ConfirmScreen


async def test_approve_uses_approve_draft(make_app, tools_box, unique):
    draft = await make_draft(tools_box, f"Approve me {unique}", to=["alicia@northstar.example"])
    app = make_app(tools_box)
    async with app.run_test(size=(120, 35)) as pilot:
        screen = await open_drafts(pilot)
        select(screen, draft.id)
        await pilot.press("y")
        dialog = await answer(pilot)
        details = dialog.plain()
        assert "From:    outreach-agent@po6.com" in details and "To:      alicia@northstar.example" in details
        assert f"Subject: Approve me {unique}" in details and "Hello from the agent." in details
        assert "Quota" in details and "compose_email" not in details
        assert f"sandbox/{draft.id}" not in {i.key for i in screen.queue.pending}
        assert "Sent “Approve me" in status(app)
    decided = await server_draft(tools_box, draft.id)
    assert decided.status == "sent" and decided.sent_id
    assert [s.subject for s in await sent_log(tools_box)].count(f"Approve me {unique}") == 1


async def test_approve_on_strict_sends_with_compose_email_and_journals(make_app, strict_box, unique):
    draft = await make_draft(strict_box, f"Strict {unique}", to=["ben@carter-logistics.example"])
    app = make_app(strict_box)
    async with app.run_test(size=(120, 35)) as pilot:
        screen = await open_drafts(pilot)
        select(screen, draft.id)
        await pilot.press("y")
        dialog = await answer(pilot)
        assert "compose_email" in dialog.plain() and "dashboard" in dialog.plain()
        # A strict server names no plan: the quota is counted from the sent log, and says so.
        counted = re.search(r"Quota \(estimate\): (\d+) sent in the last hour, (\d+) in 24 h; plan unknown",
                            dialog.plain())
        assert counted and int(counted[1]) <= int(counted[2]), dialog.plain()
        assert "It stays pending in the PO6 dashboard until it expires" in status(app)
    sent = [s for s in await sent_log(strict_box) if s.subject == f"Strict {unique}"]
    assert len(sent) == 1 and sent[0].to_addresses == ["ben@carter-logistics.example"]
    assert (await server_draft(strict_box, draft.id)).status == "pending"  # PO6 has no way to say otherwise
    decision = Journal.default().decisions("sandbox")[draft.id]
    assert decision.decision == APPROVED and decision.sent_id == sent[0].id

    # A new app (a restart) keeps the decision: the draft stays out of the queue.
    app = make_app(strict_box)
    async with app.run_test(size=(120, 35)) as pilot:
        screen = await open_drafts(pilot)
        assert f"sandbox/{draft.id}" not in {i.key for i in screen.queue.pending}
        assert screen.queue.decided_here >= 1


async def test_expired_drafts_cannot_be_approved(make_app, ui_sandbox, monkeypatch):
    app = make_app(ui_sandbox)
    async with app.run_test(size=(120, 35)) as pilot:
        screen = await open_drafts(pilot)
        assert [i.draft.subject for i in screen.queue.expired] == ["Invoice query"]
        select(screen, "drf_demo10", table="expired")
        await pilot.press("y")
        await wait_idle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        assert "Cannot approve “Invoice query”: it has expired" in status(app)

    # A draft whose expiry passes while the queue is open is refused too, before any request.
    monkeypatch.setattr(timefmt, "now", lambda: SEEDED_AT + timedelta(minutes=10))
    app = make_app(ui_sandbox)
    async with app.run_test(size=(120, 35)) as pilot:
        screen = await open_drafts(pilot)
        assert "drf_demo01" in {i.draft.id for i in screen.queue.expired}
        select(screen, "drf_demo01", table="expired")
        await pilot.press("y")
        await wait_idle(pilot)
        assert "it has expired" in status(app) and not isinstance(app.screen, ConfirmScreen)


async def test_reject_with_a_reason(make_app, tools_box, strict_box, unique):
    for box, on_server in ((tools_box, True), (strict_box, False)):
        draft = await make_draft(box, f"Reject me {unique}")
        app = make_app(box)
        async with app.run_test(size=(120, 35)) as pilot:
            screen = await open_drafts(pilot)
            select(screen, draft.id)
            await pilot.press("x")
            await wait_idle(pilot)
            assert isinstance(app.screen, PromptScreen)
            await pilot.press(*"too pushy", "enter")
            dialog = await answer(pilot)
            assert "Reason: too pushy" in dialog.question.details
            assert "Rejected 1 draft." in status(app)
            assert f"sandbox/{draft.id}" not in {i.key for i in screen.queue.pending}
        decided = await server_draft(box, draft.id)
        if on_server:
            assert decided.status == "rejected" and decided.reject_reason == "too pushy"
        else:
            assert decided.status == "pending"
            assert Journal.default().decisions("sandbox")[draft.id].decision == REJECTED


async def test_cancelling_sends_nothing(make_app, tools_box, unique):
    draft = await make_draft(tools_box, f"Cancel me {unique}")
    app = make_app(tools_box)
    async with app.run_test(size=(120, 35)) as pilot:
        screen = await open_drafts(pilot)
        select(screen, draft.id)
        await pilot.press("y")
        await answer(pilot, yes=False)
        assert "Send cancelled: nothing was sent." in status(app)
    assert (await server_draft(tools_box, draft.id)).status == "pending"


async def test_batch_approve_with_one_confirmation(make_app, tools_box, unique):
    drafts = [await make_draft(tools_box, f"Batch {n} {unique}", to=[f"batch{n}@example.com"]) for n in range(3)]
    app = make_app(tools_box)
    async with app.run_test(size=(120, 35)) as pilot:
        screen = await open_drafts(pilot)
        for draft in drafts[:2]:
            select(screen, draft.id)
            await pilot.press("space")
        assert len(screen.marked) == 2
        await pilot.press("y")
        dialog = await answer(pilot)
        assert dialog.review.title == "Approve and send these 2 drafts?"
        assert f"Batch 0 {unique}" in dialog.plain() and f"Batch 1 {unique}" in dialog.plain()
        assert dialog.review.confirm_label == "Send 2"
        assert "Sent 2 drafts." in status(app)
        assert not screen.marked
    statuses = [(await server_draft(tools_box, d.id)).status for d in drafts]
    assert statuses == ["sent", "sent", "pending"]
