"""Notifications (issue 18): new drafts and bounces are announced in a toast, in `:notices` and
to the terminal (OSC 9 / OSC 777 / the bell, as configured), with nothing from a server able to
slip a control sequence through."""

from __future__ import annotations

from drafthelpers import client_for
from uihelpers import type_command, wait_for, wait_idle, wait_list

from po6_tui import terminal_notify as tn
from po6_tui.ui.drafts.watch import watcher
from po6_tui.ui.outbox.sent_watch import sent_watcher
from po6_tui.ui.shell.notices import NoticesScreen


def test_the_method_follows_the_terminal_and_the_texts_are_cleaned():
    assert tn.choose("auto", {"TERM_PROGRAM": "iTerm.app"}) == "osc9"
    assert tn.choose("auto", {"TERM": "foot"}) == "osc777"
    assert tn.choose("auto", {"TERM": "xterm-256color", "VTE_VERSION": "7600"}) == "osc777"
    assert tn.choose("auto", {"TERM": "screen-256color"}) == "bell"
    assert tn.choose("off", {"TERM_PROGRAM": "iTerm.app"}) == "off"
    hostile = "Hi\x1b]52;c;eA==\x07 there;\x9b31m\nbye"
    osc = tn.sequence("osc777", "Draft waiting", hostile)
    assert osc == "\x1b]777;notify;Draft waiting;Hi ]52,c,eA== there, 31m bye\x07"
    assert tn.sequence("osc9", "T", "b") == "\x1b]9;T: b\x07"
    assert tn.sequence("osc9", "T", "b", tmux=True) == "\x1bPtmux;\x1b\x1b]9;T: b\x07\x1b\\"
    assert tn.sequence("bell", "T", "b", tmux=True) == "\x07" and tn.sequence("off", "T", "b") == ""
    assert len(tn.clean("x" * 500)) == tn.MAX_TEXT


def _record_terminal(app) -> list[str]:
    written: list[str] = []
    real = app._driver.write

    def write(data: str) -> None:
        written.append(data)
        real(data)

    app._driver.write = write
    return written


async def test_a_new_draft_and_a_bounce_are_announced_and_listed(make_app, tools_box, unique):
    app = make_app(tools_box, notify="osc777")
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await wait_list(pilot)
        written = _record_terminal(app)
        drafts, sends = watcher(app), sent_watcher(app)
        drafts.poll()
        sends.poll()
        await wait_for(pilot, lambda: drafts.seen is not None and sends.seen is not None, what="the first look")
        assert not app.notices and not written  # what is there at the first look is not news

        async with await client_for(tools_box) as client:
            await client.create_draft("mbx_research", ["ada@example.com"], f"Agent draft {unique}", "Hello")
            await client.compose_email(mailbox_id="mbx_research", to_addresses=[f"x-{unique}@nowhere.invalid"],
                                       subject=f"Doomed {unique}", body_text="…")
        drafts.poll()
        sends.poll()
        await wait_for(pilot, lambda: len(app.notices) == 2, what="two notices")
        kinds = {n.kind: n for n in app.notices}
        assert f"Agent draft {unique}" in kinds["new_draft"].text
        assert f"Doomed {unique}" in kinds["bounced"].text and kinds["bounced"].title == "Send bounced"
        assert any(w.startswith("\x1b]777;notify;Draft waiting;New draft from research-agent@po6.com")
                   for w in written)
        assert any(w.startswith("\x1b]777;notify;Send bounced;") for w in written)

        drafts.poll()
        await wait_idle(pilot)
        assert len(app.notices) == 2  # once each

        await type_command(pilot, "notices")
        await wait_for(pilot, lambda: isinstance(app.screen, NoticesScreen), what=":notices")
        assert app.screen.notices[0].title == "Send bounced" or app.screen.notices[0].title == "Draft waiting"
        assert app.screen.query_one("#notices").row_count == 2


async def test_notify_off_writes_nothing_to_the_terminal_but_keeps_the_list(make_app, tools_box, unique):
    app = make_app(tools_box, notify="off")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_list(pilot)
        written = _record_terminal(app)
        app.announce("new_draft", "Draft waiting", "New draft from someone: hello")
        await wait_idle(pilot)
        assert not written and len(app.notices) == 1
