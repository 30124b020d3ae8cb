"""`AppScreen`: the frame every top-level view shares (top bar, body, status line, key footer).

A view subclasses it, sets `VIEW` to its name in `ui/shell/views.py`, and yields its widgets from
`compose_body()`. `report()` puts a message in this screen's status line; the app routes its
reports (and every `run_io` failure) to the screen in front.
"""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen, Screen

from po6_tui.ui.core.host import host
from po6_tui.ui.shell.bars import KeyFooter, StatusLine, TopBar


class AppScreen(Screen):
    VIEW = "mail"

    BINDINGS = [
        Binding("q", "back", "Back", show=False, id="view.back"),
    ]

    # The actions that change something on a server. In read-only mode (the app's --read-only,
    # or a read-only profile in front) their keys leave the footer and do nothing: nothing offers
    # a write that would only be refused after a confirmation. The actions refuse as well.
    WRITE_ACTIONS: frozenset[str] = frozenset()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.WRITE_ACTIONS and self.read_only:
            return False
        return True

    @property
    def read_only(self) -> bool:
        found = host(self)
        return found is not None and (found.read_only or found.active.account.read_only)

    def compose(self) -> ComposeResult:
        yield TopBar(self.VIEW)
        yield from self.compose_body()
        yield StatusLine()
        # No "^p Palette" at the footer's right: it was drawn over the hints when they ran longer
        # than the line ("…v HTML/tex▏^p Palettee"); the palette is in Help (?) and Ctrl+P still works.
        yield KeyFooter()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def report(self, message: str, severity: str = "information", *, transient: bool = False) -> None:
        for line in self.query(StatusLine):
            line.show(message, severity, transient=transient)

    def job_ended(self) -> None:
        """The job a transient message described is over: that message goes (others stay)."""
        for line in self.query(StatusLine):
            line.clear(only_transient=True)

    @on(events.ScreenSuspend)
    def _status_belongs_to_the_view(self) -> None:
        # A status line says what happened in this view: when the view is left (another view,
        # or a reader in front), it goes, so an old "Cannot approve …" never comes back. A dialog
        # in front is part of the view's work: what it was told stays.
        if isinstance(self.app.screen, ModalScreen):
            return
        for line in self.query(StatusLine):
            line.clear()

    def set_context(self, context) -> None:  # noqa: ANN001 (a rich Text)
        for line in self.query(StatusLine):
            line.context = context

    def action_back(self) -> None:
        """Leave this view: back to the mail screen (views are modes)."""
        self.app.open_view("mail")


class PushedScreen(AppScreen):
    """A screen pushed over a view (a conversation, the notices, the postponed list): its back
    keys (q, Esc, named in each one's BINDINGS for the keymap) dismiss it."""

    def action_close(self) -> None:
        self.dismiss()

    def action_back(self) -> None:
        self.dismiss()
