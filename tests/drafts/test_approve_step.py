"""The approve step an operator can trust (issue 14), in the drafts view against the sandbox:
each risk check shown in words (a seeded case that has it, a draft that does not), sorted and
filtered by level, the conversation beside the draft, the queue keys, and expiry."""

from __future__ import annotations

import pytest
from drafthelpers import answer, make_draft, open_drafts, select, status
from textual.widgets import DataTable
from uihelpers import admin, wait_for, wait_idle

from po6_tui.journal import Journal, SavedEdit
from po6_tui.ui.kit.confirm import ConfirmScreen

RISKS = [  # (seeded draft, the check, words the explanation must hold)
    ("drf_risk01", "secret", "contains an AWS access key (AKIAIO…)"),
    ("drf_risk01", "secret", "contains a password"),
    ("drf_risk02", "personal data", "payment card number (…1111)"),
    ("drf_risk03", "deceptive link", "text names po6.com but it goes to po6-partners.example.net"),
    ("drf_risk03", "first-time recipient", "never wrote to partners@po6-partners.example before"),
    ("drf_risk04", "unsubscribed", "unsubscribed on the contact list 'Newsletter subscribers'"),
    ("drf_risk05", "many recipients", "goes to 12 recipients (more than 10)"),
    ("drf_demo01", "missing attachment", "mentions “attached” but has no attachment"),
]
CLEAN = {"first-time recipient": "drf_demo01"}  # else drf_demo04: nothing secret, no attachment promised


def preview(screen) -> str:
    return str(screen.query_one("#preview-text").content)


async def assessed(pilot, screen) -> None:
    await wait_for(pilot, lambda: len(screen.assessments) >= len(screen.queue.pending), 20, "the risk checks")


@pytest.mark.parametrize(("draft_id", "check", "words"), RISKS)
async def test_each_risk_is_explained_in_words_and_absent_where_it_does_not_apply(make_app, draft_id, check, words):
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        screen = await open_drafts(pilot)
        await assessed(pilot, screen)
        select(screen, draft_id)
        await wait_idle(pilot)
        assert f"{check}: " in preview(screen) and words in preview(screen)
        assert screen.assessments[f"sandbox/{draft_id}"].level >= 1
        select(screen, CLEAN.get(check, "drf_demo04"))
        await wait_idle(pilot)
        assert f"{check}: " not in preview(screen)


async def test_the_queue_sorts_and_filters_by_risk(make_app):
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        screen = await open_drafts(pilot)
        await assessed(pilot, screen)
        table = screen.query_one("#queue", DataTable)
        assert table.get_row_at(0)[1].plain  # a level in the Risk column of the first row
        await pilot.press("o")  # riskiest first
        first = screen.shown_pending()[0]
        assert screen.assessments[first.key].level_name == "high"
        assert all(screen.assessments[a.key].level >= screen.assessments[b.key].level
                   for a, b in zip(screen.shown_pending(), screen.shown_pending()[1:]))
        await pilot.press("f", "f")  # high only
        shown = screen.shown_pending()
        assert shown and all(screen.assessments[i.key].level_name == "high" for i in shown)
        assert len(shown) < len(screen.queue.pending) and table.row_count == len(shown)
        assert "at high risk or above" in str(screen.query_one("#queue-header").content)
        await pilot.press("f")  # all again
        assert len(screen.shown_pending()) == len(screen.queue.pending)


async def test_the_conversation_beside_the_draft(make_app, tools_box, unique):
    lonely = await make_draft(tools_box, f"Out of the blue {unique}", to=[f"nobody-{unique}@nowhere.example"])
    app = make_app(tools_box)
    async with app.run_test(size=(120, 35)) as pilot:
        screen = await open_drafts(pilot)
        select(screen, "drf_demo02")  # answers the furious customer's mail
        await wait_for(pilot, lambda: "sandbox/drf_demo02" in screen.conversations, 20, "the conversation")
        await wait_idle(pilot)
        text = preview(screen)
        assert "This answers  furious@example.net" in text and "Cancel my account NOW" in text
        select(screen, lonely.id)
        await wait_for(pilot, lambda: f"sandbox/{lonely.id}" in screen.conversations, 20, "the conversation")
        await wait_idle(pilot)
        assert "Nothing related found" in preview(screen)


