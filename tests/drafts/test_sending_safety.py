"""What keeps mail from leaving wrongly: no double sends when a reply is lost, the send quota,
the Free plan, and the notice of a new draft."""

from __future__ import annotations

from drafthelpers import answer, client_for, drop_replies, make_draft, open_drafts, select, sent_log, status
from uihelpers import wait_for, wait_idle

from po6_tui.api.errors import PlanError
from po6_tui.journal import Journal
from po6_tui.ui.drafts.watch import watcher
from po6_tui.ui.outbox.compose import ComposeScreen, open_compose
from po6_tui.ui.outbox.compose_pickers import ContactListPicker
from po6_tui.ui.kit.confirm import ConfirmScreen
from po6_tui.ui.outbox.send_review import SendReviewScreen


async def test_a_lost_reply_is_checked_in_the_sent_log_not_retried(make_app, tools_box, strict_box, unique):
    # approve_draft's reply is lost after the server sent: the app finds it in the sent log.
    draft = await make_draft(tools_box, f"Lost reply {unique}", to=["lost@example.com"])
    app = make_app(tools_box)
    async with app.run_test(size=(120, 35)) as pilot:
        screen = await open_drafts(pilot)
        dropper = await drop_replies(app, "approve_draft")
        select(screen, draft.id)
        await pilot.press("y")
        await answer(pilot)
        assert dropper.dropped == 1
        assert "was lost, but the sent log shows it went out; nothing was retried" in status(app)
        assert f"sandbox/{draft.id}" not in {i.key for i in screen.queue.pending}
    assert [s.subject for s in await sent_log(tools_box)].count(f"Lost reply {unique}") == 1

    # compose_email (strict) never reaches the server: the app cannot know that, so it says the
    # draft may have been sent, neither retries nor records a decision; the draft stays queued.
    draft = await make_draft(strict_box, f"Never arrived {unique}", to=["never@example.com"])
    app = make_app(strict_box)
    async with app.run_test(size=(120, 35)) as pilot:
        screen = await open_drafts(pilot)
        dropper = await drop_replies(app, "compose_email", after=False)
        select(screen, draft.id)
        await pilot.press("y")
        await answer(pilot)
        assert dropper.dropped == 1
        assert "may have been sent" in status(app) and "Nothing was retried" in status(app)
        assert "not sent" not in status(app).lower()
        assert f"sandbox/{draft.id}" in {i.key for i in screen.queue.pending}
    assert f"Never arrived {unique}" not in [s.subject for s in await sent_log(strict_box)]
    assert draft.id not in Journal.default().decisions("sandbox")


async def test_over_quota_is_refused_clearly_and_the_draft_stays(make_app, tools_box, unique):
    draft = await make_draft(tools_box, f"Over quota {unique}", label="standard")
    async with await client_for(tools_box, "standard") as client:
        sent = 0
        while True:  # use up the Standard plan's hour (30 sends per key)
            try:
                await client.compose_email(mailbox_id="mbx_ops", to_addresses=["filler@example.com"],
                                           subject=f"filler {unique}", body_text=".")
            except PlanError:
                break
            sent += 1
            assert sent <= 30
    app = make_app(tools_box, label="standard")
    async with app.run_test(size=(120, 35)) as pilot:
        screen = await open_drafts(pilot)
        select(screen, draft.id)
        await pilot.press("y")
        await answer(pilot)
        assert "Not sent: Hourly send limit reached (30/hour on Standard)" in status(app)
        assert f"sandbox/{draft.id}" in {i.key for i in screen.queue.pending}
        # The server reports the plan and its quota: the next confirmation knows it is used up.
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, SendReviewScreen))
        details = app.screen.plain()
        assert "Quota on Standard: 0 of 30 left this hour" in details and "The server will refuse" in details
        await pilot.press("escape")


