"""`:log`: the local audit log (po6_tui/audit.py): every write the app attempted, newest first,
with its time, profile, tool, targets and outcome. Bodies and keys are never in it.

`/` filters (words that must all appear, in any column), `e` shows only failures, Esc clears,
R re-reads the file. The view re-reads the log whenever it comes to the front. Every field is
shown through `ui/safe.py`: target ids came from servers.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from po6_tui.audit import CONFIRMATION_REQUESTED, OK, AuditLog, AuditRecord
from po6_tui.ui import safe
from po6_tui.ui.shell.app_screen import AppScreen
from po6_tui.ui.kit.prompt import PromptScreen
from po6_tui.ui.kit.table import VimTable
from po6_tui.ui.core.tasks import run_io

RECENT = 2000  # records read from the end of the file
OUTCOME_STYLES = {OK: "green", CONFIRMATION_REQUESTED: "yellow"}


def when(record: AuditRecord, *, short: bool = False) -> str:
    """The record's time in the local zone, to the second (`short`: month, day, minute)."""
    try:
        moment = datetime.fromisoformat(record.time).astimezone()
    except ValueError:
        return safe.one_line(record.time, 25)
    return moment.strftime("%m-%d %H:%M" if short else "%Y-%m-%d %H:%M:%S")


def targets_text(record: AuditRecord) -> str:
    return " ".join(f"{name}={value}" for name, value in sorted(record.targets.items()))


def matches(record: AuditRecord, words: list[str], errors_only: bool) -> bool:
    if errors_only and not record.outcome.startswith("error"):
        return False
    haystack = " ".join((when(record), record.profile or "", record.tool, targets_text(record),
                         record.outcome)).casefold()
    return all(word in haystack for word in words)


