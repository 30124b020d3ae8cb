"""The last session's first screen (ui/core/first_screen.py): shown at once at the next start,
marked as refreshing, replaced as the server answers; a file that does not parse is ignored."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

from textual.widgets import Static
from uihelpers import RATE_LIMIT, account_for, screen_text, wait_for, wait_list

from po6_tui.accounts import Account
from po6_tui.sandbox.process import listen
from po6_tui.ui.core import first_screen


def header(app) -> str:
    return str(app.mail.query_one("#list-header", Static).render())


def subjects(app) -> list[str]:
    ml = app.mail.message_list
    return [ml.row(i).subject for i in range(min(5, ml.total or 0)) if ml.row(i) is not None]


async def test_the_last_first_screen_shows_at_once_then_the_live_one(make_app, ui_fresh_sandbox):
    box = ui_fresh_sandbox
    app = make_app(box)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_list(pilot)
        seen = subjects(app)
    kept = first_screen.path_for(account_for(box))
    assert kept.exists() and stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert "mcp_po6_" not in kept.read_text()  # never the key
    key, db = box.key("plus"), box.db
    box.stop()

    # Next start: the server is slow to come (a socket nobody serves yet, as in demo mode).
    sock = listen("127.0.0.1", 0)
    port = sock.getsockname()[1]
    later = Account(name="sandbox", provider="po6", url=f"http://127.0.0.1:{port}/mcp", is_sandbox=True, api_key=key)
    from po6_tui.ui.app import Po6App

    app = Po6App([later], refresh_interval=0)
    child = None
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for(pilot, lambda: app.mail.is_mounted and subjects(app), what="the cached first screen")
            assert subjects(app) == seen and "refreshing" in header(app)  # stale data looks stale
            assert app.mail.message_list.showing_cached
            await pilot.resize_terminal(60, 20)  # ... even where the header's end is cut
            await wait_for(pilot, lambda: "refreshing" in screen_text(app), what="the mark on a narrow screen")
            # The server comes up on that socket: the list turns live.
            child = subprocess.Popen([sys.executable, "-m", "po6_tui", "sandbox", "--fd", str(sock.fileno()),
                                      "--db", str(db), *RATE_LIMIT], pass_fds=(sock.fileno(),),
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            sock.close()
            await wait_for(pilot, lambda: not app.mail.message_list.showing_cached, 30, "the live list")
            await wait_for(pilot, lambda: "refreshing" not in header(app), what="the mark to go")
            assert subjects(app) == seen
    finally:
        if child is not None:
            child.terminate()
            child.wait(10)
        if sock.fileno() != -1:
            sock.close()


async def test_a_cache_that_does_not_parse_is_ignored(make_app, ui_fresh_sandbox):
    box = ui_fresh_sandbox
    kept = first_screen.path_for(account_for(box))
    kept.parent.mkdir(parents=True, exist_ok=True)
    for junk in (b"{not json", b'{"version": 1, "rows": "x"}', b"[" * 100_000, os.urandom(300)):
        kept.write_bytes(junk)
        assert first_screen.load(account_for(box)) is None
    app = make_app(box)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_list(pilot)
        assert "refreshing" not in header(app) and not app.mail.message_list.showing_cached
    assert first_screen.load(account_for(box)) is not None  # replaced by a good one


async def test_g_pressed_before_the_folder_answers_is_not_lost(sandbox_factory):
    box = sandbox_factory(*RATE_LIMIT, "--latency", "300")  # every reply takes 0.3 s
    from po6_tui.ui.app import Po6App
    from po6_tui.ui.mail.mailbox_tree import Place

    app = Po6App([Account(name="slow", provider="po6", url=box.mcp_url, api_key=box.key("plus"))],
                 refresh_interval=0)
    async with app.run_test(size=(100, 14)) as pilot:  # fewer rows on screen than in the folder
        ml = await wait_list(pilot, timeout=30)
        app.mail.open_place(Place("slow", "mbx_billing", "INBOX"))  # Enter on another folder…
        assert ml.total is None  # …whose first page is on its way
        await pilot.press("G")  # at once
        await wait_for(pilot, lambda: ml.total is not None and ml.cursor == ml.total - 1 and ml.current is not None,
                       30, "the last row")
        assert ml.total > 1 and ml.current.id == ml.row(ml.total - 1).id
        await pilot.pause()
        top = int(ml.scroll_offset.y)
        assert top <= ml.cursor < top + ml.size.height  # and on screen, not only the cursor moved
