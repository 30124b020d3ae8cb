"""A send happens at most once and is reported truthfully (issue 16, items 1-3): one send in
flight per draft, an unknown outcome is "may have been sent" and blocks a second send until
the sent log has been read again later, and a 5xx after the server acted is not "not sent"."""

from __future__ import annotations

import asyncio

from drafthelpers import answer, client_for, drop_replies, make_draft, open_drafts, select, sent_log, status
from uihelpers import wait_for, wait_idle

from po6_tui.ui.kit.confirm import ConfirmScreen
from po6_tui.ui.outbox import outbound


async def test_a_second_approve_while_sending_is_refused(make_app, tools_box, unique):
    subject = f"Slow send {unique}"
    draft = await make_draft(tools_box, subject, to=["slow@example.com"])
    app = make_app(tools_box)
    async with app.run_test(size=(120, 35)) as pilot:
        screen = await open_drafts(pilot)
        release = asyncio.Event()
        slow = await drop_replies(app, "approve_draft", hold=release)
        select(screen, draft.id)
        await pilot.press("y")
        await answer(pilot, idle=False)
        await wait_for(pilot, lambda: slow.calls == 1, what="the send to reach the (slow) server")
        assert "Sending “" in status(app) and "refused until the server answers" in status(app)
        await pilot.press("y")  # again, while the first is in flight
        await pilot.pause(0.3)
        assert not isinstance(app.screen, ConfirmScreen), "a second send must be refused, not asked"
        assert "is being sent" in status(app)
        release.set()
        await wait_for(pilot, lambda: f"Sent “{subject}”" in status(app), what="the send to finish")
    assert slow.calls == 1
    assert [s.subject for s in await sent_log(tools_box)].count(subject) == 1


async def test_a_502_after_the_server_sent_is_not_reported_as_not_sent(make_app, tools_box, unique):
    subject = f"Gateway {unique}"
    draft = await make_draft(tools_box, subject, to=["gateway@example.com"])
    app = make_app(tools_box)
    async with app.run_test(size=(120, 35)) as pilot:
        screen = await open_drafts(pilot)
        proxy = await drop_replies(app, "approve_draft", status=502)
        select(screen, draft.id)
        await pilot.press("y")
        await answer(pilot)
        await wait_idle(pilot)
        assert proxy.dropped == 1
        shown = status(app)
        assert "not sent" not in shown.lower()
        assert "the sent log shows it went out; nothing was retried" in shown
    assert [s.subject for s in await sent_log(tools_box)].count(subject) == 1


async def test_an_unknown_outcome_blocks_a_second_send_until_the_log_tells(make_app, strict_box, unique, monkeypatch):
    """The reply is lost and the sent log does not show the message (yet): "may have been sent".
    y again is refused while the log may still catch up; when the message then shows in the
    log (a server that logged it late), y reports it as sent and does not send it again."""
    subject = f"Late log {unique}"
    draft = await make_draft(strict_box, subject, to=["late@example.com"])
    app = make_app(strict_box)
    async with app.run_test(size=(120, 35)) as pilot:
        screen = await open_drafts(pilot)
        dropper = await drop_replies(app, "compose_email", after=False)  # nothing reaches the server
        select(screen, draft.id)
        await pilot.press("y")
        await answer(pilot)
        assert dropper.dropped == 1
        assert "may have been sent" in status(app)

        await pilot.press("y")
        await answer(pilot)
        assert "Not sent again" in status(app) and "may have been sent" in status(app)
        assert dropper.calls == 1  # refused before any send

        # The server logs it late (as if the first send had gone through after all).
        async with await client_for(strict_box) as client:
            await client.compose_email(mailbox_id="mbx_outreach", to_addresses=["late@example.com"],
                                       subject=subject, body_text="Hello from the agent.\n")
        await pilot.press("y")
        await answer(pilot)
        assert dropper.calls == 1, "found in the sent log: never sent a second time"
        assert "sent log shows it went out" in status(app)
    assert [s.subject for s in await sent_log(strict_box)].count(subject) == 1


async def test_after_the_settle_time_a_retry_is_the_operators(make_app, strict_box, unique, monkeypatch):
    monkeypatch.setattr(outbound, "SETTLE_SECONDS", 0.0)
    subject = f"Retry later {unique}"
    draft = await make_draft(strict_box, subject, to=["retry@example.com"])
    app = make_app(strict_box)
    async with app.run_test(size=(120, 35)) as pilot:
        screen = await open_drafts(pilot)
        dropper = await drop_replies(app, "compose_email", after=False)
        select(screen, draft.id)
        await pilot.press("y")
        await answer(pilot)
        assert "may have been sent" in status(app)
        await pilot.press("y")  # the log was read again and still does not show it: a deliberate retry goes
        await answer(pilot)
        await wait_for(pilot, lambda: f"Sent “{subject}”" in status(app), what="the retry")
        assert dropper.calls == 2
    assert [s.subject for s in await sent_log(strict_box)].count(subject) == 1
