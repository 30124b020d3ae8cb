"""kit/clipboard.py: the app asks the terminal to copy (OSC 52) and says only that."""

from __future__ import annotations

from textual.app import App

from po6_tui.ui.kit import clipboard


async def test_copy_says_what_was_asked_never_copied(monkeypatch):
    app = App()
    async with app.run_test():
        monkeypatch.delenv("TMUX", raising=False)
        said = clipboard.copy(app, "482913", "the code 482913")
        assert app.clipboard == "482913"
        assert said == "Asked the terminal to copy the code 482913 (if your terminal allows it: OSC 52)."
        monkeypatch.setenv("TMUX", "/tmp/tmux-0/default,1,0")
        assert "set -g set-clipboard on" in clipboard.copy(app, "x", "the link")
