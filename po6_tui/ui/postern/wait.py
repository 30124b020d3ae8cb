"""`w`: the live wait watcher. Pick an inbox and filters; every inbound message that matches is
listed as it arrives, with the one-time code, the verification link and any credentials the
service extracted, each ready to copy (c code, l link, u user name, p password).

It is a loop of Postern `wait` long-polls in one worker: each call blocks until a match arrives
or its time is up, and the next call asks only for mail newer than the last match, so nothing
is listed twice. Esc stops it; so does leaving the screen (the worker is cancelled, which also
drops the pending HTTP request).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, DataTable, Input, Select, Static
from textual.worker import Worker

from po6_tui.api import postern_models as pm
from po6_tui.api.postern import PosternClient
from po6_tui.ui import safe
from po6_tui.ui.kit import clipboard
from po6_tui.ui.core import timefmt
from po6_tui.ui.shell.app_screen import AppScreen
from po6_tui.ui.core.tasks import run_io
from po6_tui.ui.kit.table import VimTable
from po6_tui.ui.kit.tickbox import TickBox

EVERYTHING = "1970-01-01T00:00:00Z"  # `since` that includes every message already in the inbox


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class PosternWaitScreen(AppScreen):
    VIEW = "postern"
    HELP_GROUP = "Postern wait watcher"
    AUTO_FOCUS = "#wait-subject"

    WAIT_SECONDS = 60.0  # one long-poll; the loop re-issues it until stopped

    BINDINGS = [
        Binding("escape", "stop_or_close", "Stop / back", id="postern.wait.stop"),
        Binding("ctrl+s", "start", "Start", id="postern.wait.start"),
        Binding("c", "copy('code')", "Copy code", id="postern.wait.copy_code"),
        Binding("l", "copy('link')", "Copy link", id="postern.wait.copy_link"),
        Binding("u", "copy('user')", "Copy user", show=False, id="postern.wait.copy_user"),
        Binding("p", "copy('password')", "Copy password", show=False, id="postern.wait.copy_password"),
    ]

    DEFAULT_CSS = """
    PosternWaitScreen #wait-form { height: auto; padding: 0 1; background: $boost; }
    PosternWaitScreen .row { height: 1; margin-bottom: 1; }
    PosternWaitScreen .row > Static { width: 10; color: $text-muted; }
    PosternWaitScreen .row > Input, PosternWaitScreen .row > Select { width: 1fr; margin-right: 2; }
    PosternWaitScreen #wait-buttons { height: 1; }
    PosternWaitScreen #wait-buttons Checkbox { width: 1fr; }
    PosternWaitScreen #wait-state { height: 1; padding: 0 1; text-style: bold; }
    PosternWaitScreen #wait-state.-running { color: $success; }
    PosternWaitScreen #matches { height: 1fr; }
    PosternWaitScreen #match-detail { height: auto; max-height: 6; padding: 0 1; background: $boost; }
    """

    def __init__(self, client: PosternClient, addresses: list[str], current: str) -> None:
        super().__init__()
        self.client = client
        self.addresses = addresses or [current]
        self.current = current if current in self.addresses else self.addresses[0]
        self.matches: list[pm.WaitResult] = []
        self.watching: str = ""  # the inbox being watched, "" when stopped
        self._including = False  # the watch started with "include mail already in the inbox"
        self._worker: Worker | None = None

    # -- layout ----------------------------------------------------------------------------
    def compose_body(self) -> ComposeResult:
        with Vertical(id="wait-form"):
            with Horizontal(classes="row"):
                yield Static("Inbox")
                yield Select([(safe.text(a, max_len=80), a) for a in self.addresses], value=self.current,
                             allow_blank=False, compact=True, id="wait-inbox")
            with Horizontal(classes="row"):
                yield Static("From")
                yield Input(placeholder="sender contains…", compact=True, id="wait-from", max_length=254)
                yield Static("Subject")
                yield Input(placeholder="subject contains…", compact=True, id="wait-subject", max_length=998)
            with Horizontal(classes="row"):
                yield Static("Regex")
                yield Input(placeholder="pattern in subject or text, e.g. code \\d{6}", compact=True,
                            id="wait-regex", max_length=500)
            with Horizontal(id="wait-buttons"):
                yield TickBox("Include mail already in the inbox", compact=True, id="wait-include")
                yield Button("Start (Ctrl+S)", compact=True, variant="primary", id="wait-start")
        yield Static("", id="wait-state")
        yield VimTable(id="matches", zebra_stripes=False)
        yield Static("", id="match-detail")

    def on_mount(self) -> None:
        table = self.query_one("#matches", DataTable)
        table.add_column("Time", width=6)
        table.add_column("From", width=22)
        table.add_column("Subject", width=24)
        table.add_column("Code", width=10)
        table.add_column("Link")
        self._show_state()
        self._show_detail()

    # -- starting and stopping ---------------------------------------------------------------
    def filters(self) -> dict[str, str | None]:
        def field(name: str) -> str | None:
            return self.query_one(f"#wait-{name}", Input).value.strip() or None

        return {"sender": field("from"), "subject": field("subject"), "regex": field("regex")}

    @on(Input.Submitted)
    @on(Button.Pressed, "#wait-start")
    def action_start(self) -> None:
        if self.watching:
            self.report("Already watching: Esc stops first.", "warning")
            return
        filters = self.filters()
        if filters["regex"]:
            try:
                re.compile(filters["regex"])
            except re.error as error:
                self.report(f"The regex is not valid: {error}", "warning")
                return
        address = str(self.query_one("#wait-inbox", Select).value)
        include = self.query_one("#wait-include", Checkbox).value
        self.watching = address
        self._including = include
        self._show_state()
        self._worker = run_io(self, lambda: self._watch(address, filters, include), what="Watching",
                              failed=lambda _error: self._stopped(), group="watch", exclusive=True)
        self.set_focus(self.query_one("#matches", DataTable))

    async def _watch(self, address: str, filters: dict[str, str | None], include: bool) -> None:
        if include:
            since: str | None = EVERYTHING
        else:
            # "New mail only", measured on the server's clock: after the newest message already there.
            newest = await self.client.list_messages(address, direction="inbound", limit=1)
            since = _iso(newest.data[0].received_at) if newest.data and newest.data[0].received_at else None
        seen: set[str] = set()
        while True:
            result = await self.client.wait(address, since=since, timeout_seconds=self.WAIT_SECONDS, **filters)
            if result.timed_out or result.message is None:
                continue
            message = result.message
            if message.id in seen:
                # The server cannot move past it (no usable time): from now on ask for new mail only,
                # rather than getting the same message back in a tight loop.
                since = None
                continue
            seen.add(message.id)
            since = _iso(message.received_at) if message.received_at is not None else None
            self._add_match(result)

    def stop(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            self._worker = None
        if self.watching:
            self._stopped()

    def _stopped(self) -> None:
        self.watching = ""
        self._worker = None
        if self.is_mounted:
            self._show_state()

    def on_screen_suspend(self) -> None:
        # A dialog on top (help, a confirmation) keeps the watcher going; leaving the screen does not.
        app = self.app
        if not (isinstance(app.screen, ModalScreen) and self in app.screen_stack):
            self.stop()

    def on_unmount(self) -> None:
        if self._worker is not None:  # the widgets are going: cancel without redrawing
            self._worker.cancel()
            self._worker = None

    def action_stop_or_close(self) -> None:
        if self.watching:
            self.stop()
            count = len(self.matches)
            self.report(f"Stopped watching. {count} match{'es' if count != 1 else ''} kept here.")
        else:
            self.action_close()

    def action_close(self) -> None:
        self.stop()
        self.dismiss()

    def action_back(self) -> None:
        self.action_close()

    # -- showing ---------------------------------------------------------------------------
    def _show_state(self) -> None:
        state = self.query_one("#wait-state", Static)
        state.set_class(bool(self.watching), "-running")
        count = len(self.matches)
        found = f"{count} match{'es' if count != 1 else ''}"
        if self.watching:
            text = Text("● Watching ")
            text.append_text(safe.text(self.watching, max_len=80))
            # Say which mail counts: with the box off, a code already in the inbox is not a match.
            text.append(" (mail already there too)" if self._including else " (new mail only)")
            text.append(f": {found}. Esc stops.")
        else:
            text = Text(f"Stopped: {found}. Set the filters (all optional) and press Enter or Ctrl+S.",
                        style="dim")
        state.update(text)

    def _add_match(self, result: pm.WaitResult) -> None:
        self.matches.append(result)
        message, extracted = result.message, result.extracted or pm.Extracted()
        table = self.query_one("#matches", DataTable)
        table.add_row(Text(timefmt.short(message.received_at), style="dim"),
                      safe.text(message.from_name or message.from_, max_len=200),
                      safe.text(message.subject or "(no subject)", max_len=300),
                      safe.text(extracted.otp_code or "", max_len=40, style="bold"),
                      safe.text(extracted.verification_link or "", max_len=safe.URL_MAX),
                      key=message.id)
        table.move_cursor(row=len(self.matches) - 1, animate=False)
        self._show_state()
        self._show_detail()
        self.app.bell()

    def _current(self) -> pm.WaitResult | None:
        table = self.query_one("#matches", DataTable)
        if not self.matches or not 0 <= table.cursor_row < len(self.matches):
            return None
        return self.matches[table.cursor_row]

    @on(DataTable.RowHighlighted, "#matches")
    def _show_detail(self) -> None:
        detail = Text(end="")
        result = self._current()
        if result is None:
            detail.append("Each match shows the code and link the service found in it, ready to copy.", style="dim")
        else:
            extracted = result.extracted or pm.Extracted()
            credentials = extracted.credentials or pm.Credentials()
            for label, key, value, shown in (
                    ("Code", "c", extracted.otp_code, extracted.otp_code),
                    ("Link", "l", extracted.verification_link, extracted.verification_link),
                    ("User", "u", credentials.username, credentials.username),
                    ("Password", "p", credentials.password, "•" * 8)):
                if not value:
                    continue
                detail.append(f"{label} ", style="bold")
                detail.append_text(safe.text(shown, max_len=safe.URL_MAX))
                detail.append(f"  ({key} copies)\n", style="dim")
            if not detail:
                detail.append("Nothing to copy was found in this message.", style="dim")
            detail.rstrip()
        self.query_one("#match-detail", Static).update(detail)

    # -- copying -----------------------------------------------------------------------------
    def action_copy(self, what: str) -> None:
        result = self._current()
        if result is None:
            self.report("No match to copy from yet.", "warning")
            return
        extracted = result.extracted or pm.Extracted()
        credentials = extracted.credentials or pm.Credentials()
        value, name = {"code": (extracted.otp_code, "the code"),
                       "link": (extracted.verification_link, "the link"),
                       "user": (credentials.username, "the user name"),
                       "password": (credentials.password, "the password")}[what]
        if not value:
            self.report(f"This match has no {name.removeprefix('the ')}.", "warning")
            return
        # The app writes the clipboard itself (OSC 52) with the real value, controls and escape
        # sequences removed: server text never reaches the terminal raw, and a code pastes as sent.
        value, invisible = safe.copyable(value)
        shown = safe.one_line(value) if what in ("code", "user") else ("••••••••" if what == "password" else "")
        said = clipboard.copy(self.app, value, f"{name}{' ' + shown if shown else ''}")
        if invisible:  # the warning first: the status line is one row
            self.report(f"{name.capitalize()} contains invisible characters ({', '.join(invisible[:4])}): check "
                        f"it where you paste it. {said}", "warning")
        else:
            self.report(said)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # These keys are letters: inside a filter field they must type, not act.
        if action in ("copy", "move") and isinstance(self.focused, Input):
            return False
        return True
