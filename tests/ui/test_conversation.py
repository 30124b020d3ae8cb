"""`c`: a message's conversation, oldest first, across the INBOX, the Sent folder and the sent
log; the one under the cursor is read below the list (issue 18)."""

from __future__ import annotations

from textual.widgets import Static
from uihelpers import deliver, wait_for, wait_idle, wait_list

from po6_tui.api.models import EmailSummary, SentEmail
from po6_tui.ui.mail.conversation import ConversationScreen, gather, topic

MAIL = ("From: {who}\nTo: signup-bot@po6.com\nSubject: {subject}\nDate: {date}\nMessage-ID: <{tag}@example.org>\n\n"
        "{body}\n")


def test_topic_drops_reply_and_forward_prefixes():
    assert topic("Re: Fwd: RE:  Plans  for May") == topic("plans for may") == "plans for may"
    assert topic("AW: [2] Re: x") != topic("Re: y")


def test_gather_keeps_the_people_and_the_topic_and_one_copy_of_a_send():
    from datetime import UTC, datetime, timedelta

    t0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    first = EmailSummary(id="e1", **{"from": "carol@example.org"}, to=["me@po6.com"], subject="Plans", date=t0)
    reply_copy = EmailSummary(id="e2", folder="Sent", **{"from": "me@po6.com"}, to=["carol@example.org"],
                              subject="Re: Plans", date=t0 + timedelta(hours=1))
    stranger = EmailSummary(id="e3", **{"from": "mallory@evil.example"}, to=["me@po6.com"], subject="Plans",
                            date=t0 + timedelta(hours=2))
    logged = SentEmail(id="s1", to_addresses=["carol@example.org"], subject="Re: Plans",
                       sent_at=t0 + timedelta(hours=1, seconds=3))  # the same send as e2
    only_logged = SentEmail(id="s2", to_addresses=["carol@example.org"], subject="Plans (again)",
                            sent_at=t0 + timedelta(hours=3))
    later = SentEmail(id="s3", to_addresses=["carol@example.org"], subject="RE: plans", sent_at=t0 + timedelta(days=1))
    entries = gather(first, "me@po6.com", [stranger, reply_copy], [logged, only_logged, later])
    assert [(e.where, e.email.id if e.email else e.sent.id) for e in entries] == [
        ("INBOX", "e1"), ("Sent", "e2"), ("sent log", "s3")]


async def test_c_shows_the_conversation_and_reads_the_message_under_the_cursor(make_app, ui_fresh_sandbox):
    unique = "c1"
    subject = f"Plans {unique}"
    deliver(ui_fresh_sandbox, MAIL.format(who="Carol <carol@example.org>", subject=subject, tag=f"a-{unique}",
                                          date="Mon, 02 Nov 2026 09:00:00 +0000", body="Shall we meet Tuesday?"))
    deliver(ui_fresh_sandbox, MAIL.format(who="Mallory <mallory@evil.example>", subject=subject, tag=f"m-{unique}",
                                          date="Mon, 02 Nov 2026 10:00:00 +0000", body="Not part of it."))
    deliver(ui_fresh_sandbox, MAIL.format(who="Carol <carol@example.org>", subject=f"Re: {subject}",
                                          tag=f"b-{unique}", date="Tue, 03 Nov 2026 09:00:00 +0000",
                                          body="Tuesday it is."))
    app = make_app(ui_fresh_sandbox)
    async with app.run_test(size=(100, 30)) as pilot:
        messages = await wait_list(pilot)
        assert messages.current.subject == f"Re: {subject}"  # newest first
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, ConversationScreen) and app.screen.entries is not None,
                       what="the conversation")
        screen = app.screen
        assert [e.email.subject for e in screen.entries] == [subject, f"Re: {subject}"]  # oldest first
        assert all("mallory" not in e.sender for e in screen.entries)  # same subject, another person
        assert screen.table.cursor_row == 1  # on the message it was opened from
        body = screen.query_one("#conversation-text", Static)
        await wait_for(pilot, lambda: "Tuesday it is." in str(body.render()), what="the message read below")
        await pilot.press("k")
        await wait_for(pilot, lambda: "Shall we meet Tuesday?" in str(body.render()), what="the first one read")
        await pilot.press("q")
        await wait_idle(pilot)
        assert app.screen is app.mail


def test_a_reply_dated_the_same_second_as_its_original_comes_after_it():
    from datetime import UTC, datetime

    t0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    reply = EmailSummary(id="e2", **{"from": "carol@example.org"}, to=["me@po6.com"], subject="Re: Plans", date=t0)
    first = EmailSummary(id="e1", **{"from": "carol@example.org"}, to=["me@po6.com"], subject="Plans", date=t0)
    assert [e.email.id for e in gather(reply, "me@po6.com", [first], [])] == ["e1", "e2"]
