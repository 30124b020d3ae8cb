"""Editing an agent's draft before it goes: recipients, subject and body, saved to the journal
as you type (see `message_form.py`). Reopening a draft whose edit was interrupted (a crash, a
dropped connection) brings the edit back and says so; ctrl+r goes back to the agent's original.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from po6_tui.journal import Journal, SavedEdit
from po6_tui.ui.outbox import outbound
from po6_tui.ui import safe
from po6_tui.ui.drafts import decisions as dd
from po6_tui.ui.shell.app_screen import AppScreen
from po6_tui.ui.kit.editor import EDITOR_KEYS, Editing, restored_notice, submit_key
from po6_tui.ui.kit.message_form import MessageForm, cleaned


class DraftEditScreen(Editing, AppScreen):
    VIEW = "drafts"
    HELP_GROUP = "Edit draft"
    AUTO_FOCUS = "#body"

    BINDINGS = [*EDITOR_KEYS, submit_key("Done")]
    REVERT_TITLE = "Throw away your edit?"
    REVERT_DETAILS = "The draft goes back to what the agent wrote."
    REVERTED_NOTE = "Edit thrown away: the agent's original stands."
    KEPT_NOTE = ""  # the queue shows the ✎ of a kept edit

    DEFAULT_CSS = """
    DraftEditScreen #edit-header { height: auto; padding: 0 1; background: $boost; margin-bottom: 1; }
    """

    def __init__(self, item: dd.QueueItem, journal: Journal) -> None:
        super().__init__()
        self.item = item
        self.journal = journal
        self.restored = self.load_restored()
        self.start: SavedEdit = self.restored or cleaned(item.original)

    def compose_body(self) -> ComposeResult:
        left, urgent = dd.time_left(self.item)
        header = Text("Draft of ", style="bold")
        header.append_text(safe.text(self.item.mailbox_address, max_len=80, style="bold"))
        header.append(f"  ·  {left} left", style="bold red" if urgent else "dim")
        header.append("  ·  saved as you type", style="dim")
        yield Static(header, id="edit-header")
        if self.restored is not None:
            yield restored_notice(self.restored, "unfinished edit")
        yield MessageForm(self.start, save=self.save_edit, resume=self.restored is not None, id="form")

    def journal_place(self) -> tuple[str, str]:
        return self.item.session.name, self.item.draft.id

    def action_submit(self) -> None:
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