async def test_queue_keys_preview_scrolls_and_the_cursor_moves_on_after_a_decision(make_app, tools_box, unique):
    drafts = [await make_draft(tools_box, f"Keys {n} {unique}", to=[f"keys{n}@example.com"],
                               body="".join(f"line {i}\n" for i in range(80))) for n in range(3)]
    app = make_app(tools_box)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_drafts(pilot)
        select(screen, drafts[0].id)
        queue = screen.query_one("#queue", DataTable)
        await wait_idle(pilot)
        focused = app.focused
        await pilot.press("ctrl+d")
        await wait_idle(pilot)
        assert screen.query_one("#preview").scroll_y > 0 and app.focused is focused  # focus stays in the list
        order = [i.draft.id for i in screen.shown_pending()]
        at = order.index(drafts[0].id)  # (drafts made at one frozen instant expire together: any order)
        next_id = order[at + 1] if at + 1 < len(order) else order[at - 1]
        await pilot.press("x")
        await wait_idle(pilot)
        await pilot.press("enter")  # no reason
        await answer(pilot)
        await wait_for(pilot, lambda: "Rejected 1 draft." in status(app), what="the rejection")
        assert screen.current().draft.id == next_id, "the cursor goes to the next draft, not the top"
        assert queue.cursor_row > 0


async def test_a_draft_about_to_expire_is_announced(make_app):
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await open_drafts(pilot)
        await wait_idle(pilot)
        notes = [n for n in app._notifications if n.title == "Drafts expiring"]
        assert len(notes) == 1 and "“Pricing for Northstar” in 9 min" in notes[0].message


async def test_an_expired_draft_keeps_the_operators_edit(make_app, ui_fresh_sandbox, unique):
    box = ui_fresh_sandbox
    draft = await make_draft(box, f"Will expire {unique}", to=["late@example.com"])
    Journal.default().save_edit("sandbox", draft.id, SavedEdit("late@example.com", "", f"Will expire {unique}",
                                                                "My careful rewrite.\n"))
    admin.advance_clock(box.db, 73 * 3600)  # the 72 hours pass
    app = make_app(box)
    async with app.run_test(size=(120, 35)) as pilot:
        screen = await open_drafts(pilot)
        assert f"sandbox/{draft.id}" in {i.key for i in screen.queue.expired}
        select(screen, draft.id, table="expired")
        await wait_idle(pilot)
        assert "My careful rewrite." in preview(screen) and "Your edit is kept" in preview(screen)
        expired = screen.query_one("#expired", DataTable)
        assert "✎" in str(expired.get_row(f"sandbox/{draft.id}")[-1])
        await pilot.press("X")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the discard confirmation")
        app.screen.query_one("#confirm").press()
        await wait_idle(pilot)
        assert Journal.default().load_edit("sandbox", draft.id) is None


async def test_the_sent_log_says_which_sends_were_the_operators(make_app, tools_box, unique):
    """Approved here → "you ✓" in :sent (from the local journal), the agents' own sends keep their channel."""
    from po6_tui.ui.outbox.sent_screen import SentScreen

    draft = await make_draft(tools_box, f"Operator approved {unique}", to=[f"op-{unique}@example.com"])
    app = make_app(tools_box)
    async with app.run_test(size=(120, 35)) as pilot:
        screen = await open_drafts(pilot)
        select(screen, draft.id)
        await pilot.press("y")
        await answer(pilot)
        assert f"Sent “Operator approved {unique}”" in status(app)
        app.open_view("sent")
        await wait_for(pilot, lambda: isinstance(app.screen, SentScreen) and app.screen.emails, what="the sent log")
        sent = app.screen
        sent.show_mailbox(app.active, "mbx_outreach")
        await wait_for(pilot, lambda: sent.mailbox_id == "mbx_outreach" and any(
            e.subject == f"Operator approved {unique}" for e in sent.emails), what="the outreach sent log")
        await wait_idle(pilot)
        table = sent.query_one("#sent", DataTable)
        mine = next(e for e in sent.emails if e.subject == f"Operator approved {unique}")
        assert str(table.get_row(mine.id)[2]) == "you ✓"
        theirs = next(e for e in sent.emails if e.subject.startswith("Quick question"))
        assert str(table.get_row(theirs.id)[2]) == "agent (MCP)"
        assert "from po6-tui" in str(sent.query_one("#sent-header").content)


