"""The first frame (po6_tui/first_frame.py): the last cached first screen drawn before Textual
is imported, in a real pseudo-terminal (issue 21)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pexpect
import pyte
import pytest

from po6_tui import first_frame
from po6_tui.accounts import Account

ACCOUNT = Account(name="sandbox", provider="po6", url="http://127.0.0.1:8025/mcp", is_sandbox=True, api_key="k")


def test_only_text_colours_and_cursor_moves_may_be_replayed():
    assert first_frame.is_safe("\x1b[1;1H\x1b[38;2;1;2;3m po6-tui \x1b[0m\n\x1b[2;1Hé ▸ INBOX")
    for hostile in ("\x1b]52;c;cm0gLXJmIH4=\x07",  # writes the clipboard
                    "\x1b[?1049l",  # leaves the alternate screen
                    "\x1b]0;title\x07", "\x07", "\x9b31m", "\r", "\x1bP+q\x1b\\"):
        assert not first_frame.is_safe(f"\x1b[1;1Hmail{hostile}")


def test_a_kept_frame_is_private_and_a_hostile_one_is_not_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    first_frame.keep(ACCOUNT, 80, 24, False, "\x1b[1;1Hmail")
    path = first_frame.path_for(ACCOUNT, 80, 24, False)
    assert path.read_text() == "\x1b[1;1Hmail"
    assert path.stat().st_mode & 0o777 == 0o600
    first_frame.keep(ACCOUNT, 80, 24, False, "\x1b[1;1H\x1b]52;c;eA==\x07")
    assert path.read_text() == "\x1b[1;1Hmail"  # the old one stays; the hostile one never lands
    assert not first_frame.path_for(ACCOUNT, 80, 24, True).exists()  # read-only has its own


def _demo_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PO6_", "POSTERN_"))}
    env.update(TERM="xterm-256color", XDG_CONFIG_HOME=str(home / "config"), XDG_DATA_HOME=str(home / "data"),
               XDG_STATE_HOME=str(home / "state"), XDG_CACHE_HOME=str(home / "cache"))
    return env


class Terminal:
    """The app in a pseudo-terminal, drawn on a pyte screen; `raw` is every byte it wrote."""

    def __init__(self, home: Path) -> None:
        self.child = pexpect.spawn(sys.executable, ["-m", "po6_tui"], env=_demo_env(home), dimensions=(24, 80))
        self.screen = pyte.Screen(80, 24)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = b""

    def wait_for(self, text: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while text not in "\n".join(self.screen.display):
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} never came; the screen was:\n" + "\n".join(self.screen.display))
            try:
                data = self.child.read_nonblocking(65536, timeout=0.05)
            except pexpect.TIMEOUT:
                continue
            self.raw += data
            self.stream.feed(data)

    def quit(self) -> None:
        self.child.send("q")
        self.child.expect(pexpect.EOF, timeout=20)


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal")
def test_the_cached_screen_is_drawn_before_textual_starts_and_keys_typed_meanwhile_count(tmp_path):
    for _ in range(2):  # the first start caches the first screen; the second draws it and keeps the frame
        terminal = Terminal(tmp_path)
        terminal.wait_for("messages, 9 unread")
        time.sleep(0.5)
        terminal.quit()
    frames = list((tmp_path / "cache").rglob("*-80x24-rw.frame"))
    assert len(frames) == 1 and "cached" in frames[0].read_text()

    terminal = Terminal(tmp_path)
    terminal.wait_for("cached")  # the frame, marked stale ...
    assert b"\x1b[?1000h" not in terminal.raw  # ... before Textual set up the terminal (mouse on)
    terminal.child.send("j")  # typed while Textual loads: not echoed over the frame, not lost
    terminal.wait_for("messages, 9 unread")  # the server's data replaces it
    terminal.wait_for("2/14")
    assert "j" not in terminal.screen.display[-1]  # no echo of it
    terminal.quit()
