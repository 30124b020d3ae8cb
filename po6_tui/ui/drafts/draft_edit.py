"""Editing an agent's draft before it goes: recipients, subject and body, saved to the journal
as you type (see `message_form.py`). Reopening a draft whose edit was interrupted (a crash, a
dropped connection) brings the edit back and says so; ctrl+r goes back to the agent's original.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from po6_tui.journal import Journal, SavedEdit
from po6_tui.ui.outbox import outbound
from po6_tui.ui import safe
from po6_tui.ui.drafts import decisions as dd
from po6_tui.ui.shell.app_screen import AppScreen
from po6_tui.ui.kit.confirm import Question, confirm_then
from po6_tui.ui.kit.message_form import MessageForm, cleaned, edit_externally


class DraftEditScreen(AppScreen):
    VIEW = "drafts"
    HELP_GROUP = "Edit draft"
    AUTO_FOCUS = "#body"

    BINDINGS = [
        Binding("escape", "close", "Back (edit kept)", id="draft_edit.close"),
        Binding("ctrl+s", "done", "Done", id="draft_edit.done"),
        Binding("ctrl+o", "external", "$EDITOR", id="draft_edit.external"),
        Binding("ctrl+r", "revert", "Revert to agent's", id="draft_edit.revert"),
    ]

    DEFAULT_CSS = """
    DraftEditScreen #edit-header { height: auto; padding: 0 1; background: $boost; margin-bottom: 1; }
    DraftEditScreen #restored { height: auto; padding: 0 1; color: $warning; text-style: bold; }
    """

    def __init__(self, item: dd.QueueItem, journal: Journal) -> None:
        super().__init__()
        self.item = item
        self.journal = journal
        self.restored = journal.load_edit(item.session.name, item.draft.id)
        self.start: SavedEdit = self.restored or cleaned(item.original)

    def compose_body(self) -> ComposeResult:
        left, urgent = dd.time_left(self.item)
        header = Text("Draft of ", style="bold")
        header.append_text(safe.text(self.item.mailbox_address, max_len=80, style="bold"))
        header.append(f"  ·  {left} left", style="bold red" if urgent else "dim")
        header.append("  ·  saved as you type", style="dim")
        yield Static(header, id="edit-header")
        if self.restored is not None:
            yield Static(f"Restored your unfinished edit (saved {self.restored.saved_at[11:16]} UTC). "
                         "ctrl+r goes back to the agent's original.", id="restored")
        yield MessageForm(self.start, save=self._save, id="form")

    @property
    def form(self) -> MessageForm:
        return self.query_one(MessageForm)

    def _save(self, message: SavedEdit) -> None:
        self.journal.save_edit(self.item.session.name, self.item.draft.id, message)

    def action_back(self) -> None:  # q outside a field: close, like Esc
        self.action_close()

    def action_close(self) -> None:
        self.form.flush()
        self.dismiss(None)

    def action_done(self) -> None:
        self.form.flush()
        message = self.form.value()
        try:
            outbound.parse_addresses(message.to_text, field_name="To", required=True)
            outbound.parse_addresses(message.cc_text, field_name="Cc")
        except outbound.AddressError as error:
            self.report(f"{error} (The edit is saved; fix it before approving.)", "warning")
            return
        self.dismiss(None)
        self.app.report("Edit saved: y sends it, D shows what changed.")

    def action_external(self) -> None:
        self.form.flush()
        edited = edit_externally(self.app, self.form.value())
        if edited is not None:
            self.form.load(edited)
            self.form.flush()
            self.report("Loaded the edit from $EDITOR.")

    def action_revert(self) -> None:
        def revert() -> None:
            self.form.discard()
            self.journal.drop_edit(self.item.session.name, self.item.draft.id)
            self.dismiss(None)
            self.app.report("Edit thrown away: the agent's original stands.")

        confirm_then(self, Question(title="Throw away your edit?",
                                    details="The draft goes back to what the agent wrote.",
                                    confirm_label="Throw away"), on_yes=revert)