async def test_free_plan_cannot_send_and_says_why(make_app, tools_box, unique):
    draft = await make_draft(tools_box, f"Free plan {unique}", label="free")
    app = make_app(tools_box, label="free")
    async with app.run_test(size=(120, 35)) as pilot:
        screen = await open_drafts(pilot)
        select(screen, draft.id)
        await pilot.press("y")
        await wait_for(pilot, lambda: "Not sent" in status(app), what="the refusal")
        assert "Free plan, which cannot send through the API: sending needs the Standard or Plus plan" in status(app)
        assert not isinstance(app.screen, ConfirmScreen)

        open_compose(app, "compose", "mbx_outreach")
        await wait_idle(pilot)
        assert not isinstance(app.screen, ComposeScreen)
        assert "Free plan" in status(app)

        # The contact lists view says what it needs instead of failing.
        app.push_screen(ContactListPicker(app.active))
        await wait_for(pilot, lambda: app.screen.query("#message")
                       and "Standard or Plus" in str(app.screen.query_one("#message").content),
                       what="the lists view to explain")
        await pilot.press("escape")


async def test_a_new_draft_is_announced_on_refresh(make_app, tools_box, unique):
    app = make_app(tools_box)
    app.bell_on_new_draft = True
    rings = []
    app.bell = lambda: rings.append(1)
    async with app.run_test(size=(120, 35)) as pilot:
        await open_drafts(pilot)
        await make_draft(tools_box, f"Fresh {unique}", mailbox_id="mbx_research")
        await pilot.press("R")
        await wait_for(pilot, lambda: any(f"Fresh {unique}" in n.message for n in app._notifications),
                       what="the notification")
        note = next(n for n in app._notifications if f"Fresh {unique}" in n.message)
        assert note.title == "Draft waiting" and "research-agent@po6.com" in note.message
        assert rings  # (drafts about to expire ring too, so not only for this one)


async def test_a_new_draft_is_announced_while_reading_mail(make_app, tools_box, unique):
    """The watcher runs app-wide from the start: the operator need not have opened :drafts."""
    app = make_app(tools_box, refresh_interval=0.5, bell_on_new_draft=True)
    rings = []
    app.bell = lambda: rings.append(1)
    async with app.run_test(size=(120, 35)) as pilot:
        await wait_for(pilot, lambda: watcher(app).seen is not None, what="the first look at the drafts")
        assert app.current_mode == "mail"
        await make_draft(tools_box, f"While reading {unique}", mailbox_id="mbx_ops")
        await wait_for(pilot, lambda: any(f"While reading {unique}" in n.message for n in app._notifications),
                       what="the notification")
        assert app.current_mode == "mail" and rings == [1]


async def test_read_only_mode_refuses_clearly(make_app, ui_sandbox):
    app = make_app(ui_sandbox, read_only=True)
    async with app.run_test(size=(120, 35)) as pilot:
        screen = await open_drafts(pilot)
        select(screen, "drf_demo03")
        await pilot.press("y")  # the key is off in read-only mode: nothing is asked
        await wait_idle(pilot)
        assert not isinstance(app.screen, (ConfirmScreen, SendReviewScreen))
        screen.action_approve()  # the action itself refuses before any confirmation or check
        await wait_idle(pilot)
        assert not isinstance(app.screen, (ConfirmScreen, SendReviewScreen))
        assert "Read-only mode: cannot approve drafts; nothing was sent or changed." in status(app)
        assert "sandbox/drf_demo03" in {i.key for i in screen.queue.pending}


async def test_a_draft_that_expires_without_a_decision_is_announced(make_app, ui_fresh_sandbox):
    from po6_tui.sandbox import admin

    app = make_app(ui_fresh_sandbox, refresh_interval=0.5)
    async with app.run_test(size=(120, 35)) as pilot:
        await wait_for(pilot, lambda: watcher(app).seen is not None, what="the first look at the drafts")
        assert "sandbox/drf_demo01" in watcher(app).seen  # "Pricing for Northstar", 8 minutes left
        admin.advance_clock(ui_fresh_sandbox.db, 3600)  # an hour passes on the server
        await wait_for(pilot, lambda: any("expired without a decision" in n.message for n in app._notifications),
                       timeout=15, what="the expiry notice")
        note = next(n for n in app._notifications if "expired without a decision" in n.message)
        assert note.title == "Draft expired" and "Pricing for Northstar" in note.message
        assert "It was not sent." in note.message
        told = len([n for n in app._notifications if n.title == "Draft expired"])
        await pilot.pause(1.2)  # later looks do not tell it again
        assert len([n for n in app._notifications if n.title == "Draft expired"]) == told
