"""`T`: a folder grouped by conversation (issue 18), from its newest messages only."""

from __future__ import annotations

from uihelpers import deliver, wait_for, wait_idle, wait_list

from po6_tui.api.models import EmailSummary
from po6_tui.ui.mail.conversation import ConversationScreen
from po6_tui.ui.mail.conversations import ConversationsScreen, group

MAIL = ("From: {who}\nTo: signup-bot@po6.com\nSubject: {subject}\nDate: Mon, 02 Nov 2026 09:00:00 +0000\n"
        "Message-ID: <{tag}@example.org>\n\n{body}\n")


def test_group_by_topic_and_people_newest_first():
    def mail(id_: str, sender: str, subject: str) -> EmailSummary:
        return EmailSummary(id=id_, **{"from": sender}, to=["me@po6.com"], subject=subject)

    emails = [mail("e4", "carol@example.org", "Re: Plans"), mail("e3", "mallory@evil.example", "Plans"),
              mail("e2", "dan@example.org", "Invoice"), mail("e1", "carol@example.org", "Plans")]
    groups = group(emails, "me@po6.com")
    assert [[e.id for e in g.emails] for g in groups] == [["e4", "e1"], ["e3"], ["e2"]]
    assert groups[0].people == {"carol@example.org"}


async def test_t_groups_the_folder_and_enter_reads_a_conversation(make_app, ui_fresh_sandbox):
    for tag, who, subject in (("g1", "Carol <carol@example.org>", "Plans g"), ("g2", "Carol <carol@example.org>",
                                                                              "Re: Plans g")):
        deliver(ui_fresh_sandbox, MAIL.format(who=who, subject=subject, tag=tag, body="Tuesday?"))
    app = make_app(ui_fresh_sandbox)
    async with app.run_test(size=(100, 30)) as pilot:
        messages = await wait_list(pilot)
        total = messages.total
        await pilot.press("T")
        await wait_for(pilot, lambda: isinstance(app.screen, ConversationsScreen) and app.screen.groups is not None,
                       what="the conversations")
        screen = app.screen
        first = screen.groups[0]
        assert first.newest.subject == "Re: Plans g" and len(first.emails) == 2  # the reply and its original, one row
        assert sum(len(g.emails) for g in screen.groups) == total  # every message once
        assert screen.table.row_count == len(screen.groups) < total
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConversationScreen) and app.screen.entries is not None,
                       what="the conversation")
        assert [e.email.subject for e in app.screen.entries if e.email] == ["Plans g", "Re: Plans g"]
        await pilot.press("q")
        await wait_idle(pilot)
        await pilot.press("T")
        await wait_idle(pilot)
        assert app.screen is app.mail
