"""Hostile Postern mail (tests/hostile/corpus.py's attacks) through the list, the reader and the
watcher: markup shows literally, escape sequences never reach the terminal, links show where
they really go, and what is copied is cleaned."""

from __future__ import annotations

from hostile.corpus import ALL_ESCAPES, MARKUP, RLO
from posternhelpers import new_inbox, open_postern, screen_text
from uihelpers import wait_for, wait_idle

from po6_tui.api.postern import PosternClient
from po6_tui.ui.postern.reader import PosternReaderScreen
from po6_tui.ui.postern.wait import PosternWaitScreen

HTML = ('<p>Verify now: <a href="https://evil.example/steal">https://bank.example/verify</a></p>'
        '<p>Your code is 123456</p>')


async def test_hostile_mail_is_shown_harmlessly(make_postern_app, postern_box):
    victim, attacker = await new_inbox(postern_box, "victim"), await new_inbox(postern_box, "attacker")
    async with PosternClient(postern_box.url, postern_box.key("postern-agent")) as client:
        await client.send(attacker, victim, f"{MARKUP}{ALL_ESCAPES} {RLO}gpj.exe",
                          text=f"Hello {MARKUP}\n{ALL_ESCAPES}Your code is 123456", html=HTML)
    app = make_postern_app(postern_box)
    async with app.run_test(size=(120, 35)) as pilot:
        await open_postern(pilot, victim)
        text = screen_text(app)
        assert "[@click=app.quit]click to win[/]" in text  # as typed, not a link that quits
        assert "\x1b" not in app.export_screenshot() and "pwned" not in text

        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, PosternReaderScreen) and app.screen.message is not None)
        await wait_idle(pilot)
        text = screen_text(app)
        assert "[bold red]URGENT[/]" in text and "Your code is 123456" in text
        assert "⟦U+202E⟧gpj.exe" in text  # the bidi override is shown, not obeyed
        words = " ".join(text.split())  # a long link line wraps
        assert "https://evil.example/steal" in words and "text names bank.example but it goes to evil.example" in words
        await pilot.press("q")
        await wait_idle(pilot)

        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, PosternWaitScreen))
        watcher = app.screen
        watcher.query_one("#wait-include").value = True
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: watcher.matches, timeout=20)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not watcher.watching)
        assert "[@click=app.quit]click" in screen_text(app)
        await pilot.press("c")
        assert app.clipboard == "123456"
        assert app.is_running
