"""Snapshots of the drafts queue, the approve confirmation, the diff, the draft editor, the
compose screen and the sent log. They run on the read-only `ui_sandbox` (frozen clock, frozen
"today"): asking to approve only reads, edits stay local. Update with --snapshot-update after
looking at the SVGs."""

from __future__ import annotations

import pytest
from drafthelpers import open_drafts, select, settled
from textual.widgets import Input, TextArea
from uihelpers import wait_for, wait_idle

from po6_tui import journal
from po6_tui.journal import Journal, SavedEdit
from po6_tui.ui.outbox.compose import ComposeScreen, open_compose
from po6_tui.ui.kit.confirm import ConfirmScreen
from po6_tui.ui.outbox.send_review import SendReviewScreen
from po6_tui.ui.drafts.diff import DiffScreen
from po6_tui.ui.drafts.draft_edit import DraftEditScreen
from po6_tui.ui.outbox.sent_screen import SentScreen


@pytest.fixture(autouse=True)
def _fixed_save_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(journal, "_now", lambda: "2026-11-18T08:55:00+00:00")


def _no_blink(screen) -> None:
    for widget in [*screen.query(Input), *screen.query(TextArea)]:
        widget.cursor_blink = False


async def open_settled(pilot) -> None:
    await settled(pilot, await open_drafts(pilot))


def test_drafts_queue_80x24(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=open_settled)


def test_drafts_queue_with_an_edit_and_marks_120x35(snap_compare, make_app):
    async def marked(pilot) -> None:
        Journal.default().save_edit("sandbox", "drf_demo04", SavedEdit(
            "ben@carter-logistics.example", "", "Following up", "Hi Ben,\n\nA shorter note from the operator.\n"))
        screen = await open_drafts(pilot)
        select(screen, "drf_demo02")
        await pilot.press("space", "space")
        select(screen, "drf_demo04")
        await settled(pilot, screen)

    assert snap_compare(make_app(), terminal_size=(120, 35), run_before=marked)


def test_approve_confirmation(snap_compare, make_app):
    async def ask(pilot) -> None:
        screen = await open_drafts(pilot)
        select(screen, "drf_demo01")
        await settled(pilot, screen)
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, SendReviewScreen))
        await wait_idle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=ask)


def test_diff(snap_compare, make_app):
    async def diff(pilot) -> None:
        Journal.default().save_edit("sandbox", "drf_demo02", SavedEdit(
            "furious@example.net", "support-lead@po6.com", "Re: THIS IS UNACCEPTABLE!!! 😡",
            "I'm sorry for the trouble. A colleague will call you today about a refund.\n"))
        screen = await open_drafts(pilot)
        select(screen, "drf_demo02")
        await settled(pilot, screen)
        await pilot.press("D")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, DiffScreen))
        await wait_idle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=diff)


def test_draft_editor(snap_compare, make_app):
    async def edit(pilot) -> None:
        screen = await open_drafts(pilot)
        select(screen, "drf_demo03")
        await settled(pilot, screen)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, DraftEditScreen))
        _no_blink(pilot.app.screen)
        await wait_idle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=edit)


def test_compose_screen(snap_compare, make_app):
    async def compose(pilot) -> None:
        await wait_idle(pilot)
        open_compose(pilot.app, "compose", "mbx_outreach")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ComposeScreen))
        await wait_idle(pilot)
        _no_blink(pilot.app.screen)
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=compose)


async def _outreach_sent(pilot) -> None:
    """`:sent`, then `>` to outreach-agent's five seeded sends."""
    app = pilot.app
    app.open_view("sent")
    await wait_for(pilot, lambda: isinstance(app.screen, SentScreen) and app.screen.emails)
    for _ in range(4):  # signup → billing → support → research → outreach
        await pilot.press("greater_than_sign")
    await wait_for(pilot, lambda: app.screen.mailbox_id == "mbx_outreach" and len(app.screen.emails) == 5)


def test_sent_log(snap_compare, make_app):
    async def sent(pilot) -> None:
        await _outreach_sent(pilot)
        await wait_idle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=sent)


def test_a_bounced_send_opened_80x24(snap_compare, make_app):
    async def bounced(pilot) -> None:
        from po6_tui.ui.outbox.sent_message import SentMessageScreen

        await _outreach_sent(pilot)
        await pilot.press("b", "enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, SentMessageScreen)
                       and pilot.app.screen.detail is not None)
        await wait_idle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=bounced)


def test_sent_log_of_all_mailboxes_80x24(snap_compare, make_app):
    async def every(pilot) -> None:
        from po6_tui.ui.outbox.sent_screen import ALL

        app = pilot.app
        app.open_view("sent")
        await wait_for(pilot, lambda: isinstance(app.screen, SentScreen) and app.screen.emails)
        app.screen.query_one("#mailbox").value = ALL
        await wait_for(pilot, lambda: app.screen.mailbox_id == ALL and len(set(app.screen.mailbox_of.values())) > 1)
        await wait_idle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=every)


def test_postponed_80x24(snap_compare, make_app):
    from po6_tui.journal import Journal

    journal = Journal.default()
    for key, to, subject, at in (("compose", "bo@example.com", "Quarterly numbers", "2026-11-18T09:40:00+00:00"),
                                 ("reply:mbx_signup:em_1", "securite@eclair.fr", "Re: Votre code de connexion",
                                  "2026-11-18T09:12:00+00:00"),
                                 ("drf_demo01", "alicia@northstar.example", "Pricing for Northstar",
                                  "2026-11-17T16:05:00+00:00")):
        journal._execute("INSERT OR REPLACE INTO edits VALUES (?, ?, ?, ?, ?, ?, ?)",
                         ("sandbox", key, to, "", subject, "…", at))  # fixed times: a stable picture

    async def postponed(pilot) -> None:
        from po6_tui.ui.outbox.postponed import PostponedScreen

        pilot.app.open_postponed()
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, PostponedScreen))
        await wait_idle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=postponed)


def test_notices_80x24(snap_compare, make_app):
    from datetime import UTC, datetime

    from po6_tui.terminal_notify import Notice
    from po6_tui.ui.shell.notices import NoticesScreen

    at = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)
    notices = [Notice(at, "new_draft", "Draft waiting", "New draft from outreach-agent@po6.com: Pricing for Northstar"),
               Notice(at, "expiring", "Drafts expiring", "A draft expires within the hour: “Following up” in 12 min.",
                      "warning"),
               Notice(at, "bounced", "Send bounced", "ops-agent@po6.com to oncall@acme.dev: “Status update #95” "
                      "bounced (:sent shows why).", "error")]

    async def listed(pilot) -> None:
        await wait_idle(pilot)
        pilot.app.push_screen(NoticesScreen(notices))
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, NoticesScreen))
        await wait_idle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=listed)