async def test_rules_mark_low_risk_drafts_for_one_batch_approval(make_app, tools_box, unique):
    from po6_tui.risks import Rules
    from po6_tui.ui.outbox.send_review import SendReviewScreen

    drafts = [await make_draft(tools_box, f"Low {n} {unique}", to=[f"ops{n}@trusted-{unique}.example"],
                               body="Meeting moved to 3pm.\n") for n in range(2)]
    rules = Rules(allow_domains=frozenset({f"trusted-{unique}.example"}))
    app = make_app(tools_box, risk_rules=rules)
    async with app.run_test(size=(120, 35)) as pilot:
        screen = await open_drafts(pilot)
        await assessed(pilot, screen)
        await pilot.press("L")
        assert screen.marked == {f"sandbox/{d.id}" for d in drafts}
        await pilot.press("y")  # one confirmation that still shows each of them
        await wait_for(pilot, lambda: isinstance(app.screen, SendReviewScreen), what="the confirmation")
        assert app.screen.review.title == "Approve and send these 2 drafts?"
        assert "low risk" in app.screen.plain()
        await pilot.press("escape")


async def test_an_expired_edit_becomes_a_new_message_to_send(make_app, ui_fresh_sandbox, unique):
    from po6_tui.ui.outbox.compose import ComposeScreen

    box = ui_fresh_sandbox
    draft = await make_draft(box, f"Expires with my edit {unique}", to=["late@example.com"])
    Journal.default().save_edit("sandbox", draft.id, SavedEdit("late@example.com", "", f"My subject {unique}",
                                                                "The words I chose.\n"))
    admin.advance_clock(box.db, 73 * 3600)
    app = make_app(box)
    async with app.run_test(size=(120, 35)) as pilot:
        screen = await open_drafts(pilot)
        select(screen, draft.id, table="expired")
        await wait_idle(pilot)
        await pilot.press("m")
        await wait_for(pilot, lambda: isinstance(app.screen, ComposeScreen) and app.screen.is_mounted, what="compose")
        compose = app.screen
        assert compose.form.value().body == "The words I chose.\n"
        assert compose.form.value().subject == f"My subject {unique}" and compose.query("#restored")
        assert Journal.default().load_edit("sandbox", draft.id) is None  # moved, not copied


async def test_look_alike_recipients_and_the_operators_rules_show_in_the_preview(make_app, tools_box, unique):
    from po6_tui.risks import Rules

    tricky = await make_draft(tools_box, f"Invoice {unique}", to=["ceo@xn--micrsoft-qbh.com"],
                              body="Please wire the refund today.\n")
    plain = await make_draft(tools_box, f"Lunch {unique}", to=["ben@carter-logistics.example"], body="Lunch at 12?\n")
    rules = Rules(flag_words=("refund",), flag_domains=frozenset({"xn--micrsoft-qbh.com"}))
    app = make_app(tools_box, risk_rules=rules)
    async with app.run_test(size=(120, 35)) as pilot:
        screen = await open_drafts(pilot)
        await assessed(pilot, screen)
        select(screen, tricky.id)
        await wait_idle(pilot)
        text = preview(screen)
        assert "look-alike recipient: ceo@xn--micrsoft-qbh.com: look-alike (international) host" in text
        assert "flagged word: mentions “refund”" in text and "flagged domain: " in text
        select(screen, plain.id)
        await wait_idle(pilot)
        assert not any(f"{check}: " in preview(screen) for check in ("look-alike recipient", "flagged word",
                                                                     "flagged domain"))
