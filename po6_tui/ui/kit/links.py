"""The reader's link list (`o`): every link of the message with its real target, to copy or open.

Copying writes the clipboard with OSC 52 (`app.copy_to_clipboard`), which works over SSH too;
the value copied is the real target with escape sequences and controls removed
(`safe.copyable`), so a link pastes as it is. Opening runs `$BROWSER` with the link, and only on
the operator's own machine: over SSH (or in `po6-tui serve`) a browser would start on the server,
so the app says to copy instead. Only http, https and mailto links are opened, never one the
reader flagged.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Mapping

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from po6_tui.ui import safe
from po6_tui.ui.core.host import report
from po6_tui.ui.kit import clipboard
from po6_tui.ui.kit.dialog import Dialog
from po6_tui.ui.kit.table import VimOptionList

OPENABLE = ("http://", "https://", "mailto:")


def remote_session(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether the app runs in an SSH session (a browser would open on the far machine)."""
    return bool(environ.get("SSH_CONNECTION") or environ.get("SSH_TTY"))


def browser_command(url: str, environ: Mapping[str, str] = os.environ) -> list[str] | None:
    """The `$BROWSER` command line for `url` (its first entry; "%s" stands for the link), or None."""
    value = (environ.get("BROWSER") or "").split(os.pathsep)[0].strip()
    if not value:
        return None
    try:
        words = shlex.split(value)
    except ValueError:
        return None
    if not words:
        return None
    if any("%s" in word for word in words):
        return [word.replace("%s", url) for word in words]
    return [*words, url]


def why_not_open(link: safe.Link, *, remote: bool) -> str:
    """Why this link is not opened here ("" when it may be)."""
    if remote:
        return "This session is remote (SSH or the web): a browser would start on the server; y copies the link."
    if link.warning:
        return f"This link is flagged ({safe.one_line(link.warning, 80)}): y copies it to check it first."
    if not link.raw.lower().startswith(OPENABLE) or any(c.isspace() for c in link.raw):
        return "Only http, https and mailto links are opened; y copies this one."
    if link.raw != safe.one_line(link.raw, safe.URL_MAX):
        return "This link holds invisible characters: y copies it to check it first."
    return ""


class LinksScreen(Dialog[None]):
    """The links of one message: y/Enter copies the one under the cursor, o opens it."""

    BINDINGS = [
        Binding("escape,q", "close", "Close", id="links.close"),
        Binding("y,enter", "copy", "Copy", id="links.copy"),
        Binding("o", "open", "Open in $BROWSER", id="links.open"),
    ]

    DEFAULT_CSS = """
    LinksScreen > #dialog { width: 90%; max-width: 140; }
    LinksScreen #title { margin-bottom: 0; }
    LinksScreen #hint { color: $text-muted; margin-bottom: 1; }
    LinksScreen OptionList { max-height: 24; }
    """

    def __init__(self, links: list[safe.Link]) -> None:
        super().__init__()
        self.links = links

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(f"Links ({len(self.links)}): where they really go", id="title", classes="dialog-title")
            yield Static("y or Enter copies the link (OSC 52), o opens it in $BROWSER on this machine, Esc closes",
                         id="hint")
            yield VimOptionList(*[Option(self._label(link), id=str(index)) for index, link in enumerate(self.links)],
                                id="links")

    @staticmethod
    def _label(link: safe.Link) -> Text:
        label = safe.links_text([link])
        label.no_wrap = True
        return label

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0 if options.option_count else None
        self.set_focus(options)

    @property
    def current(self) -> safe.Link | None:
        options = self.query_one(OptionList)
        if options.highlighted is None:
            return None
        return self.links[int(options.get_option_at_index(options.highlighted).id or 0)]

    @on(OptionList.OptionSelected)
    def _selected(self) -> None:
        self.action_copy()

    def action_copy(self) -> None:
        link = self.current
        if link is None:
            return
        value, invisible = safe.copyable(link.raw or link.target)
        shown = safe.one_line(value, 80)
        said = clipboard.copy(self.app, value, f"link [{link.number}] {shown}")
        if invisible:  # the warning first: the status line is one row
            report(self, f"Link [{link.number}] contains invisible characters ({', '.join(invisible[:4])}): "
                   f"check it where you paste it. {said}", "warning")
        else:
            report(self, said)

    def action_open(self) -> None:
        link = self.current
        if link is None:
            return
        reason = why_not_open(link, remote=remote_session() or self.app.is_web)
        command = browser_command(link.raw) if not reason else None
        if not reason and command is None:
            reason = "Set $BROWSER to open links here; y copies this one."
        if reason:
            report(self, reason, "warning")
            return
        try:
            # Not waited for: the browser lives on after the app. Its output would scribble
            # over the screen, so it goes nowhere.
            subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,  # noqa: S603
                             stderr=subprocess.DEVNULL, start_new_session=True)
        except OSError as error:
            report(self, f"Could not start $BROWSER ({safe.one_line(error.strerror or error, 80)}); y copies "
                   "the link.", "error")
            return
        report(self, f"Opened link [{link.number}] in $BROWSER.")

    def action_close(self) -> None:
        self.dismiss(None)
