"""Copying to the clipboard, and saying truthfully what happened.

A terminal app cannot touch the clipboard itself: it asks the terminal with an OSC 52 sequence
(which works over SSH), and nothing tells it whether the terminal obeyed. tmux drops the
sequence unless `set-clipboard` is on, and some terminals refuse it. So the status line says what
was asked for, never "Copied".
"""

from __future__ import annotations

import os

from textual.app import App


def copy(app: App, value: str, what: str) -> str:
    """Ask the terminal to copy `value` (already made safe by the caller); the sentence to show.
    `what` names it for the operator ("the code 482913", "the link")."""
    app.copy_to_clipboard(value)
    return f"Asked the terminal to copy {what}{caveat()}."


def caveat() -> str:
    if os.environ.get("TMUX"):
        return " (under tmux this needs `set -g set-clipboard on`)"
    return " (if your terminal allows it: OSC 52)"