class LogScreen(AppScreen):
    VIEW = "log"
    HELP_GROUP = "Audit log"
    AUTO_FOCUS = "#log"

    BINDINGS = [
        Binding("slash", "filter", "Filter", id="log.filter"),
        Binding("e", "toggle_errors", "Failures only", id="log.errors"),
        Binding("escape", "clear", "Clear", show=False, id="log.clear"),
        Binding("R", "refresh", "Refresh", show=False, id="log.refresh"),
    ]

    DEFAULT_CSS = """
    LogScreen #log-header { height: 1; background: $boost; padding: 0 1; }
    LogScreen #log { height: 1fr; }
    LogScreen #log-detail { height: auto; max-height: 6; padding: 0 1; background: $boost;
                            border-top: solid $panel-lighten-1; }
    """

    def __init__(self, audit: AuditLog | None = None) -> None:
        super().__init__()
        self.audit = audit or AuditLog()
        self.records: list[AuditRecord] = []  # newest first
        self.shown: list[AuditRecord] = []
        self.words: list[str] = []
        self.errors_only = False

    def compose_body(self) -> ComposeResult:
        yield Static("", id="log-header")
        yield VimTable(id="log")
        yield Static("", id="log-detail")

    def on_screen_resume(self) -> None:
        self.load()  # also on the first showing: a write made in another view is there at once

    # -- loading ---------------------------------------------------------------------------
    def load(self) -> None:
        async def read() -> list[AuditRecord]:
            # A log of months can be large: the file is read off the UI thread.
            return await asyncio.to_thread(self.audit.read_recent, RECENT)

        def done(records: list[AuditRecord]) -> None:
            self.records = list(reversed(records))
            self._fill()

        run_io(self, read, what="Reading the audit log", done=done, group="log-read", exclusive=True)

    def _fill(self) -> None:
        table = self.query_one("#log", DataTable)
        keep = table.cursor_row if table.row_count else 0
        table.clear(columns=True)
        width = self.size.width or 80
        narrow = width < 100
        # Narrow terminals: a shorter time, and the profile only when there is more than one
        # (the detail line below the table always has everything).
        profiles = {record.profile for record in self.records}
        columns = [("Time", 11 if narrow else 19)]
        if not narrow or len(profiles) > 1:
            columns.append(("Profile", 10 if narrow else 12))
        columns.append(("Tool", 18 if narrow else 22))
        rest = max(20, width - sum(w for _, w in columns) - (len(columns) + 2) * 2 - 2)
        columns += [("Targets", rest * 2 // 5), ("Outcome", rest - rest * 2 // 5)]  # how it went: longer
        for name, column_width in columns:
            table.add_column(name, width=column_width)
        self.shown = [r for r in self.records if matches(r, self.words, self.errors_only)]
        for record in self.shown:
            outcome_style = OUTCOME_STYLES.get(record.outcome, "bold red" if record.outcome.startswith("error") else "")
            cells = {"Time": Text(when(record, short=narrow)), "Profile": safe.text(record.profile or "", max_len=60),
                     "Tool": safe.text(record.tool, max_len=80, style="bold"),
                     "Targets": safe.text(targets_text(record), max_len=300),
                     "Outcome": safe.text(record.outcome, max_len=500, style=outcome_style)}
            row = []
            for name, column_width in columns:
                cell = cells[name]
                cell.truncate(column_width, overflow="ellipsis")
                row.append(cell)
            table.add_row(*row)
        if self.shown:
            table.move_cursor(row=min(keep, len(self.shown) - 1), animate=False)
        self._update_header()
        self._show_detail()

    def _update_header(self) -> None:
        header = Text(end="")
        if not self.records:
            header.append("No writes recorded yet. ", style="bold")
            header.append("They will be kept in ", style="dim")
            header.append_text(safe.text(str(self.audit.path), max_len=200, style="dim"))
        else:
            header.append(f"{len(self.shown)} of {len(self.records)} writes", style="bold")
            header.append(", newest first  ", style="dim")
            if self.words:
                header.append("filter: ", style="bold")
                header.append_text(safe.text(" ".join(self.words), max_len=80, style="bold"))
                header.append("  ")
            if self.errors_only:
                header.append("failures only (e)  ", style="bold red")
        self.query_one("#log-header", Static).update(header)

    def _show_detail(self) -> None:
        """The highlighted record in full: the table cuts long targets and error messages."""
        detail = self.query_one("#log-detail", Static)
        table = self.query_one("#log", DataTable)
        if not self.shown or not 0 <= table.cursor_row < len(self.shown):
            detail.update(Text("/ filter · e failures only · R re-read", style="dim"))
            return
        record = self.shown[table.cursor_row]
        text = Text(end="")
        text.append(f"{when(record)}  ", style="dim")
        text.append_text(safe.text(record.profile or "(no profile)", max_len=60))
        text.append("  ")
        text.append_text(safe.text(record.tool, max_len=80, style="bold"))
        text.append("\ntargets: ", style="dim")
        text.append_text(safe.text(targets_text(record) or "(none)", max_len=600))
        text.append("\noutcome: ", style="dim")
        style = OUTCOME_STYLES.get(record.outcome, "bold red" if record.outcome.startswith("error") else "")
        outcome = safe.text(record.outcome, max_len=600, style=style)
        outcome.no_wrap = False
        text.append_text(outcome)
        detail.update(text)

    @on(DataTable.RowHighlighted, "#log")
    def _highlighted(self) -> None:
        self._show_detail()

    def on_resize(self) -> None:
        if self.records:
            self._fill()

    # -- keys ------------------------------------------------------------------------------
    def action_filter(self) -> None:
        def entered(line: str | None) -> None:
            if line is not None:
                self.set_filter(line)

        self.app.push_screen(PromptScreen("/", initial=" ".join(self.words), history="log-filter"), entered)

    def set_filter(self, line: str) -> None:
        self.words = [word.casefold() for word in line.split()]
        self._fill()
        if self.words:
            count = len(self.shown)
            self.report(f"{count} write{'' if count == 1 else 's'} match{'es' if count == 1 else ''}; "
                        "Esc clears the filter.")
        else:
            self.report("Filter cleared.")

    def action_toggle_errors(self) -> None:
        self.errors_only = not self.errors_only
        self._fill()

    def action_clear(self) -> None:
        if self.words or self.errors_only:
            self.words, self.errors_only = [], False
            self._fill()
            self.report("Filter cleared.")

    def action_refresh(self) -> None:
        self.load()
        self.report("Audit log re-read.")
