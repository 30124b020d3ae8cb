"""The reader's links and attachments (issue 18): plain-text URLs numbered like the HTML links,
`o` lists them with their real targets to copy (OSC 52) or open in $BROWSER on the local machine
only, and attachments say in one line that the API gives no content."""

from __future__ import annotations

import io
import sys
import time
from pathlib import Path

from rich.console import Console
from uihelpers import deliver, wait_for, wait_idle, wait_list

from po6_tui.ui.kit.links import LinksScreen
from po6_tui.ui.kit.message_body import MessageBodyView
from po6_tui.ui.mail.reader import ReaderScreen
from po6_tui.ui.shell.bars import StatusLine

LINK_MAIL = ("From: Ops <ops@example.org>\nTo: signup-bot@po6.com\nSubject: Runbooks {tag}\n"
             "Date: Wed, 18 Nov 2026 09:30:00 +0000\nMIME-Version: 1.0\n"
             "Content-Type: multipart/mixed; boundary=XX\n\n"
             "--XX\nContent-Type: text/plain\n\nSee https://runbooks.example/api (the first),\n"
             "then https://runbooks.example/worker.\n"
             "--XX\nContent-Type: image/png\nContent-Disposition: attachment; filename=error.png\n"
             "Content-Transfer-Encoding: base64\n\niVBORw0KGgo=\n--XX--\n")


def status(app) -> str:
    return str(app.screen.query_one(StatusLine).message) if app.screen.query(StatusLine) else \
        str(app.screen_stack[-2].query_one(StatusLine).message)


def plain(renderable) -> str:
    console = Console(width=200, record=True, color_system=None, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


async def open_first(pilot) -> ReaderScreen:
    app = pilot.app
    await wait_list(pilot)
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, ReaderScreen) and app.screen.email is not None)
    await wait_idle(pilot)
    return app.screen


def fake_browser(tmp_path: Path) -> tuple[str, Path]:
    """A $BROWSER that writes the link it was given to a file."""
    out = tmp_path / "opened.txt"
    script = tmp_path / "browser.py"
    script.write_text(f"import sys\nopen({str(out)!r}, 'w').write(sys.argv[1])\n")
    return f"{sys.executable} {script}", out


async def test_text_links_are_numbered_listed_and_copied(make_app, ui_fresh_sandbox):
    deliver(ui_fresh_sandbox, LINK_MAIL.format(tag="copy"))
    app = make_app(ui_fresh_sandbox)
    async with app.run_test(size=(120, 40)) as pilot:
        reader = await open_first(pilot)
        view = reader.query_one(MessageBodyView)
        assert "See https://runbooks.example/api[1] (the first)," in view.body.plain
        assert "then https://runbooks.example/worker[2]." in view.body.plain
        assert "[1] https://runbooks.example/api" in view.links.plain
        headers = plain(reader.query_one("#headers").content)
        assert "error.png" in headers and "image/png" in headers
        assert "PO6 gives each attachment's name, type and size, not its content: nothing can be saved" in headers
        await pilot.press("o")
        assert isinstance(app.screen, LinksScreen)
        await pilot.press("j", "y")
        assert app.clipboard == "https://runbooks.example/worker"
        assert "Asked the terminal to copy link [2] https://runbooks.example/worker" in status(app)
        await pilot.press("escape")
        assert app.screen is reader


async def test_o_opens_in_browser_only_on_the_local_machine(make_app, ui_fresh_sandbox, tmp_path, monkeypatch):
    deliver(ui_fresh_sandbox, LINK_MAIL.format(tag="open"))
    browser, opened = fake_browser(tmp_path)
    monkeypatch.setenv("BROWSER", browser)
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.2 5555 10.0.0.1 22")
    app = make_app(ui_fresh_sandbox)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        await pilot.press("o", "o")  # the list, then open: over SSH, refused in words
        assert "This session is remote" in status(app) and "y copies the link" in status(app)
        monkeypatch.delenv("SSH_CONNECTION")
        await pilot.press("o")
        assert "Opened link [1] in $BROWSER." in status(app)
        deadline = time.monotonic() + 10
        while not opened.exists() and time.monotonic() < deadline:
            await pilot.pause(0.05)
        assert opened.read_text() == "https://runbooks.example/api"


async def test_a_flagged_html_link_is_copied_not_opened(make_app, tmp_path, monkeypatch):
    browser, opened = fake_browser(tmp_path)
    monkeypatch.setenv("BROWSER", browser)
    monkeypatch.delenv("SSH_CONNECTION", raising=False)
    monkeypatch.delenv("SSH_TTY", raising=False)
    app = make_app(mark_read_on_open=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_list(pilot)
        app.mail.search("Ignore previous instructions", everywhere=True)
        await open_first(pilot)
        await pilot.press("o")
        screen = app.screen
        assert isinstance(screen, LinksScreen)
        flagged = next(i for i, link in enumerate(screen.links) if link.target == "https://evil.example/login")
        for _ in range(flagged):
            await pilot.press("j")
        await pilot.press("o")
        assert "This link is flagged" in status(app)
        await pilot.pause(0.3)
        assert not opened.exists()
        await pilot.press("y")
        assert app.clipboard == "https://evil.example/login"


async def test_a_message_without_links_says_so(make_app, ui_fresh_sandbox):
    deliver(ui_fresh_sandbox, "From: a@example.org\nTo: signup-bot@po6.com\nSubject: Plain\n"
                              "Date: Wed, 18 Nov 2026 09:30:00 +0000\n\nNo links here.\n")
    app = make_app(ui_fresh_sandbox)
    async with app.run_test(size=(120, 40)) as pilot:
        reader = await open_first(pilot)
        await pilot.press("o")
        assert app.screen is reader
        assert "This message has no links." in status(app)
