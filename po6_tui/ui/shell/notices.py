"""`:notices`: what the app announced lately (new drafts, drafts about to expire or expired,
bounces and failed sends), newest first: a toast is gone in seconds, this list stays."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from po6_tui.terminal_notify import Notice
from po6_tui.ui import safe
from po6_tui.ui.core import timefmt
from po6_tui.ui.kit.table import Column, VimTable
from po6_tui.ui.shell.app_screen import PushedScreen

SEVERITY_STYLES = {"warning": "yellow", "error": "bold red"}


class NoticesScreen(PushedScreen):
    VIEW = "mail"
    HELP_GROUP = "Notices"
    AUTO_FOCUS = "#notices"

    BINDINGS = [Binding("q,escape", "close", "Back", id="notices.back")]

    DEFAULT_CSS = """
    NoticesScreen #notices { height: auto; max-height: 60%; }
    NoticesScreen #notice { height: auto; padding: 0 1; border-top: solid $panel-lighten-1; }
    """

    COLUMNS = (Column("at", "When", give=0), Column("title", "What", give=0),
               Column("text", "Notice", give=1, least=20))

    def __init__(self, notices: list[Notice]) -> None:
        super().__init__()
        self.notices = list(reversed(notices))  # newest first

    def compose_body(self) -> ComposeResult:
        with Vertical():
            count = len(self.notices)
            title = Text(f"{count} recent notice{'s' if count != 1 else ''}" if count else "No notices yet",
                         style="bold")
            title.append("   new drafts, drafts expiring, bounces and failed sends", style="dim")
            yield Static(title, id="notices-title", classes="view-title")
            yield VimTable(self.COLUMNS, id="notices")
            yield Static("", id="notice")  # the one under the cursor, whole

    def on_mount(self) -> None:
        self.query_one("#notices", VimTable).fill(
            (str(n), [Text(timefmt.short(notice.at), style="dim"),
                      safe.text(notice.title, max_len=60, style=SEVERITY_STYLES.get(notice.severity, "bold")),
                      safe.text(notice.text, max_len=300)])
            for n, notice in enumerate(self.notices))

    @on(DataTable.RowHighlighted, "#notices")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if 0 <= event.cursor_row < len(self.notices):
            notice = self.notices[event.cursor_row]
            whole = Text(f"{timefmt.full(notice.at)}  ", style="dim")
            whole.append_text(safe.text(notice.title, max_len=60, style="bold"))
            whole.append("\n")
            text = safe.text(notice.text, max_len=1000)
            text.no_wrap = False
            whole.append_text(text)
            self.query_one("#notice", Static).update(whole)
