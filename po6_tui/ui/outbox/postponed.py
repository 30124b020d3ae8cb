"""`:postponed`: every unfinished message, newest first.

Compose, reply, forward and the draft editor save what is typed to the journal as it is typed
(kit/editor.py); until now the text came back only when the same message was opened again. Here
they are all: Enter continues a new message, reply or forward in its own form (the text
restored); a draft edit or a Postern message is continued where it was started, and the list
says where. `d` throws one away, after a confirmation.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from po6_tui.api.models import EmailSummary
from po6_tui.journal import Journal, SavedEdit
from po6_tui.ui import safe
from po6_tui.ui.kit.confirm import Question, confirm_then
from po6_tui.ui.kit.table import Column, VimTable
from po6_tui.ui.shell.app_screen import PushedScreen

KINDS = {"compose": "new message", "reply": "reply", "reply_all": "reply to all", "forward": "forward"}


@dataclass(frozen=True)
class Postponed:
    account: str
    key: str
    edit: SavedEdit

    @property
    def kind(self) -> str:
        """What it is: a PO6 composition's mode, "draft edit" or "Postern"."""
        if self.key.startswith("postern/"):
            return "Postern"
        mode = self.key.split(":", 1)[0]
        return KINDS.get(mode, "draft edit")

    def reopened(self) -> tuple[str, str | None, EmailSummary | None] | None:
        """(mode, mailbox id, the message answered) for a PO6 composition, else None."""
        if self.key == "compose":
            return "compose", None, None
        mode, _, rest = self.key.partition(":")
        mailbox_id, _, email_id = rest.partition(":")
        if mode in KINDS and mailbox_id and email_id:
            return mode, mailbox_id, EmailSummary(id=email_id, mailbox_id=mailbox_id)
        return None


class PostponedScreen(PushedScreen):
    VIEW = "mail"
    HELP_GROUP = "Postponed"
    AUTO_FOCUS = "#postponed"

    BINDINGS = [
        Binding("q,escape", "close", "Back", id="postponed.back"),
        Binding("d", "discard", "Throw away", id="postponed.discard"),
    ]

    COLUMNS = (Column("saved", "Saved (UTC)", give=0), Column("kind", "What", give=0),
               Column("to", "To", give=2, least=12), Column("subject", "Subject", give=1, least=16),
               Column("account", "Account", give=3, least=8))

    def __init__(self) -> None:
        super().__init__()
        self.journal = Journal.default()
        self.items: list[Postponed] = []

    def compose_body(self) -> ComposeResult:
        with Vertical():
            yield Static("", id="postponed-title", classes="view-title")
            yield VimTable(self.COLUMNS, id="postponed")

    @property
    def table(self) -> VimTable:
        return self.query_one("#postponed", VimTable)

    def on_mount(self) -> None:
        self.load()

    def load(self) -> None:
        self.items = [Postponed(account, key, edit) for account, key, edit in self.journal.all_edits()]
        title = Text(f"{len(self.items)} unfinished message{'s' if len(self.items) != 1 else ''}", style="bold")
        title.append("   Enter continues · d throws away" if self.items else "   nothing is waiting", style="dim")
        self.query_one("#postponed-title", Static).update(title)
        self.table.fill((str(n), self._cells(item)) for n, item in enumerate(self.items))

    @staticmethod
    def _cells(item: Postponed) -> list[Text]:
        edit = item.edit
        return [Text(edit.saved_at[:16].replace("T", " "), style="dim"), Text(item.kind),
                safe.text(edit.to_text or "—", max_len=200), safe.text(edit.subject or "(no subject)", max_len=200),
                safe.text(item.account, max_len=60, style="dim")]

    def _current(self) -> Postponed | None:
        row = self.table.cursor_row
        return self.items[row] if self.items and 0 <= row < len(self.items) else None

    @on(DataTable.RowSelected, "#postponed")
    def _continue(self, _event: DataTable.RowSelected) -> None:
        item = self._current()
        if item is None:
            return
        reopened = item.reopened()
        session = next((s for s in self.app.accounts if s.name == item.account), None)
        if reopened is None or session is None:
            where = ("in the Postern view, by writing to the same inbox or answering the same message again"
                     if item.kind == "Postern" else "in the drafts queue (:drafts): e on that draft brings it back")
            self.report(f"This one continues {where}.")
            return
        # deferred: compose loads when first used
        from po6_tui.ui.outbox.compose import open_compose

        mode, mailbox_id, email = reopened
        self.dismiss()
        open_compose(self.app, mode, mailbox_id, email, session=session)

    def action_discard(self) -> None:
        item = self._current()
        if item is None:
            return
        question = Question(title="Throw this unfinished message away?", confirm_label="Throw away",
                            details=f"{item.kind}: {safe.one_line(item.edit.subject or '(no subject)', 120)}. "
                                    "The text is gone for good.")

        def discard() -> None:
            self.journal.drop_edit(item.account, item.key)
            self.load()
            self.report("Thrown away.")

        confirm_then(self, question, on_yes=discard, on_no=lambda: self.report("Kept."))
