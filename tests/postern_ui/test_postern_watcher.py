"""The live wait watcher: matches as they arrive, their code and link ready to copy, and a
worker that stops on Esc and when the operator leaves."""

from __future__ import annotations

import asyncio
import sys
from email.message import EmailMessage

from posternhelpers import SIGNUP, fill, new_inbox, open_postern, screen_text
from textual.widgets import Checkbox, Input
from uihelpers import type_command, wait_for

from po6_tui.api.postern import PosternClient
from po6_tui.ui.mail.mail_screen import MailScreen
from po6_tui.ui.postern.postern_screen import PosternScreen
from po6_tui.ui.postern.wait import PosternWaitScreen


def watchers(app) -> list:
    return [worker for worker in app.workers if worker.group == "watch" and worker.is_running]


async def open_watcher(pilot, address: str) -> PosternWaitScreen:
    await open_postern(pilot, address)
    await pilot.press("w")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, PosternWaitScreen))
    await pilot.pause()
    return pilot.app.screen


async def cli_deliver(db, to: str, subject: str, text: str, *, sender: str = "Shop <no-reply@shop.example>") -> None:
    """`python -m po6_tui sandbox deliver --db … --to ADDR -`: another process delivering mail."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message.set_content(text)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "po6_tui", "sandbox", "deliver", "--db", str(db), "--to", to, "-",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await process.communicate(bytes(message))
    assert process.returncode == 0, err.decode()


async def test_the_watcher_catches_mail_delivered_mid_wait(make_postern_app, postern_box):
    waiting, sender = await new_inbox(postern_box, "waiting"), await new_inbox(postern_box, "sender")
    app = make_postern_app(postern_box)
    async with app.run_test(size=(120, 35)) as pilot:
        watcher = await open_watcher(pilot, waiting)
        assert watcher.query_one("#wait-subject", Input).has_focus
        await pilot.press(*"code")  # subject contains "code"
        await pilot.press("enter")
        await wait_for(pilot, lambda: watchers(app), what="the watcher to start")
        assert "● Watching" in screen_text(app)

        async with PosternClient(postern_box.url, postern_box.key("postern-agent")) as client:
            await client.send(sender, waiting, "Noise", text="not this one")
            await client.send(sender, waiting, "Your login code", text="Use code 550912 to sign in.")
        await wait_for(pilot, lambda: len(watcher.matches) == 1, timeout=20, what="the first match")
        await cli_deliver(postern_box.db, waiting, "Confirm with this code",
                          "Your code: 300123\nConfirm: https://shop.example/confirm?token=Zx81\n")
        await wait_for(pilot, lambda: len(watcher.matches) == 2, timeout=20, what="the delivered match")
        await pilot.pause()

        assert [m.message.subject for m in watcher.matches] == ["Your login code", "Confirm with this code"]
        text = screen_text(app)
        assert "550912" in text and "https://shop.example/confirm?token=Zx81" in text and "2 matches" in text
        await pilot.press("l")
        assert app.clipboard == "https://shop.example/confirm?token=Zx81"
        await pilot.press("k", "c")
        assert app.clipboard == "550912" and "Asked the terminal to copy the code 550912" in screen_text(app)
        assert "Copied" not in screen_text(app)  # nothing tells the app whether the terminal obeyed

        await pilot.press("escape")  # stops, keeps the matches
        await wait_for(pilot, lambda: not watchers(app), what="the watcher to stop")
        assert watcher.watching == "" and len(watcher.matches) == 2
        assert "Stopped: 2 matches" in screen_text(app)
        await pilot.press("escape")  # then leaves
        await wait_for(pilot, lambda: isinstance(app.screen, PosternScreen))


async def test_existing_mail_with_code_link_and_credentials(make_postern_app):
    app = make_postern_app()
    async with app.run_test(size=(120, 35)) as pilot:
        watcher = await open_watcher(pilot, SIGNUP)
        watcher.query_one("#wait-include", Checkbox).value = True
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: len(watcher.matches) == 3, timeout=20, what="the three signup mails")
        # oldest first: the welcome (credentials), the confirmation (link), the code
        codes = [(m.extracted.otp_code, m.extracted.verification_link) for m in watcher.matches]
        assert codes[1][1] == "https://accounts.example.com/verify?token=7f3a9c2e41d8"
        assert codes[2][0] == "482913"
        await pilot.press("g")  # the welcome mail
        await pilot.pause()
        assert "signup-bot" in screen_text(app) and "Tmp-4821-kite" not in screen_text(app)  # password masked
        await pilot.press("p")
        assert app.clipboard == "Tmp-4821-kite"
        await pilot.press("u")
        assert app.clipboard == "signup-bot"
        await pilot.press("escape")
        await wait_for(pilot, lambda: not watchers(app))


async def test_leaving_the_screen_stops_the_watcher(make_postern_app):
    app = make_postern_app()
    async with app.run_test(size=(100, 30)) as pilot:
        watcher = await open_watcher(pilot, SIGNUP)
        fill(watcher, "#wait-regex", r"code \d{6}")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: watchers(app))
        await pilot.press("question_mark")  # a dialog on top does not stop it
        await pilot.pause(0.2)
        assert watchers(app) and watcher.watching
        await pilot.press("escape")
        await type_command(pilot, "mail")  # leaving the view does
        await wait_for(pilot, lambda: isinstance(app.screen, MailScreen))
        await wait_for(pilot, lambda: not watchers(app), what="the watcher to stop")
        assert watcher.watching == ""


async def test_a_bad_regex_is_refused_before_watching(make_postern_app):
    app = make_postern_app()
    async with app.run_test(size=(100, 30)) as pilot:
        watcher = await open_watcher(pilot, SIGNUP)
        fill(watcher, "#wait-regex", "(unclosed")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not watchers(app) and "The regex is not valid" in screen_text(app)
        assert watcher.query_one("#wait-regex", Input).value == "(unclosed"


async def test_copy_gives_the_real_value_and_warns_of_invisible_characters(make_postern_app, postern_box):
    """A password holding a zero-width space is copied as it is (the screen shows a mark for
    it, the clipboard must not get the mark), with a warning; escape bytes never reach it."""
    inbox, sender = await new_inbox(postern_box, "invisible"), await new_inbox(postern_box, "sender")
    async with PosternClient(postern_box.url, postern_box.key("postern-agent")) as client:
        await client.send(sender, inbox, "Your account", text="Username: bot\nPassword: Tmp\u200b-99\x1b[31m\n")
    app = make_postern_app(postern_box)
    async with app.run_test(size=(120, 35)) as pilot:
        watcher = await open_watcher(pilot, inbox)
        watcher.query_one("#wait-include", Checkbox).value = True
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: len(watcher.matches) == 1, timeout=20, what="the account mail")
        await pilot.press("p")
        assert app.clipboard.startswith("Tmp\u200b-99") and "\x1b" not in app.clipboard
        assert "⟦" not in app.clipboard
        assert "invisible characters (U+200B)" in screen_text(app)


async def test_the_include_box_looks_off_when_off_and_the_watch_says_which_mail_counts(make_postern_app):
    app = make_postern_app()
    async with app.run_test(size=(80, 24)) as pilot:
        watcher = await open_watcher(pilot, SIGNUP)
        box = watcher.query_one("#wait-include", Checkbox)
        assert not box.value and "X" not in box.render().plain  # an empty box, not a dimmer X
        box.value = True
        await pilot.pause()
        assert "X" in box.render().plain
        box.value = False
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "● Watching" in screen_text(app), what="the watch")
        assert "(new mail only): 0 matches" in screen_text(app)  # the code already there is not one
        await pilot.press("escape")
        await wait_for(pilot, lambda: not watcher.watching, what="the stop")
        box.value = True
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: len(watcher.matches) == 3, timeout=20, what="the mail already there")
        assert "(mail already there too)" in screen_text(app)
